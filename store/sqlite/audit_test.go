package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// signingPractice is a practice where Anna has a passphrase and is signed in, and Ben has none:
// Anna sets her passphrase and signs in (entries 3 and 4), writes 80 clients a minute apart
// (entries 5 to 84, signed), and Ben then 3 (85 to 87, unsigned).
func signingPractice(t *testing.T) (s *sqlite.Store, anna, ben data.Practitioner) {
	t.Helper()
	ctx := context.Background()
	s, clk := sqlitetest.OpenStore(t)
	anna = testkit.CreatePractitioner(t, s, "Anna Smith", data.RoleAdmin)
	ben = testkit.CreatePractitioner(t, s, "Ben Jones", data.RolePractitioner)
	if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), anna.ID, "", "correct horse"); err != nil {
		t.Fatal(err)
	}
	if err := s.SignIn(ctx, anna.ID, "correct horse"); err != nil {
		t.Fatal(err)
	}
	s.SetActor(anna.ID)
	for i := range 80 {
		clk.Advance(time.Minute)
		testkit.CreateClient(t, s, "Client", strconv.Itoa(i))
	}
	for i := range 3 {
		clk.Advance(time.Minute)
		c := data.Client{FirstName: "Ben's", LastName: strconv.Itoa(i)}
		if err := s.CreateClient(data.WithActor(ctx, ben.ID), &c); err != nil {
			t.Fatal(err)
		}
	}
	return s, anna, ben
}

// entryRow is an audit entry as stored.
type entryRow struct {
	seq                                                            int64
	at, practitioner, action, entity, entityID, detail, prev, hash string
}

// rewriteLog is what someone with the file and a script can do to the audit log: change entries
// with edit, then compute every hash of the chain again, exactly as Needlelog computes them.
// It returns the statements that write the result, to run with the protections lifted (tamper).
func rewriteLog(t *testing.T, path string, edit func(e *entryRow)) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT seq, at, practitioner_id, action, entity, entity_id, detail, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var stmts []string
	prev := strings.Repeat("0", 64)
	for rows.Next() {
		var e entryRow
		if err := rows.Scan(&e.seq, &e.at, &e.practitioner, &e.action, &e.entity, &e.entityID, &e.detail, &e.prev, &e.hash); err != nil {
			t.Fatal(err)
		}
		edit(&e)
		h := sha256.New()
		for _, f := range []string{prev, strconv.FormatInt(e.seq, 10), e.at, e.practitioner, e.action, e.entity, e.entityID, e.detail} {
			h.Write([]byte(f))
			h.Write([]byte{0})
		}
		e.prev, e.hash = prev, hex.EncodeToString(h.Sum(nil))
		stmts = append(stmts, fmt.Sprintf(`UPDATE audit_log SET at = '%s', practitioner_id = '%s', prev_hash = '%s', hash = '%s' WHERE seq = %d`,
			e.at, e.practitioner, e.prev, e.hash, e.seq))
		prev = e.hash
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return stmts
}

// The attack of a hash chain without a secret: entry 60 given to another practitioner, entry
// 61 dated earlier, every hash computed again. The chain is whole again; the signatures are not.
func TestVerifyFindsARewrittenAndRehashedLog(t *testing.T) {
	t.Parallel()
	s, anna, ben := signingPractice(t)
	rep := mustVerify(t, s)
	if !rep.OK() || rep.SignedEntries != 82 || rep.AuditEntries != 87 {
		t.Fatalf("before the attack: %+v", rep)
	}
	stmts := rewriteLog(t, s.Path(), func(e *entryRow) {
		switch e.seq {
		case 60:
			if e.practitioner != anna.ID {
				t.Fatalf("entry 60 is by %q, not Anna", e.practitioner)
			}
			e.practitioner = ben.ID
		case 61:
			at, err := time.Parse(time.RFC3339Nano, e.at)
			if err != nil {
				t.Fatal(err)
			}
			e.at = at.Add(-24 * time.Hour).UTC().Format("2006-01-02T15:04:05.000000000Z")
		}
	})

	t.Run("signatures kept", func(t *testing.T) {
		s, _, _ := signingPractice(t)
		sqlitetest.Tamper(t, s.Path(), rewriteLog(t, s.Path(), func(e *entryRow) {
			if e.seq == 60 {
				e.practitioner = ben.ID
			}
		})...)
		rep := mustVerify(t, s)
		for _, b := range rep.Breaks {
			if strings.Contains(b, "hash") && !strings.Contains(b, "signature") && !strings.Contains(b, "signed") {
				t.Errorf("the chain itself was recomputed, yet: %s", b)
			}
		}
		wantBreak(t, rep, "Audit entry 60 ", "signed with Anna Smith's key")
		wantBreak(t, rep, "Audit entry 61 ", "does not match its signature")
		wantBreak(t, rep, "Audit entry 84 ", "does not match its signature")
	})
	t.Run("both entries, as the review did", func(t *testing.T) {
		sqlitetest.Tamper(t, s.Path(), stmts...)
		rep := mustVerify(t, s)
		wantBreak(t, rep, "Audit entry 60 ", "Ben Jones")
		wantBreak(t, rep, "Audit entry 61 ", "does not match its signature")
		found := false
		for _, f := range rep.Findings {
			found = found || strings.Contains(f, "Audit entry 61 is dated")
		}
		if !found {
			t.Errorf("the date set back a day is not a finding: %q", rep.Findings)
		}
	})
	t.Run("signatures removed too", func(t *testing.T) {
		s, _, _ := signingPractice(t)
		sqlitetest.Tamper(t, s.Path(), append(rewriteLog(t, s.Path(), func(e *entryRow) {
			if e.seq == 60 {
				e.practitioner = ben.ID
			}
		}), `DELETE FROM audit_signatures WHERE seq >= 60`)...)
		rep := mustVerify(t, s)
		wantBreak(t, rep, "Audit entry 61 ", "carries no signature, though Anna Smith's key was in force")
	})
}

