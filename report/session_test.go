package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func TestSessionRecordDraft(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newPractice(t, 480)
	se := p.sessions[2]
	r, err := LoadSession(ctx, p.store, se.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Photos) != 2 || r.Currency != "CHF" || r.Clinic.Name != clinicName || len(r.Clinic.Logo) == 0 {
		t.Fatalf("loaded %d photos, currency %q, clinic %q", len(r.Photos), r.Currency, r.Clinic.Name)
	}
	var buf bytes.Buffer
	if err := WriteSessionRecord(&buf, r); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	text := pdfText(t, pdf)
	requireText(t, "session record", text,
		clinicName, "Hauptstraße 5", "8001 Zürich", "Phone "+clinicPhone,
		"Session record", "Tue 10 Mar 2026, 12:30", "Session 3 of 3",
		"Not signed: this record is a draft", "Not signed (draft)",
		"Zoë Ångström", "17 May 1990 (aged 35 at the session)", "Fitzpatrick skin type IV", "Lidocaine",
		"Dr Lée Ørsted, RN", "Session 3 of 3, every 28 days", "Acne scars, Enlarged pores", "Combined modality None",
		"Lidocaine 4% cream, lot LA-223, applied 25 min", "Dermapen 4, handpiece serial HP-0042",
		"12-pin, lot C-9933, expires 31 Jan 2027",
		"Zone", "Depth (mm)", "Speed", "Passes", "Pattern", "Endpoint",
		"Cheeks 1.75 level 4 4 Cross-hatch", "Pinpoint bleeding", "Forehead 0.5 level 3 3 Linear strokes",
		"Hyaluronic acid serum (sterile) during HA-2293 30 Jun 2027 2 ml",
		"Vitamin C serum (L-ascorbic acid) (not made", "after VC-77", "0.5 ml",
		"Erythema mild 10 Mar 2026 (during not yet", "Post-inflammatory moderate 10 Mar 2026 not yet Hydroquinone 4%. Left cheek",
		"hyperpigmentation",
		"Pain score 5 / 10", "Stay hydrated", "Avoid AHA and retinol products", "Aftercare sheet version 1 handed over",
		"Price CHF 350.00", "Next session due 7 Apr 2026",
		"Session 3. Tolerated well; Ångström family history of PIH noted.",
		"Before · Left 45°", "After · Frontal · Cheeks", "Note Frontal",
		"printed 10 Mar 2026, 14:30")
	requirePageNumbers(t, "session record", text, pageCount(t, pdf))
	requireNoEXIF(t, "session record", pdf)

	// The previews go in as they are stored, byte for byte; the originals never do.
	for _, ph := range r.Photos {
		if !bytes.Contains(pdf, ph.Preview) {
			t.Errorf("photo %s's preview is not embedded as stored", ph.ID)
		}
		orig, err := p.store.PhotoOriginal(ctx, ph.ID)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(pdf, orig[len(orig)/2:]) {
			t.Errorf("photo %s's original is embedded", ph.ID)
		}
	}
	if uses, _ := imageCount(t, pdf); uses != 3 {
		t.Errorf("the record shows %d images, want the 2 photos and the logo", uses)
	}
}

func TestSessionRecordSigned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newPractice(t, 320)
	r, err := LoadSession(ctx, p.store, p.sessions[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteSessionRecord(&buf, r); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	requireText(t, "signed session record", text, "Session 1 of 3", "Tue 13 Jan 2026, 12:30",
		"Signed by Dr Lée Ørsted, RN on 10 Mar 2026, 14:30", "Record hash "+p.sessions[0].RecordHash,
		"Erythema mild 13 Jan 2026 (during 15 Jan 2026", "Before · Frontal · Cheeks", "Before · Left 45°")
	if strings.Contains(text, "Not signed") {
		t.Error("a signed record says it is not signed")
	}
	requireNoEXIF(t, "signed session record", buf.Bytes())
}

func TestSessionRecordUnknownSession(t *testing.T) {
	t.Parallel()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.LocalNow))
	_, err := LoadSession(context.Background(), s, "no-such-session")
	if err == nil || !strings.Contains(err.Error(), "no-such-session") {
		t.Fatalf("got %v, want an error naming the session", err)
	}
}

// A long session breaks across pages: its zone table's header repeats on each page it runs
// onto, and every row and every line of the notes is printed.
func TestSessionRecordLongTablesBreakAcrossPages(t *testing.T) {
	t.Parallel()
	se := data.Session{ID: "s1", StartedAt: testkit.LocalNow, SeriesN: 1, Status: data.StatusDraft}
	for i := range 70 {
		se.Zones = append(se.Zones, data.ZoneTreatment{Zone: fmt.Sprintf("Zone%02d", i+1), DepthMM: 0.5, Passes: 3,
			Pattern: "Cross-hatch", Endpoint: "Mild erythema"})
	}
	var notes []string
	for i := range 120 {
		notes = append(notes, fmt.Sprintf("Line%03d of a long note that goes on and on so that it has to wrap within the page width.", i+1))
	}
	se.Notes = strings.Join(notes, " ")
	r := SessionRecord{Client: data.Client{FirstName: "Ελένη", LastName: "Παπαδοπούλου"}, Session: se, Printed: testkit.LocalNow}
	var buf bytes.Buffer
	if err := WriteSessionRecord(&buf, r); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	pages := strings.Split(text, "\f")
	n := pageCount(t, buf.Bytes())
	if n < 3 {
		t.Fatalf("the record has %d pages, want the long zone table and notes to take at least 3", n)
	}
	requirePageNumbers(t, "long session record", text, n)
	for i := range 70 {
		requireText(t, "long session record", text, fmt.Sprintf("Zone%02d 0.5", i+1))
	}
	for i := range 120 {
		requireText(t, "long session record", text, fmt.Sprintf("Line%03d", i+1))
	}
	// Every page that holds zone rows starts its part of the table with the header.
	for i, page := range pages {
		if strings.Contains(page, "Zone0") && !strings.Contains(page, "Depth (mm)") {
			t.Errorf("page %d has zone rows without the table's header", i+1)
		}
	}
	requireText(t, "long session record", text, "Ελένη Παπαδοπούλου")
}

