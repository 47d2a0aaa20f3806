package report

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func TestClientHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newPractice(t, 480)
	h, err := LoadClientHistory(ctx, p.store, p.zoe.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Sessions) != 3 || len(h.Photos) != 6 || h.Sessions[0].ID != p.sessions[0].ID {
		t.Fatalf("loaded %d sessions and %d photos", len(h.Sessions), len(h.Photos))
	}
	var buf bytes.Buffer
	if err := WriteClientHistory(&buf, h); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	text := pdfText(t, pdf)
	requireText(t, "history", text,
		clinicName, "Treatment history", "Zoë Ångström · 3 sessions, 13 Jan 2026 to 10 Mar 2026",
		"Date of birth 17 May 1990 (aged 35)", "Fitzpatrick skin type IV", "Allergies Lidocaine",
		"Medical history Herpes simplex, history: Valaciclovir before perioral work", "Medical notes Prone to cold sores.",
		"Treatment consent Microneedling consent, version 3, signed 5 Jan 2026", "Photo consent Clinical record only",
		"Session 1 of 3 · Tue 13 Jan 2026, 12:30", "Session 2 of 3 · Tue 10 Feb 2026, 12:30",
		"Session 3 of 3 · Tue 10 Mar 2026, 12:30",
		"Cheeks 0.5 level 4", "Cheeks 1.25 level 4", "Cheeks 1.75 level 4",
		"lot HA-2291", "lot HA-2292", "lot HA-2293", "lot C-9931", "lot C-9932", "lot C-9933", "lot LA-221", "lot LA-223",
		"Signed by Dr Lée Ørsted, RN on 10 Mar 2026, 14:30", "Record Not signed (draft)",
		"Side-effect log", "Erythema mild 13 Jan 2026 15 Jan 2026", "Erythema mild 10 Feb 2026 12 Feb 2026",
		"Post-inflammatory moderate 10 Mar 2026 not yet Hydroquinone 4%. Left cheek",
		"Before and after, by view", "Frontal", "Left 45°",
		"13 Jan 2026, 12:35 · Session 1 of 3", "10 Mar 2026, 13:50 · Session 3 of 3",
		"Cheeks 0.5 mm × 4 passes", "Cheeks 1.75 mm × 4 passes",
		"(lot HA-2291)", "(lot HA-2293)")
	requirePageNumbers(t, "history", text, pageCount(t, pdf))
	requireNoEXIF(t, "history", pdf)
	// Sessions come in date order.
	i1, i2, i3 := strings.Index(text, "Session 1 of 3 ·"), strings.Index(text, "Session 2 of 3 ·"), strings.Index(text, "Session 3 of 3 ·")
	if !(i1 < i2 && i2 < i3) {
		t.Errorf("sessions are not in date order: at %d, %d, %d", i1, i2, i3)
	}
	// Every photo is in, once, as stored: a pair reuses the image its session shows.
	for _, ph := range h.Photos {
		if !bytes.Contains(pdf, ph.Preview) {
			t.Errorf("photo %s's preview is not embedded as stored", ph.ID)
		}
	}
	if uses, objects := imageCount(t, pdf); uses != 6+2+1 || objects != 6+1 {
		t.Errorf("pdfimages lists %d image uses of %d images, want 9 uses (6 photos, 1 pair of 2, the logo) of 7 images",
			uses, objects)
	}
	// Before and after: the first before of a view against its latest after. Left 45° has two
	// before photos and no after: no pair of it.
	pairs := text[strings.Index(text, "Before and after, by view"):]
	if strings.Contains(pairs, "Left 45°") || strings.Count(pairs, "Before · Frontal · Cheeks") != 1 ||
		strings.Count(pairs, "After · Frontal · Cheeks") != 1 || !strings.Contains(pairs, "13 Jan 2026, 12:35 · Session 1 of 3") ||
		!strings.Contains(pairs, "10 Mar 2026, 13:50 · Session 3 of 3") {
		t.Errorf("the before and after pairs read:\n%s", pairs)
	}
}

