package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrNoActor reports a write that must say who made it, such as a signature, made without a
// practitioner in its context (see WithActor).
var ErrNoActor = errors.New("no practitioner is signed in")

// ErrIncomplete is what an *IncompleteError is, for errors.Is.
var ErrIncomplete = errors.New("session record is incomplete")

// IncompleteError is a signature refused because the record is not complete. Missing says what
// to add, one sentence each.
type IncompleteError struct {
	Missing []string
}

func (e *IncompleteError) Error() string {
	return "the session cannot be signed yet: " + strings.Join(e.Missing, " ")
}

// Is makes errors.Is(err, ErrIncomplete) true.
func (e *IncompleteError) Is(target error) bool { return target == ErrIncomplete }

// ErrWrongSigner is what a *WrongSignerError is, for errors.Is.
var ErrWrongSigner = errors.New("only the practitioner who treated may sign the session")

// WrongSignerError is a signature refused because the signer is not the practitioner the session
// records as treating: a signed record must not name one practitioner and be signed by another.
type WrongSignerError struct {
	Sentence string // who treated, and that they must sign or the practitioner be changed first
}

func (e *WrongSignerError) Error() string { return e.Sentence }

// Is makes errors.Is(err, ErrWrongSigner) true.
func (e *WrongSignerError) Is(target error) bool { return target == ErrWrongSigner }

// SigningCheck is what deciding whether a session can be signed needs: the editor runs it on
// the session as typed, to show what is still missing, and SignSession on the session as saved.
type SigningCheck struct {
	In           SafetyInput       // In.Session is the session, In.Client its client
	BeforePhotos int               // how many before photos the session has
	SignerID     string            // who would sign; "" leaves the signer out of the check
	Names        map[string]string // practitioners' names by ID, to say who treated
	Now          time.Time
}

// WrongSigner is the sentence refusing a signature by someone other than the practitioner who
// treated, or "" when the signer is that practitioner (or not known yet).
func (c SigningCheck) WrongSigner() string {
	se := c.In.Session
	if c.SignerID == "" || se.PractitionerID == "" || se.PractitionerID == c.SignerID {
		return ""
	}
	name := func(id string) string {
		if n := c.Names[id]; n != "" {
			return n
		}
		return "another practitioner"
	}
	treated := name(se.PractitionerID)
	return fmt.Sprintf("This session records %s as the practitioner who treated, not %s: %s must sign it, "+
		"or the treating practitioner be changed first.", treated, name(c.SignerID), treated)
}

// Missing lists what the session still needs before it can be signed, one sentence each: the
// practitioner (and that they are the signer), the device and (for pens) the cartridge with its
// lot, at least one zone and a depth for each, the client's treatment consent on file by the
// session's day, a before photo or the reason none was taken, the aftercare given, the side
// effects observed or "none observed", a valid record, and a reason for every safety block.
func (c SigningCheck) Missing() []string {
	se, in := c.In.Session, c.In
	var missing []string
	need := func(format string, args ...any) { missing = append(missing, fmt.Sprintf(format, args...)) }
	if w := c.WrongSigner(); w != "" {
		need("%s", w)
	}
	if err := se.Validate(c.Now); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			for _, f := range ve.Fields {
				need("%s", f.Message)
			}
		} else {
			need("%s", err.Error())
		}
	}
	if se.PractitionerID == "" {
		need("Record the practitioner who gave the treatment.")
	}
	var device Device
	if i := slices.IndexFunc(in.Devices, func(d Device) bool { return d.ID == se.DeviceID }); i >= 0 {
		device = in.Devices[i]
	}
	switch {
	case se.DeviceID == "":
		need("Record the device used.")
	case device.Kind == DeviceRoller: // a roller's needles are built in: there is no cartridge
	case se.Cartridge.CartridgeID == "":
		need("Record the cartridge used and its lot number.")
	case se.Cartridge.Lot == "":
		need("Record the cartridge's lot number.")
	}
	if len(se.Zones) == 0 {
		need("Record at least one treated zone with its depth.")
	}
	for i, z := range se.Zones {
		if z.DepthMM <= 0 {
			need("Record the depth for %s.", zoneLabel(z.Zone, i))
		}
	}
	switch cs := in.Client.Consent; {
	case !cs.OnFile():
		need("The client's treatment consent is not on file: record the signed consent form first.")
	case cs.Signed.After(DateOf(se.StartedAt)):
		need("The client's treatment consent on file was signed on %s, after this session.", cs.Signed)
	}
	if se.PhotoRefusal == "" && c.BeforePhotos == 0 {
		need("Add a before photo, or record why none was taken.")
	}
	if len(se.Aftercare) == 0 {
		need("Record the aftercare given.")
	}
	if len(se.SideEffects) == 0 && !se.NoSideEffects {
		need("Record the side effects observed, or that none were.")
	}
	for _, w := range Blocking(SafetyBlocks(in), se.Overrides) {
		need("%s No reason to go ahead is recorded.", w.Message)
	}
	return missing
}

