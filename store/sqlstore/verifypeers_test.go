package sqlstore_test

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/store/sqlstore"
)

// laptopID is the device ID of the laptop whose records the practice took in.
const laptopID = "0192f3a1-7c55-7000-8000-00000000a11a"

// clinicEngine is the engine of the practice that takes in a laptop's records: a new practice,
// and a way to change its rows behind its back, past its triggers.
type clinicEngine struct {
	name string
	open func(t *testing.T) (s store.Store, inner *sqlstore.Store, tamper func(t *testing.T, stmts ...string))
}

var clinicEngines = []clinicEngine{
	{name: "SQLite", open: func(t *testing.T) (store.Store, *sqlstore.Store, func(*testing.T, ...string)) {
		s, _ := sqlitetest.OpenStore(t)
		return s, s.Store, func(t *testing.T, stmts ...string) { sqlitetest.Tamper(t, s.Path(), stmts...) }
	}},
	{name: "PostgreSQL", open: func(t *testing.T) (store.Store, *sqlstore.Store, func(*testing.T, ...string)) {
		url := testkit.Postgres(t)
		s, err := postgres.Open(context.Background(), url, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, s.Store, func(t *testing.T, stmts ...string) {
			t.Helper()
			// As the server's superuser, past the triggers without dropping them.
			db, err := sql.Open("pgx", url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for _, q := range append([]string{`SET session_replication_role = replica`}, stmts...) {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		}
	}},
}

// exchange is a practice (the clinic) that took in the records of a laptop made from it.
type exchange struct {
	clinic       store.Store
	inner        *sqlstore.Store
	tamper       func(t *testing.T, stmts ...string)
	laptop       *sqlite.Store
	head         data.AuditMark // the laptop's chain head when its records were carried
	bundle       string
	signed       data.Session // signed on the laptop
	amended      data.Session // signed and amended twice on the laptop
	own          data.Session // signed on the clinic
	laptopKeyFP  string
	laptopSigner data.Practitioner
	signInSeq    int64 // the laptop's entry of Léa's sign-in, which no record rests on
}

func mustHead(t *testing.T, s store.Store) data.AuditMark {
	t.Helper()
	h, err := s.AuditHead(context.Background())
	must(t, err)
	return h
}

// newExchange makes the clinic's practice on the engine, a laptop's from it, records on the
// laptop by a practitioner with a passphrase (clients, signed and amended sessions), carries them
// into the clinic with the laptop's chain, logs the import, then makes records on the clinic.
func newExchange(t *testing.T, eng clinicEngine, importDetail func(head data.AuditMark) string) *exchange {
	t.Helper()
	ctx := context.Background()
	x := &exchange{}
	x.clinic, x.inner, x.tamper = eng.open(t)
	x.laptop, _ = sqlitetest.OpenStore(t)
	if _, err := x.laptop.CopyFrom(ctx, x.inner, sqlstore.CopyOptions{}); err != nil {
		t.Fatalf("make the laptop's practice from the clinic's: %v", err)
	}

	lea := testkit.CreatePractitioner(t, x.laptop, "Léa Fontaine", "")
	x.laptopSigner = lea
	lctx := data.WithActor(ctx, lea.ID)
	must(t, x.laptop.SetPassphrase(lctx, lea.ID, "", "correct horse battery"))
	must(t, x.laptop.SignIn(ctx, lea.ID, "correct horse battery"))
	x.signInSeq = mustHead(t, x.laptop).Seq
	keys, err := x.laptop.SigningKeys(ctx)
	if err != nil || len(keys) != 1 {
		t.Fatalf("the laptop's keys: %+v, %v", keys, err)
	}
	x.laptopKeyFP = keys[0].Fingerprint
	x.signed = signOn(t, x.laptop, lctx, lea.ID, "Anna", "Smith")
	x.amended = signOn(t, x.laptop, lctx, lea.ID, "Bea", "Jones")
	for _, note := range []string{"First amendment.", "Second amendment."} {
		edit, err := x.laptop.Session(lctx, x.amended.ID)
		must(t, err)
		edit.Notes = note
		if _, err := x.laptop.AmendSession(lctx, edit, "Note was incomplete."); err != nil {
			t.Fatal(err)
		}
	}
	draft := testkit.StoredSession(t, x.laptop, x.signed.ClientID)
	must(t, x.laptop.CreateSession(lctx, &draft))
	x.head, err = x.laptop.AuditHead(ctx)
	must(t, err)

	if err := x.inner.CarryRecords(ctx, x.laptop.Store, laptopID); err != nil {
		t.Fatalf("carry the laptop's records: %v", err)
	}
	sum := sha256.Sum256([]byte("a bundle of " + x.head.Hash))
	x.bundle = hex.EncodeToString(sum[:])
	if importDetail == nil {
		importDetail = func(h data.AuditMark) string {
			return fmt.Sprintf("from %s; name Léa's laptop; head %d %s", laptopID, h.Seq, h.Hash)
		}
	}
	must(t, x.inner.LogImport(ctx, x.bundle, importDetail(x.head)))

	ana := testkit.CreatePractitioner(t, x.clinic, "Ana Clinic", "")
	x.own = signOn(t, x.clinic, data.WithActor(ctx, ana.ID), ana.ID, "Cleo", "Local")
	return x
}

// signOn signs a complete session of a new client with consent on file.
func signOn(t *testing.T, s store.Store, ctx context.Context, practitionerID, first, last string) data.Session {
	t.Helper()
	c := data.Client{FirstName: first, LastName: last, Fitzpatrick: 2,
		Consent: data.Consent{Form: "Microneedling treatment consent", Version: "3", Signed: data.NewDate(2026, 1, 5)}}
	must(t, s.CreateClient(ctx, &c))
	se := testkit.StoredSession(t, s, c.ID)
	se.PractitionerID = practitionerID
	se.PhotoRefusal = "Client declined photographs."
	must(t, s.CreateSession(ctx, &se))
	if err := s.SignSession(ctx, se.ID, se.Version); err != nil {
		t.Fatalf("sign: %v", err)
	}
	got, err := s.Session(ctx, se.ID)
	must(t, err)
	return got
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func verifyReport(t *testing.T, s store.Store) store.VerifyReport {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

// wantBreaks fails unless each of want is a break (every part of it found in one sentence), and
// no other break was found.
func wantBreaks(t *testing.T, rep store.VerifyReport, want ...[]string) {
	t.Helper()
	used := make([]bool, len(rep.Breaks))
	for _, parts := range want {
		found := false
		for i, b := range rep.Breaks {
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(b, p)
			}
			if ok {
				found, used[i] = true, true
			}
		}
		if !found {
			t.Errorf("no break saying %q in:\n%s", parts, strings.Join(rep.Breaks, "\n"))
		}
	}
	for i, b := range rep.Breaks {
		if !used[i] {
			t.Errorf("break not expected: %s", b)
		}
	}
}

const laptopSaid = "the chain of Léa's laptop (device 0192f3a1…)"

func TestVerifyHoldsRecordsAgainstTheChainsTheyCameWith(t *testing.T) {
	for _, eng := range clinicEngines {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			t.Run("Clean", func(t *testing.T) {
				t.Parallel()
				x := newExchange(t, eng, nil)
				rep := verifyReport(t, x.clinic)
				wantBreaks(t, rep)
				if len(rep.Chains) != 1 {
					t.Fatalf("chains: %+v", rep.Chains)
				}
				c := rep.Chains[0]
				if c.DeviceID != laptopID || c.Name != "Léa's laptop" || c.Entries != int(x.head.Seq) || c.HeadSeq != x.head.Seq ||
					c.Head != x.head.Hash || !c.Intact || c.SignedEntries < 8 {
					t.Errorf("the laptop's chain: %+v, want %d entries to %s", c, x.head.Seq, x.head.Hash)
				}
				if c.Made != (store.Made{Clients: 2, Sessions: 3}) || rep.MadeHere != (store.Made{Clients: 1, Sessions: 1}) {
					t.Errorf("made here %+v, on the laptop %+v", rep.MadeHere, c.Made)
				}
				if rep.SignedSessions != 3 || rep.Amendments != 2 {
					t.Errorf("%d signed sessions, %d amendments", rep.SignedSessions, rep.Amendments)
				}
				for _, f := range rep.Findings {
					t.Errorf("finding: %s", f)
				}
			})
			t.Run("PeerEntryChanged", func(t *testing.T) {
				t.Parallel()
				x := newExchange(t, eng, nil)
				x.tamper(t, `UPDATE peer_audit_log SET detail = 'nothing to see' WHERE seq = 5`)
				rep := verifyReport(t, x.clinic)
				wantBreaks(t, rep, []string{"Audit entry 5 of " + laptopSaid, "does not match its hash"})
				if rep.Chains[0].Intact {
					t.Error("the changed chain is said to be intact")
				}
			})
			t.Run("PeerEntryRemoved", func(t *testing.T) {
				t.Parallel()
				x := newExchange(t, eng, nil)
				x.tamper(t, fmt.Sprintf(`DELETE FROM peer_audit_log WHERE seq = %d`, x.signInSeq))
				wantBreaks(t, verifyReport(t, x.clinic), []string{fmt.Sprintf("Audit entry %d of %s is missing", x.signInSeq, laptopSaid)})
			})
			t.Run("PeerSignatureFlipped", func(t *testing.T) {
				t.Parallel()
				x := newExchange(t, eng, nil)
				x.tamper(t, fmt.Sprintf(`UPDATE peer_audit_log SET signature = CASE WHEN substr(signature, 1, 1) = '0' THEN '1' ELSE '0' END || substr(signature, 2)
					WHERE seq = %d`, x.head.Seq))
				wantBreaks(t, verifyReport(t, x.clinic), []string{fmt.Sprintf("Audit entry %d of %s", x.head.Seq, laptopSaid), "does not match its signature"})
			})
			t.Run("PeerKeyReplaced", func(t *testing.T) {
				t.Parallel()
				x := newExchange(t, eng, nil)
				pub, _, err := ed25519.GenerateKey(nil)
				must(t, err)
				x.tamper(t, `UPDATE peer_keys SET public_key = '`+hex.EncodeToString(pub)+`'`)
				rep := verifyReport(t, x.clinic)
				var replaced, unsigned int
				for _, b := range rep.Breaks {
					switch {
					case strings.Contains(b, "Léa Fontaine's signing key on Léa's laptop (device 0192f3a1…)") && strings.Contains(b, "the key was replaced"):
						replaced++
					case strings.Contains(b, "of "+laptopSaid) && strings.Contains(b, "does not match its signature"):
						unsigned++
					default:
						t.Errorf("break not expected: %s", b)
					}
				}
				if replaced != 1 || unsigned < 8 {
					t.Errorf("%d breaks of the key, %d of signatures: %q", replaced, unsigned, rep.Breaks)
				}
			})
			t.Run("ImportNamesAHeadNotStored", func(t *testing.T) {
				t.Parallel()
				x := newExchange(t, eng, func(h data.AuditMark) string {
					return fmt.Sprintf("from %s; name Léa's laptop; head %d %s", laptopID, h.Seq+5, strings.Repeat("ab", 32))
				})
				rep := verifyReport(t, x.clinic)
				wantBreaks(t, rep, []string{"The import of bundle " + x.bundle[:12] + "…",
					fmt.Sprintf("names entry %d of Léa's laptop's chain, which is not stored", x.head.Seq+5)})
			})
			t.Run("ImportNamesAnotherHash", func(t *testing.T) {
				t.Parallel()
				x := newExchange(t, eng, func(h data.AuditMark) string {
					return fmt.Sprintf("from %s; name Léa's laptop; head %d %s", laptopID, h.Seq, strings.Repeat("ab", 32))
				})
				wantBreaks(t, verifyReport(t, x.clinic), []string{"The import of bundle " + x.bundle[:12] + "…",
					fmt.Sprintf("names entry %d of Léa's laptop's chain with the hash abababababababab…", x.head.Seq), "changed or replaced"})
			})
			t.Run("ImportNamesADeviceNotStored", func(t *testing.T) {
				t.Parallel()
				x := newExchange(t, eng, nil)
				x.tamper(t, `DELETE FROM peer_audit_log`, `DELETE FROM peer_keys`)
				rep := verifyReport(t, x.clinic)
				var chain, other int
				for _, b := range rep.Breaks {
					switch {
					case strings.Contains(b, fmt.Sprintf("names entry %d of Léa's laptop's chain, which is not stored: the chain of Léa's laptop (device 0192f3a1…) is missing", x.head.Seq)):
						chain++
					case strings.Contains(b, "made by no entry of the audit log"), strings.Contains(b, "has no signature in the audit log"),
						strings.Contains(b, "is not in the audit log as it is stored"):
						other++ // the records it made, and signed, are now made by no chain
					default:
						t.Errorf("break not expected: %s", b)
					}
				}
				if chain != 1 || other != 6 {
					t.Errorf("%d breaks of the import, %d of the records: %q", chain, other, rep.Breaks)
				}
			})
			t.Run("SignedElsewhereNotHere", func(t *testing.T) {
				t.Parallel()
				// A session the laptop signed that is not here (a bundle that did not bring it) is
				// not one this practice lost: only those its own log signed are held to be here.
				x := newExchange(t, eng, nil)
				var stmts []string
				for _, table := range []string{"session_zones", "session_products", "side_effects", "session_overrides"} {
					stmts = append(stmts, `DELETE FROM `+table+` WHERE session_id = '`+x.signed.ID+`'`)
				}
				x.tamper(t, append(stmts, `DELETE FROM sessions WHERE id = '`+x.signed.ID+`'`)...)
				rep := verifyReport(t, x.clinic)
				wantBreaks(t, rep)
				if rep.SignedSessions != 2 {
					t.Errorf("%d signed sessions, want the 2 here", rep.SignedSessions)
				}
				// The one signed here is still held to be here.
				x.tamper(t, `DELETE FROM session_zones WHERE session_id = '`+x.own.ID+`'`, `DELETE FROM session_products WHERE session_id = '`+x.own.ID+`'`,
					`DELETE FROM side_effects WHERE session_id = '`+x.own.ID+`'`, `DELETE FROM sessions WHERE id = '`+x.own.ID+`'`)
				wantBreaks(t, verifyReport(t, x.clinic), []string{"Signed session " + x.own.ID + " is missing"})
			})
			t.Run("AmendmentInNoChain", func(t *testing.T) {
				t.Parallel()
				x := newExchange(t, eng, nil)
				x.tamper(t, `DELETE FROM peer_audit_log WHERE action = 'amend' AND detail LIKE 'amendment 2 (%'`)
				rep := verifyReport(t, x.clinic)
				wantBreaks(t, rep, []string{"of " + laptopSaid + " is missing"},
					[]string{"Signed session " + x.amended.ID, "amendment 2 is not in the audit log as it is stored"})
			})
		})
	}
}
