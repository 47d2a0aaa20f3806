package data

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SafetyInput is everything CheckSafety looks at: the session being edited and what it is checked
// against. Store.SafetyInputFor gathers it once; an editor then sets Session to the form's current
// values and calls CheckSafety as often as it likes, without touching the database.
type SafetyInput struct {
	Session  Session
	Client   Client           // with their medical history and Fitzpatrick type
	Rules    []Rule           // the practice's contraindication rules; retired ones are ignored
	Zones    []Zone           // retired ones included: an older record may name one
	Devices  []Device         // retired ones included
	Products []Product        // retired ones included
	Lots     map[string][]Lot // by product or cartridge ID, as AllLots gives them
	Concerns []ListItem       // the concern list, whose pigment category calls for shallow needling
	Sessions []PastSession    // the client's other sessions, for the interval between them
	Today    Date             // the day checked when the session has no date yet
}

// PastSession is what the interval check needs of a client's other session.
type PastSession struct {
	ID        string
	StartedAt time.Time
	Zones     []string
}

// SafetyWarning is one reason for caution about a session, said in one sentence. A warning with
// Block set must be passed with an Override whose Rule is the warning's Rule before the session
// can be saved; the others only inform.
type SafetyWarning struct {
	// Rule is a stable key for what was found, the same on every check of the same session:
	//   "rule:CONDITION"                    a contraindication rule matched the history (block or warn)
	//   "depth.zone:ZONE"                   deeper than the zone's warning depth
	//   "depth.device:ZONE"                 deeper than the device's safety is evaluated for
	//   "depth.pigment:ZONE"                deeper than 1.0 mm with a pigment concern treated
	//   "depth.fitzpatrick:ZONE"            deep (over 1.5 mm) on Fitzpatrick IV–VI
	//   "interval:ZONE"                     the zone was treated sooner than the series interval
	//   "lot.expired:cartridge:LOT"         expired before the session day (block)
	//   "lot.expired:anaesthetic:LOT"       (block)
	//   "lot.expired:product:PRODUCT:LOT"   (block)
	//   "product.needled:PRODUCT"           not made for needled skin: block during needling, warn after
	//   "allergy:PRODUCT"                   the product's name names one of the client's allergies (warn)
	Rule    string
	Section string // the editor section it belongs beside: see the Section constants
	Field   string // the form field, as in ValidationError: "zones[1].depth_mm"
	Block   bool
	Message string
}

// Editor sections a SafetyWarning belongs to.
const (
	SectionHeader      = "header"
	SectionAnaesthetic = "anaesthetic"
	SectionDevice      = "device"
	SectionZones       = "zones"
	SectionProducts    = "products"
)

// Depth limits the safety checks apply (DOMAIN.md).
const (
	// PigmentMaxDepthMM is the most a session treating melasma or another pigment concern should
	// needle: deeper needling risks making the pigmentation worse.
	PigmentMaxDepthMM = 1.0
	// DeepDepthMM is where "deep" begins for Fitzpatrick IV–VI, whose PIH risk calls for
	// conservative depths: above the top of the face's typical ranges (cheeks, chin: 0.5–1.5 mm),
	// where DOMAIN.md's expected downtime grows from 4–5 days to 6–7 days.
	DeepDepthMM = 1.5
	// PIHFitzpatrick is the lowest skin type with a raised risk of post-inflammatory hyperpigmentation.
	PIHFitzpatrick = 4
)

// CheckSafety returns the warnings for in.Session, in editor order (header, anaesthetic, device,
// zones, products). It reads nothing but in, and takes microseconds, so it can run on every keystroke.
//
// Contraindication rules apply while a condition in the client's history is current, or within the
// rule's window after it ended (see Findings); conditions no rule covers are not warnings here. An
// expired lot blocks, as its sterility and potency are no longer warranted; a product not made for
// needled skin blocks when applied during needling (pushed into the dermis, where granulomas have
// been reported) and warns when applied after. Every other finding warns.
func CheckSafety(in SafetyInput) []SafetyWarning { return checkSafety(in, false) }

// checkSafety is CheckSafety; with blocksOnly it looks only for what can block (rules, lots,
// products), which is all that a save or a signature has to know, and needs no past sessions.
func checkSafety(in SafetyInput, blocksOnly bool) []SafetyWarning {
	c := &safetyCheck{in: in, se: in.Session, day: DateOf(in.Session.StartedAt), blocksOnly: blocksOnly, seen: map[string]int{}}
	if c.day.IsZero() {
		c.day = in.Today
	}
	c.history()
	c.lots()
	c.zones()
	c.products()
	return c.out
}

