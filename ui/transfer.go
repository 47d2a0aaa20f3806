package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/practice/files"
	"needlelog.app/needlelog/transfer"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// File › Transfer: a laptop takes the practice on the road and brings its week back in an
// encrypted bundle file (practice.MakeBundle, practice.ApplyBundle), with no network between the
// two; what could not be merged waits in the Conflicts view for the practitioner to settle.

// bundleExt is how a bundle's file name ends.
const bundleExt = ".nlbundle"

// bringBackAgain is where the practitioner goes on the other computer with a bundle.
const bringBackAgain = "File › Transfer › Bring records back…"

// transferMenu is File › Transfer; writes marks the items that change the practice.
func (m *mainWindow) transferMenu(writes func(*fyne.MenuItem) *fyne.MenuItem) *fyne.MenuItem {
	it := fyne.NewMenuItem("Transfer", nil)
	it.ChildMenu = fyne.NewMenu("",
		// Making a bundle writes too: it notes the records' clocks and this computer's name.
		writes(fyne.NewMenuItem("Take records on the road…", m.takeOnTheRoad)),
		writes(fyne.NewMenuItem("Bring records back…", m.bringBack)),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Conflicts…", func() {
			if !m.browsing() {
				m.sayWhatToCloseFirst("The conflicts open from the client list", "File › Transfer › Conflicts…")
				return
			}
			m.showConflicts()
		}),
	)
	return it
}

// copyStore is the practice as the transfer works on it (either engine).
func (m *mainWindow) copyStore() ondisk.CopyStore { return m.store.(ondisk.CopyStore) }

// takeState is what the form to make a bundle starts from.
type takeState struct {
	peers  []ondisk.TransferPeer
	device string // this computer's name as the other copies know it
}

// takeOnTheRoad asks where to save a bundle, what to carry and its passphrase, then makes it.
func (m *mainWindow) takeOnTheRoad() {
	if !m.browsing() {
		m.sayWhatToCloseFirst("Records are taken on the road from the client list", "File › Transfer › Take records on the road…")
		return
	}
	s := m.store
	cs := m.copyStore()
	async(func() (takeState, error) {
		ctx := context.Background()
		peers, err := ondisk.TransferPeers(ctx, cs)
		if err != nil {
			return takeState{}, err
		}
		// Not the system's host name ("vm", "DESKTOP-4F2K"), which practitioners would not
		// recognise: a practice that has no name for this computer yet asks for one.
		name, err := s.Setting(ctx, "device.name")
		if err != nil {
			return takeState{}, err
		}
		if h, _ := os.Hostname(); name == h {
			name = "" // the name a bundle brought in before gave this computer, unasked
		}
		return takeState{peers: peers, device: name}, nil
	}, func(st takeState, err error) {
		if err != nil {
			showError(m.win, "read the practice's other copies", err)
			return
		}
		newTakeForm(m, st).show()
	})
}

// takeForm is the form that makes a bundle.
type takeForm struct {
	m       *mainWindow
	d       *dialog.CustomDialog
	name    *nlwidget.TextField
	dir     string
	carry   *widget.RadioGroup
	peers   []ondisk.TransferPeer
	options []string // carry's options: everything, then one per peer
	device  *nlwidget.TextField
	// deviceNote says, under the field, that this computer needs a name.
	deviceNote *widget.Label
	// autoName is the file name the form suggested; it follows the computer's name until edited.
	autoName string
	pass     *nlwidget.TextField
	again    *nlwidget.TextField
	message  *widget.Label
	ok       *widget.Button
}

// carryEverything is the choice of a bundle of all the practice holds.
const carryEverything = "Everything (a laptop that has no copy yet)"

// takeFormWidth fits the folder in two lines and the passphrase's sentences in a few.
const takeFormWidth = 660

