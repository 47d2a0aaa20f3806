package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/postgres"
)

func openPractice(t *testing.T, dbURL string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A backslash is text in a setting, never bytea's escape.
func TestSettingsKeepBackslashes(t *testing.T) {
	ctx := context.Background()
	s := openPractice(t, testkit.Postgres(t))
	addr := `Unit 4\Rear, 12 Mill Rd \x41\\ C:\clinic`
	if err := s.SetSetting(ctx, data.SettingClinicAddress, addr); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Setting(ctx, data.SettingClinicAddress); err != nil || got != addr {
		t.Fatalf("the address reads back as %q (%v), want %q", got, err, addr)
	}
}

// PCs saving at once take turns: the audit log stays one chain and every save is there. Opening
// the same new practice on several PCs at once gives it its default lists once.
func TestWritersOnSeveralPCsKeepOneChain(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	const pcs, writers, each = 3, 3, 4
	stores := make([]*postgres.Store, pcs)
	var wg sync.WaitGroup
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(ctx, dbURL, postgres.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			stores[i] = s
		}()
	}
	wg.Wait()
	for _, s := range stores {
		if s == nil {
			t.FailNow()
		}
		t.Cleanup(func() { s.Close() })
	}
	before, err := stores[0].Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh := openPractice(t, testkit.Postgres(t))
	want, err := fresh.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before["products"] != want["products"] || before["devices"] != want["devices"] {
		t.Fatalf("a practice opened by %d PCs at once has %d products and %d devices, a new one %d and %d",
			pcs, before["products"], before["devices"], want["products"], want["devices"])
	}
	for p, s := range stores {
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range each {
					c := &data.Client{FirstName: fmt.Sprintf("Pc%dw%d", p, w), LastName: fmt.Sprintf("Client%d", n)}
					if err := s.CreateClient(ctx, c); err != nil {
						t.Errorf("PC %d writer %d: %v", p, w, err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	counts, err := stores[1].Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts["clients"] != pcs*writers*each {
		t.Errorf("%d clients saved, want %d", counts["clients"], pcs*writers*each)
	}
	rep, err := stores[2].Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.AuditEntries < pcs*writers*each {
		t.Errorf("after saves from %d PCs at once verify finds %d audit entries and %v", pcs, rep.AuditEntries, rep.Breaks)
	}
}
