package practice_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/transfer"
)

const (
	annaPass   = "correct horse battery staple"
	bundlePass = "carried on a stick to the clinic"
)

// A passphrase's scrypt at age's own cost takes a second; the tests' bundles need no such guard.
func init() { transfer.ScryptWorkFactor = 10 }

// makeBundle writes a bundle of st to a new file and returns its path.
func makeBundle(t *testing.T, st practice.CopyStore, full bool, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".nlbundle")
	if _, err := practice.MakeBundle(context.Background(), st, path, practice.BundleOptions{
		Lock: transfer.Lock{Passphrase: bundlePass}, Full: full, DeviceName: name}); err != nil {
		t.Fatalf("make a bundle of %s: %v", name, err)
	}
	return path
}

func applyBundle(t *testing.T, st practice.CopyStore, path string, isNew bool, name string) practice.ApplyResult {
	t.Helper()
	res, err := practice.ApplyBundle(context.Background(), st, path, practice.ApplyOptions{
		Unlock: transfer.Unlock{Passphrase: bundlePass}, New: isNew, DeviceName: name})
	if err != nil {
		t.Fatalf("apply %s on %s: %v", filepath.Base(path), name, err)
	}
	return res
}

// testJPEG writes a small real photo with a colour of its own.
func testJPEG(t *testing.T, shade uint8) string {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			m.Set(x, y, color.RGBA{shade, uint8(x / 3), uint8(y / 2), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("photo-%d.jpg", shade))
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// records reads what both sides must hold alike after an exchange, table by table, each row as
// text whichever engine holds it.
func records(t *testing.T, st practice.CopyStore, except ...string) map[string][]string {
	t.Helper()
	queries := map[string]string{
		"clients": `SELECT id, first_name, last_name, phone, email, notes, archived_at,
			(SELECT count(*) FROM client_history h WHERE h.client_id = clients.id) FROM clients`,
		"sessions":     `SELECT id, status, record_hash, notes FROM sessions`,
		"zones":        `SELECT session_id, zone, depth_mm, passes FROM session_zones`,
		"side":         `SELECT id, session_id, kind, resolved, notes FROM side_effects`,
		"amendments":   `SELECT id, session_id, reason FROM session_amendments`,
		"photos":       `SELECT id, sha256, preview_sha256, kind, note FROM photos`,
		"outcomes":     `SELECT id, gais, notes FROM outcome_assessments`,
		"list":         `SELECT id, name, retired FROM zones`,
		"practitioner": `SELECT id, name, CASE WHEN passphrase_hash <> '' THEN 1 ELSE 0 END FROM practitioners`,
	}
	out := map[string][]string{}
	err := st.Shared().ReadSnapshot(context.Background(), func(tx *sql.Tx) error {
		for name, q := range queries {
			rows, err := tx.Query(q)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				parts := make([]string, len(vals))
				for i, v := range vals {
					if b, ok := v.([]byte); ok {
						v = string(b)
					}
					parts[i] = fmt.Sprint(v)
				}
				row := strings.Join(parts, "|")
				if !slices.ContainsFunc(except, func(id string) bool { return strings.Contains(row, id) }) {
					out[name] = append(out[name], row)
				}
			}
			rows.Close()
			slices.Sort(out[name])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustVerify(t *testing.T, st practice.CopyStore, name string) {
	t.Helper()
	rep, err := st.Verify(context.Background())
	if err != nil {
		t.Fatalf("verify %s: %v", name, err)
	}
	if !rep.OK() {
		t.Errorf("verify %s: %d breaks: %s", name, len(rep.Breaks), strings.Join(rep.Breaks[:min(4, len(rep.Breaks))], "\n"))
	}
}

// TestAWeekOnTheRoad: a practitioner takes the practice on a laptop for a week with no network,
// treats clients at their homes, then brings the week back, while the clinic kept working on some
// of the same clients. After one exchange each way, both hold every record, each conflict is
// listed once, verify passes on both, a repeated bundle changes nothing, and a damaged one is
// refused with nothing written.
func TestAWeekOnTheRoad(t *testing.T) {
	t.Run("clinic on a file", func(t *testing.T) {
		aWeekOnTheRoad(t, func(now func() time.Time) practice.CopyStore { return sqlitetest.OpenStoreNow(t, now) })
	})
	t.Run("clinic on the server", func(t *testing.T) {
		aWeekOnTheRoad(t, func(now func() time.Time) practice.CopyStore {
			s, err := postgres.Open(context.Background(), testkit.Postgres(t), postgres.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
}

func aWeekOnTheRoad(t *testing.T, openClinic func(now func() time.Time) practice.CopyStore) {
	ctx := context.Background()
	clinicClock := testkit.NewClock()
	clinic := openClinic(clinicClock.Now)
	if _, err := demo.Generate(ctx, clinic, demo.Options{Clients: 10, Sessions: 30, Seed: 5, PhotoClients: -1}); err != nil {
		t.Fatal(err)
	}
	anna := testkit.CreatePractitioner(t, clinic, "Anna Rhodes", "")
	if err := clinic.SetPassphrase(ctx, anna.ID, "", annaPass); err != nil {
		t.Fatal(err)
	}
	if err := clinic.SignIn(ctx, anna.ID, annaPass); err != nil {
		t.Fatal(err)
	}
	clinic.SetActor(anna.ID)
	maria := testkit.CreateClient(t, clinic, "Maria", "Lopez")
	gone := testkit.CreateClient(t, clinic, "Paul", "Gone")
	var signedOnes []data.Session
	if list, err := clinic.ListClients(ctx, data.ClientQuery{Limit: 50}); err == nil {
		for _, c := range list {
			tl, _ := clinic.Timeline(ctx, c.ID)
			for _, e := range tl {
				if se, err := clinic.Session(ctx, e.SessionID); err == nil && se.Status == data.StatusSigned && se.Amendments == 0 {
					signedOnes = append(signedOnes, se)
				}
			}
		}
	}
	if len(signedOnes) < 3 {
		t.Fatal("the demo practice has too few signed sessions")
	}
	// oldSigned gets a side effect logged at a follow-up on the road; amendedThere is amended at
	// the clinic during the week; amendedBoth is amended on both sides.
	oldSigned, amendedThere, amendedBoth := signedOnes[0], signedOnes[1], signedOnes[2]
	amend := func(st practice.CopyStore, se data.Session, notes, reason string) {
		t.Helper()
		cur, err := st.Session(ctx, se.ID)
		if err != nil {
			t.Fatal(err)
		}
		cur.Notes = notes
		if len(cur.Zones) > 0 {
			cur.Zones[0].Passes++
		}
		if _, err := st.AmendSession(ctx, cur, reason); err != nil {
			t.Fatalf("amend session %s: %v", se.ID, err)
		}
	}

	// The practice goes on the road: the laptop, whose clock runs a day and a half behind, is made
	// from a bundle of everything.
	out := makeBundle(t, clinic, true, "Clinic PC")
	laptopClock := &testkit.Clock{T: clinicClock.T.Add(-36 * time.Hour)}
	laptop := sqlitetest.OpenStoreAt(t, filepath.Join(t.TempDir(), "laptop.db"), laptopClock.Now)
	applyBundle(t, laptop, out, true, "Anna's laptop")
	if got, want := records(t, laptop), records(t, clinic); !reflect.DeepEqual(got, want) {
		t.Fatalf("the laptop made from the clinic's bundle holds other records:\n%v\n%v", got, want)
	}
	// Anna signs in on the laptop with the passphrase she has at the clinic.
	if err := laptop.SignIn(ctx, anna.ID, annaPass); err != nil {
		t.Fatalf("sign in on the laptop: %v", err)
	}
	laptop.SetActor(anna.ID)
	// Nothing changed on the laptop yet: its bundle carries no record back.
	if res, err := practice.MakeBundle(ctx, laptop, filepath.Join(t.TempDir(), "empty.nlbundle"), practice.BundleOptions{
		Lock: transfer.Lock{Passphrase: bundlePass}}); err != nil || res.Records != 0 {
		t.Errorf("the laptop's bundle before any change: %+v %v", res, err)
	}

	// Day one at the clinic: Maria's phone and email are changed, Paul is archived, a zone added.
	clinicClock.Advance(24 * time.Hour)
	m, _ := clinic.Client(ctx, maria.ID)
	m.Phone, m.Email = "07700 900222", "maria@example.com"
	if err := clinic.UpdateClient(ctx, &m); err != nil {
		t.Fatal(err)
	}
	if err := clinic.ArchiveClient(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	amend(clinic, amendedThere, "Passes corrected from the device's log.", "The device's log shows one pass more")
	amend(clinic, amendedBoth, "Corrected at the clinic.", "Front desk correction")
	z := data.Zone{Name: "Décolleté", Region: "body", TypicalMin: 0.25, TypicalMax: 0.5, WarnAbove: 1}
	if err := clinic.SaveZone(ctx, &z); err != nil {
		t.Fatal(err)
	}

	// Day three on the road: a new client treated, the session signed and amended, photos taken,
	// a side effect logged at a follow-up of a clinic session, Maria's phone changed too.
	laptopClock.Advance(72 * time.Hour)
	tom := testkit.ValidClient()
	tom.FirstName, tom.LastName = "Tom", "Field"
	if err := laptop.CreateClient(ctx, &tom); err != nil {
		t.Fatal(err)
	}
	se := testkit.StoredSession(t, laptop, tom.ID)
	se.PractitionerID = anna.ID
	if err := laptop.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	for i, kind := range []data.PhotoKind{data.PhotoBefore, data.PhotoAfter} {
		f, err := practice.ReadPhotoFileContext(ctx, testJPEG(t, uint8(40+i*80)), data.PhotoImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := laptop.ImportPhoto(ctx, tom.ID, data.PhotoTags{SessionID: se.ID, Kind: kind}, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := laptop.SignSession(ctx, se.ID, se.Version); err != nil {
		t.Fatal(err)
	}
	signed, _ := laptop.Session(ctx, se.ID)
	signed.Notes = "Client asked for the aftercare sheet by email."
	if _, err := laptop.AmendSession(ctx, signed, "Aftercare note added after the visit"); err != nil {
		t.Fatal(err)
	}
	fx := data.SideEffect{SessionID: oldSigned.ID, Kind: "Hyperpigmentation", Severity: data.SeverityMild, Onset: data.NewDate(2026, 3, 9),
		Notes: "Seen at the follow-up visit at home."}
	if err := laptop.AddSideEffect(ctx, &fx); err != nil {
		t.Fatal(err)
	}
	amend(laptop, amendedBoth, "Corrected on the road.", "Practitioner's correction at the follow-up")
	lm, _ := laptop.Client(ctx, maria.ID)
	lm.Phone, lm.Notes = "07700 900333", "Prefers visits at home."
	if err := laptop.UpdateClient(ctx, &lm); err != nil {
		t.Fatal(err)
	}

	// Back at the clinic: the laptop's week comes in, then the clinic's goes back.
	back := makeBundle(t, laptop, false, "Anna's laptop")
	in := applyBundle(t, clinic, back, false, "Clinic PC")
	byField := func(list []practice.Conflict) map[string]practice.Conflict {
		m := map[string]practice.Conflict{}
		for _, c := range list {
			if _, twice := m[c.Field]; twice {
				t.Errorf("%s listed twice: %+v", c.Field, list)
			}
			m[c.Field] = c
		}
		return m
	}
	atClinic := byField(in.Conflicts)
	if c := atClinic["phone"]; len(in.Conflicts) != 2 || c.Entity != "client" || c.EntityID != maria.ID ||
		c.Ours != `"07700 900222"` || c.Theirs != `"07700 900333"` || c.Kept != "theirs" {
		t.Errorf("conflicts at the clinic: %+v", in.Conflicts)
	}
	if c := atClinic["amendment"]; c.EntityID != amendedBoth.ID || c.Kept != "both" ||
		!strings.Contains(c.Ours, "Front desk correction") || !strings.Contains(c.Theirs, "Practitioner's correction at the follow-up") {
		t.Errorf("the session amended on both sides, at the clinic: %+v", c)
	}
	home := makeBundle(t, clinic, false, "Clinic PC")
	got := applyBundle(t, laptop, home, false, "Anna's laptop")
	// The phone was settled by the later change: only the two amendments, each kept where it was
	// made, are listed on the laptop too.
	if c := byField(got.Conflicts)["amendment"]; len(got.Conflicts) != 1 || c.EntityID != amendedBoth.ID || c.Kept != "both" {
		t.Errorf("conflicts on the laptop: %+v", got.Conflicts)
	}
	if se, err := laptop.Session(ctx, amendedThere.ID); err != nil || se.Notes != "Passes corrected from the device's log." || se.Amendments != 1 {
		t.Errorf("the clinic's amendment on the laptop: %+v %v", se.Notes, err)
	}
	// The session amended on both sides keeps, on each, the amendment made there; the other's is
	// kept with the conflict. Every other record is the same on both.
	c, l := records(t, clinic, amendedBoth.ID), records(t, laptop, amendedBoth.ID)
	if !reflect.DeepEqual(c, l) {
		for k := range c {
			if !reflect.DeepEqual(c[k], l[k]) {
				t.Errorf("%s differ:\nclinic %v\nlaptop %v", k, c[k], l[k])
			}
		}
	}
	for _, want := range []string{maria.ID + "|Maria|Lopez|07700 900333|maria@example.com|Prefers visits at home.|"} {
		if !slices.ContainsFunc(c["clients"], func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("Maria after the exchange: want %q in %v", want, c["clients"])
		}
	}
	if len(c["photos"]) != 2 || len(c["amendments"]) < 1 {
		t.Errorf("the laptop's photos and amendment at the clinic: %v %v", c["photos"], c["amendments"])
	}
	mustVerify(t, clinic, "the clinic")
	mustVerify(t, laptop, "the laptop")
	// The insights read the same facts on both (a file keeps them in a table of its own, made as
	// the records come in).
	if cf, lf := sortedFacts(insightFacts(t, clinic)), sortedFacts(insightFacts(t, laptop)); !reflect.DeepEqual(cf, lf) || len(cf) == 0 {
		for i := range min(len(cf), len(lf)) {
			if !reflect.DeepEqual(cf[i], lf[i]) {
				t.Errorf("the insights' facts differ:\nclinic %+v\nlaptop %+v", cf[i], lf[i])
			}
		}
	}

	// The same bundle again changes nothing.
	headBefore, _ := clinic.AuditHead(ctx)
	again, err := practice.ApplyBundle(ctx, clinic, back, practice.ApplyOptions{Unlock: transfer.Unlock{Passphrase: bundlePass}})
	if err != nil || !again.AlreadyApplied {
		t.Errorf("applying the laptop's bundle again: %+v %v", again, err)
	}
	if headAfter, _ := clinic.AuditHead(ctx); headAfter != headBefore || !reflect.DeepEqual(records(t, clinic, amendedBoth.ID), c) {
		t.Errorf("applying a bundle again changed the clinic")
	}

	// A bundle changed or cut off on its way is refused, with nothing written: the laptop's week
	// at the clinic, and the first bundle of everything on a new laptop.
	fresh := sqlitetest.OpenStoreAt(t, filepath.Join(t.TempDir(), "other.db"), nil)
	freshBefore := records(t, fresh)
	for _, pair := range []struct {
		bundle string
		target practice.CopyStore
	}{{back, clinic}, {out, fresh}} {
		raw, err := os.ReadFile(pair.bundle)
		if err != nil {
			t.Fatal(err)
		}
		for name, bad := range map[string][]byte{
			"one byte flipped":               flipped(raw, len(raw)/2),
			"one byte flipped in its header": flipped(raw, 40),
			"cut off":                        raw[:len(raw)*2/3],
			"cut off at its last chunk":      raw[:len(raw)-20],
		} {
			path := filepath.Join(t.TempDir(), "bad.nlbundle")
			if err := os.WriteFile(path, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			before, head := records(t, pair.target), mustHead(t, pair.target)
			_, err := practice.ApplyBundle(ctx, pair.target, path, practice.ApplyOptions{Unlock: transfer.Unlock{Passphrase: bundlePass}, New: pair.target == practice.CopyStore(fresh)})
			if !errors.Is(err, transfer.ErrDamaged) && !errors.Is(err, transfer.ErrLocked) {
				t.Errorf("%s: applied, or refused with another reason: %v", name, err)
			}
			if !reflect.DeepEqual(records(t, pair.target), before) || mustHead(t, pair.target) != head {
				t.Errorf("%s: the refused bundle changed the practice", name)
			}
		}
	}
	if !reflect.DeepEqual(records(t, fresh), freshBefore) {
		t.Error("a refused bundle made records in a new practice")
	}
}

func flipped(b []byte, at int) []byte {
	out := slices.Clone(b)
	out[at] ^= 0x20
	return out
}

func mustHead(t *testing.T, st practice.CopyStore) data.AuditMark {
	t.Helper()
	h, err := st.AuditHead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// sortedFacts puts each fact's zones, products and lots in one order: a session's are a set, which
// the engines read in orders of their own.
func sortedFacts(facts []insights.Fact) []insights.Fact {
	for i := range facts {
		f := &facts[i]
		slices.SortFunc(f.Zones, func(a, b insights.ZoneFact) int { return strings.Compare(a.Zone, b.Zone) })
		slices.SortFunc(f.Products, func(a, b insights.ProductFact) int { return strings.Compare(a.Product, b.Product) })
		slices.SortFunc(f.Lots, func(a, b insights.LotFact) int { return strings.Compare(a.Lot+a.Item, b.Lot+b.Item) })
	}
	return facts
}