func newTakeForm(m *mainWindow, st takeState) *takeForm {
	f := &takeForm{m: m, peers: st.peers}
	f.dir = m.app.Preferences().StringWithFallback(prefLastFolder, defaultFolder())
	f.name = nlwidget.NewTextField()
	f.autoName = bundleFileName(st.device, m.now())
	f.name.SetText(f.autoName)
	f.options = []string{carryEverything}
	seen := map[string]bool{}
	for _, p := range st.peers {
		label := "What " + wording.DeviceOrUnnamed(p.Name) + " may lack"
		if seen[label] { // two copies of one name: told apart by their last bundle
			if t, err := data.ParseTime(p.LastAt); err == nil {
				label += " (last bundle " + wording.DateTime(t) + ")"
			}
		}
		seen[label] = true
		f.options = append(f.options, label)
	}
	f.carry = widget.NewRadioGroup(f.options, nil)
	f.carry.Required = true
	f.carry.SetSelected(f.options[min(1, len(f.options)-1)]) // the latest copy known, or everything
	f.device = nlwidget.NewTextField()
	f.device.SetText(st.device)
	f.device.SetPlaceHolder("Clinic PC, Anna's laptop…")
	f.deviceNote = wrapLabel("")
	f.deviceNote.Importance = widget.DangerImportance
	f.deviceNote.Hide()
	f.pass, f.again = nlwidget.NewTextField(), nlwidget.NewTextField()
	f.pass.Password, f.again.Password = true, true
	f.message = wrapLabel("")
	f.message.Importance = widget.DangerImportance
	clear := func(string) { f.message.SetText("") }
	f.pass.OnChanged, f.again.OnChanged, f.name.OnChanged = clear, clear, clear
	f.device.OnChanged = func(s string) {
		clear(s)
		if f.deviceNote.Visible() && strings.TrimSpace(s) != "" {
			f.deviceNote.Hide()
			f.fit()
		}
		// Both computers save their bundles to the same stick: the name of the one that made
		// it keeps them apart, unless the practitioner named the file themselves.
		if f.name.Text == f.autoName {
			f.autoName = bundleFileName(s, m.now())
			f.name.SetText(f.autoName)
		}
	}
	f.name.OnSubmitted = func(string) { m.win.Canvas().Focus(f.device) }
	f.device.OnSubmitted = func(string) { m.win.Canvas().Focus(f.pass) }
	f.pass.OnSubmitted = func(string) { m.win.Canvas().Focus(f.again) }
	f.again.OnSubmitted = func(string) { f.submit() }

	rows := []fyne.CanvasObject{
		nlwidget.AtLeastWide(boldLabel(againLabel).MinSize().Width, boldLabel("File name")), f.name,
		boldLabel("Folder"), folderRow(m.win, &f.dir),
		boldLabel("Carry"), f.carry,
		boldLabel("This computer"), container.NewVBox(f.device, f.deviceNote,
			settingsHint("How the other computer will name this one, in what it brings back and in conflicts.")),
		boldLabel("Passphrase"), f.pass,
		boldLabel(againLabel), f.again,
		widget.NewLabel(""), container.NewVBox(settingsHint(ondisk.BackupPassphraseRule+
			" The other computer asks for it to open the bundle: tell it another way than the file travels."), messageRoom(f.message)),
	}
	width := min(takeFormWidth, m.win.Canvas().Size().Width-40)
	form := nlwidget.AtLeastWide(width-40, container.New(layout.NewFormLayout(), rows...))
	f.ok = widget.NewButton("Make the bundle", f.submit)
	f.ok.Importance = widget.HighImportance
	f.d = dialog.NewCustomWithoutButtons("Take records on the road", form, m.win)
	f.d.SetButtons([]fyne.CanvasObject{widget.NewButton("Cancel", f.d.Hide), f.ok})
	f.d.Resize(fyne.NewSize(width, 0))
	return f
}

func (f *takeForm) show() {
	showDialog(f.m.win, f.d)
	if strings.TrimSpace(f.device.Text) == "" {
		f.m.win.Canvas().Focus(f.device)
		return
	}
	f.m.win.Canvas().Focus(f.pass)
}

// fit gives the dialog the height of what it shows now.
func (f *takeForm) fit() { f.d.Resize(fyne.NewSize(f.d.MinSize().Width, 0)) }

