package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// draftDelay is how long after the last keystroke the form is saved as a draft: a crash or a
// power cut loses at most about this much typing. Tests save drafts themselves.
var draftDelay = 2 * time.Second

// sessionEditor logs one session: header, anaesthetic, device and cartridge, the zone map and
// grid, products, side effects, pain, aftercare, price and next due date.
type sessionEditor struct {
	win     fyne.Window
	store   *sqlite.Store
	ed      editorData
	base    data.Session // the session as last loaded or saved; the form edits on top of it
	draftID string
	saved   string // the form, as JSON, when it was last saved (or opened): changed() compares
	drafted string // the form, as JSON, when it was last saved as a draft
	timer   *time.Timer
	filling bool // widgets are being set from a form: not a change by the practitioner
	closed  bool
	saving  bool // a save is under way: no second save, and no draft that could outlive it
	// fresh holds rows just added ("products[1]") whose messages wait until the practitioner
	// leaves the row's first field or tries to save: an empty row is not yet a mistake.
	fresh   map[string]bool
	saveBtn *widget.Button

	notes     *fieldNotes
	safety    map[string]*fyne.Container // warnings beside each section, by data.Section*
	checks    []data.SafetyWarning       // as last found
	overrides map[string]string          // reasons typed to treat despite a block, by rule
	status    *widget.Label
	title     *widget.Label // what and whose, shortened to fit
	facts     *widget.Label // skin type and allergies, never shortened

	startedAt, seriesN, seriesOf, interval *textField
	practitioner, modality                 *widget.Select
	concerns                               *checkGrid
	anaesthetic, anaestheticLot            *textField
	anaestheticMinutes                     *textField
	device, cartridge, cartridgeLot        *textField
	serial, cartridgeExpiry                *textField
	zoneMap                                *zoneMap
	zoneArea                               *zoneArea
	zoneBox, productBox, sideEffectBox     *fyne.Container
	zones                                  []*zoneRowWidgets
	products                               []*productRowWidgets
	sideEffects                            []*sideEffectRowWidgets
	noSideEffects                          *widget.Check
	pain                                   *widget.Select
	aftercare                              *checkGrid
	aftercareSheet, price, nextDue         *textField
	notesEntry, photoRefusal               *textField
	amendBox                               *fyne.Container
	signBtn                                *widget.Button
	actor                                  func() string // the practitioner signing in, "" without accounts
	addZone                                *widget.Select
	root                                   fyne.CanvasObject
	onClose                                func()

	// A signed session opens read-only: locked, every field disabled and the map deaf, until
	// Amend… has the reason and unlocks it for the amendment.
	formBox      fyne.CanvasObject // with the zone area's tools and rows, what the lock disables
	locked       bool
	lockedOff    []fyne.Disableable  // what the lock disabled, enabled again when it lifts
	lockedHidden []fyne.CanvasObject // the buttons the lock hid, shown again when it lifts
	readable     []fyne.CanvasObject // the form's halves, drawn with readOnlyTheme
	amendWhy     string              // the amendment's reason, asked before the form unlocks
	beforePhotos int                 // the session's before photos, as signing needs one

	// What signing still needs, as the practice's rule says it (data.SigningCheck), kept up to date.
	missing      []string
	checkSummary *widget.Label
	checkList    *widget.Label
	checkMore    *widget.Button
	checkBox     *fyne.Container
	suggestWhy   *widget.Label // why Suggest has no next due date to give
}

// newSessionEditor builds the editor for ed.session, or for a recovered draft when d is set.
func newSessionEditor(win fyne.Window, store *sqlite.Store, ed editorData, d *data.Draft) *sessionEditor {
	e := &sessionEditor{win: win, store: store, ed: ed, base: ed.session, notes: newFieldNotes(),
		safety: map[string]*fyne.Container{}, overrides: map[string]string{}}
	e.build()
	form := formOf(ed.session, &e.ed.catalog)
	e.saved = e.encode(form)
	status := ""
	if d != nil {
		var recovered sessionForm
		if err := json.Unmarshal(d.Form, &recovered); err != nil {
			// Keep the draft as it is (draftID stays empty, so saving does not remove it).
			slog.Error("read draft", "id", d.ID, "err", err)
			status = "The draft kept at " + d.UpdatedAt.Local().Format("15:04") + " could not be read; it is kept untouched."
		} else {
			e.draftID = d.ID
			form = recovered
			e.base.Version = recovered.Version
			status = "Recovered what was typed at " + d.UpdatedAt.Local().Format("15:04:05") + ": check it and save."
		}
	}
	if e.base.ID == "" && d == nil {
		// Who treats is who is signed in (or, without passphrases, who used this computer last),
		// never whoever treated the client last time.
		if name := nameOf(e.ed.catalog.practitioners, e.defaultPractitioner(), practitionerName, practitionerID); name != "" {
			form.Practitioner = name
		}
	}
	e.fill(form)
	if d == nil {
		// What the editor filled in itself (the practitioner, a value normalised by its widget)
		// is no change: the baseline is the form as it stands once opened.
		e.saved = e.encode(e.form())
	}
	e.drafted = e.encode(e.form())
	e.beforePhotos = ed.beforePhotos
	e.setLocked(e.store.ReadOnly() || e.base.Status == data.StatusSigned && d == nil)
	e.validate()
	if e.locked && e.base.Status == data.StatusSigned {
		status = "Signed, so read-only: Amend… asks for the reason, then lets you change it."
	}
	if e.store.ReadOnly() {
		// Nothing typed here could be saved: the session is there to be read and printed.
		status = "Open read-only: this session can be read and printed here, not changed."
	}
	e.status.SetText(status)
	return e
}

func (e *sessionEditor) content() fyne.CanvasObject { return e.root }

// focus puts the keyboard in the date, unless the form is read-only: a keystroke must not
// replace a signed value.
func (e *sessionEditor) focus() {
	if !e.locked {
		e.win.Canvas().Focus(e.startedAt)
	}
}

// defaultPractitioner is who a new session is by: the practitioner signed in, or, in a practice
// without passphrases, the one last recorded on this computer, or the only one there is.
func (e *sessionEditor) defaultPractitioner() string {
	current := current(e.ed.catalog.practitioners, func(p data.Practitioner) bool { return p.Retired })
	known := func(id string) bool {
		return id != "" && slices.ContainsFunc(current, func(p data.Practitioner) bool { return p.ID == id })
	}
	if id := e.signedInID(); id != "" {
		return id
	}
	if id := lastPractitioner(e.store); known(id) {
		return id
	}
	if len(current) == 1 {
		return current[0].ID
	}
	return ""
}

// signedInID is the practitioner signed in at the lock screen; "" in a practice without passphrases.
func (e *sessionEditor) signedInID() string {
	if e.actor != nil {
		if id := e.actor(); id != "" {
			return id
		}
	}
	return e.store.Actor()
}

// The practitioner last recorded on a session on this computer, kept per practice file.
func lastPractitionerKey(s *sqlite.Store) string { return "session.last_practitioner." + s.Path() }

func lastPractitioner(s *sqlite.Store) string {
	if a := fyne.CurrentApp(); a != nil {
		return a.Preferences().String(lastPractitionerKey(s))
	}
	return ""
}

func rememberPractitioner(s *sqlite.Store, id string) {
	if a := fyne.CurrentApp(); a != nil && id != "" {
		a.Preferences().SetString(lastPractitionerKey(s), id)
	}
}

