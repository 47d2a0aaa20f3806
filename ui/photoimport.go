package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	ondisk "needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/wording"
)

// Importing photos: choose a folder (a camera card, a phone's export), tick the files to take,
// say what they show, and import them off the UI goroutine with a progress bar and Cancel.
// Dropped files take the same path without the folder step.

const (
	prefPhotoFolder = "photoFolder" // the folder photos were last imported from
	maxListedFiles  = 5000          // a folder listing stops here: no camera card holds more photos
)

// photoExts are the file name endings the import ticks by default. HEIC is listed so that a
// phone photo in that format gets a clear refusal rather than being silently skipped.
var photoExts = []string{".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}

func isPhotoName(name string) bool {
	return slices.Contains(photoExts, strings.ToLower(filepath.Ext(name)))
}

// importChoice is what the practitioner says about a batch. An empty kind, and suggestSession,
// mean: suggest them from each photo's time.
type importChoice struct {
	kind           data.PhotoKind
	suggestSession bool
	sessionID      string // when not suggested; "" for no session
	view, zone     string
	consent        data.PhotoConsent
	keepLocation   bool              // keep the camera's GPS position in the stored originals
	viewOf         map[string]string // a file's own view, by path, over view
	// process decodes and resizes a photo; nil is photo.Process. Tests put a slow one in its place.
	process func([]byte) (photo.Processed, error)
}

// importOutcome is what became of one file.
type importOutcome struct {
	path  string
	photo data.Photo
	dup   bool
	err   error
}

// importSummary sums up a batch for the practitioner, naming each file that was refused.
func importSummary(results []importOutcome, cancelled bool) string {
	var imported, dups int
	var refused []string
	for _, r := range results {
		switch {
		case r.err != nil:
			refused = append(refused, filepath.Base(r.path)+": "+photoErrorText(r.err))
		case r.dup:
			dups++
		default:
			imported++
		}
	}
	parts := []string{wording.Count(imported, "photo", "photos") + " imported"}
	if dups > 0 {
		parts = append(parts, wording.Count(dups, "photo", "photos")+" already stored, not added again")
	}
	if len(refused) > 0 {
		parts = append(parts, wording.Count(len(refused), "file", "files")+" refused")
	}
	s := strings.Join(parts, "; ") + "."
	if cancelled {
		s = "Import cancelled: " + s
	}
	if len(refused) > 0 {
		s += "\n\n" + strings.Join(refused, "\n")
	}
	return s
}

// photoErrorText is why a file was refused, in words a practitioner can act on: the photo
// checks' and the store's own sentences, and for anything else (a fault of the computer) a
// sentence of ours, the detail going to the log.
func photoErrorText(err error) string {
	var fe *data.PhotoFileError
	var ve *data.ValidationError
	switch {
	case errors.As(err, &ve):
		return ve.Error()
	case errors.Is(err, photo.ErrUnsupported), errors.Is(err, photo.ErrTooLarge), errors.Is(err, photo.ErrCorrupt),
		errors.Is(err, data.ErrDuplicatePhoto), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		if errors.As(err, &fe) {
			return fe.Err.Error()
		}
		return err.Error()
	}
	return errorSentence("import it", err)
}

// runImport imports the files off the UI goroutine (ondisk.ImportPhotos). progress runs on the UI
// goroutine before each file; done gets every outcome, in order, once all are through or ctx is
// cancelled. Cancelling does not wait for the photos being decoded: they are left out, and their
// decodes finish on their own and are forgotten.
func runImport(ctx context.Context, store nlstore.Store, clientID string, paths []string, choice importChoice,
	progress func(done int, name string), done func([]importOutcome, bool)) {
	background(func() {
		if len(paths) > 0 {
			fyne.Do(func() { progress(0, filepath.Base(paths[0])) })
		}
		res, _ := ondisk.ImportPhotos(ctx, store, choice.request(clientID, paths), func(p ondisk.Progress) {
			if p.Next != "" {
				fyne.Do(func() { progress(p.Done, filepath.Base(p.Next)) })
			}
		})
		results := make([]importOutcome, len(res.Files))
		for i, r := range res.Files {
			results[i] = outcomeOf(r)
		}
		fyne.Do(func() {
			progress(len(results), "")
			done(results, res.Cancelled)
		})
	})
}

// request is the import of paths for a client that the choice says.
func (c importChoice) request(clientID string, paths []string) ondisk.ImportRequest {
	return ondisk.ImportRequest{ClientID: clientID, Files: paths, SuggestSession: c.suggestSession, ViewOf: c.viewOf,
		Tags:    data.PhotoTags{Kind: c.kind, SessionID: c.sessionID, View: c.view, Zone: c.zone, Consent: c.consent},
		Options: data.PhotoImportOptions{KeepLocation: c.keepLocation, Process: c.process}}
}

// outcomeOf is what became of a file, as the summary counts it: a photo already stored for
// another client is refused, so that one filed under the wrong person does not pass unnoticed.
func outcomeOf(r ondisk.FileResult) importOutcome {
	out := importOutcome{path: r.Path, photo: r.Photo}
	switch {
	case r.Outcome == ondisk.Refused || r.OtherClient():
		out.err = r.Err
	case r.Outcome == ondisk.Duplicate:
		out.dup = true
	}
	return out
}

// importDialog lists files with a tick each and asks what they show, then imports the ticked
// ones. sessions are the client's, newest first; views and zones the practice's lists.
type importDialog struct {
	win      fyne.Window
	store    nlstore.Store
	client   data.Client
	paths    []string
	tick     []bool   // per path: import it
	why      []string // per path: why it cannot be imported (a link...); "" for a file to offer
	rowView  []string // per path: its view when set on its row; "" for the view set below
	thumbs   map[int]*importThumb
	ctx      context.Context // reading thumbnails; cancelled when the dialog closes
	stop     context.CancelFunc
	mu       sync.Mutex     // guards pending and reading
	pending  []thumbRequest // files whose thumbnails are asked for, latest last
	reading  bool
	list     *widget.List
	kind     *widget.Select
	session  *widget.Select
	view     *widget.Select
	zone     *widget.Select
	consent  *widget.Select
	noGPS    *widget.Check // remove the GPS position from the originals
	note     *widget.Label
	notes    []string
	count    *widget.Label
	sessions []data.TimelineEntry
	dialog   *dialog.CustomDialog
	importB  *widget.Button
	onDone   func([]importOutcome)
}

const (
	fromTime = "Suggest from the time taken"
	noneYet  = "Not recorded"
	noneSess = "No session"
)

func newImportDialog(win fyne.Window, store nlstore.Store, client data.Client, paths []string, sessions []data.TimelineEntry,
	views, zones []string, onDone func([]importOutcome)) *importDialog {
	d := &importDialog{win: win, store: store, client: client, paths: paths, sessions: sessions, onDone: onDone,
		thumbs: map[int]*importThumb{}}
	d.ctx, d.stop = context.WithCancel(context.Background())
	skipped := 0
	for _, p := range paths {
		d.tick = append(d.tick, isPhotoName(p))
		d.why = append(d.why, "")
		d.rowView = append(d.rowView, "")
		if !isPhotoName(p) {
			skipped++
		}
	}
	// A list builds only the rows on screen: a camera card may hold thousands of files.
	d.list = widget.NewList(func() int { return len(d.paths) },
		func() fyne.CanvasObject { return newImportRow(views) }, d.updateRow)
	kinds := []string{fromTime}
	for _, k := range data.PhotoKinds {
		kinds = append(kinds, string(k))
	}
	d.kind = widget.NewSelect(kinds, nil)
	d.kind.SetSelected(fromTime)
	sessionNames := []string{fromTime, noneSess}
	for _, s := range sessions {
		sessionNames = append(sessionNames, sessionLabel(s))
	}
	d.session = widget.NewSelect(sessionNames, nil)
	d.session.SetSelected(fromTime)
	d.view = widget.NewSelect(append([]string{noneYet}, views...), nil)
	d.view.SetSelected(noneYet)
	d.zone = widget.NewSelect(append([]string{noneYet}, zones...), nil)
	d.zone.SetSelected(noneYet)
	// Only the scopes the client agreed to are offered; the narrowest is the default.
	var scopes []string
	for _, c := range data.PhotoScopes {
		if slices.Index(data.PhotoConsents, c) <= slices.Index(data.PhotoConsents, client.PhotoConsent) {
			scopes = append(scopes, photoScopeLabel(c))
		}
	}
	d.consent = widget.NewSelect(scopes, nil)
	if len(scopes) > 0 {
		d.consent.SetSelected(scopes[0])
	}

	all := widget.NewButton("Tick all", func() { d.tickAll(true) })
	none := widget.NewButton("Tick none", func() { d.tickAll(false) })
	var notes []string
	if skipped > 0 {
		notes = append(notes, wording.Count(skipped, "file", "files")+" that are not JPEG, PNG or WebP photos are left unticked; tick them to try.")
	}
	if len(paths) >= maxListedFiles {
		notes = append(notes, fmt.Sprintf("Only the first %d files of the folder are listed: import the rest from their own folder.", maxListedFiles))
	}
	d.notes = notes
	d.note = widget.NewLabel(strings.Join(notes, " "))
	d.note.Wrapping = fyne.TextWrapWord
	d.note.Importance = widget.LowImportance
	d.note.Hidden = len(notes) == 0
	d.count = boldLabel(wording.Count(len(paths), "file", "files"))
	files := container.NewBorder(container.NewHBox(d.count, all, none), d.note, nil, nil, d.list)
	// A phone's photos say where they were taken: for a mobile practitioner, the client's home.
	d.noGPS = widget.NewCheck("Remove location (GPS) from originals", nil)
	d.noGPS.SetChecked(true)
	// Two columns, so that the list of files keeps most of the height.
	tags := container.NewGridWithColumns(2,
		widget.NewForm(widget.NewFormItem("Kind", d.kind), widget.NewFormItem("View", d.view),
			widget.NewFormItem("Consent", d.consent)),
		widget.NewForm(widget.NewFormItem("Session", d.session), widget.NewFormItem("Zone", d.zone),
			widget.NewFormItem("Location", d.noGPS)))
	hint := widget.NewLabel("Kind and session can be suggested from when each photo was taken. Every tag can be changed later.")
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	content := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), tags, hint), nil, nil, files)

	d.importB = widget.NewButton("Import", d.start)
	d.importB.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { d.dialog.Hide() })
	d.dialog = dialog.NewCustomWithoutButtons("Import photos for "+client.Name(), content, win)
	d.dialog.SetOnClosed(d.stop) // no more thumbnails: the import, or nothing, comes next
	d.dialog.SetButtons([]fyne.CanvasObject{cancel, d.importB})
	size := win.Canvas().Size()
	d.dialog.Resize(fyne.NewSize(min(860, size.Width-40), min(700, size.Height-40)))
	d.countTicked()
	return d
}

