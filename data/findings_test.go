package data_test

import (
	"testing"

	"needlelog.app/needlelog/data"
)

func TestFindings(t *testing.T) {
	t.Parallel()
	day := data.NewDate(2026, 3, 10)
	rules := data.DefaultRules
	c := data.Client{History: []data.HistoryEntry{
		{Condition: "Isotretinoin (Accutane)", Until: day.AddDays(-100)}, // within 180 days: block
		{Condition: "Chemical peel", Until: day.AddDays(-45)},            // past its 30 days: gone
		{Condition: "herpes simplex, history"},                           // current, any case: warn
		{Condition: "Pregnancy", Until: day.AddDays(-400)},               // ended, no window: gone
		{Condition: "Thyroid medication"},                                // no rule, current: shown
		{Condition: "Broken wrist", Until: day.AddDays(-20)},             // no rule, ended: gone
	}}
	got := data.Findings(c, rules, day)
	want := []struct {
		condition string
		action    data.RuleAction
	}{{"Isotretinoin (Accutane)", data.RuleBlock}, {"herpes simplex, history", data.RuleWarn}, {"Thyroid medication", ""}}
	if len(got) != len(want) {
		t.Fatalf("findings: %+v", got)
	}
	for i, w := range want {
		if got[i].Condition != w.condition || got[i].Action != w.action {
			t.Errorf("finding %d: %+v, want %v %v", i, got[i], w.condition, w.action)
		}
	}
	if got[0].Message == "" {
		t.Error("a rule's finding carries no message")
	}
}
