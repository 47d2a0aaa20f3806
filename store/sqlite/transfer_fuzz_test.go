package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/store/sqlstore"
	"needlelog.app/needlelog/transfer"
)

// FuzzApplyBundle applies any bytes as a bundle's contents (what decryption gives) to a practice:
// applying never panics or hangs, and a bundle refused leaves the practice as it was (its audit
// log's head, which every change moves, unchanged). The seeds are a real bundle of a small
// practice, cut and changed in the ways a stick or a mail can; the corpus grows in
// testdata/fuzz/FuzzApplyBundle.
func FuzzApplyBundle(f *testing.F) {
	ctx := context.Background()
	src := sqlitetest.OpenStoreAt(f, filepath.Join(f.TempDir(), "clinic.db"), nil)
	// Small, so that the fuzzer's mutations reach every part: a few clients and sessions, signed
	// and not, one amended; photos are seeded by their own tests (FuzzImportPhoto).
	if _, err := demo.Generate(ctx, src, demo.Options{Clients: 2, Sessions: 5, Seed: 1, PhotoClients: -1}); err != nil {
		f.Fatal(err)
	}
	var plain bytes.Buffer
	if _, err := src.WriteBundle(ctx, &plain, sqlstore.BundleOptions{Schema: sqlite.SchemaVersion(), DeviceName: "Clinic PC", Full: true}); err != nil {
		f.Fatal(err)
	}
	good := plain.Bytes()
	f.Add(good)
	f.Add(good[:len(good)/2])
	for _, at := range []int{100, 600, len(good) / 3, len(good) - 600} {
		b := bytes.Clone(good)
		b[at] ^= 0x41
		f.Add(b)
	}
	f.Add([]byte{})

	// In memory where the system has a folder for it: every bundle applied is written and synced,
	// and a disk's sync is what would bound the fuzzing's pace.
	dir := f.TempDir()
	if shm, err := os.MkdirTemp("/dev/shm", "needlelog-fuzz-"); err == nil {
		f.Cleanup(func() { os.RemoveAll(shm) })
		dir = shm
	}
	target := sqlitetest.OpenStoreAt(f, filepath.Join(dir, "laptop.db"), nil)
	id, err := age.GenerateX25519Identity()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var enc bytes.Buffer
		w, err := age.Encrypt(&enc, id.Recipient())
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
		w.Close()
		before, err := target.AuditHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = target.ApplyBundle(ctx, &enc, transfer.Unlock{Identities: id.String()},
			sqlstore.ApplyOptions{Schema: sqlite.SchemaVersion(), New: true, DeviceName: "Anna's laptop"})
		if err == nil {
			return
		}
		if after, herr := target.AuditHead(ctx); herr != nil || after != before {
			t.Fatalf("a refused bundle (%v) changed the practice: head %v, then %v (%v)", err, before, after, herr)
		}
	})
}