func (e *sessionEditor) build() {
	c := &e.ed.catalog
	e.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	e.title.SizeName = theme.SizeNameSubHeadingText
	e.title.Truncation = fyne.TextTruncateEllipsis // a long name must not push the buttons off the window
	e.facts = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	e.facts.SizeName = theme.SizeNameSubHeadingText
	e.status = widget.NewLabel("")
	e.status.Truncation = fyne.TextTruncateEllipsis

	entry := func(placeholder string) *textField {
		w := newTextField()
		w.SetPlaceHolder(placeholder)
		w.OnChanged = func(string) { e.changed_() }
		return w
	}
	// Names are completed when left (a unique start stands for the name); lot numbers never are.
	selectEntry := func(options []string, placeholder string) *textField {
		w := newPicker(options, placeholder, true)
		w.OnChanged = func(string) { e.changed_() }
		return w
	}
	lotEntry := func() *textField {
		w := newPicker(nil, "Lot", false)
		w.OnChanged = func(string) { e.changed_() }
		return w
	}
	e.startedAt = entry("YYYY-MM-DD HH:MM")
	e.seriesN = entry("1")
	e.seriesOf = entry("none planned")
	e.interval = entry("28")
	e.practitioner = widget.NewSelect(names(current(c.practitioners, func(p data.Practitioner) bool { return p.Retired }), practitionerName),
		func(string) { e.changed_() })
	e.practitioner.PlaceHolder = "Who treats"
	e.modality = widget.NewSelect(c.lists[data.ListModality], func(string) { e.changed_() })
	e.concerns = newCheckGrid(c.lists[data.ListConcern], 2, e.changed_)

	e.anaesthetic = selectEntry(names(current(c.anaesthetics(), productRetired), productName), "None")
	e.anaestheticLot = lotEntry()
	e.anaesthetic.OnChanged = func(string) {
		e.anaestheticLot.SetOptions(lotNames(c.lots[idOf(c.products, e.anaesthetic.Text, productName, productID)]))
		e.changed_()
	}
	e.anaestheticMinutes = entry("minutes")
	e.device = selectEntry(names(current(c.devices, func(d data.Device) bool { return d.Retired }), deviceName), "Pen, roller or RF device")
	e.device.OnChanged = func(string) {
		for _, r := range e.zones {
			r.speed.SetPlaceHolder(speedUnit(e))
		}
		e.changed_()
	}
	e.serial = entry("Handpiece serial")
	e.cartridge = selectEntry(names(current(c.cartridges, func(c data.Cartridge) bool { return c.Retired }), cartridgeName), "Needles")
	e.cartridgeLot = lotEntry()
	e.cartridgeExpiry = entry("YYYY-MM-DD")
	e.cartridge.OnChanged = func(string) {
		e.cartridgeLot.SetOptions(lotNames(c.lots[idOf(c.cartridges, e.cartridge.Text, cartridgeName, cartridgeID)]))
		e.changed_()
	}
	var filled string // the expiry last filled in from a known lot
	e.cartridgeLot.OnChanged = func(lot string) {
		if !e.filling {
			filled = fillExpiry(e.cartridgeExpiry, c.lots[idOf(c.cartridges, e.cartridge.Text, cartridgeName, cartridgeID)], lot, filled)
		}
		e.changed_()
	}

	e.zoneMap = newZoneMap(c.zones, func(z data.Zone) {
		if !e.locked {
			e.toggleZone(z.Name)
		}
	})
	e.zoneBox = container.NewVBox()
	e.addZone = widget.NewSelect(zoneNames(c.zones), func(name string) {
		if name != "" {
			e.toggleZone(name)
			e.addZone.ClearSelected()
		}
	})
	e.addZone.PlaceHolder = "Add a zone…"
	e.productBox = container.NewVBox()
	e.sideEffectBox = container.NewVBox()
	e.noSideEffects = widget.NewCheck("None observed", func(bool) { e.changed_() })
	painOptions := []string{"not recorded"}
	for i := 0; i <= data.MaxPain; i++ {
		painOptions = append(painOptions, strconv.Itoa(i))
	}
	e.pain = widget.NewSelect(painOptions, func(string) { e.changed_() })
	e.aftercare = newCheckGrid(c.lists[data.ListAftercare], 1, e.changed_)
	e.aftercareSheet = entry("version")
	e.price = entry("e.g. 350.00")
	e.nextDue = newDateField(data.Date{}, "")
	e.nextDue.OnChanged = func(string) { e.changed_() }
	e.notesEntry = newTextField()
	e.notesEntry.MultiLine = true
	e.notesEntry.Wrapping = fyne.TextWrapWord
	e.notesEntry.SetMinRowsVisible(3)
	e.notesEntry.OnChanged = func(string) { e.changed_() }
	e.photoRefusal = entry("Only when no before photo was taken: why, e.g. the client declined")
	e.amendBox = container.NewVBox()

	n := e.notes
	plus := func(add func()) *widget.Button {
		b := widget.NewButtonWithIcon("", theme.ContentAddIcon(), add)
		b.Importance = widget.LowImportance
		return b
	}
	withPlus := func(w fyne.CanvasObject, b *widget.Button) fyne.CanvasObject {
		return container.NewBorder(nil, nil, nil, b, w)
	}
	for _, sec := range []string{data.SectionHeader, data.SectionAnaesthetic, data.SectionDevice, data.SectionZones,
		data.SectionProducts} {
		e.safety[sec] = container.NewVBox()
	}
	header := section("When and who",
		container.NewGridWithColumns(2,
			n.field("Date and time", "started_at", e.startedAt),
			n.field("Practitioner", "practitioner", withPlus(e.practitioner, plus(e.quickAddPractitioner)))),
		container.NewGridWithColumns(3,
			n.field("Session", "series_n", e.seriesN),
			n.field("of a series of", "series_of", e.seriesOf),
			n.field("every (days)", "interval_days", e.interval)),
		n.field("Concerns treated", "concerns", e.concerns.content()),
		n.field("Combined with", "modality", e.modality),
		e.safety[data.SectionHeader], // under the fields: typing never moves them
	)
	anaesthetic := section("Topical anaesthetic",
		container.NewGridWithColumns(3,
			n.field("Product", "anaesthetic_product", withPlus(e.anaesthetic, plus(func() { e.quickAddProduct(true) }))),
			n.field("Lot", "anaesthetic_lot", e.anaestheticLot),
			n.field("Minutes applied", "anaesthetic_minutes", e.anaestheticMinutes)),
		e.safety[data.SectionAnaesthetic],
	)
	device := section("Device and cartridge",
		container.NewGridWithColumns(2,
			n.field("Device", "device", withPlus(e.device, plus(e.quickAddDevice))),
			n.field("Handpiece serial", "handpiece_serial", e.serial)),
		container.NewGridWithColumns(3,
			n.field("Cartridge", "cartridge", withPlus(e.cartridge, plus(e.quickAddCartridge))),
			n.field("Lot", "cartridge_lot", e.cartridgeLot),
			n.field("Expiry", "cartridge_expiry", e.cartridgeExpiry)),
		e.safety[data.SectionDevice],
	)
	addProduct := widget.NewButtonWithIcon("Add product", theme.ContentAddIcon(), func() { e.addProductRow(productRow{Phase: "during"}) })
	products := section("Products applied", e.productBox, container.NewHBox(addProduct,
		widget.NewButtonWithIcon("New product…", theme.ContentAddIcon(), func() { e.quickAddProduct(false) })),
		e.safety[data.SectionProducts])
	addSideEffect := widget.NewButtonWithIcon("Add side effect", theme.ContentAddIcon(), func() {
		e.addSideEffectRow(sideEffectRow{Severity: "mild", During: true})
	})
	sideEffects := section("Side effects observed", e.noSideEffects, e.sideEffectBox, container.NewHBox(addSideEffect),
		n.note("no_side_effects"))
	e.suggestWhy = widget.NewLabel("")
	e.suggestWhy.Wrapping = fyne.TextWrapWord
	e.suggestWhy.Importance = widget.WarningImportance
	e.suggestWhy.Hide()
	suggest := widget.NewButton("Suggest", func() {
		s, _ := e.form().parse(e.base, &e.ed.catalog)
		d, why := suggestNextDueWhy(s)
		if !d.IsZero() {
			e.nextDue.SetText(d.String())
		}
		e.suggestWhy.SetText(why)
		e.suggestWhy.Hidden = why == ""
		e.suggestWhy.Refresh()
	})
	after := section("Pain, aftercare and next visit",
		container.NewGridWithColumns(3,
			n.field("Pain (0–10)", "pain_score", e.pain),
			n.field(data.MoneyTitle("Price", e.ed.currency), "price", e.price),
			n.field("Next session due", "next_due", container.NewBorder(nil, nil, nil, suggest, e.nextDue))),
		e.suggestWhy,
		n.field("Aftercare given", "aftercare", e.aftercare.content()),
		n.field("Aftercare sheet version", "aftercare_sheet", e.aftercareSheet),
		n.field("Notes", "notes", e.notesEntry),
		n.field("No before photo", "photo_refusal", e.photoRefusal),
	)
	amendments := section("Signature and amendments", e.amendBox)
	e.formBox = container.NewVBox(header, anaesthetic, device, products, sideEffects, after)
	left := formScroll(container.NewVScroll(container.NewPadded(container.NewVBox(e.formBox, amendments, n.general))))

	copyLast := widget.NewButtonWithIcon("Copy settings from the last session", theme.ContentCopyIcon(), e.copyLast)
	if e.ed.last == nil {
		copyLast.Disable()
	}
	gridHeader := container.NewBorder(nil, nil, nil, removeColumn(), zoneLine(boldLabel("Zone"),
		boldLabel("Depth"), boldLabel("Speed"), boldLabel("Passes"), boldLabel("Pattern"), boldLabel("Endpoint")))
	// The map over the grid, with a divider that moves; a zone's warnings show under its own row.
	e.zoneArea = newZoneArea(e.zoneMap, container.NewHBox(copyLast, e.addZone), gridHeader,
		container.NewVBox(e.zoneBox, n.note("zones"), e.safety[data.SectionZones]))
	right := container.NewPadded(e.zoneArea.content)

	save := widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), e.save)
	save.Importance = widget.HighImportance
	e.saveBtn = save
	closeBtn := widget.NewButtonWithIcon("Close", theme.NavigateBackIcon(), e.close)
	pdf := widget.NewButtonWithIcon("Record PDF", theme.DocumentPrintIcon(), func() { e.export(exportSessionPDF) })
	aftercare := widget.NewButtonWithIcon("Aftercare PDF", theme.DocumentPrintIcon(), func() { e.export(exportAftercarePDF) })
	e.signBtn = widget.NewButtonWithIcon("Sign…", theme.ConfirmIcon(), e.sign)
	e.checkSummary = widget.NewLabel("")
	e.checkSummary.Truncation = fyne.TextTruncateEllipsis
	e.checkList = widget.NewLabel("")
	e.checkList.Wrapping = fyne.TextWrapWord
	e.checkList.Hide()
	e.checkMore = widget.NewButton("Show all", func() {
		e.checkList.Hidden = !e.checkList.Hidden
		e.checkMore.SetText(map[bool]string{true: "Show all", false: "Hide"}[e.checkList.Hidden])
		e.relayout()
	})
	e.checkMore.Importance = widget.LowImportance
	e.checkBox = container.NewVBox(container.NewBorder(nil, nil, nil, e.checkMore, e.checkSummary), e.checkList)
	top := container.NewVBox(container.NewBorder(nil, nil, container.NewCenter(closeBtn),
		container.NewCenter(container.NewHBox(e.addPhotosButton(), pdf, aftercare, e.signBtn, save)), container.NewVBox(container.New(nameThenFacts{}, e.title, e.facts), e.status)))
	if !e.ed.client.Consent.OnFile() {
		top.Add(alert(theme.ColorNameWarning, "No treatment consent is on file for "+e.ed.client.Name()+
			": record the signed form under Consent in the client's profile (Edit profile) before treating."))
	}
	top.Add(e.checkBox)
	leftView := container.NewThemeOverride(left, readOnlyTheme{&e.locked})
	rightView := container.NewThemeOverride(right, readOnlyTheme{&e.locked})
	e.readable = []fyne.CanvasObject{leftView, rightView}
	split := container.NewHSplit(leftView, rightView)
	split.Offset = 0.5
	e.root = container.NewBorder(container.NewVBox(top, widget.NewSeparator()), nil, nil, nil, split)
	e.setTitle()
}

