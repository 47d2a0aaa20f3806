package sqlite_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func TestSessionRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	practitioner := data.Practitioner{Name: "Dr Lee", Credentials: "RN"}
	if err := s.SavePractitioner(ctx, &practitioner); err != nil {
		t.Fatal(err)
	}
	se := testkit.StoredSession(t, s, c.ID)
	se.PractitionerID = practitioner.ID
	se.HandpieceSerial = "HP-0042"
	se.Notes = "Tolerated well."
	se.SideEffects = append(se.SideEffects, data.SideEffect{Kind: "Oedema / swelling", Severity: data.SeverityModerate,
		Onset: data.DateOf(testkit.Now), Treatment: "Cold compress", Notes: "Under the eyes"})
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	if se.ID == "" || se.Version != 1 || se.Status != data.StatusDraft || se.SideEffects[0].ID == "" {
		t.Fatalf("after create: %+v", se)
	}
	if !se.SideEffects[0].Onset.Equal(data.DateOf(se.StartedAt)) {
		t.Fatalf("side effect during the session got onset %v", se.SideEffects[0].Onset)
	}
	got, err := s.Session(ctx, se.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, se) {
		t.Fatalf("read back differs:\n got %+v\nwant %+v", got, se)
	}
}

func TestSessionWithoutOptionalValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	se := data.Session{ClientID: c.ID, StartedAt: testkit.Now, NoSideEffects: true}
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx, se.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PainScore.Valid || got.PriceCents.Valid || got.DeviceID != "" || got.SeriesN != 1 ||
		got.IntervalDays != data.DefaultIntervalDays || !got.NoSideEffects || got.Zones != nil {
		t.Fatalf("empty session read back as %+v", got)
	}
}

func TestCreateSessionIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	se := testkit.StoredSession(t, s, c.ID)
	se.Products[1].ProductID = "01900000-0000-7000-8000-00000000dead" // a product that does not exist
	err := s.CreateSession(ctx, &se)
	if !errors.Is(err, data.ErrBadReference) || !strings.Contains(err.Error(), "product") {
		t.Fatalf("session with an unknown product: got %v", err)
	}
	if se.ID != "" {
		t.Fatalf("refused session kept ID %q", se.ID)
	}
	h, _ := s.Check(ctx)
	for _, table := range []string{"sessions", "session_zones", "session_products", "side_effects"} {
		if h.Counts[table] != 0 {
			t.Errorf("refused session left %d rows in %s", h.Counts[table], table)
		}
	}

	se = testkit.StoredSession(t, s, "01900000-0000-7000-8000-00000000beef")
	if err := s.CreateSession(ctx, &se); !errors.Is(err, data.ErrBadReference) || !strings.Contains(err.Error(), "client") {
		t.Fatalf("session for an unknown client: got %v", err)
	}
}

func TestUpdateSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clk := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	se := testkit.StoredSession(t, s, c.ID)
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	// A follow-up side effect logged from elsewhere while the editor had the session open.
	followUp := data.SideEffect{SessionID: se.ID, Kind: "Milia", Severity: data.SeverityMild, Onset: data.DateOf(testkit.Now)}
	if err := s.AddSideEffect(ctx, &followUp); err != nil {
		t.Fatal(err)
	}
	editor, _ := s.Session(ctx, se.ID)
	clk.Advance(time.Minute)
	editor.Zones = []data.ZoneTreatment{{Zone: "Neck", DepthMM: 0.5, Passes: 3}}
	editor.Products = editor.Products[:1]
	editor.PainScore = data.Optional[int]{}
	editor.SideEffects = editor.SideEffects[1:] // erythema removed; the follow-up kept
	if err := s.UpdateSession(ctx, &editor); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Session(ctx, se.ID)
	if len(got.Zones) != 1 || got.Zones[0].Zone != "Neck" || len(got.Products) != 1 || got.PainScore.Valid ||
		got.Version != 3 || len(got.SideEffects) != 1 || got.SideEffects[0].ID != followUp.ID {
		t.Fatalf("after update: %+v", got)
	}

	// The copy loaded before the edit is stale now.
	if err := s.UpdateSession(ctx, &se); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("stale update: got %v, want ErrConflict", err)
	}
}

func TestSignedSessionIsNotUpdated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	se := signedSession(t, s)
	se.Zones[0].DepthMM = 2.0
	if err := s.UpdateSession(ctx, &se); !errors.Is(err, data.ErrSigned) {
		t.Fatalf("update signed session: got %v, want ErrSigned", err)
	}
	if got, _ := s.Session(ctx, se.ID); got.Zones[0].DepthMM != 1.5 {
		t.Fatalf("signed session changed to %v mm", got.Zones[0].DepthMM)
	}
	// Follow-ups still reach a signed session.
	e := data.SideEffect{SessionID: se.ID, Kind: "Post-inflammatory hyperpigmentation", Severity: data.SeverityModerate,
		Onset: data.DateOf(testkit.Now)}
	if err := s.AddSideEffect(ctx, &e); err != nil {
		t.Fatalf("follow-up on signed session: %v", err)
	}
}

