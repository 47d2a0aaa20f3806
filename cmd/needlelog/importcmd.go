package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/wording"
)

// runImport dispatches "needlelog import KIND": photos or clients.
func runImport(ctx context.Context, args []string, out, errOut io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "photos":
			return runImportPhotos(ctx, args[1:], out, errOut)
		case "clients":
			return runImportClients(ctx, args[1:], out, errOut)
		}
	}
	fmt.Fprintf(errOut, "Usage: %s import photos --db PATH --client ID [...] FILE|DIR...\n"+
		"       %[1]s import clients --db PATH FILE.csv\n\n"+
		"Run '%[1]s import photos -h' or '%[1]s import clients -h' for each.\n", prog)
	if len(args) == 0 {
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		return 0
	}
	fmt.Fprintf(errOut, "needlelog import: cannot import %q\n", args[0])
	return 2
}

// importClientsAbout is what needlelog import clients -h says the command does.
const importClientsAbout = `Imports clients from a CSV file, such as another system's export or Excel's: UTF-8, UTF-16 or
Windows-1252, separated by commas, semicolons or tabs, with a header row whose names say which
column holds what (first name, last name or full name, date of birth, phone, email, notes..., in
English and the common European languages). Prints the columns as understood, then every row that
could not be imported with its line number; the other rows are imported. Clients already in the
practice (same name, and the same date of birth, email or phone) are not added again, so importing a
file twice adds no one twice. In the app, File › Import clients from CSV lets you correct which
column is which. It holds the practice while it runs, as the app does, and refuses while Needlelog
has it open. Exits 1 when any row was not imported.`

func runImportClients(ctx context.Context, args []string, out, errOut io.Writer) int {
	const name = "import clients"
	fs := newFlags(name, "--db PATH FILE.csv", importClientsAbout, errOut)
	db := fs.String("db", "", "path of the database file (it must exist)")
	paths, code, ok := parseWithDB(fs, args, db, errOut)
	if !ok {
		return code
	}
	if len(paths) != 1 {
		fmt.Fprintf(errOut, "needlelog %s: name one CSV file\n", name)
		return 2
	}
	f, err := os.Open(paths[0])
	if err != nil {
		return refused(errOut, name, paths[0], err)
	}
	defer f.Close()
	s, release, err := openToWrite(ctx, *db)
	if err != nil {
		return failToWrite(errOut, name, *db, "import from the app's File menu. Nothing was imported", err)
	}
	defer release()
	res, mapping, err := s.ImportClientsCSV(ctx, f)
	if len(mapping) > 0 {
		var cols []string
		for i, m := range mapping {
			if m != data.FieldIgnore {
				cols = append(cols, fmt.Sprintf("column %d as %s", i+1, m.Label()))
			}
		}
		if len(cols) > 0 {
			fmt.Fprintf(out, "%s: read %s\n", quote(filepath.Base(paths[0])), strings.Join(cols, ", "))
		}
	}
	if err != nil && !res.Started {
		return refused(errOut, name, paths[0], err)
	}
	if err != nil && len(mapping) > 0 {
		// Batches saved before the error stay saved: say how many.
		fmt.Fprintf(out, "%d imported, %d already in the practice before it stopped\n", res.Imported, res.Skipped)
		return fail(errOut, name, err)
	}
	if err != nil {
		return fail(errOut, name, err) // the file could not be read: nothing was imported
	}
	for _, e := range res.Failed {
		fmt.Fprintf(out, "%s: %s\n", quote(filepath.Base(paths[0])), e)
	}
	fmt.Fprintf(out, "%s read: %d imported, %d already in the practice, %d not imported\n",
		wording.Count(res.Read, "row", "rows"), res.Imported, res.Skipped, len(res.Failed))
	if len(res.Failed) > 0 {
		return 1
	}
	return 0
}

// refused says that a file was refused before anything was imported from it, and why.
func refused(errOut io.Writer, cmd, path string, err error) int {
	var pe *fs.PathError
	why := sentence(err)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		why = "it does not exist"
	case errors.Is(err, fs.ErrPermission):
		why = "Needlelog is not allowed to read it"
	case errors.As(err, &pe): // its own words without the path, which is said already
		why = "it cannot be read (" + pe.Err.Error() + ")"
	}
	fmt.Fprintf(errOut, "needlelog %s: %s was refused and nothing was imported: %s\n", cmd, quote(path), visible(why))
	return 1
}

// importPhotosAbout is what needlelog import photos -h says the command does.
const importPhotosAbout = `Imports photos (JPEG, PNG or WebP) into a client's record and prints one line per file: imported,
with the new photo's ID; a duplicate of a photo already stored, which is left as it was; or refused,
and why. A DIR imports every file in it and in its subfolders, in name order, hidden files aside.
Originals are kept unchanged, beside an upright preview and thumbnail, but for the camera's GPS
position, which is taken out of them (the image itself untouched) unless --keep-location is given.
Links in a DIR are not followed: each is listed as skipped, with the reason.

Without --kind, each photo's kind is suggested from the time it was taken (its EXIF date, or else
the file's time), and so is its session when --session is not given either. Names may be typed
loosely: "left 45" is the view "Left 45°". Exits 1 when any file was refused.`

