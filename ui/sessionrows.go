package ui

import (
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// The editable rows of the session editor: one per treated zone, product applied and side effect.

func rowNote() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

func removeButton(fn func()) *widget.Button {
	b := widget.NewButtonWithIcon("", theme.DeleteIcon(), fn)
	b.Importance = widget.LowImportance
	return b
}

// removeColumn takes the room of a row's remove button, so that a header lines up with the rows.
func removeColumn() fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(removeButton(nil).MinSize())
	return r
}

type zoneRowWidgets struct {
	zone                 *widget.Label
	depth, speed, passes *nlwidget.TextField
	pattern              *nlwidget.TextField
	endpoint             *nlwidget.PickSelect
	remove               *widget.Button
	note                 *widget.Label
	typical              *canvas.Text
	safety               *fyne.Container // the zone's safety warnings, right under its row
	warnings             *rowWarnings    // lays them out, folded to one line when there are several
	box                  fyne.CanvasObject
}

func newZoneRowWidgets(e *sessionEditor, r zoneRow) *zoneRowWidgets {
	c := &e.ed.catalog
	w := &zoneRowWidgets{zone: widget.NewLabelWithStyle(r.Zone, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), note: rowNote()}
	w.zone.Truncation = fyne.TextTruncateEllipsis
	number := func(v, placeholder string) *nlwidget.TextField {
		en := nlwidget.NewTextField()
		en.SetText(v)
		en.SetPlaceHolder(placeholder)
		en.OnChanged = func(string) { e.changed_() }
		return en
	}
	w.depth = number(r.Depth, "mm")
	w.speed = number(r.Speed, speedUnit(e))
	w.passes = number(r.Passes, "passes")
	w.pattern = nlwidget.NewPicker(c.lists[data.ListPattern], "", true) // the column header names it
	w.pattern.SetText(r.Pattern)
	w.pattern.OnChanged = func(string) { e.changed_() }
	w.endpoint = nlwidget.NewPickSelect(c.lists[data.ListEndpoint])
	w.endpoint.OnChanged = func(string) { e.changed_() }
	w.endpoint.PlaceHolder = "—" // the column header names it
	w.endpoint.Selected = r.Endpoint
	w.remove = removeButton(func() { e.removeZone(w) })
	w.typical = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	w.typical.TextSize = theme.CaptionTextSize()
	if z, ok := c.zone(r.Zone); ok {
		w.typical.Text = wording.MMRange(z.TypicalMin, z.TypicalMax) + ", warn > " + wording.Number(z.WarnAbove)
	}
	w.warnings = newRowWarnings(func() {
		if e.zoneArea != nil {
			e.zoneArea.layoutRows()
			e.zoneArea.reveal(w)
		}
	})
	w.safety = w.warnings.list
	// Focus arriving by Tab may land on a row out of sight: bring it into view.
	reveal := func() {
		if e.zoneArea != nil {
			e.zoneArea.reveal(w)
		}
	}
	w.depth.OnFocus, w.speed.OnFocus, w.passes.OnFocus, w.pattern.OnFocus, w.endpoint.OnFocus = reveal, reveal, reveal, reveal, reveal
	return w
}

// shrinkable lets a grid cell be narrower than its content would like, so that a row of six
// columns never pushes the window wider than the screen: the grid shares out the width it has.
type shrinkable struct{}

func (shrinkable) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (shrinkable) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(60, h)
}

// cells wraps each object so that it may shrink within a grid.
func cells(objs ...fyne.CanvasObject) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, len(objs))
	for i, o := range objs {
		out[i] = container.New(shrinkable{}, o)
	}
	return out
}

func (w *zoneRowWidgets) content() fyne.CanvasObject {
	zone := container.New(&zoneCell{full: w.typical.Text}, w.zone, w.typical)
	line := zoneLine(zone, w.depth, w.speed, w.passes, w.pattern, w.endpoint)
	w.box = container.New(tightColumn{}, container.NewBorder(nil, nil, nil, w.remove, line), w.note, w.warnings.line, w.safety)
	return w.box
}

