package wording

import (
	"time"

	"needlelog.app/needlelog/data"
)

// Dates and times are the computer's local ones, as the practice lives them. A date is written
// by data.DateText, which date parsing also reads back, so that a date shown can be typed again.

// Date is a day: "17 May 2026"; the zero date is "".
func Date(d data.Date) string { return data.DateText(d) }

// DateTime is a moment: "17 May 2026, 14:30"; the zero time is "".
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Date(data.DateOf(t)) + ", " + t.Local().Format("15:04")
}

// WeekdayTime is a moment with its weekday, for sessions: "Tue 13 Jan 2026, 12:30"; the zero
// time is "".
func WeekdayTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("Mon ") + DateTime(t)
}
