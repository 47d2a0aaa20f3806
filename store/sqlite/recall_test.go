package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func TestLotRecall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	lee := data.Practitioner{Name: "Dr Lee"}
	if err := s.SavePractitioner(ctx, &lee); err != nil {
		t.Fatal(err)
	}
	zoe := testkit.CreateClient(t, s, "Zoë", "Ångström")
	zoe.Phone = "+44 20 7946 0001"
	if err := s.UpdateClient(ctx, &zoe); err != nil {
		t.Fatal(err)
	}
	anna := testkit.CreateClient(t, s, "Анна", "Иванова")
	other := testkit.CreateClient(t, s, "Ελένη", "Παπαδοπούλου")

	// Zoë: cartridge C-9931, anaesthetic LA-221, serum HA-2291 twice (during and after).
	first := testkit.StoredSession(t, s, zoe.ID)
	first.PractitionerID = lee.ID
	if err := s.CreateSession(ctx, &first); err != nil {
		t.Fatal(err)
	}
	// Anna, two days earlier: the serum's lot as typed, with spaces and in lower case.
	earlier := testkit.StoredSession(t, s, anna.ID)
	earlier.StartedAt = earlier.StartedAt.Add(-48 * time.Hour)
	earlier.Cartridge.Lot = "C-1000"
	earlier.Anaesthetic.Lot = "LA-999"
	earlier.Products = earlier.Products[:1]
	earlier.Products[0].Lot = "  ha-2291 "
	if err := s.CreateSession(ctx, &earlier); err != nil {
		t.Fatal(err)
	}
	anna.ArchivedAt = testkit.Now // archived clients must still be found
	if err := s.UpdateClient(ctx, &anna); err != nil {
		t.Fatal(err)
	}
	// Ελένη: lots that only begin or end like the recalled ones.
	near := testkit.StoredSession(t, s, other.ID)
	near.Cartridge.Lot = "C-99310"
	near.Anaesthetic.Lot = "XLA-221"
	near.Products = near.Products[:1]
	near.Products[0].Lot = "HA-22911"
	if err := s.CreateSession(ctx, &near); err != nil {
		t.Fatal(err)
	}

	describe := func(rows []data.RecallRow) []string {
		var out []string
		for _, r := range rows {
			out = append(out, fmt.Sprintf("%s|%s|%s|%s|%s|%s", r.ClientName, r.Use, r.Phase, strings.TrimSpace(r.Lot),
				r.Practitioner, r.StartedAt.Format(time.DateOnly)))
		}
		return out
	}
	day := func(se data.Session) string { return se.StartedAt.UTC().Format(time.DateOnly) }

	rows, err := s.LotRecall(ctx, " ha-2291")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Анна Иванова|product|during|ha-2291||" + day(earlier),
		"Zoë Ångström|product|during|HA-2291|Dr Lee|" + day(first),
		"Zoë Ångström|product|after|HA-2291|Dr Lee|" + day(first),
	}
	if got := describe(rows); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("recall of the serum lot:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !rows[0].ClientArchived || rows[1].ClientArchived {
		t.Errorf("archived flags: %v %v", rows[0].ClientArchived, rows[1].ClientArchived)
	}
	if rows[1].Item != "Hyaluronic acid serum (sterile)" || rows[1].Expiry != data.NewDate(2027, 6, 30) ||
		rows[1].Phone != zoe.Phone || rows[1].SessionID != first.ID || rows[1].PractitionerID != lee.ID ||
		rows[1].ClientID != zoe.ID || rows[1].SessionStatus != data.StatusDraft {
		t.Errorf("serum row: %+v", rows[1])
	}

	rows, err = s.LotRecall(ctx, "c-9931")
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(rows); len(got) != 1 || got[0] != "Zoë Ångström|cartridge||C-9931|Dr Lee|"+day(first) {
		t.Fatalf("recall of the cartridge lot: %q", got)
	}
	cartridges, err := s.Cartridges(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Item != cartridges[0].Name || rows[0].Expiry != data.NewDate(2027, 1, 31) {
		t.Errorf("cartridge row names %q expiring %v", rows[0].Item, rows[0].Expiry)
	}

	rows, err = s.LotRecall(ctx, "LA-221")
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(rows); len(got) != 1 || got[0] != "Zoë Ångström|anaesthetic||LA-221|Dr Lee|"+day(first) {
		t.Fatalf("recall of the anaesthetic lot: %q", got)
	}
	if rows[0].Item != "Lidocaine 4% cream" {
		t.Errorf("anaesthetic row names %q", rows[0].Item)
	}

	rows, err = s.LotRecall(ctx, "NO-SUCH-LOT")
	if err != nil || len(rows) != 0 {
		t.Fatalf("unknown lot: %v %v", rows, err)
	}
	var ve *data.ValidationError
	if _, err := s.LotRecall(ctx, "  "); !errors.As(err, &ve) {
		t.Fatalf("blank lot: got %v, want a validation error", err)
	}
}