// nameThenFacts lays out a name (objects[0], a label) and, right after it and never shortened,
// the facts beside it (objects[1]). The name is shortened with … only when it does not fit:
// a label that truncates may cut a name that would just fit.
type nameThenFacts struct{}

func (nameThenFacts) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	name, facts := objects[0].(*widget.Label), objects[1]
	fw := facts.MinSize().Width
	whole := widget.NewLabelWithStyle(name.Text, name.Alignment, name.TextStyle) // as wide as the name unshortened
	whole.SizeName = name.SizeName
	nw := whole.MinSize().Width
	truncation := fyne.TextTruncateOff
	if nw > size.Width-fw {
		nw, truncation = max(size.Width-fw, 0), fyne.TextTruncateEllipsis
	}
	if name.Truncation != truncation {
		name.Truncation = truncation
		name.Refresh()
	}
	name.Move(fyne.NewPos(0, 0))
	name.Resize(fyne.NewSize(nw, size.Height))
	facts.Move(fyne.NewPos(nw-theme.InnerPadding(), 0)) // the two labels' paddings would part them too far
	facts.Resize(fyne.NewSize(fw, size.Height))
}

// MinSize leaves room for a name shortened to its ellipsis, whatever it is set to now.
func (nameThenFacts) MinSize(objects []fyne.CanvasObject) fyne.Size {
	name := objects[0].(*widget.Label)
	least := widget.NewLabelWithStyle("…", name.Alignment, name.TextStyle)
	least.SizeName = name.SizeName
	a, b := least.MinSize(), objects[1].MinSize()
	return fyne.NewSize(a.Width+b.Width, max(a.Height, b.Height))
}

func (e *sessionEditor) setTitle() {
	what := "New session"
	if e.base.ID != "" {
		what = "Session of " + e.base.StartedAt.Local().Format("2 Jan 2006")
	}
	e.title.SetText(what + "  ·  " + e.ed.client.Name())
	// The skin type and allergies stay whole beside the name, which alone is shortened.
	var facts []string
	if e.ed.client.Fitzpatrick > 0 {
		facts = append(facts, "Fitzpatrick "+roman(e.ed.client.Fitzpatrick))
	}
	if len(e.ed.client.Allergies) > 0 {
		facts = append(facts, "allergic to "+strings.Join(e.ed.client.Allergies, ", "))
	}
	e.facts.SetText("")
	if len(facts) > 0 {
		e.facts.SetText("·  " + strings.Join(facts, "  ·  "))
	}
	e.showSignature()
	if e.store.ReadOnly() {
		e.saveBtn.Hide()
		e.signBtn.Hide()
	}
}