// SafetyBlocks is what can block saving or signing the session: checkSafety looking only at rules,
// lots and products.
func SafetyBlocks(in SafetyInput) []SafetyWarning { return checkSafety(in, true) }

// safetyCheck is one run of checkSafety: what it checks and the warnings found so far.
type safetyCheck struct {
	in         SafetyInput
	se         Session // in.Session; its zones are dropped when only blocks are looked for
	day        Date    // the session's day, else today
	blocksOnly bool
	out        []SafetyWarning
	seen       map[string]int // rule key → index in out
}

// add records w, once per rule: a second finding of the same rule can only make it block.
func (c *safetyCheck) add(w SafetyWarning) {
	if i, ok := c.seen[w.Rule]; ok {
		c.out[i].Block = c.out[i].Block || w.Block
		return
	}
	c.seen[w.Rule] = len(c.out)
	c.out = append(c.out, w)
}

// expired is the expiry of an item's lot (typed on the session, else the practice's list) and
// whether it is before the session's day.
func (c *safetyCheck) expired(itemID, lot string, typed Date) (Date, bool) {
	exp := typed
	if exp.IsZero() {
		exp = lotExpiry(c.in.Lots[itemID], lot)
	}
	return exp, !exp.IsZero() && exp.Before(c.day)
}

// history checks the header: the client's history against the rules.
func (c *safetyCheck) history() {
	if len(c.in.Client.History) > 0 && c.in.Client.ID != "" && (c.se.ClientID == "" || c.se.ClientID == c.in.Client.ID) {
		rules := map[string]Rule{}
		for _, r := range c.in.Rules {
			if !r.Retired {
				rules[ruleKey(r.Condition)] = r
			}
		}
		for _, f := range Findings(c.in.Client, c.in.Rules, c.day) {
			r, ok := rules[ruleKey(f.Condition)]
			if !ok || f.Action == "" || (c.blocksOnly && r.Action != RuleBlock) {
				continue
			}
			msg := strings.TrimSpace(r.Message)
			if msg == "" && r.Action == RuleBlock {
				msg = "the practice's rules say not to treat."
			} else if msg == "" {
				msg = "check before treating."
			}
			c.add(SafetyWarning{Rule: "rule:" + r.Condition, Section: SectionHeader, Field: "client",
				Block: r.Action == RuleBlock, Message: f.Restriction(c.day) + ": " + msg})
		}
	}
}

// allergy warns when a product's name names one of the client's allergies ("Lidocaine 4% cream").
func (c *safetyCheck) allergy(productID, section, field string) {
	if c.blocksOnly || len(c.in.Client.Allergies) == 0 {
		return
	}
	j := slices.IndexFunc(c.in.Products, func(p Product) bool { return p.ID == productID })
	if j < 0 {
		return
	}
	name := c.in.Products[j].Name
	for _, a := range c.in.Client.Allergies {
		if a = strings.TrimSpace(a); len(a) >= 3 && strings.Contains(strings.ToLower(name), strings.ToLower(a)) {
			c.add(SafetyWarning{Rule: "allergy:" + name, Section: section, Field: field,
				Message: fmt.Sprintf("The client is recorded as allergic to %s, which %s appears to contain: check before applying it.", a, name)})
			return
		}
	}
}

// lots checks the anaesthetic (allergy and lot) and the cartridge's lot.
func (c *safetyCheck) lots() {
	// Anaesthetic: allergy and lot.
	c.allergy(c.se.Anaesthetic.ProductID, SectionAnaesthetic, "anaesthetic_product")
	if a := c.se.Anaesthetic; a.ProductID != "" && strings.TrimSpace(a.Lot) != "" {
		if exp, bad := c.expired(a.ProductID, a.Lot, Date{}); bad {
			c.add(SafetyWarning{Rule: "lot.expired:anaesthetic:" + strings.TrimSpace(a.Lot), Section: SectionAnaesthetic,
				Field: "anaesthetic_lot", Block: true,
				Message: fmt.Sprintf("Anaesthetic lot %s expired on %s, before this session: its potency and purity are no longer warranted.",
					strings.TrimSpace(a.Lot), exp)})
		}
	}

	// Cartridge lot.
	if cart := c.se.Cartridge; cart.CartridgeID != "" && strings.TrimSpace(cart.Lot) != "" {
		if exp, bad := c.expired(cart.CartridgeID, cart.Lot, cart.Expiry); bad {
			field := "cartridge_lot"
			if !cart.Expiry.IsZero() {
				field = "cartridge_expiry"
			}
			c.add(SafetyWarning{Rule: "lot.expired:cartridge:" + strings.TrimSpace(cart.Lot), Section: SectionDevice,
				Field: field, Block: true,
				Message: fmt.Sprintf("Cartridge lot %s expired on %s, before this session: its sterility is no longer warranted.",
					strings.TrimSpace(cart.Lot), exp)})
		}
	}
}

