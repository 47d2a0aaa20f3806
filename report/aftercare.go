package report

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/wording"
)

// AftercareText is what an aftercare sheet tells the client, as lists of sentences.
type AftercareText struct {
	Avoid  []string // in the first week
	Do     []string // in the first week
	Expect []string // usual reactions, which pass
	CallUs []string // signs to call the clinic about
}

// DefaultAftercare is the sheet's text, from DOMAIN.md: the brief's first-week advice and the
// side effects expected, less common and serious. It is the practice's to edit.
var DefaultAftercare = AftercareText{
	Avoid: []string{
		"Sun exposure: keep the treated skin out of the sun, and protect it with a broad-spectrum sunscreen every day.",
		"Skin care with alpha-hydroxy acids (AHA, such as glycolic or lactic acid) or with retinol.",
	},
	Do: []string{
		"Stay hydrated: drink plenty of water.",
		"Apply an antioxidant serum.",
		"Use a cooling mask to soothe redness and swelling.",
		"Apply collagen-stimulating peptides.",
	},
	Expect: []string{
		"Redness, swelling, tightness, itching or stinging, and pinpoint bleeding straight after the treatment.",
		"Dryness and light flaking as the skin renews; bruising is possible around the eyes.",
		"These usually settle within 72 hours.",
	},
	CallUs: []string{
		"Redness that lasts beyond the downtime above, or crusting.",
		"Signs of infection: increasing pain, warmth, pus or fever.",
		"A cold sore, a rash, or new dark patches on the treated skin.",
		"Small white bumps, spots or lumps that appear after treatment.",
	},
}

// Downtime is the downtime expected after needling to depthMM (DOMAIN.md: 0.2–0.5 mm 2–3 days,
// 0.8–1.5 mm 4–5 days, 2.0 mm and over 6–7 days). A depth between two bands takes the longer
// one: a client told to expect more downtime is not caught out. "" for no depth.
func Downtime(depthMM float64) string {
	switch {
	case depthMM <= 0:
		return ""
	case depthMM <= 0.5:
		return "2–3 days"
	case depthMM <= 1.5:
		return "4–5 days"
	}
	return "6–7 days"
}

// AftercareSheet is what an aftercare sheet for one session shows.
type AftercareSheet struct {
	Clinic       Clinic
	ClientName   string
	SessionStart time.Time
	Practitioner string
	DeepestMM    float64  // the session's deepest needling; 0 when no zone was recorded
	Given        []string // the aftercare checklist items the practitioner gave
	NextDue      data.Date
	Version      string        // the sheet's version, as the session records it
	Text         AftercareText // DefaultAftercare when empty
	Printed      time.Time
}

// LoadAftercare reads what the aftercare sheet for a session needs.
func LoadAftercare(ctx context.Context, store Source, sessionID string) (AftercareSheet, error) {
	fail := func(err error) (AftercareSheet, error) {
		return AftercareSheet{}, fmt.Errorf("aftercare sheet: %w", err)
	}
	se, err := store.Session(ctx, sessionID)
	if err != nil {
		return fail(err)
	}
	c, err := store.Client(ctx, se.ClientID)
	if err != nil {
		return fail(err)
	}
	a := AftercareSheet{ClientName: c.Name(), SessionStart: se.StartedAt, Given: se.Aftercare, NextDue: se.NextDue,
		Version: se.AftercareSheet, Text: DefaultAftercare, Printed: store.Now()}
	for _, z := range se.Zones {
		a.DeepestMM = max(a.DeepestMM, z.DepthMM)
	}
	if a.Version == "" {
		if a.Version, err = store.Setting(ctx, data.SettingAftercareSheet); err != nil {
			return fail(err)
		}
	}
	if se.PractitionerID != "" {
		cat, err := LoadCatalog(ctx, store)
		if err != nil {
			return fail(err)
		}
		a.Practitioner = cat.practitioner(se.PractitionerID)
	}
	if a.Clinic, err = LoadClinic(ctx, store); err != nil {
		return fail(err)
	}
	return a, nil
}

// WriteAftercare writes an aftercare sheet to hand to the client: what to avoid and what to do
// in the first week, what to expect and for how long, when to call, and the next session.
func WriteAftercare(w io.Writer, a AftercareSheet) error {
	text := a.Text
	if len(text.Avoid)+len(text.Do)+len(text.Expect)+len(text.CallUs) == 0 {
		text = DefaultAftercare
	}
	footer := "Aftercare sheet"
	if a.Version != "" {
		footer += " version " + a.Version
	}
	d := newDoc("Aftercare: "+a.ClientName, footer+" · "+a.ClientName, a.Clinic.Name, a.Printed)
	if err := d.clinicHeader(a.Clinic); err != nil {
		return fmt.Errorf("aftercare sheet: %w", err)
	}
	sub := "For " + a.ClientName
	if !a.SessionStart.IsZero() {
		sub += " · treatment on " + wording.LongDate(data.DateOf(a.SessionStart))
	}
	d.title("Caring for your skin after microneedling", sub)

	if dt := Downtime(a.DeepestMM); dt != "" {
		d.banner(fmt.Sprintf("Expected downtime: %s (treated up to %s deep).", dt, wording.MM(a.DeepestMM)), 232, 240, 250)
	}
	seen := map[string]bool{} // an item is said once on the sheet, where it first comes
	section := func(title string, items []string) {
		items = distinct(items, seen)
		if len(items) == 0 {
			return
		}
		d.heading(title, 2*bodyLine)
		d.bullets(items)
	}
	section("For the first week, avoid", text.Avoid)
	section("For the first week, do", text.Do)
	section("What to expect", text.Expect)
	section("Call us if you notice", text.CallUs)
	section("Recommended for you today", a.Given)

	d.heading("Your next session", 3*bodyLine)
	next := "Your practitioner will agree the date of your next session with you."
	if !a.NextDue.IsZero() {
		next = wording.LongDate(a.NextDue)
	}
	d.para(next)
	var contact []string
	if a.Practitioner != "" {
		contact = append(contact, "Your practitioner: "+a.Practitioner+".")
	}
	if a.Clinic.Phone != "" {
		contact = append(contact, "Questions or concerns? Call us on "+a.Clinic.Phone+".")
	}
	if len(contact) > 0 {
		d.gap(3)
		d.para(strings.Join(contact, " "))
	}
	if err := d.finish(w); err != nil {
		return fmt.Errorf("aftercare sheet: %w", err)
	}
	return nil
}

// distinct returns items without those in seen or repeated, in their order, and adds them to
// seen. Items differing only in letter case, spacing or a final full stop are the same item.
func distinct(items []string, seen map[string]bool) []string {
	var out []string
	for _, it := range items {
		key := strings.ToLower(strings.TrimSuffix(strings.Join(strings.Fields(it), " "), "."))
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, strings.TrimSpace(it))
	}
	return out
}
