package report

import (
	"needlelog.app/needlelog/insights"
)

// insightsChart is one chart of the practice report.
type insightsChart struct{}

const chartGap = 3

func (c *insightsChart) height() float64 { return 0 }

// chart places a chart across the content width, kept on one page. A nil chart draws nothing.
func (d *doc) chart(c *insightsChart) {}

func monthsChart(r *insights.Report) *insightsChart                      { return nil }
func rateChart(r *insights.Report, by insights.Dimension) *insightsChart { return nil }
func revenueChart(r *insights.Report, currency string) *insightsChart    { return nil }
func resolutionChart(r *insights.Report) *insightsChart                  { return nil }
func spreadChart(spreads []insights.ResultSpread) *insightsChart         { return nil }
