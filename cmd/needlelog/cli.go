package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/wording"
)

// command is a headless subcommand: it writes to out and errOut and returns the exit code.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, out, errOut io.Writer) int
}

var commands = []command{
	{"demo", "create a demo practice in a new database file", runDemo},
	{"check", "check a database: integrity, schema version, record counts", runCheck},
	{"clients", "list clients, or those matching a search", runClients},
	{"sessions", "list a client's sessions, newest first", runSessions},
	{"import", "import clients from a CSV file, or photos into a client's record ('import -h')", runImport},
	{"insights", "print side-effect rates by month, depth, zone, product, lot and more", runInsights},
	{"export", "write a PDF, spreadsheets or a complete archive ('export -h')", runExport},
	{"decrypt", "decrypt a file exported with a passphrase (FILE.age) for whoever received it", runDecrypt},
	{"verify", "check the audit log's hash chain and every signed record against its hash", runVerify},
	{"backup", "make a checked backup into a folder, removing old ones (7 daily and 4 weekly kept)", runBackup},
	{"restore", "put a backup in place of a database, keeping the file it replaces", runRestore},
	{"move", "move a practice to another folder, or copy it between a file and the server", runMove},
	{"transfer", "carry records between copies of the practice by an encrypted file ('transfer -h')", runTransfer},
	{"server", "set up the practice on the clinic's PostgreSQL server ('server init -h')", runServer},
}

func findCommand(name string) (command, bool) {
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == name })
	if i < 0 {
		return command{}, false
	}
	return commands[i], true
}

// programName is what the console program is called on goos: on Windows needlelog-cli.exe, as
// Needlelog.exe is the window's, which has no console to print to.
func programName(goos string) string {
	if goos == "windows" {
		return "needlelog-cli"
	}
	return "needlelog"
}

// prog is the console program's name here, as help names it.
var prog = programName(runtime.GOOS)

func usage(w io.Writer) { usageFor(w, runtime.GOOS, defaultPathForHelp()) }

// usageFor writes the general help as it reads on goos, with dbPath as the default database.
func usageFor(w io.Writer, goos, dbPath string) {
	name := programName(goos)
	fmt.Fprintf(w, `Needlelog keeps a microneedling practice's treatment records in a file on this computer, or on
the clinic's PostgreSQL server, which all its PCs share.

Usage:
  %-*s open the desktop app (default database: %s)
  %-*s open it on the practice on the clinic's server
  %-*s work without the desktop
  %-*s print the version

Commands:
`, len(name)+23, name+" [--db PATH]", dbPath, len(name)+23, name+" --db postgres://…", len(name)+23, name+" COMMAND [flags]",
		len(name)+23, name+" --version")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun '%s COMMAND -h', or '%[1]s help COMMAND', for a command's flags.\n", name)
}

func defaultPathForHelp() string {
	p, err := practice.DefaultPath()
	if err != nil {
		return "the user data folder"
	}
	return p
}

// newFlags makes a flag set for a subcommand whose -h prints what it does and how to call it.
func newFlags(name, synopsis, about string, errOut io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		var b strings.Builder
		fmt.Fprintf(&b, "Usage: %s %s %s\n\n%s\n\nFlags:\n", prog, name, synopsis, about)
		fs.SetOutput(&b)
		fs.PrintDefaults()
		fs.SetOutput(errOut)
		io.WriteString(errOut, fitHelp(b.String())) //nolint:errcheck // help on a closed terminal is no loss
	}
	return fs
}

// helpWidth is the widest a line of help may be: a Windows console's default is 120 columns, and
// many terminals open at 100.
const helpWidth = 100

// fitHelp breaks every line of help wider than helpWidth at its last space that fits, continuing
// with the line's own indentation (flag texts, list entries), or under the command after "Usage: ".
func fitHelp(text string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		synopsis := strings.HasPrefix(line, "Usage: ")
		if synopsis {
			indent = strings.Repeat(" ", len("Usage: ")+2)
		} else if name, rest, ok := strings.Cut(line[len(indent):], "  "); ok && !strings.Contains(name, " ") && strings.TrimSpace(rest) != "" {
			// A list entry, "  name   what it is": continued under what it is.
			indent = strings.Repeat(" ", len(line)-len(strings.TrimLeft(rest, " ")))
		}
		for columns(strings.TrimSuffix(line, "\n")) > helpWidth {
			cut := lastSpaceWithin(line, helpWidth)
			if synopsis {
				// A synopsis is broken before an option in brackets, never inside one.
				if i := strings.LastIndex(line[:cut+1], " ["); i > len(indent) {
					cut = i
				}
			}
			if cut <= len(indent) {
				break // one word longer than the line: left whole
			}
			b.WriteString(line[:cut] + "\n")
			line = indent + strings.TrimLeft(line[cut:], " ")
		}
		b.WriteString(line)
	}
	return b.String()
}

