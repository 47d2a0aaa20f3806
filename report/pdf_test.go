package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// exifMarker is how an EXIF block starts inside a JPEG's APP1 segment.
const exifMarker = "Exif\x00\x00"

// withEXIF adds an EXIF block with the date taken and a GPS position in its description, as
// cameras write it.
func withEXIF(jpg []byte, taken time.Time) []byte {
	return phototest.WithEXIF(jpg, phototest.EXIF{Description: "GPS 48.8566N 2.3522E", Taken: taken.Format("2006:01:02 15:04:05")})
}

// importPhoto stores a photo made from jpg, with EXIF added, for a client.
func importPhoto(t testing.TB, s *sqlite.Store, clientID string, tags data.PhotoTags, jpg []byte, taken time.Time) data.Photo {
	t.Helper()
	return testkit.MustImportPhoto(t, s, clientID, tags, "IMG.jpg", withEXIF(jpg, taken), taken)
}

// practice is a test practice: a clinic with a logo, a practitioner, and clients named in three
// scripts, one of them with a course of three sessions and photos.
type practice struct {
	store    *sqlite.Store
	lee      data.Practitioner
	zoe      data.Client // Zoë Ångström, with the sessions
	anna     data.Client // Анна Иванова
	eleni    data.Client // Ελένη Παπαδοπούλου
	sessions []data.Session
	photos   []data.Photo
	serum    data.Product
	vitC     data.Product
}

const (
	clinicName    = "Clinique Œil & Peau — Zürich"
	clinicAddress = "Hauptstraße 5\n8001 Zürich"
	clinicPhone   = "+41 44 000 11 22"
)

