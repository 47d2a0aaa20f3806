package data

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// FieldError is one problem with one field, said as a sentence a practitioner can act on.
// Field names a form field: "last_name", "zones[2].depth_mm", "side_effects[0].resolved".
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists every problem found in a record, so a form can show each beside its field.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Message
	}
	return strings.Join(msgs, " ")
}

// For returns the message for a field, or "" when the field is fine.
func (e *ValidationError) For(field string) string {
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// Bounds that make a value an input error rather than a warning (DOMAIN.md).
const (
	MinDepthMM         = 0.1
	MaxDepthMM         = 3.0
	MinPasses          = 1
	MaxPasses          = 40 // rollers go to 40; pens to 20
	MaxPain            = 10
	MaxAnaestheticMins = 90
	MaxSeriesLength    = 20
	MinIntervalDays    = 7
	MaxIntervalDays    = 365
	MaxPriceCents      = 10_000_000
	MaxSpeed           = 20_000 // rpm is the largest unit in use
	oldestBirthYear    = 1900
)

// The longest value each kind of text field takes at entry, in characters: far beyond what a
// clinic writes, and short enough that a record always lays out in a report in moments. They are
// checked when a value is entered (created, changed, imported or amended), never when one is read:
// a longer value stored before stays readable and shown.
const (
	MaxNameLength    = 100    // a person's first or last name, a practitioner's name
	MaxEmailLength   = 254    // the longest address mail can carry (RFC 5321)
	MaxPhoneLength   = 40     // a number with its spaces, dashes and brackets
	MaxAddressLength = 500    // a postal address over a few lines
	MaxLabelLength   = 200    // a name from a list: zone, product, device, concern, condition, consent form...
	MaxCodeLength    = 60     // lot numbers, serial numbers, versions, amounts, units
	MaxTextLength    = 10_000 // free-text notes, reasons and messages
)

// futureSlack allows a session to be entered for later today, and clocks that disagree a little.
const futureSlack = 24 * time.Hour

// Checker gathers the fields of a record that fail their checks, for one ValidationError: the
// store checks what only it can know (references, stored lists) with the same one.
type Checker struct {
	errs []FieldError
}

// Add records that field fails, with the sentence format says.
func (c *Checker) Add(field, format string, args ...any) {
	c.errs = append(c.errs, FieldError{field, fmt.Sprintf(format, args...)})
}

// Err is the ValidationError of the fields that failed, or nil.
func (c *Checker) Err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return &ValidationError{Fields: c.errs}
}

// Text checks free text, which may run over several lines.
func (c *Checker) Text(field, label, v string) { c.long(field, label, v, MaxTextLength) }

// long checks a value's length in characters.
func (c *Checker) long(field, label, v string, max int) bool {
	if len(v) > max && utf8.RuneCountInString(v) > max {
		c.Add(field, "%s is too long (at most %d characters).", label, max)
		return false
	}
	return true
}

// line checks a value that is one line, such as a name: its length, and no line break or other
// control character in it.
func (c *Checker) line(field, label, v string, max int) {
	if c.long(field, label, v, max) && strings.IndexFunc(v, unicode.IsControl) >= 0 {
		c.Add(field, "%s must be on one line.", label)
	}
}

// required checks a one-line value that must be given, as line does; label begins "The", and a
// blank value is asked for by it: "Enter the zone's name."
func (c *Checker) required(field, label, v string, max int) {
	if strings.TrimSpace(v) == "" {
		c.Add(field, "Enter %s.", strings.ToLower(label[:1])+label[1:])
	}
	c.line(field, label, v, max)
}

// lines checks each entry of a list as a line of its own.
func (c *Checker) lines(field, label string, vs []string, max int) {
	for i, v := range vs {
		c.line(fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("%s %d", label, i+1), v, max)
	}
}

func (c *Checker) notFuture(field, label string, d Date, today Date) {
	if !d.IsZero() && d.After(today) {
		c.Add(field, "%s cannot be in the future.", label)
	}
}

