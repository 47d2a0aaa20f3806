package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/practice/files"
	"needlelog.app/needlelog/report"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
)

// exportKind is one thing "needlelog export" makes.
type exportKind struct {
	name     string
	synopsis string
	about    string
	arg      string // what the positional argument is: "ID", "LOT" or "" for none
	run      func(ctx context.Context, s opened, arg string, o exportOptions) error
	period   bool // takes --from, --to and --practitioner
}

// exportOptions are the flags some kinds take.
type exportOptions struct {
	out            string
	from, to       data.Date
	practitionerID string // "" for everyone
	beyondExpected bool   // insights: count only the side effects beyond the expected ones
	format         string
	passphrase     string // encrypts the file written with it, when not ""
}

// periodFlags are --from, --to and --practitioner, which choose the sessions of a period for
// insights and the exports that take them, read one way for all.
type periodFlags struct{ from, to, practitioner string }

// addPeriodFlags adds --from, --to and --practitioner to fs.
func addPeriodFlags(fs *flag.FlagSet) *periodFlags {
	p := &periodFlags{}
	fs.StringVar(&p.from, "from", "", "first day of sessions to include, YYYY-MM-DD")
	fs.StringVar(&p.to, "to", "", "last day of sessions to include, YYYY-MM-DD")
	fs.StringVar(&p.practitioner, "practitioner", "", "only sessions by this practitioner (name or ID)")
	return p
}

// dates are the first and last days given, both included (zero for no limit), or a sentence
// saying what is wrong with them.
func (p *periodFlags) dates() (from, to data.Date, err error) {
	if from, err = data.ParseTypedDate(p.from); err != nil {
		return from, to, fmt.Errorf("--from: %s", visible(err.Error()))
	}
	if to, err = data.ParseTypedDate(p.to); err != nil {
		return from, to, fmt.Errorf("--to: %s", visible(err.Error()))
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return from, to, errors.New("--to comes before --from")
	}
	return from, to, nil
}

// practitionerID is the ID of the practitioner given, "" when none was; an unknown one is said
// with the practice's practitioners.
func (p *periodFlags) practitionerID(ctx context.Context, s nlstore.Store) (string, error) {
	if p.practitioner == "" {
		return "", nil
	}
	id, err := practitionerID(ctx, s, p.practitioner)
	if err != nil {
		return "", fmt.Errorf("--practitioner: %s", visible(err.Error()))
	}
	return id, nil
}

// writeExport writes the file o.out whole or not at all, never over the practice's own files
// (files.WriteFile), encrypted with o.passphrase when there is one: the bytes are encrypted as
// they are made, so no plain copy of the export is written anywhere, even for a moment.
func writeExport(o exportOptions, practiceDB string, write func(io.Writer) error) error {
	return files.WriteFile(o.out, practiceDB, func(w io.Writer) error {
		if o.passphrase == "" {
			return write(w)
		}
		return practice.EncryptExport(w, o.passphrase, write)
	})
}

// exportPassphraseUsage is the help of export's --passphrase-file.
const exportPassphraseUsage = "encrypt the file written with the passphrase on this file's first line\n" +
	"(age, as encrypted backups; at least 12 characters). -o gains .age unless it ends in .age\n" +
	"already. The receiver opens it in Needlelog (File › Open an encrypted file…) or with\n" +
	"'needlelog decrypt', and that passphrase: tell them it another way than the file"

var exportKinds = []exportKind{
	{"session", "--db PATH -o FILE.pdf SESSION_ID",
		"Writes a session's record as a PDF: clinic header, client, practitioner, every field of the session,\n" +
			"its zone grid, lots, side effects, aftercare, its before and after photos and whether it is signed.",
		"ID", exportPDF(report.SessionPDF), false},
	{"client", "--db PATH -o FILE.pdf CLIENT_ID",
		"Writes a client's history as a PDF: profile, every session in order with its settings, the side\n" +
			"effects, and before-and-after pairs for each view.",
		"ID", exportPDF(report.HistoryPDF), false},
	{"aftercare", "--db PATH -o FILE.pdf SESSION_ID",
		"Writes the aftercare sheet to hand the client after a session: what to avoid and what to do in the\n" +
			"first week, the downtime to expect from the session's deepest setting, and the next session's date.",
		"ID", exportPDF(report.AftercarePDF), false},
	{"recall", "--db PATH -o FILE.pdf LOT",
		"Writes a lot recall report as a PDF: every client and session that used the cartridge, anaesthetic\n" +
			"or product lot LOT (matched whole, in any letter case).",
		"LOT", exportPDF(report.RecallPDF), false},
	{"sheets", "--db PATH [--from DATE] [--to DATE] [--practitioner NAME] -o FILE.xlsx|FILE.zip|FOLDER",
		"Writes the records as spreadsheets: an XLSX workbook with a sheet per table (sessions, zones, products\n" +
			"applied, side effects, results, clients) when -o ends in .xlsx, or one CSV file per table, into one\n" +
			"zip when -o ends in .zip, or else into the folder -o, which gains files but never has one replaced.\n" +
			"Dates are dates and numbers numbers; text that would start a formula is kept as text. --from and --to\n" +
			"(YYYY-MM-DD, both included) and --practitioner choose the sessions.",
		"", exportSheets, true},
	{"insights", "--db PATH [--from DATE] [--to DATE] [--practitioner NAME] [--beyond-expected] -o FILE.pdf",
		"Writes the practice report as a PDF: the period's headline figures, its safety signals first when\n" +
			"there are any, then sessions and revenue per month, the side-effect rate by depth band, zone,\n" +
			"product, Fitzpatrick type, practitioner, device and lot, days to resolution by kind of side effect\n" +
			"and results (GAIS) by concern and depth band, each as a chart and its table. A session counts by the\n" +
			"day it started (--from and --to, YYYY-MM-DD, both included); --practitioner chooses one's sessions;\n" +
			"with --beyond-expected, only side effects beyond the expected ones (as the practice's list files them) count.",
		"", exportInsights, true},
	{"archive", "--db PATH -o FILE.zip",
		"Writes a complete archive in open formats: a checked copy of the database, a CSV file per table,\n" +
			"every photo as a JPEG without metadata, a history PDF per client, a manifest with every file's\n" +
			"SHA-256, and a README saying what each file is.",
		"", func(ctx context.Context, s opened, _ string, o exportOptions) error {
			src := practice.ArchiveOf(s)
			return writeExport(o, practicePath(s), func(w io.Writer) error { return report.WriteArchive(ctx, w, src, nil) })
		}, false},
}

