package demo

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
)

// concernZones are the zones, by map key, that each default concern is treated on, the usual
// one first. Concerns the practice added itself are treated on the face.
var concernZones = map[string][]string{
	"Acne scars":                     {"cheeks", "chin", "forehead", "jawline", "nose"},
	"Other scars":                    {"cheeks", "forehead", "chin", "arms", "abdomen"},
	"Fine lines and wrinkles":        {"forehead", "periorbital", "perioral", "glabella", "neck", "decolletage"},
	"Enlarged pores":                 {"nose", "cheeks", "chin", "forehead"},
	"Hyperpigmentation / dark spots": {"cheeks", "forehead", "perioral", "decolletage"},
	"Melasma":                        {"cheeks", "forehead", "perioral", "nose"},
	"Uneven tone":                    {"cheeks", "forehead", "chin", "nose", "neck"},
	"Skin elasticity":                {"cheeks", "jawline", "neck", "decolletage"},
	"Stretch marks":                  {"abdomen", "thighs", "buttocks", "arms"},
	"Hair loss (alopecia)":           {"scalp"},
}

// pigmentMaxDepth is the conservative depth for pigment concerns: deeper needling risks PIH.
const pigmentMaxDepth = 1.0

var (
	amounts      = []string{"0.5 ml", "1 ml", "2 ml", "3 ml", "1 vial"}
	sessionNotes = []string{"Client tolerated treatment well.", "Depth reduced over the bony areas.",
		"Reviewed progress photos with the client; texture improving.",
		"Client reports mild tenderness for a day after the last session.",
		"SPF use reinforced; client has been outdoors a lot.", "Extra pass over the deepest scars on the left cheek.",
		"Client arrived wearing make-up; cleansed twice before starting."}
	treatments = map[string]string{
		"Post-inflammatory hyperpigmentation": "Azelaic acid 15% twice daily; strict SPF 50.",
		"Milia":                               "Extracted at follow-up.",
		"Acne flare":                          "Benzoyl peroxide wash; serums paused.",
		"HSV reactivation":                    "Oral valaciclovir; antiviral cover before the next session.",
		"Contact dermatitis":                  "Serum stopped; hydrocortisone 1% for five days.",
		"Crusting":                            "Petrolatum; advised not to pick.",
		"Prolonged redness":                   "Soothing balm; reviewed at two weeks.",
		"Infection":                           "Oral flucloxacillin; GP informed.",
		"Tram-track scarring":                 "Referred to a dermatologist.",
		"Granuloma / hypersensitivity":        "Referred to a dermatologist; serum lot reported to the supplier.",
		"Ulceration":                          "Wound care; GP informed.",
	}
)

// series is one planned course of treatment; its settings stay the same from visit to visit.
type series struct {
	of, done, interval int
	concerns           []string
	device             data.Device
	serial             string
	cartridge          *stock // nil for a roller
	pattern            string
	modality           string
	zones              []zonePlan
}

// zonePlan is a zone a series treats, with the depths its device can set there, shallow to deep.
type zonePlan struct {
	zone   data.Zone
	depths []float64
}

// zonePick is a zone chosen for a concern, with the deepest the concern allows.
type zonePick struct {
	zone  data.Zone
	limit float64
}

type visit struct {
	at time.Time
	n  int // session n of its series
	s  *series
}