// Entries cut off the end of the log leave a whole chain: only something kept elsewhere shows
// it, an earlier backup or the head printed on a record.
func TestVerifyAgainstABackupAndAPrintedHead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := signingPractice(t)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := practice.Snapshot(ctx, s, backup); err != nil {
		t.Fatal(err)
	}
	printed, err := s.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		testkit.CreateClient(t, s, "Later", strconv.Itoa(i))
	}
	ac, err := s.VerifyAgainst(ctx, backup)
	if err != nil || len(ac.Breaks) > 0 || ac.Added != 5 || ac.Head != printed {
		t.Fatalf("against the backup before any change: %+v, %v", ac, err)
	}
	hc, err := s.VerifyHead(ctx, strings.ToUpper(printed.Hash))
	if err != nil || !hc.Found || hc.Entry.Seq != printed.Seq || hc.Added != 5 {
		t.Fatalf("head printed before any change: %+v, %v", hc, err)
	}

	head, _ := s.AuditHead(ctx)
	sqlitetest.Tamper(t, s.Path(), fmt.Sprintf(`DELETE FROM audit_signatures WHERE seq > %d`, head.Seq-19),
		fmt.Sprintf(`DELETE FROM audit_log WHERE seq > %d`, head.Seq-19)) // the last 14 before the 5 added, and those
	// The chain stays whole, but the clients the cut entries made remain: verify alone sees them.
	wantBreak(t, mustVerify(t, s), " clients (", "were made by no entry of the audit log")
	ac, err = s.VerifyAgainst(ctx, backup)
	if err != nil || len(ac.Breaks) != 1 || !strings.Contains(ac.Breaks[0],
		fmt.Sprintf("The audit log has lost or changed entries since the backup of %s: entry %d is gone, and 13 more of its %d entries are gone or changed.",
			testkit.Now.Add(83*time.Minute).Local().Format("2006-01-02 15:04"), printed.Seq-13, printed.Seq)) {
		t.Fatalf("against the backup after cutting 14 entries: %+v, %v", ac, err)
	}
	hc, err = s.VerifyHead(ctx, printed.Hash)
	if err != nil || hc.Found || !strings.Contains(hc.Break, "No entry of the audit log has the hash "+printed.Hash) {
		t.Fatalf("head printed before cutting: %+v, %v", hc, err)
	}
}

func TestVerifyAgainstFindsAReplacedKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := signingPractice(t)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := practice.Snapshot(ctx, s, backup); err != nil {
		t.Fatal(err)
	}
	sqlitetest.Tamper(t, s.Path(), `UPDATE practitioner_keys SET public_key = '`+strings.Repeat("00", 32)+`'`)
	ac, err := s.VerifyAgainst(ctx, backup)
	if err != nil || len(ac.Breaks) != 1 || !strings.Contains(ac.Breaks[0], "is not what it was in the backup of") {
		t.Fatalf("against the backup after its key was replaced: %+v, %v", ac, err)
	}
	wantBreak(t, mustVerify(t, s), "Audit entry 3 ", "does not match its signature")
}

func TestVerifyAgainstWhatIsNotAPractice(t *testing.T) {
	t.Parallel()
	s, _, _ := signingPractice(t)
	_, err := s.VerifyAgainst(context.Background(), filepath.Join(t.TempDir(), "missing.db"))
	if !errors.Is(err, data.ErrMissing) {
		t.Fatalf("against a missing file: %v", err)
	}
}

