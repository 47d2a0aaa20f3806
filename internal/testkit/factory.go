package testkit

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
)

// CreateClient saves a client with only a name.
func CreateClient(tb testing.TB, s store.Store, first, last string) data.Client {
	tb.Helper()
	c := data.Client{FirstName: first, LastName: last}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		tb.Fatalf("create client %s %s: %v", first, last, err)
	}
	return c
}

// ValidClient is a complete, valid client with an allergy, a past isotretinoin course, signed
// consent and clinical photo consent.
func ValidClient() data.Client {
	return data.Client{
		FirstName: "Siobhán", LastName: "O'Neill", DateOfBirth: data.NewDate(1988, 5, 17),
		Phone: "+353 87 123 4567", Email: "siobhan@example.ie", Fitzpatrick: 2,
		Concerns: []string{"Acne scars"}, Allergies: []string{"Lidocaine"},
		History: []data.HistoryEntry{{Condition: "Isotretinoin (Accutane)", Since: data.NewDate(2024, 1, 1),
			Until: data.NewDate(2025, 6, 30)}},
		Consent:      data.Consent{Form: "Microneedling consent", Version: "3", Signed: data.NewDate(2026, 3, 1)},
		PhotoConsent: data.PhotoConsentClinical,
	}
}

// ValidSession is a complete, valid session for a client, an hour before Now: two zones, a mild
// side effect, a price and a next-due date. Its product and cartridge IDs are placeholders:
// StoredSession swaps in real ones.
func ValidSession(clientID string) data.Session {
	return data.Session{
		ClientID: clientID, StartedAt: Now.Add(-time.Hour), SeriesN: 2, SeriesOf: 4, IntervalDays: 28,
		Concerns: []string{"Acne scars"}, Modality: "None",
		Anaesthetic: data.Anaesthetic{ProductID: "anaesthetic", Lot: "LA-221", Minutes: 25},
		Cartridge:   data.CartridgeUse{CartridgeID: "cartridge", Lot: "C-9931", Expiry: data.NewDate(2027, 1, 31)},
		Zones: []data.ZoneTreatment{
			{Zone: "Cheeks", DepthMM: 1.5, Speed: 4, Passes: 4, Pattern: "Stamping", Endpoint: "Pinpoint bleeding"},
			{Zone: "Forehead", DepthMM: 0.5, Speed: 4, Passes: 3, Endpoint: "Uniform erythema"},
		},
		SideEffects: []data.SideEffect{{Kind: "Erythema", Severity: data.SeverityMild, DuringSession: true}},
		PainScore:   data.Optional[int]{V: 3, Valid: true}, Aftercare: []string{"Stay hydrated"}, AftercareSheet: "1",
		PriceCents: data.Optional[int64]{V: 35000, Valid: true}, NextDue: data.NewDate(2026, 4, 7),
	}
}

// StoredSession is ValidSession with references to the store's own default device, cartridge and
// products (a serum during and after), ready to save.
func StoredSession(tb testing.TB, s store.Store, clientID string) data.Session {
	tb.Helper()
	ctx := context.Background()
	devices, err := s.Devices(ctx, false)
	if err != nil {
		tb.Fatal(err)
	}
	cartridges, err := s.Cartridges(ctx, false)
	if err != nil {
		tb.Fatal(err)
	}
	anaesthetics, err := s.Products(ctx, data.ProductKindAnaesthetic, false)
	if err != nil || len(anaesthetics) == 0 {
		tb.Fatalf("anaesthetics: %v %v", anaesthetics, err)
	}
	serums, err := s.Products(ctx, "Hyaluronic acid", false)
	if err != nil || len(serums) == 0 {
		tb.Fatalf("serums: %v %v", serums, err)
	}
	se := ValidSession(clientID)
	se.DeviceID = devices[0].ID
	se.Cartridge.CartridgeID = cartridges[0].ID
	se.Anaesthetic.ProductID = anaesthetics[0].ID
	se.Products = []data.ProductUse{
		{ProductID: serums[0].ID, Lot: "HA-2291", Expiry: data.NewDate(2027, 6, 30), Phase: data.PhaseDuring, Amount: "2 ml"},
		{ProductID: serums[0].ID, Lot: "HA-2291", Phase: data.PhaseAfter, Amount: "1 ml"},
	}
	return se
}

// CreateSession saves StoredSession for a client, changed first by each edit.
func CreateSession(tb testing.TB, s store.Store, clientID string, edits ...func(*data.Session)) data.Session {
	tb.Helper()
	se := StoredSession(tb, s, clientID)
	for _, edit := range edits {
		edit(&se)
	}
	if err := s.CreateSession(context.Background(), &se); err != nil {
		tb.Fatalf("create session: %v", err)
	}
	return se
}

// FieldsOf returns the field names a validation error lists, or fails the test when err is not
// one; each field must come with a message.
func FieldsOf(tb testing.TB, err error) []string {
	tb.Helper()
	var ve *data.ValidationError
	if !errors.As(err, &ve) {
		tb.Fatalf("got %v, want a *data.ValidationError", err)
	}
	var fields []string
	for _, f := range ve.Fields {
		if f.Message == "" {
			tb.Errorf("field %s has no message", f.Field)
		}
		fields = append(fields, f.Field)
	}
	return fields
}

// ExpectFields fails the test unless err is a validation error listing exactly the fields want,
// in order.
func ExpectFields(tb testing.TB, err error, want ...string) {
	tb.Helper()
	got := FieldsOf(tb, err)
	if !slices.Equal(got, want) {
		tb.Fatalf("fields %v, want %v", got, want)
	}
}

// CreatePractitioner saves a practitioner with a name and a role ("" for the store's default).
func CreatePractitioner(tb testing.TB, s store.Store, name string, role data.Role) data.Practitioner {
	tb.Helper()
	p := data.Practitioner{Name: name, Role: role}
	if err := s.SavePractitioner(context.Background(), &p); err != nil {
		tb.Fatalf("save practitioner %s: %v", name, err)
	}
	return p
}
