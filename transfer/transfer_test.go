package transfer_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"needlelog.app/needlelog/transfer"
)

func TestClockOrdersChangesAfterWhatItSaw(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	laptop := transfer.NewHLC("laptop", "")
	first := laptop.Next(at)
	if !first.Valid() || first.Device() != "laptop" || !first.Time().Equal(at) {
		t.Fatalf("first reading %q", first)
	}
	// The computer's clock goes back (set wrong, or synchronised): readings still go forward.
	second := laptop.Next(at.Add(-time.Hour))
	if !second.After(first) {
		t.Errorf("%q does not read after %q", second, first)
	}
	// A reading from a clinic whose clock is a day ahead: the laptop's next change reads after it.
	clinic := transfer.NewHLC("clinic", "").Next(at.Add(24 * time.Hour))
	laptop.Observe(clinic)
	third := laptop.Next(at.Add(time.Minute))
	if !third.After(clinic) || third.Device() != "laptop" {
		t.Errorf("after seeing %q, the laptop read %q", clinic, third)
	}
	// Same time and counter on two devices: the device tells them apart, and readings never equal.
	a, b := transfer.MakeClock(5, 0, "a"), transfer.MakeClock(5, 0, "b")
	if a == b || !b.After(a) {
		t.Errorf("%q and %q", a, b)
	}
	for _, bad := range []transfer.Clock{"", "12.3.x", "0000000000000005.000000.", "000000000000000x.000000.d", transfer.Clock(strings.Repeat("9", 30))} {
		if bad.Valid() {
			t.Errorf("%q reads as a clock", bad)
		}
	}
}

func TestKnowledge(t *testing.T) {
	k := transfer.Knowledge{}
	c1, c2 := transfer.MakeClock(10, 0, "a"), transfer.MakeClock(20, 0, "a")
	k.Add(c1)
	if !k.Knows(c1) || k.Knows(c2) || k.Knows(transfer.MakeClock(1, 0, "b")) {
		t.Errorf("knowledge %v", k)
	}
	k.Add(c2)
	o := transfer.Knowledge{"a": c1, "b": transfer.MakeClock(3, 0, "b")}
	if m := k.Meet(o); m["a"] != c1 || len(m) != 1 {
		t.Errorf("meet %v", m)
	}
}

// collect is a handler that keeps what a bundle holds.
type collect struct {
	h       *transfer.Header
	photos  map[string][]byte
	records []transfer.Record
	lines   []transfer.ChainLine
}

func (c *collect) Header(h *transfer.Header) error { c.h = h; return nil }
func (c *collect) Photo(sum string, b []byte) error {
	if c.photos == nil {
		c.photos = map[string][]byte{}
	}
	c.photos[sum] = b
	return nil
}
func (c *collect) Record(r *transfer.Record) error   { c.records = append(c.records, *r); return nil }
func (c *collect) Chain(l *transfer.ChainLine) error { c.lines = append(c.lines, *l); return nil }

const photoBytes = "not really a JPEG, but bytes all the same"
const photoSum = "5c8e9b4ba7e0b7c6ddfdc04e2faa7a7b6e1ab8c1f4b0bd4ce41cde5d0ae8b5a2"

func sampleHeader() transfer.Header {
	c := transfer.MakeClock(1_765_000_000_000, 0, "dev-a")
	return transfer.Header{Schema: 10, PracticeID: "practice-1", Device: "dev-a", DeviceName: "Anna's laptop",
		Head: transfer.Head{Seq: 1, Hash: "h1"}, Made: time.Date(2026, 12, 5, 17, 40, 0, 0, time.UTC), Clock: c,
		Knows: transfer.Knowledge{"dev-a": c}, Chains: map[string]int64{"dev-a": 1}}
}