// RecordHash returns the hex SHA-256 of a signed session's canonical encoding, as SignSession and
// AmendSession store it in Session.RecordHash and Verify checks it.
//
// The canonical encoding is UTF-8 JSON without insignificant white space and without HTML
// escaping, one object whose keys come in this order: format (1), id, client_id, practitioner_id,
// started_at, series_n, series_of, interval_days, concerns, modality, anaesthetic {product_id, lot,
// minutes}, device_id, handpiece_serial, cartridge {cartridge_id, lot, expiry}, zones [{zone,
// depth_mm, speed, passes, pattern, endpoint}], products [{product_id, lot, expiry, phase, amount}],
// side_effects [{id, kind, severity, during_session, onset}], no_side_effects, pain_score,
// aftercare, aftercare_sheet, price_cents, next_due, notes, photo_refusal, overrides [{rule, reason,
// practitioner_id, at}], signed_at, signed_by, amendment.
//
// Text is UTF-8, each byte that is not UTF-8 replaced by U+FFFD. Times are UTC, RFC 3339 with
// nine fraction digits ("2026-03-10T14:30:00.000000000Z"); dates are "YYYY-MM-DD"; depths and
// speeds are decimal strings in their shortest exact form ("1.25");
// what was not recorded is "" or, for pain_score and price_cents, null; lists are never null.
// Zones and products keep their order in the session; side effects are the sealed ones (those
// recorded before signing), ordered by ID; overrides are ordered by rule, time and reason.
// amendment is the number of amendments made (0 as signed), so that every version of a record has
// its own hash. Follow-up fields (a side effect's resolution, treatment and notes), bookkeeping
// (created_at, updated_at, version) and the status are not part of the record.
func RecordHash(se Session) (string, error) {
	b, err := CanonicalRecord(se)
	if err != nil {
		return "", err
	}
	return HashBytes(b), nil
}

func HashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonRecord is the canonical encoding's shape; see RecordHash. Field order is the key order.
type canonRecord struct {
	Format          int               `json:"format"`
	ID              string            `json:"id"`
	ClientID        string            `json:"client_id"`
	PractitionerID  string            `json:"practitioner_id"`
	StartedAt       string            `json:"started_at"`
	SeriesN         int               `json:"series_n"`
	SeriesOf        int               `json:"series_of"`
	IntervalDays    int               `json:"interval_days"`
	Concerns        []string          `json:"concerns"`
	Modality        string            `json:"modality"`
	Anaesthetic     canonAnaesthetic  `json:"anaesthetic"`
	DeviceID        string            `json:"device_id"`
	HandpieceSerial string            `json:"handpiece_serial"`
	Cartridge       canonCartridge    `json:"cartridge"`
	Zones           []canonZone       `json:"zones"`
	Products        []canonProduct    `json:"products"`
	SideEffects     []canonSideEffect `json:"side_effects"`
	NoSideEffects   bool              `json:"no_side_effects"`
	PainScore       *int              `json:"pain_score"`
	Aftercare       []string          `json:"aftercare"`
	AftercareSheet  string            `json:"aftercare_sheet"`
	PriceCents      *int64            `json:"price_cents"`
	NextDue         string            `json:"next_due"`
	Notes           string            `json:"notes"`
	PhotoRefusal    string            `json:"photo_refusal"`
	Overrides       []canonOverride   `json:"overrides"`
	SignedAt        string            `json:"signed_at"`
	SignedBy        string            `json:"signed_by"`
	Amendment       int               `json:"amendment"`
}