func TestFollowUpSideEffects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clk := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	se := testkit.StoredSession(t, s, c.ID)
	se.SideEffects, se.NoSideEffects = nil, true
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	clk.Advance(5 * 24 * time.Hour)
	e := data.SideEffect{SessionID: se.ID, Kind: "Acne flare", Severity: data.SeverityMild, Onset: data.DateOf(testkit.Now).AddDays(3)}
	if err := s.AddSideEffect(ctx, &e); err != nil {
		t.Fatal(err)
	}
	e.Resolved = data.DateOf(clk.T)
	e.Treatment = "Topical antibiotic"
	if err := s.UpdateSideEffect(ctx, &e); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Session(ctx, se.ID)
	if got.NoSideEffects || len(got.SideEffects) != 1 || !got.SideEffects[0].Resolved.Equal(data.DateOf(clk.T)) ||
		got.SideEffects[0].Treatment != "Topical antibiotic" {
		t.Fatalf("after follow-up: %+v", got)
	}

	bad := data.SideEffect{SessionID: se.ID, Kind: "Crusting", Severity: data.SeverityMild, Onset: data.DateOf(testkit.Now).AddDays(-1)}
	testkit.ExpectFields(t, s.AddSideEffect(ctx, &bad), "side_effect.onset")
	bad = data.SideEffect{SessionID: "no-such-session", Kind: "Crusting", Severity: data.SeverityMild, Onset: data.DateOf(testkit.Now)}
	if err := s.AddSideEffect(ctx, &bad); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("follow-up on a missing session: got %v", err)
	}
	e.ID = "no-such-side-effect"
	if err := s.UpdateSideEffect(ctx, &e); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("update of a missing side effect: got %v", err)
	}
}

func TestTimeline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	other := testkit.CreateClient(t, s, "Other", "Client")
	var ids []string
	for i, days := range []int{56, 0, 28} {
		se := testkit.StoredSession(t, s, c.ID)
		se.StartedAt = testkit.Now.AddDate(0, 0, -days).Add(-time.Hour)
		se.SeriesN = i + 1
		se.Zones[0].DepthMM = 1.0 + float64(i)*0.25
		if i == 1 {
			se.SideEffects, se.NoSideEffects = nil, true
		}
		if err := s.CreateSession(ctx, &se); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, se.ID)
	}
	noise := testkit.StoredSession(t, s, other.ID)
	if err := s.CreateSession(ctx, &noise); err != nil {
		t.Fatal(err)
	}
	tl, err := s.Timeline(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tl) != 3 {
		t.Fatalf("timeline has %d entries", len(tl))
	}
	if got := []string{tl[0].SessionID, tl[1].SessionID, tl[2].SessionID}; !slices.Equal(got, []string{ids[1], ids[2], ids[0]}) {
		t.Fatalf("timeline order %v, want newest first", got)
	}
	if !slices.Equal(tl[0].Zones, []string{"Cheeks", "Forehead"}) || tl[0].DeepestMM != 1.25 || tl[0].SideEffects != 0 ||
		tl[1].SideEffects != 1 || tl[0].SeriesN != 2 || tl[0].SeriesOf != 4 || tl[0].Status != data.StatusDraft {
		t.Fatalf("timeline entry: %+v / %+v", tl[0], tl[1])
	}
	if empty, err := s.Timeline(ctx, "nobody"); err != nil || len(empty) != 0 {
		t.Fatalf("timeline of unknown client: %v %v", empty, err)
	}
}

// An evening session in a western time zone falls on the next day in UTC, where it is stored.
// Its day, and the days it is checked against, are the practice's.
func TestEveningSessionInAWesternTimeZone(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	saved := time.Local
	time.Local = la
	t.Cleanup(func() { time.Local = saved })

	ctx := context.Background()
	s, clk := sqlitetest.OpenStore(t)
	clk.T = time.Date(2026, 3, 10, 18, 30, 0, 0, la) // 01:30 UTC on the 11th
	c := testkit.CreateClient(t, s, "Evening", "Client")
	se := testkit.StoredSession(t, s, c.ID)
	se.StartedAt = time.Date(2026, 3, 10, 17, 0, 0, 0, la)
	se.NextDue = data.NewDate(2026, 4, 7)
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	if got := se.SideEffects[0].Onset.String(); got != "2026-03-10" {
		t.Fatalf("onset of a side effect during the session: %s, want the local day 2026-03-10", got)
	}
	loaded, err := s.Session(ctx, se.ID)
	if err != nil {
		t.Fatal(err)
	}
	loaded.Notes = "saved again unchanged otherwise"
	if err := s.UpdateSession(ctx, &loaded); err != nil {
		t.Fatalf("saving the session again: %v", err)
	}
	followUp := data.SideEffect{SessionID: se.ID, Kind: "Dryness / flaking", Severity: data.SeverityMild,
		Onset: data.NewDate(2026, 3, 10)}
	if err := s.AddSideEffect(ctx, &followUp); err != nil {
		t.Fatalf("side effect on the session's local day: %v", err)
	}
}

func TestSessionsOrderBySubSecondTimes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	base := testkit.Now.Add(-time.Hour)
	var want []string
	for _, offset := range []time.Duration{0, 500 * time.Millisecond, 250 * time.Millisecond, time.Second} {
		se := data.Session{ClientID: c.ID, StartedAt: base.Add(offset), NoSideEffects: true}
		if err := s.CreateSession(ctx, &se); err != nil {
			t.Fatal(err)
		}
		want = append(want, se.ID)
	}
	want = []string{want[3], want[1], want[2], want[0]}
	tl, _ := s.Timeline(ctx, c.ID)
	var got []string
	for _, e := range tl {
		got = append(got, e.SessionID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("timeline order %v, want %v", got, want)
	}
}
