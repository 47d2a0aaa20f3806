package data

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
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
	se := in.Session
	day := DateOf(se.StartedAt)
	if day.IsZero() {
		day = in.Today
	}
	var out []SafetyWarning
	seen := map[string]int{} // rule key → index in out
	add := func(w SafetyWarning) {
		if i, ok := seen[w.Rule]; ok {
			out[i].Block = out[i].Block || w.Block
			return
		}
		seen[w.Rule] = len(out)
		out = append(out, w)
	}

	// Header: the client's history against the rules.
	if len(in.Client.History) > 0 && in.Client.ID != "" && (se.ClientID == "" || se.ClientID == in.Client.ID) {
		rules := map[string]Rule{}
		for _, r := range in.Rules {
			if !r.Retired {
				rules[ruleKey(r.Condition)] = r
			}
		}
		for _, f := range Findings(in.Client, in.Rules, day) {
			r, ok := rules[ruleKey(f.Condition)]
			if !ok || f.Action == "" || (blocksOnly && r.Action != RuleBlock) {
				continue
			}
			msg := strings.TrimSpace(r.Message)
			if msg == "" && r.Action == RuleBlock {
				msg = "the practice's rules say not to treat."
			} else if msg == "" {
				msg = "check before treating."
			}
			add(SafetyWarning{Rule: "rule:" + r.Condition, Section: SectionHeader, Field: "client",
				Block: r.Action == RuleBlock, Message: f.Restriction(day) + ": " + msg})
		}
	}

	expired := func(itemID, lot string, typed Date) (Date, bool) {
		exp := typed
		if exp.IsZero() {
			exp = lotExpiry(in.Lots[itemID], lot)
		}
		return exp, !exp.IsZero() && exp.Before(day)
	}

	// allergy warns when a product's name names one of the client's allergies ("Lidocaine 4% cream").
	allergy := func(productID, section, field string) {
		if blocksOnly || len(in.Client.Allergies) == 0 {
			return
		}
		j := slices.IndexFunc(in.Products, func(p Product) bool { return p.ID == productID })
		if j < 0 {
			return
		}
		name := in.Products[j].Name
		for _, a := range in.Client.Allergies {
			if a = strings.TrimSpace(a); len(a) >= 3 && strings.Contains(strings.ToLower(name), strings.ToLower(a)) {
				add(SafetyWarning{Rule: "allergy:" + name, Section: section, Field: field,
					Message: fmt.Sprintf("The client is recorded as allergic to %s, which %s appears to contain: check before applying it.", a, name)})
				return
			}
		}
	}

	// Anaesthetic: allergy and lot.
	allergy(se.Anaesthetic.ProductID, SectionAnaesthetic, "anaesthetic_product")
	if a := se.Anaesthetic; a.ProductID != "" && strings.TrimSpace(a.Lot) != "" {
		if exp, bad := expired(a.ProductID, a.Lot, Date{}); bad {
			add(SafetyWarning{Rule: "lot.expired:anaesthetic:" + strings.TrimSpace(a.Lot), Section: SectionAnaesthetic,
				Field: "anaesthetic_lot", Block: true,
				Message: fmt.Sprintf("Anaesthetic lot %s expired on %s, before this session: its potency and purity are no longer warranted.",
					strings.TrimSpace(a.Lot), exp)})
		}
	}

	// Cartridge lot.
	if c := se.Cartridge; c.CartridgeID != "" && strings.TrimSpace(c.Lot) != "" {
		if exp, bad := expired(c.CartridgeID, c.Lot, c.Expiry); bad {
			field := "cartridge_lot"
			if !c.Expiry.IsZero() {
				field = "cartridge_expiry"
			}
			add(SafetyWarning{Rule: "lot.expired:cartridge:" + strings.TrimSpace(c.Lot), Section: SectionDevice,
				Field: field, Block: true,
				Message: fmt.Sprintf("Cartridge lot %s expired on %s, before this session: its sterility is no longer warranted.",
					strings.TrimSpace(c.Lot), exp)})
		}
	}

	// Zones: depth and interval, which warn only.
	if blocksOnly {
		se.Zones = nil
	}
	var device Device
	if i := slices.IndexFunc(in.Devices, func(d Device) bool { return d.ID == se.DeviceID }); i >= 0 {
		device = in.Devices[i]
	}
	var pigment []string
	for _, c := range se.Concerns {
		if slices.ContainsFunc(in.Concerns, func(it ListItem) bool {
			return it.Category == CategoryPigment && strings.EqualFold(it.Name, c)
		}) {
			pigment = append(pigment, c)
		}
	}
	interval := se.IntervalDays
	if interval <= 0 {
		interval = DefaultIntervalDays
	}
	for i, zt := range se.Zones {
		name := strings.TrimSpace(zt.Zone)
		if name == "" {
			continue
		}
		depthField := fmt.Sprintf("zones[%d].depth_mm", i)
		d := zt.DepthMM
		if d > 0 {
			if k := slices.IndexFunc(in.Zones, func(z Zone) bool { return strings.EqualFold(z.Name, name) }); k >= 0 &&
				in.Zones[k].WarnAbove > 0 && d > in.Zones[k].WarnAbove+depthEps {
				add(SafetyWarning{Rule: "depth.zone:" + name, Section: SectionZones, Field: depthField,
					Message: fmt.Sprintf("%s mm on %s is above the zone's warning depth of %s mm: needling that deep there risks scarring and a long downtime.",
						mm(d), name, mm(in.Zones[k].WarnAbove))})
			}
			if device.ID != "" && device.EvaluatedDepth > 0 && d > device.EvaluatedDepth+depthEps {
				add(SafetyWarning{Rule: "depth.device:" + name, Section: SectionZones, Field: depthField,
					Message: fmt.Sprintf("%s mm on %s is beyond the %s mm that the %s's safety was evaluated for.",
						mm(d), name, mm(device.EvaluatedDepth), device.Model)})
			}
			if len(pigment) > 0 && d > PigmentMaxDepthMM+depthEps {
				add(SafetyWarning{Rule: "depth.pigment:" + name, Section: SectionZones, Field: depthField,
					Message: fmt.Sprintf("%s mm on %s is deeper than the %s mm advised when treating %s: deeper needling can worsen pigmentation.",
						mm(d), name, mm(PigmentMaxDepthMM), strings.Join(pigment, ", "))})
			}
			if in.Client.Fitzpatrick >= PIHFitzpatrick && d > DeepDepthMM+depthEps {
				add(SafetyWarning{Rule: "depth.fitzpatrick:" + name, Section: SectionZones, Field: depthField,
					Message: fmt.Sprintf("%s mm on %s is deep for Fitzpatrick type %s skin, which is prone to post-inflammatory hyperpigmentation: consider %s mm or less.",
						mm(d), name, roman(in.Client.Fitzpatrick), mm(DeepDepthMM))})
			}
		}
		if !se.StartedAt.IsZero() {
			if last, ok := lastTreated(in.Sessions, se, name); ok {
				if days := day.DaysSince(DateOf(last)); days < interval {
					add(SafetyWarning{Rule: "interval:" + name, Section: SectionZones, Field: fmt.Sprintf("zones[%d].zone", i),
						Message: fmt.Sprintf("%s was treated %s ago (%s), sooner than the series interval of %d days: the skin may not have finished healing.",
							name, daysText(days), DateOf(last), interval)})
				}
			}
		}
	}

	// Products: lots, and whether they are made for needled skin.
	for i, p := range se.Products {
		j := slices.IndexFunc(in.Products, func(prod Product) bool { return prod.ID == p.ProductID })
		if j < 0 {
			continue
		}
		prod := in.Products[j]
		label := prod.Name
		allergy(p.ProductID, SectionProducts, fmt.Sprintf("products[%d].product", i))
		if lot := strings.TrimSpace(p.Lot); lot != "" {
			if exp, bad := expired(p.ProductID, lot, p.Expiry); bad {
				field := fmt.Sprintf("products[%d].lot", i)
				if !p.Expiry.IsZero() {
					field = fmt.Sprintf("products[%d].expiry", i)
				}
				add(SafetyWarning{Rule: "lot.expired:product:" + label + ":" + lot, Section: SectionProducts, Field: field,
					Block: true, Message: fmt.Sprintf("%s lot %s expired on %s, before this session: its sterility and potency are no longer warranted.",
						label, lot, exp)})
			}
		}
		if !prod.NeedledSkinOK && (p.Phase == PhaseDuring || (p.Phase == PhaseAfter && !blocksOnly)) {
			msg := fmt.Sprintf("%s is not made for needled skin: granulomas have been reported after such products were pushed into the dermis.", label)
			if p.Phase == PhaseAfter {
				msg = fmt.Sprintf("%s is not made for needled skin, and the needle channels stay open for hours after treatment: granulomas have been reported.", label)
			}
			add(SafetyWarning{Rule: "product.needled:" + label, Section: SectionProducts,
				Field: fmt.Sprintf("products[%d].product", i), Block: p.Phase == PhaseDuring, Message: msg})
		}
	}
	return out
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

