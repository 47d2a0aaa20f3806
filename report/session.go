package report

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/wording"
)

// SessionRecord is everything a session's record shows: the clinic, the client, the session with
// what its IDs refer to, and the session's photos.
type SessionRecord struct {
	Clinic   Clinic
	Client   data.Client
	Session  data.Session
	Catalog  Catalog
	Photos   []Photo // the session's photos, in the order taken
	Currency string  // the practice's currency, printed after prices
	Printed  time.Time
	// AuditHead is the audit log's last entry when printed: `needlelog verify --head` later shows
	// whether the log still holds it, so entries cut off its end since are seen.
	AuditHead data.AuditMark
	Keys      []data.KeyPrint // the signing keys in force when printed, which anchor them as the head anchors the log
	// Amendments are the changes made to the session since it was signed, oldest first.
	Amendments []data.Amendment
	// Outcomes are the results assessed after the session, oldest first.
	Outcomes []data.Outcome
}

// LoadSession reads a session's record and everything it shows.
func LoadSession(ctx context.Context, store Source, sessionID string) (SessionRecord, error) {
	fail := func(err error) (SessionRecord, error) {
		return SessionRecord{}, fmt.Errorf("session record: %w", err)
	}
	var r SessionRecord
	var err error
	if r.Session, err = store.Session(ctx, sessionID); err != nil {
		return fail(err)
	}
	if r.Client, err = store.Client(ctx, r.Session.ClientID); err != nil {
		return fail(err)
	}
	if r.Amendments, err = store.Amendments(ctx, sessionID); err != nil {
		return fail(err)
	}
	outcomes, err := store.Outcomes(ctx, r.Client.ID)
	if err != nil {
		return fail(err)
	}
	r.Outcomes = outcomesBySession(outcomes)[sessionID]
	if r.Clinic, err = LoadClinic(ctx, store); err != nil {
		return fail(err)
	}
	if r.Catalog, err = LoadCatalog(ctx, store); err != nil {
		return fail(err)
	}
	if r.Currency, err = store.Setting(ctx, data.SettingCurrency); err != nil {
		return fail(err)
	}
	if r.Photos, err = loadPhotos(ctx, store, data.PhotoQuery{ClientID: r.Client.ID, SessionID: sessionID}); err != nil {
		return fail(err)
	}
	if r.AuditHead, err = store.AuditHead(ctx); err != nil {
		return fail(err)
	}
	if r.Keys, err = store.SigningKeys(ctx); err != nil {
		return fail(err)
	}
	r.Printed = store.Now()
	return r, nil
}

// WriteSessionRecord writes a session's record as a PDF: clinic, client, practitioner, every
// field of the session, its photos and whether it is signed; then the results assessed after it.
func WriteSessionRecord(w io.Writer, r SessionRecord) error {
	se, cat := r.Session, r.Catalog
	name := r.Client.Name()
	d := newDoc("Session record: "+name+", "+wording.DateTime(se.StartedAt), "Session record · "+name+" · "+
		wording.DateTime(se.StartedAt), r.Clinic.Name, r.Printed)
	if err := d.clinicHeader(r.Clinic); err != nil {
		return fmt.Errorf("session record: %w", err)
	}
	d.title("Session record", wording.WeekdayTime(se.StartedAt)+" · "+wording.Series(se.SeriesN, se.SeriesOf))
	if se.Status == data.StatusSigned {
		d.banner(signState(se, cat), 226, 240, 228)
	} else {
		d.banner("Not signed: this record is a draft and may still change.", 252, 232, 224)
	}

	d.heading("Client", 20)
	d.fields(clientFields(r.Client, se.StartedAt))
	writeTreatment(d, se, cat)
	d.heading("Outcome and follow-up", 20)
	d.fields(outcomeFields(se, r.Currency))

	// The signature block closes the record and is never left alone on a last page: the
	// photos' last row (or the whole photos section, when short) moves over with it.
	sig := newSignatureBlock(r)
	if err := writeSessionPhotos(d, r, sig.height(d)); err != nil {
		return fmt.Errorf("session record: %w", err)
	}
	sig.write(d)
	writeAmendments(d, r.Amendments, r.Catalog)
	writeOutcomes(d, r.Outcomes, r.Catalog)
	if err := d.finish(w); err != nil {
		return fmt.Errorf("session record: %w", err)
	}
	return nil
}

