package ui

import (
	"image"

	"needlelog.app/needlelog/chart"
	"needlelog.app/needlelog/insights"
)

// The figures' charts, drawn by package chart; each bar is in the order of its table's rows.

// drawWith is a chart of package chart as the screen draws it.
func drawWith(draw func(o chart.Options) *chart.Chart) chartDraw {
	return func(w, h int, scale float64, style chart.Style) (image.Image, func(x, y int) (int, bool)) {
		c := draw(chart.Options{Style: style, Width: w, Height: h, Scale: scale})
		return c.Image, c.Hit
	}
}

// rateChart draws a grouping's side-effect rates; the months' as sessions per month, with the
// part that had a side effect.
func rateChart(rep *insights.Report, d insights.Dimension) chartDraw {
	if d == insights.ByMonth {
		return drawWith(func(o chart.Options) *chart.Chart { return chart.Sessions(rep, o) })
	}
	return drawWith(func(o chart.Options) *chart.Chart { return chart.Rates(rep, d, o) })
}

func resolutionChart(res []insights.Resolution) chartDraw {
	return drawWith(func(o chart.Options) *chart.Chart { return chart.Resolutions(res, o) })
}

func resultChart(spreads []insights.ResultSpread) chartDraw {
	return drawWith(func(o chart.Options) *chart.Chart { return chart.Results(spreads, o) })
}

func revenueChart(months []insights.Month, currency string) chartDraw {
	return drawWith(func(o chart.Options) *chart.Chart { return chart.Revenue(months, currency, o) })
}