func newPractice(t testing.TB, photoSide int) *practice {
	t.Helper()
	ctx := context.Background()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.LocalNow))
	p := &practice{store: s}
	for k, v := range map[string]string{data.SettingClinicName: clinicName, data.SettingClinicAddress: clinicAddress,
		data.SettingClinicPhone: clinicPhone, data.SettingCurrency: "CHF"} {
		if err := s.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	// A JPEG logo straight from a camera, EXIF and all: it must not reach a document as it is.
	if err := s.SetSettingBytes(ctx, data.SettingClinicLogo, withEXIF(phototest.NoisyJPEG(t, 300, 120, 99, 24), testkit.LocalNow)); err != nil {
		t.Fatal(err)
	}
	p.lee = data.Practitioner{Name: "Dr Lée Ørsted", Credentials: "RN"}
	if err := s.SavePractitioner(ctx, &p.lee); err != nil {
		t.Fatal(err)
	}
	client := func(first, last string) data.Client {
		c := data.Client{FirstName: first, LastName: last, DateOfBirth: data.NewDate(1990, 5, 17), Fitzpatrick: 4,
			Phone: "+41 79 123 45 67", Email: "client@example.com", PhotoConsent: data.PhotoConsentClinical,
			Allergies: []string{"Lidocaine"}, Concerns: []string{"Acne scars"}}
		if err := s.CreateClient(ctx, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	p.zoe = client("Zoë", "Ångström")
	p.zoe.Consent = data.Consent{Form: "Microneedling consent", Version: "3", Signed: data.NewDate(2026, 1, 5)}
	p.zoe.History = []data.HistoryEntry{{Condition: "Herpes simplex, history", Notes: "Valaciclovir before perioral work"}}
	p.zoe.MedicalNotes = "Prone to cold sores."
	if err := s.UpdateClient(ctx, &p.zoe); err != nil {
		t.Fatal(err)
	}
	p.anna = client("Анна", "Иванова")
	p.eleni = client("Ελένη", "Παπαδοπούλου")

	devices, _ := s.Devices(ctx, false)
	cartridges, _ := s.Cartridges(ctx, false)
	anaesthetics, _ := s.Products(ctx, data.ProductKindAnaesthetic, false)
	serums, _ := s.Products(ctx, "Hyaluronic acid", false)
	vitC, _ := s.Products(ctx, "Antioxidant", false)
	if len(devices) == 0 || len(cartridges) < 2 || len(anaesthetics) == 0 || len(serums) == 0 || len(vitC) == 0 {
		t.Fatal("the default lists are missing")
	}
	p.serum, p.vitC = serums[0], vitC[0]
	var dermapen data.Device
	for _, d := range devices {
		if d.Model == "Dermapen 4" {
			dermapen = d
		}
	}
	for i, depth := range []float64{0.5, 1.25, 1.75} {
		n := i + 1
		se := data.Session{
			ClientID: p.zoe.ID, PractitionerID: p.lee.ID, StartedAt: testkit.LocalNow.AddDate(0, 0, -28*(2-i)).Add(-2 * time.Hour),
			SeriesN: n, SeriesOf: 3, IntervalDays: 28, Concerns: []string{"Acne scars", "Enlarged pores"}, Modality: "None",
			Anaesthetic:     data.Anaesthetic{ProductID: anaesthetics[0].ID, Lot: fmt.Sprintf("LA-22%d", n), Minutes: 25},
			DeviceID:        dermapen.ID,
			HandpieceSerial: "HP-0042",
			Cartridge:       data.CartridgeUse{CartridgeID: cartridges[1].ID, Lot: fmt.Sprintf("C-993%d", n), Expiry: data.NewDate(2027, 1, 31)},
			Zones: []data.ZoneTreatment{
				{Zone: "Cheeks", DepthMM: depth, Speed: 4, Passes: 4, Pattern: "Cross-hatch (horizontal, vertical, diagonal)", Endpoint: "Pinpoint bleeding"},
				{Zone: "Forehead", DepthMM: 0.5, Speed: 3, Passes: 3, Pattern: "Linear strokes", Endpoint: "Uniform erythema"},
			},
			Products: []data.ProductUse{
				{ProductID: serums[0].ID, Lot: fmt.Sprintf("HA-229%d", n), Expiry: data.NewDate(2027, 6, 30), Phase: data.PhaseDuring, Amount: "2 ml"},
				{ProductID: vitC[0].ID, Lot: "VC-77", Phase: data.PhaseAfter, Amount: "0.5 ml"},
			},
			SideEffects: []data.SideEffect{{Kind: "Erythema", Severity: data.SeverityMild, DuringSession: true,
				Resolved: data.DateOf(testkit.LocalNow.AddDate(0, 0, -28*(2-i)+2))}},
			PainScore: data.Optional[int]{V: 3 + i, Valid: true}, Aftercare: []string{"Stay hydrated", "Avoid AHA and retinol products"},
			AftercareSheet: "1", PriceCents: data.Optional[int64]{V: 35000, Valid: true},
			NextDue: data.DateOf(testkit.LocalNow.AddDate(0, 0, -28*(2-i)+28)),
			Notes:   fmt.Sprintf("Session %d. Tolerated well; Ångström family history of PIH noted.", n),
		}
		if i == 2 {
			se.SideEffects[0].Resolved = data.Date{}
			se.SideEffects = append(se.SideEffects, data.SideEffect{Kind: "Post-inflammatory hyperpigmentation",
				Severity: data.SeverityModerate, Onset: data.DateOf(testkit.LocalNow), Treatment: "Hydroquinone 4%", Notes: "Left cheek"})
		}
		if err := s.CreateSession(ctx, &se); err != nil {
			t.Fatalf("session %d: %v", n, err)
		}
		p.sessions = append(p.sessions, se)
	}
	w, h := photoSide, photoSide*3/4
	add := func(se data.Session, kind data.PhotoKind, view, zone string, offset time.Duration, seed uint32) {
		taken := se.StartedAt.Add(offset).Truncate(time.Second)
		p.photos = append(p.photos, importPhoto(t, s, p.zoe.ID, data.PhotoTags{SessionID: se.ID, Kind: kind,
			View: view, Zone: zone, Note: "Note " + view}, phototest.NoisyJPEG(t, w, h, seed, 24), taken))
	}
	add(p.sessions[0], data.PhotoBefore, "Frontal", "Cheeks", 5*time.Minute, 1)
	add(p.sessions[0], data.PhotoAfter, "Frontal", "Cheeks", 70*time.Minute, 2)
	add(p.sessions[0], data.PhotoBefore, "Left 45°", "", 6*time.Minute, 3)
	add(p.sessions[1], data.PhotoBefore, "Frontal", "Cheeks", 5*time.Minute, 4)
	add(p.sessions[2], data.PhotoBefore, "Left 45°", "", 5*time.Minute, 5)
	add(p.sessions[2], data.PhotoAfter, "Frontal", "Cheeks", 80*time.Minute, 6)
	// The first two sessions are signed by Dr Lee, now that their before photos are in.
	for i := range p.sessions[:2] {
		se := &p.sessions[i]
		if err := s.SignSession(data.WithActor(ctx, p.lee.ID), se.ID, se.Version); err != nil {
			t.Fatalf("sign session %d: %v", i+1, err)
		}
		signed, err := s.Session(ctx, se.ID)
		if err != nil {
			t.Fatal(err)
		}
		*se = signed
	}
	return p
}

// pdfText extracts a PDF's text with poppler's pdftotext, as a reader would see it.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	path := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// pageCount reads the number of pages pdfinfo finds.
func pageCount(t testing.TB, pdf []byte) int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "info.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", out)
	}
	var n int
	fmt.Sscan(m[1], &n)
	return n
}