const noPhotos = "No photos are filed under this session."

// writeTreatment writes what was done in the session: its settings, the zones treated, the
// products applied and the side effects.
func writeTreatment(d *doc, se data.Session, cat Catalog) {
	d.heading("Session", 20)
	d.fields([]field{
		{"Date and time", wording.WeekdayTime(se.StartedAt)},
		{"Practitioner", cat.practitioner(se.PractitionerID)},
		{"Series", seriesDetail(se)},
		{"Concerns treated", strings.Join(se.Concerns, ", ")},
		{"Combined modality", se.Modality},
		{"Topical anaesthetic", anaesthetic(se.Anaesthetic, cat)},
		{"Device", device(se, cat)},
		{"Cartridge", cartridge(se.Cartridge, cat)},
	})

	d.subheading("Zones treated", 15)
	if len(se.Zones) == 0 {
		d.para("No zones recorded.")
	} else {
		d.table(zoneColumns, zoneRows(se.Zones, cat.Devices[se.DeviceID]))
	}

	d.subheading("Products applied", 15)
	if len(se.Products) == 0 {
		d.para("No products recorded.")
	} else {
		d.table([]column{{"Product", 4, "L"}, {"Phase", 1.5, "L"}, {"Lot", 2, "L"}, {"Expiry", 2, "L"},
			{"Amount", 1.6, "L"}}, productRows(se.Products, cat))
	}

	d.subheading("Side effects", 15)
	switch {
	case len(se.SideEffects) > 0:
		rows := make([][]string, len(se.SideEffects))
		for i, e := range se.SideEffects {
			rows[i] = sideEffectRow(e)
		}
		d.table(sideEffectColumns, rows)
	case se.NoSideEffects:
		d.para("None observed.")
	default:
		d.para("None recorded.")
	}
}

// outcomeFields say how the session went and what follows it: pain, aftercare, price, the next
// session's date and the notes.
func outcomeFields(se data.Session, currency string) []field {
	pain := ""
	if se.PainScore.Valid {
		pain = strconv.Itoa(se.PainScore.V) + " / 10"
	}
	fee := ""
	if se.PriceCents.Valid {
		fee = wording.Money(se.PriceCents.V, currency)
	}
	aftercare := strings.Join(se.Aftercare, "\n")
	if se.AftercareSheet != "" {
		aftercare = strings.TrimSpace(aftercare + "\nAftercare sheet version " + se.AftercareSheet + " handed over")
	}
	return []field{
		{"Pain score", pain},
		{"Aftercare given", aftercare},
		{"Price", fee},
		{"Next session due", wording.Date(se.NextDue)},
		{"Notes", se.Notes},
	}
}

// writeSessionPhotos writes the photos section: why there is no before photo, if the client
// refused one, then the photos, keeping tail (the signature block's height) with the last row.
func writeSessionPhotos(d *doc, r SessionRecord, tail float64) error {
	var refusal []field
	if r.Session.PhotoRefusal != "" {
		refusal = []field{{"No before photo", r.Session.PhotoRefusal}}
	}
	if len(r.Photos) == 0 {
		d.font("", bodySize)
		body := d.fieldsHeight(refusal) + bodyLine*float64(len(d.split(noPhotos, contentW)))
		d.heading("Photos", body+tail)
		d.fields(refusal)
		d.para(noPhotos)
		return nil
	}
	keep := 95 + 1.5 + 3*smallLine // the heading goes with the first row (at most this high)
	if len(r.Photos) <= 2 {        // which is the last, which goes with the signature
		keep += 4 + tail
	}
	d.heading("Photos", keep+d.fieldsHeight(refusal))
	d.fields(refusal)
	ps := make([]pictured, len(r.Photos))
	for i, p := range r.Photos {
		ps[i] = pictured{key: p.ID, jpeg: p.Preview, caption: []string{wording.PhotoLabel(p.Photo), wording.DateTime(p.TakenAt), p.Note}}
	}
	return d.photosThen(ps, 2, 95, tail)
}