// zones checks depth and interval, which warn only.
func (c *safetyCheck) zones() {
	// Zones: depth and interval, which warn only.
	if c.blocksOnly {
		c.se.Zones = nil
	}
	var device Device
	if i := slices.IndexFunc(c.in.Devices, func(d Device) bool { return d.ID == c.se.DeviceID }); i >= 0 {
		device = c.in.Devices[i]
	}
	var pigment []string
	for _, concern := range c.se.Concerns {
		if slices.ContainsFunc(c.in.Concerns, func(it ListItem) bool {
			return it.Category == CategoryPigment && strings.EqualFold(it.Name, concern)
		}) {
			pigment = append(pigment, concern)
		}
	}
	interval := c.se.IntervalDays
	if interval <= 0 {
		interval = DefaultIntervalDays
	}
	for i, zt := range c.se.Zones {
		name := strings.TrimSpace(zt.Zone)
		if name == "" {
			continue
		}
		depthField := fmt.Sprintf("zones[%d].depth_mm", i)
		d := zt.DepthMM
		if d > 0 {
			if k := slices.IndexFunc(c.in.Zones, func(z Zone) bool { return strings.EqualFold(z.Name, name) }); k >= 0 &&
				c.in.Zones[k].WarnAbove > 0 && d > c.in.Zones[k].WarnAbove+depthEps {
				c.add(SafetyWarning{Rule: "depth.zone:" + name, Section: SectionZones, Field: depthField,
					Message: fmt.Sprintf("%s mm on %s is above the zone's warning depth of %s mm: needling that deep there risks scarring and a long downtime.",
						mm(d), name, mm(c.in.Zones[k].WarnAbove))})
			}
			if device.ID != "" && device.EvaluatedDepth > 0 && d > device.EvaluatedDepth+depthEps {
				c.add(SafetyWarning{Rule: "depth.device:" + name, Section: SectionZones, Field: depthField,
					Message: fmt.Sprintf("%s mm on %s is beyond the %s mm that the %s's safety was evaluated for.",
						mm(d), name, mm(device.EvaluatedDepth), device.Model)})
			}
			if len(pigment) > 0 && d > PigmentMaxDepthMM+depthEps {
				c.add(SafetyWarning{Rule: "depth.pigment:" + name, Section: SectionZones, Field: depthField,
					Message: fmt.Sprintf("%s mm on %s is deeper than the %s mm advised when treating %s: deeper needling can worsen pigmentation.",
						mm(d), name, mm(PigmentMaxDepthMM), strings.Join(pigment, ", "))})
			}
			if c.in.Client.Fitzpatrick >= PIHFitzpatrick && d > DeepDepthMM+depthEps {
				c.add(SafetyWarning{Rule: "depth.fitzpatrick:" + name, Section: SectionZones, Field: depthField,
					Message: fmt.Sprintf("%s mm on %s is deep for Fitzpatrick type %s skin, which is prone to post-inflammatory hyperpigmentation: consider %s mm or less.",
						mm(d), name, roman(c.in.Client.Fitzpatrick), mm(DeepDepthMM))})
			}
		}
		if !c.se.StartedAt.IsZero() {
			if last, ok := lastTreated(c.in.Sessions, c.se, name); ok {
				if days := c.day.DaysSince(DateOf(last)); days < interval {
					c.add(SafetyWarning{Rule: "interval:" + name, Section: SectionZones, Field: fmt.Sprintf("zones[%d].zone", i),
						Message: fmt.Sprintf("%s was treated %s ago (%s), sooner than the series interval of %d days: the skin may not have finished healing.",
							name, daysText(days), DateOf(last), interval)})
				}
			}
		}
	}
}

