package wording_test

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/wording"
)

func TestMillimetreRanges(t *testing.T) {
	// A depth reads as typed, the same in the zone map, the editor and settings: no "1.0".
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{0.5, 1.5, "0.5–1.5 mm"}, {1, 2, "1–2 mm"}, {0.25, 0.75, "0.25–0.75 mm"}, {0, 1.125, "0–1.125 mm"},
	} {
		if got := wording.MMRange(c.lo, c.hi); got != c.want {
			t.Errorf("MMRange(%v, %v) = %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
	if got := wording.MM(1.0); got != "1 mm" {
		t.Errorf("MM(1.0) = %q, want 1 mm", got)
	}
}

func TestPhotoConsent(t *testing.T) {
	want := map[data.PhotoConsent]string{
		data.PhotoConsentNone:      "No photos may be used",
		data.PhotoConsentClinical:  "Clinical record only",
		data.PhotoConsentEducation: "Record and teaching (anonymised)",
		data.PhotoConsentMarketing: "Record, teaching and marketing",
		"":                         "No photos may be used", // never wider than given
		"everything":               "No photos may be used",
	}
	for c, w := range want {
		if got := wording.PhotoConsent(c); got != w {
			t.Errorf("PhotoConsent(%q) = %q, want %q", c, got, w)
		}
	}
	// The form offers each scope in data's order, worded as every other screen and the PDF say it.
	choices := wording.PhotoConsentChoices()
	if len(choices) != len(data.PhotoConsents) {
		t.Fatalf("%d choices for %d consents", len(choices), len(data.PhotoConsents))
	}
	for i, c := range data.PhotoConsents {
		if choices[i] != want[c] {
			t.Errorf("choice %d = %q, want %q", i, choices[i], want[c])
		}
	}
	if sorted := slices.Compact(slices.Sorted(slices.Values(choices))); len(sorted) != len(choices) {
		t.Errorf("two consents are worded alike: %q", choices)
	}
	choices[0] = "changed"
	if wording.PhotoConsentChoices()[0] == "changed" {
		t.Error("a caller's change to the choices reached the next caller")
	}
}

func TestFitzpatrick(t *testing.T) {
	for n, want := range map[int]string{0: "", 1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "", -1: ""} {
		if got := wording.Fitzpatrick(n); got != want {
			t.Errorf("Fitzpatrick(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestClockAndLongDates(t *testing.T) {
	at := time.Date(2026, time.March, 2, 9, 5, 7, 0, time.Local)
	if got := wording.Clock(at); got != "09:05" {
		t.Errorf("Clock = %q", got)
	}
	if got := wording.ClockSeconds(at); got != "09:05:07" {
		t.Errorf("ClockSeconds = %q", got)
	}
	// A time stored in UTC is said in the practice's own time zone.
	if got, want := wording.Clock(at.UTC()), "09:05"; got != want {
		t.Errorf("Clock of the same time in UTC = %q, want %q", got, want)
	}
	d := data.NewDate(2026, time.March, 2)
	for _, c := range []struct {
		name, got, want string
	}{
		{"LongDate", wording.LongDate(d), "Monday 2 March 2026"},
		{"LongDate of no date", wording.LongDate(data.Date{}), ""},
		{"LongDate of a session's time", wording.LongDate(data.DateOf(at.UTC())), "Monday 2 March 2026"},
		{"Weekday", wording.Weekday(data.NewDate(2026, time.September, 30)), "Wednesday 30 September"},
		{"WeekdayShort", wording.WeekdayShort(data.NewDate(2026, time.September, 30)), "Wednesday 30 Sep"},
		{"DateTimeZone of no time", wording.DateTimeZone(time.Time{}), ""},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if got := wording.DateTimeZone(at.UTC()); !regexp.MustCompile(`^2 Mar 2026, 09:05 \([A-Za-z0-9+-]+\)$`).MatchString(got) {
		t.Errorf("DateTimeZone = %q, want the date, the time and the zone", got)
	}
}
