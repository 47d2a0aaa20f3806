package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/insights"
)

// practice is a small practice with exact figures: four lots, one with a signal, one of three
// sessions (too few to rate), one with a long name.
func practice() *insights.Report {
	r := &insights.Report{Sessions: 100, WithSideEffects: 12}
	r.By = map[insights.Dimension][]insights.Rate{insights.ByLot: {
		{Group: "A-1", Sessions: 40, WithSideEffects: 2},                        // 5%
		{Group: "B-22", Sessions: 30, WithSideEffects: 6},                       // 20%
		{Group: "C-9931 (Nano cartridge 12)", Sessions: 20, WithSideEffects: 1}, // 5%
		{Group: "D-4", Sessions: 3, WithSideEffects: 2},                         // too few
		{Group: "E-50 (Hyaluronic serum with a very long product name from the supplier)", Sessions: 7, WithSideEffects: 1},
	}}
	r.Signals = []insights.Signal{{By: insights.ByLot, Rate: r.By[insights.ByLot][1], PracticeRate: r.Overall(), P: 0.004}}
	for i, m := range []string{"2025-11", "2025-12", "2026-01", "2026-02"} {
		r.Months = append(r.Months, insights.Month{Month: m, Sessions: 10 + 10*i, WithSideEffects: i, RevenueCents: int64(100000 * (i + 1)), Priced: 5})
	}
	r.Resolutions = []insights.Resolution{
		{Kind: "erythema", Count: 8, Resolved: 8, MeanDays: 2.5, MedianDays: 2},
		{Kind: "post-inflammatory hyperpigmentation", Count: 3, Resolved: 2, MeanDays: 40, MedianDays: 40},
		{Kind: "bruising", Count: 1},
	}
	r.ResultsByConcern = []insights.ResultSpread{
		{Group: "acne scars", Grades: [5]int{2, 5, 3, 1, 0}},
		{Group: "fine lines", Grades: [5]int{0, 1, 2, 2, 1}},
		{Group: "not recorded", Grades: [5]int{1, 0, 0, 0, 0}},
	}
	return r
}

var sizes = []Options{{Width: 800, Height: 400, Scale: 1}, {Width: 1280, Height: 720, Scale: 2}, {Width: 420, Height: 300, Scale: 1}}

// save writes c under /tmp/chart for a look.
func save(t *testing.T, name string, c *Chart) {
	t.Helper()
	b, err := c.PNG()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("%s: the PNG does not decode: %v", name, err)
	}
	dir := filepath.Join(os.TempDir(), "chart")
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestExamples(t *testing.T) {
	r := practice()
	for _, st := range []struct {
		name string
		s    Style
	}{{"light", Light}, {"dark", Dark}} {
		for _, o := range sizes {
			o.Style = st.s
			tag := fmt.Sprintf("%s-%dx%d@%g", st.name, o.Width, o.Height, o.Scale)
			save(t, "rates-"+tag, Rates(r, insights.ByLot, o))
			save(t, "sessions-"+tag, Sessions(r, o))
			save(t, "revenue-"+tag, Revenue(r.Months, "EUR", o))
			save(t, "results-"+tag, Results(r.ResultsByConcern, o))
			save(t, "resolutions-"+tag, Resolutions(r.Resolutions, o))
			save(t, "empty-"+tag, Rates(&insights.Report{}, insights.ByLot, o))
		}
	}
}

// each runs f for both styles at every size.
func each(t *testing.T, f func(t *testing.T, o Options)) {
	for _, s := range []Style{Light, Dark} {
		for _, o := range sizes {
			o.Style = s
			t.Run(fmt.Sprintf("%dx%d@%g-%v", o.Width, o.Height, o.Scale, s == Dark), func(t *testing.T) { f(t, o) })
		}
	}
}

func centre(r image.Rectangle) image.Point { return image.Pt((r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2) }

func same(a, b color.Color) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	near := func(x, y uint32) bool { return x/257 <= y/257+2 && y/257 <= x/257+2 }
	return near(ar, br) && near(ag, bg) && near(ab, bb)
}

