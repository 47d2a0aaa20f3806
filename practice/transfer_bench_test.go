package practice_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/transfer"
)

// The sizes the bundles are measured at: a laptop's busy week (200 sessions with 600 photos as a
// phone takes them, 12 MP), and the first bundle of a large practice (100,000 sessions of 20,000
// clients over ten years, without photos), which a laptop takes once.
var (
	weekDemo  = demo.Options{Clients: 60, Sessions: 200, Seed: 11, Photos: 600, FullSize: true}
	largeDemo = demo.Options{Clients: 20_000, Sessions: 100_000, Seed: 7, Years: 10, PhotoClients: -1}
)

// BenchmarkTransferWeek makes and applies the bundle of a week on the road.
func BenchmarkTransferWeek(b *testing.B) { benchTransfer(b, weekDemo) }

// BenchmarkTransferFirstBundle makes and applies the first bundle of a large practice.
func BenchmarkTransferFirstBundle(b *testing.B) { benchTransfer(b, largeDemo) }

// benchTransfer times making a bundle of everything in a copy of the demo practice (each time
// a fresh copy, as its first bundle), a backup of the same copy (the floor), and applying the
// bundle to a new practice file. It reports the bundle's size.
func benchTransfer(b *testing.B, o demo.Options) {
	ctx := context.Background()
	src := sqlitetest.DemoFile(b, o)
	lock := transfer.Lock{Passphrase: bundlePass}
	out := b.TempDir()
	bundle := filepath.Join(out, "first.nlbundle")
	var size int64
	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s := openCopy(b, sqlitetest.CopyDemo(b, src))
			os.Remove(bundle)
			b.StartTimer()
			if _, err := practice.MakeBundle(ctx, s, bundle, practice.BundleOptions{Lock: lock, Full: true, DeviceName: "Clinic PC"}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Close()
			info, err := os.Stat(bundle)
			if err != nil {
				b.Fatal(err)
			}
			size = info.Size()
			b.StartTimer()
		}
		b.ReportMetric(float64(size), "bundle-B")
	})
	// The floor: a checked backup of the same copy (a snapshot of the database, every photo file
	// copied), what a practice pays for its records and photos to leave the computer whole.
	b.Run("floor-backup", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s := openCopy(b, sqlitetest.CopyDemo(b, src))
			dir := filepath.Join(b.TempDir(), "backups")
			b.StartTimer()
			if _, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Close()
			b.StartTimer()
		}
	})
	keep := bundle
	b.Run("import", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s := openCopy(b, filepath.Join(b.TempDir(), "laptop.db"))
			b.StartTimer()
			if _, err := practice.ApplyBundle(ctx, s, keep, practice.ApplyOptions{Unlock: transfer.Unlock{Passphrase: bundlePass}, New: true, DeviceName: "Anna's laptop"}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Close()
			b.StartTimer()
		}
	})
}

func openCopy(b *testing.B, path string) *sqlite.Store {
	b.Helper()
	_, err := os.Stat(path)
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: os.IsNotExist(err)})
	if err != nil {
		b.Fatal(err)
	}
	return s
}