// listSkipped adds to the list the files of the folder that are not imported, each with why
// (ondisk.PhotoFolder), unticked and greyed out.
func (d *importDialog) listSkipped(skipped []ondisk.SkippedFile) *importDialog {
	if len(skipped) == 0 {
		return d
	}
	for _, s := range skipped {
		d.paths = append(d.paths, s.Path)
		d.tick = append(d.tick, false)
		d.why = append(d.why, s.Reason)
		d.rowView = append(d.rowView, "")
	}
	d.notes = append(d.notes, wording.Count(len(skipped), "file", "files")+" cannot be imported from here: each says why at the end of the list.")
	d.note.SetText(strings.Join(d.notes, " "))
	d.note.Show()
	d.count.SetText(wording.Count(len(d.paths)-len(skipped), "file", "files"))
	d.list.Refresh()
	return d
}

// importLabel shows a file by its name and the folder it is in.
func importLabel(path string) string {
	return filepath.Base(path) + "   (" + filepath.Base(filepath.Dir(path)) + ")"
}

func sessionLabel(s data.TimelineEntry) string {
	label := "Session of " + wording.DateTime(s.StartedAt)
	if s.SeriesOf > 0 {
		label += " (" + wording.OfN(s.SeriesN, s.SeriesOf) + ")"
	}
	return label
}

