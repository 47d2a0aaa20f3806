package wording

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"needlelog.app/needlelog/data"
)

// How the records carried between copies of a practice (transfer bundles) and the conflicts they
// leave are said: in the app's Conflicts view and its summaries.

// transferFields are the labels of the fields a conflict can name: a record's columns, the rows
// kept with it (history, zones…), the shared settings, and what the merge itself names.
var transferFields = map[string]string{
	"first_name": "First name", "last_name": "Last name", "date_of_birth": "Date of birth", "phone": "Phone",
	"email": "Email", "fitzpatrick": "Fitzpatrick skin type", "concerns": "Concerns", "medications": "Medications",
	"allergies": "Allergies", "medical_notes": "Medical notes", "consent_form": "Consent form",
	"consent_version": "Consent form version", "consent_signed": "Consent signed", "photo_consent": "Photo consent",
	"notes": "Notes", "archived_at": "Archived", "history": "Medical history",
	"practitioner_id": "Practitioner", "started_at": "Date and time", "series_n": "Session in series",
	"series_of": "Sessions in series", "series_interval_days": "Days between sessions", "modality": "Modality",
	"anaesthetic_product_id": "Anaesthetic", "anaesthetic_lot": "Anaesthetic lot", "anaesthetic_minutes": "Anaesthetic minutes",
	"device_id": "Device", "handpiece_serial": "Handpiece serial", "cartridge_id": "Cartridge", "cartridge_lot": "Cartridge lot",
	"cartridge_expiry": "Cartridge expiry", "pain_score": "Pain score", "no_side_effects": "No side effects",
	"aftercare": "Aftercare", "aftercare_sheet": "Aftercare sheet", "price_cents": "Price", "next_due": "Next due",
	"photo_refusal": "Photo refusal", "zones": "Treated zones", "products": "Products used", "overrides": "Overridden warnings",
	"kind": "Kind", "severity": "Severity", "during_session": "During the session", "onset": "Onset", "resolved": "Resolved",
	"treatment": "Treatment", "session_id": "Session", "assessed_at": "Assessed on", "gais": "GAIS",
	"satisfaction": "Satisfaction", "scar_baseline": "Scar grade at baseline", "scar_now": "Scar grade now",
	"from_photos": "Assessed from photos", "zone": "Zone", "view": "View", "note": "Note", "consent_scope": "Photo use",
	"name": "Name", "credentials": "Credentials", "role": "Role", "retired": "Retired", "category": "Category",
	"position": "Place in the list", "region": "Region", "map_key": "Area on the zone map", "typical_min": "Typical depth from",
	"typical_max": "Typical depth to", "warn_above": "Warn above", "model": "Model", "speed_unit": "Speed unit",
	"max_depth": "Maximum depth", "evaluated_depth": "Evaluated depth", "depth_step": "Depth step", "needles": "Needles",
	"lot": "Lot", "expiry": "Expiry", "needled_skin_ok": "Safe on needled skin", "condition": "Condition", "action": "Action",
	"window_days": "Days it applies after", "message": "Message", "n": "Pin number", "x": "Pin place across", "y": "Pin place down",
	"clinic.name": "Clinic name", "clinic.address": "Clinic address", "clinic.phone": "Clinic phone", "currency": "Currency",
	"aftercare.sheet_version": "Aftercare sheet version", "dates.order": "Date order",
	"deleted": "Deleted on one side", "signed record": "Signed record", "amendment": "Amendments", "same photo": "The same photo twice",
}

