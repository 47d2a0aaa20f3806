package report

import (
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/wording"
)

// outcomeColumns head a table of the results assessed after a session, in the history and the
// session record alike.
var outcomeColumns = []column{{"Result assessed", 2.3, "L"}, {"Improvement (GAIS)", 2.4, "L"}, {"Satisfaction", 1.6, "L"},
	{"Acne scars (Goodman and Baron)", 3, "L"}, {"Assessed by", 2.4, "L"}, {"Notes", 3.6, "L"}}

// outcomeRows are the rows of outcomeColumns, one per assessment, in the order given.
func outcomeRows(os []data.Outcome, cat Catalog) [][]string {
	rows := make([][]string, len(os))
	for i, o := range os {
		satisfaction := ""
		if o.Satisfaction.Valid {
			satisfaction = wording.Satisfaction(o.Satisfaction.V)
		}
		grade := o.GAIS.Words()
		if grade == "" { // a grade no scale has is shown as stored rather than hidden
			grade = string(o.GAIS)
		}
		rows[i] = []string{wording.Date(data.DateOf(o.AssessedAt)) + "\n" + wording.AssessedFrom(o.FromPhotos), grade,
			satisfaction, wording.ScarGrades(o.ScarBaseline, o.ScarNow), cat.practitioner(o.PractitionerID), o.Notes}
	}
	return rows
}

// outcomesBySession groups a client's assessments by the session they follow, keeping their order.
func outcomesBySession(os []data.Outcome) map[string][]data.Outcome {
	if len(os) == 0 {
		return nil
	}
	by := make(map[string][]data.Outcome)
	for _, o := range os {
		by[o.SessionID] = append(by[o.SessionID], o)
	}
	return by
}