// writeClient creates a client and their n sessions, and plans photos of them when withPhotos is set.
func (g *generator) writeClient(b nlstore.Batch, n int, withPhotos bool, res *Result) error {
	c := g.person()
	if withPhotos && c.PhotoConsent == data.PhotoConsentNone {
		c.PhotoConsent = data.PhotoConsentClinical // photos are for those who agreed to them
	}
	plans, err := g.planSeries(&c, n)
	if err != nil {
		return err
	}
	visits := g.schedule(plans, n)
	first := g.today
	if len(visits) > 0 {
		first = data.DateOf(visits[0].at)
	}
	g.addRecords(&c, first)
	overridden := g.passedBlock(&c, first)
	practitioner := pick(g.r, g.practitioners).ID // clients mostly see the same practitioner
	b.SetActor(practitioner)
	if err := b.CreateClient(&c); err != nil {
		return fmt.Errorf("demo: client %s: %w", c.Name(), err)
	}
	res.Clients++
	plan := photoPlan{clientID: c.ID, name: c.Name(), tone: c.Fitzpatrick, concerns: c.Concerns}
	for i, v := range visits {
		se := g.newSession(&c, v, practitioner)
		photographed := withPhotos && i >= len(visits)-sessionsWithPhotos
		if !photographed && se.PhotoRefusal == "" {
			se.PhotoRefusal = pick(g.records, noPhotoReasons)
		}
		if overridden {
			if err := g.passBlocks(b, se, res); err != nil {
				return err
			}
		}
		b.SetActor(se.PractitionerID)
		if err := b.CreateSession(se); err != nil {
			return fmt.Errorf("demo: session of %s on %s: %w", c.Name(), v.at.Format(time.DateOnly), err)
		}
		res.Sessions++
		res.SideEffects += len(se.SideEffects)
		sign := g.signs(&c, se)
		if withPhotos {
			ps := plannedSession{id: se.ID, started: se.StartedAt, zone: v.s.zones[0].zone.Name,
				signer: se.PractitionerID, sign: sign && photographed}
			for _, z := range v.s.zones {
				ps.face = ps.face || z.zone.Region == data.RegionFace || z.zone.Region == data.RegionNeck
			}
			plan.sessions = append(plan.sessions, ps)
		}
		if sign && !photographed { // photographed sessions are signed once their photos are in
			if err := g.sign(b, se, v.s, res); err != nil {
				return fmt.Errorf("demo: session of %s on %s: %w", c.Name(), v.at.Format(time.DateOnly), err)
			}
		}
		if v.n == v.s.done && v.n >= 2 {
			if err := g.assess(b, se, v.s, res); err != nil {
				return fmt.Errorf("demo: result of %s's session on %s: %w", c.Name(), v.at.Format(time.DateOnly), err)
			}
		}
	}
	b.SetActor("")
	if len(plan.sessions) > 0 {
		plan.sessions = plan.sessions[max(0, len(plan.sessions)-sessionsWithPhotos):]
		g.photoPlans = append(g.photoPlans, plan)
	}
	return nil
}

// planSeries splits n sessions into courses of 3–6; the last may be unfinished.
func (g *generator) planSeries(c *data.Client, n int) ([]*series, error) {
	r := g.r
	var out []*series
	for left := n; left > 0; {
		s := &series{of: 3 + r.IntN(4), interval: 7 * (4 + r.IntN(3)), concerns: c.Concerns}
		if chance(r, 0.15) {
			s.interval = 14 // some protocols are fortnightly
		}
		s.done = min(s.of, left)
		left -= s.done
		if len(c.Concerns) > 1 && chance(r, 0.25) {
			s.concerns = []string{pick(r, c.Concerns)} // a course focused on one concern
		}
		s.device, s.zones = g.chooseDevice(g.pickZones(s.concerns))
		if len(s.zones) == 0 {
			return nil, fmt.Errorf("demo: no device can treat %s within the zones' typical depths",
				strings.Join(s.concerns, ", "))
		}
		s.serial = g.serials[s.device.ID]
		s.pattern = pick(r, g.patterns)
		if s.device.Kind == data.DeviceRoller && len(g.patterns) > 0 {
			s.pattern = g.patterns[0] // rollers go back and forth, not in circles
		}
		if len(g.modalities) > 0 {
			s.modality = g.modalities[0]
			if len(g.modalities) > 1 && chance(r, 0.12) {
				s.modality = pick(r, g.modalities[1:])
			}
		}
		s.cartridge = g.chooseCartridge(s)
		out = append(out, s)
	}
	return out, nil
}

// pickZones chooses the zones for the concerns of a course, in zone map order.
func (g *generator) pickZones(concerns []string) []zonePick {
	var out []zonePick
	for _, concern := range concerns {
		limit := data.MaxDepthMM
		if g.pigment[concern] {
			limit = pigmentMaxDepth
		}
		var zones []data.Zone
		for _, key := range concernZones[concern] {
			if z, ok := g.zones[key]; ok {
				zones = append(zones, z)
			}
		}
		if len(zones) == 0 {
			zones = g.face
		}
		for i, z := range zones {
			if i > 0 && chance(g.r, 0.5) {
				continue // always the main zone, and about half of the others
			}
			if j := slices.IndexFunc(out, func(p zonePick) bool { return p.zone.ID == z.ID }); j >= 0 {
				out[j].limit = min(out[j].limit, limit)
			} else {
				out = append(out, zonePick{z, limit})
			}
		}
	}
	slices.SortFunc(out, func(a, b zonePick) int { return a.zone.Position - b.zone.Position })
	return out
}

