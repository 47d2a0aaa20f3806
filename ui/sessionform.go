package ui

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/wording"
)

// sessionForm is the session editor's form exactly as typed: every value is kept as text, so a
// half-typed or invalid value survives in a draft and is never silently dropped. parse turns it
// into a data.Session, reporting what cannot be read beside its field.
type sessionForm struct {
	SessionID          string   `json:"session_id,omitempty"`
	Version            int64    `json:"version,omitempty"` // of the session the edit started from
	StartedAt          string   `json:"started_at"`
	Practitioner       string   `json:"practitioner"`
	SeriesN            string   `json:"series_n"`
	SeriesOf           string   `json:"series_of"`
	IntervalDays       string   `json:"interval_days"`
	Concerns           []string `json:"concerns"`
	Modality           string   `json:"modality"`
	Anaesthetic        string   `json:"anaesthetic"`
	AnaestheticLot     string   `json:"anaesthetic_lot"`
	AnaestheticMinutes string   `json:"anaesthetic_minutes"`
	Device             string   `json:"device"`
	HandpieceSerial    string   `json:"handpiece_serial"`
	Cartridge          string   `json:"cartridge"`
	CartridgeLot       string   `json:"cartridge_lot"`
	CartridgeExpiry    string   `json:"cartridge_expiry"`
	Zones              []zoneRow
	Products           []productRow
	SideEffects        []sideEffectRow
	NoSideEffects      bool     `json:"no_side_effects"`
	Pain               string   `json:"pain"`
	Aftercare          []string `json:"aftercare"`
	AftercareSheet     string   `json:"aftercare_sheet"`
	Price              string   `json:"price"`
	NextDue            string   `json:"next_due"`
	Notes              string   `json:"notes"`
	PhotoRefusal       string   `json:"photo_refusal,omitempty"`
	// Overrides are the written reasons to treat despite a blocking warning, by the warning's rule.
	Overrides map[string]string `json:"overrides,omitempty"`
}

type zoneRow struct {
	Zone, Depth, Speed, Passes, Pattern, Endpoint string
}

type productRow struct {
	Product, Lot, Expiry, Phase, Amount string
}

type sideEffectRow struct {
	ID, Kind, Severity, Onset, Resolved, Treatment, Notes string
	During                                                bool
}

// catalog is the practice's lists as the editor offers them, by the names people see: a view of
// data.Catalog that the editor grows as entries are added from the form.
type catalog struct {
	zones         []data.Zone
	devices       []data.Device
	cartridges    []data.Cartridge
	products      []data.Product
	practitioners []data.Practitioner
	lists         map[data.ListKind][]string
	lots          map[string][]data.Lot // by product or cartridge ID
}

// editorCatalog is the editor's view of the practice's lists. Retired devices, cartridges, products
// and practitioners stay, so that an old record keeps the names it refers to; the editor offers
// only current ones for new choices. Zones and vocabularies are the current ones.
func editorCatalog(all data.Catalog) catalog {
	c := catalog{zones: all.CurrentZones(), devices: all.Devices, cartridges: all.Cartridges, products: all.Products,
		practitioners: all.Practitioners, lists: map[data.ListKind][]string{}, lots: all.Lots}
	for _, kind := range []data.ListKind{data.ListConcern, data.ListModality, data.ListEndpoint, data.ListPattern,
		data.ListSideEffect, data.ListAftercare} {
		if names := all.CurrentNames(kind); names != nil {
			c.lists[kind] = names
		}
	}
	return c
}

func (c *catalog) anaesthetics() []data.Product {
	return slices.DeleteFunc(slices.Clone(c.products), func(p data.Product) bool { return p.Kind != data.ProductKindAnaesthetic })
}

func (c *catalog) serums() []data.Product {
	return slices.DeleteFunc(slices.Clone(c.products), func(p data.Product) bool { return p.Kind == data.ProductKindAnaesthetic })
}

func (c *catalog) device(id string) (data.Device, bool) {
	i := slices.IndexFunc(c.devices, func(d data.Device) bool { return d.ID == id })
	if i < 0 {
		return data.Device{}, false
	}
	return c.devices[i], true
}

