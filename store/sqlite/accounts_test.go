package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"regexp"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// storedHash reads a practitioner's passphrase hash straight from the file, as anyone holding a
// copy of it could.
func storedHash(t testing.TB, s *sqlite.Store, id string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: s.Path()}).EscapedPath()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var h string
	if err := db.QueryRow(`SELECT passphrase_hash FROM practitioners WHERE id = ?`, id).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

// actions lists the audit entries about a record as "action by practitioner".
func actions(t testing.TB, s *sqlite.Store, id string) []string {
	t.Helper()
	log, err := s.AuditLog(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		out = append(out, e.Action+" by "+e.PractitionerID)
	}
	return out
}

func TestSetCheckAndChangePassphrase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	anna := testkit.CreatePractitioner(t, s, "Anna Smith", data.RoleAdmin)
	ben := testkit.CreatePractitioner(t, s, "Ben Jones", data.RolePractitioner)
	if set, err := s.AnyPassphraseSet(ctx); err != nil || set {
		t.Fatalf("a new practice has a passphrase set: %v %v", set, err)
	}

	testkit.ExpectFields(t, s.SetPassphrase(ctx, anna.ID, "", "short"), "passphrase")
	testkit.ExpectFields(t, s.SetPassphrase(ctx, anna.ID, "", "ünïcødé"), "passphrase") // 7 characters, more bytes
	if err := s.SetPassphrase(ctx, "no-such-id", "", "correct horse"); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("passphrase for an unknown practitioner: %v", err)
	}

	if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), anna.ID, "", "correct horse"); err != nil {
		t.Fatal(err)
	}
	// Ben's first passphrase, now that Anna has one, is confirmed by Anna, an admin, signed in.
	if err := s.SignIn(ctx, anna.ID, "correct horse"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), ben.ID, "", "correct horse"); err != nil {
		t.Fatal(err)
	}
	h := storedHash(t, s, anna.ID)
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Fatalf("stored hash %q is not a PHC argon2id string", h)
	}
	if h == storedHash(t, s, ben.ID) {
		t.Fatal("the same passphrase gave the same hash twice: the salt is not random")
	}
	if set, _ := s.AnyPassphraseSet(ctx); !set {
		t.Fatal("AnyPassphraseSet is false after setting one")
	}
	accounts, err := s.Accounts(ctx)
	if err != nil || len(accounts) != 2 || !accounts[0].HasPassphrase || accounts[0].Name != "Anna Smith" {
		t.Fatalf("accounts: %+v %v", accounts, err)
	}

	for pass, want := range map[string]bool{"correct horse": true, "correct horse ": false, "Correct horse": false, "": false} {
		if ok, err := s.CheckPassphrase(ctx, anna.ID, pass); err != nil || ok != want {
			t.Errorf("check %q: %v %v, want %v", pass, ok, err, want)
		}
	}
	if ok, err := s.CheckPassphrase(ctx, "no-such-id", "correct horse"); ok || err != nil {
		t.Errorf("check for an unknown practitioner: %v %v", ok, err)
	}

	if err := s.SetPassphrase(ctx, anna.ID, "wrong old one", "battery staple"); !errors.Is(err, data.ErrWrongPassphrase) {
		t.Fatalf("change with a wrong old passphrase: %v", err)
	}
	if err := s.SetPassphrase(ctx, anna.ID, "", "battery staple"); !errors.Is(err, data.ErrWrongPassphrase) {
		t.Fatalf("change without the old passphrase: %v", err)
	}
	if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), anna.ID, "correct horse", "battery staple"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.CheckPassphrase(ctx, anna.ID, "correct horse"); ok {
		t.Error("the old passphrase still works")
	}
	if ok, _ := s.CheckPassphrase(ctx, anna.ID, "battery staple"); !ok {
		t.Error("the new passphrase does not work")
	}
	got := actions(t, s, anna.ID)
	want := []string{"create by ", "passphrase-set by " + anna.ID, "sign-in by " + anna.ID, "passphrase-set by " + anna.ID}
	if len(got) != len(want) || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("audit log: %q, want %q", got, want)
	}
}

