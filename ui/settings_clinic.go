package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // logos may be JPEG
	_ "image/png"  // or PNG
	"io"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/draw"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

const (
	settingsLogoMaxBytes  = 2 << 20
	settingsLogoMaxPixels = 40_000_000 // refuses an image that would take too much memory to decode
)

// settingsClinic is the clinic's details as stored.
type settingsClinic struct {
	name, address, phone string
	currency             string         // ISO 4217 code; "" for none
	dateOrder            data.DateOrder // "" when the practice has not chosen: the computer's
	logo                 []byte
	preview              image.Image // the logo scaled for the screen; nil without a logo
}

// clinicTab edits the clinic's details that reports print.
type clinicTab struct {
	s                    *settingsWindow
	name, address, phone *nlwidget.TextField
	currency             *nlwidget.TextField
	currencyShown        *widget.Label // how prices will look
	dateOrder            *nlwidget.PickSelect
	preview              *canvas.Image
	noLogo               *widget.Label
	chooseLogo           *widget.Button
	removeLogo           *widget.Button
	save                 *widget.Button
	unsaved              *widget.Label
	notes                *fieldNotes
	stored               settingsClinic
	logo                 []byte // the logo as it will be saved; nil for none
	saving               bool
	content              fyne.CanvasObject
}

func newClinicTab(s *settingsWindow) *clinicTab {
	c := &clinicTab{s: s, notes: newReservedNotes()}
	changed := func(string) { c.refreshState() }
	c.name = nlwidget.NewTextField()
	c.name.SetPlaceHolder("The practice's name as reports show it")
	c.address = nlwidget.NewMultiLineField()
	c.address.SetMinRowsVisible(3)
	c.address.SetPlaceHolder("Street\nTown and postcode")
	c.phone = nlwidget.NewTextField()
	c.phone.SetPlaceHolder("+44 20 7946 0000")
	c.currency = nlwidget.NewPicker(data.CommonCurrencies, "e.g. EUR", false)
	c.currencyShown = widget.NewLabel("")
	c.dateOrder = nlwidget.NewSelect(settingsDateOrders, nil)
	c.dateOrder.SetSelectedIndex(settingsDateOrderIndex(""))
	for _, e := range []*nlwidget.TextField{c.name, c.address, c.phone, c.currency} {
		e.OnChanged = changed
	}
	for _, e := range []*nlwidget.TextField{c.name, c.phone, c.currency} {
		e.OnSubmitted = func(string) {
			if c.dirty() {
				c.commit()
			}
		}
	}

	c.preview = canvas.NewImageFromImage(nil)
	c.preview.FillMode = canvas.ImageFillContain
	c.preview.SetMinSize(fyne.NewSize(200, 80))
	c.noLogo = widget.NewLabelWithStyle("No logo", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	frame := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	frame.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	frame.StrokeWidth = 1
	frame.CornerRadius = theme.InputRadiusSize()
	c.chooseLogo = widget.NewButtonWithIcon("Choose logo…", theme.FolderOpenIcon(), c.choose)
	c.removeLogo = widget.NewButtonWithIcon("Remove logo", theme.DeleteIcon(), func() {
		c.logo, c.preview.Image = nil, nil
		c.preview.Refresh()
		c.notes.show(nil)
		c.refreshState()
	})
	logoBox := container.NewHBox(
		container.NewStack(frame, container.NewPadded(c.preview), container.NewCenter(c.noLogo)),
		container.NewVBox(c.chooseLogo, c.removeLogo))

	c.dateOrder.OnChanged = func(string) { c.refreshState() }
	c.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), c.commit)
	c.save.Importance = widget.HighImportance
	c.unsaved = widget.NewLabel("Unsaved changes")
	c.unsaved.Importance = widget.WarningImportance
	// Two columns, so that everything shows without scrolling in a window of 1000 × 680.
	form := container.NewGridWithColumns(2, container.NewVBox(
		settingsHeading("Clinic details for reports"),
		c.notes.field("Clinic name", data.SettingClinicName, c.name),
		c.notes.field("Address", data.SettingClinicAddress, c.address),
		c.notes.field("Phone", data.SettingClinicPhone, c.phone),
		c.notes.field("Logo", "logo", logoBox),
		settingsHint("PNG or JPEG, at most 2 MB. It heads the reports the practice prints."),
	), container.NewVBox(
		settingsHeading("Prices and dates"),
		c.notes.field("Currency (ISO code)", data.SettingCurrency,
			container.NewHBox(nlwidget.AtLeastWide(160, c.currency), c.currencyShown)),
		c.notes.field("Dates typed as", data.SettingDateOrder, container.NewHBox(nlwidget.AtLeastWide(260, c.dateOrder))),
		settingsHint("Every date field also reads 1988-03-14 and 14 Mar 1988, and has a calendar beside it."),
	))
	bar := container.NewHBox(layout.NewSpacer(), c.unsaved, c.save)
	c.content = container.NewPadded(container.NewBorder(nil, container.NewVBox(c.notes.general, bar), nil, nil,
		nlwidget.FormScroll(container.NewVScroll(form))))
	c.refreshState()
	return c
}

