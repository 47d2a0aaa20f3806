package sqlite_test

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// forgeKeys is the attack on signatures by someone with the file and a script: each key of the
// practitioners in replace is replaced with one of the attacker's own, every entry it signed is
// signed again with it and the chain is computed again, exactly as Needlelog computes it. With
// rewriteMade, the fingerprint in the entries that made the keys is rewritten too. It returns the
// statements that write the result, to run with the protections lifted (tamper).
func forgeKeys(t *testing.T, path string, rewriteMade bool, replace ...string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stmts []string
	newKeys := map[string]ed25519.PrivateKey{}
	oldPrint, newPrint := map[string]string{}, map[string]string{}
	rows, err := db.Query(`SELECT id, practitioner_id, public_key FROM practitioner_keys`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, who, public string
		if err := rows.Scan(&id, &who, &public); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(replace, who) {
			continue
		}
		pub, priv, _ := ed25519.GenerateKey(nil)
		newKeys[id] = priv
		oldPrint[id], newPrint[id] = sqlite.KeyFingerprint(public), sqlite.KeyFingerprint(hex.EncodeToString(pub))
		stmts = append(stmts, fmt.Sprintf(`UPDATE practitioner_keys SET public_key = '%x' WHERE id = '%s'`, []byte(pub), id))
	}
	rows.Close()
	rows, err = db.Query(`SELECT a.seq, a.at, a.practitioner_id, a.action, a.entity, a.entity_id, a.detail, coalesce(s.key_id, '')
		FROM audit_log a LEFT JOIN audit_signatures s ON s.seq = a.seq ORDER BY a.seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	prev := strings.Repeat("0", 64)
	for rows.Next() {
		var e entryRow
		var keyID string
		if err := rows.Scan(&e.seq, &e.at, &e.practitioner, &e.action, &e.entity, &e.entityID, &e.detail, &keyID); err != nil {
			t.Fatal(err)
		}
		if rewriteMade {
			for id := range newKeys {
				e.detail = strings.ReplaceAll(e.detail, "fingerprint "+oldPrint[id], "fingerprint "+newPrint[id])
			}
		}
		h := sha256.New()
		for _, f := range []string{prev, strconv.FormatInt(e.seq, 10), e.at, e.practitioner, e.action, e.entity, e.entityID, e.detail} {
			h.Write([]byte(f))
			h.Write([]byte{0})
		}
		hash := hex.EncodeToString(h.Sum(nil))
		stmts = append(stmts, fmt.Sprintf(`UPDATE audit_log SET detail = '%s', prev_hash = '%s', hash = '%s' WHERE seq = %d`,
			e.detail, prev, hash, e.seq))
		if k, ok := newKeys[keyID]; ok {
			stmts = append(stmts, fmt.Sprintf(`UPDATE audit_signatures SET signature = '%x' WHERE seq = %d`,
				ed25519.Sign(k, []byte("needlelog audit entry "+hash)), e.seq))
		}
		prev = hash
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return stmts
}

// storedFingerprint is the fingerprint of a practitioner's key in force, from the file itself.
func storedFingerprint(t *testing.T, path, practitionerID string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var public string
	if err := db.QueryRow(`SELECT public_key FROM practitioner_keys WHERE practitioner_id = ? AND retired_seq = 0`, practitionerID).Scan(&public); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(must(hex.DecodeString(public)))
	return hex.EncodeToString(sum[:])
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// The entry that makes a key names it by its fingerprint, and verify reports the fingerprint of
// each key in force.
func TestKeyEntriesCarryTheFingerprint(t *testing.T) {
	t.Parallel()
	s, anna, _ := signingPractice(t)
	fp := storedFingerprint(t, s.Path(), anna.ID)
	rep := mustVerify(t, s)
	if !rep.OK() || len(rep.Keys) != 1 || rep.Keys[0].Fingerprint != fp || rep.Keys[0].Practitioner != "Anna Smith" {
		t.Fatalf("verify: keys %+v (want Anna's %s), breaks %q", rep.Keys, fp, rep.Breaks)
	}
	log, err := s.AuditLog(context.Background(), anna.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range log {
		found = found || (e.Action == data.ActionPassphraseSet && strings.Contains(e.Detail, "; fingerprint "+fp))
	}
	if !found {
		t.Fatalf("no passphrase entry names the key's fingerprint %s: %+v", fp, log)
	}
}

// A key replaced with the attacker's own, its entries signed again and the chain recomputed,
// no longer matches the chained, signed entry that made it; rewriting that entry too shows in
// the signatures of another practitioner's untouched key after it.
func TestVerifyFindsAReplacedKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("key replaced", func(t *testing.T) {
		s, anna, _ := signingPractice(t)
		sqlitetest.Tamper(t, s.Path(), forgeKeys(t, s.Path(), false, anna.ID)...)
		rep := mustVerify(t, s)
		wantBreak(t, rep, "Anna Smith's signing key (fingerprint ", "is not the key audit entry 3 made: the key was replaced in the file")
		for _, b := range rep.Breaks {
			if strings.Contains(b, "does not match its signature") {
				t.Errorf("the entries were signed again, yet: %s", b)
			}
		}
	})
	t.Run("key and the entry that made it replaced", func(t *testing.T) {
		s, anna, ben := signingPractice(t)
		if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), ben.ID, "", "battery staple"); err != nil {
			t.Fatal(err)
		}
		if err := s.SignIn(ctx, ben.ID, "battery staple"); err != nil {
			t.Fatal(err)
		}
		testkit.CreateClient(t, s, "Signed", "By Ben") // Ben's key signs an entry after all of Anna's
		if rep := mustVerify(t, s); !rep.OK() {
			t.Fatalf("before: %q", rep.Breaks)
		}
		sqlitetest.Tamper(t, s.Path(), forgeKeys(t, s.Path(), true, anna.ID)...)
		wantBreak(t, mustVerify(t, s), "Ben Jones", "does not match its signature")
	})
}

// What the keys' rows and the records say of entries no longer in the log shows that entries
// were cut off its end, or that a key or record was added outside Needlelog.
func TestVerifyFindsKeysAndRecordsTheLogDoesNotHold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("key made by an entry cut off the end", func(t *testing.T) {
		s, anna, ben := signingPractice(t)
		head, _ := s.AuditHead(ctx)
		if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), ben.ID, "", "battery staple"); err != nil {
			t.Fatal(err)
		}
		sqlitetest.Tamper(t, s.Path(), fmt.Sprintf(`DELETE FROM audit_signatures WHERE seq > %d`, head.Seq),
			fmt.Sprintf(`DELETE FROM audit_log WHERE seq > %d`, head.Seq))
		wantBreak(t, mustVerify(t, s), "Ben Jones's signing key", fmt.Sprintf("was made by audit entry %d, but the log ends at entry %d: entries were cut off its end", head.Seq+1, head.Seq))
	})
	t.Run("key retired by an entry cut off the end", func(t *testing.T) {
		s, anna, ben := signingPractice(t)
		head, _ := s.AuditHead(ctx)
		if err := s.SetPassphrase(data.WithActor(ctx, anna.ID), ben.ID, "", "battery staple"); err != nil {
			t.Fatal(err)
		}
		if err := s.SignIn(ctx, anna.ID, "correct horse"); err != nil {
			t.Fatal(err)
		}
		if err := s.ResetPassphrase(data.WithActor(ctx, anna.ID), ben.ID); err != nil {
			t.Fatal(err)
		}
		sqlitetest.Tamper(t, s.Path(), fmt.Sprintf(`DELETE FROM audit_signatures WHERE seq > %d`, head.Seq+2),
			fmt.Sprintf(`DELETE FROM audit_log WHERE seq > %d`, head.Seq+2))
		wantBreak(t, mustVerify(t, s), "Ben Jones's signing key", "was retired by audit entry", "entries were cut off its end")
	})
	t.Run("key added outside Needlelog", func(t *testing.T) {
		s, _, ben := signingPractice(t)
		pub, _, _ := ed25519.GenerateKey(nil)
		sqlitetest.Tamper(t, s.Path(), fmt.Sprintf(`INSERT INTO practitioner_keys (id, practitioner_id, public_key, sealed_key, created_at, created_seq)
			VALUES ('forged', '%s', '%x', '', '2026-01-01T00:00:00Z', 20)`, ben.ID, []byte(pub)))
		wantBreak(t, mustVerify(t, s), "Ben Jones's signing key", "was not made by audit entry 20")
	})
	t.Run("client and session added outside Needlelog", func(t *testing.T) {
		s, _, _ := signingPractice(t)
		c := testkit.CreateClient(t, s, "Made", "Properly")
		se := testkit.StoredSession(t, s, c.ID)
		if err := s.CreateSession(ctx, &se); err != nil {
			t.Fatal(err)
		}
		sqlitetest.Tamper(t, s.Path(), fmt.Sprintf(`DELETE FROM audit_log WHERE entity_id IN ('%s', '%s')`, c.ID, se.ID))
		rep := mustVerify(t, s)
		wantBreak(t, rep, "1 client ("+c.ID+") was made by no entry of the audit log")
		wantBreak(t, rep, "1 session ("+se.ID+") was made by no entry of the audit log")
	})
}