// inked counts the pixels of r nearer the style's foreground than its background and grid: text.
func inked(img image.Image, r image.Rectangle, st Style) int {
	d := func(a, b color.Color) float64 {
		ar, ag, ab, _ := a.RGBA()
		br, bg, bb, _ := b.RGBA()
		x, y, z := float64(ar)-float64(br), float64(ag)-float64(bg), float64(ab)-float64(bb)
		return x*x + y*y + z*z
	}
	n := 0
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.At(x, y)
			if f := d(c, st.Foreground); f < d(c, st.Background) && f < d(c, st.Grid) {
				n++
			}
		}
	}
	return n
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// hits checks that the centre of each bar of c hits that bar.
func hits(t *testing.T, c *Chart, n int) {
	t.Helper()
	if len(c.Bars) != n {
		t.Fatalf("%d bars, want %d", len(c.Bars), n)
	}
	for k, b := range c.Bars {
		if b.Empty() {
			continue
		}
		if !b.In(c.Image.Bounds()) {
			t.Errorf("bar %d %v is not inside the image %v", k, b, c.Image.Bounds())
		}
		p := centre(b)
		if i, ok := c.Hit(p.X, p.Y); !ok || i != k {
			t.Errorf("the centre of bar %d %v hits %d %v", k, p, i, ok)
		}
	}
}

func TestRates(t *testing.T) {
	r := practice()
	each(t, func(t *testing.T, o Options) {
		c := Rates(r, insights.ByLot, o)
		// A small chart may grow taller so that its names stay readable, never wider.
		if b := c.Image.Bounds(); b.Dx() != o.Width || b.Dy() < o.Height || b.Dy() > o.Height*3/2 {
			t.Fatalf("the image is %v, want %dx%d", c.Image.Bounds(), o.Width, o.Height)
		}
		hits(t, c, 5)
		a, b, cc := c.Bars[0].Dx(), c.Bars[1].Dx(), c.Bars[2].Dx()
		if a <= 0 || b < 3*a || b > 5*a || cc < a-1 || cc > a+1 {
			t.Errorf("bars of 5%%, 20%% and 5%% are %d, %d and %d pixels long", a, b, cc)
		}
		if got := c.Image.At(centre(c.Bars[1]).X, centre(c.Bars[1]).Y); !same(got, o.Style.Warning) {
			t.Errorf("the bar with a signal is %v, not the warning colour", got)
		}
		if got := c.Image.At(centre(c.Bars[0]).X, centre(c.Bars[0]).Y); !same(got, o.Style.Accent) {
			t.Errorf("a plain bar is %v, not the accent", got)
		}
		// The group of 3 sessions is hatched: pale, with lines, neither accent nor warning at large.
		few := c.Bars[3]
		accent := 0
		for x := few.Min.X + 2; x < few.Max.X-2; x++ {
			if same(c.Image.At(x, centre(few).Y), o.Style.Accent) {
				accent++
			}
		}
		if accent > few.Dx()/2 {
			t.Errorf("the group of 3 sessions is drawn in the accent like a rated group")
		}
		dark := luminance(c.Image.At(1, 1)) < 0.2
		if dark != (o.Style == Dark) {
			t.Errorf("background luminance %.2f in the %v style", luminance(c.Image.At(1, 1)), o.Style == Dark)
		}
		// A click left of a bar, on its name, opens it too; a click on the legend opens nothing.
		if i, ok := c.Hit(2, centre(c.Bars[2]).Y); !ok || i != 2 {
			t.Errorf("a click on the third name hits %d %v", i, ok)
		}
		if i, ok := c.Hit(o.Width/2, o.Height-2); ok {
			t.Errorf("a click on the legend hits bar %d", i)
		}
	})
}

func TestRateLabelsSayCountsForSmallGroups(t *testing.T) {
	r := practice()
	rows, keys := rateRows(r, insights.ByLot, Light)
	want := []string{"5.0%", "20.0% · signal", "5.0%", "2 of 3", "1 of 7"}
	for i, w := range want {
		if rows[i].label != w {
			t.Errorf("group %s is labelled %q, want %q", rows[i].name, rows[i].label, w)
		}
	}
	if len(keys) != 3 || keys[0].words != "practice 12.0%" {
		t.Errorf("legend %+v", keys)
	}
	small := &insights.Report{Sessions: 4, WithSideEffects: 1, By: map[insights.Dimension][]insights.Rate{
		insights.ByZone: {{Group: "forehead", Sessions: 4, WithSideEffects: 1}}}}
	rows, keys = rateRows(small, insights.ByZone, Light)
	if rows[0].label != "1 of 4" || keys[0].words != "practice 1 of 4" {
		t.Errorf("a practice of 4 sessions is said %q, %q", rows[0].label, keys[0].words)
	}
}

