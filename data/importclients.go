package data

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	unicode16 "golang.org/x/text/encoding/unicode"
)

// ClientField is a client detail that a CSV column can hold.
type ClientField string

const (
	FieldIgnore       ClientField = ""
	FieldFirstName    ClientField = "first_name"
	FieldLastName     ClientField = "last_name"
	FieldFullName     ClientField = "full_name" // "Anna Maria Smith" or "Smith, Anna Maria"
	FieldDateOfBirth  ClientField = "date_of_birth"
	FieldPhone        ClientField = "phone"
	FieldEmail        ClientField = "email"
	FieldFitzpatrick  ClientField = "fitzpatrick"
	FieldConcerns     ClientField = "concerns"
	FieldMedications  ClientField = "medications"
	FieldAllergies    ClientField = "allergies"
	FieldMedicalNotes ClientField = "medical_notes"
	FieldNotes        ClientField = "notes"
)

// ClientFields lists the fields a column can be mapped to, in the order a mapping step offers them.
var ClientFields = []ClientField{FieldFirstName, FieldLastName, FieldFullName, FieldDateOfBirth, FieldPhone,
	FieldEmail, FieldFitzpatrick, FieldConcerns, FieldMedications, FieldAllergies, FieldMedicalNotes, FieldNotes}

var clientFieldLabels = map[ClientField]string{
	FieldIgnore: "(not imported)", FieldFirstName: "First name", FieldLastName: "Last name",
	FieldFullName: "Full name", FieldDateOfBirth: "Date of birth", FieldPhone: "Phone", FieldEmail: "Email",
	FieldFitzpatrick: "Fitzpatrick skin type", FieldConcerns: "Concerns", FieldMedications: "Medications",
	FieldAllergies: "Allergies", FieldMedicalNotes: "Medical notes", FieldNotes: "Notes",
}

// Label is the field's name for people: "Date of birth".
func (f ClientField) Label() string {
	if l, ok := clientFieldLabels[f]; ok {
		return l
	}
	return string(f)
}

// multiColumn reports whether several columns may feed the field: their values are put together.
func (f ClientField) multiColumn() bool {
	switch f {
	case FieldConcerns, FieldMedications, FieldAllergies, FieldMedicalNotes, FieldNotes:
		return true
	}
	return false
}

// ClientCSV is a CSV file of clients as read: its header and its rows.
type ClientCSV struct {
	Header []string
	Rows   []CSVRow
	Comma  rune // the separator found: ',', ';' or '\t'
}

// CSVRow is one record of a CSV file, with the line of the file it starts on (the header's is 1,
// unless blank lines come before it).
type CSVRow struct {
	Line   int
	Fields []string
}

// MaxClientCSVBytes is the largest client file read: some hundred thousand clients.
const MaxClientCSVBytes = 32 << 20

// ReadClientCSV reads a CSV file of clients (see the package's note above on what it accepts).
// The text may be UTF-8 (with or without a byte-order mark), UTF-16 (with or without one, as
// Excel's "Unicode text" is) or Windows-1252 (Excel's "CSV" on Windows), and its lines may end in
// CR LF, LF or CR alone (Excel's "Macintosh CSV"). A value in quotes may hold the separator and
// line breaks (an address over several lines); a quote that is never closed, or one that takes in
// the lines after it so that its row no longer has the header's columns, or takes in a line that
// holds a row's worth of separators (a row of its own, which would vanish into the value), stops
// the reading with the line where the quote opened, since every row after it would be read wrong. A file with a
// header but no rows under it is refused too.
func ReadClientCSV(r io.Reader) (ClientCSV, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxClientCSVBytes+1))
	if err != nil {
		return ClientCSV{}, fmt.Errorf("read the file: %w", err)
	}
	if len(b) > MaxClientCSVBytes {
		return ClientCSV{}, fmt.Errorf("the file is larger than %d MB: split it and import the parts", MaxClientCSVBytes>>20)
	}
	text, err := decodeCSVText(b)
	if err != nil {
		return ClientCSV{}, err
	}
	out := ClientCSV{Comma: detectComma(text)}
	p := csvParser{s: text, comma: byte(out.Comma), line: 1, rowSeps: -1}
	rows := 0
	for !p.done() {
		rec, start, spanned, err := p.record()
		if err != nil {
			return ClientCSV{}, err
		}
		if rec == nil {
			continue // an empty line
		}
		if out.Header == nil {
			if spanned != 0 {
				return ClientCSV{}, fmt.Errorf("line %d: a quote opens a column name that runs on over the lines after it: "+
					"the header row must be one line; fix the quotes and import the file again", spanned)
			}
			out.Header = make([]string, len(rec))
			for i, h := range rec {
				out.Header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
			}
			p.rowSeps = len(rec) - 1
			continue
		}
		if spanned != 0 && !fitsHeader(rec, len(out.Header)) {
			return ClientCSV{}, runawayQuote(spanned, p.last)
		}
		out.Rows = append(out.Rows, CSVRow{Line: start, Fields: rec})
		if !blankRow(rec) {
			rows++
		}
	}
	if out.Header == nil {
		return ClientCSV{}, errors.New("the file is empty: it needs a header row naming its columns, then a row per client")
	}
	if rows == 0 {
		return ClientCSV{}, errors.New("the file has no clients in it, only its header row: nothing was imported; " +
			"check that it is the right file, with a row per client under the header")
	}
	return out, nil
}

