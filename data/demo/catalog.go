package demo

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
)

// generator holds the practice's lists, read once, and the random source everything is drawn from.
type generator struct {
	r     *rand.Rand
	now   time.Time
	today data.Date
	// records draws what became of each session (signed, amended, overrides) from a stream of its
	// own, so that the rest of a seed's practice is the same as before these were added.
	records *rand.Rand
	results *rand.Rand // draws the results assessed, a stream of its own for the same reason
	// photoLimit is how many photos to make at most (0: as planned); fullSize, whether they are 12 MP.
	photoLimit int
	fullSize   bool
	// years is the practice's age when its clients are spread over it (Options.Years), drawn from past.
	years int
	past  *rand.Rand

	practitioners []data.Practitioner
	concerns      []string
	pigment       map[string]bool // concerns that call for conservative depth
	modalities    []string
	endpoints     []string
	patterns      []string
	aftercare     []string
	sheet         string // aftercare sheet version
	expected      []string
	lessCommon    []string
	serious       []string
	rules         []data.Rule

	zones   map[string]data.Zone // by map key
	face    []data.Zone
	devices []data.Device
	serials map[string]string // handpiece serial by device ID

	cartridges   []stock
	anaesthetics []stock
	serums       []stock // products made for needled skin

	session data.Session // reused between sessions: a Batch keeps nothing of what it is given

	photoPlans []photoPlan // clients whose photos are drawn once their sessions are written
}

// stock is a product or cartridge with the lots the practice has had of it.
type stock struct {
	id      string
	name    string
	needles int
	lots    []data.Lot // lots[i] was in use i lot periods ago
}

// A new lot arrives every lotPeriodDays; lotPeriods of them cover four years. The rare older
// session uses the oldest lot, which had not expired then either.
const (
	lotPeriodDays = 182
	lotPeriods    = 8
)

// lotFor returns the lot in use on day.
func (st *stock) lotFor(today, day data.Date) data.Lot {
	return st.lots[min(max(today.DaysSince(day)/lotPeriodDays, 0), len(st.lots)-1)]
}

// practitioners are the demo's staff; the first is the admin.
var practitioners = []data.Practitioner{
	{Name: "Dr. Amara Okafor", Credentials: "MD, dermatologist", Role: data.RoleAdmin},
	{Name: "Léa Fontaine", Credentials: "RN, aesthetic nurse"},
	{Name: "Sofia Lindqvist", Credentials: "Licensed aesthetician"},
	{Name: "Mateo Álvarez", Credentials: "Aesthetic nurse practitioner"},
}