// A key is made with the first passphrase, sealed again with a new one, retired by a reset (its
// entries still check), and a new one made with the next passphrase.
func TestSigningKeyLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, anna, ben := signingPractice(t)
	raw := rawDB(t, s)
	keys := func() (out []string) {
		rows, err := raw.Query(`SELECT id || ' ' || public_key || ' ' || sealed_key || ' ' || retired_seq FROM practitioner_keys WHERE practitioner_id = ? ORDER BY created_seq`, anna.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			rows.Scan(&k) //nolint:errcheck
			out = append(out, k)
		}
		return out
	}
	first := keys()
	if len(first) != 1 || !strings.HasSuffix(first[0], " 0") {
		t.Fatalf("keys after the first passphrase: %q", first)
	}
	if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), anna.ID, "wrong one", "battery staple"); !errors.Is(err, data.ErrWrongPassphrase) {
		t.Fatalf("change with a wrong old passphrase: %v", err)
	}
	if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), anna.ID, "correct horse", "battery staple"); err != nil {
		t.Fatal(err)
	}
	second := keys()
	f, g := strings.Fields(first[0]), strings.Fields(second[0])
	if len(second) != 1 || f[0] != g[0] || f[1] != g[1] || f[2] == g[2] {
		t.Fatalf("a changed passphrase should seal the same key again: %q then %q", first, second)
	}
	if err := s.SignIn(ctx, anna.ID, "correct horse"); !errors.Is(err, data.ErrWrongPassphrase) {
		t.Fatalf("sign in with the old passphrase: %v", err)
	}
	if err := s.SignIn(ctx, anna.ID, "battery staple"); err != nil {
		t.Fatal(err)
	}

	// Ben, an admin now, resets Anna's forgotten passphrase.
	ben.Role = data.RoleAdmin
	if err := s.SavePractitioner(data.WithActor(ctx, anna.ID), &ben); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetPassphrase(data.WithActor(ctx, ben.ID), anna.ID); err != nil {
		t.Fatal(err)
	}
	if k := keys(); len(k) != 1 || strings.HasSuffix(k[0], " 0") {
		t.Fatalf("keys after a reset: %q", k)
	}
	// Her key is forgotten: writing as her is refused until she signs in with a new passphrase.
	if err := s.CreateClient(ctx, &data.Client{FirstName: "No", LastName: "Key"}); err != nil {
		t.Fatalf("a write by no one after the reset: %v", err)
	}
	if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), anna.ID, "", "a new start"); err != nil {
		t.Fatal(err)
	}
	if k := keys(); len(k) != 2 || !strings.HasSuffix(k[1], " 0") || strings.Fields(k[1])[1] == f[1] {
		t.Fatalf("keys after a new passphrase: %q", k)
	}
	if err := s.SignIn(ctx, anna.ID, "a new start"); err != nil {
		t.Fatal(err)
	}
	testkit.CreateClient(t, s, "After", "Reset")
	rep := mustVerify(t, s)
	if !rep.OK() || rep.SignedEntries < 85 {
		t.Fatalf("verify after a reset and a new key: %+v", rep)
	}
}

// Locking forgets the key: a write in the name of a practitioner with a key, made after the
// lock, is refused rather than logged unsigned.
func TestLockForgetsTheKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, anna, _ := signingPractice(t)
	s.SetActor("")
	err := s.CreateClient(data.WithActor(ctx, anna.ID), &data.Client{FirstName: "After", LastName: "Lock"})
	if !errors.Is(err, data.ErrNotSignedIn) {
		t.Fatalf("a write as Anna after the lock: %v", err)
	}
	if err := s.SignIn(ctx, anna.ID, "correct horse"); err != nil {
		t.Fatal(err)
	}
	s.SetActor(anna.ID)
	testkit.CreateClient(t, s, "After", "Unlock")
	if rep := mustVerify(t, s); !rep.OK() {
		t.Fatalf("verify: %q", rep.Breaks)
	}
}

