package ui

import (
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// build makes the editor: the action bar and signing checklist on top, the form's sections on the
// left, the zone map and grid on the right.
func (e *sessionEditor) build() {
	for _, sec := range []string{data.SectionHeader, data.SectionAnaesthetic, data.SectionDevice, data.SectionZones,
		data.SectionProducts} {
		e.safety[sec] = container.NewVBox()
	}
	e.formBox = container.NewVBox(e.whenAndWhoSection(), e.anaestheticSection(), e.deviceSection(),
		e.productsSection(), e.sideEffectsSection(), e.afterSection())
	e.amendBox = container.NewVBox()
	amendments := section("Signature and amendments", e.amendBox)
	left := nlwidget.FormScroll(container.NewVScroll(container.NewPadded(container.NewVBox(e.formBox, amendments, e.notes.general))))
	right := container.NewPadded(e.zonesSection())
	top := e.actionBar()

	leftView := container.NewThemeOverride(left, readOnlyTheme{&e.locked})
	rightView := container.NewThemeOverride(right, readOnlyTheme{&e.locked})
	e.readable = []fyne.CanvasObject{leftView, rightView}
	split := container.NewHSplit(leftView, rightView)
	split.Offset = 0.5
	e.root = container.NewBorder(container.NewVBox(top, widget.NewSeparator()), nil, nil, nil, split)
	e.setTitle()
}

// entry is a text field of the form.
func (e *sessionEditor) entry(placeholder string) *nlwidget.TextField {
	w := nlwidget.NewTextField()
	w.SetPlaceHolder(placeholder)
	w.OnChanged = func(string) { e.changed_() }
	return w
}

// nameEntry picks a name from options. Names are completed when left (a unique start stands for
// the name); lot numbers never are.
func (e *sessionEditor) nameEntry(options []string, placeholder string) *nlwidget.TextField {
	w := nlwidget.NewPicker(options, placeholder, true)
	w.OnChanged = func(string) { e.changed_() }
	return w
}

// lotEntry offers the known lots, but takes any lot number as typed.
func (e *sessionEditor) lotEntry() *nlwidget.TextField {
	w := nlwidget.NewPicker(nil, "Lot", false)
	w.OnChanged = func(string) { e.changed_() }
	return w
}

// plusButton is the small + beside a picker that adds a new entry to the practice's list.
func plusButton(add func()) *widget.Button {
	b := widget.NewButtonWithIcon("", theme.ContentAddIcon(), add)
	b.Importance = widget.LowImportance
	return b
}

func withPlus(w fyne.CanvasObject, b *widget.Button) fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, b, w)
}

// whenAndWhoSection is the date, the practitioner, the place in the series, the concerns and what
// the needling is combined with.
func (e *sessionEditor) whenAndWhoSection() fyne.CanvasObject {
	c, n := &e.ed.catalog, e.notes
	e.startedAt = e.entry("YYYY-MM-DD HH:MM")
	e.practitioner = widget.NewSelect(names(current(c.practitioners, func(p data.Practitioner) bool { return p.Retired }), practitionerName),
		func(string) { e.changed_() })
	e.practitioner.PlaceHolder = "Who treats"
	e.modality = widget.NewSelect(c.lists[data.ListModality], func(string) { e.changed_() })
	e.concerns = newCheckGrid(c.lists[data.ListConcern], 2, e.changed_)
	return section("When and who",
		container.NewGridWithColumns(2,
			n.field("Date and time", "started_at", e.startedAt),
			n.field("Practitioner", "practitioner", withPlus(e.practitioner, plusButton(e.quickAddPractitioner)))),
		e.seriesFields(),
		n.field("Concerns treated", "concerns", e.concerns.content()),
		n.field("Combined with", "modality", e.modality),
		e.safety[data.SectionHeader], // under the fields: typing never moves them
	)
}

// seriesFields is the session's place in its series and the series' interval.
func (e *sessionEditor) seriesFields() fyne.CanvasObject {
	n := e.notes
	e.seriesN = e.entry("1")
	e.seriesOf = e.entry("none planned")
	e.interval = e.entry("28")
	return container.NewGridWithColumns(3,
		n.field("Session", "series_n", e.seriesN),
		n.field("of a series of", "series_of", e.seriesOf),
		n.field("every (days)", "interval_days", e.interval))
}

// anaestheticSection is the topical anaesthetic, its lot and how long it was on.
func (e *sessionEditor) anaestheticSection() fyne.CanvasObject {
	c, n := &e.ed.catalog, e.notes
	e.anaesthetic = e.nameEntry(names(current(c.anaesthetics(), productRetired), productName), "None")
	e.anaestheticLot = e.lotEntry()
	e.anaesthetic.OnChanged = func(string) {
		e.anaestheticLot.SetOptions(lotNames(c.lots[idOf(c.products, e.anaesthetic.Text, productName, productID)]))
		e.changed_()
	}
	e.anaestheticMinutes = e.entry("minutes")
	return section("Topical anaesthetic",
		container.NewGridWithColumns(3,
			n.field("Product", "anaesthetic_product", withPlus(e.anaesthetic, plusButton(func() { e.quickAddProduct(true) }))),
			n.field("Lot", "anaesthetic_lot", e.anaestheticLot),
			n.field("Minutes applied", "anaesthetic_minutes", e.anaestheticMinutes)),
		e.safety[data.SectionAnaesthetic],
	)
}

