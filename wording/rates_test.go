package wording

import (
	"testing"

	"needlelog.app/needlelog/insights"
)

func TestRatesOfSmallGroupsAreCounts(t *testing.T) {
	for _, c := range []struct {
		n, k            int
		percent, phrase string
	}{
		{10, 1, "10.0", "10.0% (1 of 10 sessions)"},
		{12, 6, "50.0", "50.0% (6 of 12 sessions)"},
		{14, 6, "42.9", "42.9% (6 of 14 sessions)"},
		{3, 0, "0.0", ""},
		{9, 9, "", "9 of 9 sessions, too few to rate (under 10 sessions)"},
		{1, 1, "", "1 of 1 session, too few to rate (under 10 sessions)"},
		{0, 0, "", "0 of 0 sessions, too few to rate (under 10 sessions)"},
	} {
		r := insights.Rate{Group: "g", Sessions: c.n, WithSideEffects: c.k}
		percent, phrase := c.percent, c.phrase
		if c.n < insights.MinSessions {
			percent = TooFewToRate
		}
		if got := RatePercent(r); got != percent {
			t.Errorf("RatePercent(%d of %d) = %q, want %q", c.k, c.n, got, percent)
		}
		if phrase != "" {
			if got := SideEffectRate(r); got != phrase {
				t.Errorf("SideEffectRate(%d of %d) = %q, want %q", c.k, c.n, got, phrase)
			}
		}
	}
}