func runImportPhotos(ctx context.Context, args []string, out, errOut io.Writer) int {
	const name = "import photos"
	fs := newFlags(name, "--db PATH --client ID [--session ID] [--kind K] [--view V] [--zone Z] [--keep-location] FILE|DIR...", importPhotosAbout, errOut)
	db := fs.String("db", "", "path of the database file (it must exist)")
	clientID := fs.String("client", "", "the client's ID (see 'needlelog clients')")
	sessionID := fs.String("session", "", "the session's ID (see 'needlelog sessions')")
	kind := fs.String("kind", "", "before, after or follow-up (default: suggested for each photo)")
	view := fs.String("view", "", "the view, from the practice's list: Frontal, Left 45°, Close-up...")
	zone := fs.String("zone", "", "the zone, from the practice's zones: Cheeks, Forehead...")
	consent := fs.String("consent", string(data.PhotoConsentClinical), "the photos' consent scope: clinical, education or marketing")
	note := fs.String("note", "", "a note for every photo imported")
	keepLocation := fs.Bool("keep-location", false, "keep the camera's GPS position in the stored originals (by default it is removed)")
	paths, code, ok := parseWithDB(fs, args, db, errOut)
	if !ok {
		return code
	}
	usageErr := usageError(errOut, name)
	switch {
	case *clientID == "":
		return usageErr("--client ID is required (see 'needlelog clients')")
	case len(paths) == 0:
		return usageErr("name the photo files or folders to import")
	}
	tags := data.PhotoTags{SessionID: *sessionID, Note: *note}
	if *kind != "" {
		k, err := matchName("--kind", *kind, names(data.PhotoKinds))
		if err != nil {
			return usageErr("%s", err)
		}
		tags.Kind = data.PhotoKind(k)
	}
	c, err := matchName("--consent", *consent, names(data.PhotoScopes))
	if err != nil {
		return usageErr("%s", err)
	}
	tags.Consent = data.PhotoConsent(c)

	s, release, err := openToWrite(ctx, *db)
	if err != nil {
		return failToWrite(errOut, name, *db, "import the photos in the app, from the client's record. Nothing was imported", err)
	}
	defer release()
	if code, ok := checkImportTarget(ctx, s, *clientID, &tags, *view, *zone, errOut); !ok {
		return code
	}
	timeline, err := s.Timeline(ctx, *clientID)
	if err != nil {
		return fail(errOut, name, err)
	}
	started := map[string]time.Time{}
	for _, t := range timeline {
		started[t.SessionID] = t.StartedAt
	}

	files, empty, skipped, err := photoFiles(paths)
	if err != nil {
		return fail(errOut, name, err)
	}
	for _, dir := range empty {
		fmt.Fprintf(out, "%s: no files in this folder\n", quote(dir))
	}
	for _, sk := range skipped {
		fmt.Fprintf(out, "%s: skipped: %s\n", quote(sk.Path), sk.Reason)
	}
	// Without kind or session, both are suggested for each photo from its time.
	req := practice.ImportRequest{ClientID: *clientID, Files: files, Tags: tags,
		SuggestSession: tags.Kind == "" && tags.SessionID == "", Options: data.PhotoImportOptions{KeepLocation: *keepLocation}}
	res, _ := practice.ImportPhotos(ctx, s, req, func(pr practice.Progress) {
		r := pr.File
		switch r.Outcome {
		case practice.Duplicate:
			where := ""
			if r.OtherClient() {
				where = ", stored for another client"
			}
			fmt.Fprintf(out, "%s: duplicate of photo %s%s; nothing stored\n", quote(r.Path), r.Photo.ID, where)
		case practice.Refused:
			fmt.Fprintf(out, "%s: refused: %s\n", quote(r.Path), reason(r.Err))
		default:
			fmt.Fprintf(out, "%s: imported as photo %s: %s\n", quote(r.Path), r.Photo.ID, describePhoto(r.Photo, started))
		}
	})
	refused, done := res.Refused, len(res.Files)
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(errOut, "needlelog %s: interrupted after %s files\n", name, wording.OfN(done, len(files)))
		return 1
	case refused > 0:
		fmt.Fprintf(errOut, "needlelog %s: %s files were refused\n", name, wording.OfN(refused, len(files)))
		return 1
	}
	return 0
}

