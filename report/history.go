package report

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/wording"
)

// ClientHistory is everything a client's treatment history shows.
type ClientHistory struct {
	Clinic   Clinic
	Client   data.Client
	Sessions []data.Session // oldest first
	Catalog  Catalog
	Photos   []Photo  // all the client's photos, in treatment order (as the store's ListPhotos gives them)
	Views    []string // the practice's photo views in their display order: before/after pairs follow it
	Currency string
	Printed  time.Time
	// Restrictions say, on the day printed, what the practice's rules make of the history:
	// "Isotretinoin (Accutane) ended 1 Oct 2026; no needling before 31 Mar 2027".
	Restrictions []string
	// Amendments are the changes made to signed sessions since they were signed, by session ID.
	Amendments map[string][]data.Amendment
	// Outcomes are the results assessed after each session, by session ID, oldest first.
	Outcomes map[string][]data.Outcome
}

// LoadClientHistory reads a client's record with every session, side effect, result and photo.
func LoadClientHistory(ctx context.Context, store Source, clientID string) (ClientHistory, error) {
	fail := func(err error) (ClientHistory, error) {
		return ClientHistory{}, fmt.Errorf("treatment history: %w", err)
	}
	var h ClientHistory
	var err error
	if h.Client, err = store.Client(ctx, clientID); err != nil {
		return fail(err)
	}
	timeline, err := store.Timeline(ctx, clientID)
	if err != nil {
		return fail(err)
	}
	for i := len(timeline) - 1; i >= 0; i-- { // the timeline is newest first
		se, err := store.Session(ctx, timeline[i].SessionID)
		if err != nil {
			return fail(err)
		}
		h.Sessions = append(h.Sessions, se)
		if se.Amendments > 0 {
			if h.Amendments == nil {
				h.Amendments = map[string][]data.Amendment{}
			}
			if h.Amendments[se.ID], err = store.Amendments(ctx, se.ID); err != nil {
				return fail(err)
			}
		}
	}
	outcomes, err := store.Outcomes(ctx, clientID)
	if err != nil {
		return fail(err)
	}
	h.Outcomes = outcomesBySession(outcomes)
	if h.Clinic, err = LoadClinic(ctx, store); err != nil {
		return fail(err)
	}
	all, err := store.Catalog(ctx) // one read of the lists: names, photo views and rules
	if err != nil {
		return fail(err)
	}
	h.Catalog = catalogOf(all)
	if h.Currency, err = store.Setting(ctx, data.SettingCurrency); err != nil {
		return fail(err)
	}
	for _, v := range all.Items[data.ListPhotoView] {
		h.Views = append(h.Views, v.Name)
	}
	if h.Photos, err = loadPhotos(ctx, store, data.PhotoQuery{ClientID: clientID}); err != nil {
		return fail(err)
	}
	h.Printed = store.Now()
	day := data.DateOf(h.Printed)
	for _, f := range data.Findings(h.Client, all.CurrentRules(), day) {
		if f.Action != "" {
			h.Restrictions = append(h.Restrictions, f.Restriction(day))
		}
	}
	return h, nil
}

