package storetest

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

var auditTests = []subtest{
	{"ChainAndVerify", auditChainAndVerify},
	{"VerifyHead", auditVerifyHead},
}

var accountTests = []subtest{
	{"SetCheckChangeAndSignIn", accountsPassphrases},
}

var clientLifeTests = []subtest{
	{"ArchiveAndRestore", clientArchiveAndRestore},
	{"DeleteNeedsAReasonAndRemovesEverything", clientDelete},
}

// verifiedPractice is a store with signed, amended and draft sessions, an export and a sign-in.
func verifiedPractice(t *testing.T, s store.Store) (context.Context, data.Session) {
	t.Helper()
	signed, ctx := signedSession(t, s)
	edit := signed
	edit.Notes = "Amended note."
	if _, err := s.AmendSession(ctx, edit, "Note was incomplete."); err != nil {
		t.Fatal(err)
	}
	draft := storedSession(t, s, signed.ClientID)
	must(t, s.CreateSession(ctx, &draft))
	must(t, s.LogExport(ctx, "session", signed.ID))
	must(t, s.LogSignIn(context.Background(), signed.SignedBy))
	got, _ := s.Session(ctx, signed.ID)
	return ctx, got
}

func auditChainAndVerify(t *testing.T, s store.Store) {
	ctx, signed := verifiedPractice(t, s)
	rep, err := s.Verify(ctx)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !rep.OK() || rep.SignedSessions != 1 || rep.Amendments != 1 || rep.AuditEntries < 8 || len(rep.Head) != 64 {
		t.Fatalf("report: %+v", rep)
	}
	log, _ := s.AuditLog(ctx, signed.ID)
	got := map[string]bool{}
	for i, e := range log {
		got[e.Action] = true
		if i > 0 && e.PrevHash != log[i-1].Hash && e.Seq == log[i-1].Seq+1 {
			t.Errorf("entry %d does not follow the one before: %+v", e.Seq, e)
		}
		if i > 0 && e.Seq <= log[i-1].Seq {
			t.Errorf("entries out of order: %d after %d", e.Seq, log[i-1].Seq)
		}
	}
	for _, a := range []string{data.ActionCreate, data.ActionSign, data.ActionAmend, data.ActionExport} {
		if !got[a] {
			t.Errorf("no %s entry for the session in %+v", a, log)
		}
	}
	signIn, _ := s.AuditLog(ctx, signed.SignedBy)
	if last := signIn[len(signIn)-1]; last.Action != data.ActionSignIn || last.PractitionerID != signed.SignedBy {
		t.Errorf("sign-in entry: %+v", last)
	}
	head, err := s.AuditHead(ctx)
	if err != nil || head.Hash != rep.Head || head.Seq != rep.HeadSeq {
		t.Fatalf("head %+v, %v; verify says %s at %d", head, err, rep.Head, rep.HeadSeq)
	}
	// The chain only grows: a new write follows the head.
	c := testkit.CreateClient(t, s, "Bea", "Jones")
	log, _ = s.AuditLog(ctx, c.ID)
	if len(log) != 1 || log[0].Seq != head.Seq+1 || log[0].PrevHash != head.Hash {
		t.Fatalf("entry after the head %+v: %+v", head, log)
	}
}

func auditVerifyHead(t *testing.T, s store.Store) {
	ctx := context.Background()
	testkit.CreateClient(t, s, "Anna", "Smith")
	printed, err := s.AuditHead(ctx)
	must(t, err)
	for range 3 {
		testkit.CreateClient(t, s, "Bea", "Jones")
	}
	hc, err := s.VerifyHead(ctx, strings.ToUpper(printed.Hash))
	if err != nil || !hc.Found || hc.Entry.Seq != printed.Seq || hc.Added != 3 {
		t.Fatalf("head printed before three writes: %+v, %v", hc, err)
	}
	unknown := strings.Repeat("ab", 32)
	hc, err = s.VerifyHead(ctx, unknown)
	if err != nil || hc.Found || !strings.Contains(hc.Break, "No entry of the audit log has the hash "+unknown) {
		t.Fatalf("a hash no entry has: %+v, %v", hc, err)
	}
}

