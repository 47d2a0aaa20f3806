package storetest

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

var photoTests = []subtest{
	{"ImportAndRead", photoImportAndRead},
	{"ListInTreatmentOrder", photoList},
	{"Pins", photoPins},
	{"UpdateRefusesStaleAndBadTags", photoUpdate},
	{"Delete", photoDelete},
	{"SuggestKind", photoSuggest},
}

// testJPEG is a w×h JPEG of random colours, different for each seed: photos of different
// bytes, as the store keeps one copy of the same bytes.
func testJPEG(t *testing.T, w, h int, seed uint32) []byte {
	t.Helper()
	rnd := rand.New(rand.NewPCG(uint64(seed), 7))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = uint8(rnd.UintN(256)) // JPEG drops the alpha bytes
	}
	var b bytes.Buffer
	must(t, jpeg.Encode(&b, m, &jpeg.Options{Quality: 85}))
	return b.Bytes()
}

func importBytes(t *testing.T, s store.Store, clientID string, tags data.PhotoTags, b []byte, mod time.Time) (data.Photo, error) {
	t.Helper()
	return testkit.ImportPhoto(t, s, clientID, tags, "p.jpg", b, mod)
}

func photoClient(t *testing.T, s store.Store, first string) data.Client {
	t.Helper()
	c := data.Client{FirstName: first, LastName: "Photo", PhotoConsent: data.PhotoConsentClinical}
	must(t, s.CreateClient(context.Background(), &c))
	return c
}

func sessionAt(t *testing.T, s store.Store, clientID string, at time.Time) data.Session {
	t.Helper()
	se := data.Session{ClientID: clientID, StartedAt: at, NoSideEffects: true}
	must(t, s.CreateSession(context.Background(), &se))
	return se
}

// galleryPhotos is a client with two sessions and six photos, imported out of order as photos
// from two cards would be.
func galleryPhotos(t *testing.T, s store.Store) (data.Client, []data.Session, []data.Photo) {
	t.Helper()
	now := s.Now()
	c := photoClient(t, s, "Anna")
	s1 := sessionAt(t, s, c.ID, now.AddDate(0, -2, 0))
	s2 := sessionAt(t, s, c.ID, now.AddDate(0, -1, 0))
	var photos []data.Photo
	seed := uint32(100)
	add := func(se data.Session, kind data.PhotoKind, view, zone string, at time.Time) {
		seed++
		p, err := importBytes(t, s, c.ID, data.PhotoTags{SessionID: se.ID, Kind: kind, View: view, Zone: zone},
			testJPEG(t, 320, 240, seed), at)
		must(t, err)
		photos = append(photos, p)
	}
	add(s2, data.PhotoAfter, "Frontal", "Cheeks", s2.StartedAt.Add(70*time.Minute))
	add(s1, data.PhotoBefore, "Frontal", "Cheeks", s1.StartedAt.Add(-5*time.Minute))
	add(data.Session{}, data.PhotoFollowUp, "Frontal", "", now.Add(-24*time.Hour))
	add(s1, data.PhotoBefore, "Left 45°", "Forehead", s1.StartedAt.Add(-3*time.Minute))
	add(s2, data.PhotoBefore, "Frontal", "Cheeks", s2.StartedAt.Add(-2*time.Minute))
	add(s1, data.PhotoAfter, "Frontal", "Cheeks", s1.StartedAt.Add(65*time.Minute))
	return c, []data.Session{s1, s2}, photos
}

func photoImportAndRead(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := photoClient(t, s, "Anna")
	se := sessionAt(t, s, c.ID, s.Now().Add(-time.Hour))
	jpg := testJPEG(t, 640, 480, 1)
	p, err := importBytes(t, s, c.ID, data.PhotoTags{SessionID: se.ID, Kind: data.PhotoBefore, View: "Frontal"}, jpg, time.Time{})
	must(t, err)
	if p.ID == "" || p.Version != 1 || p.ClientID != c.ID || p.Kind != data.PhotoBefore || p.Width != 640 || p.Height != 480 {
		t.Fatalf("imported: %+v", p)
	}
	got, err := s.Photo(ctx, p.ID)
	if err != nil || got.ID != p.ID || got.PhotoTags != p.PhotoTags {
		t.Fatalf("read back %+v, %v", got, err)
	}
	if orig, err := s.PhotoOriginal(ctx, p.ID); err != nil || !bytes.Equal(orig, jpg) {
		t.Fatalf("original: %d bytes, %v; want the %d imported", len(orig), err, len(jpg))
	}
	if prev, err := s.PhotoPreview(ctx, p.ID); err != nil || len(prev) == 0 {
		t.Fatalf("preview: %d bytes, %v", len(prev), err)
	}
	// The same bytes again: the stored photo, named by a duplicate error.
	again, err := importBytes(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, jpg, time.Time{})
	if !errors.Is(err, data.ErrDuplicatePhoto) || again.ID != p.ID {
		t.Fatalf("duplicate import: %+v, %v", again, err)
	}
	f, _ := photo.Process(jpg)
	if owner, err := s.PhotoStoredFor(ctx, data.PhotoFile{Original: jpg, Processed: f}); err != nil || owner != c.ID {
		t.Fatalf("stored for %q, %v; want %s", owner, err, c.ID)
	}
	if n, err := s.BeforePhotos(ctx, se.ID); err != nil || n != 1 {
		t.Fatalf("before photos of the session: %d, %v", n, err)
	}
}

func photoList(t *testing.T, s store.Store) {
	ctx := context.Background()
	c, sessions, ps := galleryPhotos(t, s)
	other := photoClient(t, s, "Bea")
	_, err := importBytes(t, s, other.ID, data.PhotoTags{Kind: data.PhotoBefore, View: "Frontal"}, testJPEG(t, 320, 240, 999), time.Time{})
	must(t, err)
	ids := func(list []data.PhotoThumb) []string {
		var out []string
		for _, p := range list {
			if len(p.Thumbnail) == 0 {
				t.Errorf("photo %s listed without its thumbnail", p.ID)
			}
			out = append(out, p.ID)
		}
		return out
	}
	cases := []struct {
		what string
		q    data.PhotoQuery
		want []string
	}{
		{"all, in treatment order", data.PhotoQuery{ClientID: c.ID}, []string{ps[1].ID, ps[3].ID, ps[5].ID, ps[4].ID, ps[0].ID, ps[2].ID}},
		{"frontal", data.PhotoQuery{ClientID: c.ID, View: "Frontal"}, []string{ps[1].ID, ps[5].ID, ps[4].ID, ps[0].ID, ps[2].ID}},
		{"before", data.PhotoQuery{ClientID: c.ID, Kind: data.PhotoBefore}, []string{ps[1].ID, ps[3].ID, ps[4].ID}},
		{"forehead", data.PhotoQuery{ClientID: c.ID, Zone: "Forehead"}, []string{ps[3].ID}},
		{"second session's frontal before", data.PhotoQuery{ClientID: c.ID, SessionID: sessions[1].ID, View: "Frontal",
			Kind: data.PhotoBefore}, []string{ps[4].ID}},
		{"no match", data.PhotoQuery{ClientID: c.ID, View: "Close-up"}, nil},
	}
	for _, tc := range cases {
		list, err := s.ListPhotos(ctx, tc.q)
		must(t, err)
		if got := ids(list); !slices.Equal(got, tc.want) {
			t.Errorf("%s: listed %v, want %v", tc.what, got, tc.want)
		}
	}
	tl, _ := s.Timeline(ctx, c.ID)
	if len(tl) != 2 || tl[0].Photos != 2 || tl[1].Photos != 3 { // newest session first
		t.Errorf("timeline photo counts: %+v", tl)
	}
}

