package testkit_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func TestStoreFactoriesMakeValidRecords(t *testing.T) {
	t.Parallel()
	s, clk := sqlitetest.OpenStore(t)
	if got := clk.Now(); !got.Equal(testkit.Now) {
		t.Fatalf("the clock starts at %v, want %v", got, testkit.Now)
	}
	c := testkit.ValidClient()
	if err := c.Validate(testkit.Now); err != nil {
		t.Fatalf("ValidClient: %v", err)
	}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	se := testkit.CreateSession(t, s, c.ID, func(se *data.Session) { se.Notes = "Edited." })
	got, err := s.Session(context.Background(), se.ID)
	if err != nil || got.Notes != "Edited." || len(got.Zones) != 2 || len(got.Products) != 2 {
		t.Fatalf("saved session %+v, %v", got, err)
	}
	p := testkit.NewExportPractice(t, s)
	if p.March9.ClientID != p.Ana.ID || p.March5.PractitionerID != p.Kim.ID {
		t.Fatalf("export practice %+v", p)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	t.Parallel()
	_, err := sqlite.Open(context.Background(), sqlitetest.NewerSchema(t), sqlite.Options{})
	if !errors.Is(err, data.ErrNewerSchema) {
		t.Fatalf("opening a newer practice: %v, want ErrNewerSchema", err)
	}
}

func TestFlipByte(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte{1, 2, 3}, 0o600); err != nil {
		t.Fatal(err)
	}
	testkit.FlipByte(t, path, -1)
	testkit.FlipByte(t, path, 0)
	if b, _ := os.ReadFile(path); !bytes.Equal(b, []byte{0xFE, 2, 0xFC}) {
		t.Fatalf("after flipping: %v", b)
	}
}

// Tamper gets past the guard on signed records, and leaves the guard in place.
func TestTamperKeepsTheGuards(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Ana", "Núñez")
	path := s.Path()
	testkit.CreateSession(t, s, c.ID)
	s.Close()
	count := `SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'`
	var n0 int
	db := sqlitetest.OpenRaw(t, path)
	if err := db.QueryRow(count).Scan(&n0); err != nil || n0 == 0 {
		t.Fatalf("triggers: %d, %v", n0, err)
	}
	db.Close()
	sqlitetest.Tamper(t, path, `UPDATE audit_log SET action = 'x' WHERE rowid = 1`)
	db = sqlitetest.OpenRaw(t, path)
	defer db.Close()
	var n1 int
	if err := db.QueryRow(count).Scan(&n1); err != nil || n1 != n0 {
		t.Fatalf("triggers after tampering: %d, %v; want %d", n1, err, n0)
	}
}

// Each EXIF option is read back by the photo pipeline.
func TestEXIFOptionsAreRead(t *testing.T) {
	t.Parallel()
	jpg := phototest.WithEXIF(phototest.NoisyJPEG(t, 64, 48, 1, 16), phototest.EXIF{BigEndian: true, Orientation: 6,
		Make: "NeedleCam", Model: "One", Taken: "2024:05:17 14:03:09", Offset: "+02:00", GPS: phototest.Paris})
	if !photo.HasLocation(jpg) {
		t.Error("the GPS position is not seen")
	}
	p, err := photo.Process(jpg)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2024, 5, 17, 12, 3, 9, 0, time.UTC)
	if p.Info.Orientation != 6 || p.Info.Width != 48 || p.Info.Height != 64 || !p.Info.TakenAt.Equal(want) {
		t.Fatalf("read back %+v, want orientation 6, 48 × 64 upright, taken %v", p.Info, want)
	}
	if plain := phototest.NoisyJPEG(t, 64, 48, 1, 16); photo.HasLocation(plain) {
		t.Error("a JPEG without EXIF has a location")
	}
}
