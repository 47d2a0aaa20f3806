package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// exported is what ExportRows gave: per table, its column names and rows.
type exported struct {
	columns map[string][]string
	rows    map[string][][]any
	order   []string
}

func exportAll(t *testing.T, s *sqlite.Store, q sqlite.ExportQuery) exported {
	t.Helper()
	out := exported{columns: map[string][]string{}, rows: map[string][][]any{}}
	err := s.ExportRows(context.Background(), q, func(tb *sqlite.ExportTable) error {
		out.order = append(out.order, tb.Name)
		for _, c := range tb.Columns {
			out.columns[tb.Name] = append(out.columns[tb.Name], c.Name)
		}
		for tb.Next() {
			out.rows[tb.Name] = append(out.rows[tb.Name], slices.Clone(tb.Row()))
		}
		return tb.Err()
	})
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return out
}

// cell returns the value of the named column in a row of a table.
func (e exported) cell(t *testing.T, table string, row int, column string) any {
	t.Helper()
	i := slices.Index(e.columns[table], column)
	if i < 0 {
		t.Fatalf("table %s has no column %s: %v", table, column, e.columns[table])
	}
	if row >= len(e.rows[table]) {
		t.Fatalf("table %s has %d rows, want row %d", table, len(e.rows[table]), row)
	}
	return e.rows[table][row][i]
}

func TestExportRowsTablesAndValues(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	p := testkit.NewExportPractice(t, s)
	e := exportAll(t, s, sqlite.ExportQuery{})

	if !slices.Equal(e.order, sqlite.ExportTables) {
		t.Fatalf("tables %v, want %v", e.order, sqlite.ExportTables)
	}
	if n := len(e.rows[sqlite.ExportSessions]); n != 3 {
		t.Fatalf("%d sessions, want 3", n)
	}
	if n := len(e.rows[sqlite.ExportZones]); n != 6 {
		t.Errorf("%d zone rows, want 6", n)
	}
	if n := len(e.rows[sqlite.ExportProductsApplied]); n != 6 {
		t.Errorf("%d product rows, want 6", n)
	}
	if n := len(e.rows[sqlite.ExportSideEffects]); n != 3 {
		t.Errorf("%d side effects, want 3", n)
	}
	if n := len(e.rows[sqlite.ExportClients]); n != 3 {
		t.Errorf("%d clients, want all 3, the one never treated too", n)
	}

	// Oldest session first, with names instead of IDs and typed values.
	if got := e.cell(t, "sessions", 0, "session_id"); got != p.March1.ID {
		t.Errorf("first session %v, want the one of March 1", got)
	}
	if got := e.cell(t, "sessions", 0, "client"); got != "Ana Núñez" {
		t.Errorf("client %q", got)
	}
	if got := e.cell(t, "sessions", 0, "practitioner"); got != "Dr Lee" {
		t.Errorf("practitioner %q", got)
	}
	if got, ok := e.cell(t, "sessions", 0, "started_at").(time.Time); !ok || !got.Equal(p.March1.StartedAt) {
		t.Errorf("started_at %v, want the time %v", got, p.March1.StartedAt)
	}
	if got := e.cell(t, "sessions", 0, "next_due"); got != data.NewDate(2026, 3, 29) {
		t.Errorf("next_due %v, want the Date 2026-03-29", got)
	}
	if got := e.cell(t, "sessions", 0, "price"); got != 350.0 {
		t.Errorf("price %v (%T), want 350.0", got, got)
	}
	if got := e.cell(t, "sessions", 0, "pain_score"); got != int64(3) {
		t.Errorf("pain_score %v (%T), want 3", got, got)
	}
	if got := e.cell(t, "sessions", 0, "deepest_mm"); got != 1.5 {
		t.Errorf("deepest_mm %v, want 1.5", got)
	}
	if got := e.cell(t, "sessions", 0, "concerns"); got != "Acne scars" {
		t.Errorf("concerns %q", got)
	}
	if got := e.cell(t, "sessions", 0, "cartridge_expiry"); got != data.NewDate(2027, 1, 31) {
		t.Errorf("cartridge_expiry %v", got)
	}
	if got := e.cell(t, "sessions", 0, "signed_at"); got != (time.Time{}) {
		t.Errorf("an unsigned session's signed_at is %v, want the zero time", got)
	}
	if got := e.cell(t, "zones", 0, "zone"); got != "Cheeks" {
		t.Errorf("first zone %q, want Cheeks (the grid's order)", got)
	}
	if got := e.cell(t, "zones", 0, "depth_mm"); got != 1.5 {
		t.Errorf("depth %v", got)
	}
	if got := e.cell(t, "zones", 0, "passes"); got != int64(4) {
		t.Errorf("passes %v (%T)", got, got)
	}
	if got := e.cell(t, "products_applied", 0, "expiry"); got != data.NewDate(2027, 6, 30) {
		t.Errorf("product expiry %v", got)
	}
	if got := e.cell(t, "products_applied", 0, "phase"); got != "during" {
		t.Errorf("phase %v", got)
	}
	if got := e.cell(t, "side_effects", 0, "onset"); got != data.NewDate(2026, 3, 1) {
		t.Errorf("onset %v", got)
	}
	if got := e.cell(t, "side_effects", 0, "during_session"); got != "yes" {
		t.Errorf("during_session %v", got)
	}

	// Clients by name: Núñez, Treated, Петров.
	names := []any{}
	for i := range e.rows["clients"] {
		names = append(names, e.cell(t, "clients", i, "last_name"))
	}
	if !slices.Equal(names, []any{"Núñez", "Treated", "Петров"}) {
		t.Errorf("clients in order %v", names)
	}
	if got := e.cell(t, "clients", 0, "date_of_birth"); got != data.NewDate(1990, 4, 2) {
		t.Errorf("date_of_birth %v", got)
	}
	if got := e.cell(t, "clients", 0, "allergies"); got != "Lidocaine; Nickel" {
		t.Errorf("allergies %q", got)
	}
	if got := e.cell(t, "clients", 0, "fitzpatrick"); got != int64(4) {
		t.Errorf("fitzpatrick %v", got)
	}
	if got := e.cell(t, "clients", 1, "fitzpatrick"); got != nil {
		t.Errorf("an unrecorded Fitzpatrick type is %v, want nil", got)
	}
	if got := e.cell(t, "clients", 0, "medical_history"); got != "Isotretinoin (2024-01-10 to 2024-07-01)" {
		t.Errorf("medical_history %q", got)
	}
	if got, ok := e.cell(t, "clients", 0, "last_session").(time.Time); !ok || !got.Equal(p.March9.StartedAt) {
		t.Errorf("last_session %v", got)
	}

	// Every value has its column's kind.
	for table, rows := range e.rows {
		var cols []sqlite.ExportColumn
		s.ExportRows(context.Background(), sqlite.ExportQuery{Tables: []string{table}}, func(tb *sqlite.ExportTable) error {
			cols = tb.Columns
			return nil
		})
		for _, row := range rows {
			for i, v := range row {
				ok := false
				switch cols[i].Kind {
				case sqlite.ColumnText:
					_, ok = v.(string)
				case sqlite.ColumnNumber:
					switch v.(type) {
					case nil, int64, float64:
						ok = true
					}
				case sqlite.ColumnDate:
					_, ok = v.(data.Date)
				case sqlite.ColumnTime:
					_, ok = v.(time.Time)
				}
				if !ok {
					t.Errorf("%s.%s holds %T %v", table, cols[i].Name, v, v)
				}
			}
		}
	}
}

