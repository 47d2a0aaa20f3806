package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

var todayTests = []subtest{
	{"DueOverdueAndLooseEnds", todayLists},
	{"SetupProgress", todaySetupProgress},
	{"CountClients", todayCountClients},
}

var exportTests = []subtest{
	{"TablesInOrderAndFilters", exportTablesAndFilters},
	{"Results", exportResults},
}

var errorTests = []subtest{
	{"NotFound", errorsNotFound},
}

func todayLists(t *testing.T, s store.Store) {
	ctx := context.Background()
	now := s.Now()
	today := data.DateOf(now)
	anna := testkit.CreatePractitioner(t, s, "Anna Lind", "")
	// Each client's one session plans their next visit dueIn days from today.
	session := func(first string, dueIn int, by string) data.Session {
		c := testkit.CreateClient(t, s, first, "Client")
		se := storedSession(t, s, c.ID)
		se.NextDue = today.AddDays(dueIn)
		se.StartedAt = se.NextDue.AddDays(-28).Start().Add(10 * time.Hour)
		if se.StartedAt.After(now) {
			se.StartedAt = now.Add(-time.Hour)
		}
		se.PractitionerID = by
		se.SideEffects[0].Onset = data.DateOf(se.StartedAt)
		se.SideEffects[0].Resolved = data.DateOf(se.StartedAt).AddDays(2)
		must(t, s.CreateSession(ctx, &se))
		return se
	}
	session("Tomorrow", 1, "")
	session("Today", 0, anna.ID)
	session("NextWeek", 7, "")
	yesterday := session("Yesterday", -1, "")
	session("LastWeek", -6, anna.ID)
	draft := data.Draft{ClientID: yesterday.ClientID, SessionID: yesterday.ID, Form: []byte(`{}`)}
	must(t, s.SaveDraft(ctx, &draft))

	got, err := s.Today(ctx, anna.ID, 0)
	must(t, err)
	names := func(cs []data.ClientSummary) (out []string) {
		for _, c := range cs {
			out = append(out, c.FirstName)
		}
		return out
	}
	if g := names(got.Due); !slices.Equal(g, []string{"Today", "Tomorrow"}) || got.DueCount != 2 {
		t.Errorf("due this week %v (%d), want Today, Tomorrow", g, got.DueCount)
	}
	if g := names(got.Overdue); !slices.Equal(g, []string{"Yesterday", "LastWeek"}) || got.OverdueCount != 2 {
		t.Errorf("overdue %v (%d), want the most recently overdue first", g, got.OverdueCount)
	}
	if got.UnsignedCount != 5 || len(got.Unsigned) != 5 || got.Unsigned[0].PractitionerName != "Anna Lind" {
		t.Errorf("unsigned %+v (%d), want Anna's first of 5", got.Unsigned, got.UnsignedCount)
	}
	if got.DraftCount != 1 || len(got.Drafts) != 1 || got.Drafts[0].DraftID != draft.ID ||
		got.Drafts[0].SessionID != yesterday.ID || got.Drafts[0].ClientName != "Yesterday Client" {
		t.Errorf("open drafts %+v (%d)", got.Drafts, got.DraftCount)
	}
	capped, err := s.Today(ctx, "", 1)
	must(t, err)
	if len(capped.Overdue) != 1 || capped.OverdueCount != 2 || len(capped.Unsigned) != 1 || capped.UnsignedCount != 5 {
		t.Errorf("capped at 1: %d of %d overdue, %d of %d unsigned", len(capped.Overdue), capped.OverdueCount,
			len(capped.Unsigned), capped.UnsignedCount)
	}
}

func todaySetupProgress(t *testing.T, s store.Store) {
	ctx := context.Background()
	p, err := s.SetupProgress(ctx)
	if err != nil || p != (data.SetupProgress{}) {
		t.Fatalf("a new practice's setup %+v (%v), want nothing done", p, err)
	}
	must(t, s.SetSetting(ctx, data.SettingClinicName, "Skin Studio"))
	pr := testkit.CreatePractitioner(t, s, "Anna Lind", "")
	devices, _ := s.Devices(ctx, false)
	devices[0].Model = "Dr. Pen M8"
	must(t, s.SaveDevice(ctx, &devices[0]))
	p, err = s.SetupProgress(ctx)
	if err != nil || !p.Clinic || !p.Practitioner || p.Passphrase || !p.Device || p.Product || p.Done() {
		t.Fatalf("after clinic, practitioner and device: %+v (%v)", p, err)
	}
	must(t, s.SetPassphrase(ctx, pr.ID, "", "correct horse battery"))
	prod := data.Product{Name: "Our HA serum", Kind: "Hyaluronic acid", NeedledSkinOK: true}
	must(t, s.SaveProduct(ctx, &prod))
	if p, err = s.SetupProgress(ctx); err != nil || !p.Done() {
		t.Fatalf("after every step: %+v (%v)", p, err)
	}
}

func todayCountClients(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i := range 7 {
		testkit.CreateClient(t, s, "Anna", string(rune('A'+i))+"son")
	}
	testkit.CreateClient(t, s, "Bo", "Berg")
	for q, want := range map[string]int{"": 8, "ann": 7, "berg": 1, "zed": 0, "(": 0} {
		n, err := s.CountClients(ctx, data.ClientQuery{Text: q})
		if err != nil || n != want {
			t.Errorf("count %q = %d (%v), want %d", q, n, err, want)
		}
		page, _ := s.ListClients(ctx, data.ClientQuery{Text: q, Limit: 3})
		if len(page) != min(3, want) {
			t.Errorf("page of %q holds %d", q, len(page))
		}
	}
}