// chooseDevice picks a device that can treat every zone within its typical depths, trying a
// random one first and then each in turn; failing that, the one that treats the most zones.
func (g *generator) chooseDevice(picks []zonePick) (data.Device, []zonePlan) {
	weights := make([]int, len(g.devices))
	for i, d := range g.devices {
		weights[i] = 5
		if d.Kind == data.DeviceRoller {
			weights[i] = 1 // most practices use a pen
		}
	}
	var best data.Device
	var bestPlans []zonePlan
	for _, d := range append([]data.Device{g.devices[weighted(g.r, weights...)]}, g.devices...) {
		var plans []zonePlan
		for _, p := range picks {
			if ds := depths(d, p.zone, p.limit); len(ds) > 0 {
				plans = append(plans, zonePlan{p.zone, ds})
			}
		}
		if len(plans) == len(picks) {
			return d, plans
		}
		if len(plans) > len(bestPlans) {
			best, bestPlans = d, plans
		}
	}
	return best, bestPlans
}

// chooseCartridge picks a cartridge for a pen; nano tips only for courses that stay shallow.
func (g *generator) chooseCartridge(s *series) *stock {
	if s.device.Kind == data.DeviceRoller {
		return nil
	}
	shallow := true
	for _, z := range s.zones {
		shallow = shallow && z.depths[len(z.depths)-1] <= 0.5
	}
	var fit []*stock
	for i := range g.cartridges {
		if c := &g.cartridges[i]; c.needles > 0 || shallow {
			fit = append(fit, c)
		}
	}
	return pick(g.r, fit)
}

// schedule lays out the visits of a client's courses, oldest first, backwards from the latest:
// a finished course ended some time ago; an unfinished one has its next visit due around now.
func (g *generator) schedule(plans []*series, n int) []visit {
	if n == 0 {
		return nil
	}
	r := g.r
	last := plans[len(plans)-1]
	var day data.Date
	switch {
	case g.years > 2 && chance(g.past, 1-2/float64(g.years)): // a client of the practice's past
		day = g.today.AddDays(-7 - g.past.IntN(g.years*365-400))
	case last.done == last.of:
		day = g.today.AddDays(-7 - r.IntN(540))
	case chance(r, 0.1): // stopped coming mid-course: long overdue
		day = g.today.AddDays(-last.interval - 60 - r.IntN(300))
	default: // next visit due between three weeks ago and the day before the interval is up
		day = g.today.AddDays(-last.interval - 21 + r.IntN(last.interval+21))
	}
	visits := make([]visit, n)
	i := n - 1
	for p := len(plans) - 1; p >= 0; p-- {
		s := plans[p]
		for k := s.done; k >= 1; k-- {
			at := g.appointment(day)
			visits[i] = visit{at: at, n: k, s: s}
			i--
			day = data.DateOf(at).AddDays(-s.interval - r.IntN(6)) // on time or a few days late
		}
		day = day.AddDays(-30 - r.IntN(330)) // the course before ended months earlier
	}
	return visits
}

// appointment returns a time on day in opening hours, moved to Saturday when day is a Sunday.
func (g *generator) appointment(day data.Date) time.Time {
	at := time.Date(day.Year(), day.Month(), day.Day(), 9, 15*g.r.IntN(34), 0, 0, g.now.Location())
	if at.Weekday() == time.Sunday {
		at = at.AddDate(0, 0, -1)
	}
	return at
}