// zoneLine lays out the six cells of a zone row, or of the grid's column heads, each column
// as wide as its usual content needs: a pattern such as "Stamping", an endpoint such as
// "Pinpoint bleeding" whole; the zone's name, with its typical range under it, gets what is left.
func zoneLine(objs ...fyne.CanvasObject) *fyne.Container {
	th, field, pick, choice := textWidth, entryNeed, pickerNeed, selectNeed
	return container.New(&columns{weights: []float32{1.6, 0.4, 0.4, 0.3, 1.6, 0.2}, mins: func() []float32 {
		return []float32{
			th("Décolletage", true) + 2*theme.InnerPadding(),
			// A column head needs the padding before its text, not after it.
			max(field("0.25"), th("Depth", true)+theme.InnerPadding()),
			max(field("speed"), th("Speed", true)+theme.InnerPadding()),
			max(field("10"), th("Passes", true)+theme.InnerPadding()),
			pick("Stamping"),
			choice("Uniform erythema"),
		}
	}}, cells(objs...)...)
}

// textWidth is how wide text is in the theme's text size, bold as a zone's name or a column head.
func textWidth(text string, bold bool) float32 {
	return fyne.MeasureText(text, theme.TextSize(), fyne.TextStyle{Bold: bold}).Width
}

// entryNeed, pickerNeed and selectNeed are the widths of an entry, an entry with a pick button
// and a select that show text whole.
func entryNeed(text string) float32 {
	return textWidth(text, false) + 2*theme.InnerPadding() + 2*theme.InputBorderSize()
}

func pickerNeed(text string) float32 {
	return entryNeed(text) + theme.IconInlineSize() + 2*theme.InnerPadding()
}

func selectNeed(text string) float32 {
	return textWidth(text, false) + theme.IconInlineSize() + theme.InnerPadding() + 4*theme.Padding()
}

// columns lays out cells side by side: each gets the width its content needs (mins), and what
// is left is shared out by weight. When even the needs do not fit, all shrink alike.
type columns struct {
	weights []float32
	mins    func() []float32
}

func (*columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var size fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		size.Width += m.Width
		size.Height = max(size.Height, m.Height)
	}
	return size.AddWidthHeight(theme.Padding()*float32(len(objs)-1), 0)
}

func (c *columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	mins := c.mins()
	var need, sum float32
	for i := range objs {
		need += mins[i]
		sum += c.weights[i]
	}
	free := size.Width - theme.Padding()*float32(len(objs)-1)
	var x float32
	for i, o := range objs {
		w := mins[i] * free / need
		if free > need {
			w = mins[i] + (free-need)*c.weights[i]/sum
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + theme.Padding()
	}
}

// zoneCell sets a row's zone name with its typical range in small text under it, both within
// the height of one field, so that a row takes a single line and five or more fit under the map.
type zoneCell struct{ full string }

func (*zoneCell) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(60, objs[0].MinSize().Height)
}

func (c *zoneCell) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	name, typical := objs[0], objs[1].(*canvas.Text)
	pad := theme.InnerPadding()
	nameH := name.MinSize().Height - 2*pad // the label's text, without the padding round it
	typical.Text = nlwidget.FitText(c.full, typical.TextSize, typical.TextStyle, size.Width-pad)
	typH := typical.MinSize().Height
	top := max((size.Height-nameH-typH)/2, 0)
	name.Move(fyne.NewPos(0, top-pad))
	name.Resize(fyne.NewSize(size.Width, nameH+2*pad))
	typical.Move(fyne.NewPos(pad, top+nameH))
	typical.Resize(fyne.NewSize(size.Width-pad, typH))
}

// rowWarnings keeps a zone's safety warnings from pushing the other rows out of sight: one
// shows in full under its row; several fold into one line, how many and the first of them,
// with a button that shows them all (and their Treat anyway buttons) or folds them again.
type rowWarnings struct {
	list    *fyne.Container // the warnings, as the safety check puts them; laid out by rowWarnings
	shown   []shownWarning  // what list shows, in its order, as the safety check put it
	line    *fyne.Container // the folded line
	summary *widget.Label
	toggle  *widget.Button
	open    bool
}

func newRowWarnings(changed func()) *rowWarnings {
	r := &rowWarnings{summary: widget.NewLabel("")}
	r.summary.Truncation = fyne.TextTruncateEllipsis
	r.toggle = widget.NewButton("Show all", func() {
		r.open = !r.open
		r.sync()
		changed()
	})
	r.list = container.New(r)
	r.line = container.NewStack()
	r.line.Hide()
	return r
}