// bundleFileName is the name a bundle made on the computer named device at is offered:
// "needlelog from Anna's laptop 2026-12-07 17.40.nlbundle", safe on every system the file may
// reach, and not the name of the bundle made earlier the same day.
func bundleFileName(device string, at time.Time) string {
	name := "needlelog"
	if d := safeFileName(device); d != "" {
		name += " from " + d
	}
	return name + " " + at.Format("2006-01-02 15.04") + bundleExt
}

// safeFileName keeps of s what every system takes in a file name: no characters Windows
// refuses (<>:"/\|?* and control characters), none that turn or hide what follows (U+202E), no
// run of spaces, no dot or space at the end.
func safeFileName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(`<>:"/\|?*`, r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimRight(strings.Join(strings.Fields(s), " "), ". ")
}

// say puts a sentence about what was typed under the passphrase, and focuses where to type again.
func (f *takeForm) say(sentence string, at fyne.Focusable) {
	f.message.SetText(sentence)
	f.fit() // the message's lines
	if at != nil {
		f.m.win.Canvas().Focus(at)
	}
}

// submit checks the form and makes the bundle.
func (f *takeForm) submit() {
	base := withExtension(strings.TrimSpace(f.name.Text), []string{bundleExt})
	if base == "" || strings.ContainsAny(base, `/\`) {
		f.say("Type a name for the bundle's file, without folders in it.", f.name)
		return
	}
	device := strings.TrimSpace(f.device.Text)
	if device == "" {
		f.deviceNote.SetText("Type a name for this computer, such as Anna's laptop: the other computer names it so.")
		f.deviceNote.Show()
		f.fit()
		f.m.win.Canvas().Focus(f.device)
		return
	}
	msg, field := newPassphraseProblem(f.pass.Text, f.again.Text)
	if field == 1 { // which of the two was mistyped cannot be told: both again
		f.pass.SetText("")
		f.again.SetText("")
	}
	if msg != "" {
		f.say(msg, f.pass) // after the fields, whose change takes it away
		return
	}
	path := filepath.Join(f.dir, base)
	if err := files.CheckTarget(path, guardedFile(f.m.store)); err != nil {
		var rt *files.RefusedTargetError
		if errors.As(err, &rt) {
			f.say(wording.Quoted(base)+" is "+rt.What+", which Needlelog never replaces: choose another name or folder.", f.name)
		} else {
			f.say(errorSentence("save the bundle there", err), nil)
		}
		return
	}
	o := ondisk.BundleOptions{Lock: transfer.Lock{Passphrase: f.pass.Text}, DeviceName: device}
	if i := indexOf(f.options, f.carry.Selected); i <= 0 {
		o.Full = true
	} else {
		o.For = f.peers[i-1].Device
	}
	run := func() {
		f.d.Hide()
		f.m.app.Preferences().SetString(prefLastFolder, f.dir)
		makeBundle(f.m, path, o)
	}
	if _, err := os.Stat(path); err == nil {
		confirm(f.m.win, "Replace "+base+"?", "A file of that name is already in the folder. It is replaced only once the new bundle is complete.",
			"Replace", run)
		return
	}
	run()
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// makeBundle writes the bundle behind a progress dialog, then says what it carried and where.
func makeBundle(m *mainWindow, path string, o ondisk.BundleOptions) {
	cs := m.copyStore()
	// The first line is the form's own: "Starting…" would sit there for seconds, and the engine's
	// first line speaks of changes since the last bundle, which a bundle of everything is not.
	first := "Looking for what changed since the last exchange"
	if o.Full {
		first = "Reading the practice's records"
	}
	withProgress(m.win, "Making the bundle", first, func(ctx context.Context, say func(string)) (ondisk.BundleResult, error) {
		o.Progress = func(s string) {
			if strings.HasPrefix(s, "looking for what changed") {
				s = first
			}
			say(s)
		}
		return ondisk.MakeBundle(ctx, cs, path, o)
	}, func(res ondisk.BundleResult, err error) {
		switch {
		case errors.Is(err, context.Canceled):
			showInfo(m.win, "Bundle cancelled", "No bundle was written.")
		case err != nil:
			showError(m.win, "make the bundle", err)
		default:
			showBundleMade(m, path, res)
		}
	})
}

// showBundleMade says what a bundle carried, where it is, and what to do with it.
// carryItOn says what to do with a bundle on the other computer: a bundle of everything may be a
// new laptop's first, started from the welcome page.
func carryItOn(full bool) string {
	if full {
		return "Carry it to the other computer. On a laptop that has no copy of the practice yet, choose " +
			"\"Start from the clinic's bundle…\" when Needlelog opens there; on one that has, choose " + bringBackAgain + " there."
	}
	return "Carry it to the other computer and choose " + bringBackAgain + " there."
}

func showBundleMade(m *mainWindow, path string, res ondisk.BundleResult) {
	what := wording.BundleCarried(res.Records, res.Photos, res.Deleted)
	if res.Full {
		what += ": everything this practice holds"
	} else {
		what += ": what the other computer may lack"
	}
	where := settingsHint("In " + filepath.Dir(path))
	where.Wrapping = fyne.TextWrapBreak // a long folder breaks anywhere rather than leave the dialog
	folder := widget.NewButtonWithIcon("Show in folder", theme.FolderOpenIcon(), func() {
		if err := systemOpenURL(settingsFolderURL(path)); err != nil {
			showError(m.win, "open the folder", err)
		}
	})
	box := container.NewVBox(
		wrapLabel(wording.Quoted(filepath.Base(path))+" carries "+what+", encrypted with the passphrase you typed."),
		container.NewBorder(nil, nil, nil, folder, where),
		wrapLabel(carryItOn(res.Full)))
	d := dialog.NewCustom("Bundle made", "Close", box, m.win)
	d.Resize(fyne.NewSize(600, 0))
	showDialog(m.win, d)
}

// afterTransferStep, when set, runs each time a bundle's work says how far it is: tests press
// Cancel from it.
var afterTransferStep func()

// withProgress runs work off the UI goroutine behind a dialog saying how far it is, with Cancel,
// and hands its result to done on the UI goroutine once the dialog is gone. Cancel ends work's
// context: work that notices fails with context.Canceled.
func withProgress[T any](win fyne.Window, title, first string, work func(ctx context.Context, say func(string)) (T, error), done func(T, error)) {
	ctx, cancel := context.WithCancel(context.Background())
	status := widget.NewLabel(first + "…")
	status.Truncation = fyne.TextTruncateEllipsis
	bar := widget.NewProgressBarInfinite()
	stop := widget.NewButton("Cancel", func() {
		cancel()
		status.SetText("Stopping…")
	})
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(status, bar), win)
	d.SetButtons([]fyne.CanvasObject{stop})
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
	say := func(s string) {
		fyne.Do(func() {
			if ctx.Err() == nil && s != "" {
				status.SetText(strings.ToUpper(s[:1]) + s[1:] + "…")
			}
		})
		if afterTransferStep != nil {
			afterTransferStep()
		}
	}
	async(func() (T, error) { return work(ctx, say) }, func(v T, err error) {
		stopped := ctx.Err() != nil // Cancel was pressed
		cancel()
		bar.Stop()
		d.Hide()
		if err != nil && stopped && !errors.Is(err, context.Canceled) {
			err = fmt.Errorf("%w: %v", context.Canceled, err) // stopped by Cancel, whatever the work said
		}
		done(v, err)
	})
}

// bringWords are the titles of the flow that brings a bundle in: a practice that holds no records
// yet is made from it, which is no bringing back.
type bringWords struct {
	isNew                          bool
	choose, ask, working, done, no string
}

func bringWordsFor(isNew bool) bringWords {
	if isNew {
		return bringWords{isNew, "Take records in: choose the bundle from the clinic (" + bundleExt + ")",
			"Take records in", "Taking records in", "Records taken in", "Taking records in cancelled"}
	}
	return bringWords{isNew, "Bring records back: choose the bundle (" + bundleExt + ")",
		"Bring records back", "Bringing records back", "Records brought back", "Bringing records back cancelled"}
}

// readBringWords tells, off the UI goroutine, whether the practice holds records yet, and hands
// the flow's titles to then.
func (m *mainWindow) readBringWords(then func(bringWords)) {
	cs := m.copyStore()
	async(func() (bool, error) { return ondisk.CheckEmpty(context.Background(), cs) == nil, nil },
		func(isNew bool, _ error) { then(bringWordsFor(isNew)) })
}

// bringBack asks for a bundle file, then its passphrase, and applies it.
func (m *mainWindow) bringBack() {
	if !m.browsing() {
		m.sayWhatToCloseFirst("Records are brought back from the client list", bringBackAgain)
		return
	}
	m.readBringWords(m.chooseBundle)
}

// chooseBundle asks for the bundle file, then its passphrase.
func (m *mainWindow) chooseBundle(w bringWords) {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			showError(m.win, "open the bundle", err)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		m.app.Preferences().SetString(prefLastFolder, filepath.Dir(path))
		m.askPassphraseFor(path, w)
	}, m.win)
	fd.SetTitleText(w.choose)
	fd.SetView(dialog.ListView)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{bundleExt}))
	dir := m.app.Preferences().StringWithFallback(prefLastFolder, defaultFolder())
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		fd.SetLocation(l)
	}
	size := m.win.Canvas().Size()
	fd.Resize(fyne.NewSize(min(900, size.Width-40), min(640, size.Height-40)))
	fd.Show()
}

// askBundlePassphrase asks for the passphrase of the bundle at path and applies it; a wrong one
// is said, to type again.
func (m *mainWindow) askBundlePassphrase(path string) {
	m.readBringWords(func(w bringWords) { m.askPassphraseFor(path, w) })
}

func (m *mainWindow) askPassphraseFor(path string, w bringWords) *passphraseDialog {
	said := wording.Quoted(filepath.Base(path)) + " is a bundle of records from another copy of this practice. " +
		"Enter the passphrase it was made with: what it brings is merged into this practice, and what differs " +
		"on both sides is kept for you to settle."
	if w.isNew {
		said = wording.Quoted(filepath.Base(path)) + " is a bundle of a practice's records. Enter the passphrase it was made with: " +
			"this computer's practice is made from it, as a copy of its own."
	}
	p := newPassphraseDialog(m.win, w.ask, "Bring them in", []string{said}, []string{"Passphrase"}, "")
	p.submit = func(v []string) {
		if v[0] == "" {
			p.fail("Enter the passphrase the bundle was made with.", 0)
			return
		}
		p.d.Hide() // back if the passphrase is wrong
		m.applyBundle(p, path, v[0], w)
	}
	p.show()
	return p
}

// applyBundle applies the bundle behind a progress dialog, then says what came in. A practice
// that holds no records yet is made from the bundle: the laptop's first bundle of everything.
func (m *mainWindow) applyBundle(p *passphraseDialog, path, pass string, w bringWords) {
	cs := m.copyStore()
	withProgress(m.win, w.working, "Opening the bundle", func(ctx context.Context, say func(string)) (brought, error) {
		var b brought
		b.isNew = ondisk.CheckEmpty(ctx, cs) == nil
		var err error
		b.res, err = ondisk.ApplyBundle(ctx, cs, path, ondisk.ApplyOptions{Unlock: transfer.Unlock{Passphrase: pass}, New: b.isNew, Progress: say})
		return b, err
	}, func(b brought, err error) {
		if errors.Is(err, transfer.ErrLocked) {
			p.d.Show()
			p.fail("This passphrase does not open the bundle: check it and type it again. Nothing was changed.", 0)
			return
		}
		p.finish()
		if err != nil {
			if errors.Is(err, context.Canceled) {
				showInfo(m.win, w.no, "Nothing was changed.")
				return
			}
			slog.Error("could not bring records back", "err", err)
			said := bundleSentence(err)
			if errors.Is(err, ondisk.ErrOtherPractice) && !w.isNew && m.total == 0 {
				// A new laptop where a practitioner or a setting was added first: it is a
				// practice of its own already, which the clinic's bundle cannot become.
				said = strings.TrimSuffix(said, " Nothing was changed.") +
					" This practice has no clients yet but already holds other records, so it cannot be made from the bundle: " +
					"start a new practice with File › New database…, and start it from the clinic's bundle there. Nothing was changed."
			}
			showInfo(m.win, "The bundle was not applied", said)
			return
		}
		m.reloadClient() // the client page open beside it shows what came in, and edits from there on
		m.showBroughtBack(b)
	})
}

// brought is what a bundle brought in, as its summary says it.
type brought struct {
	res   ondisk.ApplyResult
	isNew bool // the practice was made from the bundle
}

// bundleSentence says in one sentence why a bundle was refused; nothing was changed.
func bundleSentence(err error) string {
	switch {
	case errors.Is(err, transfer.ErrDamaged):
		return "The bundle is damaged or incomplete: it was changed or cut off on its way, or is not a Needlelog bundle. " +
			"Nothing was changed: make a new bundle on the other computer and bring that one."
	case errors.Is(err, ondisk.ErrOtherPractice):
		return "This bundle was made by another practice: bundles go only between copies of the same practice. Nothing was changed."
	case errors.Is(err, transfer.ErrNewer):
		return "This bundle was made by a newer Needlelog: update Needlelog on this computer first, then bring it back again. Nothing was changed."
	case errors.Is(err, ondisk.ErrMadeForAnother):
		return "This bundle was made for a copy of the practice that holds more records than this one: on the other computer, " +
			"make a bundle of everything (Take records on the road… › Everything) and bring that one. Nothing was changed."
	case errors.Is(err, ondisk.ErrOwnBundle):
		return "This bundle was made by this very copy of the practice: bring it back on the other computer. Nothing was changed."
	}
	return errorSentence("bring the records back", err) + " Nothing was changed."
}

// broughtBack says what a bundle brought: "From Anna's laptop, made 5 Dec 2026, 17:40: 15 new
// records (3 clients), 4 changed, 2 photo files; 1 conflict to settle."
func broughtBack(b brought) string {
	res := b.res
	from := "From " + wording.DeviceOrUnnamed(res.DeviceName)
	if t, err := data.ParseTime(res.Made); err == nil {
		from += ", made " + wording.DateTime(t)
	}
	if res.AlreadyApplied {
		return from + ": this bundle was brought in before, so nothing was changed."
	}
	said := from + ": " + wording.BundleBrought(res.Created, res.CreatedBy, res.Updated, res.Deleted, res.Amended, res.Photos, len(res.Conflicts)) + "."
	if b.isNew {
		said += " This computer now holds its own copy of the practice: bring its changes back to the other computer the same way."
	}
	return said
}

// showBroughtBack shows the summary, with the way to the conflicts when there are any.
func (m *mainWindow) showBroughtBack(b brought) {
	res := b.res
	box := container.NewVBox(wrapLabel(broughtBack(b)))
	var d *dialog.CustomDialog
	buttons := []fyne.CanvasObject{widget.NewButton("Close", func() { d.Hide() })}
	if n := len(res.Conflicts); n > 0 {
		box.Add(wrapLabel(wording.Plural(n, "One value differed on both sides: the later change is in the record, and the other is kept for you to choose.",
			"Some values differed on both sides: the later change is in each record, and the other is kept for you to choose.")))
		settle := widget.NewButton("Settle the conflicts…", func() {
			d.Hide()
			m.showConflicts()
		})
		settle.Importance = widget.HighImportance
		buttons = append(buttons, settle)
	}
	title := "Records brought back"
	if b.isNew {
		title = "Records taken in"
	}
	d = dialog.NewCustomWithoutButtons(title, box, m.win)
	d.SetButtons(buttons)
	d.Resize(fyne.NewSize(560, 0))
	showDialog(m.win, d)
}