// exported reads every table of an export: its rows, by table, in the order they came.
func exported(t *testing.T, s store.Store, q store.ExportQuery) (order []string, rows map[string][][]any, cols map[string][]store.ExportColumn) {
	t.Helper()
	rows, cols = map[string][][]any{}, map[string][]store.ExportColumn{}
	must(t, s.ExportRows(context.Background(), q, func(tb *store.ExportTable) error {
		order = append(order, tb.Name)
		cols[tb.Name] = tb.Columns
		for tb.Next() {
			rows[tb.Name] = append(rows[tb.Name], slices.Clone(tb.Row()))
		}
		return tb.Err()
	}))
	return order, rows, cols
}

func exportTablesAndFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	lee := testkit.CreatePractitioner(t, s, "Dr Lee", "")
	ana := testkit.CreateClient(t, s, "Ana", "Núñez")
	bo := testkit.CreateClient(t, s, "Bo", "Berg")
	testkit.CreateClient(t, s, "Never", "Treated")
	first := storedSession(t, s, ana.ID)
	first.StartedAt = first.StartedAt.AddDate(0, 0, -9)
	first.PractitionerID = lee.ID
	must(t, s.CreateSession(ctx, &first))
	second := storedSession(t, s, bo.ID)
	must(t, s.CreateSession(ctx, &second))

	order, rows, cols := exported(t, s, store.ExportQuery{})
	if !slices.Equal(order, store.ExportTables) {
		t.Fatalf("tables %v, want %v", order, store.ExportTables)
	}
	for table, want := range map[string]int{store.ExportSessions: 2, store.ExportZones: 4, store.ExportProductsApplied: 4,
		store.ExportSideEffects: 2, store.ExportClients: 3} {
		if n := len(rows[table]); n != want {
			t.Errorf("%s: %d rows, want %d", table, n, want)
		}
		for i, r := range rows[table] {
			if len(r) != len(cols[table]) {
				t.Errorf("%s row %d has %d values for %d columns", table, i, len(r), len(cols[table]))
			}
		}
	}
	if rows[store.ExportSessions][0][0] != first.ID {
		t.Errorf("first session %v, want the oldest, %s", rows[store.ExportSessions][0][0], first.ID)
	}
	for i, c := range cols[store.ExportSessions] {
		v := rows[store.ExportSessions][0][i]
		switch c.Kind {
		case store.ColumnDate:
			if _, ok := v.(data.Date); !ok {
				t.Errorf("date column %s holds %T", c.Name, v)
			}
		case store.ColumnTime:
			if _, ok := v.(time.Time); !ok {
				t.Errorf("time column %s holds %T", c.Name, v)
			}
		case store.ColumnText:
			if _, ok := v.(string); !ok {
				t.Errorf("text column %s holds %T", c.Name, v)
			}
		}
	}

	_, rows, _ = exported(t, s, store.ExportQuery{PractitionerID: lee.ID})
	if len(rows[store.ExportSessions]) != 1 || rows[store.ExportSessions][0][0] != first.ID || len(rows[store.ExportClients]) != 1 {
		t.Errorf("Dr Lee's export: %d sessions, %d clients", len(rows[store.ExportSessions]), len(rows[store.ExportClients]))
	}
	day := data.DateOf(second.StartedAt)
	_, rows, _ = exported(t, s, store.ExportQuery{From: day, To: day})
	if len(rows[store.ExportSessions]) != 1 || rows[store.ExportSessions][0][0] != second.ID {
		t.Errorf("one day's export: %v", rows[store.ExportSessions])
	}
	order, _, _ = exported(t, s, store.ExportQuery{Tables: []string{store.ExportClients, store.ExportZones}})
	if !slices.Equal(order, []string{store.ExportZones, store.ExportClients}) {
		t.Errorf("chosen tables came as %v", order)
	}
	noop := func(*store.ExportTable) error { return nil }
	if err := s.ExportRows(ctx, store.ExportQuery{Tables: []string{"photos"}}, noop); err == nil {
		t.Error("an unknown table was accepted")
	}
	if err := s.ExportRows(ctx, store.ExportQuery{From: day, To: day.AddDays(-1)}, noop); err == nil {
		t.Error("a period ending before it starts was accepted")
	}
	stop := errors.New("stop")
	if err := s.ExportRows(ctx, store.ExportQuery{}, func(*store.ExportTable) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("the callback's error came back as %v", err)
	}
}

// errorsNotFound: every read and write of a record that is not there says data.ErrNotFound.
func errorsNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	for what, err := range map[string]error{
		"client":         second(s.Client(ctx, missingID)),
		"session":        second(s.Session(ctx, missingID)),
		"photo":          second(s.Photo(ctx, missingID)),
		"restore client": s.RestoreClient(ctx, missingID),
		"delete client":  s.DeleteClient(ctx, missingID, "Asked to."),
		"delete photo":   s.DeletePhoto(ctx, missingID, "Wrong client."),
		"delete pin":     s.DeletePhotoPin(ctx, missingID),
		"sign session":   s.SignSession(data.WithActor(ctx, testkit.CreatePractitioner(t, s, "Léa Fontaine", "").ID), missingID, 1),
		"update session": s.UpdateSession(ctx, &data.Session{ID: missingID, ClientID: missingID, Version: 1, StartedAt: s.Now()}),
	} {
		if !errors.Is(err, data.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", what, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }
