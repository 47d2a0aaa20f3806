package data_test

import (
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
)

func TestRecordHashIsCanonical(t *testing.T) {
	se := testkit.ValidSession("client")
	se.ID, se.SignedBy, se.SignedAt = "s", "p", testkit.Now
	se.SideEffects[0].ID, se.SideEffects[0].Sealed = "e1", true
	se.SideEffects = append(se.SideEffects, data.SideEffect{ID: "e0", Kind: "Itching", Severity: data.SeverityMild, Sealed: true},
		data.SideEffect{ID: "e2", Kind: "Milia", Severity: data.SeverityMild}) // a follow-up: not in the record
	se.Overrides = []data.Override{{Rule: "b", Reason: "y", At: testkit.Now}, {Rule: "a", Reason: "x", At: testkit.Now}}
	h1, err := data.RecordHash(se)
	if err != nil {
		t.Fatal(err)
	}
	// The same record in another order, another time zone, and with bookkeeping changed.
	other := se
	other.SideEffects = []data.SideEffect{se.SideEffects[1], se.SideEffects[0]}
	other.Overrides = []data.Override{se.Overrides[1], se.Overrides[0]}
	other.StartedAt = se.StartedAt.In(time.FixedZone("X", 5*3600))
	other.Version, other.UpdatedAt, other.Concerns = 9, testkit.Now, append([]string(nil), se.Concerns...)
	if h2, _ := data.RecordHash(other); h2 != h1 {
		t.Error("the same record hashes differently")
	}
	for name, change := range map[string]func(*data.Session){
		"depth":     func(x *data.Session) { x.Zones = []data.ZoneTreatment{x.Zones[0]}; x.Zones[0].DepthMM = 1.25 },
		"notes":     func(x *data.Session) { x.Notes = "<b>" },
		"override":  func(x *data.Session) { x.Overrides = x.Overrides[:1] },
		"amendment": func(x *data.Session) { x.Amendments = 1 },
		"sealed":    func(x *data.Session) { x.SideEffects = x.SideEffects[1:] },
	} {
		x := se
		x.Zones = append([]data.ZoneTreatment(nil), se.Zones...)
		change(&x)
		if h, _ := data.RecordHash(x); h == h1 {
			t.Errorf("changing the %s keeps the hash", name)
		}
	}
}