func (d *importDialog) show() { d.dialog.Show() }

// preselect files the photos under a session, as when they are dropped onto its editor.
func (d *importDialog) preselect(sessionID string) {
	for _, s := range d.sessions {
		if s.SessionID == sessionID {
			d.session.SetSelected(sessionLabel(s))
		}
	}
}

func (d *importDialog) tickAll(on bool) {
	for i := range d.tick {
		d.tick[i] = on && d.why[i] == "" && !d.unfit(i)
	}
	d.list.Refresh()
	d.countTicked()
}

func (d *importDialog) ticked() []string {
	var out []string
	for i, on := range d.tick {
		if on {
			out = append(out, d.paths[i])
		}
	}
	return out
}

func (d *importDialog) countTicked() {
	n := len(d.ticked())
	d.importB.SetText("Import " + wording.Count(n, "file", "files"))
	if n == 0 {
		d.importB.Disable()
	} else {
		d.importB.Enable()
	}
}

// choice reads the tag fields.
func (d *importDialog) choice() importChoice {
	var c importChoice
	if d.kind.Selected != fromTime {
		c.kind = data.PhotoKind(d.kind.Selected)
	}
	switch i := slices.Index(d.session.Options, d.session.Selected); {
	case d.session.Selected == fromTime:
		c.suggestSession = true
	case i >= 2: // after "suggest" and "no session"
		c.sessionID = d.sessions[i-2].SessionID
	}
	if d.view.Selected != noneYet {
		c.view = d.view.Selected
	}
	if d.zone.Selected != noneYet {
		c.zone = d.zone.Selected
	}
	for _, scope := range data.PhotoScopes {
		if photoScopeLabel(scope) == d.consent.Selected {
			c.consent = scope
		}
	}
	c.keepLocation = !d.noGPS.Checked
	for i, v := range d.rowView {
		if v != "" && d.tick[i] {
			if c.viewOf == nil {
				c.viewOf = map[string]string{}
			}
			c.viewOf[d.paths[i]] = v
		}
	}
	return c
}