// longNames are names no chart can print on one line.
var longNames = []string{
	"C-9931 (Nano cartridge 12)",
	"Hyaluronic acid serum, cross-linked, 2 ml ampoule for professional use only, batch from the second supplier",
	"Averyveryverylongsinglewordwithoutanyspacesatallthatcannotbebrokenatspacesanywhere",
}

func TestLongNamesStayInside(t *testing.T) {
	r := &insights.Report{Sessions: 60, WithSideEffects: 6, By: map[insights.Dimension][]insights.Rate{}}
	for _, n := range longNames {
		r.By[insights.ByLot] = append(r.By[insights.ByLot], insights.Rate{Group: n, Sessions: 20, WithSideEffects: 2})
	}
	each(t, func(t *testing.T, o Options) {
		c := Rates(r, insights.ByLot, o)
		save(t, fmt.Sprintf("long-%dx%d@%g-%v", o.Width, o.Height, o.Scale, o.Style == Dark), c)
		if c.Image.Bounds().Dx() != o.Width {
			t.Fatalf("the image is %d wide, want %d", c.Image.Bounds().Dx(), o.Width)
		}
		hits(t, c, 3)
		for k, b := range c.Bars {
			if b.Min.X > o.Width/2 || b.Dx() < 5 {
				t.Errorf("bar %d %v is pushed aside by the names", k, b)
			}
		}
		// Nothing is drawn against the image's left edge: no name runs off it.
		for y := 0; y < c.Image.Bounds().Dy(); y++ {
			if got := c.Image.At(0, y); !same(got, o.Style.Background) {
				t.Fatalf("pixel (0, %d) is %v: something runs off the left edge", y, got)
			}
		}
		// Rows never overlap.
		for k := 1; k < len(c.Bars); k++ {
			if c.Bars[k].Min.Y < c.Bars[k-1].Max.Y {
				t.Errorf("bars %d and %d overlap: %v %v", k-1, k, c.Bars[k-1], c.Bars[k])
			}
		}
	})
}

func TestManyGroupsGrowTheImage(t *testing.T) {
	r := &insights.Report{Sessions: 400, WithSideEffects: 40, By: map[insights.Dimension][]insights.Rate{}}
	for i := range 40 {
		r.By[insights.ByLot] = append(r.By[insights.ByLot], insights.Rate{Group: fmt.Sprintf("LOT-%02d", i), Sessions: 10, WithSideEffects: 1 + i%4})
	}
	o := Options{Style: Light, Width: 800, Height: 400, Scale: 1}
	c := Rates(r, insights.ByLot, o)
	save(t, "many", c)
	if c.Image.Bounds().Dy() <= 400 {
		t.Fatalf("40 groups are squeezed into %d pixels", c.Image.Bounds().Dy())
	}
	hits(t, c, 40)
	for k := 1; k < 40; k++ {
		if gap := c.Bars[k].Min.Y - c.Bars[k-1].Max.Y; gap < 4 {
			t.Errorf("bars %d and %d are %d pixels apart", k-1, k, gap)
		}
	}
}

func TestSessions(t *testing.T) {
	r := practice()
	each(t, func(t *testing.T, o Options) {
		c := Sessions(r, o)
		hits(t, c, 4)
		// 10, 20, 30, 40 sessions: each bar one step taller, the last four times the first.
		h := []int{c.Bars[0].Dy(), c.Bars[1].Dy(), c.Bars[2].Dy(), c.Bars[3].Dy()}
		if h[0] <= 0 || h[3] < 4*h[0]-3 || h[3] > 4*h[0]+3 || h[1] <= h[0] || h[2] <= h[1] {
			t.Errorf("bars of 10, 20, 30, 40 sessions are %v pixels high", h)
		}
		// February's 3 sessions with a side effect are at the bottom of its bar, in the warning colour.
		b := c.Bars[3]
		if got := c.Image.At(centre(b).X, b.Max.Y-2); !same(got, o.Style.Warning) {
			t.Errorf("the foot of February's bar is %v, not the warning colour", got)
		}
		if got := c.Image.At(centre(b).X, b.Min.Y+2); !same(got, o.Style.Accent) {
			t.Errorf("the top of February's bar is %v, not the accent", got)
		}
		// Its 40 sessions are said on top of it.
		above := image.Rect(b.Min.X, b.Min.Y-int(16*o.Scale), b.Max.X, b.Min.Y)
		if inked(c.Image, above, o.Style) < 10 {
			t.Errorf("nothing is said on top of February's bar")
		}
	})
}