// showSignature says whether the session is signed, lists its amendments, and offers Sign only
// for a saved, unsigned session.
func (e *sessionEditor) showSignature() {
	e.amendBox.RemoveAll()
	if e.base.Status != data.StatusSigned {
		e.signBtn.Show()
		e.saveBtn.SetText("Save")
		e.showMissing()
		note := widget.NewLabel("Not signed yet. Once the record is complete, the practitioner signs it (Sign…); a signed session can no longer be edited, only amended with a reason.")
		note.Wrapping = fyne.TextWrapWord
		e.amendBox.Add(note)
		return
	}
	e.signBtn.Hide()
	e.checkBox.Hide()
	if e.locked {
		e.saveBtn.SetText("Amend…")
	} else {
		e.saveBtn.SetText("Save amendment")
	}
	signer := nameOf(e.ed.catalog.practitioners, e.base.SignedBy, practitionerName, practitionerID)
	e.amendBox.Add(alert(theme.ColorNamePrimary, fmt.Sprintf("Signed by %s on %s. It opens read-only: Amend… asks for the reason, then lets you change it; the signed values stay on record.",
		signer, e.base.SignedAt.Local().Format("2 Jan 2006, 15:04"))))
	for _, a := range e.ed.amends {
		who := nameOf(e.ed.catalog.practitioners, a.PractitionerID, practitionerName, practitionerID)
		var lines []string
		for _, c := range a.Changes {
			lines = append(lines, fmt.Sprintf("%s: %s → %s", c.Label, orDash(c.Old), orDash(c.New)))
		}
		l := widget.NewLabel(fmt.Sprintf("Amendment %d, %s by %s: %s\n%s", a.N, a.At.Local().Format("2 Jan 2006, 15:04"),
			who, a.Reason, strings.Join(lines, "\n")))
		l.Wrapping = fyne.TextWrapWord
		e.amendBox.Add(l)
	}
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// signerID is who signs and amends: the practitioner signed in, or, in a practice without
// passphrases, the session's practitioner.
func (e *sessionEditor) signerID() string {
	if id := e.signedInID(); id != "" {
		return id
	}
	return e.base.PractitionerID
}

// checkMissing works out what signing still needs, from the session as typed: the practice's
// rule (data.SigningCheck), and that the session is saved as it shows.
func (e *sessionEditor) checkMissing(s data.Session) {
	e.missing = nil
	if e.base.Status == data.StatusSigned {
		return
	}
	if e.base.ID == "" {
		e.missing = append(e.missing, "Save the session (Ctrl+S), then sign it.")
	} else if e.changed() {
		e.missing = append(e.missing, "Save the changes (Ctrl+S), then sign.")
	}
	in := e.ed.safety
	in.Session = s
	names := map[string]string{}
	for _, p := range e.ed.catalog.practitioners {
		names[p.ID] = p.Name
	}
	e.missing = append(e.missing, data.SigningCheck{In: in, BeforePhotos: e.beforePhotos, SignerID: e.signedInID(),
		Names: names, Now: e.store.Now()}.Missing()...)
}

// showMissing shows the checklist, and offers Sign… only when signing can succeed.
func (e *sessionEditor) showMissing() {
	if e.base.Status == data.StatusSigned || e.store.ReadOnly() {
		e.checkBox.Hide()
		return
	}
	e.checkBox.Show()
	if len(e.missing) == 0 {
		e.checkSummary.SetText("Ready to sign: the record is complete.")
		e.checkSummary.Importance = widget.SuccessImportance
		e.checkMore.Hide()
		e.checkList.Hide()
		e.signBtn.Enable()
	} else {
		e.checkSummary.SetText(fmt.Sprintf("To sign, still needed (%d): %s", len(e.missing), strings.Join(e.missing, "  ·  ")))
		e.checkSummary.Importance = widget.WarningImportance
		if list := "• " + strings.Join(e.missing, "\n• "); list != e.checkList.Text {
			e.checkList.SetText(list)
			if e.checkList.Visible() {
				defer e.relayout() // the list's height changed
			}
		}
		e.checkMore.Show()
		e.signBtn.Disable()
	}
	e.checkSummary.Refresh()
	e.checkBox.Refresh()
}

// relayout fits the editor to its header's height, which the checklist changes.
func (e *sessionEditor) relayout() {
	if r, ok := e.root.(*fyne.Container); ok {
		r.Layout.Layout(r.Objects, r.Size())
	}
}

// setBeforePhotos takes in how many before photos the session has now, as photos are added.
func (e *sessionEditor) setBeforePhotos(n int) {
	e.beforePhotos = n
	e.validate()
}

// sign signs the saved session, or lists what the record still lacks.
func (e *sessionEditor) sign() {
	if e.base.ID == "" || e.changed() {
		dialog.ShowInformation("Save the session first", "What is signed is the session as saved: save it with Ctrl+S, then sign.", e.win)
		return
	}
	signer := e.signerID()
	if signer == "" {
		dialog.ShowInformation("Who signs?", "Choose the practitioner who treated, save, then sign.", e.win)
		return
	}
	if e.validate(); len(e.missing) > 0 {
		e.showNotSigned(e.missing)
		return
	}
	name := nameOf(e.ed.catalog.practitioners, signer, practitionerName, practitionerID)
	confirm(e.win, "Sign this session?", "Signed by "+name+". A signed session can no longer be edited: any later change is an amendment with a reason.",
		"Sign", func() {
			id, version := e.base.ID, e.base.Version
			async(func() (editorData, error) {
				ctx := data.WithActor(context.Background(), signer)
				if err := e.store.SignSession(ctx, id, version); err != nil {
					return editorData{}, err
				}
				return loadEditorData(context.Background(), e.store, e.ed.client, id)
			}, func(ed editorData, err error) {
				var inc *data.IncompleteError
				var wrong *data.WrongSignerError
				switch {
				case errors.As(err, &inc):
					e.showNotSigned(inc.Missing)
				case errors.As(err, &wrong):
					e.showNotSigned([]string{wrong.Sentence})
				case err != nil:
					showError(e.win, "sign the session", err)
				default:
					e.reloaded(ed)
					e.status.SetText("Signed at " + time.Now().Format("15:04:05"))
				}
			})
		})
}

// showNotSigned lists what keeps the session from being signed.
func (e *sessionEditor) showNotSigned(missing []string) {
	msg := widget.NewLabel("To sign, the record still needs:\n\n• " + strings.Join(missing, "\n• "))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Not signed yet", "OK", container.NewVScroll(msg), e.win)
	d.Resize(fyne.NewSize(560, 360))
	d.Show()
}

// reloaded takes the session as now stored (signed or amended) into the editor.
func (e *sessionEditor) reloaded(ed editorData) {
	e.ed.session, e.ed.amends = ed.session, ed.amends
	e.base = ed.session
	form := formOf(ed.session, &e.ed.catalog)
	e.fill(form)
	e.saved = e.encode(e.form())
	e.drafted = e.saved
	e.amendWhy = ""
	e.setLocked(e.store.ReadOnly() || e.base.Status == data.StatusSigned)
	e.setTitle()
	e.validate()
}

// startAmend asks why the signed session is to be changed and only then makes the form editable:
// the reason comes first, so that nothing is changed without one.
func (e *sessionEditor) startAmend() {
	e.askAmendReason(func(why string) {
		e.amendWhy = why
		e.setLocked(false)
		e.setTitle()
		// No field takes the focus: a keystroke must not replace a signed value unseen.
		e.status.SetText("Amending: " + why + ". Save the amendment with Ctrl+S, or close and discard it.")
	})
}

// askAmendReason asks why a signed session is changed, then runs then with the reason.
func (e *sessionEditor) askAmendReason(then func(why string)) {
	reason := newTextField()
	reason.SetPlaceHolder("e.g. depth for Cheeks was typed as 2.5, the device log says 1.5")
	var d *dialog.FormDialog
	d = dialog.NewForm("Amend the signed session", "Amend", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Reason", reason),
	}, func(ok bool) {
		if !ok {
			return
		}
		why := strings.TrimSpace(reason.Text)
		if why == "" {
			d.Show()
			return
		}
		then(why)
	}, e.win)
	reason.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
	e.win.Canvas().Focus(reason)
}