// newGenerator reads the store's lists and saves the practitioners and stock lots that sessions
// refer to. These are single writes: there is no Batch method for them, and there are few.
func newGenerator(ctx context.Context, s nlstore.Store, r *rand.Rand) (*generator, error) {
	now := s.Now()
	g := &generator{r: r, now: now, today: data.DateOf(now), pigment: map[string]bool{},
		zones: map[string]data.Zone{}, serials: map[string]string{}}

	lists := map[data.ListKind]*[]string{data.ListConcern: &g.concerns, data.ListModality: &g.modalities,
		data.ListEndpoint: &g.endpoints, data.ListPattern: &g.patterns, data.ListAftercare: &g.aftercare}
	effects := map[string][]string{} // side effects by category
	for _, kind := range []data.ListKind{data.ListConcern, data.ListModality, data.ListEndpoint,
		data.ListPattern, data.ListAftercare, data.ListSideEffect} {
		items, err := s.ListItems(ctx, kind, false)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			switch {
			case kind == data.ListSideEffect:
				effects[it.Category] = append(effects[it.Category], it.Name)
			case kind == data.ListConcern && it.Category == data.CategoryPigment:
				g.pigment[it.Name] = true
			}
			if l := lists[kind]; l != nil {
				*l = append(*l, it.Name)
			}
		}
	}
	g.expected = effects[data.CategoryExpected]
	g.lessCommon = effects[data.CategoryLessCommon]
	g.serious = effects[data.CategorySerious]
	sheet, err := s.Setting(ctx, data.SettingAftercareSheet)
	if err != nil {
		return nil, err
	}
	g.sheet = cmp.Or(sheet, "1")
	if g.rules, err = s.Rules(ctx, false); err != nil {
		return nil, err
	}

	zones, err := s.Zones(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, z := range zones {
		g.zones[z.MapKey] = z
		if z.Region == data.RegionFace {
			g.face = append(g.face, z)
		}
	}
	if g.devices, err = s.Devices(ctx, false); err != nil {
		return nil, err
	}
	if len(g.concerns) == 0 || len(g.face) == 0 || len(g.devices) == 0 {
		return nil, fmt.Errorf("demo: the practice needs at least one concern, face zone and device")
	}
	for _, d := range g.devices {
		if d.Kind != data.DeviceRoller { // rollers are single-use, with no serial
			g.serials[d.ID] = fmt.Sprintf("%s-%06d", initials(d.Model), r.IntN(1_000_000))
		}
	}

	cartridges, err := s.Cartridges(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, c := range cartridges {
		st := stock{id: c.ID, name: c.Name, needles: c.Needles}
		if err := g.stockLots(ctx, &st, s.CartridgeLots, s.SaveCartridgeLot); err != nil {
			return nil, err
		}
		g.cartridges = append(g.cartridges, st)
	}
	products, err := s.Products(ctx, "", false)
	if err != nil {
		return nil, err
	}
	for _, p := range products {
		st := stock{id: p.ID, name: p.Name}
		if err := g.stockLots(ctx, &st, s.ProductLots, s.SaveProductLot); err != nil {
			return nil, err
		}
		switch {
		case p.Kind == data.ProductKindAnaesthetic:
			g.anaesthetics = append(g.anaesthetics, st)
		case p.NeedledSkinOK: // the others are in stock, but never pushed into needled skin
			g.serums = append(g.serums, st)
		}
	}

	for _, p := range practitioners[:3+r.IntN(2)] {
		if err := s.SavePractitioner(ctx, &p); err != nil {
			return nil, err
		}
		g.practitioners = append(g.practitioners, p)
	}
	return g, nil
}

// stockLots gives st one lot per lot period, saving those the store does not have yet (a second
// run with the same seed on the same day finds them there).
func (g *generator) stockLots(ctx context.Context, st *stock,
	load func(context.Context, string) ([]data.Lot, error), save func(context.Context, *data.Lot) error) error {
	have, err := load(ctx, st.id)
	if err != nil {
		return err
	}
	for i := range lotPeriods {
		l := data.Lot{ItemID: st.id, // numbered in order of arrival, so no two are the same
			Lot:    fmt.Sprintf("%s-%02d%03d", initials(st.name), lotPeriods-i, g.r.IntN(1000)),
			Expiry: g.today.AddDays(-i*lotPeriodDays + 180 + g.r.IntN(540))} // after its last day in use
		if j := slices.IndexFunc(have, func(h data.Lot) bool { return h.Lot == l.Lot }); j >= 0 {
			l = have[j]
		} else if err := save(ctx, &l); err != nil {
			return fmt.Errorf("demo: lot %s of %s: %w", l.Lot, st.name, err)
		}
		st.lots = append(st.lots, l)
	}
	return nil
}

// initials abbreviates a name for lot and serial numbers: "Growth factor serum" is "GFS".
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if b.Len() < 3 {
			b.WriteRune(unicode.ToUpper([]rune(w)[0]))
		}
	}
	return b.String()
}

// depths lists the depths device d can set on zone z within the zone's typical range, no
// deeper than limit nor than the device is evaluated for, from shallow to deep.
func depths(d data.Device, z data.Zone, limit float64) []float64 {
	hi := min(z.TypicalMax, d.EvaluatedDepth, limit)
	if d.Kind == data.DeviceRoller { // a roller's needles have one length
		if d.MaxDepth >= z.TypicalMin && d.MaxDepth <= hi {
			return []float64{d.MaxDepth}
		}
		return nil
	}
	step := d.DepthStep
	if step <= 0 {
		step = 0.05
	}
	const eps = 1e-9 // 0.3/0.1 is 2.9999999999999996
	var out []float64
	for k := math.Ceil(z.TypicalMin/step - eps); k*step <= hi+eps; k++ {
		out = append(out, math.Round(k*step*1000)/1000)
	}
	return out
}