func TestExportRowsFilters(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	p := testkit.NewExportPractice(t, s)

	e := exportAll(t, s, sqlite.ExportQuery{From: data.NewDate(2026, 3, 5), To: data.NewDate(2026, 3, 9)})
	var ids []any
	for i := range e.rows["sessions"] {
		ids = append(ids, e.cell(t, "sessions", i, "session_id"))
	}
	if !slices.Equal(ids, []any{p.March5.ID, p.March9.ID}) {
		t.Errorf("March 5 to 9 gave sessions %v, want both days included", ids)
	}
	if n := len(e.rows["zones"]); n != 4 {
		t.Errorf("%d zone rows, want the 4 of the two sessions", n)
	}
	if n := len(e.rows["clients"]); n != 2 {
		t.Errorf("%d clients, want the 2 treated in the period", n)
	}

	e = exportAll(t, s, sqlite.ExportQuery{PractitionerID: p.Lee.ID})
	if n := len(e.rows["sessions"]); n != 1 || e.cell(t, "sessions", 0, "session_id") != p.March1.ID {
		t.Errorf("Dr Lee's sessions: %v", e.rows["sessions"])
	}
	if n := len(e.rows["side_effects"]); n != 1 {
		t.Errorf("%d side effects, want Dr Lee's session's one", n)
	}
	if n := len(e.rows["clients"]); n != 1 || e.cell(t, "clients", 0, "client_id") != p.Ana.ID {
		t.Errorf("Dr Lee's clients: %v", e.rows["clients"])
	}

	e = exportAll(t, s, sqlite.ExportQuery{PractitionerID: p.Kim.ID, To: data.NewDate(2026, 3, 8)})
	if n := len(e.rows["sessions"]); n != 1 || e.cell(t, "sessions", 0, "session_id") != p.March5.ID {
		t.Errorf("Kim's sessions up to March 8: %v", e.rows["sessions"])
	}

	e = exportAll(t, s, sqlite.ExportQuery{Tables: []string{sqlite.ExportClients, sqlite.ExportZones}})
	if !slices.Equal(e.order, []string{sqlite.ExportZones, sqlite.ExportClients}) {
		t.Errorf("chosen tables came as %v", e.order)
	}

	ctx := context.Background()
	noop := func(*sqlite.ExportTable) error { return nil }
	if err := s.ExportRows(ctx, sqlite.ExportQuery{Tables: []string{"photos"}}, noop); err == nil {
		t.Error("an unknown table was accepted")
	}
	if err := s.ExportRows(ctx, sqlite.ExportQuery{From: data.NewDate(2026, 3, 9), To: data.NewDate(2026, 3, 1)}, noop); err == nil {
		t.Error("a period ending before it starts was accepted")
	}
	stop := errors.New("stop")
	if err := s.ExportRows(ctx, sqlite.ExportQuery{}, func(*sqlite.ExportTable) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("the callback's error came back as %v", err)
	}
}