// Once the practice uses passphrases, no one at the lock screen can choose one for a colleague
// who has none and sign in as them: an admin with a passphrase confirms a first one.
func TestFirstPassphraseNeedsAnAdminOnceThePracticeUsesThem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	ada := testkit.CreatePractitioner(t, s, "Ada Admin", data.RoleAdmin)
	anna := testkit.CreatePractitioner(t, s, "Anna Smith", data.RolePractitioner)
	ben := testkit.CreatePractitioner(t, s, "Ben Jones", data.RolePractitioner)
	noPass := testkit.CreatePractitioner(t, s, "Nora Nopass", data.RoleAdmin)
	if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), anna.ID, "", "correct horse"); err != nil {
		t.Fatalf("the practice's first passphrase: %v", err)
	}
	if err := s.SignIn(ctx, anna.ID, "correct horse"); err != nil {
		t.Fatal(err)
	}
	for what, c := range map[string]context.Context{
		"no one":                        ctx,
		"Ben himself":                   data.WithActor(ctx, ben.ID),
		"a practitioner with one":       data.WithActor(ctx, anna.ID),
		"an admin without a passphrase": data.WithActor(ctx, noPass.ID),
		"an unknown actor":              data.WithActor(ctx, "no-such-id"),
	} {
		if err := s.SetPassphrase(c, ben.ID, "", "battery staple"); !errors.Is(err, data.ErrFirstPassphraseNeedsAdmin) {
			t.Errorf("Ben's first passphrase set by %s: %v", what, err)
		}
	}
	if err := s.SetPassphrase(data.WithActor(ctx, ada.ID), ada.ID, "", "admin passphrase"); !errors.Is(err, data.ErrFirstPassphraseNeedsAdmin) {
		t.Errorf("an admin set her own first passphrase while others have one: %v", err)
	}
	if h := storedHash(t, s, ben.ID); h != "" {
		t.Fatal("a refused first passphrase was stored")
	}
	// No admin has a passphrase yet: Anna, made an admin, confirms Ada's first one.
	anna.Role = data.RoleAdmin
	if err := s.SavePractitioner(data.WithActor(ctx, anna.ID), &anna); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), ada.ID, "", "admin passphrase"); err != nil {
		t.Fatalf("first passphrase confirmed by an admin: %v", err)
	}
	if err := s.SignIn(ctx, ada.ID, "admin passphrase"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassphrase(data.WithActor(ctx, ada.ID), ben.ID, "", "battery staple"); err != nil {
		t.Fatalf("Ben's first passphrase confirmed by Ada: %v", err)
	}
	if ok, _ := s.CheckPassphrase(ctx, ben.ID, "battery staple"); !ok {
		t.Fatal("Ben's confirmed passphrase does not work")
	}
	if got := actions(t, s, ben.ID); got[len(got)-1] != "passphrase-set by "+ada.ID {
		t.Fatalf("Ben's passphrase is not logged as confirmed by Ada: %q", got)
	}
	// Changing one's own passphrase needs no one.
	if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), anna.ID, "correct horse", "a new start"); err != nil {
		t.Fatalf("change of one's own: %v", err)
	}
}