// runawayQuote is a quote that takes in the lines after it: every row after it would be read wrong.
func runawayQuote(opened, upTo int) error {
	return fmt.Errorf("line %d: a quote opens a value there that takes in the lines after it, up to line %d: "+
		"a quote is missing or one too many on line %d; nothing was imported: fix the file and import it again",
		opened, upTo, opened)
}

// swallowedRows is a quoted value over several lines that took in a line reading as a row of its
// own: the rows it took in would be lost inside one client's value.
func swallowedRows(opened, closed, row, columns int) error {
	return fmt.Errorf("line %d: a quote opens a value there that runs on to line %d, where it closes, and takes in line %d, "+
		"which reads as a row of its own (it has the header's %d columns): a quote is missing or one too many on line %d "+
		"or line %d; nothing was imported: fix the file and import it again", opened, closed, row, columns, opened, closed)
}

// fitsHeader reports whether a row has the header's columns: as many values, or more when the
// ones beyond are empty (as spreadsheets write trailing separators).
func fitsHeader(rec []string, columns int) bool {
	if len(rec) < columns {
		return false
	}
	return blankRow(rec[columns:])
}

func blankRow(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodeCSVText finds the file's encoding and returns its text as UTF-8, without a byte-order
// mark: UTF-16 by its mark or, without one, by the zero bytes ASCII has in it; UTF-8 when the
// bytes are valid UTF-8; Windows-1252 otherwise. A file that is UTF-8 in places and not in
// others is refused: guessing there would garble one part or the other.
func decodeCSVText(b []byte) (string, error) {
	var enc encoding.Encoding
	switch {
	case bytes.HasPrefix(b, utf8BOM):
		b = b[len(utf8BOM):]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		b, enc = b[2:], unicode16.UTF16(unicode16.LittleEndian, unicode16.IgnoreBOM)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		b, enc = b[2:], unicode16.UTF16(unicode16.BigEndian, unicode16.IgnoreBOM)
	default:
		enc = utf16Unmarked(b)
	}
	if enc == nil {
		if utf8.Valid(b) {
			return string(b), nil
		}
		if bad := firstInvalidUTF8(b); hasMultibyteUTF8(b) {
			return "", fmt.Errorf(`line %d is not UTF-8 text, though other lines are: the file mixes two encodings; `+
				`save it as "CSV UTF-8 (comma delimited)" (Excel) or with the character set UTF-8 (LibreOffice) and import that`,
				lineOf(b, bad))
		}
		enc = charmap.Windows1252
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("read the file's text: %w", err)
	}
	return strings.TrimPrefix(string(out), "\uFEFF"), nil
}

// utf16Unmarked recognises UTF-16 without a byte-order mark: a CSV file is mostly ASCII, whose
// characters are a zero byte and a letter in UTF-16, so most of its even or odd bytes are zero.
func utf16Unmarked(b []byte) encoding.Encoding {
	sample := b[:min(len(b), 4096)&^1]
	if len(sample) < 4 {
		return nil
	}
	var even, odd int
	for i := 0; i < len(sample); i += 2 {
		if sample[i] == 0 {
			even++
		}
		if sample[i+1] == 0 {
			odd++
		}
	}
	pairs := len(sample) / 2
	switch {
	case odd*2 > pairs && even*10 < pairs:
		return unicode16.UTF16(unicode16.LittleEndian, unicode16.IgnoreBOM)
	case even*2 > pairs && odd*10 < pairs:
		return unicode16.UTF16(unicode16.BigEndian, unicode16.IgnoreBOM)
	}
	return nil
}

// hasMultibyteUTF8 reports whether b holds a character beyond ASCII written as UTF-8.
func hasMultibyteUTF8(b []byte) bool {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError && size > 1 {
			return true
		}
		i += size
	}
	return false
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// lineOf is the line of the file that byte i is on; lines end in LF, CR LF or CR.
func lineOf(b []byte, i int) int {
	line := 1
	for j := 0; j < i && j < len(b); j++ {
		if b[j] == '\n' || (b[j] == '\r' && (j+1 >= len(b) || b[j+1] != '\n')) {
			line++
		}
	}
	return line
}

// csvParser reads records of CSV text as RFC 4180 has them, with two allowances for files that
// people and other programs write: a quote inside a value that does not start with one is text
// (O"Brien), and so is text after a value's closing quote ("Bunny" Smith reads Bunny Smith).
// Line breaks are LF, CR LF or CR alone; inside quotes each is read as LF.
type csvParser struct {
	s     string
	i     int
	comma byte
	line  int // the line at i
	last  int // the line the record last read ends on
	// rowSeps is the number of separators a row has (the header's), once the header is read; -1
	// before. A line taken into a quoted value that holds as many is a row of its own.
	rowSeps int
}

func (p *csvParser) done() bool { return p.i >= len(p.s) }

// lineEnd consumes a line break at i, if there is one.
func (p *csvParser) lineEnd() bool {
	switch {
	case p.i < len(p.s) && p.s[p.i] == '\n':
		p.i++
	case p.i < len(p.s) && p.s[p.i] == '\r':
		p.i++
		if p.i < len(p.s) && p.s[p.i] == '\n' {
			p.i++
		}
	default:
		return false
	}
	p.line++
	return true
}

// record reads one record from i: its values (nil for an empty line), the line it starts on and,
// when a quoted value in it runs over a line break, the line of that value's opening quote. Such a
// value that ends with its quote in mid-text took in the lines after it by mistake: an error.
func (p *csvParser) record() (rec []string, start, spanned int, err error) {
	start = p.line
	if p.lineEnd() {
		return nil, start, 0, nil
	}
	for {
		var b strings.Builder
		if p.i < len(p.s) && p.s[p.i] == '"' {
			opened, multiLine := p.line, false
			// The separators on the line the value has taken in last, and the first such line
			// that holds a row's worth of them.
			seps, rowLike := 0, 0
			endLine := func() {
				if multiLine && p.rowSeps >= 0 && seps >= p.rowSeps && rowLike == 0 {
					rowLike = p.line
				}
				seps = 0
			}
			p.i++
		quoted:
			for {
				if p.i >= len(p.s) {
					return nil, start, 0, fmt.Errorf("line %d: a quote opens a value there and is never closed, so every "+
						"line after it would be read as part of that one value: nothing was imported; remove the quote "+
						"or close it, and import the file again", opened)
				}
				switch c := p.s[p.i]; c {
				case '"':
					p.i++
					if p.i < len(p.s) && p.s[p.i] == '"' {
						b.WriteByte('"')
						p.i++
						continue
					}
					if multiLine && p.i < len(p.s) && p.s[p.i] != p.comma && p.s[p.i] != '\n' && p.s[p.i] != '\r' {
						// A value over several lines ends where Excel ends one, before a separator or a
						// line's end; a quote in mid-text is the opening quote of a later value.
						return nil, start, 0, runawayQuote(opened, p.line)
					}
					if endLine(); rowLike != 0 {
						return nil, start, 0, swallowedRows(opened, p.line, rowLike, p.rowSeps+1)
					}
					break quoted
				case '\n', '\r':
					endLine()
					p.lineEnd()
					b.WriteByte('\n')
					multiLine = true
					if spanned == 0 {
						spanned = opened
					}
				default:
					if c == p.comma {
						seps++
					}
					b.WriteByte(c)
					p.i++
				}
			}
		}
		// Unquoted text, or text after a closing quote, runs to the separator or the line's end.
		for p.i < len(p.s) && p.s[p.i] != p.comma && p.s[p.i] != '\n' && p.s[p.i] != '\r' {
			b.WriteByte(p.s[p.i])
			p.i++
		}
		rec = append(rec, b.String())
		if p.i < len(p.s) && p.s[p.i] == p.comma {
			p.i++
			continue
		}
		p.last = p.line
		p.lineEnd()
		return rec, start, spanned, nil
	}
}

// detectComma finds the separator of a CSV file from its first line: whichever of comma,
// semicolon and tab occurs most outside quotes; a comma when none does.
func detectComma(s string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '\n' || r == '\r':
			if counts[','] > 0 || counts[';'] > 0 || counts['\t'] > 0 {
				goto done
			}
		case r == ',' || r == ';' || r == '\t':
			counts[r]++
		}
	}