// signatureBlock closes a session record: its state, its hash when signed, when it last
// changed, and the audit log head and signing keys in force when printed, if known.
type signatureBlock struct {
	fields     []field
	head, keys string // "" when not printed
}

func newSignatureBlock(r SessionRecord) signatureBlock {
	se := r.Session
	b := signatureBlock{fields: []field{{"State", signState(se, r.Catalog)}}}
	if se.Status == data.StatusSigned && se.RecordHash != "" {
		b.fields = append(b.fields, field{"Record hash", se.RecordHash})
	}
	b.fields = append(b.fields, field{"Last changed", wording.DateTime(se.UpdatedAt)})
	if r.AuditHead.Hash != "" {
		b.head = AuditHeadLine(r.AuditHead)
		if len(r.Keys) > 0 {
			b.keys = KeysLine(r.Keys)
		}
	}
	return b
}

// height is how much room write takes, heading included.
func (b signatureBlock) height(d *doc) float64 {
	h := d.headingHeight("Signature") + d.fieldsHeight(b.fields)
	if b.head != "" {
		d.font("", smallSize)
		h += 3 + smallLine*float64(len(d.split(b.head, contentW)))
		if b.keys != "" {
			h += smallLine * float64(len(d.split(b.keys, contentW)))
		}
		d.font("", bodySize)
	}
	return h
}

func (b signatureBlock) write(d *doc) {
	d.heading("Signature", 18)
	d.fields(b.fields)
	if b.head != "" {
		d.gap(3)
		d.font("", smallSize)
		d.lines(marginX, contentW, smallLine, d.split(b.head, contentW), "L")
		if b.keys != "" {
			d.lines(marginX, contentW, smallLine, d.split(b.keys, contentW), "L")
		}
	}
}

// writeAmendments lists the changes made to a signed record since it was signed, after the
// signature they qualify, each as the session editor says it.
func writeAmendments(d *doc, as []data.Amendment, cat Catalog) {
	if len(as) == 0 {
		return
	}
	d.heading("Amendments", 2*bodyLine)
	d.para("This record was changed after it was signed. The values above are the current ones; each change below gives the value before it.")
	for _, a := range as {
		lines := wording.AmendmentLines(a, cat.practitioner(a.PractitionerID))
		d.gap(2)
		d.font("B", bodySize)
		head := d.split(lines[0], contentW)
		d.need(bodyLine * float64(len(head)+min(len(lines)-1, 2))) // the heading line goes with its first changes
		d.lines(marginX, contentW, bodyLine, head, "L")
		d.bullets(lines[1:])
	}
}

// writeOutcomes lists the results assessed after the session. They follow the signature, which
// they are no part of: a result may be corrected later.
func writeOutcomes(d *doc, os []data.Outcome, cat Catalog) {
	if len(os) == 0 {
		return
	}
	d.heading("Results assessed after this session", 2*bodyLine+20)
	d.para("Assessed at follow-ups or later sessions: the improvement since the series' first session. " +
		"Results are not part of the session's signed record; they may be corrected later, and every change is audited.")
	d.gap(1)
	d.table(outcomeColumns, outcomeRows(os, cat))
}

// AuditHeadLine is how a record names the audit log's head, for `needlelog verify --head`.
func AuditHeadLine(m data.AuditMark) string {
	return fmt.Sprintf("Audit log head: %s (entry %d)", m.Hash, m.Seq)
}

