// Package storetest is the conformance suite of the store boundary: every engine behind
// store.Store (SQLite, PostgreSQL) runs it from a test of its own and passes it.
package storetest

import (
	"context"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

// Run runs the suite. open gives a new practice of the engine's, as a new one is made (with
// the default lists, see data.Default...), and closes it when the test ends. The store's clock
// may stand still or run; the suite asserts times against Store.Now.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	groups := []struct {
		name  string
		tests []subtest
	}{
		{"Clients", append(clientTests, clientLifeTests...)},
		{"Sessions", sessionTests},
		{"Outcomes", outcomeTests},
		{"Drafts", draftTests},
		{"Lists", listTests},
		{"Photos", photoTests},
		{"Audit", auditTests},
		{"Accounts", accountTests},
		{"Settings", settingTests},
		{"Today", todayTests},
		{"Exports", exportTests},
		{"Errors", errorTests},
		{"Store", storeTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for _, st := range g.tests {
				t.Run(st.name, func(t *testing.T) {
					t.Parallel()
					st.run(t, open(t))
				})
			}
		})
	}
}

// subtest is one test of the suite, run on a new practice.
type subtest struct {
	name string
	run  func(t *testing.T, s store.Store)
}

// missingID is an ID no record has.
const missingID = "01900000-0000-7000-8000-00000000beef"

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// stampedNow reports whether at was stamped by the store's clock between before and now.
func stampedNow(s store.Store, at, before time.Time) bool {
	return !at.Before(before) && !at.After(s.Now())
}

// consentingClient is a client with treatment consent on file.
func consentingClient(t *testing.T, s store.Store, first, last string) data.Client {
	t.Helper()
	c := data.Client{FirstName: first, LastName: last, Fitzpatrick: 2,
		Consent: data.Consent{Form: "Microneedling treatment consent", Version: "3", Signed: data.NewDate(2026, 1, 5)}}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// storedSession is a complete, valid session for a client, an hour before the store's now, with
// the store's own default device, cartridge and products.
func storedSession(t *testing.T, s store.Store, clientID string) data.Session {
	t.Helper()
	ctx := context.Background()
	devices, err := s.Devices(ctx, false)
	must(t, err)
	cartridges, err := s.Cartridges(ctx, false)
	must(t, err)
	anaesthetics, err := s.Products(ctx, data.ProductKindAnaesthetic, false)
	if err != nil || len(anaesthetics) == 0 || len(devices) == 0 || len(cartridges) == 0 {
		t.Fatalf("a new practice lacks its default lists: %d devices, %d cartridges, %d anaesthetics (%v)",
			len(devices), len(cartridges), len(anaesthetics), err)
	}
	serums, err := s.Products(ctx, "Hyaluronic acid", false)
	if err != nil || len(serums) == 0 {
		t.Fatalf("serums: %v %v", serums, err)
	}
	return data.Session{
		ClientID: clientID, StartedAt: s.Now().UTC().Add(-time.Hour).Truncate(time.Second), SeriesN: 2, SeriesOf: 4,
		IntervalDays: 28, Concerns: []string{"Acne scars"}, Modality: "None", DeviceID: devices[0].ID,
		Anaesthetic: data.Anaesthetic{ProductID: anaesthetics[0].ID, Lot: "LA-221", Minutes: 25},
		Cartridge:   data.CartridgeUse{CartridgeID: cartridges[0].ID, Lot: "C-9931", Expiry: data.NewDate(2027, 1, 31)},
		Zones: []data.ZoneTreatment{
			{Zone: "Cheeks", DepthMM: 1.5, Speed: 4, Passes: 4, Pattern: "Stamping", Endpoint: "Pinpoint bleeding"},
			{Zone: "Forehead", DepthMM: 0.5, Speed: 4, Passes: 3, Endpoint: "Uniform erythema"},
		},
		Products: []data.ProductUse{
			{ProductID: serums[0].ID, Lot: "HA-2291", Expiry: data.NewDate(2027, 6, 30), Phase: data.PhaseDuring, Amount: "2 ml"},
			{ProductID: serums[0].ID, Lot: "HA-2291", Phase: data.PhaseAfter, Amount: "1 ml"},
		},
		SideEffects: []data.SideEffect{{Kind: "Erythema", Severity: data.SeverityMild, DuringSession: true}},
		PainScore:   data.Optional[int]{V: 3, Valid: true}, Aftercare: []string{"Stay hydrated"}, AftercareSheet: "1",
		PriceCents: data.Optional[int64]{V: 35000, Valid: true}, NextDue: data.DateOf(s.Now()).AddDays(28),
	}
}

// completeSession is storedSession with all that signing needs but the client's consent.
func completeSession(t *testing.T, s store.Store, clientID, practitionerID string) data.Session {
	t.Helper()
	se := storedSession(t, s, clientID)
	se.PractitionerID = practitionerID
	se.PhotoRefusal = "Client declined photographs."
	return se
}

// signedSession saves and signs a complete session of a new client, and returns it as stored,
// with the context of the practitioner who signed it.
func signedSession(t *testing.T, s store.Store) (data.Session, context.Context) {
	t.Helper()
	p := testkit.CreatePractitioner(t, s, "Léa Fontaine", "")
	ctx := data.WithActor(context.Background(), p.ID)
	c := consentingClient(t, s, "Anna", "Smith")
	se := completeSession(t, s, c.ID, p.ID)
	must(t, s.CreateSession(ctx, &se))
	if err := s.SignSession(ctx, se.ID, se.Version); err != nil {
		t.Fatalf("sign: %v", err)
	}
	got, err := s.Session(ctx, se.ID)
	must(t, err)
	return got, ctx
}

// actions lists the audit log's actions about one record, in order.
func actions(t *testing.T, s store.Store, id string) []string {
	t.Helper()
	log, err := s.AuditLog(context.Background(), id)
	must(t, err)
	var out []string
	for _, e := range log {
		out = append(out, e.Action)
	}
	return out
}