func (c *catalog) zone(name string) (data.Zone, bool) {
	i := slices.IndexFunc(c.zones, func(z data.Zone) bool { return strings.EqualFold(z.Name, name) })
	if i < 0 {
		return data.Zone{}, false
	}
	return c.zones[i], true
}

// idOf finds an entry by the name shown for it, ignoring case; "" when there is none.
func idOf[T any](list []T, name string, nameOf func(T) string, idOf func(T) string) string {
	name = strings.TrimSpace(name)
	for _, v := range list {
		if strings.EqualFold(nameOf(v), name) {
			return idOf(v)
		}
	}
	return ""
}

func nameOf[T any](list []T, id string, nameOf func(T) string, idOf func(T) string) string {
	for _, v := range list {
		if idOf(v) == id {
			return nameOf(v)
		}
	}
	return ""
}

func deviceName(d data.Device) string             { return d.Model }
func deviceID(d data.Device) string               { return d.ID }
func cartridgeName(c data.Cartridge) string       { return c.Name }
func cartridgeID(c data.Cartridge) string         { return c.ID }
func productName(p data.Product) string           { return p.Name }
func productID(p data.Product) string             { return p.ID }
func practitionerName(p data.Practitioner) string { return p.Name }
func practitionerID(p data.Practitioner) string   { return p.ID }

const dateTimeLayout = "2006-01-02 15:04"

// formOf writes a session out as the form shows it.
func formOf(s data.Session, c *catalog) sessionForm {
	f := sessionForm{
		SessionID: s.ID, Version: s.Version,
		StartedAt:          s.StartedAt.Local().Format(dateTimeLayout),
		Practitioner:       nameOf(c.practitioners, s.PractitionerID, practitionerName, practitionerID),
		SeriesN:            strconv.Itoa(s.SeriesN),
		SeriesOf:           optionalInt(s.SeriesOf),
		IntervalDays:       strconv.Itoa(s.IntervalDays),
		Concerns:           s.Concerns,
		Modality:           s.Modality,
		Anaesthetic:        nameOf(c.products, s.Anaesthetic.ProductID, productName, productID),
		AnaestheticLot:     s.Anaesthetic.Lot,
		AnaestheticMinutes: optionalInt(s.Anaesthetic.Minutes),
		Device:             nameOf(c.devices, s.DeviceID, deviceName, deviceID),
		HandpieceSerial:    s.HandpieceSerial,
		Cartridge:          nameOf(c.cartridges, s.Cartridge.CartridgeID, cartridgeName, cartridgeID),
		CartridgeLot:       s.Cartridge.Lot,
		CartridgeExpiry:    s.Cartridge.Expiry.String(),
		NoSideEffects:      s.NoSideEffects,
		Aftercare:          s.Aftercare,
		AftercareSheet:     s.AftercareSheet,
		NextDue:            s.NextDue.String(),
		Notes:              s.Notes,
		PhotoRefusal:       s.PhotoRefusal,
	}
	for _, o := range s.Overrides {
		if f.Overrides == nil {
			f.Overrides = map[string]string{}
		}
		f.Overrides[o.Rule] = o.Reason
	}
	if s.PainScore.Valid {
		f.Pain = strconv.Itoa(s.PainScore.V)
	}
	if s.PriceCents.Valid {
		f.Price = formatMoney(s.PriceCents.V)
	}
	for _, z := range s.Zones {
		f.Zones = append(f.Zones, zoneRow{Zone: z.Zone, Depth: wording.Number(z.DepthMM), Speed: optionalFloat(z.Speed),
			Passes: strconv.Itoa(z.Passes), Pattern: z.Pattern, Endpoint: z.Endpoint})
	}
	for _, p := range s.Products {
		f.Products = append(f.Products, productRow{Product: nameOf(c.products, p.ProductID, productName, productID),
			Lot: p.Lot, Expiry: p.Expiry.String(), Phase: string(p.Phase), Amount: p.Amount})
	}
	for _, e := range s.SideEffects {
		f.SideEffects = append(f.SideEffects, sideEffectRow{ID: e.ID, Kind: e.Kind, Severity: string(e.Severity),
			During: e.DuringSession, Onset: e.Onset.String(), Resolved: e.Resolved.String(), Treatment: e.Treatment, Notes: e.Notes})
	}
	return f
}