// checkImportTarget checks the client and session, and turns the loosely typed view and zone
// into the practice's own names, before any file is read.
func checkImportTarget(ctx context.Context, s nlstore.Store, clientID string, tags *data.PhotoTags, view, zone string,
	errOut io.Writer) (code int, ok bool) {
	const name = "import photos"
	if _, err := s.Client(ctx, clientID); errors.Is(err, data.ErrNotFound) {
		fmt.Fprintf(errOut, "needlelog %s: there is no client with ID %s\n", name, clientID)
		return 1, false
	} else if err != nil {
		return fail(errOut, name, err), false
	}
	if tags.SessionID != "" {
		se, err := s.Session(ctx, tags.SessionID)
		switch {
		case errors.Is(err, data.ErrNotFound):
			fmt.Fprintf(errOut, "needlelog %s: there is no session with ID %s\n", name, tags.SessionID)
			return 1, false
		case err != nil:
			return fail(errOut, name, err), false
		case se.ClientID != clientID:
			fmt.Fprintf(errOut, "needlelog %s: session %s is another client's (see 'needlelog sessions --client %s')\n",
				name, tags.SessionID, clientID)
			return 1, false
		}
	}
	if view != "" {
		items, err := s.ListItems(ctx, data.ListPhotoView, false)
		if err != nil {
			return fail(errOut, name, err), false
		}
		var views []string
		for _, it := range items {
			views = append(views, it.Name)
		}
		if tags.View, err = matchName("--view", view, views); err != nil {
			fmt.Fprintf(errOut, "needlelog %s: %s\n", name, err)
			return 2, false
		}
	}
	if zone != "" {
		list, err := s.Zones(ctx, false)
		if err != nil {
			return fail(errOut, name, err), false
		}
		var zones []string
		for _, z := range list {
			zones = append(zones, z.Name)
		}
		if tags.Zone, err = matchName("--zone", zone, zones); err != nil {
			fmt.Fprintf(errOut, "needlelog %s: %s\n", name, err)
			return 2, false
		}
	}
	return 0, true
}

// photoFiles expands the paths given: a folder stands for the files an import of it reads (see
// practice.PhotoFolder); a file named by hand is imported even if hidden. It also returns the
// folders that held no file, and the links and other files in folders that are not imported.
func photoFiles(paths []string) (files, empty []string, skipped []practice.SkippedFile, err error) {
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil || !info.IsDir() {
			files = append(files, p) // the import says what is wrong with it
			continue
		}
		in, sk, _, err := practice.PhotoFolder(p, 0)
		if err != nil {
			return nil, nil, nil, err
		}
		if len(in) == 0 && len(sk) == 0 {
			empty = append(empty, p)
		}
		files = append(files, in...)
		skipped = append(skipped, sk...)
	}
	return files, empty, skipped, nil
}

// reason says why a file was refused as one sentence.
func reason(err error) string {
	var fe *data.PhotoFileError
	if errors.As(err, &fe) {
		err = fe.Err
	}
	msg := afterColon(strings.TrimSpace(visible(sentence(err))))
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// afterColon starts a sentence that follows a colon in lower case ("refused: the client has
// not…"), unless its first word is an acronym (PNG) or otherwise not plain lower case after its
// first letter.
func afterColon(msg string) string {
	first, _, _ := strings.Cut(msg, " ")
	r, n := utf8.DecodeRuneInString(first)
	if !unicode.IsUpper(r) || strings.ToLower(first[n:]) != first[n:] {
		return msg
	}
	return string(unicode.ToLower(r)) + msg[n:]
}

// describePhoto says how an imported photo was filed.
func describePhoto(p data.Photo, started map[string]time.Time) string {
	parts := []string{string(p.Kind)}
	for _, v := range []string{p.View, p.Zone} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	if at, ok := started[p.SessionID]; ok {
		parts = append(parts, "session of "+stamp(at))
	} else {
		parts = append(parts, "no session")
	}
	return strings.Join(parts, ", ") + " (taken " + stamp(p.TakenAt) + ")"
}

func names[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// matchName finds the entry of list a person meant by typed: the same name ignoring case,
// accents, spaces and punctuation ("left 45" is "Left 45°"), or else the only entry that begins
// that way ("perioral" is "Perioral / upper lip").
func matchName(flag, typed string, list []string) (string, error) {
	key := nameKey(typed)
	var begins []string
	for _, name := range list {
		k := nameKey(name)
		if k == key {
			return name, nil
		}
		if key != "" && strings.HasPrefix(k, key) {
			begins = append(begins, name)
		}
	}
	if len(begins) == 1 {
		return begins[0], nil
	}
	if len(begins) > 1 {
		return "", fmt.Errorf("%s %q could be %s; type more of it", flag, typed, strings.Join(begins, " or "))
	}
	return "", fmt.Errorf("%s %q is none of: %s", flag, typed, strings.Join(list, ", "))
}

// nameKey is a name in lower case without accents, spaces or punctuation.
func nameKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
