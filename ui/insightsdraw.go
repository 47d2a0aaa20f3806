package ui

import "needlelog.app/needlelog/insights"

// The figures' charts (package chart).

func rateChart(rep *insights.Report, d insights.Dimension) chartDraw  { return nil }
func resolutionChart(res []insights.Resolution) chartDraw             { return nil }
func resultChart(spreads []insights.ResultSpread) chartDraw           { return nil }
func revenueChart(months []insights.Month, currency string) chartDraw { return nil }