// parse reads the form into a session for client clientID, on top of base (which keeps what the
// form does not show). Values that cannot be read are reported as field errors; the session
// then still carries everything that could be read, so it can be validated for the rest.
func (f sessionForm) parse(base data.Session, c *catalog) (data.Session, []data.FieldError) {
	s := base
	r := &fieldReader{}
	f.parseHeader(r, &s, c)
	f.parseEquipment(r, &s, c)
	f.parseZones(r, &s, c)
	f.parseProducts(r, &s, c)
	f.parseSideEffects(r, &s, base)
	f.parseAfter(r, &s)
	return s, r.errs
}

// fieldReader reads typed values, keeping a message beside its field for each that cannot be read.
type fieldReader struct{ errs []data.FieldError }

func (r *fieldReader) bad(field, msg string) {
	r.errs = append(r.errs, data.FieldError{Field: field, Message: msg})
}

func (r *fieldReader) intOf(field, label, v string, out *int) {
	v = strings.TrimSpace(v)
	if v == "" {
		*out = 0
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		r.bad(field, label+" must be a whole number.")
		return
	}
	*out = n
}

func (r *fieldReader) dateOf(field, label, v string) data.Date {
	d, err := data.ParseTypedDate(v)
	if err != nil {
		r.bad(field, label+": write it as "+data.DatePattern(data.CurrentDateOrder())+", YYYY-MM-DD or 14 Mar 2026.")
	}
	return d
}

// expiryOf reads an expiry as the packaging prints it: 2027-03 is the end of March 2027.
func (r *fieldReader) expiryOf(field, label, v string) data.Date {
	d, err := data.ParseExpiry(v)
	if err != nil {
		r.bad(field, label+": use the form YYYY-MM-DD, or YYYY-MM for the end of that month.")
	}
	return d
}

// parseHeader reads when and who, the place in the series, the concerns and the modality.
func (f sessionForm) parseHeader(r *fieldReader, s *data.Session, c *catalog) {
	if t, err := time.ParseInLocation(dateTimeLayout, strings.TrimSpace(f.StartedAt), time.Local); err != nil {
		r.bad("started_at", "Date and time: use the form YYYY-MM-DD HH:MM, e.g. 2026-05-17 14:30.")
	} else {
		s.StartedAt = t
	}
	s.PractitionerID = idOf(c.practitioners, f.Practitioner, practitionerName, practitionerID)
	if s.PractitionerID == "" && strings.TrimSpace(f.Practitioner) != "" {
		r.bad("practitioner", fmt.Sprintf("%q is not one of the practice's practitioners (Settings › Practitioners).", f.Practitioner))
	}
	r.intOf("series_n", "Session number", f.SeriesN, &s.SeriesN)
	r.intOf("series_of", "Series length", f.SeriesOf, &s.SeriesOf)
	r.intOf("interval_days", "Interval", f.IntervalDays, &s.IntervalDays)
	s.Concerns = slices.Clone(f.Concerns)
	s.Modality = f.Modality
}

// parseEquipment reads the anaesthetic, the device and the cartridge.
func (f sessionForm) parseEquipment(r *fieldReader, s *data.Session, c *catalog) {
	s.Anaesthetic.ProductID = idOf(c.products, f.Anaesthetic, productName, productID)
	if s.Anaesthetic.ProductID == "" && strings.TrimSpace(f.Anaesthetic) != "" {
		r.bad("anaesthetic_product", fmt.Sprintf("%q is not in the practice's products: add it with +.", f.Anaesthetic))
	}
	s.Anaesthetic.Lot = f.AnaestheticLot
	r.intOf("anaesthetic_minutes", "Anaesthetic minutes", f.AnaestheticMinutes, &s.Anaesthetic.Minutes)

	s.DeviceID = idOf(c.devices, f.Device, deviceName, deviceID)
	if s.DeviceID == "" && strings.TrimSpace(f.Device) != "" {
		r.bad("device", fmt.Sprintf("%q is not in the practice's devices: add it with +.", f.Device))
	}
	s.HandpieceSerial = f.HandpieceSerial
	s.Cartridge.CartridgeID = idOf(c.cartridges, f.Cartridge, cartridgeName, cartridgeID)
	if s.Cartridge.CartridgeID == "" && strings.TrimSpace(f.Cartridge) != "" {
		r.bad("cartridge", fmt.Sprintf("%q is not in the practice's cartridges: add it with +.", f.Cartridge))
	}
	s.Cartridge.Lot = f.CartridgeLot
	s.Cartridge.Expiry = r.expiryOf("cartridge_expiry", "Cartridge expiry", f.CartridgeExpiry)
}

