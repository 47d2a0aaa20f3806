package practice_test

import (
	"context"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/transfer"
)

const bundlePass = "carried on a stick to the clinic"

func init() { transfer.ScryptWorkFactor = 10 }

// newLaptop makes an empty practice file, as a laptop that takes the practice for the first time has.
func newLaptop(t *testing.T) *sqlite.Store {
	t.Helper()
	return sqlitetest.OpenStoreAt(t, filepath.Join(t.TempDir(), "laptop.db"), nil)
}

func TestTransferSmoke(t *testing.T) {
	ctx := context.Background()
	clinic, _ := sqlitetest.OpenStore(t)
	if _, err := demo.Generate(ctx, clinic, demo.Options{Clients: 12, Sessions: 40, Seed: 3, PhotoClients: 1}); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "week.nlbundle")
	res, err := practice.MakeBundle(ctx, clinic, bundle, practice.BundleOptions{Lock: transfer.Lock{Passphrase: bundlePass}, Full: true, DeviceName: "Clinic PC"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("made: %+v", res)
	laptop := newLaptop(t)
	got, err := practice.ApplyBundle(ctx, laptop, bundle, practice.ApplyOptions{Unlock: transfer.Unlock{Passphrase: bundlePass}, New: true, DeviceName: "Anna's laptop"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("applied: %+v", got)
	a, _ := clinic.Counts(ctx)
	b, _ := laptop.Counts(ctx)
	t.Logf("clinic %v\nlaptop %v", a, b)
	rep, err := laptop.Verify(ctx)
	t.Logf("verify laptop: %v %+v", err, rep.Breaks)
}