// SafetyInputFor gathers what CheckSafety needs for a session: its client with their history, the
// practice's rules and lists, lots in stock, and the client's other sessions. The session is put in
// as given; an editor replaces it with the form's values before each check.
func (s *Store) SafetyInputFor(ctx context.Context, se Session) (SafetyInput, error) {
	lists, err := loadSafetyLists(ctx, s.db)
	if err != nil {
		return SafetyInput{}, err
	}
	in := lists.input(se, DateOf(s.now()))
	if se.ClientID != "" {
		if in.Client, err = s.Client(ctx, se.ClientID); err != nil {
			return SafetyInput{}, err
		}
		if in.Sessions, err = pastSessions(ctx, s.db, se.ClientID); err != nil {
			return SafetyInput{}, err
		}
	}
	return in, nil
}

// safetyLists are the practice-wide parts of a SafetyInput.
type safetyLists struct {
	rules    []Rule
	zones    []Zone
	devices  []Device
	products []Product
	lots     map[string][]Lot
	concerns []ListItem
}

func (l *safetyLists) input(se Session, today Date) SafetyInput {
	return SafetyInput{Session: se, Rules: l.rules, Zones: l.zones, Devices: l.devices, Products: l.products,
		Lots: l.lots, Concerns: l.concerns, Today: today}
}