// KeysLine is how a record names the signing keys in force, by the start of their fingerprints as
// `needlelog verify` prints them: a key replaced in the file since no longer matches.
func KeysLine(keys []data.KeyPrint) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.Practitioner + " " + k.Fingerprint[:16] + "…"
	}
	return "Signing keys (SHA-256): " + strings.Join(parts, "; ")
}

// clientFields identify the client in a session record; at says the age at the session.
func clientFields(c data.Client, at time.Time) []field {
	dob := wording.Date(c.DateOfBirth)
	if dob != "" && !at.IsZero() {
		dob += fmt.Sprintf(" (aged %d at the session)", data.DateOf(at).YearsSince(c.DateOfBirth))
	}
	return []field{
		{"Name", c.Name()},
		{"Date of birth", dob},
		{"Fitzpatrick skin type", wording.Fitzpatrick(c.Fitzpatrick)},
		{"Allergies", strings.Join(c.Allergies, ", ")},
	}
}

func seriesDetail(se data.Session) string {
	s := wording.Series(se.SeriesN, se.SeriesOf)
	if se.IntervalDays > 0 {
		s += fmt.Sprintf(", every %d days", se.IntervalDays)
	}
	return s
}

func anaesthetic(a data.Anaesthetic, cat Catalog) string {
	var parts []string
	if n := cat.product(a.ProductID); n != "" {
		parts = append(parts, n)
	}
	if a.Lot != "" {
		parts = append(parts, "lot "+a.Lot)
	}
	if a.Minutes > 0 {
		parts = append(parts, fmt.Sprintf("applied %d min", a.Minutes))
	}
	if len(parts) == 0 {
		return "None recorded"
	}
	return strings.Join(parts, ", ")
}

func device(se data.Session, cat Catalog) string {
	var parts []string
	if se.DeviceID != "" {
		if dev, ok := cat.Devices[se.DeviceID]; ok {
			parts = append(parts, dev.Model)
		} else {
			parts = append(parts, "unknown device "+se.DeviceID)
		}
	}
	if se.HandpieceSerial != "" {
		parts = append(parts, "handpiece serial "+se.HandpieceSerial)
	}
	return strings.Join(parts, ", ")
}

func cartridge(c data.CartridgeUse, cat Catalog) string {
	var parts []string
	if n := cat.cartridge(c.CartridgeID); n != "" {
		parts = append(parts, n)
	}
	if c.Lot != "" {
		parts = append(parts, "lot "+c.Lot)
	}
	if !c.Expiry.IsZero() {
		parts = append(parts, "expires "+wording.Date(c.Expiry))
	}
	return strings.Join(parts, ", ")
}

var zoneColumns = []column{{"Zone", 3, "L"}, {"Depth (mm)", 1.5, "R"}, {"Speed", 1.7, "L"}, {"Passes", 1.2, "R"},
	{"Pattern", 3, "L"}, {"Endpoint", 2.6, "L"}}

func zoneRows(zs []data.ZoneTreatment, dev data.Device) [][]string {
	rows := make([][]string, len(zs))
	for i, z := range zs {
		rows[i] = []string{z.Zone, wording.Number(z.DepthMM), speed(z.Speed, dev), strconv.Itoa(z.Passes), z.Pattern, z.Endpoint}
	}
	return rows
}

func productRows(ps []data.ProductUse, cat Catalog) [][]string {
	rows := make([][]string, len(ps))
	for i, p := range ps {
		name := cat.product(p.ProductID)
		if prod, ok := cat.Products[p.ProductID]; ok && data.NotForNeedledSkin(prod, p.Phase) {
			name += " (not made for needled skin)"
		}
		rows[i] = []string{name, string(p.Phase), p.Lot, wording.Date(p.Expiry), p.Amount}
	}
	return rows
}
