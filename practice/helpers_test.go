package practice_test

import (
	"context"
	"database/sql"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// testNow is a fixed "now" for tests: a Tuesday afternoon.
var testNow = time.Date(2026, 3, 10, 14, 30, 0, 0, time.UTC)

// openTemp creates a new database file in the test's temporary folder.
func openTemp(t testing.TB) (*sqlite.Store, *clock) {
	t.Helper()
	c := &clock{t: testNow}
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true, Now: c.now})
	if err != nil {
		t.Fatalf("open new database: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

func mustCreateClient(t testing.TB, s *sqlite.Store, first, last string) data.Client {
	t.Helper()
	c := data.Client{FirstName: first, LastName: last}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatalf("create client %s %s: %v", first, last, err)
	}
	return c
}

// storedSession is validSession with references to the store's own default device, cartridge and
// products, ready to save.
func storedSession(t testing.TB, s *sqlite.Store, clientID string) data.Session {
	t.Helper()
	ctx := context.Background()
	devices, err := s.Devices(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	cartridges, err := s.Cartridges(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	anaesthetics, err := s.Products(ctx, data.ProductKindAnaesthetic, false)
	if err != nil || len(anaesthetics) == 0 {
		t.Fatalf("anaesthetics: %v %v", anaesthetics, err)
	}
	serums, err := s.Products(ctx, "Hyaluronic acid", false)
	if err != nil || len(serums) == 0 {
		t.Fatalf("serums: %v %v", serums, err)
	}
	se := validSession(clientID)
	se.DeviceID = devices[0].ID
	se.Cartridge.CartridgeID = cartridges[0].ID
	se.Anaesthetic.ProductID = anaesthetics[0].ID
	se.Products = []data.ProductUse{
		{ProductID: serums[0].ID, Lot: "HA-2291", Expiry: data.NewDate(2027, 6, 30), Phase: data.PhaseDuring, Amount: "2 ml"},
		{ProductID: serums[0].ID, Lot: "HA-2291", Phase: data.PhaseAfter, Amount: "1 ml"},
	}
	return se
}

// validSession is a complete, valid session for a client, an hour before testNow. Its product and
// cartridge IDs are placeholders: storedSession swaps in real ones.
func validSession(clientID string) data.Session {
	return data.Session{
		ClientID: clientID, StartedAt: testNow.Add(-time.Hour), SeriesN: 2, SeriesOf: 4, IntervalDays: 28,
		Concerns: []string{"Acne scars"}, Modality: "None",
		Anaesthetic: data.Anaesthetic{ProductID: "anaesthetic", Lot: "LA-221", Minutes: 25},
		Cartridge:   data.CartridgeUse{CartridgeID: "cartridge", Lot: "C-9931", Expiry: data.NewDate(2027, 1, 31)},
		Zones: []data.ZoneTreatment{
			{Zone: "Cheeks", DepthMM: 1.5, Speed: 4, Passes: 4, Pattern: "Stamping", Endpoint: "Pinpoint bleeding"},
			{Zone: "Forehead", DepthMM: 0.5, Speed: 4, Passes: 3, Endpoint: "Uniform erythema"},
		},
		SideEffects: []data.SideEffect{{Kind: "Erythema", Severity: data.SeverityMild, DuringSession: true}},
		PainScore:   data.Optional[int]{V: 3, Valid: true}, Aftercare: []string{"Stay hydrated"}, AftercareSheet: "1",
		PriceCents: data.Optional[int64]{V: 35000, Valid: true}, NextDue: data.NewDate(2026, 4, 7),
	}
}

// rawExec changes a database file behind the store's back, as another program or a damaged
// copy would.
func rawExec(t testing.TB, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// exportPractice is two practitioners' sessions on three days, and a client never treated.
type exportPractice struct {
	lee, kim               data.Practitioner
	ana, boris, never      data.Client
	march1, march5, march9 data.Session
}

func newExportPractice(t *testing.T, s *sqlite.Store) exportPractice {
	t.Helper()
	ctx := context.Background()
	var p exportPractice
	p.lee = data.Practitioner{Name: "Dr Lee"}
	p.kim = data.Practitioner{Name: "Kim Ødegård"}
	for _, pr := range []*data.Practitioner{&p.lee, &p.kim} {
		if err := s.SavePractitioner(ctx, pr); err != nil {
			t.Fatal(err)
		}
	}
	p.ana = data.Client{FirstName: "Ana", LastName: "Núñez", DateOfBirth: data.NewDate(1990, 4, 2), Phone: "+34 600 123 456",
		Allergies: []string{"Lidocaine", "Nickel"}, Fitzpatrick: 4,
		History: []data.HistoryEntry{{Condition: "Isotretinoin", Since: data.NewDate(2024, 1, 10), Until: data.NewDate(2024, 7, 1)}}}
	p.boris = data.Client{FirstName: "Борис", LastName: "Петров"}
	p.never = data.Client{FirstName: "Never", LastName: "Treated"}
	for _, c := range []*data.Client{&p.ana, &p.boris, &p.never} {
		if err := s.CreateClient(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	at := func(day int) time.Time { return time.Date(2026, 3, day, 10, 0, 0, 0, time.Local) }
	treat := func(c data.Client, pr data.Practitioner, day int) data.Session {
		se := storedSession(t, s, c.ID)
		se.PractitionerID = pr.ID
		se.StartedAt = at(day)
		se.NextDue = data.DateOf(at(day)).AddDays(28)
		se.SideEffects[0].Onset = data.DateOf(at(day))
		if err := s.CreateSession(ctx, &se); err != nil {
			t.Fatal(err)
		}
		return se
	}
	p.march1 = treat(p.ana, p.lee, 1)
	p.march5 = treat(p.boris, p.kim, 5)
	p.march9 = treat(p.ana, p.kim, 9)
	return p
}

const (
	unprivilegedChildBody = "unprivileged"
	unprivilegedDirEnv    = "NEEDLELOG_UNPRIVILEGED_DIR"
	nobodyID              = 65534 // nobody and nogroup (or nobody) on Linux
)

// asUnprivileged runs body as a user whom file permissions bind, with a folder of its own to work
// in: in this process when it is not root's, otherwise in a child process running as nobody.
// testName is the calling test's name, which the child runs.
func asUnprivileged(t *testing.T, testName string, body func(t *testing.T, dir string)) {
	t.Helper()
	if childBody() == unprivilegedChildBody {
		childReport(t, "user", os.Geteuid())
		body(t, os.Getenv(unprivilegedDirEnv))
		childReport(t, childDone, nil)
		return
	}
	if os.Geteuid() != 0 {
		body(t, t.TempDir())
		return
	}
	// t.TempDir() sits in a folder only root may enter: nobody gets a folder of its own in one
	// anyone may enter, with a copy of the test binary it may run.
	top, err := os.MkdirTemp("", "needlelog-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	binCopy := filepath.Join(top, filepath.Base(exe))
	if err := copyFile(exe, binCopy, 0o755); err != nil {
		t.Fatalf("copy the test binary for nobody: %v", err)
	}
	dir := filepath.Join(top, "work")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, nobodyID, nobodyID); err != nil {
		t.Fatal(err)
	}
	cmd := childCommand(t, binCopy, testName, unprivilegedChildBody, unprivilegedDirEnv+"="+dir)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyID, Gid: nobodyID, NoSetGroups: true}}
	lines := runChild(t, cmd)
	var uid int
	if len(lines) == 0 || lines[0].Kind != "user" {
		t.Fatalf("the child did not say which user it ran as: %v", lines)
	}
	decodeChild(t, lines[0], &uid)
	if uid != nobodyID {
		t.Fatalf("the child ran as user %d, not as nobody (%d)", uid, nobodyID)
	}
}

func copyFile(from, to string, mode fs.FileMode) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
