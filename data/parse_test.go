package data

import "testing"

func TestParseTypedDate(t *testing.T) {
	for in, want := range map[string]string{"2026-05-07": "2026-05-07", " 2026-5-7 ": "2026-05-07", "": ""} {
		d, err := ParseTypedDate(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseTypedDate(%q) = %q, %v; want %q", in, d, err, want)
		}
	}
	for _, in := range []string{"07/05/2026", "2026-02-30", "2026-13-01", "tomorrow"} {
		if _, err := ParseTypedDate(in); err == nil {
			t.Errorf("ParseTypedDate(%q) accepted it", in)
		}
	}
}

func TestParseExpiry(t *testing.T) {
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