// start imports the ticked files behind a progress dialog with Cancel.
func (d *importDialog) start() {
	paths := d.ticked()
	choice := d.choice()
	d.stop()
	d.dialog.Hide()
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBar()
	bar.Max = float64(len(paths))
	status := widget.NewLabel("Starting…")
	status.Truncation = fyne.TextTruncateEllipsis
	stop := widget.NewButton("Cancel", func() {
		cancel()
		status.SetText("Stopping…")
	})
	prog := dialog.NewCustomWithoutButtons("Importing photos", container.NewVBox(status, bar), d.win)
	prog.SetButtons([]fyne.CanvasObject{stop})
	prog.Resize(fyne.NewSize(480, 0))
	prog.Show()
	runImport(ctx, d.store, d.client.ID, paths, choice, func(n int, name string) {
		bar.SetValue(float64(n))
		if name != "" {
			status.SetText(wording.OfN(n+1, len(paths)) + ": " + name)
		}
	}, func(results []importOutcome, cancelled bool) {
		cancel()
		prog.Hide()
		for _, r := range results {
			if r.err != nil {
				slog.Warn("photo refused", "file", r.path, "err", r.err)
			}
		}
		title := "Photos imported"
		if cancelled {
			title = "Import cancelled"
		}
		showSummary(d.win, title, importSummary(results, cancelled))
		if d.onDone != nil {
			d.onDone(results)
		}
	})
}

// chooseImportFolder asks for a folder, starting where photos came from last time, and lists it:
// the files to offer, and those that cannot be imported from it, with why.
func chooseImportFolder(a fyne.App, win fyne.Window, then func(paths []string, skipped ...ondisk.SkippedFile)) {
	fd := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			showError(win, "open the folder", err)
			return
		}
		if dir == nil {
			return
		}
		a.Preferences().SetString(prefPhotoFolder, dir.Path())
		type listing struct {
			files   []string
			skipped []ondisk.SkippedFile
		}
		async(func() (listing, error) {
			files, skipped, _, err := ondisk.PhotoFolder(dir.Path(), maxListedFiles)
			return listing{files, skipped}, err
		}, func(l listing, err error) {
			if err != nil {
				showError(win, "read the folder", err)
				return
			}
			if len(l.files) == 0 && len(l.skipped) == 0 {
				dialog.ShowInformation("No files here", "The folder "+dir.Path()+" holds no files to import.", win)
				return
			}
			then(l.files, l.skipped...)
		})
	}, win)
	if last := a.Preferences().String(prefPhotoFolder); last != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(last)); err == nil {
			fd.SetLocation(l)
		}
	}
	size := win.Canvas().Size()
	fd.Resize(fyne.NewSize(min(900, size.Width-40), min(640, size.Height-40)))
	fd.Show()
}

