package wording

import (
	"time"

	"needlelog.app/needlelog/insights"
)

// The words of the insights' figures, the same on the screen and in the practice report.

// MonthName says a month of the figures, "2025-03", as a reader does: "March 2025".
func MonthName(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("January 2006")
}

// WithSideEffect says what a side-effect rate counts: any side effect, or, with beyond, only
// those beyond the expected ones, so that a reader sees which.
func WithSideEffect(beyond bool) string {
	if beyond {
		return "beyond the expected"
	}
	return "with a side effect"
}

// Grouping says a grouping of side-effect rates: the figure's title, the heading of its groups'
// column, how a session counts in it ("" when plain) and what is said when it has no group.
type Grouping struct {
	Title, Column, Note, None string
}

// RateGrouping is how the grouping d is said; beyond, when only the side effects beyond the
// expected ones count.
func RateGrouping(d insights.Dimension, beyond bool) Grouping {
	g := groupings[d]
	switch {
	case d == insights.ByMonth && beyond:
		g.Note = "Sessions started each month, and those with a side effect beyond the expected."
	case d == insights.ByMonth:
		g.Note = "Sessions started each month, and those with at least one side effect."
	case beyond:
		g.Title = "Side effects beyond the expected, by " + g.Title
	default:
		g.Title = "Side effects by " + g.Title
	}
	return g
}

// groupings are each grouping's words; a rate's title is "Side effects by " and its Title.
var groupings = map[insights.Dimension]Grouping{
	insights.ByMonth: {Title: "Sessions per month", Column: "Month"},
	insights.ByDepth: {Title: "depth", Column: "Deepest zone (mm)",
		Note: "Each session counts in the band of its deepest zone; a band includes its upper edge.", None: "No zone was recorded."},
	insights.ByZone: {Title: "zone", Column: "Zone", Note: "A session counts once in each zone it treated.",
		None: "No zone was recorded."},
	insights.ByProduct: {Title: "product applied", Column: "Product",
		Note: "A session counts once in each product applied to the skin.", None: "No product was applied."},
	insights.ByFitzpatrick:  {Title: "Fitzpatrick type", Column: "Fitzpatrick type", Note: "The client's skin type as recorded now."},
	insights.ByPractitioner: {Title: "practitioner", Column: "Practitioner"},
	insights.ByDevice:       {Title: "device", Column: "Device"},
	insights.ByLot: {Title: "lot", Column: "Lot (item)",
		Note: "Cartridge, anaesthetic and product lots, matched whatever their letter case; a session counts once in each lot it used.",
		None: "No lot was recorded."},
}

// ResolutionsTitle titles the days each kind of side effect took to resolve.
func ResolutionsTitle(beyond bool) string {
	if beyond {
		return "Days to resolution by kind of side effect beyond the expected"
	}
	return "Days to resolution by kind of side effect"
}