func TestMonthLabels(t *testing.T) {
	var months []insights.Month
	for i := range 36 {
		months = append(months, insights.Month{Month: fmt.Sprintf("%d-%02d", 2024+i/12, i%12+1), Sessions: 1 + i})
	}
	for _, w := range []int{1600, 800, 400} {
		cv := newCanvas(Options{Style: Light, Width: w, Height: 300, Scale: 1})
		labels := cv.monthLabels(months)
		sty := cv.text(1, color.Black)
		last := -1
		for i, l := range labels {
			if l == "" {
				continue
			}
			if last >= 0 {
				per := float64(cv.w-cv.em()*6) / 36
				if space := per * float64(i-last); space < float64(sty.Width("May")) {
					t.Errorf("at %d pixels labels %q and %q are %.0f apart", w, labels[last], l, space)
				}
			}
			last = i
			if months[i].Month[5:] == "01" && l != "Jan\n"+months[i].Month[:4] || !strings.Contains(l, "\n") {
				t.Errorf("January is labelled %q", l)
			}
		}
		if labels[0] != "Jan\n2024" {
			t.Errorf("the first month is labelled %q", labels[0])
		}
		c := Sessions(&insights.Report{Months: months}, Options{Style: Dark, Width: w, Height: 300, Scale: 1})
		save(t, fmt.Sprintf("months36-%d", w), c)
		hits(t, c, 36)
		// Figures on the bars only when all fit: at 1600 pixels they do, at 400 none is squeezed in.
		ink := 0
		for _, b := range c.Bars {
			ink += inked(c.Image, image.Rect(b.Min.X, b.Min.Y-14, b.Max.X, b.Min.Y), Dark)
		}
		if (ink > 0) != (w == 1600) {
			t.Errorf("at %d pixels %d pixels of figures stand on the bars", w, ink)
		}
	}
}

// A short period at a narrow width still names a month and its year.
func TestFewMonthsNarrow(t *testing.T) {
	months := []insights.Month{{Month: "2026-05", Sessions: 3}, {Month: "2026-06", Sessions: 4}}
	cv := newCanvas(Options{Width: 60, Height: 200, Scale: 1})
	if got := cv.monthLabels(months); got[0] != "May\n2026" {
		t.Errorf("May and June at 60 pixels are labelled %q", got)
	}
}

func TestRevenue(t *testing.T) {
	r := practice()
	each(t, func(t *testing.T, o Options) {
		c := Revenue(r.Months, "EUR", o)
		hits(t, c, 4)
		if h0, h1 := c.Bars[0].Dy(), c.Bars[1].Dy(); h1 < 2*h0-2 || h1 > 2*h0+2 {
			t.Errorf("revenue of €1000 and €2000 are %d and %d pixels high", h0, h1)
		}
	})
	c := Revenue([]insights.Month{{Month: "2026-01", Sessions: 3}}, "EUR", sizes[0])
	if len(c.Bars) != 0 {
		t.Errorf("a period without prices draws bars")
	}
}

func TestResults(t *testing.T) {
	r := practice()
	each(t, func(t *testing.T, o Options) {
		c := Results(r.ResultsByConcern, o)
		hits(t, c, 3)
		if a, b := c.Bars[0].Dx(), c.Bars[1].Dx(); a <= b {
			t.Errorf("11 results are %d pixels, 6 are %d", a, b)
		}
		// Fine lines end with one worse result: the end of its bar is the warning colour.
		b := c.Bars[1]
		if got := c.Image.At(b.Max.X-2, centre(b).Y); !same(got, o.Style.Warning) {
			t.Errorf("a worse result is %v, not the warning colour", got)
		}
	})
}