func (r *rowWarnings) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return layout.NewVBoxLayout().MinSize(objs)
}

func (r *rowWarnings) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	layout.NewVBoxLayout().Layout(objs, size)
}

// sync folds or unfolds the warnings after they changed or the button was pressed.
func (r *rowWarnings) sync() {
	n := len(r.list.Objects)
	if n <= 1 {
		r.open = false
		r.line.Hide()
		r.list.Show()
		return
	}
	blocked := 0
	for _, w := range r.shown {
		if w.blocked {
			blocked++
		}
	}
	what, tint := fmt.Sprintf("%d warnings", n), theme.ColorNameWarning
	if blocked > 0 {
		what, tint = fmt.Sprintf("%d warnings, %d blocked", n, blocked), theme.ColorNameError
	}
	if len(r.shown) > 0 && !r.open { // shown, each says itself
		what += ": " + r.shown[0].message
	}
	r.summary.SetText(what)
	r.toggle.SetText(map[bool]string{false: "Show all", true: "Hide"}[r.open])
	icon := theme.WarningIcon()
	if tint == theme.ColorNameError {
		icon = theme.ErrorIcon()
	}
	r.line.Objects = []fyne.CanvasObject{tinted(tint, container.NewBorder(nil, nil, widget.NewIcon(icon), r.toggle, r.summary))}
	r.line.Show()
	r.line.Refresh()
	r.list.Hidden = !r.open
}

// shownWarning is what a folded line says of one warning.
type shownWarning struct {
	message string
	blocked bool // a block not passed with a written reason
}

// tightColumn stacks objects as a VBox does, but gives no room, not even padding, to what is
// hidden or empty (a row's note and warnings, most of the time).
type tightColumn struct{}

func (tightColumn) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var size fyne.Size
	n := 0
	for _, o := range objs {
		if m := o.MinSize(); o.Visible() && m.Height > 0 {
			size.Width = max(size.Width, m.Width)
			size.Height += m.Height
			n++
		}
	}
	if n > 1 {
		size.Height += float32(n-1) * theme.Padding()
	}
	return size
}

func (tightColumn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var y float32
	for _, o := range objs {
		h := o.MinSize().Height
		if !o.Visible() || h <= 0 {
			o.Resize(fyne.NewSize(size.Width, 0))
			continue
		}
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + theme.Padding()
	}
}

func (w *zoneRowWidgets) noteLabel() *widget.Label { return w.note }

// holds reports whether f is one of the row's fields.
func (w *zoneRowWidgets) holds(f fyne.Focusable) bool {
	return f != nil && (f == w.depth || f == w.speed || f == w.passes || f == w.pattern || f == w.endpoint || f == w.remove)
}

func (w *zoneRowWidgets) value() zoneRow {
	return zoneRow{Zone: w.zone.Text, Depth: w.depth.Text, Speed: w.speed.Text, Passes: w.passes.Text,
		Pattern: w.pattern.Text, Endpoint: w.endpoint.Selected}
}

// speedUnit is the speed placeholder: the chosen device's unit, or what says there is none.
func speedUnit(e *sessionEditor) string {
	id := idOf(e.ed.catalog.devices, e.device.Text, deviceName, deviceID)
	d, ok := e.ed.catalog.device(id)
	switch {
	case !ok:
		return "speed"
	case d.SpeedUnit == "fixed":
		return "fixed"
	case d.SpeedUnit == "":
		return "no speed"
	}
	return d.SpeedUnit
}

type productRowWidgets struct {
	product, lot *nlwidget.TextField
	expiry       *nlwidget.TextField
	phase        *widget.Select
	amount       *nlwidget.TextField
	remove       *widget.Button
	note         *widget.Label
}