// setStored shows the stored details when refill is set or the form holds no edits; edits stay.
func (c *clinicTab) setStored(v settingsClinic, refill bool) {
	dirty := c.dirty()
	c.stored = v
	if refill || !dirty {
		c.name.SetText(v.name)
		c.address.SetText(v.address)
		c.phone.SetText(v.phone)
		c.currency.SetText(v.currency)
		c.dateOrder.SetSelectedIndex(settingsDateOrderIndex(v.dateOrder))
		c.logo = v.logo
		c.preview.Image = v.preview
		c.preview.Refresh()
	}
	c.refreshState()
}

func (c *clinicTab) dirty() bool {
	return c.name.Text != c.stored.name || c.address.Text != c.stored.address ||
		c.phone.Text != c.stored.phone || !bytes.Equal(c.logo, c.stored.logo) ||
		c.currency.Text != c.stored.currency ||
		c.dateOrder.SelectedIndex() != settingsDateOrderIndex(c.stored.dateOrder)
}

func (c *clinicTab) refreshState() {
	dirty := c.dirty()
	if code, err := data.ParseCurrency(c.currency.Text); err == nil && code != "" {
		c.currencyShown.SetText("Prices show as " + wording.Money(35000, code))
	} else {
		c.currencyShown.SetText("")
	}
	if dirty && !c.saving {
		c.save.Enable()
	} else {
		c.save.Disable()
	}
	if dirty {
		c.unsaved.Show()
	} else {
		c.unsaved.Hide()
	}
	if c.logo == nil {
		c.removeLogo.Disable()
	} else {
		c.removeLogo.Enable()
	}
	if c.preview.Image == nil {
		c.noLogo.SetText("No logo")
		if c.logo != nil {
			c.noLogo.SetText("Logo cannot be shown")
		}
		c.noLogo.Show()
	} else {
		c.noLogo.Hide()
	}
}

func (c *clinicTab) choose() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			showError(c.s.win, "open the logo file", err)
			return
		}
		if r == nil {
			return // cancelled
		}
		var logo settingsLogo
		c.s.background(func(context.Context) (err error) {
			defer r.Close()
			logo, err = settingsReadLogo(r)
			return err
		}, func(err error) { c.takeLogo(logo, err) })
	}, c.s.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	d.Resize(fyne.NewSize(820, 560))
	d.Show()
}

// takeLogo shows a chosen logo, or why it was refused, beside the logo.
func (c *clinicTab) takeLogo(logo settingsLogo, err error) {
	if err != nil {
		c.notes.show(&data.ValidationError{Fields: []data.FieldError{{Field: "logo", Message: err.Error()}}})
		return
	}
	c.notes.show(nil)
	c.logo = logo.bytes
	c.preview.Image = logo.preview
	c.preview.Refresh()
	c.refreshState()
}