// parseZones reads the zone grid; a speed is refused for a device that has no speed setting.
func (f sessionForm) parseZones(r *fieldReader, s *data.Session, c *catalog) {
	s.Zones = nil
	for i, z := range f.Zones {
		field := fmt.Sprintf("zones[%d]", i)
		zt := data.ZoneTreatment{Zone: z.Zone, Pattern: z.Pattern, Endpoint: z.Endpoint}
		if d, err := data.ParseDecimal(z.Depth); err != nil {
			r.bad(field+".depth_mm", fmt.Sprintf("Depth for %s must be a number of millimetres, e.g. 1.25.", z.Zone))
		} else {
			zt.DepthMM = d
		}
		if strings.TrimSpace(z.Speed) != "" {
			if d, ok := c.device(s.DeviceID); ok && (d.SpeedUnit == "fixed" || d.SpeedUnit == "") {
				r.bad(field+".speed", fmt.Sprintf("%s has no speed setting: leave Speed empty for %s.", d.Model, z.Zone))
			} else if v, err := data.ParseDecimal(z.Speed); err != nil {
				r.bad(field+".speed", fmt.Sprintf("Speed for %s must be a number.", z.Zone))
			} else {
				zt.Speed = v
			}
		}
		r.intOf(field+".passes", "Passes for "+z.Zone, z.Passes, &zt.Passes)
		s.Zones = append(s.Zones, zt)
	}
}

// parseProducts reads the products applied.
func (f sessionForm) parseProducts(r *fieldReader, s *data.Session, c *catalog) {
	s.Products = nil
	for i, p := range f.Products {
		field := fmt.Sprintf("products[%d]", i)
		id := idOf(c.products, p.Product, productName, productID)
		if id == "" && strings.TrimSpace(p.Product) != "" {
			r.bad(field+".product", fmt.Sprintf("%q is not in the practice's products: add it with +.", p.Product))
		}
		s.Products = append(s.Products, data.ProductUse{ProductID: id, Lot: p.Lot, Phase: data.Phase(p.Phase),
			Amount: p.Amount, Expiry: r.expiryOf(field+".expiry", "Expiry", p.Expiry)})
	}
}

// parseSideEffects reads the side effects, keeping when each was first recorded (from base); one
// seen during the session started then.
func (f sessionForm) parseSideEffects(r *fieldReader, s *data.Session, base data.Session) {
	s.SideEffects = nil
	for i, e := range f.SideEffects {
		field := fmt.Sprintf("side_effects[%d]", i)
		se := data.SideEffect{ID: e.ID, Kind: e.Kind, Severity: data.Severity(e.Severity), DuringSession: e.During,
			Treatment: e.Treatment, Notes: e.Notes,
			Onset: r.dateOf(field+".onset", "Started on", e.Onset), Resolved: r.dateOf(field+".resolved", "Resolved on", e.Resolved)}
		if i < len(base.SideEffects) && base.SideEffects[i].ID == e.ID {
			se.CreatedAt = base.SideEffects[i].CreatedAt
		}
		if se.DuringSession && !s.StartedAt.IsZero() {
			se.Onset = data.DateOf(s.StartedAt)
		}
		s.SideEffects = append(s.SideEffects, se)
	}
	s.NoSideEffects = f.NoSideEffects
}