// droppedFiles expands dropped files and folders into the files to offer, and the files in the
// folders that cannot be imported from them, with why (ondisk.PhotoFolder).
func droppedFiles(uris []fyne.URI) (out []string, skipped []ondisk.SkippedFile) {
	for _, u := range uris {
		if u.Scheme() != "file" {
			continue
		}
		info, err := os.Stat(u.Path())
		if err != nil {
			continue
		}
		if info.IsDir() {
			files, sk, _, err := ondisk.PhotoFolder(u.Path(), maxListedFiles)
			if err == nil {
				out = append(out, files...)
				skipped = append(skipped, sk...)
			}
			continue
		}
		out = append(out, u.Path())
	}
	return out, skipped
}

// offerImport asks which of the files to import for a client, and imports them; sessionID, when
// set, is the session they are filed under unless the practitioner chooses otherwise. onDone,
// when set, runs once the import is through.
func offerImport(win fyne.Window, store nlstore.Store, c data.Client, sessionID string, paths []string,
	skipped []ondisk.SkippedFile, onDone func()) {
	if !canTakePhotos(win, c) {
		return
	}
	async(func() (photoLists, error) { return loadPhotoLists(context.Background(), store, c.ID) },
		func(lists photoLists, err error) {
			if err != nil {
				showError(win, "import the photos", err)
				return
			}
			d := newImportDialog(win, store, c, paths, lists.sessions, lists.views, lists.zones, func([]importOutcome) {
				if onDone != nil {
					onDone()
				}
			})
			d.listSkipped(skipped)
			d.preselect(sessionID)
			d.show()
		})
}

// addPhotosButton is the session editor's "Add photos…": the same import as dropping files onto
// the editor, filed under the session.
func (e *sessionEditor) addPhotosButton() fyne.CanvasObject {
	return widget.NewButtonWithIcon("Add photos…", theme.FileImageIcon(), e.addPhotos)
}

// photosAdded counts the session's before photos again once an import ends, for the checklist
// of what signing needs.
func (e *sessionEditor) photosAdded() {
	id := e.base.ID
	if id == "" {
		return
	}
	async(func() (int, error) { return e.store.BeforePhotos(e.life.ctx, id) }, func(n int, err error) {
		if e.life.gone(err) {
			return
		}
		if err != nil {
			slog.Warn("count the session's before photos", "err", err)
			return
		}
		if e.base.ID == id {
			e.setBeforePhotos(n)
		}
	})
}

// addPhotos asks for a folder and offers its photos for the session being edited. A new
// session is saved first: photos are filed under a saved session.
func (e *sessionEditor) addPhotos() {
	choose := func() {
		if !canTakePhotos(e.win, e.ed.client) {
			return
		}
		e.chooseFolder(fyne.CurrentApp(), e.win, func(paths []string, skipped ...ondisk.SkippedFile) {
			offerImport(e.win, e.store, e.ed.client, e.base.ID, paths, skipped, e.photosAdded)
		})
	}
	if e.base.ID == "" {
		e.saveThen(choose)
		return
	}
	choose()
}

// The list of files: each row shows the photo's thumbnail and when it was taken, so that the
// practitioner can tell one client's photos from another's on a shared card, and may set its
// view. Thumbnails are made off the UI goroutine, for the rows on screen only, newest request
// first, by the same bounded reader the import uses.

const (
	viewAsBelow   = "View as set below"
	pendingThumbs = 48 // requests kept waiting: rows scrolled past long ago are dropped
	thumbShown    = 72 // the width of a row's thumbnail on screen
)

