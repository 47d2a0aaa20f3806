package testkit

import (
	"context"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
)

// ExportPractice is two practitioners' sessions on three days of March 2026 (machine's zone), and
// a client never treated: Ana (allergies, a past isotretinoin course) seen by Lee on the 1st and by
// Kim on the 9th, Boris (Cyrillic name) by Kim on the 5th.
type ExportPractice struct {
	Lee, Kim               data.Practitioner
	Ana, Boris, Never      data.Client
	March1, March5, March9 data.Session
}

// NewExportPractice saves an ExportPractice in s.
func NewExportPractice(tb testing.TB, s store.Store) ExportPractice {
	tb.Helper()
	ctx := context.Background()
	var p ExportPractice
	p.Lee = data.Practitioner{Name: "Dr Lee"}
	p.Kim = data.Practitioner{Name: "Kim Ødegård"}
	for _, pr := range []*data.Practitioner{&p.Lee, &p.Kim} {
		if err := s.SavePractitioner(ctx, pr); err != nil {
			tb.Fatal(err)
		}
	}
	p.Ana = data.Client{FirstName: "Ana", LastName: "Núñez", DateOfBirth: data.NewDate(1990, 4, 2), Phone: "+34 600 123 456",
		Allergies: []string{"Lidocaine", "Nickel"}, Fitzpatrick: 4,
		History: []data.HistoryEntry{{Condition: "Isotretinoin", Since: data.NewDate(2024, 1, 10), Until: data.NewDate(2024, 7, 1)}}}
	p.Boris = data.Client{FirstName: "Борис", LastName: "Петров"}
	p.Never = data.Client{FirstName: "Never", LastName: "Treated"}
	for _, c := range []*data.Client{&p.Ana, &p.Boris, &p.Never} {
		if err := s.CreateClient(ctx, c); err != nil {
			tb.Fatal(err)
		}
	}
	treat := func(c data.Client, pr data.Practitioner, day int) data.Session {
		at := time.Date(2026, 3, day, 10, 0, 0, 0, time.Local)
		return CreateSession(tb, s, c.ID, func(se *data.Session) {
			se.PractitionerID = pr.ID
			se.StartedAt = at
			se.NextDue = data.DateOf(at).AddDays(28)
			se.SideEffects[0].Onset = data.DateOf(at)
		})
	}
	p.March1 = treat(p.Ana, p.Lee, 1)
	p.March5 = treat(p.Boris, p.Kim, 5)
	p.March9 = treat(p.Ana, p.Kim, 9)
	return p
}