// plainBundle writes a small bundle's plain stream.
func plainBundle(t *testing.T, photos map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := transfer.NewWriter(&b, sampleHeader())
	if err != nil {
		t.Fatal(err)
	}
	for sum, body := range photos {
		if err := w.Photo(sum, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	c := transfer.MakeClock(1_765_000_000_000, 0, "dev-a")
	for i := range 3 {
		if err := w.Record(&transfer.Record{Entity: "client", ID: "c" + string(rune('0'+i)), Clock: c,
			Fields: map[string]transfer.Field{"first_name": {V: []byte(`"Ann"`), C: c}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Chain(&transfer.ChainLine{Device: "dev-a", Entry: &transfer.ChainEntry{Seq: 1, Hash: "h1"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestBundleRoundTrip(t *testing.T) {
	sum := sha256Hex(photoBytes)
	plain := plainBundle(t, map[string]string{sum: photoBytes})
	var enc bytes.Buffer
	transfer.ScryptWorkFactor = 10
	w, err := transfer.Encrypt(&enc, transfer.Lock{Passphrase: "three words at least"})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	w.Close()
	var got collect
	digest, err := transfer.Read(bytes.NewReader(enc.Bytes()), transfer.Unlock{Passphrase: "three words at least"}, &got)
	if err != nil {
		t.Fatal(err)
	}
	if digest != sha256Hex(enc.String()) {
		t.Errorf("the bundle's sum %s is not that of its bytes", digest)
	}
	if got.h.DeviceName != "Anna's laptop" || len(got.records) != 3 || len(got.lines) != 1 || string(got.photos[sum]) != photoBytes {
		t.Errorf("read back: %+v", got)
	}
	// The wrong passphrase: refused as such.
	if _, err := transfer.Read(bytes.NewReader(enc.Bytes()), transfer.Unlock{Passphrase: "another passphrase"}, &collect{}); !errors.Is(err, transfer.ErrLocked) {
		t.Errorf("wrong passphrase: %v", err)
	}
	// Locked to a device's key, opened with its identity.
	id, _ := age.GenerateX25519Identity()
	var enc2 bytes.Buffer
	w, err = transfer.Encrypt(&enc2, transfer.Lock{Recipients: []string{id.Recipient().String()}})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	w.Close()
	if _, err := transfer.Read(&enc2, transfer.Unlock{Identities: id.String()}, &collect{}); err != nil {
		t.Errorf("open with the device's key: %v", err)
	}
}

// TestDamagedBundles: every way a bundle can arrive broken is refused as damaged, before its end
// is passed to the handler as good.
func TestDamagedBundles(t *testing.T) {
	good := plainBundle(t, map[string]string{sha256Hex(photoBytes): photoBytes})
	cases := map[string][]byte{
		"empty":                          nil,
		"cut off":                        good[:len(good)/2],
		"cut inside its end":             good[:len(good)-2000],
		"a photo named by another's sum": plainBundle(t, map[string]string{photoSum: photoBytes}),
		"not a tar":                      []byte("hello"),
	}
	cases["a byte changed in a record"] = func() []byte {
		b := bytes.Clone(good)
		i := bytes.LastIndex(b, []byte("records.jsonl.gz"))
		b[i-i%512+512+20] ^= 1 // inside the gzipped records: they do not unpack, or fail their checksum
		return b
	}()
	cases["an unknown part"] = tarOf(t, map[string]string{"header.json": `{}`, "evil.sh": "rm -rf /"})
	for name, b := range cases {
		err := transfer.ReadPlain(bytes.NewReader(b), &collect{})
		if !errors.Is(err, transfer.ErrDamaged) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A newer format is said as such.
	newer := tarOf(t, map[string]string{"header.json": `{"format": 99}`})
	if err := transfer.ReadPlain(bytes.NewReader(newer), &collect{}); err == nil || !strings.Contains(err.Error(), "newer Needlelog") {
		t.Errorf("a newer format: %v", err)
	}
}

func tarOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, name := range []string{"header.json", "evil.sh"} {
		body, ok := files[name]
		if !ok {
			continue
		}
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body))})
		tw.Write([]byte(body))
	}
	tw.Close()
	return b.Bytes()
}