// exportInsights writes the practice report of the period chosen.
func exportInsights(ctx context.Context, s opened, _ string, o exportOptions) error {
	q := insights.Query{From: o.from, To: o.to, PractitionerID: o.practitionerID, BeyondExpected: o.beyondExpected}
	return writeExport(o, practicePath(s), func(w io.Writer) error { return report.InsightsPDF(ctx, s, q, w) })
}

// exportPDF adapts a PDF writer to an export kind: the document goes to -o whole or not at all.
func exportPDF(write func(ctx context.Context, s report.Source, arg string, w io.Writer) error) func(context.Context, opened, string, exportOptions) error {
	return func(ctx context.Context, s opened, arg string, o exportOptions) error {
		return writeExport(o, practicePath(s), func(w io.Writer) error { return write(ctx, s, arg, w) })
	}
}

// practicePath is the practice's database file, which no export may write over; "" on the
// clinic's server, which has none on this PC.
func practicePath(s opened) string {
	if f, ok := s.(*sqlite.Store); ok {
		return f.Path()
	}
	return ""
}

func exportSheets(ctx context.Context, s opened, _ string, o exportOptions) error {
	q := nlstore.ExportQuery{From: o.from, To: o.to, PractitionerID: o.practitionerID}
	switch o.format {
	case "xlsx":
		return writeExport(o, practicePath(s), func(w io.Writer) error { return report.WriteSheets(ctx, w, s, q) })
	case "zip":
		return writeExport(o, practicePath(s), func(w io.Writer) error { return report.WriteCSVZip(ctx, w, s, q) })
	}
	return report.WriteCSVFolder(ctx, o.out, practicePath(s), s, q)
}

// practitionerID finds a practitioner by ID or by name, ignoring letter case.
func practitionerID(ctx context.Context, s nlstore.Store, nameOrID string) (string, error) {
	ps, err := s.Practitioners(ctx, true)
	if err != nil {
		return "", err
	}
	var names []string
	for _, p := range ps {
		if p.ID == nameOrID || strings.EqualFold(p.Name, strings.TrimSpace(nameOrID)) {
			return p.ID, nil
		}
		names = append(names, p.Name)
	}
	return "", fmt.Errorf("no practitioner is called %q (the practice has: %s)", nameOrID, strings.Join(names, ", "))
}

func runExport(ctx context.Context, args []string, out, errOut io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		var help strings.Builder
		fmt.Fprintf(&help, "Usage: %s export KIND --db PATH -o PATH [...]\n\nKinds:\n", prog)
		for _, k := range exportKinds {
			fmt.Fprintf(&help, "  %-10s %s export %s %s\n", k.name, prog, k.name, k.synopsis)
		}
		fmt.Fprintln(&help, "\nWith --passphrase-file FILE, any kind is encrypted with the passphrase on that file's first line\n"+
			"(age, as encrypted backups) and written with .age added to its name. The receiver opens it in\n"+
			"Needlelog with File › Open an encrypted file…, or with 'needlelog decrypt --passphrase-file FILE\n"+
			"-o OUT IN.age', and the passphrase, which is best told them another way than the file: by phone,\n"+
			"not in the same email.")
		fmt.Fprintf(&help, "\nRun '%s export KIND -h' for what each writes.\n", prog)
		io.WriteString(errOut, fitHelp(help.String())) //nolint:errcheck // help on a closed terminal is no loss
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	i := -1
	for j, k := range exportKinds {
		if k.name == args[0] {
			i = j
		}
	}
	if i < 0 {
		fmt.Fprintf(errOut, "needlelog export: cannot export %q; run 'needlelog export -h' for what there is\n", args[0])
		return 2
	}
	return runExportKind(ctx, exportKinds[i], args[1:], out, errOut)
}

