package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// ruleTab edits the contraindication rules the session editor checks a client's history against.
type ruleTab struct {
	ed        *settingsEditor[data.Rule]
	condition *nlwidget.TextField
	action    *nlwidget.PickSelect
	window    *nlwidget.TextField
	message   *nlwidget.TextField
}

var (
	settingsRuleActions     = []data.RuleAction{data.RuleBlock, data.RuleWarn}
	settingsRuleActionNames = []string{"Block: treat only with a written reason", "Warn"}
)

func newRuleTab(s *settingsWindow) *ruleTab {
	t := &ruleTab{}
	ed := &settingsEditor[data.Rule]{s: s, noun: "rule", nameField: "condition", notes: newReservedNotes(),
		id: func(r data.Rule) string { return r.ID },
		row: func(r data.Rule) (string, string, widget.Importance) {
			what, imp := "warns", widget.WarningImportance
			if r.Action == data.RuleBlock {
				what, imp = "blocks", widget.DangerImportance
			}
			if r.WindowDays > 0 {
				what += fmt.Sprintf(" · %d days after", r.WindowDays)
			}
			return r.Condition, what, imp
		},
		retired:    func(r data.Rule) bool { return r.Retired },
		setRetired: func(r *data.Rule, v bool) { r.Retired = v },
		fresh: func() data.Rule {
			return data.Rule{Action: data.RuleWarn,
				Position: settingsNextPosition(t.ed.items, func(r data.Rule) int { return r.Position })}
		},
		show: func(r data.Rule) {
			t.condition.SetText(r.Condition)
			t.action.SetSelectedIndex(slices.Index(settingsRuleActions, r.Action))
			t.window.SetText(optionalInt(r.WindowDays))
			t.message.SetText(r.Message)
		},
		read: func(r data.Rule) (data.Rule, error) {
			var p settingsParser
			r.Condition = t.condition.Text
			if i := t.action.SelectedIndex(); i >= 0 {
				r.Action = settingsRuleActions[i]
			}
			r.WindowDays = p.count("window_days", "The time window", t.window)
			r.Message = strings.TrimSpace(t.message.Text)
			return r, p.err()
		},
		save: s.store.SaveRule,
		load: func(ctx context.Context) ([]data.Rule, error) { return s.store.Rules(ctx, true) },
	}
	t.ed = ed
	t.condition = ed.textEntry("e.g. Isotretinoin (oral)")
	t.action = nlwidget.NewSelect(settingsRuleActionNames, func(string) { ed.changed() })
	t.window = ed.textEntry("0: only while current")
	t.message = ed.entry(nlwidget.NewMultiLineField())
	t.message.Wrapping = fyne.TextWrapWord
	t.message.SetPlaceHolder("What the practitioner reads, e.g. wait 6 months after the last dose.")
	ed.first = t.condition
	ed.build(nil, container.NewVBox(
		settingsRow(ed.notes,
			settingsField{"Condition in the medical history", "condition", t.condition},
			settingsField{"When it applies", "action", t.action}),
		settingsRow(ed.notes, settingsField{"Days after it ended", "window_days", t.window}),
		settingsHint("A rule applies while the condition is current, and for this many days after its end date."),
		settingsRow(ed.notes, settingsField{"Message", "message", t.message}),
		settingsHint("The client's page and the session editor show it whenever a client's history matches the condition."),
	))
	return t
}