// newSession fills the reused session record for visit v of client c.
func (g *generator) newSession(c *data.Client, v visit, practitioner string) *data.Session {
	r, s := g.r, v.s
	day := data.DateOf(v.at)
	se := &g.session
	*se = data.Session{
		Zones: se.Zones[:0], Products: se.Products[:0], SideEffects: se.SideEffects[:0], Aftercare: se.Aftercare[:0],
		ClientID: c.ID, PractitionerID: practitioner, StartedAt: v.at,
		SeriesN: v.n, SeriesOf: s.of, IntervalDays: s.interval,
		Concerns: s.concerns, Modality: s.modality, DeviceID: s.device.ID, HandpieceSerial: s.serial,
		AftercareSheet: g.sheet, Status: data.StatusDraft,
	}
	if chance(r, 0.15) {
		se.PractitionerID = pick(r, g.practitioners).ID // covering for a colleague
	}
	se.NextDue = data.SuggestNextDue(*se) // the rule the session editor suggests
	if s.cartridge != nil {
		lot := s.cartridge.lotFor(g.today, day)
		se.Cartridge = data.CartridgeUse{CartridgeID: s.cartridge.id, Lot: lot.Lot, Expiry: lot.Expiry}
	}
	if a := g.anaesthetic(c); a == nil && len(g.anaesthetics) > 0 {
		se.Notes = "No topical anaesthetic: allergy on file."
	} else if a != nil && chance(r, 0.88) {
		lot := a.lotFor(g.today, day)
		se.Anaesthetic = data.Anaesthetic{ProductID: a.id, Lot: lot.Lot, Minutes: 20 + 5*r.IntN(6)}
	}

	progress := 1.0 // how far into the course: depth goes up as the skin tolerates it
	if s.of > 1 {
		progress = float64(v.n-1) / float64(s.of-1)
	}
	speed := g.speed(s.device)
	deepest, body := 0.0, false
	for _, z := range s.zones {
		k := int(math.Round(progress*float64(len(z.depths)-1))) + r.IntN(3) - 1
		depth := z.depths[min(max(k, 0), len(z.depths)-1)]
		passes := 2 + r.IntN(7)
		if s.device.Kind == data.DeviceRoller {
			passes = 16 + r.IntN(9)
		}
		se.Zones = append(se.Zones, data.ZoneTreatment{Zone: z.zone.Name, DepthMM: depth, Speed: speed,
			Passes: passes, Pattern: s.pattern, Endpoint: g.endpoint(depth)})
		deepest = max(deepest, depth)
		body = body || z.zone.Region == data.RegionBody
	}

	n := min(1+r.IntN(3), len(g.serums))
	for i, j := range r.Perm(len(g.serums))[:n] {
		st := &g.serums[j]
		lot := st.lotFor(g.today, day)
		phase := data.PhaseAfter
		if i == 0 {
			phase = data.PhaseDuring // the glide
		}
		se.Products = append(se.Products, data.ProductUse{ProductID: st.id, Lot: lot.Lot, Expiry: lot.Expiry,
			Phase: phase, Amount: pick(r, amounts)})
	}

	pain := 1 + r.IntN(4)
	if deepest >= 1.0 {
		pain++
	}
	if deepest >= 1.5 {
		pain++
	}
	if se.Anaesthetic.ProductID == "" {
		pain += 2
	}
	if chance(r, 0.96) {
		se.PainScore = data.Optional[int]{V: min(pain, data.MaxPain), Valid: true}
	}

	for i, item := range g.aftercare {
		if i < 3 || chance(r, 0.5) { // sun, acids and water always; the rest as needed
			se.Aftercare = append(se.Aftercare, item)
		}
	}
	price := 150 + 60*len(se.Zones)
	if body {
		price += 150
	}
	if len(g.modalities) > 0 && s.modality != g.modalities[0] {
		price += 200
	}
	se.PriceCents = data.Optional[int64]{V: int64(min(price/10*10, 800)) * 100, Valid: true}
	if se.Notes == "" && chance(r, 0.15) {
		se.Notes = pick(r, sessionNotes)
	}
	if c.PhotoConsent == data.PhotoConsentNone {
		se.PhotoRefusal = "Client declined photographs."
	}
	g.addSideEffects(se, c, day)
	g.addBadLotEffect(se, day)
	se.NoSideEffects = len(se.SideEffects) == 0
	return se
}

// addBadLotEffect gives the practice something to find: the first serum's lot before the one in
// use now irritated the skin of one client in five it was applied to (contact dermatitis, a
// side effect beyond the expected), which its insights point out and its lot recall follows.
func (g *generator) addBadLotEffect(se *data.Session, day data.Date) {
	if len(g.serums) == 0 || len(g.lessCommon) == 0 {
		return
	}
	bad := g.serums[0].lots[min(1, len(g.serums[0].lots)-1)].Lot
	if !slices.ContainsFunc(se.Products, func(p data.ProductUse) bool { return p.ProductID == g.serums[0].id && p.Lot == bad }) ||
		!chance(g.results, 0.2) {
		return
	}
	kind := "Contact dermatitis"
	if !slices.Contains(g.lessCommon, kind) {
		kind = g.lessCommon[0]
	}
	if !slices.ContainsFunc(se.SideEffects, func(e data.SideEffect) bool { return e.Kind == kind }) {
		g.addEffect(se, kind, data.SeverityModerate, false, day.AddDays(1+g.results.IntN(2)), 10+g.results.IntN(20))
	}
}