// WriteClientHistory writes a client's treatment history as a PDF: the client's summary, every
// session in order with its settings, the results assessed after it and its photos, a log of every side effect, and for each photo
// view the baseline photo beside the latest.
func WriteClientHistory(w io.Writer, h ClientHistory) error {
	name := h.Client.Name()
	d := newDoc("Treatment history: "+name, "Treatment history · "+name, h.Clinic.Name, h.Printed)
	if err := d.clinicHeader(h.Clinic); err != nil {
		return fmt.Errorf("treatment history: %w", err)
	}
	d.title("Treatment history", name+" · "+sessionSpan(h.Sessions))

	d.heading("Client", 20)
	summary := clientSummary(h.Client, h.Printed)
	if len(h.Restrictions) > 0 {
		summary = append(summary, field{"Before treating", strings.Join(h.Restrictions, "\n")})
	}
	d.fields(summary)

	sessions := make(map[string]data.Session, len(h.Sessions))
	for _, se := range h.Sessions {
		sessions[se.ID] = se
	}
	bySession := map[string][]Photo{}
	for _, p := range h.Photos {
		bySession[p.SessionID] = append(bySession[p.SessionID], p)
	}

	d.heading("Sessions", 30)
	if len(h.Sessions) == 0 {
		d.para("No sessions recorded.")
	}
	for _, se := range h.Sessions {
		if err := writeSessionSummary(d, se, h.Amendments[se.ID], h.Outcomes[se.ID], h.Catalog, h.Currency, bySession[se.ID]); err != nil {
			return fmt.Errorf("treatment history: %w", err)
		}
	}
	// Photos whose session is not listed (none, or one since deleted) are still part of the record.
	var loose []Photo
	for _, p := range h.Photos {
		if _, ok := sessions[p.SessionID]; !ok {
			loose = append(loose, p)
		}
	}
	if len(loose) > 0 {
		d.subheading("Photos not filed under a session", 30)
		if err := d.photos(photoStrip(loose), 4, 45); err != nil {
			return fmt.Errorf("treatment history: %w", err)
		}
	}

	d.heading("Side-effect log", 20)
	var rows [][]string
	for _, se := range h.Sessions {
		for _, e := range se.SideEffects {
			rows = append(rows, append([]string{wording.Date(data.DateOf(se.StartedAt)) + "\n" + wording.Series(se.SeriesN, se.SeriesOf)}, sideEffectRow(e)...))
		}
	}
	if len(rows) == 0 {
		d.para("No side effects recorded.")
	} else {
		d.table(append([]column{{"Session", 2.4, "L"}}, sideEffectColumns...), rows)
	}

	const pairH = 125 // a pair of photos with their captions
	plain := make([]data.Photo, len(h.Photos))
	for i, p := range h.Photos {
		plain[i] = p.Photo
	}
	pairs := data.BeforeAfterPairs(plain, h.Views)
	if len(pairs) == 0 {
		d.heading("Before and after, by view", 10)
		d.para("No view has a before photo and a later after or follow-up photo yet.")
	} else {
		d.heading("Before and after, by view", pairH)
	}
	for _, p := range pairs {
		d.subheading(p.View, pairH)
		sides := make([]pictured, 2)
		for i, k := range []int{p.Before, p.After} {
			ph := h.Photos[k]
			var se *data.Session
			if s, ok := sessions[ph.SessionID]; ok {
				se = &s
			}
			sides[i] = pictured{key: ph.ID, jpeg: ph.Preview, caption: wording.PhotoCaption(ph.Photo, se, h.Catalog.Products)}
		}
		if err := d.photos(sides, 2, 100); err != nil {
			return fmt.Errorf("treatment history: %w", err)
		}
	}
	if err := d.finish(w); err != nil {
		return fmt.Errorf("treatment history: %w", err)
	}
	return nil
}

// sessionSpan is "3 sessions, 13 Jan 2026 to 10 Mar 2026".
func sessionSpan(ss []data.Session) string {
	switch len(ss) {
	case 0:
		return "no sessions"
	case 1:
		return "1 session, " + wording.Date(data.DateOf(ss[0].StartedAt))
	}
	return fmt.Sprintf("%d sessions, %s to %s", len(ss), wording.Date(data.DateOf(ss[0].StartedAt)),
		wording.Date(data.DateOf(ss[len(ss)-1].StartedAt)))
}

// clientSummary is the client's profile, medical history, allergies and consent.
func clientSummary(c data.Client, now time.Time) []field {
	dob := wording.Date(c.DateOfBirth)
	if dob != "" && !now.IsZero() {
		dob += fmt.Sprintf(" (aged %d)", data.DateOf(now).YearsSince(c.DateOfBirth))
	}
	var history []string
	for _, e := range c.History {
		s := e.Condition
		if !e.Since.IsZero() {
			s += ", since " + wording.Date(e.Since)
		}
		if !e.Until.IsZero() {
			s += ", until " + wording.Date(e.Until)
		}
		if e.Notes != "" {
			s += ": " + e.Notes
		}
		history = append(history, s)
	}
	consent := "No signed consent on file"
	if c.Consent.OnFile() {
		consent = c.Consent.Form
		if c.Consent.Version != "" {
			consent += ", version " + c.Consent.Version
		}
		consent += ", signed " + wording.Date(c.Consent.Signed)
	}
	fs := []field{
		{"Name", c.Name()},
		{"Date of birth", dob},
		{"Phone", c.Phone},
		{"Email", c.Email},
		{"Fitzpatrick skin type", wording.Fitzpatrick(c.Fitzpatrick)},
		{"Concerns", strings.Join(c.Concerns, ", ")},
		{"Medical history", strings.Join(history, "\n")},
		{"Medications", c.Medications},
		{"Allergies", strings.Join(c.Allergies, ", ")},
		{"Medical notes", c.MedicalNotes},
		{"Treatment consent", consent},
		{"Photo consent", wording.PhotoConsent(c.PhotoConsent)},
	}
	if c.Notes != "" {
		fs = append(fs, field{"Notes", c.Notes})
	}
	if !c.ArchivedAt.IsZero() {
		fs = append(fs, field{"Archived", wording.DateTime(c.ArchivedAt)})
	}
	return fs
}