// An export reads one state of the records: a session saved while it runs appears in none of its
// tables, and the save does not wait for the export to end.
func TestExportRowsIsOneSnapshot(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	p := testkit.NewExportPractice(t, s)
	ctx := context.Background()
	var late data.Session
	counts := map[string]int{}
	err := s.ExportRows(ctx, sqlite.ExportQuery{}, func(tb *sqlite.ExportTable) error {
		for tb.Next() {
			counts[tb.Name]++
			if tb.Name == sqlite.ExportSessions && late.ID == "" {
				late = testkit.StoredSession(t, s, p.Never.ID)
				late.StartedAt = time.Date(2026, 3, 2, 9, 0, 0, 0, time.Local)
				late.NextDue = data.Date{}
				late.SideEffects[0].Onset = data.NewDate(2026, 3, 2)
				saveCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
				err := s.CreateSession(saveCtx, &late)
				cancel()
				if err != nil {
					return err
				}
			}
		}
		return tb.Err()
	})
	if err != nil {
		t.Fatalf("export with a save during it: %v", err)
	}
	want := map[string]int{"sessions": 3, "zones": 6, "products_applied": 6, "side_effects": 3, "clients": 3}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("%s: %d rows, want %d as before the save", k, counts[k], v)
		}
	}
	if _, err := s.Session(ctx, late.ID); err != nil {
		t.Errorf("the session saved during the export is not there: %v", err)
	}
	e := exportAll(t, s, sqlite.ExportQuery{})
	if n := len(e.rows["sessions"]); n != 4 {
		t.Errorf("the next export has %d sessions, want 4", n)
	}
}

func TestExportRowsCancelled(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	testkit.NewExportPractice(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	err := s.ExportRows(ctx, sqlite.ExportQuery{}, func(tb *sqlite.ExportTable) error {
		cancel()
		for tb.Next() {
		}
		return tb.Err()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled export returned %v", err)
	}
}

// BenchmarkExportRows100kSessions reads every table of a practice of 100,000 sessions:
// go test ./data/ -run '^$' -bench ExportRows100k -benchtime 1x
func BenchmarkExportRows100kSessions(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "practice.db"), sqlite.Options{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := demo.Generate(ctx, s, demo.Options{Clients: 20_000, Sessions: 100_000, Seed: 1, PhotoClients: -1}); err != nil {
		b.Fatal(err)
	}
	rows := 0
	for b.Loop() {
		rows = 0
		err := s.ExportRows(ctx, sqlite.ExportQuery{}, func(t *sqlite.ExportTable) error {
			for t.Next() {
				rows++
			}
			return t.Err()
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows), "rows")
}

// TestExportRowsSameStartOrder: sessions that started at the same minute come out ordered by
// their IDs, whatever order they were saved in, and every table lists them in that order, so an
// export reads the same from the practice, from a restored backup and from a server.
func TestExportRowsSameStartOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Zoë", "Ångström")
	ids := []string{"0190a000-0000-7000-8000-000000000003", "0190a000-0000-7000-8000-000000000001",
		"0190a000-0000-7000-8000-000000000002"}
	for _, id := range ids { // saved highest ID first
		se := testkit.StoredSession(t, s, c.ID)
		se.ID = id
		if err := s.CreateSession(ctx, &se); err != nil {
			t.Fatal(err)
		}
	}
	want := slices.Sorted(slices.Values(ids))
	e := exportAll(t, s, sqlite.ExportQuery{})
	for _, table := range []string{sqlite.ExportSessions, sqlite.ExportZones, sqlite.ExportProductsApplied} {
		var got []string
		for i := range e.rows[table] {
			if id := e.cell(t, table, i, "session_id").(string); len(got) == 0 || got[len(got)-1] != id {
				got = append(got, id)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s lists the sessions as %v, want %v", table, got, want)
		}
	}
}
