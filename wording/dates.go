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

// Clock is a time of day: "14:30".
func Clock(t time.Time) string { return t.Local().Format("15:04") }

// ClockSeconds is a time of day to the second, for a status that changes more than once a
// minute ("Saved at 14:30:05"): "14:30:05".
func ClockSeconds(t time.Time) string { return t.Local().Format("15:04:05") }

// LongDate is a day written out, for a client's sheet: "Monday 2 March 2026"; the zero date is "".
func LongDate(d data.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Format("Monday 2 January 2006")
}

// Weekday is a day of this year with its weekday, as a heading: "Monday 2 March".
func Weekday(d data.Date) string { return d.Format("Monday 2 January") }

// WeekdayShort is a day of this year with its weekday, within a list's line: "Monday 2 Mar".
func WeekdayShort(d data.Date) string { return d.Format("Monday 2 Jan") }

// DateTimeZone is a moment with its time zone, for a file read on another computer:
// "17 May 2026, 14:30 (CEST)"; the zero time is "".
func DateTimeZone(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return DateTime(t) + t.Local().Format(" (MST)")
}
