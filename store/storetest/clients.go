package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

func clientClientRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := testkit.ValidClient()
	c.Medications = "Doxycycline 100 mg"
	c.MedicalNotes = "Prone to cold sores."
	c.Notes = "Prefers mornings."
	before := s.Now()
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if c.ID == "" || c.Version != 1 || !stampedNow(s, c.CreatedAt, before) || c.History[0].ID == "" {
		t.Fatalf("after create: id %q version %d created %v history id %q", c.ID, c.Version, c.CreatedAt, c.History[0].ID)
	}
	got, err := s.Client(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.Round(0).UTC(), c.UpdatedAt.Round(0).UTC() // stored as UTC, without a clock reading
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("read back differs:\n got %+v\nwant %+v", got, c)
	}
}

func clientCreateClientRejectsInvalidAndStoresNothing(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := testkit.ValidClient()
	c.Email = "not-an-email"
	err := s.CreateClient(ctx, &c)
	testkit.ExpectFields(t, err, "email")
	if c.ID != "" {
		t.Fatalf("a refused client was given ID %q", c.ID)
	}
	if list, _ := s.ListClients(ctx, data.ClientQuery{}); len(list) != 0 {
		t.Fatalf("refused client was stored: %v", list)
	}
}

func clientUpdateClient(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := testkit.ValidClient()
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	stale := c
	before := s.Now()
	c.Phone = "+353 87 765 4321"
	c.History = append(c.History, data.HistoryEntry{Condition: "Pregnancy", Since: data.NewDate(2026, 1, 5)})
	if err := s.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if c.Version != 2 || !stampedNow(s, c.UpdatedAt, before) {
		t.Fatalf("after update: version %d updated %v", c.Version, c.UpdatedAt)
	}
	got, _ := s.Client(ctx, c.ID)
	if got.Phone != c.Phone || len(got.History) != 2 || got.History[1].Condition != "Pregnancy" {
		t.Fatalf("update not stored: %+v", got)
	}

	// Another window saved first: the stale copy is refused, and keeps its version for a retry.
	stale.Notes = "typed in a second window"
	err := s.UpdateClient(ctx, &stale)
	if !errors.Is(err, data.ErrConflict) {
		t.Fatalf("stale update: got %v, want ErrConflict", err)
	}
	if stale.Version != 1 {
		t.Fatalf("refused update changed the caller's version to %d", stale.Version)
	}
	if got, _ := s.Client(ctx, c.ID); got.Notes != "" || got.Phone != c.Phone {
		t.Fatalf("stale update reached the file: %+v", got)
	}

	missing := testkit.ValidClient()
	missing.ID, missing.Version = missingID, 1
	if err := s.UpdateClient(ctx, &missing); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("update of a missing client: got %v, want ErrNotFound", err)
	}
	if _, err := s.Client(ctx, missing.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("get missing client: got %v, want ErrNotFound", err)
	}
}

func names(list []data.ClientSummary) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Name()
	}
	return out
}