func photoPins(t *testing.T, s store.Store) {
	ctx := context.Background()
	_, _, ps := galleryPhotos(t, s)
	p := ps[1]
	var pins []data.PhotoPin
	for i, note := range []string{"Boxcar scar", "Rolling scars", "PIH patch"} {
		pin := data.PhotoPin{PhotoID: p.ID, X: 0.1 * float64(i+1), Y: 0.5, Note: note}
		must(t, s.AddPhotoPin(ctx, &pin))
		if pin.N != i+1 || pin.ID == "" {
			t.Fatalf("pin %d numbered %d", i+1, pin.N)
		}
		pins = append(pins, pin)
	}
	elsewhere := data.PhotoPin{PhotoID: ps[0].ID, X: 1, Y: 0}
	if err := s.AddPhotoPin(ctx, &elsewhere); err != nil || elsewhere.N != 1 {
		t.Fatalf("first pin of another photo: n=%d, %v", elsewhere.N, err)
	}
	must(t, s.DeletePhotoPin(ctx, pins[1].ID))
	fourth := data.PhotoPin{PhotoID: p.ID, X: 0.9, Y: 0.9, Note: "Milia"}
	if err := s.AddPhotoPin(ctx, &fourth); err != nil || fourth.N != 4 {
		t.Fatalf("pin after a deletion: n=%d, %v; want 4", fourth.N, err)
	}
	edit := pins[2]
	edit.Note, edit.X, edit.PhotoID, edit.N = "PIH patch, fading", 0.35, "ignored", 99
	must(t, s.UpdatePhotoPin(ctx, &edit))
	if edit.PhotoID != p.ID || edit.N != 3 {
		t.Fatalf("edited pin reads photo %s n=%d", edit.PhotoID, edit.N)
	}
	got, err := s.PhotoPins(ctx, p.ID)
	must(t, err)
	if want := []data.PhotoPin{pins[0], edit, fourth}; !slices.Equal(got, want) {
		t.Fatalf("pins:\n got %+v\nwant %+v", got, want)
	}
	list, _ := s.ListPhotos(ctx, data.PhotoQuery{ClientID: p.ClientID, SessionID: p.SessionID, Kind: p.Kind, View: p.View})
	if len(list) != 1 || list[0].Pins != 3 {
		t.Errorf("gallery shows %+v; want the photo with 3 pins", list)
	}
	for _, bad := range []data.PhotoPin{{PhotoID: p.ID, X: 1.2, Y: 0.5}, {PhotoID: p.ID, X: -0.1}} {
		if f := testkit.FieldsOf(t, s.AddPhotoPin(ctx, &bad)); !slices.Equal(f, []string{"position"}) {
			t.Errorf("pin at %v,%v: fields %v", bad.X, bad.Y, f)
		}
	}
	if err := s.AddPhotoPin(ctx, &data.PhotoPin{PhotoID: "nope", X: 0.5, Y: 0.5}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("pin on a missing photo: %v", err)
	}
	if err := s.UpdatePhotoPin(ctx, &data.PhotoPin{ID: "nope", X: 0.5, Y: 0.5}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("edit a missing pin: %v", err)
	}
	if err := s.DeletePhotoPin(ctx, pins[1].ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("delete a deleted pin: %v", err)
	}
}

func photoUpdate(t *testing.T, s store.Store) {
	ctx := context.Background()
	c, sessions, ps := galleryPhotos(t, s)
	mine, theirs := ps[2], ps[2] // two screens holding the same photo
	before := s.Now()
	mine.SessionID, mine.Kind, mine.View, mine.Zone, mine.Note = sessions[1].ID, data.PhotoAfter, "Right 45°", "Chin", "Retaken"
	must(t, s.UpdatePhoto(ctx, &mine))
	if mine.Version != 2 || !stampedNow(s, mine.UpdatedAt, before) || mine.FileName != "p.jpg" || mine.ClientID != c.ID {
		t.Fatalf("after update: %+v", mine)
	}
	stored, _ := s.Photo(ctx, mine.ID)
	if stored.PhotoTags != mine.PhotoTags || stored.Version != 2 {
		t.Fatalf("stored %+v, saved %+v", stored, mine)
	}
	theirs.Note = "Stale edit"
	if err := s.UpdatePhoto(ctx, &theirs); !errors.Is(err, data.ErrConflict) || theirs.Version != 1 {
		t.Fatalf("stale update: %v (version %d)", err, theirs.Version)
	}
	bad := stored
	bad.View, bad.Consent = "Sideways", data.PhotoConsentMarketing
	if f := testkit.FieldsOf(t, s.UpdatePhoto(ctx, &bad)); !slices.Equal(f, []string{"consent", "view"}) {
		t.Errorf("bad tags: fields %v", f)
	}
	missing := stored
	missing.ID = "nope"
	if err := s.UpdatePhoto(ctx, &missing); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("update a missing photo: %v", err)
	}
	if log, _ := s.AuditLog(ctx, stored.ID); len(log) != 2 || log[1].Action != data.ActionUpdate {
		t.Errorf("audit log: %+v; want create and update", log)
	}
}