func TestResolutions(t *testing.T) {
	r := practice()
	each(t, func(t *testing.T, o Options) {
		c := Resolutions(r.Resolutions, o)
		hits(t, c, 3)
		if a, b := c.Bars[0].Dx(), c.Bars[1].Dx(); b < 15*a {
			t.Errorf("2 days and 40 days are %d and %d pixels", a, b)
		}
		rows := resolutionRows([]insights.Resolution{{Kind: "erythema", Count: 2437, Resolved: 2435, MedianDays: 2, MeanDays: 2.4}}, o.Style)
		if rows[0].label != "2 days, 2,435 of 2,437 resolved" {
			t.Errorf("erythema is labelled %q", rows[0].label)
		}
		if !c.Bars[2].Empty() {
			t.Errorf("bruising, none resolved, has a bar %v", c.Bars[2])
		}
		// Its row is still clicked: it opens the session with the bruise.
		if i, ok := c.Hit(o.Width/2, centre(c.Bars[1]).Y+(c.Bars[1].Min.Y-c.Bars[0].Min.Y)); !ok || i != 2 {
			t.Errorf("a click on the row of bruising hits %d %v", i, ok)
		}
	})
}

func TestEmpty(t *testing.T) {
	none := &insights.Report{}
	each(t, func(t *testing.T, o Options) {
		for name, c := range map[string]*Chart{
			"rates":       Rates(none, insights.ByLot, o),
			"sessions":    Sessions(nil, o),
			"revenue":     Revenue(nil, "EUR", o),
			"results":     Results(nil, o),
			"resolutions": Resolutions(nil, o),
		} {
			if c.Image.Bounds() != image.Rect(0, 0, o.Width, o.Height) {
				t.Errorf("%s: empty image is %v", name, c.Image.Bounds())
			}
			ink := 0
			for y := 0; y < o.Height; y++ {
				for x := 0; x < o.Width; x++ {
					if !same(c.Image.At(x, y), o.Style.Background) {
						ink++
					}
				}
			}
			if ink < 100 {
				t.Errorf("%s: the empty chart says nothing (%d pixels of ink)", name, ink)
			}
			if _, ok := c.Hit(o.Width/2, o.Height/2); ok || len(c.Bars) != 0 {
				t.Errorf("%s: an empty chart has bars", name)
			}
		}
	})
}

// Text keeps its size on a high-density screen: the same chart at twice the pixels and scale 2
// is the chart at scale 1 doubled.
func TestScale(t *testing.T) {
	r := practice()
	one := Rates(r, insights.ByLot, Options{Style: Light, Width: 640, Height: 360, Scale: 1})
	two := Rates(r, insights.ByLot, Options{Style: Light, Width: 1280, Height: 720, Scale: 2})
	for k := range one.Bars {
		a, b := one.Bars[k], two.Bars[k]
		if d := b.Min.X - 2*a.Min.X; d < -3 || d > 3 {
			t.Errorf("bar %d starts at %d at scale 1 and %d at scale 2", k, a.Min.X, b.Min.X)
		}
	}
}

func TestForPrint(t *testing.T) {
	o := ForPrint(Light, 160, 80, 300)
	if o.Width != 1890 || o.Height != 945 {
		t.Errorf("160 by 80 mm at 300 dpi is %dx%d pixels", o.Width, o.Height)
	}
	c := Sessions(practice(), o)
	save(t, "print-sessions", c)
	hits(t, c, 4)
}

func BenchmarkAll(b *testing.B) {
	r := practice()
	o := Options{Style: Light, Width: 800, Height: 400, Scale: 1}
	for b.Loop() {
		Rates(r, insights.ByLot, o)
		Sessions(r, o)
		Revenue(r.Months, "EUR", o)
		Results(r.ResultsByConcern, o)
		Resolutions(r.Resolutions, o)
	}
}

