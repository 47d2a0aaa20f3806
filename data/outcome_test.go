package data_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
)

func validOutcome() (data.Outcome, time.Time) {
	start := testkit.Now.Add(-30 * 24 * time.Hour)
	return data.Outcome{
		ClientID: "c1", SessionID: "s1", AssessedAt: testkit.Now.Add(-time.Hour), GAIS: data.GAISMuchImproved,
		Satisfaction: data.Optional[int]{V: 8, Valid: true}, ScarBaseline: data.Optional[int]{V: 3, Valid: true},
		ScarNow: data.Optional[int]{V: 2, Valid: true}, Notes: "Rolling scars softer.",
	}, start
}

func TestValidOutcomePasses(t *testing.T) {
	t.Parallel()
	o, start := validOutcome()
	if err := data.ValidateOutcome(o, start, testkit.Now); err != nil {
		t.Fatal(err)
	}
	// Satisfaction and scar grades are optional; 0 and 10, 1 and 4 are the ends of their scales.
	o.Satisfaction, o.ScarBaseline, o.ScarNow = data.Optional[int]{}, data.Optional[int]{}, data.Optional[int]{}
	if err := data.ValidateOutcome(o, start, testkit.Now); err != nil {
		t.Fatal(err)
	}
	o.Satisfaction, o.ScarBaseline, o.ScarNow = data.Optional[int]{V: 0, Valid: true}, data.Optional[int]{V: 4, Valid: true}, data.Optional[int]{V: 1, Valid: true}
	if err := data.ValidateOutcome(o, start, testkit.Now); err != nil {
		t.Fatal(err)
	}
	o.Satisfaction.V = 10
	o.AssessedAt = start // at the session itself
	if err := data.ValidateOutcome(o, start, testkit.Now); err != nil {
		t.Fatal(err)
	}
}

func TestOutcomeValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edit  func(*data.Outcome)
		field string
	}{
		{"no client", func(o *data.Outcome) { o.ClientID = "" }, "client"},
		{"no session", func(o *data.Outcome) { o.SessionID = "" }, "session"},
		{"no time", func(o *data.Outcome) { o.AssessedAt = time.Time{} }, "assessed_at"},
		{"before the session", func(o *data.Outcome) { o.AssessedAt = testkit.Now.Add(-31 * 24 * time.Hour) }, "assessed_at"},
		{"in the future", func(o *data.Outcome) { o.AssessedAt = testkit.Now.Add(49 * time.Hour) }, "assessed_at"},
		{"no grade", func(o *data.Outcome) { o.GAIS = "" }, "gais"},
		{"grade as words", func(o *data.Outcome) { o.GAIS = "much improved" }, "gais"},
		{"satisfaction 11", func(o *data.Outcome) { o.Satisfaction.V = 11 }, "satisfaction"},
		{"satisfaction -1", func(o *data.Outcome) { o.Satisfaction.V = -1 }, "satisfaction"},
		{"scar baseline 0", func(o *data.Outcome) { o.ScarBaseline.V = 0 }, "scar_baseline"},
		{"scar now 5", func(o *data.Outcome) { o.ScarNow.V = 5 }, "scar_now"},
		{"long notes", func(o *data.Outcome) { o.Notes = strings.Repeat("x", data.MaxTextLength+1) }, "notes"},
	}
	for _, tc := range cases {
		o, start := validOutcome()
		tc.edit(&o)
		err := data.ValidateOutcome(o, start, testkit.Now)
		var ve *data.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.For(tc.field) == "" {
			t.Errorf("%s: got %v, want one error for %s", tc.name, err, tc.field)
			continue
		}
		if msg := ve.For(tc.field); !strings.HasSuffix(msg, ".") || msg[0] < 'A' || msg[0] > 'Z' {
			t.Errorf("%s: %q is not a sentence", tc.name, msg)
		}
	}
}

func TestGAISWords(t *testing.T) {
	t.Parallel()
	want := []string{"very much improved", "much improved", "improved", "no change", "worse"}
	for i, g := range data.GAISGrades {
		if g.Words() != want[i] {
			t.Errorf("%s says %q, want %q", g, g.Words(), want[i])
		}
		if back, ok := data.GAISFromWords(" " + strings.ToUpper(want[i])); !ok || back != g {
			t.Errorf("GAISFromWords(%q) = %q, %v", want[i], back, ok)
		}
	}
	if _, ok := data.GAISFromWords("better"); ok {
		t.Error("better is no grade of the scale")
	}
	if data.GAIS("x").Words() != "" {
		t.Error("an unknown code has words")
	}
}

func TestAssessedOn(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 20, 15, 30, 0, 0, time.Local)
	start := time.Date(2026, 3, 2, 14, 0, 0, 0, time.Local)
	for _, tc := range []struct {
		day  data.Date
		want time.Time
	}{
		{data.DateOf(now), now},
		{data.NewDate(2026, 3, 10), time.Date(2026, 3, 10, 12, 0, 0, 0, time.Local)},
		{data.DateOf(start), start}, // midday is before the session began: at the session
	} {
		if got := data.AssessedOn(tc.day, start, now); !got.Equal(tc.want) {
			t.Errorf("AssessedOn(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
	morning := time.Date(2026, 3, 2, 9, 0, 0, 0, time.Local)
	if got := data.AssessedOn(data.DateOf(morning), morning, now); !got.Equal(time.Date(2026, 3, 2, 12, 0, 0, 0, time.Local)) {
		t.Errorf("after a morning session: %v", got)
	}
}

func TestScarGradeWords(t *testing.T) {
	t.Parallel()
	for g, want := range map[int]string{0: "", 1: "1 macular", 2: "2 mild", 3: "3 moderate", 4: "4 severe", 5: ""} {
		if got := data.ScarGradeWords(g); got != want {
			t.Errorf("grade %d says %q, want %q", g, got, want)
		}
	}
}