done:
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// ClientMapping says which field each CSV column holds, one entry per column of the header;
// FieldIgnore leaves a column out.
type ClientMapping []ClientField

// headerAliases are header names (folded: lower case, no accents, letters and digits only) and
// the field each names, in English, German, French, Spanish, Italian, Dutch and Portuguese.
var headerAliases = map[string]ClientField{}

func init() {
	for f, names := range map[ClientField][]string{
		FieldFirstName: {"firstname", "first", "firstnames", "givenname", "givennames", "forename", "forenames",
			"christianname", "vorname", "vornamen", "prenom", "prenoms", "nombre", "nombres", "nome", "primonome",
			"voornaam", "voornamen", "primeironome", "clientfirstname", "patientfirstname", "fname"},
		FieldLastName: {"lastname", "last", "surname", "familyname", "nachname", "familienname", "zuname", "nom",
			"nomdefamille", "apellido", "apellidos", "cognome", "achternaam", "familienaam", "sobrenome", "apelido",
			"clientlastname", "patientlastname", "lname"},
		FieldFullName: {"fullname", "name", "clientname", "patientname", "customername", "client", "patient",
			"customer", "contact", "contactname", "nameandsurname", "firstandlastname", "vollstandigername",
			"nomcomplet", "nombrecompleto", "nomecompleto", "volledigenaam", "naam"},
		FieldDateOfBirth: {"dateofbirth", "dob", "birthdate", "birthday", "born", "birth", "dateofbirthddmmyyyy",
			"geburtsdatum", "geburtstag", "gebdatum", "datedenaissance", "naissance", "nele", "fechadenacimiento",
			"nacimiento", "datadinascita", "datanascita", "geboortedatum", "datadenascimento", "nascimento"},
		FieldPhone: {"phone", "phonenumber", "telephone", "telephonenumber", "tel", "telno", "mobile", "mobilephone",
			"mobilenumber", "mobileno", "mob", "cell", "cellphone", "cellular", "contactnumber", "handy",
			"handynummer", "telefon", "telefonnummer", "mobil", "mobiltelefon", "mobilnummer", "portable", "telportable",
			"numerodetelephone", "telefono", "movil", "celular", "cellulare", "telefoon", "telefoonnummer", "mobiel",
			"gsm", "telemovel"},
		FieldEmail: {"email", "emailaddress", "mail", "emailadresse", "mailadresse", "adresseemail", "adressemail",
			"courriel", "correo", "correoelectronico", "posta", "postaelettronica", "emailadres"},
		FieldFitzpatrick: {"fitzpatrick", "fitzpatrickskintype", "fitzpatricktype", "skintype", "phototype",
			"hauttyp", "phototypecutane", "fototipo", "huidtype"},
		FieldConcerns: {"concerns", "concern", "skinconcerns", "treatmentgoals", "goals", "anliegen",
			"preoccupations", "motivodeconsulta", "problematiche"},
		FieldMedications: {"medications", "medication", "medicines", "medicine", "currentmedications", "drugs",
			"medikamente", "medikation", "medicaments", "traitements", "medicamentos", "medicinali", "farmaci",
			"medicijnen", "medicatie"},
		FieldAllergies: {"allergies", "allergy", "knownallergies", "allergien", "allergie", "alergias", "alergia",
			"allergieen", "allergieën"},
		FieldMedicalNotes: {"medicalhistory", "medicalnotes", "medicalconditions", "conditions", "healthnotes",
			"health", "anamnese", "anamnesis", "vorerkrankungen", "antecedents", "antecedentsmedicaux",
			"historialmedico", "anamnesi", "medischegeschiedenis", "historicomedico"},
		FieldNotes: {"notes", "note", "comments", "comment", "remarks", "remark", "memo", "info", "bemerkung",
			"bemerkungen", "notiz", "notizen", "kommentar", "anmerkungen", "remarques", "remarque", "commentaire",
			"commentaires", "notas", "nota", "observaciones", "osservazioni", "opmerkingen", "opmerking",
			"observacoes"},
	} {
		for _, n := range names {
			headerAliases[foldHeader(n)] = f
		}
	}
}