// products checks lots, and whether they are made for needled skin.
func (c *safetyCheck) products() {
	// Products: lots, and whether they are made for needled skin.
	for i, p := range c.se.Products {
		j := slices.IndexFunc(c.in.Products, func(prod Product) bool { return prod.ID == p.ProductID })
		if j < 0 {
			continue
		}
		prod := c.in.Products[j]
		label := prod.Name
		c.allergy(p.ProductID, SectionProducts, fmt.Sprintf("products[%d].product", i))
		if lot := strings.TrimSpace(p.Lot); lot != "" {
			if exp, bad := c.expired(p.ProductID, lot, p.Expiry); bad {
				field := fmt.Sprintf("products[%d].lot", i)
				if !p.Expiry.IsZero() {
					field = fmt.Sprintf("products[%d].expiry", i)
				}
				c.add(SafetyWarning{Rule: "lot.expired:product:" + label + ":" + lot, Section: SectionProducts, Field: field,
					Block: true, Message: fmt.Sprintf("%s lot %s expired on %s, before this session: its sterility and potency are no longer warranted.",
						label, lot, exp)})
			}
		}
		if NotForNeedledSkin(prod, p.Phase) && (p.Phase == PhaseDuring || !c.blocksOnly) {
			msg := fmt.Sprintf("%s is not made for needled skin: granulomas have been reported after such products were pushed into the dermis.", label)
			if p.Phase == PhaseAfter {
				msg = fmt.Sprintf("%s is not made for needled skin, and the needle channels stay open for hours after treatment: granulomas have been reported.", label)
			}
			c.add(SafetyWarning{Rule: "product.needled:" + label, Section: SectionProducts,
				Field: fmt.Sprintf("products[%d].product", i), Block: p.Phase == PhaseDuring, Message: msg})
		}
	}
}

// depthEps absorbs decimal noise: 0.1+0.2 is not 0.3 in binary.
const depthEps = 1e-9

// Restriction says what a finding means for treating on day, in the one wording the editor, the
// client page and reports use: when the condition ended (or that it is current) and, for a dated
// one, the first day the rule lets needling go ahead again, so that a date in the past is not
// read as the end of the restriction: "Isotretinoin (Accutane) ended 1 Oct 2026; no needling
// before 31 Mar 2027".
func (f Finding) Restriction(day Date) string {
	u := f.Entry.Until
	if u.IsZero() {
		return f.Condition + ", current"
	}
	s := f.Condition + " ended " + DateText(u)
	if !u.Before(day) {
		s = f.Condition + " until " + DateText(u)
	}
	switch f.Action {
	case RuleBlock:
		s += "; no needling before " + DateText(u.AddDays(f.Window+1))
	case RuleWarn:
		s += "; take care until " + DateText(u.AddDays(f.Window))
	}
	return s
}

func ruleKey(condition string) string { return strings.ToLower(strings.TrimSpace(condition)) }

// lotExpiry finds a lot's expiry in stock; zero when the lot is not in stock or has none.
func lotExpiry(lots []Lot, lot string) Date {
	lot = strings.TrimSpace(lot)
	for _, l := range lots {
		if strings.EqualFold(strings.TrimSpace(l.Lot), lot) {
			return l.Expiry
		}
	}
	return Date{}
}

// lastTreated returns when zone was last treated before se started, in another of the client's sessions.
func lastTreated(past []PastSession, se Session, zone string) (time.Time, bool) {
	var last time.Time
	for _, p := range past {
		if p.ID == se.ID || p.ID == "" || !p.StartedAt.Before(se.StartedAt) || !p.StartedAt.After(last) {
			continue
		}
		if slices.ContainsFunc(p.Zones, func(z string) bool { return strings.EqualFold(strings.TrimSpace(z), zone) }) {
			last = p.StartedAt
		}
	}
	return last, !last.IsZero()
}

func mm(v float64) string { return decimal(v) }

func daysText(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

func roman(n int) string {
	if n >= 1 && n <= 6 {
		return []string{"I", "II", "III", "IV", "V", "VI"}[n-1]
	}
	return strconv.Itoa(n)
}

// Blocking returns the warnings that block and are not passed by one of overrides.
func Blocking(warnings []SafetyWarning, overrides []Override) []SafetyWarning {
	var out []SafetyWarning
	for _, w := range warnings {
		if w.Block && !slices.ContainsFunc(overrides, func(o Override) bool {
			return o.Rule == w.Rule && strings.TrimSpace(o.Reason) != ""
		}) {
			out = append(out, w)
		}
	}
	return out
}