// thumbRequest is a file whose thumbnail a row asks for.
type thumbRequest struct {
	i    int
	path string
}

// importThumb is what a row shows of a file once it has been read.
type importThumb struct {
	img   image.Image
	taken string // "Taken …", or why the file cannot be imported
	bad   bool   // the file cannot be imported
	// stored is "already stored" when the same photo is in the practice already: importing it
	// again would add nothing; "" when it is not.
	stored string
}

// unfit reports whether file i was read and found one not to import: refused, or already stored.
func (d *importDialog) unfit(i int) bool {
	th := d.thumbs[i]
	return th != nil && (th.bad || th.stored != "")
}

// importRow is one file of the list.
type importRow struct {
	widget.BaseWidget
	check *widget.Check // ticks the file; its text is the file's name and folder
	thumb *canvas.Image
	taken *widget.Label
	view  *widget.Select
	box   fyne.CanvasObject
}

func newImportRow(views []string) *importRow {
	r := &importRow{check: widget.NewCheck("IMG_0000.JPG   (DCIM)", nil), taken: widget.NewLabel("Reading…")}
	r.taken.Importance = widget.LowImportance
	r.taken.Truncation = fyne.TextTruncateEllipsis
	r.check.Text = ""
	r.thumb = canvas.NewImageFromImage(nil)
	r.thumb.FillMode = canvas.ImageFillContain
	r.thumb.SetMinSize(fyne.NewSize(thumbShown, thumbShown*3/4))
	back := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	r.view = widget.NewSelect(append([]string{viewAsBelow}, views...), nil)
	text := container.NewVBox(r.check, r.taken)
	r.box = container.NewBorder(nil, nil, container.NewCenter(container.NewStack(back, r.thumb)),
		container.NewCenter(container.NewGridWrap(fyne.NewSize(190, r.view.MinSize().Height), r.view)), text)
	r.ExtendBaseWidget(r)
	return r
}

func (r *importRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

// updateRow shows file i in a row of the list.
func (d *importDialog) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*importRow)
	r.check.OnChanged, r.view.OnChanged = nil, nil // setting the state below is not a click
	r.check.Text = importLabel(d.paths[i])
	r.check.SetChecked(d.tick[i])
	th := d.thumbs[i]
	r.thumb.Image = nil
	r.taken.Importance = widget.LowImportance
	r.taken.Truncation, r.taken.Wrapping = fyne.TextTruncateEllipsis, fyne.TextWrapOff
	switch {
	case d.why[i] != "":
		r.check.Disable()
		r.view.Hide()
		r.taken.SetText("Not imported: " + d.why[i])
	case th != nil && th.taken != "":
		r.check.Enable()
		if th.bad || th.stored != "" {
			r.check.Disable() // importing it would refuse it, or add nothing
		}
		r.view.Show()
		r.thumb.Image = th.img
		text := th.taken
		switch {
		case th.bad:
			r.taken.Importance = widget.DangerImportance
			// Why, in full: the row was made tall enough (fitReason).
			r.taken.Truncation, r.taken.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord
		case th.stored != "":
			r.taken.Importance = widget.WarningImportance
			text = th.stored + " — " + text
		}
		r.taken.SetText(text)
	case !isPhotoName(d.paths[i]):
		r.check.Enable()
		r.view.Show()
		r.taken.SetText("Not a JPEG, PNG or WebP name: tick it to try")
	default:
		r.check.Enable()
		r.view.Show()
		r.taken.SetText("Reading…")
	}
	r.check.Refresh()
	r.thumb.Refresh()
	if d.rowView[i] == "" {
		r.view.SetSelected(viewAsBelow)
	} else {
		r.view.SetSelected(d.rowView[i])
	}
	r.check.OnChanged = func(on bool) {
		d.tick[i] = on
		d.countTicked()
	}
	r.view.OnChanged = func(v string) {
		d.rowView[i] = ""
		if v != viewAsBelow {
			d.rowView[i] = v
		}
	}
	if d.why[i] == "" && th == nil && isPhotoName(d.paths[i]) {
		d.wantThumb(i)
	}
}