// TransferField is the label of a field a conflict names: "phone" is "Phone", "history" is
// "Medical history". A field not known is said from its name: "handpiece_model" as "Handpiece model".
func TransferField(field string) string {
	if l, ok := transferFields[field]; ok {
		return l
	}
	s := strings.NewReplacer("_", " ", ".", " ").Replace(field)
	if s == "" {
		return "A value"
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

// transferEntities name the kinds of record a conflict is about.
var transferEntities = map[string]string{
	"client": "Client details", "session": "Session", "side_effect": "Side effect", "outcome": "Outcome assessment",
	"photo": "Photo", "photo_pin": "Photo pin", "setting": "Practice settings", "practitioner": "Practitioner",
	"list_item": "List entry", "zone": "Zone", "device": "Device", "cartridge": "Cartridge", "cartridge_lot": "Cartridge lot",
	"product": "Product", "product_lot": "Product lot", "rule": "Screening rule",
}

// TransferEntity names a kind of record: "client" is "Client details", "side_effect" "Side effect".
func TransferEntity(entity string) string {
	if l, ok := transferEntities[entity]; ok {
		return l
	}
	return TransferField(entity)
}

// valueWidth is about as long as a value is said in a conflict before it is cut: a long note's
// first lines are enough to tell the two apart, and the record holds the rest.
const valueWidth = 240

// TransferValue says a value a conflict holds (JSON) for the practitioner: text as it is, null
// or empty as "(none)", yes or no, a list of names joined, rows (a history, zones) as how many
// and the first of each: "2 entries: Rosacea; Pregnancy". field, when known, words values of its
// own (photo consent, Fitzpatrick type).
func TransferValue(field, raw string) string {
	d := json.NewDecoder(bytes.NewReader([]byte(raw)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return cut(raw) // not JSON: said as it came
	}
	return cut(transferValue(field, v))
}

func transferValue(field string, v any) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case string:
		switch {
		case strings.TrimSpace(x) == "":
			return "(none)"
		case field == "photo_consent" || field == "consent_scope":
			return PhotoConsent(data.PhotoConsent(x))
		case len(x) == len("2006-01-02") && x[4] == '-':
			if d, err := data.ParseDate(x); err == nil {
				return Date(d)
			}
		case len(x) >= len("2006-01-02T15:04:05Z") && x[4] == '-' && x[10] == 'T':
			if t, err := data.ParseTime(x); err == nil {
				return DateTime(t)
			}
		}
		switch {
		case field == "signed record" || field == "same photo":
			// A record's hash or ID: only its first characters, to tell the two apart.
			return "version " + x[:min(8, len(x))]
		}
		return x
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case json.Number:
		if field == "fitzpatrick" {
			if n, err := strconv.Atoi(x.String()); err == nil {
				if n == 0 {
					return "(none)"
				}
				return Fitzpatrick(n)
			}
		}
		switch field {
		case "typical_min", "typical_max", "warn_above", "max_depth", "evaluated_depth", "depth_step", "depth_mm":
			return x.String() + " mm"
		}
		if field == "retired" || field == "needled_skin_ok" || field == "no_side_effects" || field == "from_photos" ||
			field == "during_session" || field == "resolved" {
			if x.String() == "0" {
				return "no"
			}
			if x.String() == "1" {
				return "yes"
			}
		}
		return x.String()
	case []any:
		if len(x) == 0 {
			return "(none)"
		}
		var parts []string
		rows := false
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				rows = true
				parts = append(parts, rowSummary(m))
			} else {
				parts = append(parts, transferValue("", e))
			}
		}
		if rows {
			return Count(len(x), "entry", "entries") + ": " + strings.Join(parts, "; ")
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		return rowSummary(x)
	}
	return fmt.Sprint(v)
}

// rowKeys are the columns that say what a row is, best first: a history entry's condition, a
// zone row's zone and depth.
var rowKeys = []string{"condition", "zone", "name", "product_id", "rule", "lot", "kind", "reason"}

// rowSummary says a row briefly: what it is, and its depth, passes or dates when it has them.
func rowSummary(m map[string]any) string {
	var head string
	for _, k := range rowKeys {
		if s := transferValue(k, m[k]); m[k] != nil && s != "(none)" {
			head = s
			break
		}
	}
	if head == "" { // nothing known: its values, in a steady order
		keys := make([]string, 0, len(m))
		for k := range m {
			if k != "id" && k != "position" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var vals []string
		for _, k := range keys {
			if s := transferValue(k, m[k]); s != "(none)" {
				vals = append(vals, s)
			}
		}
		return strings.Join(vals, ", ")
	}
	var more []string
	if d, ok := m["depth_mm"]; ok && d != nil {
		more = append(more, transferValue("", d)+" mm")
	}
	if p, ok := m["passes"]; ok && p != nil {
		if n := transferValue("", p); n != "(none)" && n != "0" {
			more = append(more, Count(atoi(n), "pass", "passes"))
		}
	}
	if s, ok := m["since"].(string); ok && s != "" {
		more = append(more, "since "+transferValue("since", s))
	}
	if s, ok := m["until"].(string); ok && s != "" {
		more = append(more, "until "+transferValue("until", s))
	}
	if len(more) > 0 {
		return head + " (" + strings.Join(more, ", ") + ")"
	}
	return head
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// cut keeps a value to about valueWidth characters, ending in "…" when it was longer.
func cut(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= valueWidth {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:valueWidth])) + "…"
}

// DeviceOrUnnamed is another copy's name as it gave it, or "the other computer" when it gave none.
func DeviceOrUnnamed(name string) string {
	if strings.TrimSpace(name) == "" {
		return "the other computer"
	}
	return name
}

// Possessive is "Anna's laptop's", "the other computer's": whose value a button keeps.
func Possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}

