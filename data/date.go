package data

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar day with no time of day and no time zone, such as a date of birth or the day a
// side effect resolved. The zero Date means "not recorded". It is stored as "2006-01-02" text.
type Date struct {
	t time.Time // midnight UTC; zero when not recorded
}

const dateLayout = "2006-01-02"

// NewDate returns the given calendar day; out-of-range values normalise as time.Date does.
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar day of t in the computer's time zone, which is the practice's:
// times are stored in UTC, and an evening session in California is already tomorrow there.
func DateOf(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	y, m, d := t.Local().Date()
	return NewDate(y, m, d)
}

// ParseDate reads "2006-01-02"; the empty string is the zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

func (d Date) IsZero() bool { return d.t.IsZero() }

// String returns "2006-01-02", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

func (d Date) Year() int { return d.t.Year() }

func (d Date) Month() time.Month { return d.t.Month() }

func (d Date) Day() int { return d.t.Day() }

func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

func (d Date) Equal(o Date) bool { return d.t.Equal(o.t) }

func (d Date) After(o Date) bool { return d.t.After(o.t) }

func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

func (d Date) Format(l string) string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(l)
}

// Start is the moment the day begins in the computer's time zone.
func (d Date) Start() time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.Local)
}

// DaysSince returns the number of whole days from o to d (negative when d is earlier).
func (d Date) DaysSince(o Date) int { return int(d.t.Sub(o.t).Hours() / 24) }

// YearsSince returns full years from o to d, as an age is counted.
func (d Date) YearsSince(o Date) int {
	years := d.Year() - o.Year()
	if d.Month() < o.Month() || (d.Month() == o.Month() && d.Day() < o.Day()) {
		years--
	}
	return years
}

func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	parsed, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// StoredTimeLayout is RFC 3339 in UTC with a fixed nine-digit fraction, so that stored times sort
// as text in time order (RFC3339Nano drops trailing zeros, and "10:00:00.5Z" sorts after "10:00:00Z").
const StoredTimeLayout = "2006-01-02T15:04:05.000000000Z"

// TimeText formats a time for storage.
func TimeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(StoredTimeLayout)
}

func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}
