package data_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
)

// A weekday afternoon, in the computer's zone as the editor's clock gives it.
var seriesNow = time.Date(2026, 5, 17, 14, 30, 42, 0, time.Local)

func TestSeriesNewClientStartsASeries(t *testing.T) {
	t.Parallel()
	c := data.Client{ID: "c1", Concerns: []string{"Acne scars"}}
	s := data.NextSessionDefaults(c, nil, seriesNow, []string{"No make-up for 24 h", "SPF 50"}, "v3")
	if s.ClientID != "c1" || s.SeriesN != 1 || s.SeriesOf != 0 || s.IntervalDays != data.DefaultIntervalDays {
		t.Fatalf("first session: client %q, %d of %d, every %d days", s.ClientID, s.SeriesN, s.SeriesOf, s.IntervalDays)
	}
	if !s.StartedAt.Equal(time.Date(2026, 5, 17, 14, 30, 0, 0, time.Local)) {
		t.Fatalf("starts at %v, want now to the minute", s.StartedAt)
	}
	if !slices.Equal(s.Concerns, c.Concerns) || s.Modality != "None" || s.Status != data.StatusDraft {
		t.Fatalf("concerns %v, modality %q, status %q", s.Concerns, s.Modality, s.Status)
	}
	if !slices.Equal(s.Aftercare, []string{"No make-up for 24 h", "SPF 50"}) || s.AftercareSheet != "v3" {
		t.Fatalf("aftercare %v, sheet %q", s.Aftercare, s.AftercareSheet)
	}
	if want := data.NewDate(2026, 6, 14); s.NextDue != want {
		t.Fatalf("next due %v, want %v (28 days on)", s.NextDue, want)
	}
	c.Concerns[0] = "changed"
	if s.Concerns[0] != "Acne scars" {
		t.Fatal("the session shares the client's list of concerns")
	}
}

func TestSeriesContinuesFromTheLastSession(t *testing.T) {
	t.Parallel()
	last := data.Session{SeriesN: 2, SeriesOf: 4, IntervalDays: 42, DeviceID: "d1", HandpieceSerial: "HP-9",
		Cartridge: data.CartridgeUse{CartridgeID: "k1", Lot: "L-1"}, Modality: "PRP", Concerns: []string{"Melasma"},
		PractitionerID: "p1"}
	c := data.Client{ID: "c1", Concerns: []string{"Acne scars"}}
	s := data.NextSessionDefaults(c, &last, seriesNow, nil, "")
	if s.SeriesN != 3 || s.SeriesOf != 4 || s.IntervalDays != 42 {
		t.Fatalf("after 2 of 4 every 42 days: %d of %d every %d", s.SeriesN, s.SeriesOf, s.IntervalDays)
	}
	if s.DeviceID != "d1" || s.HandpieceSerial != "HP-9" || s.Cartridge.CartridgeID != "k1" || s.Modality != "PRP" {
		t.Fatalf("devices of last time not kept: %+v", s)
	}
	if s.Cartridge.Lot != "" || s.PractitionerID != "" {
		t.Fatalf("lot %q and practitioner %q taken from last time", s.Cartridge.Lot, s.PractitionerID)
	}
	if !slices.Equal(s.Concerns, []string{"Melasma"}) {
		t.Fatalf("concerns %v, want the last session's", s.Concerns)
	}
	if want := data.NewDate(2026, 6, 28); s.NextDue != want {
		t.Fatalf("next due %v, want %v", s.NextDue, want)
	}

	last.Concerns = nil // none recorded last time: the client's own
	if s := data.NextSessionDefaults(c, &last, seriesNow, nil, ""); !slices.Equal(s.Concerns, c.Concerns) {
		t.Fatalf("concerns %v, want the client's", s.Concerns)
	}
}

func TestSeriesNextInSeries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ n, of, wantN, wantOf int }{
		{1, 0, 2, 0}, // no series planned: the count goes on
		{7, 0, 8, 0},
		{1, 3, 2, 3},
		{2, 3, 3, 3},
		{3, 3, 1, 3}, // the series is complete: a new one, planned like the last
		{5, 3, 1, 3}, // past its end (an old record): a new one too
	} {
		n, of := data.NextInSeries(data.Session{SeriesN: tc.n, SeriesOf: tc.of})
		if n != tc.wantN || of != tc.wantOf {
			t.Errorf("after %d of %d: %d of %d, want %d of %d", tc.n, tc.of, n, of, tc.wantN, tc.wantOf)
		}
	}
}

func TestSeriesLastOfASeriesHasNoNextDue(t *testing.T) {
	t.Parallel()
	last := data.Session{SeriesN: 2, SeriesOf: 3, IntervalDays: 28}
	s := data.NextSessionDefaults(data.Client{}, &last, seriesNow, nil, "")
	if s.SeriesN != 3 || s.SeriesOf != 3 || !s.NextDue.IsZero() {
		t.Fatalf("3 of 3: %d of %d, next due %v", s.SeriesN, s.SeriesOf, s.NextDue)
	}
}

func TestSeriesNextDueSuggestion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		s       data.Session
		due     data.Date
		whyNone string
	}{
		{"interval after the day", data.Session{StartedAt: seriesNow, SeriesN: 1, SeriesOf: 3, IntervalDays: 30},
			data.NewDate(2026, 6, 16), ""},
		{"no series planned", data.Session{StartedAt: seriesNow, SeriesN: 9, IntervalDays: 7}, data.NewDate(2026, 5, 24), ""},
		{"across a year", data.Session{StartedAt: time.Date(2026, 12, 20, 9, 0, 0, 0, time.Local), SeriesN: 1, IntervalDays: 28},
			data.NewDate(2027, 1, 17), ""},
		{"last of the series", data.Session{StartedAt: seriesNow, SeriesN: 3, SeriesOf: 3, IntervalDays: 28}, data.Date{},
			"This is the last session of the series (3 of 3): no next session to suggest."},
		{"no date", data.Session{SeriesN: 1, IntervalDays: 28}, data.Date{},
			"Enter the session's date first: the next is due the series interval after it."},
		{"no interval", data.Session{StartedAt: seriesNow, SeriesN: 1}, data.Date{},
			"Enter the interval in days first: the next session is due that long after this one."},
		{"negative interval", data.Session{StartedAt: seriesNow, SeriesN: 1, IntervalDays: -5}, data.Date{},
			"Enter the interval in days first: the next session is due that long after this one."},
	} {
		due, why := data.NextDueSuggestion(tc.s)
		if due != tc.due || why != tc.whyNone {
			t.Errorf("%s: %v %q, want %v %q", tc.name, due, why, tc.due, tc.whyNone)
		}
		if got := data.SuggestNextDue(tc.s); got != tc.due {
			t.Errorf("%s: SuggestNextDue %v, want %v", tc.name, got, tc.due)
		}
		if (why == "") == due.IsZero() || strings.TrimSpace(why) != why {
			t.Errorf("%s: a date and a reason, or neither", tc.name)
		}
	}
}