func newProductRowWidgets(e *sessionEditor, r productRow) *productRowWidgets {
	c := &e.ed.catalog
	w := &productRowWidgets{note: rowNote()}
	w.product = nlwidget.NewPicker(names(current(c.serums(), productRetired), productName), "Product", true)
	w.product.SetText(r.Product)
	w.lot = nlwidget.NewPicker(lotNames(c.lots[idOf(c.products, r.Product, productName, productID)]), "Lot", false)
	w.lot.SetText(r.Lot)
	w.expiry = nlwidget.NewTextField()
	w.expiry.SetPlaceHolder("Expiry")
	w.expiry.SetText(r.Expiry)
	w.phase = widget.NewSelect([]string{"before", "during", "after"}, func(string) { e.changed_() })
	w.phase.Selected = r.Phase
	w.amount = nlwidget.NewTextField()
	w.amount.SetPlaceHolder("Amount")
	w.amount.SetText(r.Amount)
	w.product.OnChanged = func(string) {
		w.lot.SetOptions(lotNames(c.lots[idOf(c.products, w.product.Text, productName, productID)]))
		e.changed_()
	}
	var filled string
	w.lot.OnChanged = func(lot string) {
		if !e.filling {
			filled = fillExpiry(w.expiry, c.lots[idOf(c.products, w.product.Text, productName, productID)], lot, filled)
		}
		e.changed_()
	}
	w.expiry.OnChanged = func(string) { e.changed_() }
	w.amount.OnChanged = func(string) { e.changed_() }
	w.product.OnLeave = func() { e.settle("products", slices.Index(e.products, w)) }
	w.remove = removeButton(func() { e.removeProduct(w) })
	return w
}

func (w *productRowWidgets) content() fyne.CanvasObject {
	// The product's name has a line of its own, so that a long name is read whole; the lot and
	// its expiry are shown whole below it, as a recall reads them.
	grid := container.New(&columns{weights: []float32{1, 0.5, 0.3, 0.5}, mins: func() []float32 {
		return []float32{pickerNeed("HAS-08083"), entryNeed("2028-01-01"), selectNeed("during"), entryNeed("Amount")}
	}}, cells(w.lot, w.expiry, w.phase, w.amount)...)
	return container.NewVBox(container.NewBorder(nil, nil, nil, w.remove, w.product),
		container.NewBorder(nil, nil, nil, removeColumn(), grid), w.note)
}

func (w *productRowWidgets) noteLabel() *widget.Label { return w.note }

func (w *productRowWidgets) value() productRow {
	return productRow{Product: w.product.Text, Lot: w.lot.Text, Expiry: w.expiry.Text, Phase: w.phase.Selected, Amount: w.amount.Text}
}

type sideEffectRowWidgets struct {
	id                         string
	kind                       *nlwidget.TextField
	severity                   *widget.Select
	during                     *widget.Check
	onset, resolved, treatment *nlwidget.TextField
	remove                     *widget.Button
	note                       *widget.Label
}

func newSideEffectRowWidgets(e *sessionEditor, r sideEffectRow) *sideEffectRowWidgets {
	w := &sideEffectRowWidgets{id: r.ID, note: rowNote()}
	w.kind = nlwidget.NewPicker(e.ed.catalog.lists[data.ListSideEffect], "Side effect", true)
	w.kind.SetText(r.Kind)
	w.kind.OnChanged = func(string) { e.changed_() }
	w.severity = widget.NewSelect([]string{"mild", "moderate", "severe"}, func(string) { e.changed_() })
	w.severity.Selected = r.Severity
	w.onset = nlwidget.NewTextField()
	w.onset.SetPlaceHolder("Started " + data.DatePattern(data.CurrentDateOrder()))
	w.onset.SetText(r.Onset)
	w.onset.OnChanged = func(string) { e.changed_() }
	w.during = widget.NewCheck("During the session", func(on bool) {
		if on {
			w.onset.Disable()
		} else {
			w.onset.Enable()
		}
		e.changed_()
	})
	w.during.Checked = r.During
	if r.During {
		w.onset.Disable()
	}
	w.resolved = nlwidget.NewTextField()
	w.resolved.SetPlaceHolder("Resolved " + data.DatePattern(data.CurrentDateOrder()))
	w.resolved.SetText(r.Resolved)
	w.resolved.OnChanged = func(string) { e.changed_() }
	w.treatment = nlwidget.NewTextField()
	w.treatment.SetPlaceHolder("Treatment given, notes")
	w.treatment.SetText(strings.TrimSpace(r.Treatment))
	w.treatment.OnChanged = func(string) { e.changed_() }
	w.kind.OnLeave = func() { e.settle("side_effects", slices.Index(e.sideEffects, w)) }
	w.remove = removeButton(func() { e.removeSideEffect(w) })
	return w
}

