package data

import (
	"strings"
	"testing"
)

func TestParseDateIn(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		o    DateOrder
		want string
	}{
		{"2026-05-07", DayMonthYear, "2026-05-07"}, {" 2026-5-7 ", MonthDayYear, "2026-05-07"}, {"", DayMonthYear, ""},
		{"2026/05/07", DayMonthYear, "2026-05-07"},
		{"07/05/2026", DayMonthYear, "2026-05-07"}, {"07/05/2026", MonthDayYear, "2026-07-05"},
		{"14.3.1988", DayMonthYear, "1988-03-14"}, {"3-14-1988", MonthDayYear, "1988-03-14"},
		{"14 Mar 1988", MonthDayYear, "1988-03-14"}, {"14 March 1988", DayMonthYear, "1988-03-14"},
		{"Mar 14, 1988", DayMonthYear, "1988-03-14"}, {"14-mar-1988", DayMonthYear, "1988-03-14"},
		{"1 Sept 2026", DayMonthYear, "2026-09-01"}, {"29 Feb 2028", DayMonthYear, "2028-02-29"},
	} {
		d, err := ParseDateIn(c.in, c.o)
		if err != nil || d.String() != c.want {
			t.Errorf("ParseDateIn(%q, %s) = %q, %v; want %q", c.in, c.o, d, err, c.want)
		}
	}
	for _, in := range []string{"2026-02-30", "2026-13-01", "tomorrow", "14/03/88", "13/14/2026", "31/02/2026",
		"14 Ma 1988", "14 Foo 1988", "14 Mar", "1988", "14/03/1988/1", "014/03/1988", "-1/03/1988", "0/3/1988"} {
		if d, err := ParseDateIn(in, DayMonthYear); err == nil {
			t.Errorf("ParseDateIn(%q) accepted it as %s", in, d)
		} else if !strings.Contains(err.Error(), "14/03/1988, 1988-03-14 or 14 Mar 1988") {
			t.Errorf("ParseDateIn(%q): %v does not show how to type a date", in, err)
		}
	}
	if _, err := ParseDateIn("03/14/1988", DayMonthYear); err == nil {
		t.Error("day first, 03/14/1988 was accepted")
	}
}

// Typed, a date that can be read one way only is read that way, whatever the practice's order;
// one that could be read both ways follows the order.
func TestParseTypedDateTakesTheOnlyReading(t *testing.T) {
	defer SetDateOrder(CurrentDateOrder())
	for _, c := range []struct {
		in   string
		o    DateOrder
		want string
	}{
		{"03/14/1988", DayMonthYear, "1988-03-14"}, {"14/03/1988", MonthDayYear, "1988-03-14"},
		{"03/04/1988", DayMonthYear, "1988-04-03"}, {"03/04/1988", MonthDayYear, "1988-03-04"},
	} {
		SetDateOrder(c.o)
		if d, err := ParseTypedDate(c.in); err != nil || d.String() != c.want {
			t.Errorf("ParseTypedDate(%q) in %s = %q, %v; want %s", c.in, c.o, d, err, c.want)
		}
	}
	SetDateOrder(MonthDayYear)
	if _, err := ParseTypedDate("13/14/1988"); err == nil || !strings.Contains(err.Error(), "03/14/1988") {
		t.Errorf("13/14/1988: %v, want the month-first forms shown", err)
	}
}

func TestDateOrderFromLocale(t *testing.T) {
	for in, want := range map[string]DateOrder{"en_US.UTF-8": MonthDayYear, "en-US": MonthDayYear, "en_GB.UTF-8": DayMonthYear,
		"de_DE@euro": DayMonthYear, "C.UTF-8": DayMonthYear, "C": DayMonthYear, "fil_PH": MonthDayYear} {
		if got := localeDateOrder(in); got != want {
			t.Errorf("locale %s: %s, want %s", in, got, want)
		}
	}
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_TIME", "en_US.UTF-8")
	if SystemDateOrder() != MonthDayYear {
		t.Error("LC_TIME=en_US does not read month first")
	}
}

func TestParseExpiry(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"2027-03": "2027-03-31", "2028-02": "2028-02-29", "2027-12": "2027-12-31",
		"2027-3-15": "2027-03-15", "": ""} {
		d, err := ParseExpiry(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseExpiry(%q) = %q, %v; want %q", in, d, err, want)
		}
	}
	if _, err := ParseExpiry("03/2027"); err == nil {
		t.Error("ParseExpiry accepted 03/2027")
	}
}

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]float64{"1.25": 1.25, "1,25": 1.25, " 2 ": 2, "-0.5": -0.5} {
		if v, err := ParseDecimal(in); err != nil || v != want {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %v", in, v, err, want)
		}
	}
	for _, in := range []string{"", "NaN", "Inf", "1.2.3", "two"} {
		if _, err := ParseDecimal(in); err == nil {
			t.Errorf("ParseDecimal(%q) accepted it", in)
		}
	}
}