// Validate checks a client against the domain's bounds. now is the current time.
func (cl *Client) Validate(now time.Time) error {
	var c Checker
	today := DateOf(now)
	if strings.TrimSpace(cl.FirstName) == "" && strings.TrimSpace(cl.LastName) == "" {
		c.Add("last_name", "Enter the client's name.")
	}
	c.line("first_name", "First name", cl.FirstName, MaxNameLength)
	c.line("last_name", "Last name", cl.LastName, MaxNameLength)
	if !cl.DateOfBirth.IsZero() {
		switch {
		case cl.DateOfBirth.After(today):
			c.Add("date_of_birth", "Date of birth cannot be in the future.")
		case cl.DateOfBirth.Year() < oldestBirthYear:
			c.Add("date_of_birth", "Date of birth must be after %d.", oldestBirthYear)
		}
	}
	if p := strings.TrimSpace(cl.Phone); !c.long("phone", "Phone", p, MaxPhoneLength) {
	} else if p != "" {
		if strings.Trim(p, "+0123456789 ()-./") != "" {
			c.Add("phone", "Phone may hold only digits, spaces and + ( ) - . /")
		} else if n := len(DigitsOf(p)); n < 5 || n > 15 {
			c.Add("phone", "Phone needs between 5 and 15 digits.")
		}
	}
	if e := strings.TrimSpace(cl.Email); !c.long("email", "Email", e, MaxEmailLength) {
	} else if e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e || !strings.Contains(e[strings.LastIndex(e, "@"):], ".") {
			c.Add("email", "Email %q is not an address like name@example.com.", e)
		}
	}
	if cl.Fitzpatrick < 0 || cl.Fitzpatrick > 6 {
		c.Add("fitzpatrick", "Fitzpatrick skin type must be I to VI.")
	}
	if !slices.Contains(PhotoConsents, cl.PhotoConsent) {
		c.Add("photo_consent", "Photo consent must be one of none, clinical, education or marketing.")
	}
	c.lines("concerns", "Concern", cl.Concerns, MaxLabelLength)
	c.lines("allergies", "Allergy", cl.Allergies, MaxLabelLength)
	c.line("consent_form", "Consent form", cl.Consent.Form, MaxLabelLength)
	c.line("consent_version", "Consent form version", cl.Consent.Version, MaxCodeLength)
	c.notFuture("consent_signed", "Consent date", cl.Consent.Signed, today)
	if !cl.Consent.Signed.IsZero() && cl.Consent.Form == "" {
		c.Add("consent_form", "Name the consent form that was signed.")
	}
	if cl.Consent.Form != "" && cl.Consent.Signed.IsZero() {
		c.Add("consent_signed", "Enter the date the consent form was signed.")
	}
	for i, h := range cl.History {
		f := fmt.Sprintf("history[%d]", i)
		if strings.TrimSpace(h.Condition) == "" {
			c.Add(f+".condition", "Medical history line %d needs a condition.", i+1)
		}
		c.line(f+".condition", fmt.Sprintf("Medical history line %d's condition", i+1), h.Condition, MaxLabelLength)
		c.Text(f+".notes", fmt.Sprintf("Medical history line %d's notes", i+1), h.Notes)
		c.notFuture(f+".since", fmt.Sprintf("Medical history line %d's start date", i+1), h.Since, today)
		c.notFuture(f+".until", fmt.Sprintf("Medical history line %d's end date", i+1), h.Until, today)
		if !h.Since.IsZero() && !h.Until.IsZero() && h.Until.Before(h.Since) {
			c.Add(f+".until", "Medical history line %d ends before it starts.", i+1)
		}
	}
	c.Text("medications", "Medications", cl.Medications)
	c.Text("medical_notes", "Medical notes", cl.MedicalNotes)
	c.Text("notes", "Notes", cl.Notes)
	return c.Err()
}