// ConflictKept says which value a record holds after a conflict about field, with other the other
// copy's name.
func ConflictKept(field, kept, other string) string {
	switch field {
	case "deleted":
		if kept == "theirs" {
			return "The record is here again, with " + Possessive(other) + " changes."
		}
		return "The record stays here as this computer has it."
	case "signed record":
		return "A signed record never changes: this computer's stands."
	case "same photo":
		return "The photo is kept once, as this computer has it."
	}
	switch kept {
	case "ours":
		return "The record holds this computer's value now."
	case "theirs":
		return "The record holds " + Possessive(other) + " value now."
	}
	return "Both were kept: nothing to choose, only to see."
}

// ConflictToChoose reports whether the practitioner picks a value to settle a conflict about
// field: a deletion, a signed record and a photo held twice are only seen.
func ConflictToChoose(field, kept string) bool {
	switch field {
	case "deleted", "signed record", "same photo", "amendment":
		return false
	}
	return kept == "ours" || kept == "theirs"
}

// ConflictSettled says how a conflict was settled: "Settled: this computer's value kept, 7 Dec 2026, 22:40".
func ConflictSettled(resolution, other, at string) string {
	var how string
	switch resolution {
	case "ours":
		how = "this computer's value kept"
	case "theirs":
		how = Possessive(other) + " value kept"
	default:
		how = "seen"
	}
	if t, err := data.ParseTime(at); err == nil {
		return "Settled: " + how + ", " + DateTime(t) + "."
	}
	return "Settled: " + how + "."
}

// BundleCarried says what a bundle carried: "1,204 records and 14 photo files".
func BundleCarried(records, photos, deleted int) string {
	parts := []string{Thousands(records) + " " + Plural(records, "record", "records")}
	if photos > 0 {
		parts = append(parts, Thousands(photos)+" "+Plural(photos, "photo file", "photo files"))
	}
	if deleted > 0 {
		parts = append(parts, Thousands(deleted)+" "+Plural(deleted, "deletion", "deletions"))
	}
	return joinAnd(parts)
}

// BundleBrought says what a bundle brought in: "1,701 new records (200 clients, 1,000 sessions,
// 165 results, 336 others), 4 changed, 38 amendments, 2 photo files; 1 conflict to settle".
// Nothing new is "nothing new". Side effects and the parts of sessions count with their sessions.
func BundleBrought(created int, createdBy map[string]int, updated, deleted, amended, photos, conflicts int) string {
	var parts []string
	if created > 0 {
		s := Thousands(created) + " new " + Plural(created, "record", "records")
		var kinds []string
		named := 0
		for _, k := range []struct{ entity, one, many string }{{"client", "client", "clients"}, {"session", "session", "sessions"},
			{"outcome", "result", "results"}, {"photo", "photo", "photos"}} {
			if n := createdBy[k.entity]; n > 0 {
				kinds = append(kinds, Thousands(n)+" "+Plural(n, k.one, k.many))
				named += n
			}
		}
		if others := created - named; len(kinds) > 0 && others > 0 {
			kinds = append(kinds, Thousands(others)+" "+Plural(others, "other", "others"))
		}
		if len(kinds) > 0 {
			s += " (" + strings.Join(kinds, ", ") + ")"
		}
		parts = append(parts, s)
	}
	if updated > 0 {
		parts = append(parts, Thousands(updated)+" changed")
	}
	if deleted > 0 {
		parts = append(parts, Thousands(deleted)+" deleted")
	}
	if amended > 0 {
		parts = append(parts, Count(amended, "amendment", "amendments"))
	}
	if photos > 0 {
		parts = append(parts, Thousands(photos)+" "+Plural(photos, "photo file", "photo files"))
	}
	s := strings.Join(parts, ", ")
	if s == "" {
		s = "nothing new"
	}
	if conflicts > 0 {
		s += "; " + Count(conflicts, "conflict", "conflicts") + " to settle"
	}
	return s
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// ConflictFound says when and from where a conflict came: "Found 7 Dec 2026, 22:48, in a bundle
// from Anna's laptop."
func ConflictFound(foundAt, other string) string {
	if t, err := data.ParseTime(foundAt); err == nil && !t.IsZero() {
		return "Found " + DateTime(t) + ", in a bundle from " + other + "."
	}
	return "Found in a bundle from " + other + "."
}

// ConflictJustSettled says what settling a conflict did, for the line that confirms it: "Kept
// Anna's laptop's phone for Maria Lopez."; name is whose record it is ("" for none).
func ConflictJustSettled(pick, field, other, name string) string {
	label := TransferField(field)
	if label != "" {
		label = strings.ToLower(label[:1]) + label[1:]
	}
	var s string
	switch pick {
	case "ours":
		s = "Kept this computer's " + label
	case "theirs":
		s = "Kept " + Possessive(other) + " " + label
	default:
		s = "Seen: " + label
	}
	if name != "" {
		s += " for " + name
	}
	return s + "."
}
