package demo_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"maps"
	"slices"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// demoPhotos generates a small practice with photos and returns it with every client's photos.
func demoPhotos(t *testing.T, opt demo.Options) (*sqlite.Store, demo.Result, map[string][]data.PhotoThumb) {
	t.Helper()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.Now))
	res, err := demo.Generate(context.Background(), s, opt)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	photos := map[string][]data.PhotoThumb{}
	for _, c := range allClients(t, s, data.ClientQuery{}) {
		list, err := s.ListPhotos(context.Background(), data.PhotoQuery{ClientID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) > 0 {
			photos[c.ID] = list
		}
	}
	return s, res, photos
}

func TestGeneratePhotos(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var progress [][2]int
	s, res, photos := demoPhotos(t, demo.Options{Clients: 12, Sessions: 40, Seed: 1, PhotoClients: 4,
		Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) }})
	if len(photos) != 4 || res.Photos == 0 {
		t.Fatalf("%d clients have photos (result: %d photos), want 4", len(photos), res.Photos)
	}
	h, err := s.Check(ctx)
	if err != nil || len(h.Problems) > 0 || h.Counts["photos"] != int64(res.Photos) {
		t.Fatalf("check: %+v, %v; result says %d photos", h, err, res.Photos)
	}
	last := progress[len(progress)-1]
	if last[0] != last[1] || last[1] < res.Sessions+res.Photos {
		t.Errorf("progress ended at %v; %d sessions and %d photos were written", last, res.Sessions, res.Photos)
	}
	for i := 1; i < len(progress); i++ {
		if progress[i][0] < progress[i-1][0] || progress[i][1] != progress[0][1] {
			t.Errorf("progress went %v then %v", progress[i-1], progress[i])
		}
	}

	views, _ := s.ListItems(ctx, data.ListPhotoView, false)
	var viewNames []string
	for _, v := range views {
		viewNames = append(viewNames, v.Name)
	}
	pins := 0
	for clientID, list := range photos {
		c, err := s.Client(ctx, clientID)
		if err != nil {
			t.Fatal(err)
		}
		if c.PhotoConsent == data.PhotoConsentNone {
			t.Errorf("%s declined photos but has %d", c.Name(), len(list))
		}
		kinds := map[string][]data.PhotoKind{} // by session
		for _, p := range list {
			// Each photo is filed as an import would suggest from the time it was taken.
			sug, err := s.SuggestPhoto(ctx, clientID, p.TakenAt)
			if err != nil {
				t.Fatal(err)
			}
			if sug.Kind != p.Kind || sug.SessionID != p.SessionID {
				t.Errorf("%s: %s photo of session %s taken %v; the import would suggest %s of %s",
					p.FileName, p.Kind, p.SessionID, p.TakenAt, sug.Kind, sug.SessionID)
			}
			if !slices.Contains(viewNames, p.View) || p.Zone == "" || p.Consent != data.PhotoConsentClinical {
				t.Errorf("%s: view %q, zone %q, consent %q", p.FileName, p.View, p.Zone, p.Consent)
			}
			kinds[p.SessionID] = append(kinds[p.SessionID], p.Kind)
			pins += p.Pins
		}
		for session, ks := range kinds {
			if !slices.Contains(ks, data.PhotoBefore) || (!slices.Contains(ks, data.PhotoAfter) && !slices.Contains(ks, data.PhotoFollowUp)) {
				t.Errorf("%s: session %s has photos %v, want before and after", c.Name(), session, ks)
			}
		}
		tl, _ := s.Timeline(ctx, clientID)
		counted := 0
		for _, e := range tl {
			counted += e.Photos
		}
		if counted != len(list) {
			t.Errorf("%s: timeline counts %d photos, gallery lists %d", c.Name(), counted, len(list))
		}
	}
	if pins == 0 {
		t.Error("no demo photo has a pinned note")
	}

	// The bytes are what an import would store: a full-size original, its preview, a thumbnail.
	p := photos[slices.Sorted(maps.Keys(photos))[0]][0]
	orig, err := s.PhotoOriginal(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	preview, _ := s.PhotoPreview(ctx, p.ID)
	img, err := jpeg.Decode(bytes.NewReader(orig))
	if err != nil || img.Bounds().Dx() != p.Width || img.Bounds().Dy() != p.Height || p.Width < 1600 {
		t.Fatalf("original of %s: %v, %v; record says %dx%d", p.FileName, img.Bounds(), err, p.Width, p.Height)
	}
	if !bytes.Equal(preview, orig) || len(orig) < 50_000 {
		t.Errorf("preview is %d bytes, original %d", len(preview), len(orig))
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(p.Thumbnail)); err != nil || cfg.Width != photo.ThumbnailSide {
		t.Errorf("thumbnail: %+v, %v", cfg, err)
	}
	// Processing the original as an import does agrees with what is stored.
	processed, err := photo.Process(orig)
	if err != nil || processed.Info.SHA256 != p.SHA256 || processed.Info.Width != p.Width {
		t.Errorf("processing the demo original: %+v, %v; stored %s %dx%d", processed.Info, err, p.SHA256, p.Width, p.Height)
	}
}

func TestGeneratePhotosSameSeedSamePhotos(t *testing.T) {
	t.Parallel()
	hashes := func(seed int64) []string {
		_, _, photos := demoPhotos(t, demo.Options{Clients: 10, Sessions: 25, Seed: seed})
		if len(photos) != 2 {
			t.Errorf("by default %d of 10 clients have photos, want 2", len(photos))
		}
		var out []string
		for _, list := range photos {
			for _, p := range list {
				out = append(out, p.SHA256)
			}
		}
		slices.Sort(out)
		return out
	}
	a, b := hashes(5), hashes(5)
	if len(a) == 0 || !slices.Equal(a, b) {
		t.Errorf("same seed: %d and %d photos, equal %v", len(a), len(b), slices.Equal(a, b))
	}
	if _, res, photos := demoPhotos(t, demo.Options{Clients: 10, Sessions: 25, Seed: 5, PhotoClients: -1}); res.Photos != 0 || len(photos) != 0 {
		t.Errorf("photos turned off, yet %d were written", res.Photos)
	}
}
