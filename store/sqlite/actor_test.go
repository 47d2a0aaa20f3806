package sqlite_test

import (
	"context"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func TestWritesAreAttributedToThePractitionerSignedIn(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	ctx := context.Background()
	p := data.Practitioner{Name: "Dr. Amara Okafor", Role: data.RoleAdmin}
	if err := s.SavePractitioner(ctx, &p); err != nil {
		t.Fatal(err)
	}
	s.SetActor(p.ID)
	c := testkit.CreateClient(t, s, "Ann", "Lee")
	s.SetActor("")
	d := testkit.CreateClient(t, s, "Bo", "Berg")
	for id, want := range map[string]string{c.ID: p.ID, d.ID: ""} {
		entries, err := s.AuditLog(ctx, id)
		if err != nil || len(entries) == 0 || entries[0].PractitionerID != want {
			t.Fatalf("client %s logged by %+v (%v), want %q", id, entries, err, want)
		}
	}
	// A context's own practitioner wins.
	e := data.Client{FirstName: "Cy", LastName: "Dunn"}
	s.SetActor(p.ID)
	if err := s.CreateClient(data.WithActor(ctx, "someone-else"), &e); err != nil {
		t.Fatal(err)
	}
	if entries, _ := s.AuditLog(ctx, e.ID); entries[0].PractitionerID != "someone-else" {
		t.Fatalf("the context's practitioner was overridden: %q", entries[0].PractitionerID)
	}
}
