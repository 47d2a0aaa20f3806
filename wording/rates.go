package wording

import (
	"strconv"

	"needlelog.app/needlelog/insights"
)

// TooFewToRate is the note said instead of a rate for a group of fewer than insights.MinSessions
// sessions: small numbers are said as counts, never as a bare percentage.
var TooFewToRate = "too few to rate (under " + strconv.Itoa(insights.MinSessions) + " sessions)"

// RatePercent is a side-effect rate as a table column of percentages says it: "12.5" (one
// decimal, no sign), or TooFewToRate for a small group, whose counts stand beside it.
func RatePercent(r insights.Rate) string {
	if !r.Enough() {
		return TooFewToRate
	}
	return strconv.FormatFloat(r.Percent(), 'f', 1, 64)
}

// SideEffectRate says a group's side-effect rate in a sentence or a chart's label: "12.5% (5 of
// 40 sessions)", or for a small group only its counts with the note: "2 of 6 sessions, too few to
// rate (under 10 sessions)".
func SideEffectRate(r insights.Rate) string {
	counts := OfN(r.WithSideEffects, r.Sessions) + " sessions"
	if r.Sessions == 1 {
		counts = OfN(r.WithSideEffects, r.Sessions) + " session"
	}
	if !r.Enough() {
		return counts + ", " + TooFewToRate
	}
	return RatePercent(r) + "% (" + counts + ")"
}
