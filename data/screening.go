package data

import (
	"strings"
)

// Finding is something in a client's record that matters before treating.
type Finding struct {
	Condition string
	Action    RuleAction // block or warn; "" when no rule covers a recorded condition
	Message   string
	Entry     HistoryEntry
	Window    int // the rule's days after the condition ended during which it still applies
}

// Findings lists the client's history entries that still matter on day: those a rule covers
// while the condition is current or within the rule's window after it ended, and those no rule
// covers that are current. Blocks come first.
func Findings(c Client, rules []Rule, day Date) []Finding {
	byCondition := map[string]Rule{}
	for _, r := range rules {
		if !r.Retired {
			byCondition[strings.ToLower(strings.TrimSpace(r.Condition))] = r
		}
	}
	var blocks, warns, others []Finding
	for _, h := range c.History {
		r, ok := byCondition[strings.ToLower(strings.TrimSpace(h.Condition))]
		current := h.Until.IsZero() || !h.Until.Before(day)
		switch {
		case !ok:
			if current {
				others = append(others, Finding{Condition: h.Condition, Entry: h})
			}
		case current || !day.After(h.Until.AddDays(r.WindowDays)):
			f := Finding{Condition: h.Condition, Action: r.Action, Message: r.Message, Entry: h, Window: r.WindowDays}
			if r.Action == RuleBlock {
				blocks = append(blocks, f)
			} else {
				warns = append(warns, f)
			}
		}
	}
	return append(append(blocks, warns...), others...)
}