// commit saves what changed.
func (c *clinicTab) commit() {
	if c.saving {
		return
	}
	currency, err := data.ParseCurrency(c.currency.Text)
	if err != nil {
		c.notes.show(&data.ValidationError{Fields: []data.FieldError{{Field: data.SettingCurrency, Message: sentenceOf(err)}}})
		return
	}
	v := settingsClinic{name: strings.TrimSpace(c.name.Text), address: strings.TrimSpace(c.address.Text),
		phone: strings.TrimSpace(c.phone.Text), logo: c.logo, preview: c.preview.Image, currency: currency,
		dateOrder: settingsDateOrderValues[max(0, c.dateOrder.SelectedIndex())]}
	old := c.stored
	c.saving = true
	c.refreshState()
	store := c.s.store
	c.s.background(func(ctx context.Context) error {
		// One batch: the details are saved together or not at all.
		return store.Batch(ctx, func(b nlstore.Batch) error { return saveClinic(b, old, v) })
	}, func(err error) {
		c.saving = false
		if err != nil {
			if !c.notes.show(err) {
				showError(c.s.win, "save the clinic details", err)
			}
			c.refreshState()
			return
		}
		c.notes.show(nil)
		data.SetDateOrder(v.dateOrder) // dates typed from now on read in the practice's order
		c.setStored(v, true)
	})
}

// The date orders a practice chooses from, and what is stored for each.
var (
	settingsDateOrders      = []string{"Day first: 14/03/1988", "Month first: 03/14/1988"}
	settingsDateOrderValues = []data.DateOrder{data.DayMonthYear, data.MonthDayYear}
)

// settingsDateOrderIndex is the choice showing o; a practice that has not chosen sees the
// computer's order, which is what its dates are read in.
func settingsDateOrderIndex(o data.DateOrder) int {
	if o == "" {
		o = data.SystemDateOrder()
	}
	if o == data.MonthDayYear {
		return 1
	}
	return 0
}

// sentenceOf is an error's text as a sentence: capitalised, with a full stop.
func sentenceOf(err error) string {
	s := err.Error()
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// settingsLogo is a logo file's bytes as they will be stored, and its preview.
type settingsLogo struct {
	bytes   []byte
	preview image.Image
}

// settingsReadLogo reads a chosen logo file, refusing what is not a PNG or JPEG of at most 2 MB.
// Its errors are sentences for the user.
func settingsReadLogo(r io.Reader) (settingsLogo, error) {
	b, err := io.ReadAll(io.LimitReader(r, settingsLogoMaxBytes+1))
	if err != nil {
		return settingsLogo{}, fmt.Errorf("Could not read that file: %v.", err)
	}
	if len(b) > settingsLogoMaxBytes {
		return settingsLogo{}, errors.New("That file is larger than 2 MB. Choose a smaller logo, or save it smaller first.")
	}
	preview, err := settingsLogoPreview(b)
	if err != nil {
		return settingsLogo{}, err
	}
	return settingsLogo{bytes: b, preview: preview}, nil
}

// settingsLogoPreview decodes a PNG or JPEG and scales it down for the screen.
func settingsLogoPreview(b []byte) (image.Image, error) {
	notImage := errors.New("That file is not a PNG or JPEG image. Choose a logo saved as PNG or JPEG.")
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || (format != "png" && format != "jpeg") {
		return nil, notImage
	}
	if cfg.Width*cfg.Height > settingsLogoMaxPixels {
		return nil, fmt.Errorf("That image is %d × %d pixels, too large for a logo. Choose a smaller one.", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, notImage
	}
	return settingsFit(img, 400, 160), nil // twice the preview's size, for sharp HiDPI screens
}

// settingsFit scales an image down to fit w×h, keeping its proportions.
func settingsFit(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	scale := math.Min(float64(w)/float64(b.Dx()), float64(h)/float64(b.Dy()))
	if scale >= 1 {
		return img
	}
	dst := image.NewNRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale))))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// saveClinic writes in b the clinic details that changed from old to v.
func saveClinic(b nlstore.Batch, old, v settingsClinic) error {
	for _, f := range []struct{ key, old, new string }{
		{data.SettingClinicName, old.name, v.name},
		{data.SettingClinicAddress, old.address, v.address},
		{data.SettingClinicPhone, old.phone, v.phone},
		{data.SettingCurrency, old.currency, v.currency},
		{data.SettingDateOrder, string(old.dateOrder), string(v.dateOrder)},
	} {
		if f.old != f.new {
			if err := b.SetSetting(f.key, f.new); err != nil {
				return err
			}
		}
	}
	if !bytes.Equal(old.logo, v.logo) {
		return b.SetSettingBytes(data.SettingClinicLogo, v.logo)
	}
	return nil
}
