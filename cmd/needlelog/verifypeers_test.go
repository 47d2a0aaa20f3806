package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// exchangedFile is a practice file that took in two clients of a laptop (made by a practitioner
// with a passphrase, so the laptop's entries are signed) with the laptop's audit chain and keys,
// and logged the import; then made a client of its own. It returns the file's path and the
// laptop's chain head.
func exchangedFile(t *testing.T) (string, data.AuditMark) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	laptopPath, clinicPath := filepath.Join(dir, "laptop.db"), filepath.Join(dir, "clinic.db")
	laptop := sqlitetest.OpenStoreAt(t, laptopPath, nil)
	lea := testkit.CreatePractitioner(t, laptop, "Léa Fontaine", "")
	if err := laptop.SetPassphrase(data.WithActor(ctx, lea.ID), lea.ID, "", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if err := laptop.SignIn(ctx, lea.ID, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Anna", "Bea"} {
		c := data.Client{FirstName: name, LastName: "Smith"}
		if err := laptop.CreateClient(data.WithActor(ctx, lea.ID), &c); err != nil {
			t.Fatal(err)
		}
	}
	head, err := laptop.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := laptop.Close(); err != nil {
		t.Fatal(err)
	}
	clinic, err := sqlite.Open(ctx, clinicPath, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := clinic.Close(); err != nil {
		t.Fatal(err)
	}
	// What applying the laptop's bundle writes: its records, its chain and keys, and an import
	// entry chained to the clinic's own log.
	sum := sha256.Sum256([]byte("bundle"))
	e := data.AuditEntry{Seq: 1, At: time.Now().UTC().Truncate(time.Second), Action: "import", Entity: "bundle", EntityID: hex.EncodeToString(sum[:]),
		Detail:   fmt.Sprintf("from %s; name Léa's laptop; head %d %s", "0192f3a1-7c55-7000-8000-00000000a11a", head.Seq, head.Hash),
		PrevHash: data.GenesisHash}
	e.Hash = data.AuditHash(e)
	sqlitetest.RawExec(t, clinicPath,
		`ATTACH DATABASE '`+laptopPath+`' AS laptop`,
		`INSERT INTO peer_audit_log SELECT '0192f3a1-7c55-7000-8000-00000000a11a', a.seq, a.at, a.practitioner_id, a.action, a.entity,
			a.entity_id, a.detail, a.prev_hash, a.hash, coalesce(s.key_id, ''), coalesce(s.signature, '')
			FROM laptop.audit_log a LEFT JOIN laptop.audit_signatures s ON s.seq = a.seq`,
		`INSERT INTO peer_keys SELECT '0192f3a1-7c55-7000-8000-00000000a11a', id, practitioner_id, public_key, created_seq, retired_seq
			FROM laptop.practitioner_keys`,
		`INSERT INTO clients SELECT * FROM laptop.clients`,
		fmt.Sprintf(`INSERT INTO audit_log (seq, at, practitioner_id, action, entity, entity_id, detail, prev_hash, hash)
			VALUES (1, '%s', '', 'import', 'bundle', '%s', '%s', '%s', '%s')`, data.TimeText(e.At), e.EntityID,
			strings.ReplaceAll(e.Detail, "'", "''"), e.PrevHash, e.Hash))
	clinic, err = sqlite.Open(ctx, clinicPath, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	testkit.CreateClient(t, clinic, "Cleo", "Local")
	if err := clinic.Close(); err != nil {
		t.Fatal(err)
	}
	return clinicPath, head
}

func TestVerifySaysWhereRecordsCameFrom(t *testing.T) {
	path, head := exchangedFile(t)
	code, out, errOut := runCLI(t, "verify", "--db", path)
	if code != 0 || !strings.HasPrefix(out, "OK: ") || errOut != "" {
		t.Fatalf("verify a practice that took in a laptop's records: exit %d\n%s%s", code, out, errOut)
	}
	chain := regexp.MustCompile(fmt.Sprintf(`(?m)^Chain of Léa's laptop \(device 0192f3a1…\): %d entries \([1-9]\d* signed\), intact, head entry %d %s$`,
		head.Seq, head.Seq, head.Hash))
	if !chain.MatchString(out) {
		t.Errorf("no line %s in:\n%s", chain, out)
	}
	if want := "\nRecords came from: this device 1 client, 0 sessions; Léa's laptop 2 clients, 0 sessions.\n"; !strings.Contains(out, want) {
		t.Errorf("no line %q in:\n%s", want, out)
	}

	sqlitetest.Tamper(t, path, `UPDATE peer_audit_log SET detail = 'nothing to see' WHERE seq = 2`)
	code, out, _ = runCLI(t, "verify", "--db", path)
	if code != 1 || !strings.Contains(out, "Audit entry 2 of the chain of Léa's laptop (device 0192f3a1…) (") ||
		!strings.Contains(out, "Chain of Léa's laptop (device 0192f3a1…): ") || !strings.Contains(out, ", broken (see above), ") {
		t.Errorf("verify after the laptop's chain was changed: exit %d\n%s", code, out)
	}
}

// A practice that never exchanged records prints no chain of another device.
func TestVerifyWithoutExchangesSaysNoOrigins(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	s := sqlitetest.OpenStoreAt(t, path, nil)
	testkit.CreateClient(t, s, "Anna", "Smith")
	code, out, _ := runCLI(t, "verify", "--db", path)
	if code != 0 || strings.Contains(out, "Chain of") || strings.Contains(out, "Records came from") {
		t.Errorf("verify a practice that never exchanged: exit %d\n%s", code, out)
	}
}