func (w *sideEffectRowWidgets) content() fyne.CanvasObject {
	first := container.NewGridWithColumns(3, cells(w.kind, w.severity, w.during)...)
	second := container.NewGridWithColumns(3, cells(w.onset, w.resolved, w.treatment)...)
	return container.NewVBox(container.NewBorder(nil, nil, nil, w.remove, container.NewVBox(first, second)), w.note)
}

func (w *sideEffectRowWidgets) noteLabel() *widget.Label { return w.note }

func (w *sideEffectRowWidgets) value() sideEffectRow {
	return sideEffectRow{ID: w.id, Kind: w.kind.Text, Severity: w.severity.Selected, During: w.during.Checked,
		Onset: w.onset.Text, Resolved: w.resolved.Text, Treatment: w.treatment.Text}
}

// checkGrid is a set of checkboxes in columns, for picks from a list such as concerns.
type checkGrid struct {
	checks   []*widget.Check
	box      *fyne.Container
	onChange func()
}

func newCheckGrid(options []string, columns int, onChange func()) *checkGrid {
	g := &checkGrid{box: container.NewGridWithColumns(columns), onChange: onChange}
	for _, o := range options {
		c := widget.NewCheck(o, func(bool) { onChange() })
		g.checks = append(g.checks, c)
		g.box.Add(c)
	}
	return g
}

func (g *checkGrid) content() fyne.CanvasObject { return g.box }

func (g *checkGrid) selected() []string {
	var out []string
	for _, c := range g.checks {
		if c.Checked {
			out = append(out, c.Text)
		}
	}
	return out
}

// set ticks the given options. One that is no longer in the list (retired since) gets a box of
// its own, so that a past record shows what it says.
func (g *checkGrid) set(values []string) {
	for _, v := range values {
		if !slices.ContainsFunc(g.checks, func(c *widget.Check) bool { return c.Text == v }) {
			c := widget.NewCheck(v, func(bool) { g.onChange() })
			g.checks = append(g.checks, c)
			g.box.Add(c)
		}
	}
	for _, c := range g.checks {
		c.SetChecked(slices.Contains(values, c.Text))
	}
}

// quickAdd asks for a few values in a small dialog, then saves a new list entry in place.
// read runs on the UI goroutine when Add is pressed: it reads and checks the fields and returns
// the save to run in the background, or an error that sends the practitioner back to the form.
func quickAdd(win fyne.Window, title string, fields []*widget.FormItem, read func() (func() error, error), done func()) {
	var d *dialog.FormDialog
	d = dialog.NewForm(title, "Add", "Cancel", fields, func(ok bool) {
		if !ok {
			return
		}
		save, err := read()
		if err != nil {
			showError(win, "add it", err)
			d.Show() // what was typed is still in the form
			return
		}
		async(func() (struct{}, error) { return struct{}{}, save() }, func(_ struct{}, err error) {
			if err != nil {
				showError(win, "add it", err)
				d.Show()
				return
			}
			done()
		})
	}, win)
	d.Resize(fyne.NewSize(460, 0))
	d.Show()
}

// mmField reads a depth in millimetres from a quick-add field.
func mmField(label, text string) (float64, error) {
	v, err := data.ParseDecimal(text)
	if err != nil {
		return 0, fmt.Errorf("%s must be a number of millimetres, e.g. 2.5", label)
	}
	return v, nil
}

func (e *sessionEditor) quickAddDevice() {
	model := widget.NewEntry()
	model.SetText(strings.TrimSpace(e.device.Text))
	kind := widget.NewSelect([]string{"pen", "roller", "rf", "stamp"}, nil)
	kind.SetSelected("pen")
	maxDepth, evaluated := widget.NewEntry(), widget.NewEntry()
	maxDepth.SetText("2.5")
	evaluated.SetText("2.5")
	var d data.Device
	quickAdd(e.win, "Add a device", []*widget.FormItem{
		widget.NewFormItem("Model", model), widget.NewFormItem("Kind", kind),
		widget.NewFormItem("Maximum depth (mm)", maxDepth), widget.NewFormItem("Evaluated up to (mm)", evaluated),
	}, func() (func() error, error) {
		max, err := mmField("Maximum depth", maxDepth.Text)
		if err != nil {
			return nil, err
		}
		ev, err := mmField("Evaluated depth", evaluated.Text)
		if err != nil {
			return nil, err
		}
		d = data.Device{Model: model.Text, Kind: data.DeviceKind(kind.Selected), SpeedUnit: "level", MaxDepth: max,
			EvaluatedDepth: ev, DepthStep: 0.25}
		if err := d.Validate(); err != nil {
			return nil, err
		}
		return func() error { return e.store.SaveDevice(e.life.lasting(), &d) }, nil
	}, func() {
		e.ed.catalog.devices = append(e.ed.catalog.devices, d)
		e.device.SetOptions(names(current(e.ed.catalog.devices, func(d data.Device) bool { return d.Retired }), deviceName))
		e.device.SetText(d.Model)
	})
}