// lastSpaceWithin is the byte index of the last space in line before it is max columns wide.
func lastSpaceWithin(line string, max int) int {
	cut := -1
	for i, r := range line {
		if columns(line[:i]) >= max {
			break
		}
		if r == ' ' {
			cut = i
		}
	}
	return cut
}

// columns is how many columns line takes on a terminal, a tab reaching the next multiple of 8.
func columns(line string) int {
	n := 0
	for _, r := range line {
		if r == '\t' {
			n += 8 - n%8
		} else {
			n++
		}
	}
	return n
}

// parse reads flags wherever they stand among the positional arguments, so that both
// "clients --db x anna" and "clients anna --db x" work. It returns the positional arguments,
// or ok=false with the exit code to return.
func parse(fs *flag.FlagSet, args []string) (positional []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, 0, true
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), 0, true
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// fail reports an error as one sentence on errOut and returns the exit code for it.
func fail(errOut io.Writer, cmd string, err error) int {
	if errors.Is(err, errPasswordInURL) {
		return usageError(errOut, cmd)("%s", err)
	}
	if of := (onlyFiles{}); errors.As(err, &of) {
		return usageError(errOut, cmd)("%s", err)
	}
	if pe := (*passphraseFileError)(nil); errors.As(err, &pe) {
		return usageError(errOut, cmd)("%s", visible(pe.Error()))
	}
	if moved := movedSentence(err); moved != "" {
		fmt.Fprintf(errOut, "needlelog %s: %s\n", cmd, visible(moved))
		return 1
	}
	fmt.Fprintf(errOut, "needlelog %s: %s\n", cmd, visible(sentence(err)))
	return 1
}

// sentence says an error the way a person would read it, adding what to do where we know.
func sentence(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, data.ErrMissing):
		msg += " (check the path; 'needlelog demo --db PATH' creates a demo practice)"
	case errors.Is(err, data.ErrNewerSchema), errors.Is(err, data.ErrNotDatabase):
		msg += "; the file was left untouched"
	case errors.Is(err, data.ErrForeignSchema):
		msg += "; the file was left untouched: 'needlelog check' lists every change, its records can still be " +
			"read and exported, and restoring a backup (even a copy of this file) leaves the changes out"
	}
	return msg
}

// quote shows a file name or path in output, between double quotes, with Go's escapes for
// anything that is not plainly visible: control characters and new lines (which could forge an
// output line), bidirectional overrides (U+202A–U+202E, U+2066–U+2069), zero-width characters
// and invalid UTF-8; a Windows path keeps its single backslashes. Every line that names a file
// the user gave uses it.
func quote(name string) string { return wording.Quoted(name) }

// stamp is a moment as the command line prints it, in the computer's time zone, sorting as
// text and read by scripts: "2026-05-17 14:30".
func stamp(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }

// visible shows, with Go's escapes, what a reader could not see in a message: an error from
// below may carry a path as it was given, and a new line or a direction override in it would
// forge or disguise a line of the output.
func visible(msg string) string {
	var b strings.Builder
	for i, r := range msg {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(msg[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, msg[i])
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func requireDB(fs *flag.FlagSet, db string, errOut io.Writer) bool {
	if db == "" {
		fmt.Fprintf(errOut, "needlelog %s: --db PATH is required\n", fs.Name())
		return false
	}
	return true
}

// usageError returns how command cmd refuses the way it was called: with a sentence on errOut,
// and exit code 2.
func usageError(errOut io.Writer, cmd string) func(format string, a ...any) int {
	return func(format string, a ...any) int {
		fmt.Fprintf(errOut, "needlelog %s: "+format+"\n", append([]any{cmd}, a...)...)
		return 2
	}
}

// parseWithDB is parse for a command that works on the practice named by --db (its flag db):
// it also says so when --db is missing, and returns ok=false with the exit code then.
func parseWithDB(fs *flag.FlagSet, args []string, db *string, errOut io.Writer) (positional []string, code int, ok bool) {
	positional, code, ok = parse(fs, args)
	if !ok {
		return nil, code, false
	}
	if !requireDB(fs, *db, errOut) {
		return nil, 2, false
	}
	return positional, 0, true
}

// parseNoArgs is parseWithDB for a command that takes no positional argument: one is refused.
func parseNoArgs(fs *flag.FlagSet, args []string, db *string, errOut io.Writer) (code int, ok bool) {
	rest, code, ok := parseWithDB(fs, args, db, errOut)
	if ok && len(rest) > 0 {
		fmt.Fprintf(errOut, "needlelog %s: unexpected argument %q\n", fs.Name(), rest[0])
		return 2, false
	}
	return code, ok
}

// demoAbout is what needlelog demo -h says the command does.
const demoAbout = `Creates a demo practice (practitioners, clients, series of sessions, products with lots, side
effects, and with --photos drawn stand-in photos) in a new database file. It never writes into an
existing file, so demo records cannot mix with real ones. With --db postgres://user@host/database it
fills an empty practice on the clinic's server instead (one that holds no records), and refuses any
other.`

func runDemo(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs := newFlags("demo", "--db PATH [--clients N] [--sessions N] [--photos[=N]] [--photo-size drawn|12mp]", demoAbout, errOut)
	db := fs.String("db", "", "path of the new database file (must not exist yet), or the URL of an empty practice on the clinic's server")
	clients := fs.Int("clients", 200, "number of clients")
	sessions := fs.Int("sessions", 0, "number of sessions in all (default: 5 per client)")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same practice")
	var photos photoCount
	fs.Var(&photos, "photos", "also draw before and after photos for one client in five, at most 30\n"+
		"(a few seconds more); --photos N makes N photos")
	size := fs.String("photo-size", "drawn", "drawn: 1600 × 1200 drawings; 12mp: 4000 × 3000 originals of 3–4 MB,\n"+
		"as a phone's (about 1 s of processor time each), to measure a practice at its real size")
	rest, code, ok := parse(fs, photoCountArgs(args))
	if !ok {
		return code
	}
	if !requireDB(fs, *db, errOut) || len(rest) > 0 {
		if len(rest) > 0 {
			fmt.Fprintf(errOut, "needlelog demo: unexpected argument %q\n", rest[0])
		}
		return 2
	}
	if *clients < 1 || *sessions < 0 {
		fmt.Fprintln(errOut, "needlelog demo: --clients must be 1 or more and --sessions 0 or more")
		return 2
	}
	if *size != "drawn" && *size != "12mp" {
		fmt.Fprintf(errOut, "needlelog demo: --photo-size is drawn or 12mp, not %q\n", *size)
		return 2
	}
	if !practice.IsServer(*db) {
		if _, err := os.Stat(*db); err == nil {
			fmt.Fprintf(errOut, "needlelog demo: %s already exists; choose a new file for the demo practice\n", quote(*db))
			return 1
		}
	}
	start := time.Now()
	opts := demo.Options{Clients: *clients, Sessions: *sessions, Seed: *seed, PhotoClients: -1,
		Photos: photos.n, FullSize: *size == "12mp"}
	if photos.on {
		opts.PhotoClients = 0 // the demo's own choice, unless a number was given
	}
	var res demo.Result
	where := ""
	if practice.IsServer(*db) {
		s, release, err := openToWrite(ctx, *db)
		if err != nil {
			return failToWrite(errOut, "demo", *db, "wait until it is closed. Nothing was written", err)
		}
		defer release()
		// Demo records never mix with real ones: only an empty practice takes them.
		if err := practice.CheckEmpty(ctx, s); err != nil {
			return fail(errOut, "demo", fmt.Errorf("%s: %w; make the demo in a database of its own (server init --database NAME)", named(s, *db), err))
		}
		if res, err = demo.Generate(ctx, s, opts); err != nil {
			return fail(errOut, "demo", err)
		}
		where = named(s, *db)
	} else {
		err := practice.WriteDemo(ctx, *db, func(ctx context.Context, s nlstore.Store) (err error) {
			res, err = demo.Generate(ctx, s, opts)
			return err
		})
		if err != nil {
			return failToWrite(errOut, "demo", *db, "choose a new file for the demo practice. Nothing was written", err)
		}
		abs, _ := filepath.Abs(*db) // the file was just made there, so it has one
		where = quote(abs)
	}
	fmt.Fprintf(out, "Created a demo practice in %s: %d practitioners, %d clients, %d sessions, %d side effects, %d results, %d photos (%.1f s).\n",
		where, res.Practitioners, res.Clients, res.Sessions, res.SideEffects, res.Results, res.Photos, time.Since(start).Seconds())
	return 0
}

// photoCount is demo's --photos: on its own, the demo's choice of photos; with a number, that many.
type photoCount struct {
	on bool
	n  int
}

func (p *photoCount) IsBoolFlag() bool { return true }

func (p *photoCount) String() string {
	if p == nil || !p.on {
		return "false"
	}
	if p.n > 0 {
		return strconv.Itoa(p.n)
	}
	return "true"
}

func (p *photoCount) Set(v string) error {
	if on, err := strconv.ParseBool(v); err == nil {
		p.on, p.n = on, 0
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return errors.New("give a number of photos, 1 or more, or nothing")
	}
	p.on, p.n = true, n
	return nil
}

// photoCountArgs joins "--photos N" into "--photos=N": a flag that may stand alone takes its
// value only after "=".
func photoCountArgs(args []string) []string {
	out := slices.Clone(args)
	for i := 0; i+1 < len(out); i++ {
		if (out[i] == "--photos" || out[i] == "-photos") && isDigits(out[i+1]) {
			out = slices.Replace(out, i, i+2, out[i]+"="+out[i+1])
		}
	}
	return out
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// clientsAbout is what needlelog clients -h says the command does.
const clientsAbout = `Lists clients by name, one per line: ID, a tab, then the name. With TEXT, only clients whose
name, phone or email match it (each word by its beginning).`

func runClients(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs := newFlags("clients", "--db PATH [TEXT]", clientsAbout, errOut)
	db := fs.String("db", "", "path of the database file")
	archived := fs.Bool("archived", false, "list archived clients instead")
	rest, code, ok := parseWithDB(fs, args, db, errOut)
	if !ok {
		return code
	}
	s, err := openToRead(ctx, *db)
	if err != nil {
		return fail(errOut, "clients", err)
	}
	defer s.Close()
	q := data.ClientQuery{Text: strings.Join(rest, " "), Archived: *archived, Limit: 500}
	for {
		page, err := s.ListClients(ctx, q)
		if err != nil {
			return fail(errOut, "clients", err)
		}
		for _, c := range page {
			fmt.Fprintf(out, "%s\t%s\n", c.ID, visible(c.Name()))
		}
		if len(page) < q.Limit {
			return 0
		}
		q.After = &page[len(page)-1]
	}
}

// sessionsAbout is what needlelog sessions -h says the command does.
const sessionsAbout = `Lists a client's sessions, newest first, one per line: session ID, date and time (local), and the
zones treated, separated by tabs.`

func runSessions(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs := newFlags("sessions", "--db PATH --client ID", sessionsAbout, errOut)
	db := fs.String("db", "", "path of the database file")
	clientID := fs.String("client", "", "the client's ID (see 'needlelog clients')")
	if _, code, ok := parseWithDB(fs, args, db, errOut); !ok {
		return code
	}
	if *clientID == "" {
		fmt.Fprintln(errOut, "needlelog sessions: --client ID is required (see 'needlelog clients')")
		return 2
	}
	s, err := openToRead(ctx, *db)
	if err != nil {
		return fail(errOut, "sessions", err)
	}
	defer s.Close()
	if _, err := s.Client(ctx, *clientID); err != nil {
		if errors.Is(err, data.ErrNotFound) {
			fmt.Fprintf(errOut, "needlelog sessions: there is no client with ID %s\n", *clientID)
			return 1
		}
		return fail(errOut, "sessions", err)
	}
	timeline, err := s.Timeline(ctx, *clientID)
	if err != nil {
		return fail(errOut, "sessions", err)
	}
	for _, t := range timeline {
		fmt.Fprintf(out, "%s\t%s\t%s\n", t.SessionID, stamp(t.StartedAt), visible(strings.Join(t.Zones, ", ")))
	}
	return 0
}
