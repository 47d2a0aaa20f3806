package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func readCSVString(t *testing.T, s string) data.ClientCSV {
	t.Helper()
	f, err := data.ReadClientCSV(strings.NewReader(s))
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	return f
}

// allClients lists every client in the store by name, archived ones too.
func allClients(t *testing.T, s *sqlite.Store) []data.Client {
	t.Helper()
	ctx := context.Background()
	var out []data.Client
	for _, archived := range []bool{false, true} {
		list, err := s.ListClients(ctx, data.ClientQuery{Archived: archived, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			full, err := s.Client(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, full)
		}
	}
	return out
}

func clientNamed(t *testing.T, s *sqlite.Store, first, last string) data.Client {
	t.Helper()
	for _, c := range allClients(t, s) {
		if c.FirstName == first && c.LastName == last {
			return c
		}
	}
	t.Fatalf("no client %s %s", first, last)
	return data.Client{}
}

func lines(errs []data.LineError) []int {
	var out []int
	for _, e := range errs {
		out = append(out, e.Line)
	}
	return out
}

// clientsFile is a practice's client list as Excel saves it in Germany: a byte-order mark,
// semicolons, day-first dates, and some rows that cannot be imported.
const clientsFile = "\uFEFFVorname;Nachname;Geburtsdatum;Handy;E-Mail;Allergien;Hauttyp;Bemerkungen\r\n" +
	"Jürgen;Müller;17.05.1980;+49 171 1234567;j.mueller@example.de;Lidocain, Nickel;III;Stammkundin\r\n" + // 2
	"Zoë;Ça;02/04/1990;;zoe@example.fr;;2;\"Zwei\r\nZeilen\"\r\n" + // 3-4
	"Anna;Schmidt;;;anna@@example;;;\r\n" + // 5: bad email
	"Ελένη;Παπαδοπούλου;1985-11-30;'+30 210 1234567;;;;'=1+1\r\n" + // 6
	";;;;;;;\r\n" + // 7: blank
	"Борис;Петров;31/02/1979;;;;;\r\n" + // 8: no such date
	";;1990-01-01;;nobody@example.com;;;\r\n" + // 9: no name
	"Max;Mustermann;01.01.2090;;;;VII;\r\n" + // 10: future, bad skin type
	"Max;Mustermann;01.01.1970;;max@example.com;;;;extra\r\n" + // 11: a value past the header
	"Jürgen;Müller;17.05.1980;;;;;\r\n"

func TestImportClients(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	ctx := context.Background()
	f := readCSVString(t, clientsFile)
	m := data.GuessClientMapping(f.Header)
	wantMapping := data.ClientMapping{data.FieldFirstName, data.FieldLastName, data.FieldDateOfBirth, data.FieldPhone,
		data.FieldEmail, data.FieldAllergies, data.FieldFitzpatrick, data.FieldNotes}
	if !slices.Equal(m, wantMapping) {
		t.Fatalf("mapping %q", m)
	}
	res, err := s.ImportClients(ctx, f.Rows, m)
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 3 || res.Skipped != 1 || res.Blank != 1 {
		t.Errorf("imported %d, skipped %d, blank %d; want 3, 1 and 1", res.Imported, res.Skipped, res.Blank)
	}
	if got := lines(res.Failed); !slices.Equal(got, []int{5, 8, 9, 10, 11}) {
		t.Errorf("failed lines %v, want 5, 8, 9, 10 and 11: %v", got, res.Failed)
	}
	if got := lines(res.Duplicates); !slices.Equal(got, []int{12}) || !strings.Contains(res.Duplicates[0].Message, "Jürgen Müller") {
		t.Errorf("duplicates %v, want line 12 naming Jürgen Müller", res.Duplicates)
	}
	messages := map[int]string{}
	for _, e := range res.Failed {
		messages[e.Line] = e.Message
	}
	for line, want := range map[int]string{5: "Email", 8: "31/02/1979", 9: "name", 10: "Fitzpatrick", 11: "header"} {
		if !strings.Contains(messages[line], want) {
			t.Errorf("line %d: %q does not mention %q", line, messages[line], want)
		}
	}

	j := clientNamed(t, s, "Jürgen", "Müller")
	if j.DateOfBirth != data.NewDate(1980, 5, 17) || j.Phone != "+49 171 1234567" || j.Email != "j.mueller@example.de" ||
		!slices.Equal(j.Allergies, []string{"Lidocain", "Nickel"}) || j.Fitzpatrick != 3 || j.Notes != "Stammkundin" {
		t.Errorf("Jürgen Müller imported as %+v", j)
	}
	z := clientNamed(t, s, "Zoë", "Ça")
	if z.DateOfBirth != data.NewDate(1990, 4, 2) || z.Fitzpatrick != 2 || z.Notes != "Zwei\nZeilen" {
		t.Errorf("Zoë Ça imported as %+v (02/04/1990 is the 2nd of April)", z)
	}
	e := clientNamed(t, s, "Ελένη", "Παπαδοπούλου")
	if e.Phone != "+30 210 1234567" || e.Notes != "=1+1" || e.DateOfBirth != data.NewDate(1985, 11, 30) {
		t.Errorf("the ' that exports put before + and = is kept: %+v", e)
	}

	// The same file again adds no one, and reports the same bad rows.
	again, err := s.ImportClients(ctx, f.Rows, m)
	if err != nil {
		t.Fatal(err)
	}
	if again.Imported != 0 || again.Skipped != 4 || !slices.Equal(lines(again.Failed), lines(res.Failed)) {
		t.Errorf("second import: imported %d, skipped %d, failed %v", again.Imported, again.Skipped, lines(again.Failed))
	}
	if n := len(allClients(t, s)); n != 3 {
		t.Errorf("%d clients after importing the file twice, want 3", n)
	}
}

func TestImportClientsIdentity(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	ctx := context.Background()
	for _, c := range []data.Client{
		{FirstName: "Maria", LastName: "García", DateOfBirth: data.NewDate(1980, 1, 1), Email: "maria@example.com"},
		{FirstName: "Ann", LastName: "Lee", Phone: "+44 20 7946 0958"},
		{FirstName: "Tom", LastName: "Byrne"},
	} {
		if err := s.CreateClient(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	f := readCSVString(t, "first,last,dob,email,phone\n"+
		"maria,GARCIA,1980-01-01,,\n"+ // 2: same name (case and accents aside) and birthday
		"Maria,García,1992-03-04,maria@example.com,\n"+ // 3: another birthday: someone else, though the email is shared
		"Maria,García,,MARIA@example.com,\n"+ // 4: no birthday, the same email
		"Ann,Lee,,,020 7946 0958\n"+ // 5: other digits (no country code): not shown to be her
		"Ann,Lee,,,+44 (20) 7946-0958\n"+ // 6: the same digits
		"Ann,Lee,,,\n"+ // 7: a name alone adds no one
		"Tom,Byrne,1975-06-07,,\n"+ // 8: a birthday where none was recorded: not shown to be him
		"Tom,Byrne,1975-06-07,,\n") // 9: line 8 again, in the same file
	m := data.ClientMapping{data.FieldFirstName, data.FieldLastName, data.FieldDateOfBirth, data.FieldEmail, data.FieldPhone}
	res, err := s.ImportClients(ctx, f.Rows, m)
	if err != nil {
		t.Fatal(err)
	}
	if got := lines(res.Duplicates); !slices.Equal(got, []int{2, 4, 6, 7, 9}) {
		t.Errorf("skipped lines %v, want 2, 4, 6, 7 and 9", got)
	}
	if res.Imported != 3 || len(res.Failed) != 0 {
		t.Errorf("imported %d, failed %v; want lines 3, 5 and 8 imported", res.Imported, res.Failed)
	}
}

func TestImportClientsMonthFirstDates(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	f := readCSVString(t, "Name,Date of birth\nAnn Lee,05/06/1990\nBo Diaz,05/17/1990\n")
	res, err := s.ImportClients(context.Background(), f.Rows, data.GuessClientMapping(f.Header))
	if err == nil || !strings.Contains(err.Error(), "month first") || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("got %v, want an error naming line 3's month-first date", err)
	}
	if res.Imported != 0 || len(allClients(t, s)) != 0 {
		t.Error("clients were imported from a file with month-first dates")
	}
	// With one date that is plainly day first, a month-first one is just a bad row.
	f = readCSVString(t, "Name,Date of birth\nAnn Lee,25/06/1990\nBo Diaz,05/17/1990\nCy Young,1/2/1980\n")
	res, err = s.ImportClients(context.Background(), f.Rows, data.GuessClientMapping(f.Header))
	if err != nil || res.Imported != 2 || !slices.Equal(lines(res.Failed), []int{3}) {
		t.Errorf("got %+v, %v", res, err)
	}
	if c := clientNamed(t, s, "Cy", "Young"); c.DateOfBirth != data.NewDate(1980, 2, 1) {
		t.Errorf("1/2/1980 read as %v, want the 1st of February", c.DateOfBirth)
	}
	f = readCSVString(t, "Name,Date of birth\nDee Ray,1/2/80\n")
	res, _ = s.ImportClients(context.Background(), f.Rows, data.GuessClientMapping(f.Header))
	if len(res.Failed) != 1 || !strings.Contains(res.Failed[0].Message, "two-digit year") {
		t.Errorf("a two-digit year: %+v", res)
	}
}

func TestImportClientsFullNames(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	f := readCSVString(t, "Client\n\"Smith, Anna Maria\"\nJean-Luc de la Tour\nMadonna\n")
	res, err := s.ImportClients(context.Background(), f.Rows, data.GuessClientMapping(f.Header))
	if err != nil || res.Imported != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	clientNamed(t, s, "Anna Maria", "Smith")
	clientNamed(t, s, "Jean-Luc de la", "Tour")
	clientNamed(t, s, "", "Madonna")
}

func TestImportClientsInBatches(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	var b strings.Builder
	b.WriteString("first name,last name,email\n")
	const n = 1203
	for i := range n {
		fmt.Fprintf(&b, "Client,Number %04d,c%d@example.com\n", i, i)
	}
	b.WriteString("Bad,Row,not-an-email\n")
	f := readCSVString(t, b.String())
	res, err := s.ImportClients(context.Background(), f.Rows, data.GuessClientMapping(f.Header))
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != n || !slices.Equal(lines(res.Failed), []int{n + 2}) {
		t.Errorf("imported %d, failed %v", res.Imported, lines(res.Failed))
	}
	if got := len(allClients(t, s)); got != n {
		t.Errorf("%d clients stored, want %d", got, n)
	}

	// A cancelled import stops, keeping what was saved before.
	s2, _ := sqlitetest.OpenStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err = s2.ImportClients(ctx, f.Rows, data.GuessClientMapping(f.Header))
	if !errors.Is(err, context.Canceled) || res.Imported != 0 {
		t.Errorf("cancelled import: %+v, %v", res, err)
	}
}

func TestImportClientsCSV(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	res, m, err := s.ImportClientsCSV(context.Background(), strings.NewReader("Surname;Given name\nLee;Ann\n"))
	if err != nil || res.Imported != 1 || !slices.Equal(m, data.ClientMapping{data.FieldLastName, data.FieldFirstName}) {
		t.Fatalf("%+v %q %v", res, m, err)
	}
	_, _, err = s.ImportClientsCSV(context.Background(), strings.NewReader("Shoe size;Colour\n42;red\n"))
	if err == nil || !strings.Contains(err.Error(), "Shoe size, Colour") {
		t.Errorf("a file with no name column: %v", err)
	}
}
