package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// expPractice is a small demo practice plus clients whose names and notes try to break exports.
type expPractice struct {
	store    *sqlite.Store
	lee      data.Practitioner
	formula  data.Client // first name "=1+1"
	ana      data.Client // accents, a phone with a +
	eleni    data.Client // Greek
	session  data.Session
	counts   map[string]int // rows per table with no filter
	leeCount map[string]int // rows per table of Dr Lee's sessions
}

// expNow is the tests' fixed "now".
var expNow = time.Date(2026, 5, 20, 15, 0, 0, 0, time.Local)

func newExpPractice(t testing.TB, demoClients int) *expPractice {
	t.Helper()
	ctx := context.Background()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(expNow))
	p := &expPractice{store: s}
	if demoClients > 0 {
		if _, err := demo.Generate(ctx, s, demo.Options{Clients: demoClients, Seed: 7, PhotoClients: -1}); err != nil {
			t.Fatal(err)
		}
	}
	p.lee = data.Practitioner{Name: "Dr Lee"}
	if err := s.SavePractitioner(ctx, &p.lee); err != nil {
		t.Fatal(err)
	}
	p.formula = data.Client{FirstName: "=1+1", LastName: "Aardvark", Notes: "@SUM(A1:A9)", PhotoConsent: data.PhotoConsentClinical}
	p.ana = data.Client{FirstName: "Ana", LastName: "Núñez", DateOfBirth: data.NewDate(1990, 4, 2), Phone: "+34 600 123 456",
		PhotoConsent: data.PhotoConsentClinical}
	p.eleni = data.Client{FirstName: "Ελένη", LastName: "Παπαδοπούλου", PhotoConsent: data.PhotoConsentClinical}
	for _, c := range []*data.Client{&p.formula, &p.ana, &p.eleni} {
		if err := s.CreateClient(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	p.session = data.Session{ClientID: p.ana.ID, PractitionerID: p.lee.ID, StartedAt: time.Date(2026, 5, 17, 10, 30, 0, 0, time.Local),
		Zones: []data.ZoneTreatment{
			{Zone: "Cheeks", DepthMM: 1.25, Speed: 4, Passes: 4, Endpoint: "Pinpoint bleeding"},
			{Zone: "Forehead", DepthMM: 0.5, Passes: 3},
		},
		SideEffects: []data.SideEffect{{Kind: "Erythema", Severity: data.SeverityMild, DuringSession: true,
			Resolved: data.NewDate(2026, 5, 19), Notes: "-2+3 days"}},
		PainScore: data.Optional[int]{V: 3, Valid: true}, PriceCents: data.Optional[int64]{V: 35050, Valid: true},
		NextDue: data.NewDate(2026, 6, 14), Notes: "=HYPERLINK(\"http://x.example\",\"click\")"}
	if err := s.CreateSession(ctx, &p.session); err != nil {
		t.Fatal(err)
	}
	p.counts = expCounts(t, s, sqlite.ExportQuery{})
	p.leeCount = expCounts(t, s, sqlite.ExportQuery{PractitionerID: p.lee.ID})
	return p
}

// expCounts counts the rows of each table an export gives.
func expCounts(t testing.TB, s *sqlite.Store, q sqlite.ExportQuery) map[string]int {
	t.Helper()
	n := map[string]int{}
	err := s.ExportRows(context.Background(), q, func(tb *sqlite.ExportTable) error {
		n[tb.Name] = 0
		for tb.Next() {
			n[tb.Name]++
		}
		return tb.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// readCSV parses a CSV file written by the exports, checking its BOM.
func readCSV(t testing.TB, name string, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("%s does not start with a UTF-8 byte-order mark", name)
	}
	records, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return records
}

// csvRow finds the record whose column col holds want.
func csvRow(t testing.TB, records [][]string, col, want string) map[string]string {
	t.Helper()
	i := slices.Index(records[0], col)
	if i < 0 {
		t.Fatalf("no column %s in %v", col, records[0])
	}
	for _, r := range records[1:] {
		if r[i] == want {
			m := map[string]string{}
			for j, h := range records[0] {
				m[h] = r[j]
			}
			return m
		}
	}
	t.Fatalf("no row with %s = %q", col, want)
	return nil
}

func TestWriteCSV(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 8)
	files := map[string]*bytes.Buffer{}
	var order []string
	err := WriteCSV(context.Background(), p.store, sqlite.ExportQuery{}, func(name string) (io.Writer, error) {
		order = append(order, name)
		files[name] = &bytes.Buffer{}
		return files[name], nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"sessions.csv", "zones.csv", "products_applied.csv", "side_effects.csv", "results.csv", "clients.csv"}; !slices.Equal(order, want) {
		t.Fatalf("files %v, want %v", order, want)
	}
	for _, table := range sqlite.ExportTables {
		name := CSVFileName(table)
		records := readCSV(t, name, files[name].Bytes())
		if len(records)-1 != p.counts[table] {
			t.Errorf("%s has %d rows, want %d", name, len(records)-1, p.counts[table])
		}
		if !bytes.Contains(files[name].Bytes(), []byte("\r\n")) {
			t.Errorf("%s lines do not end in CRLF", name)
		}
	}
	clients := readCSV(t, "clients.csv", files["clients.csv"].Bytes())
	f := csvRow(t, clients, "client_id", p.formula.ID)
	if f["first_name"] != "'=1+1" || f["notes"] != "'@SUM(A1:A9)" {
		t.Errorf("formula-like text written as %q and %q", f["first_name"], f["notes"])
	}
	a := csvRow(t, clients, "client_id", p.ana.ID)
	if a["last_name"] != "Núñez" || a["date_of_birth"] != "1990-04-02" || a["phone"] != "'+34 600 123 456" {
		t.Errorf("Ana's row: %v", a)
	}
	if e := csvRow(t, clients, "client_id", p.eleni.ID); e["first_name"] != "Ελένη" {
		t.Errorf("Greek name written as %q", e["first_name"])
	}

	sessions := readCSV(t, "sessions.csv", files["sessions.csv"].Bytes())
	se := csvRow(t, sessions, "session_id", p.session.ID)
	for col, want := range map[string]string{
		"started_at": "2026-05-17 10:30:00", "price": "350.50", "pain_score": "3", "deepest_mm": "1.25",
		"next_due": "2026-06-14", "practitioner": "Dr Lee", "client": "Ana Núñez", "signed_at": "",
		"notes": `'=HYPERLINK("http://x.example","click")`, "series_of": "",
	} {
		if se[col] != want {
			t.Errorf("sessions.csv %s = %q, want %q", col, se[col], want)
		}
	}
	zones := readCSV(t, "zones.csv", files["zones.csv"].Bytes())
	z := csvRow(t, zones, "session_id", p.session.ID)
	if z["zone"] != "Cheeks" || z["depth_mm"] != "1.25" || z["speed"] != "4" || z["passes"] != "4" {
		t.Errorf("zones.csv row: %v", z)
	}
	effects := readCSV(t, "side_effects.csv", files["side_effects.csv"].Bytes())
	e := csvRow(t, effects, "session_id", p.session.ID)
	if e["notes"] != "'-2+3 days" || e["onset"] != "2026-05-17" || e["resolved"] != "2026-05-19" {
		t.Errorf("side_effects.csv row: %v", e)
	}
}

func TestWriteCSVFilters(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 8)
	var buf bytes.Buffer
	if err := WriteCSVZip(context.Background(), &buf, p.store, sqlite.ExportQuery{PractitionerID: p.lee.ID}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(sqlite.ExportTables) {
		t.Fatalf("the zip holds %d files", len(zr.File))
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		table := strings.TrimSuffix(f.Name, ".csv")
		if n := len(readCSV(t, f.Name, b)) - 1; n != p.leeCount[table] {
			t.Errorf("%s: %d rows, want Dr Lee's %d", f.Name, n, p.leeCount[table])
		}
	}
	if p.leeCount["sessions"] != 1 || p.leeCount["clients"] != 1 || p.counts["sessions"] <= 1 {
		t.Errorf("the practice is not what the test needs: %v of %v", p.leeCount, p.counts)
	}
}

func TestWriteCSVCancelled(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 8)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := WriteCSVZip(ctx, io.Discard, p.store, sqlite.ExportQuery{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled export returned %v", err)
	}
}

func TestCSVSafe(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":            "",
		"Anna":        "Anna",
		"=1+1":        "'=1+1",
		"+44 20 7946": "'+44 20 7946",
		"-5":          "'-5",
		"@cmd":        "'@cmd",
		"\tx":         "'\tx",
		"\rx":         "'\rx",
		"a=b":         "a=b",
		"'=1":         "'=1",
	} {
		if got := CSVSafe(in); got != want {
			t.Errorf("CSVSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkWriteCSV100kSessions: go test ./report/ -run '^$' -bench WriteCSV100k -benchtime 1x
func BenchmarkWriteCSV100kSessions(b *testing.B) {
	s := bigPractice(b)
	var size int64
	for b.Loop() {
		w := &countingWriter{}
		if err := WriteCSVZip(context.Background(), w, s, sqlite.ExportQuery{}); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size)/(1<<20), "MB")
}

// The clients.csv an export writes imports back as the same clients, formula-like text and
// phone numbers included; imported into the practice it came from, it adds no one.
func TestClientsCSVImportsBack(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 4)
	ctx := context.Background()
	var clients bytes.Buffer
	err := WriteCSV(ctx, p.store, sqlite.ExportQuery{Tables: []string{sqlite.ExportClients}}, func(string) (io.Writer, error) {
		return &clients, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := data.ReadClientCSV(bytes.NewReader(clients.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	m := data.GuessClientMapping(f.Header)
	if got := m[slices.Index(f.Header, "date_of_birth")]; got != data.FieldDateOfBirth {
		t.Fatalf("date_of_birth mapped to %q", got)
	}
	fresh, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "fresh.db"), sqlite.Options{Create: true, Now: func() time.Time { return expNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	res, err := fresh.ImportClients(ctx, f.Rows, m)
	if err != nil || res.Imported != p.counts[sqlite.ExportClients] || len(res.Failed) != 0 {
		t.Fatalf("import into a new practice: %+v %v", res, err)
	}
	list, err := fresh.ListClients(ctx, data.ClientQuery{Text: "Aardvark"})
	if err != nil || len(list) != 1 {
		t.Fatalf("%v %v", list, err)
	}
	got, _ := fresh.Client(ctx, list[0].ID)
	if got.FirstName != "=1+1" || got.Notes != "@SUM(A1:A9)" {
		t.Errorf("formula-like text came back as %q and %q", got.FirstName, got.Notes)
	}
	list, _ = fresh.ListClients(ctx, data.ClientQuery{Text: "Núñez"})
	if len(list) != 1 || list[0].Phone != "+34 600 123 456" || list[0].DateOfBirth != p.ana.DateOfBirth {
		t.Errorf("Ana Núñez came back as %+v", list)
	}

	again, err := p.store.ImportClients(ctx, f.Rows, m)
	if err != nil || again.Imported != 0 || again.Skipped != p.counts[sqlite.ExportClients] {
		t.Errorf("import into the practice it came from: %+v %v", again, err)
	}
}
