package practice_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// BenchmarkBackupWithPhotos backs up a practice with 20 photos of 2000×1500 (about 1 MB each; a
// phone's 12 MP are 3–4 MB: scripts/backup-figures measures those): a first backup into an empty
// folder, which copies every photo file, and an unchanged one, which copies none. It reports
// the bytes each writes and the photo files it copies.
func BenchmarkBackupWithPhotos(b *testing.B) {
	ctx := context.Background()
	s, clock := sqlitetest.OpenStore(b)
	c := data.Client{FirstName: "Nora", LastName: "Lens", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		b.Fatal(err)
	}
	for i := range 20 {
		jpg := phototest.NoisyJPEG(b, 2000, 1500, uint32(i+1), 24)
		testkit.MustImportPhoto(b, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, fmt.Sprintf("IMG_%04d.jpg", i+1), jpg, testkit.Now)
	}
	report := func(b *testing.B, last practice.Backup) {
		b.ReportMetric(float64(last.Written), "written-B/op")
		b.ReportMetric(float64(last.Photos.Copied), "photo-files/op")
	}
	b.Run("first", func(b *testing.B) {
		var last practice.Backup
		for b.Loop() {
			b.StopTimer()
			dir := filepath.Join(b.TempDir(), "backups")
			b.StartTimer()
			var err error
			if last, _, err = practice.BackupTo(ctx, s, dir, practice.DefaultRetention); err != nil {
				b.Fatal(err)
			}
		}
		report(b, last)
	})
	b.Run("unchanged", func(b *testing.B) {
		dir := filepath.Join(b.TempDir(), "backups")
		if _, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention); err != nil {
			b.Fatal(err)
		}
		var last practice.Backup
		for b.Loop() {
			clock.Advance(time.Second) // a name of its own
			var err error
			if last, _, err = practice.BackupTo(ctx, s, dir, practice.DefaultRetention); err != nil {
				b.Fatal(err)
			}
		}
		report(b, last)
	})
}
