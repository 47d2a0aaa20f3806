package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// testNow is a fixed "now" for tests: a Tuesday afternoon.
var testNow = time.Date(2026, 3, 10, 14, 30, 0, 0, time.UTC)

// openTemp creates a new database file in the test's temporary folder.
func openTemp(t testing.TB) (*sqlite.Store, *clock) {
	t.Helper()
	c := &clock{t: testNow}
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true, Now: c.now})
	if err != nil {
		t.Fatalf("open new database: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

func mustCreateClient(t testing.TB, s *sqlite.Store, first, last string) data.Client {
	t.Helper()
	c := data.Client{FirstName: first, LastName: last}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatalf("create client %s %s: %v", first, last, err)
	}
	return c
}

// storedSession is validSession with references to the store's own default device, cartridge and
// products, ready to save.
func storedSession(t testing.TB, s *sqlite.Store, clientID string) data.Session {
	t.Helper()
	ctx := context.Background()
	devices, err := s.Devices(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	cartridges, err := s.Cartridges(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	anaesthetics, err := s.Products(ctx, data.ProductKindAnaesthetic, false)
	if err != nil || len(anaesthetics) == 0 {
		t.Fatalf("anaesthetics: %v %v", anaesthetics, err)
	}
	serums, err := s.Products(ctx, "Hyaluronic acid", false)
	if err != nil || len(serums) == 0 {
		t.Fatalf("serums: %v %v", serums, err)
	}
	se := validSession(clientID)
	se.DeviceID = devices[0].ID
	se.Cartridge.CartridgeID = cartridges[0].ID
	se.Anaesthetic.ProductID = anaesthetics[0].ID
	se.Products = []data.ProductUse{
		{ProductID: serums[0].ID, Lot: "HA-2291", Expiry: data.NewDate(2027, 6, 30), Phase: data.PhaseDuring, Amount: "2 ml"},
		{ProductID: serums[0].ID, Lot: "HA-2291", Phase: data.PhaseAfter, Amount: "1 ml"},
	}
	return se
}

// validSession is a complete, valid session for a client, an hour before testNow. Its product and
// cartridge IDs are placeholders: storedSession swaps in real ones.
func validSession(clientID string) data.Session {
	return data.Session{
		ClientID: clientID, StartedAt: testNow.Add(-time.Hour), SeriesN: 2, SeriesOf: 4, IntervalDays: 28,
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

func validClient() data.Client {
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

// fieldsOf returns the field names a validation error lists, or fails the test when err is not one.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var ve *data.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a *data.ValidationError", err)
	}
	var fields []string
	for _, f := range ve.Fields {
		if f.Message == "" {
			t.Errorf("field %s has no message", f.Field)
		}
		fields = append(fields, f.Field)
	}
	return fields
}

func expectFields(t *testing.T, err error, want ...string) {
	t.Helper()
	got := fieldsOf(t, err)
	if len(got) != len(want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fields %v, want %v", got, want)
		}
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