// addSideEffects logs side effects at realistic rates: the expected ones in most sessions,
// less common ones in about one in twenty (more often on darker skin), serious ones almost never.
func (g *generator) addSideEffects(se *data.Session, c *data.Client, day data.Date) {
	r := g.r
	if len(g.expected) > 0 && chance(r, 0.82) {
		for i, kind := range g.expected {
			if i == 0 || chance(r, 0.1) { // erythema nearly always, others now and then
				sev := data.SeverityMild
				if chance(r, 0.1) {
					sev = data.SeverityModerate
				}
				g.addEffect(se, kind, sev, true, day, 1+r.IntN(3))
			}
		}
	}
	lessCommon := 0.04
	if c.Fitzpatrick >= 4 {
		lessCommon = 0.07
	}
	if len(g.lessCommon) > 0 && chance(r, lessCommon) {
		sev := data.Severities[weighted(r, 60, 40)]
		g.addEffect(se, pick(r, g.lessCommon), sev, false, day.AddDays(2+r.IntN(9)), 14+r.IntN(62))
	}
	if len(g.serious) > 0 && chance(r, 0.001) {
		sev := data.Severities[1+r.IntN(2)]
		g.addEffect(se, pick(r, g.serious), sev, false, day.AddDays(2+r.IntN(5)), 21+r.IntN(70))
	}
}

// addEffect logs a side effect that began on onset and lasted days. One that would begin after
// today is not known yet and is left out; one that would end after today is still going.
func (g *generator) addEffect(se *data.Session, kind string, sev data.Severity, during bool, onset data.Date, days int) {
	if onset.After(g.today) {
		return
	}
	e := data.SideEffect{Kind: kind, Severity: sev, DuringSession: during, Onset: onset, Treatment: treatments[kind]}
	if end := onset.AddDays(days); !end.After(g.today) {
		e.Resolved = end
	}
	se.SideEffects = append(se.SideEffects, e)
}

// anaesthetic returns the first anaesthetic the client is not allergic to.
func (g *generator) anaesthetic(c *data.Client) *stock {
	for i := range g.anaesthetics {
		a := &g.anaesthetics[i]
		if !slices.ContainsFunc(c.Allergies, func(allergy string) bool {
			return strings.Contains(strings.ToLower(a.name), strings.ToLower(allergy))
		}) {
			return a
		}
	}
	return nil
}

// speed returns a setting in the device's unit; fixed-speed pens and rollers record none.
func (g *generator) speed(d data.Device) float64 {
	switch d.SpeedUnit {
	case "level":
		return float64(3 + g.r.IntN(4))
	case "rpm":
		return float64(6000 + 500*g.r.IntN(13))
	}
	return 0
}

// endpoint is the clinical endpoint reached, by depth: erythema when shallow, pinpoint bleeding
// when deep. The list's order is mild erythema, uniform erythema, pinpoint bleeding, petechiae.
func (g *generator) endpoint(depth float64) string {
	if len(g.endpoints) == 0 {
		return ""
	}
	i := 0
	switch {
	case chance(g.r, 0.05):
		i = g.r.IntN(len(g.endpoints))
	case depth >= 1.5:
		i = 2
	case depth >= 1.0:
		i = 1
	}
	return g.endpoints[min(i, len(g.endpoints)-1)]
}

// assess records, for most series, the result after its latest session so far: at a follow-up
// four weeks on, or at the session itself when that is still to come. Deeper courses and longer
// ones do a little better, as the literature has it; a few clients see no change or are worse.
func (g *generator) assess(b nlstore.Batch, se *data.Session, s *series, res *Result) error {
	r := g.results
	if !chance(r, 0.6) {
		return nil
	}
	deepest := 0.0
	for _, z := range se.Zones {
		deepest = max(deepest, z.DepthMM)
	}
	better := min(int(deepest/0.5), 3) + min(s.done, 5) // 1 to 8
	grade := data.GAISGrades[weighted(r, 6+better*2, 20+better*3, 40, 22-better*2, 5)]
	o := data.Outcome{ClientID: se.ClientID, SessionID: se.ID, GAIS: grade, FromPhotos: chance(r, 0.3),
		AssessedAt: se.StartedAt.Add(28 * 24 * time.Hour)}
	if o.AssessedAt.After(g.now) {
		o.AssessedAt = se.StartedAt.Add(5 * time.Minute) // assessed at the session, before treating
		if o.AssessedAt.After(g.now) {
			return nil // later today
		}
	}
	if chance(r, 0.7) {
		o.Satisfaction = data.Optional[int]{V: min(10, 9-slices.Index(data.GAISGrades, grade)*2+r.IntN(3)), Valid: true}
	}
	if slices.Contains(s.concerns, "Acne scars") {
		base := 2 + r.IntN(3)
		now := base
		if slices.Index(data.GAISGrades, grade) <= 1 && base > 1 {
			now = base - 1
		}
		o.ScarBaseline, o.ScarNow = data.Optional[int]{V: base, Valid: true}, data.Optional[int]{V: now, Valid: true}
	}
	if err := b.SaveOutcome(&o); err != nil {
		return err
	}
	res.Results++
	return nil
}