func TestPassphraseIsNormalised(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	p := testkit.CreatePractitioner(t, s, "Zoë", data.RolePractitioner)
	if err := s.SetPassphrase(ctx, p.ID, "", "caf\u00e9 au lait"); err != nil { // é as one character
		t.Fatal(err)
	}
	if ok, _ := s.CheckPassphrase(ctx, p.ID, "cafe\u0301 au lait"); !ok { // e and a combining accent
		t.Fatal("the same passphrase typed in decomposed form is refused")
	}
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	anna := testkit.CreatePractitioner(t, s, "Anna Smith", data.RolePractitioner)
	ben := testkit.CreatePractitioner(t, s, "Ben Jones", data.RolePractitioner)
	gone := testkit.CreatePractitioner(t, s, "Retired Person", data.RolePractitioner)
	// Retired before Anna sets hers, the practice's first passphrase is still Anna's to choose.
	if err := s.SetPassphrase(ctx, gone.ID, "", "correct horse"); err != nil {
		t.Fatal(err)
	}
	gone.Retired = true
	if err := s.SavePractitioner(ctx, &gone); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassphrase(ctx, anna.ID, "", "correct horse"); err != nil {
		t.Fatal(err)
	}

	if err := s.SignIn(ctx, anna.ID, "correct horse"); err != nil {
		t.Fatalf("right passphrase: %v", err)
	}
	if err := s.SignIn(data.WithActor(ctx, ben.ID), anna.ID, "Correct Horse"); !errors.Is(err, data.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	// Neither an unknown nor a retired practitioner is told apart from a wrong passphrase.
	for _, id := range []string{"no-such-id", gone.ID} {
		if err := s.SignIn(ctx, id, "correct horse"); !errors.Is(err, data.ErrWrongPassphrase) {
			t.Fatalf("sign in as %s: %v", id, err)
		}
	}
	if err := s.SignIn(ctx, ben.ID, ""); !errors.Is(err, data.ErrNoPassphrase) {
		t.Fatalf("sign in without a passphrase set: %v", err)
	}

	got := actions(t, s, anna.ID)
	want := []string{"create by ", "passphrase-set by ", "sign-in by " + anna.ID, "sign-in-failed by "}
	if len(got) != len(want) {
		t.Fatalf("audit log of Anna: %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("audit log of Anna: %q, want %q", got, want)
		}
	}
	if got := actions(t, s, "no-such-id"); len(got) != 1 || got[0] != "sign-in-failed by " {
		t.Fatalf("audit log of an unknown practitioner: %q", got)
	}
}

func TestAdminResetsAPassphrase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	admin := testkit.CreatePractitioner(t, s, "Ada Admin", data.RoleAdmin)
	other := testkit.CreatePractitioner(t, s, "Olga Admin", data.RoleAdmin)
	anna := testkit.CreatePractitioner(t, s, "Anna Smith", data.RolePractitioner)
	ben := testkit.CreatePractitioner(t, s, "Ben Jones", data.RolePractitioner)
	if err := s.SetPassphrase(ctx, admin.ID, "", "correct horse"); err != nil {
		t.Fatal(err)
	}
	// The admin confirms with their passphrase, as the reset dialog asks: their entries are signed.
	if err := s.SignIn(ctx, admin.ID, "correct horse"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassphrase(data.WithActor(ctx, admin.ID), anna.ID, "", "correct horse"); err != nil {
		t.Fatal(err)
	}

	for what, c := range map[string]context.Context{
		"no one":              ctx,
		"a practitioner":      data.WithActor(ctx, ben.ID),
		"an unknown actor":    data.WithActor(ctx, "no-such-id"),
		"the admin, for self": data.WithActor(ctx, admin.ID),
	} {
		target := anna.ID
		if what == "the admin, for self" {
			target = admin.ID
		}
		if err := s.ResetPassphrase(c, target); !errors.Is(err, data.ErrResetNotAllowed) {
			t.Errorf("reset by %s: %v", what, err)
		}
	}
	if ok, _ := s.CheckPassphrase(ctx, anna.ID, "correct horse"); !ok {
		t.Fatal("a refused reset changed the passphrase")
	}
	if err := s.ResetPassphrase(data.WithActor(ctx, admin.ID), "no-such-id"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("reset of an unknown practitioner: %v", err)
	}

	if err := s.ResetPassphrase(data.WithActor(ctx, admin.ID), anna.ID); err != nil {
		t.Fatal(err)
	}
	if h := storedHash(t, s, anna.ID); h != "" {
		t.Fatalf("hash after reset: %q", h)
	}
	if err := s.SignIn(ctx, anna.ID, "correct horse"); !errors.Is(err, data.ErrNoPassphrase) {
		t.Fatalf("sign in after reset: %v", err)
	}
	// She chooses a new one without the old, the admin confirming it, and signs in with it.
	if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), anna.ID, "", "a new start"); !errors.Is(err, data.ErrFirstPassphraseNeedsAdmin) {
		t.Fatalf("a new passphrase after a reset, unconfirmed: %v", err)
	}
	if err := s.SetPassphrase(data.WithActor(ctx, admin.ID), anna.ID, "", "a new start"); err != nil {
		t.Fatal(err)
	}
	if err := s.SignIn(ctx, anna.ID, "a new start"); err != nil {
		t.Fatal(err)
	}
	got := actions(t, s, anna.ID)
	if len(got) != 5 || got[2] != "passphrase-reset by "+admin.ID {
		t.Fatalf("audit log of Anna: %q", got)
	}

	// A retired admin can no longer reset.
	other.Retired = true
	if err := s.SavePractitioner(ctx, &other); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetPassphrase(data.WithActor(ctx, other.ID), admin.ID); !errors.Is(err, data.ErrResetNotAllowed) {
		t.Fatalf("reset by a retired admin: %v", err)
	}
}

func TestDamagedHashIsAnErrorNotAMatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	p := testkit.CreatePractitioner(t, s, "Anna Smith", data.RolePractitioner)
	if err := s.SetPassphrase(ctx, p.ID, "", "correct horse"); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: s.Path()}).EscapedPath()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, h := range []string{
		"$argon2id$v=19$m=4194304,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", // 4 GiB
		"$argon2i$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
		"plain text",
	} {
		if _, err := db.Exec(`UPDATE practitioners SET passphrase_hash = ? WHERE id = ?`, h, p.ID); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.CheckPassphrase(ctx, p.ID, "correct horse"); ok || err == nil {
			t.Errorf("hash %q: check gave %v, %v", h, ok, err)
		}
	}
}

// BenchmarkCheckPassphrase is the time a sign-in spends hashing.
func BenchmarkCheckPassphrase(b *testing.B) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(b)
	p := testkit.CreatePractitioner(b, s, "Anna Smith", data.RolePractitioner)
	if err := s.SetPassphrase(ctx, p.ID, "", "correct horse"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, err := s.CheckPassphrase(ctx, p.ID, "correct horse"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