func (e *sessionEditor) quickAddCartridge() {
	name := widget.NewEntry()
	name.SetText(strings.TrimSpace(e.cartridge.Text))
	needles := widget.NewEntry()
	needles.SetPlaceHolder("0 for nano")
	var c data.Cartridge
	quickAdd(e.win, "Add a cartridge", []*widget.FormItem{
		widget.NewFormItem("Name", name), widget.NewFormItem("Needles", needles),
	}, func() (func() error, error) {
		n := 0
		if t := strings.TrimSpace(needles.Text); t != "" {
			var err error
			if n, err = strconv.Atoi(t); err != nil || n < 0 {
				return nil, fmt.Errorf("needles must be a whole number, 0 for nano")
			}
		}
		c = data.Cartridge{Name: name.Text, Needles: n}
		return func() error { return e.store.SaveCartridge(e.life.lasting(), &c) }, nil
	}, func() {
		e.ed.catalog.cartridges = append(e.ed.catalog.cartridges, c)
		e.cartridge.SetOptions(names(current(e.ed.catalog.cartridges, func(c data.Cartridge) bool { return c.Retired }), cartridgeName))
		e.cartridge.SetText(c.Name)
	})
}

// quickAddProduct adds a product in place; anaesthetic says which picker asked.
func (e *sessionEditor) quickAddProduct(anaesthetic bool) {
	name := widget.NewEntry()
	kinds := e.ed.catalog.lists[data.ListProductKind]
	kind := widget.NewSelect(kinds, nil)
	ok := widget.NewCheck("Made for use on needled skin", nil)
	if anaesthetic {
		name.SetText(strings.TrimSpace(e.anaesthetic.Text))
		kind.SetSelected(data.ProductKindAnaesthetic)
	} else if len(kinds) > 0 {
		kind.SetSelected(kinds[0])
	}
	var p data.Product
	quickAdd(e.win, "Add a product", []*widget.FormItem{
		widget.NewFormItem("Name", name), widget.NewFormItem("Kind", kind), widget.NewFormItem("", ok),
	}, func() (func() error, error) {
		p = data.Product{Name: name.Text, Kind: kind.Selected, NeedledSkinOK: ok.Checked}
		return func() error { return e.store.SaveProduct(e.life.lasting(), &p) }, nil
	}, func() {
		c := &e.ed.catalog
		c.products = append(c.products, p)
		e.anaesthetic.SetOptions(names(current(c.anaesthetics(), productRetired), productName))
		for _, r := range e.products {
			r.product.SetOptions(names(current(c.serums(), productRetired), productName))
		}
		if anaesthetic {
			e.anaesthetic.SetText(p.Name)
		} else {
			e.addProductRow(productRow{Product: p.Name, Phase: "during"})
		}
	})
}

// zoneArea is the editor's right-hand side: the zone map over the zone grid. The divider
// between them moves, and the map folds away, so that the grid can have the room; the grid's
// column heads stay put while its rows scroll.
type zoneArea struct {
	split   *container.Split
	scroll  *container.Scroll
	fold    *widget.Button
	m       *nlwidget.ZoneMap
	tools   fyne.CanvasObject // copy the last row, add a zone
	content fyne.CanvasObject
	current *zoneRowWidgets // the row last focused
}

// mapShare is the part of the height the map starts with: at 1280×800 that leaves five zone
// rows in view under it, and the map stays large enough to click an area.
const mapShare = 0.35

