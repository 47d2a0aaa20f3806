package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/wording"
)

// insightsAbout is what needlelog insights -h says the command does.
var insightsAbout = `Prints the side-effect rate of the practice's sessions by one grouping: a header line, then one
line per group, separated by tabs: the group, its sessions, those with at least one side effect,
and the rate in percent with one decimal. A group of fewer than ` + strconv.Itoa(insights.MinSessions) + ` sessions gets no rate but the
words "` + wording.TooFewToRate + `": its counts say it.

A session counts in the period by the day it started (--from and --to, YYYY-MM-DD, both
included), whatever its state; a side effect counts for its session whenever it began. Groups:
month (YYYY-MM); depth (the session's deepest zone, each band up to and including its upper edge:
≤0.5, 0.5–1.0, 1.0–1.5, 1.5–2.0, >2.0 mm); zone, product and lot (a session counts once in each it
used; lots are the cartridge's, the anaesthetic's and the products'); fitzpatrick (I to VI, not
recorded); practitioner; device. Sessions that do not say the value are "not recorded". With
--beyond-expected, only side effects beyond the expected ones count (erythema, swelling and the
others the practice's list files as usually gone within 72 hours follow most sessions, and would
hide a rarer problem's rate). Works on a file or on the practice on the clinic's server
(--db postgres://user@host/database).`

func runInsights(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs := newFlags("insights", "--db PATH|URL [--from DATE] [--to DATE] [--practitioner NAME] [--beyond-expected] --by GROUPING",
		insightsAbout, errOut)
	db := fs.String("db", "", "path of the database file, or the URL of the practice on the clinic's server")
	period := addPeriodFlags(fs)
	by := fs.String("by", "", "month, depth, zone, product, fitzpatrick, practitioner, device or lot")
	beyond := fs.Bool("beyond-expected", false, beyondExpectedUsage)
	rest, code, ok := parseWithDB(fs, args, db, errOut)
	if !ok {
		return code
	}
	usageErr := usageError(errOut, "insights")
	if len(rest) > 0 {
		return usageErr("unexpected argument %q (the grouping is given with --by)", visible(rest[0]))
	}
	if *by == "" {
		return usageErr("--by is required: month, depth, zone, product, fitzpatrick, practitioner, device or lot")
	}
	dim, err := insights.ParseDimension(*by)
	if err != nil {
		return usageErr("--by: %s", visible(err.Error()))
	}
	q := insights.Query{BeyondExpected: *beyond}
	if q.From, q.To, err = period.dates(); err != nil {
		return usageErr("%s", err)
	}
	s, err := openToRead(ctx, *db)
	if err != nil {
		return fail(errOut, "insights", err)
	}
	defer s.Close()
	if q.PractitionerID, err = period.practitionerID(ctx, s); err != nil {
		return usageErr("%s", err)
	}
	b := insights.NewBuilder(q)
	if err := s.InsightFacts(ctx, q, func(f *insights.Fact) error { b.Add(f); return nil }); err != nil {
		return fail(errOut, "insights", err)
	}
	r := b.Report()
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, "%s\tsessions\tsessions with side effects\trate (%%)\n", dim)
	for _, g := range r.By[dim] {
		// A tab or line break typed into a name would split the line: said as \t, \n.
		group := visible(strings.TrimSpace(g.Group))
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\n", group, g.Sessions, g.WithSideEffects, wording.RatePercent(g))
	}
	if err := w.Flush(); err != nil {
		return fail(errOut, "insights", err)
	}
	return 0
}