// imageCount reads with pdfimages how many times images are drawn in a PDF, and how many
// distinct images are stored.
func imageCount(t testing.TB, pdf []byte) (uses, objects int) {
	t.Helper()
	path := t.TempDir() + "/images.pdf"
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfimages", "-list", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v\n%s", err, out)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n")[2:] { // after two header lines
		f := strings.Fields(line)
		if len(f) < 11 {
			t.Fatalf("pdfimages line %q", line)
		}
		if f[2] != "image" {
			continue // a transparency mask
		}
		uses++
		seen[f[10]] = true // the object number
	}
	return uses, len(seen)
}

// Characters Go's fonts lack (emoji typed on a phone, CJK) print as "?" instead of failing the
// document, and an accent typed as a separate mark prints on its letter.
func TestSessionRecordOddCharacters(t *testing.T) {
	t.Parallel()
	se := data.Session{ID: "s1", StartedAt: testkit.LocalNow, Status: data.StatusDraft,
		Notes: "Happy 😀 with 漢字, nul\x00 gone; Zoe\u0308 decomposed"}
	r := SessionRecord{Client: data.Client{FirstName: "Zoe\u0308", LastName: "😀"}, Session: se, Printed: testkit.LocalNow}
	var buf bytes.Buffer
	if err := WriteSessionRecord(&buf, r); err != nil {
		t.Fatal(err)
	}
	// The emoji is drawn as a shape, which has no text.
	text := pdfText(t, buf.Bytes())
	requireText(t, "odd characters", text, "Name Zoë", "Happy with 漢字, nul gone; Zoë decomposed")
	if strings.Contains(text, "?") || strings.Contains(text, notDrawnNote) {
		t.Errorf("characters were not printed:\n%s", text)
	}
}

// A session record prints the audit log's head when printed, which verify --head checks later.
func TestSessionRecordPrintsTheAuditLogHead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newPractice(t, 320)
	head, err := p.store.AuditHead(ctx)
	if err != nil || head.Seq == 0 {
		t.Fatalf("audit head %+v, %v", head, err)
	}
	var buf bytes.Buffer
	if err := SessionPDF(ctx, p.store, p.sessions[0].ID, &buf); err != nil {
		t.Fatal(err)
	}
	requireText(t, "session record", pdfText(t, buf.Bytes()), fmt.Sprintf("Audit log head: %s (entry %d)", head.Hash, head.Seq))
}

// A session record prints the fingerprints of the signing keys in force beside the audit log's
// head, as verify prints them: a key replaced in the file since no longer matches the printout.
func TestSessionRecordPrintsTheSigningKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newPractice(t, 320)
	if err := p.store.SetPassphrase(data.WithActor(ctx, p.lee.ID), p.lee.ID, "", "correct horse"); err != nil {
		t.Fatal(err)
	}
	rep, err := p.store.Verify(ctx)
	if err != nil || len(rep.Keys) != 1 {
		t.Fatalf("verify: keys %+v, %v", rep.Keys, err)
	}
	var buf bytes.Buffer
	if err := SessionPDF(ctx, p.store, p.sessions[0].ID, &buf); err != nil {
		t.Fatal(err)
	}
	requireText(t, "session record", pdfText(t, buf.Bytes()), "Signing keys (SHA-256): Dr Lée Ørsted "+rep.Keys[0].Fingerprint[:16]+"…")
}

// A product not made for needled skin is marked where it met needled skin, during or after the
// needling, and not where it was used before it, as the safety check sees it.
func TestSessionRecordMarksProductsNotForNeedledSkin(t *testing.T) {
	t.Parallel()
	cat := Catalog{Products: map[string]data.Product{}}
	se := data.Session{ID: "s1", StartedAt: testkit.LocalNow, Status: data.StatusDraft}
	for _, ph := range data.Phases {
		id := "p-" + string(ph)
		cat.Products[id] = data.Product{ID: id, Name: "Serum " + string(ph), NeedledSkinOK: false}
		se.Products = append(se.Products, data.ProductUse{ProductID: id, Phase: ph, Lot: "L-" + string(ph)})
	}
	cat.Products["ok"] = data.Product{ID: "ok", Name: "Serum sterile", NeedledSkinOK: true}
	se.Products = append(se.Products, data.ProductUse{ProductID: "ok", Phase: data.PhaseDuring, Lot: "L-ok"})
	var buf bytes.Buffer
	if err := WriteSessionRecord(&buf, SessionRecord{Client: data.Client{FirstName: "Ada", LastName: "Byrne"},
		Session: se, Catalog: cat, Printed: testkit.LocalNow}); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
	requireText(t, "session record", text, "Serum during (not made", "Serum after (not made")
	for _, unmarked := range []string{"Serum before", "Serum sterile"} {
		if !strings.Contains(text, unmarked+" ") || strings.Contains(text, unmarked+" (not made") {
			t.Errorf("%q is missing or marked as not made for needled skin:\n%s", unmarked, text)
		}
	}
}