// headerContains are words that name a field when a header only contains them ("Mobile (private)",
// "E-mail address of client"), tried in this order after every exact name.
var headerContains = []struct {
	word  string
	field ClientField
}{
	{"firstname", FieldFirstName}, {"vorname", FieldFirstName}, {"prenom", FieldFirstName}, {"givenname", FieldFirstName},
	{"lastname", FieldLastName}, {"surname", FieldLastName}, {"nachname", FieldLastName}, {"familyname", FieldLastName},
	{"birth", FieldDateOfBirth}, {"geburt", FieldDateOfBirth}, {"naissance", FieldDateOfBirth}, {"nacimiento", FieldDateOfBirth},
	{"email", FieldEmail},
	{"phone", FieldPhone}, {"mobile", FieldPhone}, {"telef", FieldPhone}, {"handy", FieldPhone},
	{"fitzpatrick", FieldFitzpatrick}, {"skintype", FieldFitzpatrick},
	{"allerg", FieldAllergies}, {"medication", FieldMedications}, {"medikament", FieldMedications},
	{"history", FieldMedicalNotes}, {"anamne", FieldMedicalNotes},
	{"note", FieldNotes}, {"comment", FieldNotes}, {"remark", FieldNotes}, {"bemerkung", FieldNotes},
}

