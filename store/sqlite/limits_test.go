package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// messageFor returns the sentence a validation error gives a field, or fails the test.
func messageFor(t *testing.T, err error, field string) string {
	t.Helper()
	var ve *data.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a validation error for %s", err, field)
	}
	msg := ve.For(field)
	if msg == "" {
		t.Fatalf("no message for %s in %v", field, ve.Fields)
	}
	return msg
}

func TestTextLimitsAtEntry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)

	// Names: 100 characters (not bytes) go in, 101 do not, nor a line break.
	c := data.Client{FirstName: strings.Repeat("é", data.MaxNameLength), LastName: "Lee"}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatalf("a name of %d characters: %v", data.MaxNameLength, err)
	}
	long := data.Client{FirstName: "Ann", LastName: strings.Repeat("x", 9999)}
	if msg := messageFor(t, s.CreateClient(ctx, &long), "last_name"); msg != "Last name is too long (at most 100 characters)." {
		t.Errorf("said %q", msg)
	}
	broken := data.Client{FirstName: "Anna\nSmith", LastName: "Bob"}
	if msg := messageFor(t, s.CreateClient(ctx, &broken), "first_name"); !strings.Contains(msg, "one line") {
		t.Errorf("a name with a line break: %q", msg)
	}
	c.Email = strings.Repeat("a", 250) + "@example.com"
	c.Phone = strings.Repeat("1", 41)
	c.Notes = strings.Repeat("n", data.MaxTextLength+1)
	err := s.UpdateClient(ctx, &c)
	for _, f := range []string{"email", "phone", "notes"} {
		if msg := messageFor(t, err, f); !strings.Contains(msg, "too long") {
			t.Errorf("%s: %q", f, msg)
		}
	}

	// Sessions, and amendments of signed ones.
	se := testkit.StoredSession(t, s, c.ID)
	se.Products[0].Lot = strings.Repeat("L", data.MaxCodeLength+1)
	se.Zones[0].Pattern = strings.Repeat("p", data.MaxLabelLength+1)
	se.SideEffects[0].Notes = strings.Repeat("s", data.MaxTextLength+1)
	err = s.CreateSession(ctx, &se)
	for _, f := range []string{"products[0].lot", "zones[0].pattern", "side_effects[0].notes"} {
		messageFor(t, err, f)
	}
	signed, sctx := signedSessionBy(t, s)
	signed.Notes = strings.Repeat("a", data.MaxTextLength+1)
	if _, err := s.AmendSession(sctx, signed, "Added the notes."); err == nil {
		t.Error("an amendment with 10,001 characters of notes was saved")
	} else {
		messageFor(t, err, "notes")
	}
	follow := data.SideEffect{SessionID: signed.ID, Kind: strings.Repeat("k", data.MaxLabelLength+1),
		Severity: data.SeverityMild, Onset: data.DateOf(testkit.Now)}
	messageFor(t, s.AddSideEffect(sctx, &follow), "side_effect.kind")

	// The practice's lists and settings.
	messageFor(t, s.SaveProduct(ctx, &data.Product{Name: strings.Repeat("P", data.MaxLabelLength+1)}), "name")
	products, err := s.Products(ctx, "", false)
	if err != nil {
		t.Fatal(err)
	}
	messageFor(t, s.SaveProductLot(ctx, &data.Lot{ItemID: products[0].ID, Lot: strings.Repeat("9", data.MaxCodeLength+1)}), "lot")
	if err := s.SaveProductLot(ctx, &data.Lot{ItemID: products[0].ID, Lot: strings.Repeat("9", data.MaxCodeLength)}); err != nil {
		t.Errorf("a lot of %d characters: %v", data.MaxCodeLength, err)
	}
	messageFor(t, s.SavePractitioner(ctx, &data.Practitioner{Name: strings.Repeat("N", data.MaxNameLength+1)}), "name")
	zones, err := s.Zones(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	z := zones[0]
	z.Name = strings.Repeat("Z", data.MaxLabelLength+1)
	messageFor(t, s.SaveZone(ctx, &z), "name")
	messageFor(t, s.SaveListItem(ctx, &data.ListItem{Kind: data.ListConcern, Name: "Acne\nscars"}), "name")
	messageFor(t, s.SetSetting(ctx, data.SettingClinicAddress, strings.Repeat("a", data.MaxAddressLength+1)), data.SettingClinicAddress)
	if err := s.SetSetting(ctx, data.SettingClinicAddress, "1 Main Street\nDublin 2"); err != nil {
		t.Errorf("an address over two lines: %v", err)
	}
	if err := s.DeleteClient(ctx, c.ID, strings.Repeat("r", data.MaxTextLength+1)); err == nil {
		t.Error("a client was deleted with a reason of 10,001 characters")
	}
}

// Values longer than the limits, stored before there were limits, still open and show.
func TestLongValuesStoredBeforeStillOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Ann", "Lee")
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=rw&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	name, notes := strings.Repeat("N", 9999), strings.Repeat("n", 50000)
	if _, err := db.Exec(`UPDATE clients SET first_name = ?, notes = ? WHERE id = ?`, name, notes, c.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.Client(ctx, c.ID)
	if err != nil || got.FirstName != name || got.Notes != notes {
		t.Fatalf("read back: %d-character name, %d-character notes, %v", len(got.FirstName), len(got.Notes), err)
	}
	list, err := s.ListClients(ctx, data.ClientQuery{Limit: 10})
	if err != nil || len(list) != 1 || list[0].FirstName != name {
		t.Fatalf("listed %v", err)
	}
}

func TestClientImportReportsOverlongValuesByLine(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	var b strings.Builder
	b.WriteString("First name,Last name,Email,Notes\n")
	b.WriteString("Ann,Lee,ann@example.com,ok\n")
	fmt.Fprintf(&b, "%s,%s,long@example.com,ok\n", strings.Repeat("N", 9999), strings.Repeat("M", 9999))
	fmt.Fprintf(&b, "Bob,Jones,bob@example.com,\"%s\"\n", strings.Repeat("n", data.MaxTextLength+1))
	fmt.Fprintf(&b, "Carla,Diaz,%s@example.com,ok\n", strings.Repeat("c", 250))
	b.WriteString("Dan,Ray,dan@example.com,ok\n")
	f := readCSVString(t, b.String())
	res, err := s.ImportClients(context.Background(), f.Rows, data.GuessClientMapping(f.Header))
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 2 || len(res.Failed) != 3 {
		t.Fatalf("%+v", res)
	}
	for i, want := range []string{"First name is too long (at most 100 characters).", "Notes is too long", "Email is too long"} {
		if e := res.Failed[i]; e.Line != i+3 || !strings.Contains(e.Message, want) {
			t.Errorf("reported %v, want line %d saying %q", e, i+3, want)
		}
	}
}