func photoDelete(t *testing.T, s store.Store) {
	ctx := context.Background()
	c, _, ps := galleryPhotos(t, s)
	p := ps[1]
	must(t, s.AddPhotoPin(ctx, &data.PhotoPin{PhotoID: p.ID, X: 0.5, Y: 0.5, Note: "Scar"}))
	if f := testkit.FieldsOf(t, s.DeletePhoto(ctx, p.ID, "  ")); !slices.Equal(f, []string{"reason"}) {
		t.Fatalf("delete without a reason: fields %v", f)
	}
	must(t, s.DeletePhoto(ctx, p.ID, "Wrong client's photo"))
	if _, err := s.Photo(ctx, p.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("deleted photo: %v", err)
	}
	if pins, _ := s.PhotoPins(ctx, p.ID); len(pins) != 0 {
		t.Fatalf("deleted photo's pins: %+v", pins)
	}
	if list, _ := s.ListPhotos(ctx, data.PhotoQuery{ClientID: c.ID}); len(list) != len(ps)-1 {
		t.Fatalf("%d photos listed after deleting one of %d", len(list), len(ps))
	}
	if acts := actions(t, s, p.ID); acts[len(acts)-1] != data.ActionDelete {
		t.Fatalf("audit of the deletion: %v", acts)
	}
	if err := s.DeletePhoto(ctx, p.ID, "again"); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

func photoSuggest(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := photoClient(t, s, "Anna")
	day := func(m time.Month, d, h, min int) time.Time { return time.Date(2025, m, d, h, min, 0, 0, time.Local) }
	first := sessionAt(t, s, c.ID, day(3, 3, 10, 0))
	second := sessionAt(t, s, c.ID, day(3, 31, 14, 0))
	late := sessionAt(t, s, c.ID, day(3, 31, 17, 30)) // a second visit that day, for a touch-up
	// The kind follows from when the photo was taken against the client's sessions.
	for _, tc := range []struct {
		what, session string
		at            time.Time
		kind          data.PhotoKind
	}{
		{"on arrival", first.ID, day(3, 3, 9, 55), data.PhotoBefore},
		{"at the end of the session", first.ID, day(3, 3, 11, 10), data.PhotoAfter},
		{"two weeks later", first.ID, day(3, 17, 11, 0), data.PhotoFollowUp},
		{"nearest of two sessions that day", late.ID, day(3, 31, 17, 20), data.PhotoBefore},
		{"after the first of two that day", second.ID, day(3, 31, 15, 5), data.PhotoAfter},
		{"months before any session", "", day(1, 2, 12, 0).AddDate(-1, 0, 0), data.PhotoBefore},
	} {
		got, err := s.SuggestPhoto(ctx, c.ID, tc.at)
		must(t, err)
		if got.Kind != tc.kind || got.SessionID != tc.session {
			t.Errorf("%s (%v): suggested %s of session %q, want %s of %q", tc.what, tc.at, got.Kind, got.SessionID, tc.kind, tc.session)
		}
	}
	if got, err := s.SuggestPhoto(ctx, photoClient(t, s, "Bea").ID, day(3, 3, 10, 0)); err != nil ||
		got != (data.PhotoSuggestion{Kind: data.PhotoBefore}) {
		t.Errorf("client without sessions: %+v, %v", got, err)
	}
	// A session's start is found for its own client only.
	if at, err := s.SessionStart(ctx, c.ID, late.ID); err != nil || !at.Equal(late.StartedAt) {
		t.Errorf("start of the late session: %v, %v; want %v", at, err, late.StartedAt)
	}
	if _, err := s.SessionStart(ctx, photoClient(t, s, "Cleo").ID, late.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("start of another client's session: %v, want not found", err)
	}
}