// Validate checks a session against the domain's bounds. now is the current time.
func (s *Session) Validate(now time.Time) error {
	var c Checker
	today := DateOf(now)
	if s.ClientID == "" {
		c.Add("client", "Choose the client for this session.")
	}
	switch {
	case s.StartedAt.IsZero():
		c.Add("started_at", "Enter the session's date and time.")
	case s.StartedAt.After(now.Add(futureSlack)):
		c.Add("started_at", "Session date cannot be more than a day in the future.")
	}
	if s.SeriesN < 1 {
		c.Add("series_n", "Session number in the series must be 1 or more.")
	}
	if s.SeriesOf < 0 || s.SeriesOf > MaxSeriesLength {
		c.Add("series_of", "A planned series has at most %d sessions.", MaxSeriesLength)
	} else if s.SeriesOf > 0 && s.SeriesN > s.SeriesOf {
		c.Add("series_n", "Session %d cannot be part of a series of %d.", s.SeriesN, s.SeriesOf)
	}
	if s.IntervalDays < MinIntervalDays || s.IntervalDays > MaxIntervalDays {
		c.Add("interval_days", "Series interval must be %d to %d days.", MinIntervalDays, MaxIntervalDays)
	}
	if s.Anaesthetic.Minutes < 0 || s.Anaesthetic.Minutes > MaxAnaestheticMins {
		c.Add("anaesthetic_minutes", "Anaesthetic time must be 0 to %d minutes.", MaxAnaestheticMins)
	}
	if s.Anaesthetic.Minutes > 0 && s.Anaesthetic.ProductID == "" {
		c.Add("anaesthetic_product", "Choose the anaesthetic that was applied.")
	}
	if s.Cartridge.Lot != "" && s.Cartridge.CartridgeID == "" {
		c.Add("cartridge", "Choose the cartridge the lot belongs to.")
	}
	if s.PainScore.Valid && (s.PainScore.V < 0 || s.PainScore.V > MaxPain) {
		c.Add("pain_score", "Pain score must be 0 to %d.", MaxPain)
	}
	if s.PriceCents.Valid && (s.PriceCents.V < 0 || s.PriceCents.V > MaxPriceCents) {
		c.Add("price", "Price must be between 0 and %d.", MaxPriceCents/100)
	}
	if !s.NextDue.IsZero() && !s.StartedAt.IsZero() && s.NextDue.Before(DateOf(s.StartedAt)) {
		c.Add("next_due", "Next session cannot be due before this one.")
	}
	c.lines("concerns", "Concern", s.Concerns, MaxLabelLength)
	c.line("modality", "Combined modality", s.Modality, MaxLabelLength)
	c.line("anaesthetic_lot", "Anaesthetic lot", s.Anaesthetic.Lot, MaxCodeLength)
	c.line("handpiece_serial", "Handpiece serial number", s.HandpieceSerial, MaxCodeLength)
	c.line("cartridge_lot", "Cartridge lot", s.Cartridge.Lot, MaxCodeLength)
	c.lines("aftercare", "Aftercare item", s.Aftercare, MaxLabelLength)
	c.line("aftercare_sheet", "Aftercare sheet version", s.AftercareSheet, MaxCodeLength)
	c.Text("photo_refusal", "Why no photo was taken", s.PhotoRefusal)
	for i, o := range s.Overrides {
		c.Text(fmt.Sprintf("overrides[%d].reason", i), "The reason to treat despite the warning", o.Reason)
	}
	if s.Status != StatusDraft && s.Status != StatusSigned {
		c.Add("status", "Session status must be draft or signed.")
	}
	seen := map[string]bool{}
	for i, z := range s.Zones {
		f := fmt.Sprintf("zones[%d]", i)
		name := strings.TrimSpace(z.Zone)
		switch {
		case name == "":
			c.Add(f+".zone", "Zone row %d needs a zone.", i+1)
		case seen[strings.ToLower(name)]:
			c.Add(f+".zone", "%s is listed twice; use one row per zone.", name)
		}
		seen[strings.ToLower(name)] = true
		if z.DepthMM < MinDepthMM || z.DepthMM > MaxDepthMM {
			c.Add(f+".depth_mm", "Depth for %s must be %.1f to %.1f mm.", zoneLabel(name, i), MinDepthMM, MaxDepthMM)
		}
		if z.Passes < MinPasses || z.Passes > MaxPasses {
			c.Add(f+".passes", "Passes for %s must be %d to %d.", zoneLabel(name, i), MinPasses, MaxPasses)
		}
		if z.Speed < 0 || z.Speed > MaxSpeed {
			c.Add(f+".speed", "Speed for %s is out of range.", zoneLabel(name, i))
		}
		c.line(f+".zone", fmt.Sprintf("Zone row %d's zone", i+1), z.Zone, MaxLabelLength)
		c.line(f+".pattern", "Pattern for "+zoneLabel(name, i), z.Pattern, MaxLabelLength)
		c.line(f+".endpoint", "Endpoint for "+zoneLabel(name, i), z.Endpoint, MaxLabelLength)
	}
	for i, p := range s.Products {
		f := fmt.Sprintf("products[%d]", i)
		if p.ProductID == "" {
			c.Add(f+".product", "Product row %d needs a product.", i+1)
		}
		if !slices.Contains(Phases, p.Phase) {
			c.Add(f+".phase", "Product row %d: phase must be before, during or after needling.", i+1)
		}
		c.line(f+".lot", fmt.Sprintf("Product row %d's lot", i+1), p.Lot, MaxCodeLength)
		c.line(f+".amount", fmt.Sprintf("Product row %d's amount", i+1), p.Amount, MaxCodeLength)
	}
	if s.NoSideEffects && len(s.SideEffects) > 0 {
		c.Add("no_side_effects", "Side effects are listed, so \"none observed\" cannot be ticked.")
	}
	for i, e := range s.SideEffects {
		c.sideEffect(fmt.Sprintf("side_effects[%d]", i), fmt.Sprintf("Side effect %d", i+1), e, DateOf(s.StartedAt), today)
	}
	c.Text("notes", "Notes", s.Notes)
	return c.Err()
}