func newZoneArea(m *nlwidget.ZoneMap, tools, header, rows fyne.CanvasObject) *zoneArea {
	a := &zoneArea{m: m, tools: tools, scroll: nlwidget.FormScroll(container.NewVScroll(rows))}
	a.fold = widget.NewButtonWithIcon("Hide map", theme.MenuDropUpIcon(), a.toggleMap)
	a.fold.Importance = widget.LowImportance
	// The fold button sits with the grid's tools, so that it stays in reach with the map folded.
	top := container.NewVBox(container.NewBorder(nil, nil, nil, a.fold, tools), header)
	a.split = container.NewVSplit(m, container.NewBorder(top, nil, nil, nil, a.scroll))
	a.split.Offset = mapShare
	a.content = a.split
	return a
}

// toggleMap folds the map away, giving its room to the grid, or brings it back.
func (a *zoneArea) toggleMap() {
	if a.m.Visible() {
		a.m.Hide()
		a.fold.SetText("Show map")
		a.fold.SetIcon(theme.MenuDropDownIcon())
	} else {
		a.m.Show()
		a.fold.SetText("Hide map")
		a.fold.SetIcon(theme.MenuDropUpIcon())
	}
	a.split.Refresh()
}

// relayout lays the rows out again after something in them grew or shrank (a warning came or
// went), and keeps the row being typed in, with its warnings, in view.
func (a *zoneArea) relayout() {
	a.layoutRows()
	if r := a.current; r != nil {
		if c := fyne.CurrentApp().Driver().CanvasForObject(a.scroll); c != nil && r.holds(c.Focused()) {
			a.reveal(r)
		}
	}
}

func (a *zoneArea) layoutRows() {
	c, size := a.scroll.Content, a.scroll.Size()
	eachRowWarnings(c, (*rowWarnings).sync)
	c.Resize(fyne.NewSize(size.Width, max(c.MinSize().Height, size.Height)))
	a.scroll.Refresh()
}

// reveal scrolls the grid so that all of a row, with its warnings, is in view, or its top when
// it is taller than the view.
func (a *zoneArea) reveal(r *zoneRowWidgets) {
	a.current = r
	a.layoutRows() // a row just added may not be laid out yet
	// Measured in the rows' own containers: a row just added is not yet known to the driver.
	pos, ok := posIn(a.scroll.Content, r.box)
	if !ok {
		return
	}
	top, bottom := pos.Y, pos.Y+r.box.Size().Height
	view := a.scroll.Size().Height
	y := a.scroll.Offset.Y
	switch {
	case top < y || bottom-top > view:
		y = top
	case bottom > y+view:
		y = bottom - view
	default:
		return
	}
	a.scroll.ScrollToOffset(fyne.NewPos(a.scroll.Offset.X, y))
}

// keepRowWarnings gives each zone row its own place for safety warnings, keyed as the
// warnings' fields name the row ("zones[2]"), so that checkSafety puts them under it.
func (e *sessionEditor) keepRowWarnings() {
	for k := range e.safety {
		if strings.HasPrefix(k, "zones[") {
			delete(e.safety, k)
		}
	}
	for i, r := range e.zones {
		e.safety[fmt.Sprintf("zones[%d]", i)] = r.safety
	}
}

// rowOf is the row a field belongs to: "zones[2]" for "zones[2].depth_mm", "" for a field of no row.
func rowOf(field string) string {
	if i := strings.Index(field, "]"); i > 0 && strings.Contains(field[:i], "[") {
		return field[:i+1]
	}
	return ""
}

// eachRowWarnings calls fn with each zone row's warnings within o.
func eachRowWarnings(o fyne.CanvasObject, fn func(*rowWarnings)) {
	c, ok := o.(*fyne.Container)
	if !ok {
		return
	}
	if r, ok := c.Layout.(*rowWarnings); ok {
		fn(r)
		return
	}
	for _, child := range c.Objects {
		eachRowWarnings(child, fn)
	}
}

// posIn is where o lies within root, found through the containers under root.
func posIn(root, o fyne.CanvasObject) (fyne.Position, bool) {
	if root == o {
		return fyne.Position{}, true
	}
	c, ok := root.(*fyne.Container)
	if !ok {
		return fyne.Position{}, false
	}
	for _, child := range c.Objects {
		if p, ok := posIn(child, o); ok {
			return child.Position().Add(p), true
		}
	}
	return fyne.Position{}, false
}