// Odd figures and odd sizes still give an image of the width asked, and bars only where a
// value is.
func TestOddInput(t *testing.T) {
	r := &insights.Report{Sessions: 12, By: map[insights.Dimension][]insights.Rate{insights.ByZone: {
		{Group: "", Sessions: 12}, {Group: "  ", Sessions: 1}, {Group: "forehead\nand\tnose", Sessions: 11}}}}
	res := []insights.Resolution{{Kind: "bruise", Count: 2, Resolved: 2, MedianDays: -3, MeanDays: math.NaN()},
		{Kind: "erythema", Count: 1, Resolved: 1, MedianDays: math.Inf(1), MeanDays: 0}}
	months := []insights.Month{{Month: "2026-13", Sessions: 2, RevenueCents: -5000, Priced: 1}, {Month: "", Sessions: 0}}
	for _, o := range []Options{{Width: 800, Height: 400}, {Width: 60, Height: 40, Scale: 1}, {Width: 1, Height: 1, Scale: 3},
		{Width: 300, Height: 200, Scale: 0.5}, {}, {Style: Style{FontSize: 400}, Width: 300, Height: 200, Scale: 1},
		{Style: Style{FontSize: math.NaN()}, Width: 300, Height: 200, Scale: math.Inf(1)}} {
		for name, c := range map[string]*Chart{
			"rates":       Rates(r, insights.ByZone, o),
			"resolutions": Resolutions(res, o),
			"sessions":    Sessions(&insights.Report{Months: months}, o),
			"revenue":     Revenue(months, "XYZ", o),
			"results":     Results([]insights.ResultSpread{{Group: "x", Grades: [5]int{0, 0, 0, 0, 0}}}, o),
		} {
			if w := c.Image.Bounds().Dx(); w != max(1, o.Width) {
				t.Errorf("%s at %+v: %d pixels wide", name, o, w)
			}
			if name == "rates" && o.Width == 800 {
				hits(t, c, 3)
				for k, b := range c.Bars {
					if !b.Empty() {
						t.Errorf("a rate of 0 has a bar %d %v", k, b)
					}
				}
			}
			if name == "resolutions" && o.Width == 800 {
				hits(t, c, 2)
				if !c.Bars[0].Empty() {
					t.Errorf("a negative median has a bar %v", c.Bars[0])
				}
			}
		}
	}
}

// Charts are drawn off the screen's goroutine, several at once.
func TestConcurrent(t *testing.T) {
	r := practice()
	done := make(chan *Chart)
	for i := range 4 {
		go func() {
			o := sizes[i%len(sizes)]
			o.Style = Dark
			Sessions(r, o)
			done <- Rates(r, insights.ByLot, o)
		}()
	}
	for range 4 {
		if c := <-done; len(c.Bars) != 5 {
			t.Errorf("%d bars", len(c.Bars))
		}
	}
}

// wcag is the WCAG contrast ratio of a and b, computed here on its own.
func wcag(a, b color.Color) float64 {
	l := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		lin := func(v uint32) float64 {
			x := float64(v) / 0xffff
			if x <= 0.04045 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	}
	la, lb := l(a), l(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// Every grade of a results chart stands out from the background by at least 3:1, in a light and
// a dark style, and no two grades share a colour.
func TestGradeColoursContrast(t *testing.T) {
	spreads := []insights.ResultSpread{{Group: "acne scars", Grades: [5]int{1, 1, 1, 1, 1}}}
	for _, st := range []Style{Light, Dark} {
		c := Results(spreads, Options{Style: st, Width: 800, Height: 300, Scale: 1})
		b := c.Bars[0]
		var seen []color.Color
		for k := range 5 {
			// Near the top edge of each fifth of the bar, clear of its number.
			got := c.Image.At(b.Min.X+(2*k+1)*b.Dx()/10, b.Min.Y+2)
			if r := wcag(got, st.Background); r < 3 {
				t.Errorf("grade %d is %v, contrast %.2f:1 with the background %v (dark %v)", k, got, r, st.Background, st == Dark)
			}
			for j, s := range seen {
				if wcag(got, s) < 1.1 && same(got, s) {
					t.Errorf("grades %d and %d are both %v", j, k, got)
				}
			}
			seen = append(seen, got)
		}
	}
}

// A group too small to rate does not set the axis: with 2 of 3 (67%) beside rated groups of at
// most 20%, the rated bars keep their length; the small group's bar is cut at the chart's edge,
// still longer than every rated bar, its counts readable over its end; a small group within the
// rated range (1 of 7, 14%) is drawn to its value.
func TestSmallGroupDoesNotSetTheAxis(t *testing.T) {
	r := practice()
	each(t, func(t *testing.T, o Options) {
		c := Rates(r, insights.ByLot, o)
		hits(t, c, 5)
		rated, few, within := c.Bars[1], c.Bars[3], c.Bars[4]
		// The cut bar spans the whole area of the bars: the largest rated bar takes at least half
		// of it, the rest being room for its words.
		if rated.Dx()*2 < few.Dx() {
			t.Errorf("the bar of 20%% is %d pixels in an area of %d beside the small group of 67%%: squashed", rated.Dx(), few.Dx())
		}
		if few.Dx() <= rated.Dx() || few.Max.X > o.Width {
			t.Errorf("the small group's bar %v is not cut at the chart's edge beyond the bar of 20%% %v", few, rated)
		}
		if want := float64(rated.Dx()) * 100.0 / 7 / 20; math.Abs(float64(within.Dx())-want) > 2 {
			t.Errorf("1 of 7 is %d pixels, want %.0f (14.3%% beside 20%% at %d)", within.Dx(), want, rated.Dx())
		}
		em := int(o.Scale * 12)
		end := image.Rect(few.Max.X-4*em, few.Min.Y, few.Max.X, few.Max.Y)
		if n := inked(c.Image, end, o.Style); n < em {
			t.Errorf("the small group's counts are not readable at its end: %d pixels of text", n)
		}
	})
}

// crossed counts the pixels of r in the grid's colour.
func crossed(img image.Image, r image.Rectangle, grid color.Color) int {
	n := 0
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if same(img.At(x, y), grid) {
				n++
			}
		}
	}
	return n
}