// amend saves the form as an amendment of the signed session, with its reason.
func (e *sessionEditor) amend(s data.Session, why string, done func()) {
	actor := e.signerID()
	e.saving = true
	e.saveBtn.Disable()
	draftID := e.draftID
	async(func() (editorData, error) {
		ctx := data.WithActor(context.Background(), actor)
		if _, err := e.store.AmendSession(ctx, s, why); err != nil {
			return editorData{}, err
		}
		if draftID != "" {
			if err := e.store.DeleteDraft(ctx, draftID); err != nil {
				return editorData{}, err
			}
		}
		return loadEditorData(context.Background(), e.store, e.ed.client, s.ID)
	}, func(ed editorData, err error) {
		e.saving = false
		e.saveBtn.Enable()
		if err != nil {
			if !e.notes.show(err) {
				showError(e.win, "amend the session", err)
			}
			return
		}
		e.draftID = ""
		e.reloaded(ed)
		e.status.SetText("Amended at " + time.Now().Format("15:04:05"))
		if done != nil {
			done()
		}
	})
}

// setLocked makes the form read-only (every field disabled, the map deaf) or editable again.
func (e *sessionEditor) setLocked(locked bool) {
	if !locked {
		for _, w := range e.lockedOff {
			w.Enable()
		}
		for _, w := range e.lockedHidden {
			w.Show()
		}
		e.lockedOff, e.lockedHidden = nil, nil
	}
	e.locked = locked
	e.applyLock()
	hint := ""
	if locked {
		hint = "Read-only: the zones cannot be changed here."
		if e.base.Status == data.StatusSigned {
			hint = "Signed: read-only."
		}
	}
	e.zoneMap.setReadOnly(hint)
	for _, o := range e.readable {
		o.Refresh() // the values' colour follows the lock
	}
	if e.base.Status == data.StatusSigned {
		e.showSignature()
	}
}

// applyLock disables what the form shows while it is locked, rows built since included.
func (e *sessionEditor) applyLock() {
	if !e.locked || e.formBox == nil {
		return
	}
	for _, root := range []fyne.CanvasObject{e.formBox, e.zoneArea.tools, e.zoneArea.scroll} {
		// What only adds, removes or fills in goes out of sight; the values stay, disabled.
		e.hideActions(root, func(w fyne.CanvasObject) { e.lockedHidden = append(e.lockedHidden, w) })
		disableAll(root, func(w fyne.Disableable) { e.lockedOff = append(e.lockedOff, w) })
	}
	if f, ok := e.win.Canvas().Focused().(fyne.Disableable); ok && f.Disabled() {
		e.win.Canvas().Unfocus()
	}
}

// hideActions hides every visible button under o, and the select that adds a zone, telling
// hidden about each.
func (e *sessionEditor) hideActions(o fyne.CanvasObject, hidden func(fyne.CanvasObject)) {
	if !o.Visible() {
		return
	}
	switch v := o.(type) {
	case *widget.Button:
		v.Hide()
		hidden(v)
	case *widget.Select:
		if v == e.addZone {
			v.Hide()
			hidden(v)
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			e.hideActions(c, hidden)
		}
	case *container.Scroll:
		e.hideActions(v.Content, hidden)
	}
}

// readOnlyTheme shows disabled values in the normal text colour while the form is locked:
// a signed record is there to be read, not greyed out.
type readOnlyTheme struct{ locked *bool }

func (t readOnlyTheme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (t readOnlyTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if *t.locked && n == theme.ColorNameDisabled {
		n = theme.ColorNameForeground
	}
	return t.base().Color(n, v)
}
func (t readOnlyTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base().Font(s) }
func (t readOnlyTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base().Icon(n) }
func (t readOnlyTheme) Size(n fyne.ThemeSizeName) float32       { return t.base().Size(n) }

// disableAll disables every enabled widget under o, telling off about each.
func disableAll(o fyne.CanvasObject, off func(fyne.Disableable)) {
	if d, ok := o.(fyne.Disableable); ok {
		if !d.Disabled() {
			d.Disable()
			off(d)
		}
		return
	}
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			disableAll(c, off)
		}
	case *container.Scroll:
		disableAll(v.Content, off)
	}
}

// form reads the widgets into a form.
func (e *sessionEditor) form() sessionForm {
	f := sessionForm{
		SessionID: e.base.ID, Version: e.base.Version,
		StartedAt: e.startedAt.Text, Practitioner: e.practitioner.Selected,
		SeriesN: e.seriesN.Text, SeriesOf: e.seriesOf.Text, IntervalDays: e.interval.Text,
		Concerns: e.concerns.selected(), Modality: e.modality.Selected,
		Anaesthetic: e.anaesthetic.Text, AnaestheticLot: e.anaestheticLot.Text, AnaestheticMinutes: e.anaestheticMinutes.Text,
		Device: e.device.Text, HandpieceSerial: e.serial.Text,
		Cartridge: e.cartridge.Text, CartridgeLot: e.cartridgeLot.Text, CartridgeExpiry: e.cartridgeExpiry.Text,
		NoSideEffects: e.noSideEffects.Checked, Aftercare: e.aftercare.selected(), AftercareSheet: e.aftercareSheet.Text,
		Price: e.price.Text, NextDue: e.nextDue.Text, Notes: e.notesEntry.Text, PhotoRefusal: e.photoRefusal.Text,
	}
	if len(e.overrides) > 0 {
		f.Overrides = maps.Clone(e.overrides)
	}
	if e.pain.Selected != "not recorded" {
		f.Pain = e.pain.Selected
	}
	for _, r := range e.zones {
		f.Zones = append(f.Zones, r.value())
	}
	for _, r := range e.products {
		f.Products = append(f.Products, r.value())
	}
	for _, r := range e.sideEffects {
		f.SideEffects = append(f.SideEffects, r.value())
	}
	return f
}

// fill sets the widgets from a form.
func (e *sessionEditor) fill(f sessionForm) {
	e.filling = true
	defer func() { e.filling = false }()
	e.startedAt.SetText(f.StartedAt)
	offer(e.practitioner, f.Practitioner)
	e.practitioner.SetSelected(f.Practitioner)
	e.seriesN.SetText(f.SeriesN)
	e.seriesOf.SetText(f.SeriesOf)
	e.interval.SetText(f.IntervalDays)
	e.concerns.set(f.Concerns)
	offer(e.modality, f.Modality)
	e.modality.SetSelected(f.Modality)
	e.anaesthetic.SetText(f.Anaesthetic)
	e.anaestheticLot.SetText(f.AnaestheticLot)
	e.anaestheticMinutes.SetText(f.AnaestheticMinutes)
	e.device.SetText(f.Device)
	e.serial.SetText(f.HandpieceSerial)
	e.cartridge.SetText(f.Cartridge)
	e.cartridgeLot.SetText(f.CartridgeLot)
	e.cartridgeExpiry.SetText(f.CartridgeExpiry)
	e.setZones(f.Zones)
	e.setProducts(f.Products)
	e.setSideEffects(f.SideEffects)
	e.noSideEffects.SetChecked(f.NoSideEffects)
	if f.Pain == "" {
		e.pain.SetSelected("not recorded")
	} else {
		e.pain.SetSelected(f.Pain)
	}
	e.aftercare.set(f.Aftercare)
	e.aftercareSheet.SetText(f.AftercareSheet)
	e.price.SetText(f.Price)
	e.nextDue.SetText(f.NextDue)
	e.notesEntry.SetText(f.Notes)
	e.photoRefusal.SetText(f.PhotoRefusal)
	e.overrides = maps.Clone(f.Overrides)
	if e.overrides == nil {
		e.overrides = map[string]string{}
	}
}