// ValidateSideEffect checks a side effect logged against a session that started on sessionDay.
func ValidateSideEffect(e SideEffect, sessionDay Date, now time.Time) error {
	var c Checker
	c.sideEffect("side_effect", "Side effect", e, sessionDay, DateOf(now))
	return c.Err()
}

func (c *Checker) sideEffect(f, label string, e SideEffect, sessionDay, today Date) {
	if strings.TrimSpace(e.Kind) == "" {
		c.Add(f+".kind", "%s needs a kind.", label)
	}
	if !slices.Contains(Severities, e.Severity) {
		c.Add(f+".severity", "%s: severity must be mild, moderate or severe.", label)
	}
	c.line(f+".kind", label+"'s kind", e.Kind, MaxLabelLength)
	c.Text(f+".treatment", label+"'s treatment", e.Treatment)
	c.Text(f+".notes", label+"'s notes", e.Notes)
	switch {
	case e.Onset.IsZero():
		if !e.DuringSession { // during the session means on the session's day
			c.Add(f+".onset", "%s needs the date it started.", label)
		}
	case e.Onset.After(today):
		c.Add(f+".onset", "%s cannot start in the future.", label)
	case !sessionDay.IsZero() && e.Onset.Before(sessionDay):
		c.Add(f+".onset", "%s cannot start before the session.", label)
	}
	switch {
	case e.Resolved.IsZero():
	case e.Resolved.After(today):
		c.Add(f+".resolved", "%s cannot be resolved in the future.", label)
	case !e.Onset.IsZero() && e.Resolved.Before(e.Onset):
		c.Add(f+".resolved", "%s cannot resolve before it started.", label)
	}
}

func zoneLabel(name string, i int) string {
	if name == "" {
		return fmt.Sprintf("zone row %d", i+1)
	}
	return name
}

func DigitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Validate checks a zone definition.
func (z *Zone) Validate() error {
	var c Checker
	c.required("name", "The zone's name", z.Name, MaxLabelLength)
	c.line("map_key", "The zone's map area", z.MapKey, MaxCodeLength)
	if !slices.Contains([]Region{RegionFace, RegionNeck, RegionScalp, RegionBody}, z.Region) {
		c.Add("region", "Region must be face, neck, scalp or body.")
	}
	for _, v := range []struct {
		field string
		d     float64
	}{{"typical_min", z.TypicalMin}, {"typical_max", z.TypicalMax}, {"warn_above", z.WarnAbove}} {
		if v.d < MinDepthMM || v.d > MaxDepthMM {
			c.Add(v.field, "Depths must be %.1f to %.1f mm.", MinDepthMM, MaxDepthMM)
		}
	}
	if z.TypicalMin > z.TypicalMax {
		c.Add("typical_max", "The typical range ends below where it starts.")
	}
	return c.Err()
}

// Validate checks a device definition.
func (d *Device) Validate() error {
	var c Checker
	c.required("model", "The device's model", d.Model, MaxLabelLength)
	c.line("speed_unit", "The speed unit", d.SpeedUnit, MaxCodeLength)
	if !slices.Contains(DeviceKinds, d.Kind) {
		c.Add("kind", "Device kind must be pen, roller, rf or stamp.")
	}
	if d.MaxDepth < MinDepthMM || d.MaxDepth > MaxDepthMM {
		c.Add("max_depth", "Maximum depth must be %.1f to %.1f mm.", MinDepthMM, MaxDepthMM)
	}
	if d.EvaluatedDepth < MinDepthMM || d.EvaluatedDepth > d.MaxDepth {
		c.Add("evaluated_depth", "Evaluated depth must be between %.1f mm and the maximum depth.", MinDepthMM)
	}
	if d.DepthStep < 0 || d.DepthStep > 1 {
		c.Add("depth_step", "Depth step must be 0 to 1 mm.")
	}
	return c.Err()
}

