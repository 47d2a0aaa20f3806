package data

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrNotSigned reports an amendment of a session that is still a draft, which is edited instead.
var ErrNotSigned = errors.New("session is not signed: edit the draft instead")

// Amendment is a change made to a signed session: who made it, when, why, and each field's old and
// new value. The record as it stood before stays readable (Store.SessionVersion).
type Amendment struct {
	ID             string
	SessionID      string
	N              int // 1 for a session's first amendment
	PractitionerID string
	At             time.Time
	Reason         string
	Changes        []FieldChange
	PrevHash       string // the record hash before
	RecordHash     string // the record hash after
}

// FieldChange is one field an amendment changed, with its values as people read them (names,
// not IDs; local times).
type FieldChange struct {
	Field string `json:"field"` // as in ValidationError: "zones[1].depth_mm"
	Label string `json:"label"` // "Cheeks: depth (mm)"
	Old   string `json:"old"`
	New   string `json:"new"`
}

// AmendedSideEffects takes the observed fields of the sealed side effects from updated, by ID, and
// keeps the rest of each side effect, and the follow-ups, as stored.
func AmendedSideEffects(stored, updated []SideEffect) ([]SideEffect, error) {
	var c Checker
	for i, e := range updated {
		if e.ID == "" {
			c.Add(fmt.Sprintf("side_effects[%d].kind", i),
				"Log a side effect noticed after signing as a follow-up, not in an amendment.")
		}
	}
	out := slices.Clone(stored)
	for i := range out {
		e := &out[i]
		if !e.Sealed {
			continue
		}
		j := slices.IndexFunc(updated, func(u SideEffect) bool { return u.ID == e.ID })
		if j < 0 {
			c.Add("side_effects", "%s was recorded before signing and cannot be removed; amend its details instead.", e.Kind)
			continue
		}
		u := updated[j]
		e.Kind, e.Severity, e.DuringSession, e.Onset = strings.TrimSpace(u.Kind), u.Severity, u.DuringSession, u.Onset
	}
	return out, c.Err()
}

// field is one recorded value of a session, as people read it.
type field struct{ key, label, value string }

// sessionFields lists a session's recorded values in editor order, for comparing two versions.
func sessionFields(se Session, names map[string]string) []field {
	ref := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
	num := func(n int) string { return strconv.Itoa(n) }
	var out []field
	add := func(key, label, value string) { out = append(out, field{key, label, value}) }
	started := ""
	if !se.StartedAt.IsZero() {
		started = se.StartedAt.Local().Format("2006-01-02 15:04")
	}
	add("started_at", "Date and time", started)
	add("practitioner", "Practitioner", ref(se.PractitionerID))
	add("series_n", "Session number", num(se.SeriesN))
	add("series_of", "Sessions planned", num(se.SeriesOf))
	add("interval_days", "Interval (days)", num(se.IntervalDays))
	add("concerns", "Concerns treated", strings.Join(se.Concerns, ", "))
	add("modality", "Combined modality", se.Modality)
	add("anaesthetic_product", "Anaesthetic", ref(se.Anaesthetic.ProductID))
	add("anaesthetic_lot", "Anaesthetic lot", se.Anaesthetic.Lot)
	add("anaesthetic_minutes", "Anaesthetic minutes", num(se.Anaesthetic.Minutes))
	add("device", "Device", ref(se.DeviceID))
	add("handpiece_serial", "Handpiece serial", se.HandpieceSerial)
	add("cartridge", "Cartridge", ref(se.Cartridge.CartridgeID))
	add("cartridge_lot", "Cartridge lot", se.Cartridge.Lot)
	add("cartridge_expiry", "Cartridge expiry", se.Cartridge.Expiry.String())
	for i, z := range se.Zones {
		f, l := fmt.Sprintf("zones[%d]", i), zoneLabel(z.Zone, i)
		add(f+".zone", fmt.Sprintf("Zone row %d", i+1), z.Zone)
		add(f+".depth_mm", l+": depth (mm)", decimal(z.DepthMM))
		add(f+".speed", l+": speed", decimal(z.Speed))
		add(f+".passes", l+": passes", num(z.Passes))
		add(f+".pattern", l+": pattern", z.Pattern)
		add(f+".endpoint", l+": endpoint", z.Endpoint)
	}
	for i, p := range se.Products {
		f, l := fmt.Sprintf("products[%d]", i), fmt.Sprintf("Product row %d", i+1)
		add(f+".product", l, ref(p.ProductID))
		add(f+".lot", l+": lot", p.Lot)
		add(f+".expiry", l+": expiry", p.Expiry.String())
		add(f+".phase", l+": phase", string(p.Phase))
		add(f+".amount", l+": amount", p.Amount)
	}
	for i, e := range se.SideEffects {
		if !e.Sealed {
			continue
		}
		f, l := fmt.Sprintf("side_effects[%d]", i), fmt.Sprintf("Side effect %d", i+1)
		add(f+".kind", l, e.Kind)
		add(f+".severity", l+": severity", string(e.Severity))
		add(f+".during_session", l+": during the session", yesNo(e.DuringSession))
		add(f+".onset", l+": started on", e.Onset.String())
	}
	add("no_side_effects", "No side effects observed", yesNo(se.NoSideEffects))
	pain := ""
	if se.PainScore.Valid {
		pain = num(se.PainScore.V)
	}
	add("pain_score", "Pain score", pain)
	add("aftercare", "Aftercare given", strings.Join(se.Aftercare, "; "))
	add("aftercare_sheet", "Aftercare sheet version", se.AftercareSheet)
	price := ""
	if se.PriceCents.Valid {
		price = fmt.Sprintf("%d.%02d", se.PriceCents.V/100, se.PriceCents.V%100)
	}
	add("price", "Price", price)
	add("next_due", "Next session due", se.NextDue.String())
	add("notes", "Notes", se.Notes)
	add("photo_refusal", "Why no before photo was taken", se.PhotoRefusal)
	for i, o := range se.Overrides {
		add(fmt.Sprintf("overrides[%d].reason", i), "Reason to go ahead despite "+o.Rule, o.Reason)
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// DiffSessions lists the fields whose values differ between two versions of a record. Rows are
// compared by position; overrides by the warning they pass.
func DiffSessions(old, next Session, names map[string]string) []FieldChange {
	a, b := sessionFields(old, names), sessionFields(next, names)
	// Overrides are keyed by their label (the rule), not their position.
	key := func(f field) string {
		if strings.HasPrefix(f.key, "overrides[") {
			return "override:" + f.label
		}
		return f.key
	}
	oldByKey := map[string]field{}
	for _, f := range a {
		oldByKey[key(f)] = f
	}
	var out []FieldChange
	seen := map[string]bool{}
	for _, f := range b {
		k := key(f)
		seen[k] = true
		if o, ok := oldByKey[k]; !ok || o.value != f.value {
			out = append(out, FieldChange{Field: f.key, Label: f.label, Old: o.value, New: f.value})
		}
	}
	for _, f := range a {
		if k := key(f); !seen[k] && f.value != "" {
			out = append(out, FieldChange{Field: f.key, Label: f.label, Old: f.value})
		}
	}
	return out
}
