package sqlstore_test

import (
	"context"
	"database/sql"
	"net/url"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// insightsDemo is a busy clinic's ten years: most of its 20,000 clients came and went over them.
var insightsDemo = demo.Options{Clients: 20_000, Sessions: 100_000, Seed: 7, Years: 10}

// insightsDemoFile is the demo practice as a SQLite file, made on first use (a few minutes) and
// kept for the next runs (sqlitetest.DemoFile).
func insightsDemoFile(b *testing.B) string { return sqlitetest.DemoFile(b, insightsDemo) }

// BenchmarkInsightsYear is every figure of the insights for the demo practice's last year (the
// 365 days to its latest session): what the Insights screen waits for. Target: under 300 ms.
func BenchmarkInsightsYear(b *testing.B) { benchInsights(b, 365) }

// BenchmarkInsightsMonth is the same for the last 30 days, the screen's first period.
func BenchmarkInsightsMonth(b *testing.B) { benchInsights(b, 30) }

func benchInsights(b *testing.B, days int) {
	path := insightsDemoFile(b)
	ctx := context.Background()
	raw, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	var last string
	err = raw.QueryRowContext(ctx, `SELECT max(started_at) FROM sessions`).Scan(&last)
	raw.Close()
	if err != nil {
		b.Fatal(err)
	}
	at, err := data.ParseTime(last)
	if err != nil {
		b.Fatal(err)
	}
	to := data.DateOf(at)
	q := insights.Query{From: to.AddDays(1 - days), To: to}
	s, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var r insights.Report
	for b.Loop() {
		bl := insights.NewBuilder(q)
		if err := s.InsightFacts(ctx, q, func(f *insights.Fact) error { bl.Add(f); return nil }); err != nil {
			b.Fatal(err)
		}
		r = bl.Report()
	}
	b.ReportMetric(float64(r.Sessions), "sessions")
	b.ReportMetric(float64(len(r.Signals)), "signals")
}

// BenchmarkInsightsCompute is the figures alone, from the year's facts already read: what the
// domain adds to the reading.
func BenchmarkInsightsCompute(b *testing.B) {
	path := insightsDemoFile(b)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	q := insights.Query{From: data.NewDate(2025, 12, 6), To: data.NewDate(2026, 12, 5)}
	var facts []insights.Fact
	if err := s.InsightFacts(ctx, q, func(f *insights.Fact) error { facts = append(facts, *f); return nil }); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		insights.Compute(q, facts)
	}
	b.ReportMetric(float64(len(facts)), "sessions")
}
