package data_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
)

func readCSVString(t *testing.T, s string) data.ClientCSV {
	t.Helper()
	f, err := data.ReadClientCSV(strings.NewReader(s))
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	return f
}

func readFixture(t *testing.T, name string) (data.ClientCSV, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "clientcsv", name))
	if err != nil {
		t.Fatal(err)
	}
	return data.ReadClientCSV(strings.NewReader(string(b)))
}

func TestReadClientCSV(t *testing.T) {
	f := readCSVString(t, "\uFEFFVorname;Nachname;Notiz\r\nJürgen;Müller;\"a; b\"\r\n\r\nZoë;Ça;\"two\nlines\"\r\nAnn;Lee;x\r\n")
	if f.Comma != ';' {
		t.Errorf("separator %q, want ;", f.Comma)
	}
	if !slices.Equal(f.Header, []string{"Vorname", "Nachname", "Notiz"}) {
		t.Errorf("header %q: the byte-order mark must not stick to the first name", f.Header)
	}
	if got := []int{f.Rows[0].Line, f.Rows[1].Line, f.Rows[2].Line}; !slices.Equal(got, []int{2, 4, 6}) {
		t.Errorf("rows start on lines %v, want 2, 4 and 6 (a blank line and a note of two lines between)", got)
	}
	if f.Rows[0].Fields[2] != "a; b" || f.Rows[1].Fields[2] != "two\nlines" {
		t.Errorf("quoted fields read as %q and %q", f.Rows[0].Fields[2], f.Rows[1].Fields[2])
	}

	for in, want := range map[string]rune{
		"a,b\n1,2\n":           ',',
		"a;b\n1;2\n":           ';',
		"a\tb\n1\t2\n":         '\t',
		"\"x,y\";b;c\n1;2;3\n": ';',
		"name\nAnn\n":          ',',
	} {
		if got := readCSVString(t, in).Comma; got != want {
			t.Errorf("%q: separator %q, want %q", in, got, want)
		}
	}

	for in, want := range map[string]string{
		"":                          "empty",
		"\xFF\xFEn\x00a\x00":        "no clients in it",
		"name,notes\nZoë,caf\xe9\n": "line 2 is not UTF-8",
	} {
		_, err := data.ReadClientCSV(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error saying %q", in, err, want)
		}
	}
	big := strings.NewReader("name\n" + strings.Repeat("x", data.MaxClientCSVBytes))
	if _, err := data.ReadClientCSV(big); err == nil {
		t.Error("a file over the limit was read")
	}
}