// deviceSection is the device and the cartridge, with its lot and expiry: a known lot fills in
// its expiry.
func (e *sessionEditor) deviceSection() fyne.CanvasObject {
	c, n := &e.ed.catalog, e.notes
	e.device = e.nameEntry(names(current(c.devices, func(d data.Device) bool { return d.Retired }), deviceName), "Pen, roller or RF device")
	e.device.OnChanged = func(string) {
		for _, r := range e.zones {
			r.speed.SetPlaceHolder(speedUnit(e))
		}
		e.changed_()
	}
	e.serial = e.entry("Handpiece serial")
	e.cartridge = e.nameEntry(names(current(c.cartridges, func(c data.Cartridge) bool { return c.Retired }), cartridgeName), "Needles")
	e.cartridgeLot = e.lotEntry()
	e.cartridgeExpiry = e.entry("YYYY-MM-DD")
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
	return section("Device and cartridge",
		container.NewGridWithColumns(2,
			n.field("Device", "device", withPlus(e.device, plusButton(e.quickAddDevice))),
			n.field("Handpiece serial", "handpiece_serial", e.serial)),
		container.NewGridWithColumns(3,
			n.field("Cartridge", "cartridge", withPlus(e.cartridge, plusButton(e.quickAddCartridge))),
			n.field("Lot", "cartridge_lot", e.cartridgeLot),
			n.field("Expiry", "cartridge_expiry", e.cartridgeExpiry)),
		e.safety[data.SectionDevice],
	)
}