// headerNot are words that keep a header from being guessed as a field by what it contains: a
// place of birth is not a date of birth, nor a fax number a phone.
var headerNot = map[ClientField][]string{
	FieldDateOfBirth: {"place", "country", "city", "town", "ort", "lieu", "lugar", "luogo", "land", "name"},
	FieldPhone:       {"fax"},
	FieldEmail:       {"consent", "optin", "newsletter"},
}

// foldHeader folds a header name for matching: lower case, no accents, letters and digits only.
func foldHeader(s string) string {
	var b strings.Builder
	for _, r := range Fold(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// GuessClientMapping proposes a mapping from a CSV header's names: exact names first ("First
// name", "Vorname", "Prénom", "Surname", "Mobile", "E-mail"...), then names that contain one
// ("Mobile (private)"). A field that takes one column is given to the first column naming it.
// A column named just "Name" is the last name when another column holds the first name, and the
// full name otherwise.
func GuessClientMapping(header []string) ClientMapping {
	m := make(ClientMapping, len(header))
	taken := map[ClientField]bool{}
	assign := func(i int, f ClientField) {
		if m[i] != FieldIgnore || (taken[f] && !f.multiColumn()) {
			return
		}
		m[i], taken[f] = f, true
	}
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = foldHeader(h)
	}
	for i, n := range names {
		if f, ok := headerAliases[n]; ok && f != FieldFullName {
			assign(i, f)
		}
	}
	for _, c := range headerContains {
		for i, n := range names {
			if n == "" || !strings.Contains(n, c.word) || slices.ContainsFunc(headerNot[c.field], func(w string) bool {
				return strings.Contains(n, w)
			}) {
				continue
			}
			if _, exact := headerAliases[n]; !exact {
				assign(i, c.field)
			}
		}
	}
	for i, n := range names {
		if headerAliases[n] != FieldFullName || m[i] != FieldIgnore {
			continue
		}
		switch {
		case taken[FieldFirstName] && !taken[FieldLastName]:
			assign(i, FieldLastName)
		case !taken[FieldFirstName] && !taken[FieldLastName]:
			assign(i, FieldFullName)
		}
	}
	return m
}

// Validate checks that the mapping can import clients: it names the client, and gives a field
// that takes one column no more than one.
func (m ClientMapping) Validate() error {
	count := map[ClientField]int{}
	for _, f := range m {
		if f != FieldIgnore && !slices.Contains(ClientFields, f) {
			return fmt.Errorf("%q is not a client field", f)
		}
		count[f]++
	}
	for _, f := range ClientFields {
		if count[f] > 1 && !f.multiColumn() {
			return fmt.Errorf("%s is chosen for %d columns: choose it for one", f.Label(), count[f])
		}
	}
	switch {
	case count[FieldFirstName] == 0 && count[FieldLastName] == 0 && count[FieldFullName] == 0:
		return errors.New("choose the column with the client's name (first name, last name or full name)")
	case count[FieldFullName] > 0 && (count[FieldFirstName] > 0 || count[FieldLastName] > 0):
		return errors.New("choose either a full name column or first and last name columns, not both")
	}
	return nil
}

// LineError is a row of a file that was not imported, and why.
type LineError struct {
	Line    int // the file's line the row starts on; the header is line 1
	Message string
}

func (e LineError) String() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// ClientImportResult is what an import did with each row.
type ClientImportResult struct {
	Imported int
	Skipped  int // rows of clients already in the practice, or earlier in the file
	Blank    int // rows with no value at all, such as a spreadsheet's trailing empty rows
	// Read is the rows read, blank ones aside: Imported + Skipped + len(Failed) once the import ran
	// to the end.
	Read       int
	Duplicates []LineError // the skipped rows, each naming the client it matched
	Failed     []LineError // rows not imported: a value that cannot be read or is not valid
	// Started is whether the rows were being imported: false when the file or its columns were
	// refused before any row was.
	Started bool
	// StoppedAt is, when the import stopped before the end (cancelled, or the practice stayed
	// busy), the line from which on no row was imported; the rows before it were dealt with.
	StoppedAt int
}

// ClientFromRow reads a row into a client. blank reports a row with no value at all; msg says
// what cannot be read.
func ClientFromRow(fields []string, m ClientMapping) (c Client, blank bool, msg string) {
	blank = true
	for _, v := range fields {
		if strings.TrimSpace(v) != "" {
			blank = false
			break
		}
	}
	if blank {
		return Client{}, true, ""
	}
	if len(fields) > len(m) {
		for _, v := range fields[len(m):] {
			if strings.TrimSpace(v) != "" {
				return Client{}, false, fmt.Sprintf("the row has %d values but the header names %d columns: "+
					"a value holding the separator needs quotes around it", len(fields), len(m))
			}
		}
	}
	var problems []string
	join := func(dst *string, v, sep string) {
		if *dst != "" {
			*dst += sep
		}
		*dst += v
	}
	for i, f := range m {
		if i >= len(fields) || f == FieldIgnore {
			continue
		}
		v := unprefix(strings.TrimSpace(fields[i]))
		if v == "" {
			continue
		}
		if strings.ContainsAny(v, "\r\n") && (f == FieldFirstName || f == FieldLastName || f == FieldFullName) {
			// A name over several lines is a quote out of place, not a name.
			problems = append(problems, f.Label()+" runs over more than one line: check the quotes around it.")
			continue
		}
		switch f {
		case FieldFirstName:
			c.FirstName = oneLine(v)
		case FieldLastName:
			c.LastName = oneLine(v)
		case FieldFullName:
			c.FirstName, c.LastName = splitFullName(oneLine(v))
		case FieldDateOfBirth:
			d, err := parseImportDate(v)
			if err != nil {
				problems = append(problems, "Date of birth: "+err.Error())
			}
			c.DateOfBirth = d
		case FieldPhone:
			c.Phone = oneLine(v)
		case FieldEmail:
			c.Email = oneLine(v)
		case FieldFitzpatrick:
			n, err := parseFitzpatrick(v)
			if err != nil {
				problems = append(problems, err.Error())
			}
			c.Fitzpatrick = n
		case FieldConcerns:
			c.Concerns = append(c.Concerns, splitList(v)...)
		case FieldAllergies:
			c.Allergies = append(c.Allergies, splitList(v)...)
		case FieldMedications:
			join(&c.Medications, multiLine(v), "\n")
		case FieldMedicalNotes:
			join(&c.MedicalNotes, multiLine(v), "\n")
		case FieldNotes:
			join(&c.Notes, multiLine(v), "\n")
		}
	}
	if len(problems) > 0 {
		return Client{}, false, strings.Join(problems, " ")
	}
	return c, false, ""
}

// unprefix removes the ' that CSV exports put before text a spreadsheet would run as a formula.
func unprefix(v string) string {
	if len(v) >= 2 && v[0] == '\'' && strings.IndexByte("=+-@\t\r", v[1]) >= 0 {
		return v[1:]
	}
	return v
}

// oneLine makes a value fit one line: control characters and line breaks become spaces.
func oneLine(v string) string {
	return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

// multiLine keeps line breaks and tabs but drops other control characters.
func multiLine(v string) string {
	v = strings.ReplaceAll(v, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, v)
}

// splitFullName reads "Last, First" or "First Middle Last".
func splitFullName(v string) (first, last string) {
	if l, f, ok := strings.Cut(v, ","); ok {
		return strings.TrimSpace(f), strings.TrimSpace(l)
	}
	if i := strings.LastIndexByte(v, ' '); i >= 0 {
		return v[:i], v[i+1:]
	}
	return "", v
}

// splitList reads a list separated by commas, semicolons, vertical bars or new lines.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '|' || r == '\n' || r == '\r' }) {
		if s = oneLine(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

var romanTypes = map[string]int{"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}

// parseFitzpatrick reads a skin type: "III", "3", "Type III", "type 3".
func parseFitzpatrick(v string) (int, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	s = strings.TrimSpace(strings.TrimPrefix(s, "type"))
	if n, ok := romanTypes[s]; ok {
		return n, nil
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= 6 {
		return n, nil
	}
	return 0, fmt.Errorf("Fitzpatrick skin type %q is not I to VI (or 1 to 6).", v)
}

// parseImportDate reads a date of birth as ImportClients describes.
func parseImportDate(v string) (Date, error) {
	s := strings.TrimSpace(v)
	// A date with a time after it, as databases and spreadsheets export dates.
	if len(s) > 10 && (s[10] == ' ' || s[10] == 'T') {
		if d, err := ParseDateIn(s[:10], DayMonthYear); err == nil {
			return d, nil
		}
	}
	if d, err := ParseDateIn(s, DayMonthYear); err == nil { // an import's numbers are day first
		return d, nil
	}
	if _, _, year, ok := splitDayFirst(s); ok && year < 1000 {
		return Date{}, fmt.Errorf("%q has a two-digit year: write the year in full (DD/MM/YYYY or YYYY-MM-DD).", v)
	}
	return Date{}, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD or DD/MM/YYYY.", v)
}

// splitDayFirst splits "17/05/1990", "17.05.1990" or "17-05-1990" into its numbers.
func splitDayFirst(s string) (day, month, year int, ok bool) {
	var parts []string
	for _, sep := range []string{"/", ".", "-"} {
		if p := strings.Split(s, sep); len(p) == 3 {
			parts = p
			break
		}
	}
	if parts == nil {
		return 0, 0, 0, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v < 0 || len(strings.TrimSpace(p)) > 4 {
			return 0, 0, 0, false
		}
		n[i] = v
	}
	if len(strings.TrimSpace(parts[0])) > 2 || len(strings.TrimSpace(parts[1])) > 2 {
		return 0, 0, 0, false
	}
	return n[0], n[1], n[2], true
}

// CheckDayFirst refuses a file whose dates of birth are month first: one where some date can only
// be month first (its second number is over 12) and none can only be day first.
func CheckDayFirst(rows []CSVRow, m ClientMapping) error {
	col := slices.Index(m, FieldDateOfBirth)
	if col < 0 {
		return nil
	}
	var monthFirst *CSVRow
	for i := range rows {
		if col >= len(rows[i].Fields) {
			continue
		}
		day, month, _, ok := splitDayFirst(strings.TrimSpace(rows[i].Fields[col]))
		switch {
		case !ok:
		case day > 12 && day <= 31:
			return nil // day first, as expected
		case month > 12 && month <= 31 && monthFirst == nil:
			monthFirst = &rows[i]
		}
	}
	if monthFirst != nil {
		return fmt.Errorf("the dates of birth are written month first (line %d: %q), and Needlelog reads them day first "+
			"(DD/MM/YYYY): nothing was imported; write the dates as YYYY-MM-DD and import the file again",
			monthFirst.Line, strings.TrimSpace(monthFirst.Fields[col]))
	}
	return nil
}