// wantThumb asks for file i's thumbnail, once. Runs on the UI goroutine.
func (d *importDialog) wantThumb(i int) {
	d.thumbs[i] = &importThumb{} // asked for
	d.mu.Lock()
	d.pending = append(d.pending, thumbRequest{i, d.paths[i]})
	if len(d.pending) > pendingThumbs {
		delete(d.thumbs, d.pending[0].i) // scrolled past: asked for again if it comes back
		d.pending = d.pending[1:]
	}
	start := !d.reading
	d.reading = true
	d.mu.Unlock()
	if start {
		background(d.readThumbs)
	}
}

// readThumbs reads the files asked for, the latest asked first, until none is left or the
// dialog is closed.
func (d *importDialog) readThumbs() {
	for {
		d.mu.Lock()
		if len(d.pending) == 0 || d.ctx.Err() != nil {
			d.pending, d.reading = nil, false
			d.mu.Unlock()
			return
		}
		r := d.pending[len(d.pending)-1]
		d.pending = d.pending[:len(d.pending)-1]
		d.mu.Unlock()
		th := readImportThumb(d.ctx, d.store, d.client.ID, r.path)
		if d.ctx.Err() != nil {
			continue // closed while it was read
		}
		fyne.Do(func() {
			if d.thumbs[r.i] != nil {
				d.thumbs[r.i] = &th
				if d.unfit(r.i) && d.tick[r.i] {
					d.tick[r.i] = false
					d.countTicked()
				}
				if th.bad {
					d.fitReason(r.i, th.taken)
				}
				d.list.RefreshItem(r.i)
			}
		})
	}
}

// readImportThumb reads a file as the import will (within the same limits), for its thumbnail
// and the time it was taken, or why it cannot be imported; and looks whether the photo is
// stored already, for clientID or another client.
func readImportThumb(ctx context.Context, store nlstore.Store, clientID, path string) importThumb {
	f, err := ondisk.ReadPhotoFileContext(ctx, path, data.PhotoImportOptions{KeepLocation: true})
	if err != nil {
		return importThumb{taken: "Cannot be imported: " + photoErrorText(err), bad: true}
	}
	th := importThumb{taken: "Taken " + wording.DateTime(f.TakenAt())}
	switch owner, err := store.PhotoStoredFor(ctx, f); {
	case err != nil:
		slog.Warn("look for a photo to import among those stored", "file", path, "err", err) // the import itself still checks
	case owner == clientID:
		th.stored = "Already stored"
	case owner != "":
		th.stored = "Already stored for another client"
	}
	if f.Processed.Info.TakenAt.IsZero() {
		th.taken = "File dated " + wording.DateTime(f.ModTime) + " (the photo does not say when it was taken)"
	}
	if img, err := decodePhoto(f.Processed.Thumbnail); err == nil {
		th.img = shrink(img, 2*thumbShown)
	}
	return th
}

// fitReason makes row i tall enough to show why its file cannot be imported in full, wrapped:
// a row laid out at the list's width, showing the reason, says how tall it needs to be.
func (d *importDialog) fitReason(i int, reason string) {
	row := newImportRow(nil)
	base := row.MinSize().Height
	width := d.list.Size().Width - theme.Padding() // room for the scroll bar
	if width < 400 {
		width = 560 + thumbShown + 190 + 6*theme.Padding() // not laid out yet: the dialog's usual width
	}
	oneLine := row.taken.MinSize().Height
	row.taken.Truncation, row.taken.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord
	row.taken.SetText(reason)
	row.Resize(fyne.NewSize(width, base))
	row.box.Resize(row.Size())
	row.taken.Resize(fyne.NewSize(row.taken.Size().Width, oneLine))
	if need := base + row.taken.MinSize().Height - oneLine; need > base {
		d.list.SetItemHeight(i, need)
	}
}

// shrink scales img down so that its longest side is at most side pixels.
func shrink(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= side && h <= side {
		return img
	}
	if w >= h {
		w, h = side, max(1, h*side/w)
	} else {
		w, h = max(1, w*side/h), side
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(out, out.Bounds(), img, b, xdraw.Src, nil)
	return out
}