func (e *sessionEditor) encode(f sessionForm) string {
	b, err := json.Marshal(f)
	if err != nil {
		panic(err) // a form of strings always marshals
	}
	return string(b)
}

// changed reports whether the form holds something that is not saved as a session.
func (e *sessionEditor) changed() bool {
	return !e.store.ReadOnly() && e.encode(e.form()) != e.saved // read-only: nothing can be saved
}

// changed_ reacts to a change made by the practitioner: validate, recolour the map, and save a
// draft a moment after typing stops.
func (e *sessionEditor) changed_() {
	if e.filling || e.root == nil || e.closed {
		return
	}
	e.validate()
	if e.store.ReadOnly() {
		return // no draft can be kept
	}
	if e.timer != nil {
		e.timer.Stop()
	}
	e.timer = time.AfterFunc(draftDelay, func() { fyne.Do(e.saveDraft) })
}

// validate shows every problem of the form beside its field, and colours the zone map.
func (e *sessionEditor) validate() error {
	s, err := e.form().check(e.base, &e.ed.catalog, e.store.Now())
	e.notes.show(e.withoutFresh(err))
	e.checkSafety(s)
	e.checkMissing(s)
	// Values that cannot be read are the first thing signing needs put right.
	var ve *data.ValidationError
	if errors.As(err, &ve) && len(ve.Fields) > 0 && e.base.Status != data.StatusSigned {
		e.missing = append([]string{"Put right " + plural(len(ve.Fields), "value") + " marked beside " +
			map[bool]string{true: "its field", false: "their fields"}[len(ve.Fields) == 1] + "."}, e.missing...)
	}
	e.showMissing()
	depths := map[string]float64{}
	for _, z := range s.Zones {
		depths[z.Zone] = z.DepthMM
	}
	e.zoneMap.setDepths(depths)
	return err
}

// currentOverrides keeps the overrides of blocks that still apply, with who decided and when, as
// first recorded.
func (e *sessionEditor) currentOverrides(typed []data.Override) []data.Override {
	var out []data.Override
	for _, o := range typed {
		if !slices.ContainsFunc(e.checks, func(w data.SafetyWarning) bool { return w.Block && w.Rule == o.Rule }) {
			continue
		}
		if i := slices.IndexFunc(e.base.Overrides, func(b data.Override) bool { return b.Rule == o.Rule && b.Reason == o.Reason }); i >= 0 {
			o = e.base.Overrides[i]
		}
		out = append(out, o)
	}
	return out
}

// checkSafety runs the safety checks on the session as typed and shows each warning beside its
// section: a block with a way to treat anyway, given a written reason. It reads no database.
func (e *sessionEditor) checkSafety(s data.Session) {
	in := e.ed.safety
	in.Session = s
	e.checks = data.CheckSafety(in)
	for _, box := range e.safety {
		box.RemoveAll()
		if rw, ok := box.Layout.(*rowWarnings); ok {
			rw.shown = nil
		}
	}
	for _, w := range e.checks {
		box := e.safety[rowOf(w.Field)] // a zone's own warnings go under its row
		if box == nil {
			box = e.safety[w.Section]
		}
		if box == nil {
			box = e.safety[data.SectionHeader]
		}
		box.Add(e.safetyLine(w))
		if rw, ok := box.Layout.(*rowWarnings); ok { // folded to one line, it says what they are
			rw.shown = append(rw.shown, shownWarning{w.Message, e.blocked(w)})
		}
	}
	for _, box := range e.safety {
		box.Refresh()
	}
	e.applyLock()
	e.zoneArea.relayout() // rows grow and shrink with their warnings
}

// blocked reports whether w stops the session being saved: a block not passed with a reason.
func (e *sessionEditor) blocked(w data.SafetyWarning) bool {
	return w.Block && strings.TrimSpace(e.overrides[w.Rule]) == ""
}

// safetyLine shows one warning. A block can be passed only with a written reason, kept with the
// session and in the audit log.
func (e *sessionEditor) safetyLine(w data.SafetyWarning) fyne.CanvasObject {
	if !w.Block {
		return alert(theme.ColorNameWarning, w.Message)
	}
	if !e.blocked(w) {
		reason := e.overrides[w.Rule]
		withdraw := widget.NewButton("Withdraw", func() {
			delete(e.overrides, w.Rule)
			e.changed_()
		})
		return alert(theme.ColorNameWarning, w.Message+" Treated anyway: "+reason, withdraw)
	}
	anyway := widget.NewButton("Treat anyway…", func() { e.askOverride(w) })
	return alert(theme.ColorNameError, "Blocked: "+w.Message, anyway)
}