func TestClientHistoryWithoutSessions(t *testing.T) {
	t.Parallel()
	p := newPractice(t, 64)
	h, err := LoadClientHistory(context.Background(), p.store, p.anna.ID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteClientHistory(&buf, h); err != nil {
		t.Fatal(err)
	}
	requireText(t, "empty history", pdfText(t, buf.Bytes()), "Анна Иванова · no sessions", "No sessions recorded.",
		"No side effects recorded.", "No view has a before photo and a later after or follow-up photo yet.", "Page 1 of 1")
}

// buildBigHistory makes a client with 20 sessions and 40 photos of 1600×1200, and returns the
// total size of the photos' previews.
func buildBigHistory(tb testing.TB) (*sqlite.Store, string, int64) {
	tb.Helper()
	ctx := context.Background()
	s := sqlitetest.OpenStoreNow(tb, testkit.Fixed(testkit.LocalNow))
	c := data.Client{FirstName: "Zoë", LastName: "Ångström", PhotoConsent: data.PhotoConsentClinical, Fitzpatrick: 3}
	if err := s.CreateClient(ctx, &c); err != nil {
		tb.Fatal(err)
	}
	serums, _ := s.Products(ctx, "Hyaluronic acid", false)
	views := []string{"Frontal", "Left 45°", "Right 45°", "Left 90° (profile)", "Right 90° (profile)", "Close-up"}
	var photoBytes int64
	for i := range 20 {
		se := data.Session{ClientID: c.ID, StartedAt: testkit.LocalNow.AddDate(0, 0, -14*(20-i)), SeriesN: i%5 + 1, SeriesOf: 5,
			Zones: []data.ZoneTreatment{{Zone: "Cheeks", DepthMM: 0.5 + 0.05*float64(i), Passes: 4, Endpoint: "Mild erythema"},
				{Zone: "Forehead", DepthMM: 0.5, Passes: 3}},
			Products:    []data.ProductUse{{ProductID: serums[0].ID, Lot: fmt.Sprintf("HA-%04d", i), Phase: data.PhaseDuring, Amount: "2 ml"}},
			SideEffects: []data.SideEffect{{Kind: "Erythema", Severity: data.SeverityMild, DuringSession: true}},
			PainScore:   data.Optional[int]{V: 3, Valid: true}, Notes: "Tolerated well."}
		if err := s.CreateSession(ctx, &se); err != nil {
			tb.Fatal(err)
		}
		for k, kind := range []data.PhotoKind{data.PhotoBefore, data.PhotoAfter} {
			ph := importPhoto(tb, s, c.ID, data.PhotoTags{SessionID: se.ID, Kind: kind, View: views[i%len(views)], Zone: "Cheeks"},
				phototest.NoisyJPEG(tb, 1600, 1200, uint32(2*i+k+1), 24), se.StartedAt.Add(time.Duration(5+60*k)*time.Minute))
			prev, err := s.PhotoPreview(ctx, ph.ID)
			if err != nil {
				tb.Fatal(err)
			}
			photoBytes += int64(len(prev))
		}
	}
	return s, c.ID, photoBytes
}

// BenchmarkClientHistory20x40 reads and writes the history of a client with 20 sessions and 40
// photos of 1600×1200: the time, the PDF's size, and the size of the 40 previews it embeds.
func BenchmarkClientHistory20x40(b *testing.B) {
	s, clientID, photoBytes := buildBigHistory(b)
	ctx := context.Background()
	var size int
	b.ResetTimer()
	for b.Loop() {
		h, err := LoadClientHistory(ctx, s, clientID)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteClientHistory(&buf, h); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes")
	b.ReportMetric(float64(photoBytes), "photo-bytes")
}

// A client's photo consent prints in the words their form gave it: "teaching" stays teaching.
func TestClientHistoryWordsPhotoConsentAsTheForm(t *testing.T) {
	p := newPractice(t, 480)
	h, err := LoadClientHistory(context.Background(), p.store, p.zoe.ID)
	if err != nil {
		t.Fatal(err)
	}
	for c, want := range map[data.PhotoConsent]string{
		data.PhotoConsentNone:      "Photo consent No photos may be used",
		data.PhotoConsentEducation: "Photo consent Record and teaching (anonymised)",
		data.PhotoConsentMarketing: "Photo consent Record, teaching and marketing",
	} {
		h.Client.PhotoConsent = c
		var buf bytes.Buffer
		if err := WriteClientHistory(&buf, h); err != nil {
			t.Fatal(err)
		}
		requireText(t, "history", pdfText(t, buf.Bytes()), want)
	}
}
