package demo_test

import (
	"context"
	"testing"
	"time"

	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/data/photo"
)

// Full-size demo photos are what a phone writes: 12 MP, 3–4 MB, dated in EXIF at the time the
// demo files them under; and Photos makes exactly that many.
func TestGenerateFullSizePhotos(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, res, photos := demoPhotos(t, demo.Options{Clients: 10, Sessions: 30, Seed: 3, Photos: 2, FullSize: true})
	if res.Photos != 2 {
		t.Fatalf("%d photos made, want 2", res.Photos)
	}
	seen := map[string]bool{}
	for _, list := range photos {
		for _, th := range list {
			b, err := s.PhotoOriginal(ctx, th.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) < 3<<20 || len(b) > 4<<20 {
				t.Errorf("photo %s holds %.2f MB, want 3–4 MB", th.ID, float64(len(b))/(1<<20))
			}
			p, err := photo.Process(b)
			if err != nil {
				t.Fatalf("photo %s: %v", th.ID, err)
			}
			if p.Info.Width != 4000 || p.Info.Height != 3000 {
				t.Errorf("photo %s is %d × %d, want 4000 × 3000", th.ID, p.Info.Width, p.Info.Height)
			}
			// EXIF has no zone: the phone's clock is read as local time.
			want := th.TakenAt.In(time.Local).Format("2006-01-02 15:04:05")
			if got := p.Info.TakenAt.Format("2006-01-02 15:04:05"); got != want {
				t.Errorf("photo %s says it was taken %s in EXIF, filed at %s", th.ID, got, want)
			}
			seen[p.Info.SHA256] = true
		}
	}
	if len(seen) != 2 {
		t.Errorf("%d different originals among 2 photos", len(seen))
	}
}
