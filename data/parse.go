package data

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Parsers for what people type. Storage uses ParseDate's one strict form; forms, imports and the
// command line accept these slightly looser forms, the same everywhere.

// ParseTypedDate reads a date as typed: YYYY-MM-DD, with single-digit months and days allowed
// (2026-5-7) and spaces around ignored. Empty text is no date (the zero Date).
func ParseTypedDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse("2006-1-2", s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return NewDate(t.Year(), t.Month(), t.Day()), nil
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
		return Date{}, fmt.Errorf("%q is not an expiry in the form YYYY-MM-DD or YYYY-MM", s)
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