// beyondExpectedUsage says what --beyond-expected does, for every command that takes it.
const beyondExpectedUsage = "count only the side effects beyond the expected ones (the kinds the practice's\n" +
	"list of side effects files as expected, usually gone within 72 hours, are left out)"

func runExportKind(ctx context.Context, k exportKind, args []string, out, errOut io.Writer) int {
	name := "export " + k.name
	fs := newFlags(name, k.synopsis, k.about, errOut)
	db := fs.String("db", "", "path of the database file (it must exist)")
	var o exportOptions
	fs.StringVar(&o.out, "o", "", "where to write (replaced whole once complete; never left half-written; never the practice's\nown files or another database; a name ending in .age needs --passphrase-file)")
	passFile := fs.String("passphrase-file", "", exportPassphraseUsage)
	period := &periodFlags{}
	if k.period {
		period = addPeriodFlags(fs)
	}
	if k.name == "insights" {
		fs.BoolVar(&o.beyondExpected, "beyond-expected", false, beyondExpectedUsage)
	}
	if k.name == "sheets" {
		fs.StringVar(&o.format, "format", "", "xlsx or csv (default: from -o: FILE.xlsx, FILE.zip of CSV files, or a FOLDER of them)")
	}
	positional, code, ok := parseWithDB(fs, args, db, errOut)
	if !ok {
		return code
	}
	usageErr := usageError(errOut, name)
	switch {
	case o.out == "":
		return usageErr("-o PATH is required: where to write")
	case k.arg != "" && len(positional) != 1:
		return usageErr("give one %s (see 'needlelog export %s -h')", k.arg, k.name)
	case k.arg == "" && len(positional) > 0:
		return usageErr("takes no %q", positional[0])
	}
	// Encrypted, the file is named as it is: with .age.
	named := o.out // the name the format is read from
	switch {
	case *passFile == "" && practice.HasEncryptedSuffix(o.out):
		return usageErr("%s ends in .age, the name of an encrypted file: give --passphrase-file FILE to encrypt it, or another name", quote(o.out))
	case *passFile != "" && practice.HasEncryptedSuffix(o.out):
		named = o.out[:len(o.out)-len(practice.EncryptedExportSuffix)]
	case *passFile != "":
		o.out += practice.EncryptedExportSuffix
	}
	if k.name == "sheets" {
		// The format follows -o unless given: a .xlsx file, a .zip of CSV files, or a folder of them.
		ext := strings.ToLower(filepath.Ext(named))
		switch {
		case o.format == "" && ext == ".xlsx", o.format == "xlsx" && ext == ".xlsx":
			o.format = "xlsx"
		case o.format == "xlsx":
			return usageErr("an XLSX workbook goes in a file named .xlsx, not %s", quote(named))
		case o.format != "" && o.format != "csv":
			return usageErr("--format must be xlsx or csv")
		case ext == ".zip":
			o.format = "zip"
		case ext != "":
			return usageErr("CSV files go into a folder or a .zip file, not %s", quote(named))
		case *passFile != "":
			return usageErr("an encrypted export is one file: CSV files go into a .zip file then, such as -o %s",
				quote(named+".zip"+practice.EncryptedExportSuffix))
		default:
			o.format = "csv"
		}
	}
	if *passFile != "" {
		pass, err := readPassphrase(*passFile)
		if err != nil {
			return usageErr("%s", visible(err.Error()))
		}
		o.passphrase = pass
	}
	var err error
	if o.from, o.to, err = period.dates(); err != nil {
		return usageErr("%s", err)
	}
	arg := ""
	if k.arg != "" {
		arg = positional[0]
	}
	s, release, err := openToExport(ctx, *db)
	if err != nil {
		return failToWrite(errOut, name, *db, "export from the app's Export menu. Nothing was written", err)
	}
	defer release()
	if o.practitionerID, err = period.practitionerID(ctx, s); err != nil {
		return fail(errOut, name, err)
	}
	err = k.run(ctx, s, arg, o)
	if err == nil && (k.name == "sheets" || k.name == "archive") { // the PDFs log themselves
		err = report.LoggedExport(ctx, s, k.name, "", nil)
	}
	if err != nil {
		if errors.Is(err, data.ErrNotFound) {
			return fail(errOut, name, fmt.Errorf("%s: no such record in %s", quote(arg), quote(*db)))
		}
		return fail(errOut, name, err)
	}
	if o.passphrase != "" {
		fmt.Fprintf(out, "wrote %s, encrypted with the passphrase\n", quote(o.out))
		return 0
	}
	fmt.Fprintf(out, "wrote %s\n", quote(o.out))
	return 0
}