// askOverride asks for the reason to treat despite a block.
func (e *sessionEditor) askOverride(w data.SafetyWarning) {
	reason := newTextField()
	reason.MultiLine = true
	reason.Wrapping = fyne.TextWrapWord
	reason.SetMinRowsVisible(3)
	reason.SetPlaceHolder("Why it is safe to treat today, e.g. the prescriber confirmed the course ended in March")
	msg := widget.NewLabel(w.Message)
	msg.Wrapping = fyne.TextWrapWord
	var d *dialog.FormDialog
	d = dialog.NewForm("Treat despite the block?", "Treat anyway", "Cancel", []*widget.FormItem{
		widget.NewFormItem("", msg),
		widget.NewFormItem("Reason", reason),
	}, func(ok bool) {
		if !ok {
			return
		}
		if strings.TrimSpace(reason.Text) == "" {
			d.Show() // a reason is what makes the decision accountable
			return
		}
		e.overrides[w.Rule] = strings.TrimSpace(reason.Text)
		e.changed_()
	}, e.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
	e.win.Canvas().Focus(reason)
}

// blocking counts the blocks not passed with a reason.
func (e *sessionEditor) blocking() int {
	n := 0
	for _, w := range e.checks {
		if w.Block && strings.TrimSpace(e.overrides[w.Rule]) == "" {
			n++
		}
	}
	return n
}

// withoutFresh leaves out the messages about rows just added.
func (e *sessionEditor) withoutFresh(err error) error {
	var ve *data.ValidationError
	if len(e.fresh) == 0 || !errors.As(err, &ve) {
		return err
	}
	kept := &data.ValidationError{}
	for _, f := range ve.Fields {
		row, _, _ := strings.Cut(f.Field, ".")
		if !e.fresh[row] {
			kept.Fields = append(kept.Fields, f)
		}
	}
	if len(kept.Fields) == 0 {
		return nil
	}
	return kept
}

// settle ends a row's grace: its messages show from now on.
func (e *sessionEditor) settle(prefix string, i int) {
	if i >= 0 && e.fresh[fmt.Sprintf("%s[%d]", prefix, i)] {
		delete(e.fresh, fmt.Sprintf("%s[%d]", prefix, i))
		e.validate()
	}
}

// saveDraft stores the form as typed, unless nothing changed since the last draft.
func (e *sessionEditor) saveDraft() { e.saveDraftThen(nil) }

// saveDraftThen stores the draft and runs done once it is on disk. When it cannot be written,
// the practitioner is told and done does not run: the editor stays open with what was typed.
func (e *sessionEditor) saveDraftThen(done func()) {
	text := e.encode(e.form())
	if e.closed || e.saving || text == e.drafted || text == e.saved {
		if done != nil && !e.saving {
			done()
		}
		return
	}
	d := data.Draft{ID: e.draftID, ClientID: e.ed.client.ID, SessionID: e.base.ID, Form: []byte(text)}
	base := e.base.Version
	async(func() (data.Draft, error) { return d, e.store.SaveDraft(context.Background(), &d) },
		func(d data.Draft, err error) {
			if err != nil {
				slog.Error("keep a draft", "err", err)
				e.status.SetText(errorSentence("keep a draft", err) + " What is typed is still here: save it with Ctrl+S.")
				if done != nil {
					showError(e.win, "keep a draft of the session", err)
				}
				return
			}
			if e.saving || e.base.Version != base || e.base.ID != d.SessionID {
				// The session was saved while this draft was written: it is out of date.
				e.deleteDraft(d.ID)
				return
			}
			e.draftID, e.drafted = d.ID, text
			e.status.SetText("Draft kept at " + d.UpdatedAt.Local().Format("15:04:05") + " (not saved yet: Ctrl+S saves)")
			if done != nil {
				done()
			}
		})
}

func (e *sessionEditor) deleteDraft(id string) {
	async(func() (struct{}, error) { return struct{}{}, e.store.DeleteDraft(context.Background(), id) },
		func(_ struct{}, err error) {
			if err != nil {
				slog.Error("remove outdated draft", "id", id, "err", err)
			}
		})
}

// save validates and saves the session; then the draft is no longer needed.
func (e *sessionEditor) save() { e.saveThen(nil) }

func (e *sessionEditor) saveThen(done func()) {
	if e.saving {
		return
	}
	if e.base.Status == data.StatusSigned && e.locked && !e.store.ReadOnly() {
		e.startAmend() // read-only until the reason is given
		return
	}
	form := e.form()
	s, err := form.check(e.base, &e.ed.catalog, e.store.Now())
	e.fresh = nil // trying to save shows every message
	e.notes.show(err)
	if err != nil {
		e.status.SetText("Not saved: " + plural(len(err.(*data.ValidationError).Fields), "problem") + " to fix, shown beside the fields.")
		return
	}
	e.checkSafety(s)
	if n := e.blocking(); n > 0 {
		e.status.SetText("Not saved: " + plural(n, "safety block") + " to resolve, or to pass with a written reason (Treat anyway).")
		return
	}
	s.Overrides = e.currentOverrides(s.Overrides)
	if e.base.Status == data.StatusSigned {
		switch {
		case e.encode(form) == e.saved:
			e.status.SetText("Nothing is changed yet: the amendment is saved once a value differs from the signed one.")
		case e.amendWhy == "": // a kept draft of an amendment: its reason was not kept
			e.askAmendReason(func(why string) { e.amend(s, why, done) })
		default:
			e.amend(s, e.amendWhy, done)
		}
		return
	}
	if e.timer != nil {
		e.timer.Stop()
	}
	e.saving = true
	e.saveBtn.Disable()
	draftID := e.draftID
	async(func() (data.Session, error) {
		ctx := context.Background()
		var err error
		if s.ID == "" {
			err = e.store.CreateSession(ctx, &s)
		} else {
			err = e.store.UpdateSession(ctx, &s)
		}
		if err == nil && draftID != "" {
			err = e.store.DeleteDraft(ctx, draftID)
		}
		return s, err
	}, func(saved data.Session, err error) {
		e.saving = false
		e.saveBtn.Enable()
		if err != nil {
			if !e.notes.show(err) {
				showError(e.win, "save the session", err)
			}
			return
		}
		e.base, e.draftID = saved, ""
		e.saved = e.encode(e.form())
		e.drafted = e.saved
		rememberPractitioner(e.store, saved.PractitionerID)
		e.setTitle()
		e.validate()
		e.status.SetText("Saved at " + time.Now().Format("15:04:05"))
		if done != nil {
			done()
		}
	})
}

// close leaves the editor, asking first when there is something unsaved.
func (e *sessionEditor) close() {
	if !e.changed() {
		e.finish()
		return
	}
	e.askUnsaved("Close the session?", e.finish)
}

func (e *sessionEditor) finish() {
	e.closed = true
	if e.timer != nil {
		e.timer.Stop()
	}
	if e.onClose != nil {
		e.onClose()
	}
}

// askUnsaved offers to save, keep the changes as a draft, or go back, before then runs.
func (e *sessionEditor) askUnsaved(title string, then func()) {
	var d *dialog.CustomDialog
	msg := widget.NewLabel("This session has changes that are not saved. A draft is kept on this computer, so they can be resumed from the client's page.")
	msg.Wrapping = fyne.TextWrapWord
	save := widget.NewButton("Save", func() { d.Hide(); e.saveThen(func() { e.finishThen(then) }) })
	save.Importance = widget.HighImportance
	keep := widget.NewButton("Keep as draft", func() {
		d.Hide()
		e.saveDraftThen(func() { e.finishThen(then) })
	})
	back := widget.NewButton("Go back", func() { d.Hide() })
	discard := widget.NewButton("Discard", func() {
		d.Hide()
		e.discard()
		e.finishThen(then)
	})
	discard.Importance = widget.DangerImportance
	if e.base.Status == data.StatusSigned {
		save.SetText("Save amendment")
	}
	d = dialog.NewCustomWithoutButtons(title, msg, e.win)
	d.SetButtons([]fyne.CanvasObject{back, discard, keep, save})
	d.Resize(fyne.NewSize(600, 200))
	showDialog(e.win, d) // Escape goes back
}

// discard throws away what is not saved: the form goes back to the session as saved, and a
// draft kept of it is removed, so nothing of it comes back.
func (e *sessionEditor) discard() {
	if e.timer != nil {
		e.timer.Stop()
	}
	if e.draftID != "" {
		e.deleteDraft(e.draftID)
		e.draftID = ""
	}
	e.fill(formOf(e.base, &e.ed.catalog))
	e.drafted = e.saved
}

func (e *sessionEditor) finishThen(then func()) {
	e.finish()
	then()
}

// toggleZone adds a zone's row, or removes it when it is there.
func (e *sessionEditor) toggleZone(name string) {
	f := e.form()
	i := slices.IndexFunc(f.Zones, func(z zoneRow) bool { return strings.EqualFold(z.Zone, name) })
	if i >= 0 {
		f.Zones = slices.Delete(f.Zones, i, i+1)
	} else {
		row := zoneRow{Zone: name, Passes: "3"}
		if z, ok := e.ed.catalog.zone(name); ok {
			row.Depth = formatMM(z.TypicalMin)
		}
		f.Zones = append(f.Zones, row)
	}
	e.setZones(f.Zones)
	e.changed_()
	if i < 0 && len(e.zones) > 0 {
		e.win.Canvas().Focus(e.zones[len(e.zones)-1].depth)
	}
}

// copyLast fills the grid, device, cartridge and products from the client's last session.
func (e *sessionEditor) copyLast() {
	if e.ed.last == nil {
		return
	}
	apply := func() {
		last := formOf(*e.ed.last, &e.ed.catalog)
		f := e.form()
		f.Zones, f.Device, f.Cartridge, f.Modality = last.Zones, last.Device, last.Cartridge, last.Modality
		f.Products = nil
		for _, p := range last.Products {
			f.Products = append(f.Products, productRow{Product: p.Product, Phase: p.Phase, Amount: p.Amount})
		}
		e.fill(f)
		e.changed_()
		e.status.SetText("Copied from the session of " + e.ed.last.StartedAt.Local().Format("2 Jan 2006") +
			": check the lots, they are not copied.")
	}
	if len(e.zones) == 0 {
		apply()
		return
	}
	confirm(e.win, "Replace the zones?", "The zone grid, device, cartridge and products will be replaced by those of the last session.",
		"Replace", apply)
}

func (e *sessionEditor) setZones(rows []zoneRow) {
	defer e.applyLock()
	e.zones = buildRows(e, e.zoneBox, "zones", []string{"zone", "depth_mm", "speed", "passes"}, rows,
		func(r zoneRow) *zoneRowWidgets { return newZoneRowWidgets(e, r) })
	e.keepRowWarnings()
	if len(rows) == 0 {
		empty := widget.NewLabel("No zones yet.")
		empty.Importance = widget.LowImportance
		e.zoneBox.Add(empty)
	}
}

// editorRow is one editable row of the session editor, with the note its messages go to.
type editorRow interface {
	content() fyne.CanvasObject
	noteLabel() *widget.Label
}

// buildRows makes the widgets for rows, lays them out in box, and sends the messages about
// each row's fields (prefix[i].field) to the row's note.
func buildRows[R any, W editorRow](e *sessionEditor, box *fyne.Container, prefix string, fields []string, rows []R,
	newRow func(R) W) []W {
	box.RemoveAll()
	e.notes.forget(prefix + "[")
	out := make([]W, 0, len(rows))
	for i, r := range rows {
		w := newRow(r)
		for _, f := range fields {
			e.notes.share(fmt.Sprintf("%s[%d].%s", prefix, i, f), w.noteLabel())
		}
		box.Add(w.content())
		out = append(out, w)
	}
	return out
}

func (e *sessionEditor) removeZone(w *zoneRowWidgets) { e.toggleZone(w.zone.Text) }

func (e *sessionEditor) addProductRow(r productRow) {
	f := e.form()
	e.setProducts(append(f.Products, r))
	e.markFresh("products", len(e.products)-1)
	e.changed_()
	e.win.Canvas().Focus(e.products[len(e.products)-1].product)
}

func (e *sessionEditor) setProducts(rows []productRow) {
	defer e.applyLock()
	e.products = buildRows(e, e.productBox, "products", []string{"product", "phase", "expiry"}, rows,
		func(r productRow) *productRowWidgets { return newProductRowWidgets(e, r) })
}

// markFresh holds back the messages of a row just added; removing a row shows them all again,
// as the rows below it move up.
func (e *sessionEditor) markFresh(prefix string, i int) {
	if e.fresh == nil {
		e.fresh = map[string]bool{}
	}
	e.fresh[fmt.Sprintf("%s[%d]", prefix, i)] = true
}

func (e *sessionEditor) removeProduct(w *productRowWidgets) {
	e.fresh = nil
	i := slices.Index(e.products, w)
	f := e.form()
	e.setProducts(slices.Delete(f.Products, i, i+1))
	e.changed_()
}

func (e *sessionEditor) addSideEffectRow(r sideEffectRow) {
	f := e.form()
	e.noSideEffects.SetChecked(false)
	e.setSideEffects(append(f.SideEffects, r))
	e.markFresh("side_effects", len(e.sideEffects)-1)
	e.changed_()
	e.win.Canvas().Focus(e.sideEffects[len(e.sideEffects)-1].kind)
}

func (e *sessionEditor) setSideEffects(rows []sideEffectRow) {
	defer e.applyLock()
	e.sideEffects = buildRows(e, e.sideEffectBox, "side_effects", []string{"kind", "severity", "onset", "resolved"}, rows,
		func(r sideEffectRow) *sideEffectRowWidgets { return newSideEffectRowWidgets(e, r) })
}

func (e *sessionEditor) removeSideEffect(w *sideEffectRowWidgets) {
	e.fresh = nil
	i := slices.Index(e.sideEffects, w)
	f := e.form()
	e.setSideEffects(slices.Delete(f.SideEffects, i, i+1))
	e.changed_()
}

// export writes a document of the session as saved; with changes not yet saved, it asks to save
// first, so that the paper never differs from the record.
func (e *sessionEditor) export(write func(a fyne.App, win fyne.Window, store *sqlite.Store, c data.Client, id, day string)) {
	if e.base.ID == "" || e.changed() {
		dialog.ShowInformation("Save the session first",
			"The document shows the session as saved: save it with Ctrl+S, then print or export it.", e.win)
		return
	}
	write(fyne.CurrentApp(), e.win, e.store, e.ed.client, e.base.ID, e.base.StartedAt.Local().Format("2006-01-02"))
}

// section is a titled group of fields.
func section(title string, objs ...fyne.CanvasObject) fyne.CanvasObject {
	heading := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	return container.NewVBox(append([]fyne.CanvasObject{heading}, append(objs, widget.NewSeparator())...)...)
}

func names[T any](list []T, name func(T) string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = name(v)
	}
	return out
}

