package wording_test

import (
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/wording"
)

func TestNumbersAndMillimetres(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		v       float64
		num, mm string
	}{
		{0.25, "0.25", "0.25 mm"}, {1.5, "1.5", "1.5 mm"}, {2, "2", "2 mm"}, {0, "0", "0 mm"}, {12000, "12000", "12000 mm"},
		{1.75, "1.75", "1.75 mm"},
	} {
		if got := wording.Number(c.v); got != c.num {
			t.Errorf("Number(%v) = %q, want %q", c.v, got, c.num)
		}
		if got := wording.MM(c.v); got != c.mm {
			t.Errorf("MM(%v) = %q, want %q", c.v, got, c.mm)
		}
	}
}

func TestCountsAndPlurals(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n           int
		count, verb string
	}{
		{0, "0 entries", "0 entries were"}, {1, "1 entry", "it was"}, {2, "2 entries", "2 entries were"}, {1204, "1204 entries", "1204 entries were"},
	} {
		if got := wording.Count(c.n, "entry", "entries"); got != c.count {
			t.Errorf("Count(%d) = %q, want %q", c.n, got, c.count)
		}
		if got := wording.Plural(c.n, "it was", "%d entries were"); got != c.verb {
			t.Errorf("Plural(%d) = %q, want %q", c.n, got, c.verb)
		}
	}
	if got := wording.Plural(2, "is", "are"); got != "are" {
		t.Errorf("Plural without a count = %q", got)
	}
	if got := wording.OfN(2, 4); got != "2 of 4" {
		t.Errorf("OfN(2, 4) = %q", got)
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cents int64
		code  string
		want  string
	}{
		{35000, "EUR", "€350.00"}, {4950, "gbp", "£49.50"}, {5, "USD", "$0.05"}, {35000, "CHF", "CHF 350.00"},
		{3500050, "JPY", "¥35001"}, {-1250, "EUR", "-€12.50"}, {35000, "", "350.00"}, {100, "AUD", "A$1.00"},
		{0, "USD", "$0.00"}, {3500, " jpy ", "¥35"},
	} {
		if got := wording.Money(c.cents, c.code); got != c.want {
			t.Errorf("Money(%d, %q) = %q, want %q", c.cents, c.code, got, c.want)
		}
	}
	for code, want := range map[string]string{"EUR": "Price (€)", "GBP": "Price (£)", "USD": "Price ($)", "JPY": "Price (¥)",
		"CHF": "Price (CHF)", "": "Price"} {
		if got := wording.MoneyTitle("Price", code); got != want {
			t.Errorf("MoneyTitle(Price, %q) = %q, want %q", code, got, want)
		}
	}
}

func TestDatesAndTimes(t *testing.T) {
	// A moment late in the evening in UTC is the next day in a zone east of it: said in the
	// computer's zone, as the practice lives it.
	zone := time.FixedZone("UTC+10", 10*3600)
	old := time.Local
	time.Local = zone
	t.Cleanup(func() { time.Local = old })
	at := time.Date(2026, 1, 13, 22, 30, 0, 0, time.UTC)
	if got := wording.DateTime(at); got != "14 Jan 2026, 08:30" {
		t.Errorf("DateTime = %q, want 14 Jan 2026, 08:30 (local)", got)
	}
	if got := wording.WeekdayTime(at); got != "Wed 14 Jan 2026, 08:30" {
		t.Errorf("WeekdayTime = %q", got)
	}
	if got := wording.Date(data.NewDate(2026, time.May, 17)); got != "17 May 2026" {
		t.Errorf("Date = %q", got)
	}
	if wording.DateTime(time.Time{}) != "" || wording.WeekdayTime(time.Time{}) != "" || wording.Date(data.Date{}) != "" {
		t.Error("an unknown date or time is said as something")
	}
}

