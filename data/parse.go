package data

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
)

// DateOrder is how a practice writes a date in numbers: day first (14/03/1988) or month first
// (03/14/1988). It is the practice's setting SettingDateOrder.
type DateOrder string

const (
	DayMonthYear DateOrder = "dmy"
	MonthDayYear DateOrder = "mdy"
)

// SettingDateOrder is the practice's DateOrder; unset, the computer's locale decides.
const SettingDateOrder = "dates.order"

// dateOrder is the order typed dates are read in: the open practice's, set when the app opens it
// and when Settings changes it. It is the process's, as a date typed anywhere in the app is read alike.
var dateOrder atomic.Value

// SetDateOrder makes typed dates read in o from now on; anything but MonthDayYear is day first.
func SetDateOrder(o DateOrder) {
	if o != MonthDayYear {
		o = DayMonthYear
	}
	dateOrder.Store(o)
}

// CurrentDateOrder is the order typed dates are read in now: the practice's, or the computer's.
func CurrentDateOrder() DateOrder {
	if o, ok := dateOrder.Load().(DateOrder); ok {
		return o
	}
	return SystemDateOrder()
}

// SystemDateOrder is the date order of the computer's locale where Go can tell (LC_ALL, LC_TIME,
// LANG on Unix-like systems: en_US writes month first), and day first otherwise, as most of the
// world does.
func SystemDateOrder() DateOrder {
	for _, k := range []string{"LC_ALL", "LC_TIME", "LANG"} {
		if v := os.Getenv(k); v != "" {
			return localeDateOrder(v)
		}
	}
	return DayMonthYear
}

// monthFirstRegions write dates month first.
var monthFirstRegions = map[string]bool{"US": true, "PH": true, "FM": true, "MH": true, "PW": true, "GU": true,
	"PR": true, "AS": true, "VI": true, "MP": true, "UM": true, "BZ": true}

// localeDateOrder reads a POSIX locale name ("en_US.UTF-8") or a language tag ("en-US").
func localeDateOrder(locale string) DateOrder {
	locale, _, _ = strings.Cut(locale, ".")
	locale, _, _ = strings.Cut(locale, "@")
	if _, region, ok := strings.Cut(strings.ReplaceAll(locale, "-", "_"), "_"); ok && monthFirstRegions[strings.ToUpper(region)] {
		return MonthDayYear
	}
	return DayMonthYear
}

// DatePattern is how a date is typed in order, for placeholders: "DD/MM/YYYY".
func DatePattern(o DateOrder) string {
	if o == MonthDayYear {
		return "MM/DD/YYYY"
	}
	return "DD/MM/YYYY"
}

// DateExample writes d as typed in order, for messages and placeholders: "14/03/1988".
func DateExample(d Date, o DateOrder) string {
	if o == MonthDayYear {
		return d.Format("01/02/2006")
	}
	return d.Format("02/01/2006")
}

// DateForms names the ways a date can be typed, for messages: "14/03/1988, 1988-03-14 or 14 Mar 1988".
func DateForms(o DateOrder) string {
	ex := NewDate(1988, time.March, 14)
	return DateExample(ex, o) + ", " + ex.String() + " or " + DateText(ex)
}

// DateText writes a date for a date field to show: "14 Mar 1988", which reads the same whatever
// the practice's order and reads back as typed.
func DateText(d Date) string { return d.Format("2 Jan 2006") }

// ParseTypedDate reads a date as typed anywhere in the app, in the practice's date order: see
// ParseDateIn. Empty text is no date (the zero Date).
//
// A date that reads one way only is taken that way, whatever the order: 14/03/2026 is the 14th
// of March to a practice that types the month first too. (Only when the practice's order fails
// can the other succeed, and then the other is the only reading.) Files are read strictly in
// one order instead: see the client import.
func ParseTypedDate(s string) (Date, error) {
	o := CurrentDateOrder()
	d, err := ParseDateIn(s, o)
	if err != nil {
		other := DayMonthYear
		if o == DayMonthYear {
			other = MonthDayYear
		}
		if d2, err2 := ParseDateIn(s, other); err2 == nil {
			return d2, nil
		}
	}
	return d, err
}

// ParseDateIn reads a date as people type it, the one parser of typed dates:
//   - ISO: 1988-03-14, 1988-3-14, 1988/03/14;
//   - in numbers in order o: 14/03/1988, 14.3.1988, 14-03-1988 (03/14/1988 month first);
//   - with the month's name, either way round: 14 Mar 1988, 14 March 1988, Mar 14, 1988, 14-Mar-1988.
//
// The year is written in full: "88" could be 1988 or 2088. Spaces around are ignored; empty
// text is no date (the zero Date).
func ParseDateIn(s string, o DateOrder) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	bad := func(why string) (Date, error) {
		return Date{}, fmt.Errorf("%q is not a date%s: type it as %s", s, why, DateForms(o))
	}
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '/' || r == '.' || r == '-' || r == ',' || unicode.IsSpace(r)
	})
	first, last := rune(s[0]), rune(s[len(s)-1])
	if len(parts) != 3 || !unicode.IsLetter(first) && !unicode.IsDigit(first) || !unicode.IsLetter(last) && !unicode.IsDigit(last) {
		return bad("")
	}
	var year, month, day string
	switch {
	case isDigits(parts[0]) && len(parts[0]) == 4: // ISO
		year, month, day = parts[0], parts[1], parts[2]
	case !isDigits(parts[1]): // 14 Mar 1988
		day, month, year = parts[0], parts[1], parts[2]
	case !isDigits(parts[0]): // Mar 14 1988
		month, day, year = parts[0], parts[1], parts[2]
	case o == MonthDayYear:
		month, day, year = parts[0], parts[1], parts[2]
	default:
		day, month, year = parts[0], parts[1], parts[2]
	}
	if !isDigits(year) || !isDigits(day) {
		return bad("")
	}
	if len(year) != 4 {
		return bad(" with the year in full")
	}
	m, ok := monthNumber(month)
	if !ok {
		return bad("")
	}
	y, _ := strconv.Atoi(year)
	dd, _ := strconv.Atoi(day)
	d := NewDate(y, time.Month(m), dd)
	if len(day) > 2 || dd < 1 || d.Day() != dd || d.Month() != time.Month(m) {
		return bad("")
	}
	return d, nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// monthNumber reads a month typed as a number (3, 03) or by name, in English, whole or cut to
// three letters or more ("Mar", "March", "sept").
func monthNumber(s string) (int, bool) {
	if isDigits(s) {
		m, _ := strconv.Atoi(s)
		return m, len(s) <= 2 && m >= 1 && m <= 12
	}
	name := strings.ToLower(s)
	if len(name) < 3 {
		return 0, false
	}
	for m := time.January; m <= time.December; m++ {
		if strings.HasPrefix(strings.ToLower(m.String()), name) {
			return int(m), true
		}
	}
	return 0, false
}

// ParseExpiry reads an expiry date as packaging prints it: YYYY-MM-DD, or YYYY-MM meaning the
// last day of that month. Empty text is no date.
func ParseExpiry(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-1", s); err == nil {
		return NewDate(t.Year(), t.Month()+1, 0), nil
	}
	d, err := ParseTypedDate(s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not an expiry: type it as a date, or YYYY-MM for the month's end", s)
	}
	return d, nil
}

// ParseDecimal reads a number typed with a point or a comma as the decimal mark ("1.25", "1,25").
func ParseDecimal(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}