// parseAfter reads the pain, aftercare, price, next due date, notes, photo refusal and overrides.
func (f sessionForm) parseAfter(r *fieldReader, s *data.Session) {
	s.PainScore.Valid = strings.TrimSpace(f.Pain) != ""
	if s.PainScore.Valid {
		r.intOf("pain_score", "Pain score", f.Pain, &s.PainScore.V)
	}
	s.Aftercare = slices.Clone(f.Aftercare)
	s.AftercareSheet = f.AftercareSheet
	s.PriceCents.Valid = strings.TrimSpace(f.Price) != ""
	if s.PriceCents.Valid {
		if v, err := data.ParseDecimal(f.Price); err != nil {
			r.bad("price", "Price must be a number, e.g. 350 or 350.00.")
		} else {
			s.PriceCents.V = int64(v*100 + 0.5)
		}
	}
	s.NextDue = r.dateOf("next_due", "Next session due", f.NextDue)
	s.Notes = f.Notes
	s.PhotoRefusal = strings.TrimSpace(f.PhotoRefusal)
	s.Overrides = nil
	for _, rule := range slices.Sorted(maps.Keys(f.Overrides)) {
		s.Overrides = append(s.Overrides, data.Override{Rule: rule, Reason: f.Overrides[rule]})
	}
}

// check parses the form and validates the result: every problem, beside its field.
func (f sessionForm) check(base data.Session, c *catalog, now time.Time) (data.Session, error) {
	s, errs := f.parse(base, c)
	if err := s.Validate(now); err != nil {
		ve := err.(*data.ValidationError)
		for _, fe := range ve.Fields {
			// A value that could not be read is already reported; its zero value would only add noise.
			if !slices.ContainsFunc(errs, func(e data.FieldError) bool { return e.Field == fe.Field }) {
				errs = append(errs, fe)
			}
		}
	}
	if len(errs) > 0 {
		return s, &data.ValidationError{Fields: errs}
	}
	return s, nil
}

func optionalInt(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func optionalFloat(v float64) string {
	if v == 0 {
		return ""
	}
	return wording.Number(v)
}

func formatMoney(cents int64) string { return wording.Money(cents, "") } // as typed: no sign

// editorData is what the session editor needs, read in one go before it opens.
type editorData struct {
	client  data.Client
	session data.Session  // the session being edited, or a new one with sensible defaults
	last    *data.Session // the client's latest other session, for "copy settings"
	catalog catalog
	safety  data.SafetyInput // what the safety checks compare the session with, read once
	amends  []data.Amendment // of a signed session, oldest first
	// beforePhotos is how many before photos the session has: signing needs one, or a reason.
	beforePhotos int
	currency     string // the practice's, for the price's label
}

// loadEditorData reads a session (a new one when id is empty) and the practice's lists.
func loadEditorData(ctx context.Context, store nlstore.Store, client data.Client, id string) (editorData, error) {
	ed := editorData{client: client}
	all, err := store.Catalog(ctx)
	if err != nil {
		return ed, err
	}
	ed.catalog = editorCatalog(all)
	c := &ed.catalog

	timeline, err := store.Timeline(ctx, client.ID)
	if err != nil {
		return ed, err
	}
	for _, e := range timeline {
		if e.SessionID != id {
			last, err := store.Session(ctx, e.SessionID)
			if err != nil {
				return ed, err
			}
			ed.last = &last
			break
		}
	}
	if id != "" {
		if ed.session, err = store.Session(ctx, id); err != nil {
			return ed, err
		}
	} else {
		sheet, err := store.Setting(ctx, data.SettingAftercareSheet)
		if err != nil {
			return ed, err
		}
		ed.session = data.NextSessionDefaults(client, ed.last, store.Now(), c.lists[data.ListAftercare], sheet)
	}
	if ed.safety, err = store.SafetyInputFor(ctx, ed.session); err != nil {
		return ed, err
	}
	if ed.currency, err = store.Setting(ctx, data.SettingCurrency); err != nil {
		return ed, err
	}
	if id != "" {
		if ed.beforePhotos, err = store.BeforePhotos(ctx, id); err != nil {
			return ed, err
		}
	}
	if ed.session.Status == data.StatusSigned {
		ed.amends, err = store.Amendments(ctx, ed.session.ID)
	}
	return ed, err
}