type canonAnaesthetic struct {
	ProductID string `json:"product_id"`
	Lot       string `json:"lot"`
	Minutes   int    `json:"minutes"`
}

type canonCartridge struct {
	CartridgeID string `json:"cartridge_id"`
	Lot         string `json:"lot"`
	Expiry      string `json:"expiry"`
}

type canonZone struct {
	Zone     string `json:"zone"`
	DepthMM  string `json:"depth_mm"`
	Speed    string `json:"speed"`
	Passes   int    `json:"passes"`
	Pattern  string `json:"pattern"`
	Endpoint string `json:"endpoint"`
}

type canonProduct struct {
	ProductID string `json:"product_id"`
	Lot       string `json:"lot"`
	Expiry    string `json:"expiry"`
	Phase     string `json:"phase"`
	Amount    string `json:"amount"`
}

type canonSideEffect struct {
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	Severity      string `json:"severity"`
	DuringSession bool   `json:"during_session"`
	Onset         string `json:"onset"`
}

type canonOverride struct {
	Rule           string `json:"rule"`
	Reason         string `json:"reason"`
	PractitionerID string `json:"practitioner_id"`
	At             string `json:"at"`
}

func decimal(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// canonical turns a session into its canonical shape.
func canonical(se Session) canonRecord {
	u := validText
	r := canonRecord{Format: 1, ID: u(se.ID), ClientID: u(se.ClientID), PractitionerID: u(se.PractitionerID),
		StartedAt: TimeText(se.StartedAt), SeriesN: se.SeriesN, SeriesOf: se.SeriesOf, IntervalDays: se.IntervalDays,
		Concerns: validList(se.Concerns), Modality: u(se.Modality),
		Anaesthetic: canonAnaesthetic{u(se.Anaesthetic.ProductID), u(se.Anaesthetic.Lot), se.Anaesthetic.Minutes},
		DeviceID:    u(se.DeviceID), HandpieceSerial: u(se.HandpieceSerial),
		Cartridge: canonCartridge{u(se.Cartridge.CartridgeID), u(se.Cartridge.Lot), se.Cartridge.Expiry.String()},
		Zones:     []canonZone{}, Products: []canonProduct{}, SideEffects: []canonSideEffect{},
		NoSideEffects: se.NoSideEffects, Aftercare: validList(se.Aftercare), AftercareSheet: u(se.AftercareSheet),
		NextDue: se.NextDue.String(), Notes: u(se.Notes), PhotoRefusal: u(se.PhotoRefusal), Overrides: []canonOverride{},
		SignedAt: TimeText(se.SignedAt), SignedBy: u(se.SignedBy), Amendment: se.Amendments}
	if se.PainScore.Valid {
		v := se.PainScore.V
		r.PainScore = &v
	}
	if se.PriceCents.Valid {
		v := se.PriceCents.V
		r.PriceCents = &v
	}
	for _, z := range se.Zones {
		r.Zones = append(r.Zones, canonZone{u(z.Zone), decimal(z.DepthMM), decimal(z.Speed), z.Passes, u(z.Pattern), u(z.Endpoint)})
	}
	for _, p := range se.Products {
		r.Products = append(r.Products, canonProduct{u(p.ProductID), u(p.Lot), p.Expiry.String(), u(string(p.Phase)), u(p.Amount)})
	}
	for _, e := range se.SideEffects {
		if e.Sealed {
			r.SideEffects = append(r.SideEffects, canonSideEffect{u(e.ID), u(e.Kind), u(string(e.Severity)), e.DuringSession,
				e.Onset.String()})
		}
	}
	slices.SortFunc(r.SideEffects, func(a, b canonSideEffect) int { return strings.Compare(a.ID, b.ID) })
	for _, o := range se.Overrides {
		r.Overrides = append(r.Overrides, canonOverride{u(o.Rule), u(o.Reason), u(o.PractitionerID), TimeText(o.At)})
	}
	slices.SortFunc(r.Overrides, func(a, b canonOverride) int {
		if c := strings.Compare(a.Rule, b.Rule); c != 0 {
			return c
		}
		if c := strings.Compare(a.At, b.At); c != 0 {
			return c
		}
		return strings.Compare(a.Reason, b.Reason)
	})
	return r
}

// validText replaces each byte that is not UTF-8 with U+FFFD, as encoding/json does when it stores
// a list: so that text typed with a stray byte hashes the same before and after it is stored.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func validList(v []string) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = validText(s)
	}
	return out
}