// A practitioner whose passphrase was set before keys existed gets a key at their next sign-in.
func TestPassphraseFromBeforeKeysGetsAKeyAtSignIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, anna, _ := signingPractice(t)
	s.SetActor("")
	// As a database from before signing keys: a passphrase, no key, no signatures.
	sqlitetest.Tamper(t, s.Path(), `DELETE FROM audit_signatures`, `DELETE FROM practitioner_keys`)
	rep := mustVerify(t, s)
	if !rep.OK() || rep.SignedEntries != 0 || len(rep.Lacks) == 0 || !strings.Contains(rep.Lacks[0], "No practitioner has a passphrase") {
		t.Fatalf("verify without keys: %+v", rep)
	}
	if err := s.SignIn(ctx, anna.ID, "wrong passphrase"); !errors.Is(err, data.ErrWrongPassphrase) {
		t.Fatalf("sign in with a wrong passphrase: %v", err)
	}
	if err := s.SignIn(ctx, anna.ID, "correct horse"); err != nil {
		t.Fatal(err)
	}
	s.SetActor(anna.ID)
	testkit.CreateClient(t, s, "With", "Key")
	rep = mustVerify(t, s)
	if !rep.OK() || rep.SignedEntries != 2 {
		t.Fatalf("verify after the sign-in made a key: %+v", rep)
	}
	wantLack(t, rep, "1 practitioner has no passphrase", "(Ben Jones): the 3 entries they wrote are chained but not signed")
}

func TestVerifySaysWhatAPracticeWithoutPassphrasesLacks(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	for i := range 3 {
		testkit.CreateClient(t, s, "Client", strconv.Itoa(i))
	}
	rep := mustVerify(t, s)
	if !rep.OK() {
		t.Fatalf("verify: %q", rep.Breaks)
	}
	wantLack(t, rep, "No practitioner has a passphrase, so none of the 3 audit entries is signed", "--against an earlier backup")
}

func TestVerifySaysWhichEntriesFollowTheLastSignedOne(t *testing.T) {
	t.Parallel()
	s, _, _ := signingPractice(t)
	rep := mustVerify(t, s)
	wantLack(t, rep, "The 3 entries after entry 84, the last signed one, are not signed")
}

// A clock set back by more than a clock sync moves it is reported; a few seconds are not.
func TestVerifyReportsTimeGoingBackwards(t *testing.T) {
	t.Parallel()
	s, clk := sqlitetest.OpenStore(t)
	testkit.CreateClient(t, s, "A", "A")
	clk.Advance(-30 * time.Second)
	testkit.CreateClient(t, s, "B", "B")
	if rep := mustVerify(t, s); len(rep.Findings) != 0 {
		t.Fatalf("30 seconds back: %q", rep.Findings)
	}
	clk.Advance(-time.Hour)
	testkit.CreateClient(t, s, "C", "C")
	rep := mustVerify(t, s)
	if !rep.OK() || len(rep.Findings) != 1 || !strings.Contains(rep.Findings[0], "Audit entry 3 is dated") ||
		!strings.Contains(rep.Findings[0], "1h0m0s before entry 2") {
		t.Fatalf("an hour back: %+v", rep)
	}
}

func wantLack(t *testing.T, rep sqlite.VerifyReport, parts ...string) {
	t.Helper()
	for _, l := range rep.Lacks {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			return
		}
	}
	t.Errorf("no lack says %q; lacks: %q", parts, rep.Lacks)
}

func rawDB(t *testing.T, s *sqlite.Store) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Without keys, a rewritten and rehashed chain passes as a chain; a sign entry given to another
// practitioner still disagrees with the signed record it names.
func TestVerifyFindsASignEntryGivenToAnother(t *testing.T) {
	t.Parallel()
	s, _, signed := verifiedPractice(t)
	sqlitetest.Tamper(t, s.Path(), rewriteLog(t, s.Path(), func(e *entryRow) {
		if e.action == data.ActionSign {
			e.practitioner = "someone-else"
		}
	})...)
	wantBreak(t, mustVerify(t, s), "Signed session "+signed.ID, "names Léa Fontaine as its signer, but the audit log says practitioner someone-else signed it")
}

// A damaged or edited seal is an error that says what to do, never a sign-in, and its
// parameters cannot make a sign-in take gigabytes.
func TestDamagedSealIsAnErrorNotASignIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, anna, _ := signingPractice(t)
	s.SetActor("")
	for _, sealed := range []string{
		"$argon2id$v=19$m=4194304,t=3,p=4$c2FsdHNhbHRzYWx0$bm9uY2Vub25jZW5vbmNlbm9uY2Vub25j$Y2lwaGVy", // 4 GiB
		"$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$c2hvcnQ$Y2lwaGVy",                            // short nonce
		"plain text",
	} {
		sqlitetest.Tamper(t, s.Path(), `UPDATE practitioner_keys SET sealed_key = '`+sealed+`'`)
		err := s.SignIn(ctx, anna.ID, "correct horse")
		if err == nil || errors.Is(err, data.ErrWrongPassphrase) || !strings.Contains(err.Error(), "is damaged: an admin can reset their passphrase") {
			t.Errorf("seal %q: sign in gave %v", sealed, err)
		}
	}
}