func accountsPassphrases(t *testing.T, s store.Store) {
	ctx := context.Background()
	anna := testkit.CreatePractitioner(t, s, "Anna Smith", data.RoleAdmin)
	ben := testkit.CreatePractitioner(t, s, "Ben Jones", data.RolePractitioner)
	if set, err := s.AnyPassphraseSet(ctx); err != nil || set {
		t.Fatalf("a new practice has a passphrase set: %v %v", set, err)
	}
	testkit.ExpectFields(t, s.SetPassphrase(ctx, anna.ID, "", "short"), "passphrase")
	if err := s.SetPassphrase(ctx, "no-such-id", "", "correct horse"); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("passphrase for an unknown practitioner: %v", err)
	}
	must(t, s.SetPassphrase(data.WithActor(ctx, anna.ID), anna.ID, "", "correct horse"))
	must(t, s.SignIn(ctx, anna.ID, "correct horse"))
	must(t, s.SetPassphrase(data.WithActor(ctx, anna.ID), ben.ID, "", "correct horse"))
	if set, _ := s.AnyPassphraseSet(ctx); !set {
		t.Fatal("AnyPassphraseSet is false after setting one")
	}
	accounts, err := s.Accounts(ctx)
	if err != nil || len(accounts) != 2 || !accounts[0].HasPassphrase || accounts[0].Name != "Anna Smith" {
		t.Fatalf("accounts: %+v %v", accounts, err)
	}
	for pass, want := range map[string]bool{"correct horse": true, "Correct horse": false, "": false} {
		if ok, err := s.CheckPassphrase(ctx, anna.ID, pass); err != nil || ok != want {
			t.Errorf("check %q: %v %v, want %v", pass, ok, err, want)
		}
	}
	if err := s.SetPassphrase(ctx, anna.ID, "wrong old one", "battery staple"); !errors.Is(err, data.ErrWrongPassphrase) {
		t.Fatalf("change with a wrong old passphrase: %v", err)
	}
	must(t, s.SetPassphrase(data.WithActor(ctx, anna.ID), anna.ID, "correct horse", "battery staple"))
	if ok, _ := s.CheckPassphrase(ctx, anna.ID, "correct horse"); ok {
		t.Error("the old passphrase still works")
	}
	if err := s.SignIn(ctx, ben.ID, "wrong"); !errors.Is(err, data.ErrWrongPassphrase) {
		t.Errorf("sign in with a wrong passphrase: %v", err)
	}
	want := []string{data.ActionCreate, data.ActionPassphraseSet, data.ActionSignIn, data.ActionPassphraseSet}
	if got := actions(t, s, anna.ID); !slices.Equal(got, want) {
		t.Errorf("audit log: %q, want %q", got, want)
	}
	keys, err := s.SigningKeys(ctx)
	if err != nil || len(keys) == 0 {
		t.Errorf("signing keys after passphrases were set: %+v, %v", keys, err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(mustHead(t, s).Hash) {
		t.Errorf("audit head hash %q", mustHead(t, s).Hash)
	}
}

func mustHead(t *testing.T, s store.Store) data.AuditMark {
	t.Helper()
	h, err := s.AuditHead(context.Background())
	must(t, err)
	return h
}

func clientArchiveAndRestore(t *testing.T, s store.Store) {
	ctx := context.Background()
	anna := testkit.CreateClient(t, s, "Anna", "Smith")
	bea := testkit.CreateClient(t, s, "Bea", "Jones")
	must(t, s.ArchiveClient(ctx, anna.ID))
	listed := func(archived bool) (ids []string) {
		list, err := s.ListClients(ctx, data.ClientQuery{Archived: archived})
		must(t, err)
		for _, c := range list {
			ids = append(ids, c.ID)
		}
		return ids
	}
	if got := listed(false); !slices.Equal(got, []string{bea.ID}) {
		t.Fatalf("current clients %v, want only Bea", got)
	}
	if got := listed(true); !slices.Equal(got, []string{anna.ID}) {
		t.Fatalf("archived clients %v, want only Anna", got)
	}
	if c, _ := s.Client(ctx, anna.ID); c.ArchivedAt.IsZero() || c.Version != anna.Version+1 {
		t.Fatalf("archived client: %+v", c)
	}
	must(t, s.ArchiveClient(ctx, anna.ID)) // again: nothing to do
	must(t, s.RestoreClient(ctx, anna.ID))
	if got := listed(false); len(got) != 2 {
		t.Fatalf("after restoring: %v", got)
	}
	if got := actions(t, s, anna.ID); !slices.Equal(got, []string{data.ActionCreate, data.ActionArchive, data.ActionRestore}) {
		t.Fatalf("audit: %v", got)
	}
	if err := s.ArchiveClient(ctx, missingID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("archive nobody: %v", err)
	}
}

func clientDelete(t *testing.T, s store.Store) {
	signed, ctx := signedSession(t, s)
	clientID := signed.ClientID
	draft := storedSession(t, s, clientID)
	must(t, s.CreateSession(ctx, &draft))
	must(t, s.SaveDraft(ctx, &data.Draft{ClientID: clientID, Form: []byte("{}")}))
	keep := consentingClient(t, s, "Bea", "Jones")
	kept := completeSession(t, s, keep.ID, signed.SignedBy)
	must(t, s.CreateSession(ctx, &kept))

	testkit.ExpectFields(t, s.DeleteClient(ctx, clientID, "  "), "reason")
	const reason = "Client asked for her records to be erased (email of 2026-03-09); retention period checked."
	if err := s.DeleteClient(ctx, clientID, reason); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := s.Client(ctx, clientID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("client after deletion: %v", err)
	}
	if _, err := s.Session(ctx, signed.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("signed session after deletion: %v", err)
	}
	if _, err := s.Session(ctx, kept.ID); err != nil {
		t.Fatalf("another client's session after deletion: %v", err)
	}
	if d, _ := s.Drafts(ctx, clientID); len(d) != 0 {
		t.Errorf("%d drafts left", len(d))
	}
	log, _ := s.AuditLog(ctx, clientID)
	if last := log[len(log)-1]; last.Action != data.ActionDelete || !strings.Contains(last.Detail, reason) ||
		!strings.Contains(last.Detail, "2 sessions (1 signed)") || strings.Contains(last.Detail, "Anna") {
		t.Fatalf("audit of the deletion: %+v", last)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify after deletion: %+v %v", rep, err)
	}
	if err := s.DeleteClient(ctx, clientID, reason); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}