// current leaves out retired entries: they stay readable in old records but are not offered.
func current[T any](list []T, retired func(T) bool) []T {
	return slices.DeleteFunc(slices.Clone(list), retired)
}

func productRetired(p data.Product) bool { return p.Retired }

// offer adds a record's value to a select's options when the list no longer has it (an entry
// retired since), so that the record shows, and saves again, what it says.
func offer(s *widget.Select, value string) {
	if value != "" && !slices.Contains(s.Options, value) {
		s.SetOptions(append(slices.Clone(s.Options), value))
	}
}

func zoneNames(zones []data.Zone) []string {
	return names(zones, func(z data.Zone) string { return z.Name })
}

func lotNames(lots []data.Lot) []string { return names(lots, func(l data.Lot) string { return l.Lot }) }

// fillExpiry fills an expiry field from a known lot, but never over an expiry typed by hand:
// only when the field is empty or holds what was filled in before. It returns what it filled.
func fillExpiry(expiry *textField, lots []data.Lot, lot, filled string) string {
	if expiry.Text != "" && expiry.Text != filled {
		return filled
	}
	l, ok := findLot(lots, lot)
	if !ok {
		expiry.SetText("")
		return ""
	}
	expiry.SetText(l.Expiry.String())
	return expiry.Text
}

func findLot(lots []data.Lot, lot string) (data.Lot, bool) {
	i := slices.IndexFunc(lots, func(l data.Lot) bool { return strings.EqualFold(l.Lot, strings.TrimSpace(lot)) })
	if i < 0 {
		return data.Lot{}, false
	}
	return lots[i], true
}

// quickAddPractitioner adds a practitioner from the editor, as the device picker's + does.
func (e *sessionEditor) quickAddPractitioner() {
	name, credentials := widget.NewEntry(), widget.NewEntry()
	name.SetPlaceHolder("Full name, as it appears on signed records")
	credentials.SetPlaceHolder("e.g. RN, Level 4 Dip. Aesthetics")
	var p data.Practitioner
	quickAdd(e.win, "Add a practitioner", []*widget.FormItem{
		widget.NewFormItem("Name", name), widget.NewFormItem("Credentials", credentials),
	}, func() (func() error, error) {
		p = data.Practitioner{Name: strings.TrimSpace(name.Text), Credentials: strings.TrimSpace(credentials.Text),
			Role: data.RolePractitioner}
		if err := p.Validate(); err != nil {
			return nil, err
		}
		return func() error { return e.store.SavePractitioner(context.Background(), &p) }, nil
	}, func() {
		e.ed.catalog.practitioners = append(e.ed.catalog.practitioners, p)
		e.practitioner.SetOptions(names(current(e.ed.catalog.practitioners, func(p data.Practitioner) bool { return p.Retired }),
			practitionerName))
		e.practitioner.SetSelected(p.Name)
	})
}