// CanonicalRecord encodes a session canonically; see RecordHash.
func CanonicalRecord(se Session) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(canonical(se)); err != nil {
		return nil, fmt.Errorf("encode session %s: %w", se.ID, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// DecodeRecord reads a canonical encoding back into a session's recorded fields.
func DecodeRecord(b []byte) (Session, error) {
	var r canonRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return Session{}, fmt.Errorf("stored record: %w", err)
	}
	if r.Format != 1 {
		return Session{}, fmt.Errorf("stored record: unknown format %d", r.Format)
	}
	se := Session{ID: r.ID, ClientID: r.ClientID, PractitionerID: r.PractitionerID, SeriesN: r.SeriesN,
		SeriesOf: r.SeriesOf, IntervalDays: r.IntervalDays, Modality: r.Modality,
		Anaesthetic: Anaesthetic{r.Anaesthetic.ProductID, r.Anaesthetic.Lot, r.Anaesthetic.Minutes},
		DeviceID:    r.DeviceID, HandpieceSerial: r.HandpieceSerial, NoSideEffects: r.NoSideEffects,
		AftercareSheet: r.AftercareSheet, Notes: r.Notes, PhotoRefusal: r.PhotoRefusal, Status: StatusSigned,
		SignedBy: r.SignedBy, Amendments: r.Amendment}
	if len(r.Concerns) > 0 {
		se.Concerns = r.Concerns
	}
	if len(r.Aftercare) > 0 {
		se.Aftercare = r.Aftercare
	}
	var errs []error
	var err error
	se.StartedAt, err = ParseTime(r.StartedAt)
	errs = append(errs, err)
	se.SignedAt, err = ParseTime(r.SignedAt)
	errs = append(errs, err)
	se.NextDue, err = ParseDate(r.NextDue)
	errs = append(errs, err)
	se.Cartridge = CartridgeUse{CartridgeID: r.Cartridge.CartridgeID, Lot: r.Cartridge.Lot}
	se.Cartridge.Expiry, err = ParseDate(r.Cartridge.Expiry)
	errs = append(errs, err)
	if r.PainScore != nil {
		se.PainScore = Optional[int]{V: *r.PainScore, Valid: true}
	}
	if r.PriceCents != nil {
		se.PriceCents = Optional[int64]{V: *r.PriceCents, Valid: true}
	}
	for _, z := range r.Zones {
		zt := ZoneTreatment{Zone: z.Zone, Passes: z.Passes, Pattern: z.Pattern, Endpoint: z.Endpoint}
		zt.DepthMM, err = strconv.ParseFloat(z.DepthMM, 64)
		errs = append(errs, err)
		zt.Speed, err = strconv.ParseFloat(z.Speed, 64)
		errs = append(errs, err)
		se.Zones = append(se.Zones, zt)
	}
	for _, p := range r.Products {
		pu := ProductUse{ProductID: p.ProductID, Lot: p.Lot, Phase: Phase(p.Phase), Amount: p.Amount}
		pu.Expiry, err = ParseDate(p.Expiry)
		errs = append(errs, err)
		se.Products = append(se.Products, pu)
	}
	for _, e := range r.SideEffects {
		s := SideEffect{ID: e.ID, SessionID: r.ID, Kind: e.Kind, Severity: Severity(e.Severity),
			DuringSession: e.DuringSession, Sealed: true}
		s.Onset, err = ParseDate(e.Onset)
		errs = append(errs, err)
		se.SideEffects = append(se.SideEffects, s)
	}
	for _, o := range r.Overrides {
		ov := Override{Rule: o.Rule, Reason: o.Reason, PractitionerID: o.PractitionerID}
		ov.At, err = ParseTime(o.At)
		errs = append(errs, err)
		se.Overrides = append(se.Overrides, ov)
	}
	if err := errors.Join(errs...); err != nil {
		return Session{}, fmt.Errorf("stored record: %w", err)
	}
	return se, nil
}