// Validate checks a contraindication rule.
func (r *Rule) Validate() error {
	var c Checker
	if strings.TrimSpace(r.Condition) == "" {
		c.Add("condition", "Enter the condition the rule looks for.")
	}
	c.line("condition", "The condition", r.Condition, MaxLabelLength)
	c.Text("message", "The rule's message", r.Message)
	if r.Action != RuleBlock && r.Action != RuleWarn {
		c.Add("action", "A rule either blocks or warns.")
	}
	if r.WindowDays < 0 || r.WindowDays > 3650 {
		c.Add("window_days", "The time window must be 0 to 3650 days.")
	}
	return c.Err()
}

// Validate checks an entry of one of the practice's lists.
func (it *ListItem) Validate() error {
	var c Checker
	if !slices.Contains(ListKinds, it.Kind) {
		return fmt.Errorf("unknown list %q", it.Kind)
	}
	c.required("name", "The entry's name", it.Name, MaxLabelLength)
	c.line("category", "The entry's category", it.Category, MaxCodeLength)
	return c.Err()
}

// Validate checks a kind of cartridge.
func (ca *Cartridge) Validate() error {
	var c Checker
	c.required("name", "The cartridge's name", ca.Name, MaxLabelLength)
	return c.Err()
}

// Validate checks a product.
func (p *Product) Validate() error {
	var c Checker
	c.required("name", "The product's name", p.Name, MaxLabelLength)
	c.line("kind", "The product's kind", p.Kind, MaxLabelLength)
	c.Text("notes", "The product's notes", p.Notes)
	return c.Err()
}

// Validate checks a lot of a product or cartridge.
func (l *Lot) Validate() error {
	var c Checker
	c.required("lot", "The lot number", l.Lot, MaxCodeLength)
	return c.Err()
}

// Validate checks a practitioner.
func (p *Practitioner) Validate() error {
	var c Checker
	c.required("name", "The practitioner's name", p.Name, MaxNameLength)
	c.line("credentials", "Credentials", p.Credentials, MaxLabelLength)
	if p.Role != RolePractitioner && p.Role != RoleAdmin {
		c.Add("role", "Role must be practitioner or admin.")
	}
	return c.Err()
}

// settingLimits are the longest values of the practice's text settings; others take free text.
var settingLimits = map[string]struct {
	label string
	max   int
	line  bool
}{
	SettingClinicName:     {"The clinic's name", MaxLabelLength, true},
	SettingClinicAddress:  {"The clinic's address", MaxAddressLength, false},
	SettingClinicPhone:    {"The clinic's phone", MaxPhoneLength, true},
	SettingCurrency:       {"The currency", MaxCodeLength, true},
	SettingAftercareSheet: {"The aftercare sheet's version", MaxCodeLength, true},
}

// ValidateSetting checks a practice setting's value; the field named is the setting's key.
func ValidateSetting(key, value string) error {
	var c Checker
	l, ok := settingLimits[key]
	switch {
	case !ok:
		c.Text(key, "The setting", value)
	case l.line:
		c.line(key, l.label, value, l.max)
	default:
		c.long(key, l.label, value, l.max)
	}
	switch key {
	case SettingCurrency:
		if _, err := ParseCurrency(value); err != nil {
			c.Add(key, "The currency is its three letters, such as EUR, GBP or USD.")
		}
	case SettingDateOrder:
		if value != "" && value != string(DayMonthYear) && value != string(MonthDayYear) {
			c.Add(key, "The date order is dmy (day first) or mdy (month first).")
		}
	}
	return c.Err()
}

// RequireName checks a value that must be given, such as a written reason: it is there, and it
// is free text of a sensible length.
func RequireName(field, label, v string) error {
	if strings.TrimSpace(v) == "" {
		return &ValidationError{Fields: []FieldError{{field, "Enter the " + label + "."}}}
	}
	var c Checker
	c.Text(field, "The "+label, v)
	return c.Err()
}