// requireText fails for each wanted text missing from a document's extracted text. Runs of
// spaces are folded first: -layout spaces columns out.
func requireText(t testing.TB, what, text string, want ...string) {
	t.Helper()
	folded := strings.Join(strings.Fields(text), " ")
	for _, w := range want {
		if !strings.Contains(folded, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
	if t.Failed() {
		t.Logf("%s text:\n%s", what, text)
	}
}

// requireNoEXIF fails when a PDF holds an EXIF block anywhere.
func requireNoEXIF(t testing.TB, what string, pdf []byte) {
	t.Helper()
	if bytes.Contains(pdf, []byte(exifMarker)) {
		t.Errorf("%s contains an EXIF block", what)
	}
	if bytes.Contains(pdf, []byte("GPS 48.8566N")) {
		t.Errorf("%s contains the photos' GPS text", what)
	}
}

// pageFooters checks that every page carries "Page n of N" with the right N.
func requirePageNumbers(t testing.TB, what, text string, pages int) {
	t.Helper()
	for n := 1; n <= pages; n++ {
		if !strings.Contains(text, fmt.Sprintf("Page %d of %d", n, pages)) {
			t.Errorf("%s lacks \"Page %d of %d\"", what, n, pages)
		}
	}
}

func pngLogo(t testing.TB) []byte {
	t.Helper()
	m := image.NewNRGBA(image.Rect(0, 0, 200, 80))
	for y := range 80 {
		for x := range 200 {
			m.SetNRGBA(x, y, color.NRGBA{20, 90, 160, uint8(x)}) // fades in: has transparency
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestClinicLogo(t *testing.T) {
	t.Parallel()
	r := SessionRecord{Client: data.Client{FirstName: "Zoë"}, Session: data.Session{StartedAt: testkit.LocalNow}, Printed: testkit.LocalNow,
		Clinic: Clinic{Name: clinicName, Logo: pngLogo(t)}}
	var buf bytes.Buffer
	if err := WriteSessionRecord(&buf, r); err != nil {
		t.Fatalf("PNG logo with transparency: %v", err)
	}
	if uses, _ := imageCount(t, buf.Bytes()); uses != 1 {
		t.Errorf("%d images drawn, want the logo", uses)
	}
	// A large logo is scaled down rather than embedded at full size.
	r.Clinic.Logo = phototest.NoisyJPEG(t, 3000, 1200, 3, 24)
	buf.Reset()
	if err := WriteSessionRecord(&buf, r); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > len(r.Clinic.Logo)/2 {
		t.Errorf("a %d-byte logo made a %d-byte record", len(r.Clinic.Logo), buf.Len())
	}
	r.Clinic.Logo = []byte("not an image")
	if err := WriteSessionRecord(&buf, r); err == nil || !strings.Contains(err.Error(), "clinic logo in Settings") {
		t.Errorf("unreadable logo: got %v, want an error pointing to Settings", err)
	}
}