// No gridline runs through a figure said beside or on a bar: 118 sessions stand on the line of
// 120, the words of the results and rates charts beside their bars. The grid is drawn in green
// here, so that its pixels cannot be taken for the words'.
func TestGridlinesStopBehindWords(t *testing.T) {
	months := []insights.Month{{Month: "2026-09", Sessions: 118, WithSideEffects: 3}, {Month: "2026-10", Sessions: 86, WithSideEffects: 2}, {Month: "2026-11", Sessions: 20}}
	r := practice()
	green := color.NRGBA{0, 0xc0, 0, 0xff}
	for _, base := range []Style{Light, Dark} {
		st := base
		st.Grid = green
		for _, o := range sizes {
			o.Style = st
			em := int(math.Round(o.Scale * st.FontSize))
			c := Sessions(&insights.Report{Months: months}, o)
			if crossed(c.Image, c.Image.Bounds(), green) == 0 {
				t.Fatalf("%dx%d: no gridline drawn at all", o.Width, o.Height)
			}
			for i, b := range c.Bars {
				mid := centre(b).X
				words := image.Rect(mid-em*6/10, b.Min.Y-em*11/10, mid+em*6/10, b.Min.Y-em/4)
				if n := crossed(c.Image, words, green); n > 0 {
					t.Errorf("%dx%d@%g: a gridline crosses the figure on month %d (%d pixels in %v)", o.Width, o.Height, o.Scale, i, n, words)
				}
			}
			for name, c := range map[string]*Chart{"results": Results(r.ResultsByConcern, o), "rates": Rates(r, insights.ByLot, o)} {
				for i, b := range c.Bars {
					if b.Max.X+em*3 > o.Width {
						continue // its words are over its end
					}
					words := image.Rect(b.Max.X+em/2, centre(b).Y-em/3, b.Max.X+em*5/2, centre(b).Y+em/3)
					if n := crossed(c.Image, words, green); n > 0 {
						t.Errorf("%dx%d@%g: a gridline crosses the words of %s bar %d (%d pixels in %v)", o.Width, o.Height, o.Scale, name, i, n, words)
					}
				}
			}
		}
	}
}

// Counting only the side effects beyond the expected, the month chart's legend says so.
func TestSessionsSayWhatIsCounted(t *testing.T) {
	months := []insights.Month{{Month: "2026-01", Sessions: 10, WithSideEffects: 2}}
	plain := Sessions(&insights.Report{Months: months}, Options{Style: Light, Width: 600, Height: 300, Scale: 1})
	beyond := Sessions(&insights.Report{Months: months, Query: insights.Query{BeyondExpected: true}},
		Options{Style: Light, Width: 600, Height: 300, Scale: 1})
	if hurtWords(&insights.Report{Query: insights.Query{BeyondExpected: true}}) != "with a side effect beyond the expected" {
		t.Fatal("the words of beyond the expected")
	}
	// The longer legend draws more ink.
	ink := func(c *Chart) (n int) {
		b := c.Image.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if r, _, _, _ := c.Image.At(x, y).RGBA(); r < 0x8000 {
					n++
				}
			}
		}
		return n
	}
	if ink(beyond) <= ink(plain) {
		t.Fatal("the legend of the side effects beyond the expected says no more than the plain one")
	}
}