func clientSearchClients(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, c := range []data.Client{
		{FirstName: "Zoë", LastName: "Ångström", Phone: "07700 900123", Email: "zoe.a@example.com"},
		{FirstName: "Анна", LastName: "Иванова", Phone: "+7 912 345 67 89"},
		{FirstName: "Σοφία", LastName: "Παπαδοπούλου", Email: "sofia@example.gr"},
		{FirstName: "Anna", LastName: "Smith", Phone: "020 7946 0958", Email: "anna.smith@example.co.uk"},
		{FirstName: "Annabel", LastName: "Jones", Email: "ajones@example.com"},
		{FirstName: "Joanna", LastName: "Anders"},
	} {
		if err := s.CreateClient(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		text string
		want []string // in list order
	}{
		{"ann", []string{"Annabel Jones", "Anna Smith"}}, // word beginnings only, by last name
		{"anna smi", []string{"Anna Smith"}},
		{"zoe", []string{"Zoë Ångström"}},       // accents ignored
		{"ANGSTR", []string{"Zoë Ångström"}},    // and case
		{"анн", []string{"Анна Иванова"}},       // Cyrillic
		{"σοφ", []string{"Σοφία Παπαδοπούλου"}}, // Greek
		{"sofia@example", []string{"Σοφία Παπαδοπούλου"}},
		{"anna.smith@", []string{"Anna Smith"}},
		{"0770", []string{"Zoë Ångström"}},        // phone, as written
		{"07700900123", []string{"Zoë Ångström"}}, // phone, typed without spaces
		{"345 67", []string{"Анна Иванова"}},      // digits across the groups
		{"7946", []string{"Anna Smith"}},
		{"nobody", nil},
		{`"*()`, nil}, // punctuation only: no match, no FTS syntax error
		{`an"na`, nil},
	}
	for _, tc := range cases {
		got, err := s.ListClients(ctx, data.ClientQuery{Text: tc.text})
		if err != nil {
			t.Fatalf("search %q: %v", tc.text, err)
		}
		if !slices.Equal(names(got), tc.want) {
			t.Errorf("search %q: got %q, want %q", tc.text, names(got), tc.want)
		}
	}
}

func clientSearchFollowsRenames(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := testkit.CreateClient(t, s, "Maria", "Lopez")
	c.LastName = "García"
	if err := s.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ListClients(ctx, data.ClientQuery{Text: "lopez"}); len(got) != 0 {
		t.Fatalf("old name still found: %v", names(got))
	}
	if got, _ := s.ListClients(ctx, data.ClientQuery{Text: "garcia"}); len(got) != 1 {
		t.Fatalf("new name not found: %v", names(got))
	}
}

func clientListClientsPagesInNameOrder(t *testing.T, s store.Store) {
	ctx := context.Background()
	last := []string{"Ödegaard", "adams", "Zhang", "Brown", "Émile", "Nguyen", "Young", "Clarke", "Eady", "Murphy", "Brown"}
	for i, l := range last {
		testkit.CreateClient(t, s, string(rune('A'+i)), l)
	}
	var all []string
	q := data.ClientQuery{Limit: 3}
	for {
		page, err := s.ListClients(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, names(page)...)
		if len(page) < q.Limit {
			break
		}
		q.After = &page[len(page)-1]
	}
	want := []string{"B adams", "D Brown", "K Brown", "H Clarke", "I Eady", "E Émile", "J Murphy", "F Nguyen",
		"A Ödegaard", "G Young", "C Zhang"}
	if !slices.Equal(all, want) {
		t.Fatalf("paged list:\n got %q\nwant %q", all, want)
	}
}

func clientListClientsDueRecentAndArchived(t *testing.T, s store.Store) {
	ctx := context.Background()
	now := s.Now()
	today := data.DateOf(now)
	add := func(first string, daysAgo int, due data.Date) data.Client {
		c := testkit.CreateClient(t, s, first, "Client")
		se := storedSession(t, s, c.ID)
		se.StartedAt = now.AddDate(0, 0, -daysAgo)
		se.NextDue = due
		if err := s.CreateSession(ctx, &se); err != nil {
			t.Fatalf("session for %s: %v", first, err)
		}
		return c
	}
	add("Overdue", 40, today.AddDays(-12))
	add("DueToday", 28, today)
	later := add("Later", 10, today.AddDays(18))
	add("SeriesDone", 5, data.Date{})
	// The latest session decides: an old due date superseded by a new session does not count.
	c := add("Rebooked", 60, today.AddDays(-32))
	se := storedSession(t, s, c.ID)
	se.StartedAt = now.AddDate(0, 0, -2)
	se.NextDue = today.AddDays(26)
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	testkit.CreateClient(t, s, "NeverTreated", "Client")

	due, err := s.ListClients(ctx, data.ClientQuery{Filter: data.DueClients})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Overdue Client", "DueToday Client"}; !slices.Equal(names(due), want) {
		t.Fatalf("due: got %q, want %q", names(due), want)
	}
	if !due[0].NextDue.Equal(today.AddDays(-12)) || due[0].LastSession.IsZero() {
		t.Fatalf("due row: %+v", due[0])
	}
	soon, _ := s.ListClients(ctx, data.ClientQuery{Filter: data.DueClients, DueBy: today.AddDays(20)})
	if want := []string{"Overdue Client", "DueToday Client", "Later Client"}; !slices.Equal(names(soon), want) {
		t.Fatalf("due within 20 days: got %q, want %q", names(soon), want)
	}
	recent, _ := s.ListClients(ctx, data.ClientQuery{Filter: data.RecentClients})
	if want := []string{"Rebooked Client", "SeriesDone Client", "Later Client", "DueToday Client"}; !slices.Equal(names(recent), want) {
		t.Fatalf("recent: got %q, want %q", names(recent), want)
	}
	page, _ := s.ListClients(ctx, data.ClientQuery{Filter: data.RecentClients, Limit: 2})
	page2, _ := s.ListClients(ctx, data.ClientQuery{Filter: data.RecentClients, Limit: 2, After: &page[1]})
	if got := append(names(page), names(page2)...); !slices.Equal(got, names(recent)) {
		t.Fatalf("recent in pages: %q", got)
	}

	// Moving the latest session's due date moves the client in and out of the list.
	tl, _ := s.Timeline(ctx, later.ID)
	se, _ = s.Session(ctx, tl[0].SessionID)
	se.NextDue = today.AddDays(-1)
	if err := s.UpdateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	due, _ = s.ListClients(ctx, data.ClientQuery{Filter: data.DueClients})
	if want := []string{"Overdue Client", "Later Client", "DueToday Client"}; !slices.Equal(names(due), want) {
		t.Fatalf("due after rebooking: got %q, want %q", names(due), want)
	}

	c.ArchivedAt = now
	if err := s.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	all, _ := s.ListClients(ctx, data.ClientQuery{})
	archived, _ := s.ListClients(ctx, data.ClientQuery{Archived: true})
	if len(all) != 5 || slices.Contains(names(all), "Rebooked Client") || !slices.Equal(names(archived), []string{"Rebooked Client"}) {
		t.Fatalf("archive: listed %q, archived %q", names(all), names(archived))
	}
}

func clientWritesAreAudited(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	c.Notes = "x"
	if err := s.UpdateClient(data.WithActor(ctx, "practitioner-7"), &c); err != nil {
		t.Fatal(err)
	}
	log, err := s.AuditLog(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Action != data.ActionCreate || log[1].Action != data.ActionUpdate ||
		log[1].PractitionerID != "practitioner-7" || log[1].PrevHash != log[0].Hash || log[0].Hash == "" {
		t.Fatalf("audit log: %+v", log)
	}
}

var clientTests = []subtest{
	{"ClientRoundTrip", clientClientRoundTrip},
	{"CreateClientRejectsInvalidAndStoresNothing", clientCreateClientRejectsInvalidAndStoresNothing},
	{"UpdateClient", clientUpdateClient},
	{"SearchClients", clientSearchClients},
	{"SearchFollowsRenames", clientSearchFollowsRenames},
	{"ListClientsPagesInNameOrder", clientListClientsPagesInNameOrder},
	{"ListClientsDueRecentAndArchived", clientListClientsDueRecentAndArchived},
	{"WritesAreAudited", clientWritesAreAudited},
}