// writeSessionSummary writes one session compactly: its settings, products with lots, side
// effects in brief (the log gives them whole), its amendments, the results assessed after it
// and its photos, small.
func writeSessionSummary(d *doc, se data.Session, amends []data.Amendment, outcomes []data.Outcome, cat Catalog,
	currency string, photos []Photo) error {
	d.subheading(wording.Series(se.SeriesN, se.SeriesOf)+" · "+wording.WeekdayTime(se.StartedAt), 35)
	var effects []string
	for _, e := range se.SideEffects {
		effects = append(effects, e.Kind+" ("+string(e.Severity)+")")
	}
	sideEffects := strings.Join(effects, ", ")
	if sideEffects == "" && se.NoSideEffects {
		sideEffects = "None observed"
	}
	var products []string
	for _, row := range productRows(se.Products, cat) {
		s := row[0] + ", " + row[1]
		if row[2] != "" {
			s += ", lot " + row[2]
		}
		if row[4] != "" {
			s += ", " + row[4]
		}
		products = append(products, s)
	}
	var amended []string
	for _, a := range amends {
		amended = append(amended, wording.AmendmentLines(a, cat.practitioner(a.PractitionerID))...)
	}
	pain := ""
	if se.PainScore.Valid {
		pain = strconv.Itoa(se.PainScore.V) + " / 10"
	}
	fee := ""
	if se.PriceCents.Valid {
		fee = wording.Money(se.PriceCents.V, currency)
	}
	d.fields(present([]field{
		{"Practitioner", cat.practitioner(se.PractitionerID)},
		{"Record", signState(se, cat)},
		{"Amendments", strings.Join(amended, "\n")},
		{"Concerns treated", strings.Join(se.Concerns, ", ")},
		{"Combined modality", se.Modality},
		{"Anaesthetic", anaestheticIfAny(se.Anaesthetic, cat)},
		{"Device", device(se, cat)},
		{"Cartridge", cartridge(se.Cartridge, cat)},
	}))
	if len(se.Zones) > 0 {
		d.table(zoneColumns, zoneRows(se.Zones, cat.Devices[se.DeviceID]))
		d.gap(1)
	}
	d.fields(present([]field{
		{"Products", strings.Join(products, "\n")},
		{"Side effects", sideEffects},
		{"Pain score", pain},
		{"Aftercare given", strings.Join(se.Aftercare, ", ")},
		{"Price", fee},
		{"Next session due", wording.Date(se.NextDue)},
		{"Notes", se.Notes},
	}))
	if len(outcomes) > 0 {
		d.gap(1)
		d.table(outcomeColumns, outcomeRows(outcomes, cat))
	}
	if len(photos) > 0 {
		d.gap(1)
		if err := d.photos(photoStrip(photos), 4, 45); err != nil {
			return err
		}
	}
	d.gap(2)
	return nil
}

// present drops fields with nothing recorded: a summary lists what was done.
func present(fs []field) []field {
	return slices.DeleteFunc(fs, func(f field) bool { return strings.TrimSpace(f.value) == "" })
}

func anaestheticIfAny(a data.Anaesthetic, cat Catalog) string {
	if a == (data.Anaesthetic{}) {
		return ""
	}
	return anaesthetic(a, cat)
}

// photoStrip captions photos briefly, for a row of small ones.
func photoStrip(ps []Photo) []pictured {
	out := make([]pictured, len(ps))
	for i, p := range ps {
		out[i] = pictured{key: p.ID, jpeg: p.Preview, caption: []string{wording.PhotoLabel(p.Photo), wording.DateTime(p.TakenAt)}}
	}
	return out
}