func TestGuessClientMapping(t *testing.T) {
	const (
		ig    = data.FieldIgnore
		first = data.FieldFirstName
		last  = data.FieldLastName
		full  = data.FieldFullName
		dob   = data.FieldDateOfBirth
		phone = data.FieldPhone
		email = data.FieldEmail
		notes = data.FieldNotes
		allg  = data.FieldAllergies
		med   = data.FieldMedicalNotes
		fitz  = data.FieldFitzpatrick
		drugs = data.FieldMedications
	)
	for _, tc := range []struct {
		header []string
		want   data.ClientMapping
	}{
		{[]string{"First name", "Last name", "Date of birth", "Phone", "Email", "Notes"}, data.ClientMapping{first, last, dob, phone, email, notes}},
		{[]string{"ID", "Forename", "Surname", "DOB", "Mobile", "E-mail", "Comments"}, data.ClientMapping{ig, first, last, dob, phone, email, notes}},
		{[]string{"Vorname", "Name", "Geburtsdatum", "Handy", "E-Mail", "Bemerkungen", "Allergien"}, data.ClientMapping{first, last, dob, phone, email, notes, allg}},
		{[]string{"Prénom", "Nom", "Date de naissance", "Téléphone portable", "Courriel", "Allergies"}, data.ClientMapping{first, last, dob, phone, email, allg}},
		{[]string{"Nombre", "Apellidos", "Fecha de nacimiento", "Móvil", "Correo electrónico"}, data.ClientMapping{first, last, dob, phone, email}},
		{[]string{"Name", "Birthday", "Tel.", "Skin type", "Medical history", "Medications"}, data.ClientMapping{full, dob, phone, fitz, med, drugs}},
		{[]string{"Client name", "Mobile (private)", "E-mail address of client", "Place of birth"}, data.ClientMapping{full, phone, email, ig}},
		{[]string{"Phone", "Mobile", "Fax"}, data.ClientMapping{phone, ig, ig}},
		{[]string{"first_name", "last_name", "notes", "medical_notes", "medical_history", "client_id"}, data.ClientMapping{first, last, notes, med, med, ig}},
		{[]string{"Name", "First name", "Last name"}, data.ClientMapping{ig, first, last}},
		{[]string{"", "Geburtsort", "Telefax", "Newsletter e-mail consent"}, data.ClientMapping{ig, ig, ig, ig}},
	} {
		if got := data.GuessClientMapping(tc.header); !slices.Equal(got, tc.want) {
			t.Errorf("%q: guessed %q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestClientMappingValidate(t *testing.T) {
	for _, tc := range []struct {
		m    data.ClientMapping
		want string // in the error; "" when valid
	}{
		{data.ClientMapping{data.FieldFirstName, data.FieldLastName, data.FieldNotes, data.FieldNotes}, ""},
		{data.ClientMapping{data.FieldFullName, data.FieldIgnore}, ""},
		{data.ClientMapping{data.FieldEmail, data.FieldPhone}, "name"},
		{data.ClientMapping{data.FieldLastName, data.FieldPhone, data.FieldPhone}, "Phone is chosen for 2 columns"},
		{data.ClientMapping{data.FieldFullName, data.FieldFirstName}, "not both"},
		{data.ClientMapping{data.FieldLastName, "shoe_size"}, "not a client field"},
	} {
		err := tc.m.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.m, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: got %v, want an error about %q", tc.m, err, tc.want)
		}
	}
}

// strayQuoteCSV is n client rows after a header, with a quote opening the last name on line
// quoteLine and never closed.
func strayQuoteCSV(n, quoteLine int) string {
	var b strings.Builder
	b.WriteString("First name,Last name,Email\r\n")
	for i := 2; i <= n+1; i++ {
		q := ""
		if i == quoteLine {
			q = `"`
		}
		fmt.Fprintf(&b, "Client,%sNumber %04d,c%d@example.com\r\n", q, i, i)
	}
	return b.String()
}

func TestReadClientCSVQuotes(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     string // in the error
	}{
		{"a stray quote in 1,000 rows", strayQuoteCSV(1000, 11), "line 11: a quote opens a value there and is never closed"},
		{"unclosed-quote.csv", "", "line 3: a quote opens a value there and is never closed"},
		{"runaway-quote.csv", "", "line 3: a quote opens a value there that takes in the lines after it, up to line 5"},
		{"a runaway quote making a row too long", "First name,Last name\nAnn,\"Lee\nBob,Jones\",x\n", "line 2: a quote opens"},
		{"a quote opening the header", "\"First name,Last name\nAnn,Lee\n", "line 1: a quote opens"},
	} {
		var err error
		if c.in == "" {
			_, err = readFixture(t, c.name)
		} else {
			_, err = data.ReadClientCSV(strings.NewReader(c.in))
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error saying %q", c.name, err, c.want)
		}
	}

	// Excel quotes an address over several lines: the row has the header's columns.
	f, err := readFixture(t, "multiline-address.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 2 || f.Rows[0].Fields[2] != "12 High Street\nLondon\nSW1A 1AA" || f.Rows[1].Line != 5 {
		t.Fatalf("rows %+v", f.Rows)
	}
}

func TestReadClientCSVLineEndingsAndEncodings(t *testing.T) {
	want := [][]string{{"Jürgen", "Müller"}, {"Zoë", "Brontë"}}
	for _, c := range []struct {
		file  string
		comma rune
		names [][]string
		lines []int
	}{
		{"mac-cr.csv", ',', [][]string{{"Anna", "Smith"}, {"Bob", "Jones"}, {"Carla", "Diaz"}}, []int{2, 4, 5}},
		{"windows-1252.csv", ';', append(slices.Clone(want), []string{"François", "Lefèvre"}), nil},
		{"utf16le-bom.txt", '\t', append(slices.Clone(want), []string{"Łucja", "Wąs"}), nil},
		{"utf16be-bom.txt", '\t', append(slices.Clone(want), []string{"Łucja", "Wąs"}), nil},
		{"utf16le.txt", '\t', append(slices.Clone(want), []string{"Łucja", "Wąs"}), nil},
		{"utf16be.txt", '\t', append(slices.Clone(want), []string{"Łucja", "Wąs"}), nil},
	} {
		f, err := readFixture(t, c.file)
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if f.Comma != c.comma || len(f.Rows) != len(c.names) {
			t.Errorf("%s: separator %q, %d rows: %v", c.file, f.Comma, len(f.Rows), f.Rows)
			continue
		}
		for i, r := range f.Rows {
			line := i + 2
			if c.lines != nil {
				line = c.lines[i]
			}
			if r.Line != line || !slices.Equal(r.Fields[:2], c.names[i]) {
				t.Errorf("%s: row %d on line %d reads %q, want %q on line %d", c.file, i, r.Line, r.Fields, c.names[i], line)
			}
		}
	}
	if f, err := readFixture(t, "mac-cr.csv"); err != nil || len(f.Rows) == 0 || f.Rows[0].Fields[2] != "12 High Street\nLondon" {
		t.Errorf("address on two lines read as %v (%v)", f.Rows, err)
	}
	if f, err := readFixture(t, "windows-1252.csv"); err != nil || len(f.Rows) == 0 || f.Rows[0].Fields[3] != "Preis 50 € bezahlt" {
		t.Errorf("note read as %v (%v)", f.Rows, err)
	}

	// UTF-8 in one line and another encoding in the next cannot be read right either way.
	if _, err := readFixture(t, "mixed-encodings.csv"); err == nil || !strings.Contains(err.Error(), "line 3 is not UTF-8") {
		t.Errorf("mixed encodings: %v", err)
	}
}

func TestReadClientCSVNoRows(t *testing.T) {
	for _, name := range []string{"header-only.csv", "header-and-blank-rows.csv"} {
		if _, err := readFixture(t, name); err == nil || !strings.Contains(err.Error(), "no clients in it") {
			t.Errorf("%s: got %v, want an error saying there are no clients in it", name, err)
		}
	}
}