// zonesSection is the zone map over the zone grid, with a divider that moves; a click on the map
// adds or removes a zone, and a zone's warnings show under its own row.
func (e *sessionEditor) zonesSection() fyne.CanvasObject {
	c := &e.ed.catalog
	e.zoneMap = nlwidget.NewZoneMap(c.zones, func(z data.Zone) {
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
	copyLast := widget.NewButtonWithIcon("Copy settings from the last session", theme.ContentCopyIcon(), e.copyLast)
	if e.ed.last == nil {
		copyLast.Disable()
	}
	gridHeader := container.NewBorder(nil, nil, nil, removeColumn(), zoneLine(boldLabel("Zone"),
		boldLabel("Depth"), boldLabel("Speed"), boldLabel("Passes"), boldLabel("Pattern"), boldLabel("Endpoint")))
	e.zoneArea = newZoneArea(e.zoneMap, container.NewHBox(copyLast, e.addZone), gridHeader,
		container.NewVBox(e.zoneBox, e.notes.note("zones"), e.safety[data.SectionZones]))
	return e.zoneArea.content
}

// productsSection is the products applied, a row each.
func (e *sessionEditor) productsSection() fyne.CanvasObject {
	e.productBox = container.NewVBox()
	addProduct := widget.NewButtonWithIcon("Add product", theme.ContentAddIcon(), func() { e.addProductRow(productRow{Phase: "during"}) })
	return section("Products applied", e.productBox, container.NewHBox(addProduct,
		widget.NewButtonWithIcon("New product…", theme.ContentAddIcon(), func() { e.quickAddProduct(false) })),
		e.safety[data.SectionProducts])
}

// sideEffectsSection is the side effects observed, a row each, or that there were none.
func (e *sessionEditor) sideEffectsSection() fyne.CanvasObject {
	e.sideEffectBox = container.NewVBox()
	e.noSideEffects = widget.NewCheck("None observed", func(bool) { e.changed_() })
	addSideEffect := widget.NewButtonWithIcon("Add side effect", theme.ContentAddIcon(), func() {
		e.addSideEffectRow(sideEffectRow{Severity: "mild", During: true})
	})
	return section("Side effects observed", e.noSideEffects, e.sideEffectBox, container.NewHBox(addSideEffect),
		e.notes.note("no_side_effects"))
}

// afterSection is the pain, the price, the next due date, the aftercare given, the notes and why
// there is no before photo.
func (e *sessionEditor) afterSection() fyne.CanvasObject {
	c, n := &e.ed.catalog, e.notes
	painOptions := []string{"not recorded"}
	for i := 0; i <= data.MaxPain; i++ {
		painOptions = append(painOptions, strconv.Itoa(i))
	}
	e.pain = widget.NewSelect(painOptions, func(string) { e.changed_() })
	e.aftercare = newCheckGrid(c.lists[data.ListAftercare], 1, e.changed_)
	e.aftercareSheet = e.entry("version")
	e.price = e.entry("e.g. 350.00")
	nextDue := e.nextDueField() // before e.suggestWhy is placed: it makes it
	notes, photoRefusal := e.notesFields()
	return section("Pain, aftercare and next visit",
		container.NewGridWithColumns(3,
			n.field("Pain (0–10)", "pain_score", e.pain),
			n.field(wording.MoneyTitle("Price", e.ed.currency), "price", e.price),
			n.field("Next session due", "next_due", nextDue)),
		e.suggestWhy,
		n.field("Aftercare given", "aftercare", e.aftercare.content()),
		n.field("Aftercare sheet version", "aftercare_sheet", e.aftercareSheet),
		notes,
		photoRefusal,
	)
}

// nextDueField is the next due date with Suggest, which fills in the series' rule or says, in
// e.suggestWhy, why it has no date to give.
func (e *sessionEditor) nextDueField() fyne.CanvasObject {
	e.nextDue = newDateField(data.Date{}, "")
	e.nextDue.OnChanged = func(string) { e.changed_() }
	e.suggestWhy = widget.NewLabel("")
	e.suggestWhy.Wrapping = fyne.TextWrapWord
	e.suggestWhy.Importance = widget.WarningImportance
	e.suggestWhy.Hide()
	suggest := widget.NewButton("Suggest", func() {
		s, _ := e.form().parse(e.base, &e.ed.catalog)
		d, why := data.NextDueSuggestion(s)
		if !d.IsZero() {
			e.nextDue.SetText(d.String())
		}
		e.suggestWhy.SetText(why)
		e.suggestWhy.Hidden = why == ""
		e.suggestWhy.Refresh()
	})
	return container.NewBorder(nil, nil, nil, suggest, e.nextDue)
}

// notesFields is the session's notes and, when no before photo was taken, why.
func (e *sessionEditor) notesFields() (notes, photoRefusal fyne.CanvasObject) {
	e.notesEntry = nlwidget.NewTextField()
	e.notesEntry.MultiLine = true
	e.notesEntry.Wrapping = fyne.TextWrapWord
	e.notesEntry.SetMinRowsVisible(3)
	e.notesEntry.OnChanged = func(string) { e.changed_() }
	e.photoRefusal = e.entry("Only when no before photo was taken: why, e.g. the client declined")
	return e.notes.field("Notes", "notes", e.notesEntry), e.notes.field("No before photo", "photo_refusal", e.photoRefusal)
}

// actionBar is what and whose the session is, its status, its actions (photos, documents, Sign…,
// Save), a warning when there is no consent on file, and what signing still needs.
func (e *sessionEditor) actionBar() fyne.CanvasObject {
	e.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	e.title.SizeName = theme.SizeNameSubHeadingText
	e.title.Truncation = fyne.TextTruncateEllipsis // a long name must not push the buttons off the window
	e.facts = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	e.facts.SizeName = theme.SizeNameSubHeadingText
	e.status = widget.NewLabel("")
	e.status.Wrapping = fyne.TextWrapWord // a sentence with a typed reason is read whole, never cut

	save := widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), e.save)
	save.Importance = widget.HighImportance
	e.saveBtn = save
	closeBtn := widget.NewButtonWithIcon("Close", theme.NavigateBackIcon(), e.close)
	pdf := widget.NewButtonWithIcon("Record PDF", theme.DocumentPrintIcon(), func() { e.export(exportSessionPDF) })
	aftercare := widget.NewButtonWithIcon("Aftercare PDF", theme.DocumentPrintIcon(), func() { e.export(exportAftercarePDF) })
	e.signBtn = widget.NewButtonWithIcon("Sign…", theme.ConfirmIcon(), e.sign)
	top := container.NewVBox(container.NewBorder(nil, nil, container.NewCenter(closeBtn),
		container.NewCenter(container.NewHBox(e.addPhotosButton(), pdf, aftercare, e.signBtn, save)), container.NewVBox(container.New(nameThenFacts{}, e.title, e.facts), e.status)))
	if !e.ed.client.Consent.OnFile() {
		top.Add(alert(theme.ColorNameWarning, "No treatment consent is on file for "+e.ed.client.Name()+
			": record the signed form under Consent in the client's profile (Edit profile) before treating."))
	}
	top.Add(e.signingChecklist())
	return top
}

// signingChecklist is what signing still needs, on one line that unfolds into the whole list.
func (e *sessionEditor) signingChecklist() fyne.CanvasObject {
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
	return e.checkBox
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
		what = "Session of " + wording.Date(data.DateOf(e.base.StartedAt))
	}
	e.title.SetText(what + "  ·  " + e.ed.client.Name())
	// The skin type and allergies stay whole beside the name, which alone is shortened.
	var facts []string
	if e.ed.client.Fitzpatrick > 0 {
		facts = append(facts, "Fitzpatrick "+wording.Fitzpatrick(e.ed.client.Fitzpatrick))
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
func fillExpiry(expiry *nlwidget.TextField, lots []data.Lot, lot, filled string) string {
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
		return func() error { return e.store.SavePractitioner(e.life.lasting(), &p) }, nil
	}, func() {
		e.ed.catalog.practitioners = append(e.ed.catalog.practitioners, p)
		e.practitioner.SetOptions(names(current(e.ed.catalog.practitioners, func(p data.Practitioner) bool { return p.Retired }),
			practitionerName))
		e.practitioner.SetSelected(p.Name)
	})
}