func TestPhotoLabelAndSeries(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		tags          data.PhotoTags
		label, inline string
	}{
		{data.PhotoTags{Kind: data.PhotoBefore, View: "Frontal", Zone: "Cheeks"}, "Before · Frontal · Cheeks", "before · Frontal · Cheeks"},
		{data.PhotoTags{Kind: data.PhotoFollowUp, View: "Left 45°"}, "Follow-up · Left 45°", "follow-up · Left 45°"},
		{data.PhotoTags{Kind: data.PhotoAfter, Zone: "Neck"}, "After · Neck", "after · Neck"},
	} {
		if got := wording.PhotoLabel(data.Photo{PhotoTags: c.tags}); got != c.label {
			t.Errorf("PhotoLabel(%+v) = %q, want %q", c.tags, got, c.label)
		}
		if got := wording.PhotoLabelInline(data.Photo{PhotoTags: c.tags}); got != c.inline {
			t.Errorf("PhotoLabelInline(%+v) = %q, want %q", c.tags, got, c.inline)
		}
	}
	for _, c := range []struct {
		n, of int
		want  string
	}{{2, 4, "Session 2 of 4"}, {2, 0, "Session 2"}, {0, 0, "Session 1"}} {
		if got := wording.Series(c.n, c.of); got != c.want {
			t.Errorf("Series(%d, %d) = %q, want %q", c.n, c.of, got, c.want)
		}
	}
}

func TestPhotoCaption(t *testing.T) {
	t.Parallel()
	taken := time.Date(2026, 2, 10, 12, 35, 0, 0, time.Local)
	p := data.Photo{TakenAt: taken, PhotoTags: data.PhotoTags{Kind: data.PhotoBefore, View: "Frontal", Zone: "Cheeks"}}
	se := data.Session{SeriesN: 2, SeriesOf: 4,
		Zones:    []data.ZoneTreatment{{Zone: "Forehead", DepthMM: 0.5, Passes: 1}, {Zone: "cheeks", DepthMM: 1.25, Passes: 3}},
		Products: []data.ProductUse{{ProductID: "ha", Lot: "HA-2291"}, {ProductID: "cu"}, {ProductID: "gone", Lot: "X-1"}}}
	products := map[string]data.Product{"ha": {ID: "ha", Name: "Hyaluronic acid"}, "cu": {ID: "cu", Name: "Copper peptide"}}
	got := strings.Join(wording.PhotoCaption(p, &se, products), " | ")
	want := "Before · Frontal · Cheeks | 10 Feb 2026, 12:35 · Session 2 of 4 | cheeks 1.25 mm × 3 passes | " +
		"Products: Hyaluronic acid (lot HA-2291), Copper peptide, unknown product gone (lot X-1)"
	if got != want {
		t.Errorf("caption\n%q, want\n%q", got, want)
	}
	p.Zone = ""
	se.Products, se.SeriesOf = nil, 0
	if got := strings.Join(wording.PhotoCaption(p, &se, nil), " | "); got !=
		"Before · Frontal | 10 Feb 2026, 12:35 · Session 2 | Forehead 0.5 mm × 1 pass; cheeks 1.25 mm × 3 passes" {
		t.Errorf("a photo of no zone is captioned %q", got)
	}
	p.Zone = "Neck"
	if got := strings.Join(wording.PhotoCaption(p, &se, nil), " | "); got !=
		"Before · Frontal · Neck | 10 Feb 2026, 12:35 · Session 2 | Neck not treated in this session" {
		t.Errorf("a photo of an untreated zone is captioned %q", got)
	}
	p.Zone = ""
	if got := strings.Join(wording.PhotoCaption(p, nil, nil), " | "); got != "Before · Frontal | 10 Feb 2026, 12:35 | Not filed under a session" {
		t.Errorf("a photo of no session is captioned %q", got)
	}
}

func TestMoneyTotal(t *testing.T) {
	for _, c := range []struct {
		cents int64
		code  string
		want  string
	}{
		{19015000, "GBP", "£190,150.00"}, {35000, "EUR", "€350.00"}, {123456789, "CHF", "CHF 1,234,567.89"},
		{350000000, "JPY", "¥3,500,000"}, {-123456, "", "-1,234.56"}, {0, "", "0.00"},
	} {
		if got := wording.MoneyTotal(c.cents, c.code); got != c.want {
			t.Errorf("MoneyTotal(%d, %q) = %q, want %q", c.cents, c.code, got, c.want)
		}
	}
}