// loadSafetyLists reads the practice's lists through q, so that a batch can read them inside its
// transaction (the store's one connection is the batch's until it ends).
func loadSafetyLists(ctx context.Context, q querier) (*safetyLists, error) {
	l := &safetyLists{lots: map[string][]Lot{}}
	err := scanAll(ctx, q, `SELECT id, condition, action, window_days, message, position, retired
		FROM contraindication_rules WHERE retired = 0 ORDER BY position, condition`, nil, func(r *sql.Rows) error {
		var v Rule
		err := r.Scan(&v.ID, &v.Condition, &v.Action, &v.WindowDays, &v.Message, &v.Position, &v.Retired)
		l.rules = append(l.rules, v)
		return err
	})
	if err == nil {
		err = scanAll(ctx, q, `SELECT id, name, region, map_key, typical_min, typical_max, warn_above, position, retired
			FROM zones ORDER BY position, name`, nil, func(r *sql.Rows) error {
			var z Zone
			err := r.Scan(&z.ID, &z.Name, &z.Region, &z.MapKey, &z.TypicalMin, &z.TypicalMax, &z.WarnAbove, &z.Position, &z.Retired)
			l.zones = append(l.zones, z)
			return err
		})
	}
	if err == nil {
		err = scanAll(ctx, q, `SELECT id, model, kind, speed_unit, max_depth, evaluated_depth, depth_step, retired
			FROM devices ORDER BY model`, nil, func(r *sql.Rows) error {
			var d Device
			err := r.Scan(&d.ID, &d.Model, &d.Kind, &d.SpeedUnit, &d.MaxDepth, &d.EvaluatedDepth, &d.DepthStep, &d.Retired)
			l.devices = append(l.devices, d)
			return err
		})
	}
	if err == nil {
		err = scanAll(ctx, q, `SELECT id, name, kind, needled_skin_ok, notes, retired FROM products ORDER BY name`, nil,
			func(r *sql.Rows) error {
				var p Product
				err := r.Scan(&p.ID, &p.Name, &p.Kind, &p.NeedledSkinOK, &p.Notes, &p.Retired)
				l.products = append(l.products, p)
				return err
			})
	}
	for _, of := range []string{"product", "cartridge"} {
		if err != nil {
			break
		}
		t := lotTables[of]
		err = scanAll(ctx, q, `SELECT id, `+t[1]+`, lot, expiry FROM `+t[0]+` ORDER BY `+t[1]+`, expiry DESC, lot`, nil,
			func(r *sql.Rows) error {
				var lot Lot
				err := r.Scan(&lot.ID, &lot.ItemID, &lot.Lot, &lot.Expiry)
				l.lots[lot.ItemID] = append(l.lots[lot.ItemID], lot)
				return err
			})
	}
	if err == nil {
		err = scanAll(ctx, q, `SELECT id, kind, name, category, position, retired FROM list_items WHERE kind = ?
			ORDER BY position, name`, []any{ListConcern}, func(r *sql.Rows) error {
			var it ListItem
			err := r.Scan(&it.ID, &it.Kind, &it.Name, &it.Category, &it.Position, &it.Retired)
			l.concerns = append(l.concerns, it)
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("read the practice's lists for safety checks: %w", err)
	}
	return l, nil
}

// scanAll runs a query and hands each row to scan.
func scanAll(ctx context.Context, q querier, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// pastSessions lists a client's sessions with the zones each treated, oldest first.
func pastSessions(ctx context.Context, q querier, clientID string) ([]PastSession, error) {
	var out []PastSession
	err := scanAll(ctx, q, `SELECT s.id, s.started_at, z.zone FROM sessions s JOIN session_zones z ON z.session_id = s.id
		WHERE s.client_id = ? ORDER BY s.started_at, s.id, z.position`, []any{clientID}, func(r *sql.Rows) error {
		var id, zone string
		var at time.Time
		if err := r.Scan(&id, timeCol{&at}, &zone); err != nil {
			return err
		}
		if n := len(out); n == 0 || out[n-1].ID != id {
			out = append(out, PastSession{ID: id, StartedAt: at})
		}
		out[len(out)-1].Zones = append(out[len(out)-1].Zones, zone)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sessions of client %s: %w", clientID, err)
	}
	return out, nil
}

// screeningClient reads what screening needs of a client, in one query: their skin type, consent
// and history.
func screeningClient(ctx context.Context, q querier, id string) (Client, error) {
	c := Client{ID: id}
	found := false
	err := scanAll(ctx, q, `SELECT c.fitzpatrick, c.consent_form, c.consent_version, c.consent_signed, c.archived_at,
		h.id, h.condition, h.since, h.until, h.notes
		FROM clients c LEFT JOIN client_history h ON h.client_id = c.id WHERE c.id = ? ORDER BY h.position`,
		[]any{id}, func(r *sql.Rows) error {
			var hid, condition, notes sql.NullString
			var h HistoryEntry
			err := r.Scan(&c.Fitzpatrick, &c.Consent.Form, &c.Consent.Version, &c.Consent.Signed, timeCol{&c.ArchivedAt},
				&hid, &condition, &h.Since, &h.Until, &notes)
			if err == nil && hid.Valid {
				h.ID, h.Condition, h.Notes = hid.String, condition.String, notes.String
				c.History = append(c.History, h)
			}
			found = true
			return err
		})
	switch {
	case err != nil:
		return Client{}, fmt.Errorf("client %s: %w", id, err)
	case !found:
		return Client{}, fmt.Errorf("client %s: %w", id, ErrNotFound)
	}
	return c, nil
}

// batchQuerier reads inside a batch's transaction with statements prepared once per batch.
type batchQuerier struct{ b *Batch }

func (q batchQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := q.b.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (q batchQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := q.b.stmt(query)
	if err != nil {
		return q.b.tx.QueryRowContext(ctx, query, args...) // reports the same error on Scan
	}
	return st.QueryRowContext(ctx, args...)
}

func (b *Batch) q() querier { return batchQuerier{b} }

// SafetyInputFor is Store.SafetyInputFor inside the batch, which sees the batch's own writes. The
// practice's lists are read once per batch.
func (b *Batch) SafetyInputFor(se Session) (SafetyInput, error) {
	in, err := b.blockInput(se)
	if err == nil && se.ClientID != "" {
		in.Sessions, err = pastSessions(b.ctx, b.q(), se.ClientID)
	}
	return in, err
}

// blockInput is SafetyInputFor without the client's past sessions: enough to find the blocks.
func (b *Batch) blockInput(se Session) (SafetyInput, error) {
	if b.lists == nil {
		lists, err := loadSafetyLists(b.ctx, b.q())
		if err != nil {
			return SafetyInput{}, err
		}
		b.lists = lists
	}
	in := b.lists.input(se, DateOf(b.store.now()))
	if se.ClientID != "" {
		var err error
		// A client that does not exist has no history; saving the session then says which reference is wrong.
		if in.Client, err = screeningClient(b.ctx, b.q(), se.ClientID); err != nil && !errors.Is(err, ErrNotFound) {
			return SafetyInput{}, err
		}
	}
	return in, nil
}

// tidyOverrides trims reasons and fills in who passed each block and when.
func (b *Batch) tidyOverrides(se *Session, now time.Time) {
	for i := range se.Overrides {
		o := &se.Overrides[i]
		o.Rule = strings.TrimSpace(o.Rule)
		o.Reason = strings.TrimSpace(o.Reason)
		if o.PractitionerID == "" {
			o.PractitionerID = cmp.Or(b.actor, se.PractitionerID)
		}
		if o.At.IsZero() {
			o.At = now
		}
	}
}

// checkBlocks refuses a session with a block that no override passes, with the warning beside its
// field, and overrides without a reason.
func (b *Batch) checkBlocks(se *Session) error {
	var c checker
	for i, o := range se.Overrides {
		f := fmt.Sprintf("overrides[%d]", i)
		switch {
		case o.Rule == "":
			c.add(f+".rule", "Override %d does not say which warning it passes.", i+1)
		case o.Reason == "":
			c.add(f+".reason", "Write the reason for going ahead despite the warning.")
		case slices.ContainsFunc(se.Overrides[:i], func(p Override) bool { return p.Rule == o.Rule }):
			c.add(f+".rule", "The same warning is passed twice; keep one reason.")
		}
		c.text(f+".reason", "The reason", o.Reason)
	}
	if err := c.err(); err != nil {
		return err
	}
	in, err := b.blockInput(*se)
	if err != nil {
		return err
	}
	for _, w := range Blocking(checkSafety(in, true), se.Overrides) {
		c.add(w.Field, "%s To go ahead, record the reason.", w.Message)
	}
	return c.err()
}

// saveOverrides stores the session's overrides, replacing those stored, and logs each one given
// or withdrawn.
func (b *Batch) saveOverrides(se *Session, replace bool) error {
	var stored []Override
	if replace {
		var err error
		if stored, err = loadOverrides(b.ctx, b.q(), se.ID); err != nil {
			return err
		}
		if len(stored) == 0 && len(se.Overrides) == 0 {
			return nil
		}
		if _, err := b.exec(`DELETE FROM session_overrides WHERE session_id = ?`, se.ID); err != nil {
			return fmt.Errorf("save overrides: %w", err)
		}
	}
	same := func(a, o Override) bool { return a.Rule == o.Rule && a.Reason == o.Reason }
	for _, o := range se.Overrides {
		_, err := b.exec(`INSERT INTO session_overrides (id, session_id, rule, reason, practitioner_id, at)
			VALUES (?, ?, ?, ?, ?, ?)`, newID(), se.ID, o.Rule, o.Reason, nullID(o.PractitionerID), timeText(o.At))
		if err != nil {
			return fmt.Errorf("save override of %s: %w", o.Rule, err)
		}
		if !slices.ContainsFunc(stored, func(s Override) bool { return same(s, o) }) {
			if err := b.audit(ActionOverride, "session", se.ID, o.Rule+"; reason: "+o.Reason); err != nil {
				return err
			}
		}
	}
	for _, s := range stored {
		if !slices.ContainsFunc(se.Overrides, func(o Override) bool { return same(s, o) }) {
			if err := b.audit(ActionOverride, "session", se.ID, "withdrawn: "+s.Rule); err != nil {
				return err
			}
		}
	}
	return nil
}

func loadOverrides(ctx context.Context, q querier, sessionID string) ([]Override, error) {
	var out []Override
	err := scanAll(ctx, q, `SELECT rule, reason, coalesce(practitioner_id, ''), at FROM session_overrides
		WHERE session_id = ? ORDER BY at, rule`, []any{sessionID}, func(r *sql.Rows) error {
		var o Override
		err := r.Scan(&o.Rule, &o.Reason, &o.PractitionerID, timeCol{&o.At})
		out = append(out, o)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("overrides of session %s: %w", sessionID, err)
	}
	return out, nil
}
