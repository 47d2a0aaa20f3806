package wording

import (
	"fmt"
	"strconv"
	"strings"
)

// Number writes a measure as typed: the shortest decimal that reads back as the same value,
// "0.25", "12000", no grouping and no trailing zeros.
func Number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// MM is a depth in millimetres: "0.25 mm".
func MM(v float64) string { return Number(v) + " mm" }

// MMRange is a span of depths: "0.5–1.5 mm".
func MMRange(lo, hi float64) string { return Number(lo) + "–" + Number(hi) + " mm" }

// Count is a number of things: "1 session", "3 sessions". many is the plural as English spells it.
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Plural picks the words for n: one when n is 1, else many, with n written where many holds %d
// ("%d entries were").
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	if strings.Contains(many, "%d") {
		return fmt.Sprintf(many, n)
	}
	return many
}

// Thousands writes a count with thousands separators: 1,204.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// OfN is a place in a sequence: "2 of 4".
func OfN(n, of int) string { return strconv.Itoa(n) + " of " + strconv.Itoa(of) }
