package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/report"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// photoComparison shows two photos side by side, or one over the other with an opacity slider
// to check the alignment, zoomed and panned together, each captioned with its date, the
// session's place in the series and that session's settings for the zone.
type photoComparison struct {
	p       *photoScreen
	life    life              // ends when the screen leaves the comparison, or closes
	all     []data.PhotoThumb // the client's photos, in gallery order
	state   *nlwidget.ViewState
	sides   [2]*compareSide
	overlay *widget.Check
	opacity *widget.Slider
	fading  *fyne.Container // the opacity slider and its label: shown with the overlay only
	saveBtn *widget.Button
	panes   *fyne.Container
	root    fyne.CanvasObject

	// The result assessed from the photos: its form beside them while open, and what was
	// recorded, said under the bar once saved.
	resultBtn *widget.Button
	result    *outcomeForm
	beside    *fyne.Container
	recorded  *fyne.Container
	saidSaved *widget.Label
}

type compareSide struct {
	pick    *widget.Select
	view    *nlwidget.PhotoView
	caption *widget.Label
	photo   data.Photo
	img     image.Image
	lines   []string
	loads   int
}

// compare opens the comparison of fromID (or, when empty, the photo on show in the viewer, else
// the first "before" photo) with its baseline or the latest photo of the same view, among all
// the client's photos whatever the gallery's filters (defaultPair).
func (p *photoScreen) compare(fromID string) {
	if fromID == "" && p.viewer != nil {
		fromID = p.viewer.photo.ID // from the photo on show
	}
	q := data.PhotoQuery{ClientID: p.client.ID}
	async(func() ([]data.PhotoThumb, error) { return p.store.ListPhotos(p.life.ctx, q) },
		func(all []data.PhotoThumb, err error) {
			if p.life.gone(err) {
				return
			}
			if err != nil {
				showError(p.win, "read the photos", err)
				return
			}
			if len(all) < 2 {
				dialog.ShowInformation("Not enough photos", "A comparison needs two photos of this client.", p.win)
				return
			}
			slices.SortStableFunc(all, func(a, b data.PhotoThumb) int { return a.TakenAt.Compare(b.TakenAt) })
			l, r := defaultPair(all, fromID, p.views)
			p.endViews()
			c := newPhotoComparison(p, all)
			p.show(c.root)
			p.viewer, p.comparison = nil, c
			c.sides[0].pick.SetSelectedIndex(l)
			c.sides[1].pick.SetSelectedIndex(r)
		})
}

// defaultPair picks the photos to compare, by index into all (sorted by time taken), the
// baseline on the left: from a given "after" or "follow-up" photo, its view's first "before"
// taken before it against it; from any other given photo, or else the first "before" of the
// first view that has one, it against the latest "after" or "follow-up" of the same view
// (data.BeforeAfterPairs). Without such a photo, the latest other photo of the view, or of any
// view; a "before" still goes on the left.
func defaultPair(all []data.PhotoThumb, fromID string, views []string) (int, int) {
	photos := make([]data.Photo, len(all))
	for i, t := range all {
		photos[i] = t.Photo
	}
	l := slices.IndexFunc(all, func(t data.PhotoThumb) bool { return t.ID == fromID })
	if l >= 0 && all[l].Kind != data.PhotoBefore {
		if b := slices.IndexFunc(all[:l], func(t data.PhotoThumb) bool {
			return t.View != "" && t.View == all[l].View && t.Kind == data.PhotoBefore
		}); b >= 0 {
			return b, l
		}
	}
	if l < 0 {
		if pairs := data.BeforeAfterPairs(photos, views); len(pairs) > 0 {
			return pairs[0].Before, pairs[0].After
		}
		l = max(0, slices.IndexFunc(all, func(t data.PhotoThumb) bool { return t.Kind == data.PhotoBefore }))
	}
	if r := data.LatestAfter(photos, l); r >= 0 {
		return l, r
	}
	r := len(all) - 1
	if l == r {
		r = l - 1
	}
	for i := len(all) - 1; i >= 0; i-- {
		if i != l && all[i].View == all[l].View {
			r = i
			break
		}
	}
	if all[r].Kind == data.PhotoBefore && all[l].Kind != data.PhotoBefore {
		return r, l
	}
	return l, r
}

func newPhotoComparison(p *photoScreen, all []data.PhotoThumb) *photoComparison {
	c := &photoComparison{p: p, life: newLife(p.life.ctx), all: all, state: nlwidget.NewViewState()}
	var names []string
	for _, t := range all {
		names = append(names, wording.DateTime(t.TakenAt)+" · "+wording.PhotoLabelInline(t.Photo)+" · "+t.FileName)
	}
	for i := range c.sides {
		s := &compareSide{view: nlwidget.NewPhotoView(c.state), caption: widget.NewLabel("")}
		s.caption.Wrapping = fyne.TextWrapWord
		s.pick = widget.NewSelect(names, nil)
		s.pick.OnChanged = func(string) { c.load(s, s.pick.SelectedIndex()) }
		s.view.OnKey = func(k *fyne.KeyEvent) bool {
			if k.Name == fyne.KeyEscape {
				c.leaveThen(p.backToGallery)
				return true
			}
			return false
		}
		c.sides[i] = s
	}
	c.opacity = widget.NewSlider(0, 1)
	c.opacity.Step = 0.01
	c.opacity.Value = 0.5
	c.opacity.OnChanged = func(float64) { c.sides[1].view.SetTranslucency(1 - c.opacity.Value) }
	c.overlay = widget.NewCheck("Overlay", func(bool) { c.layout() })
	c.saveBtn = widget.NewButtonWithIcon("Save as image…", theme.DocumentSaveIcon(), c.save)
	c.saveBtn.Disable() // until both photos are in
	c.resultBtn = widget.NewButtonWithIcon("Record result…", theme.DocumentCreateIcon(), c.recordResult)
	c.resultBtn.Importance = widget.HighImportance
	c.resultBtn.Disable() // until both photos are in
	if p.store == nil || p.store.ReadOnly() {
		c.resultBtn.Hide() // nothing could be saved
	}
	c.saidSaved = widget.NewLabel("")
	c.saidSaved.Wrapping = fyne.TextWrapWord
	c.recorded = container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()),
		widget.NewButton("Dismiss", func() { c.recorded.Hide() }), c.saidSaved)
	c.recorded.Hide()
	c.beside = container.NewStack()
	c.beside.Hide()
	back := widget.NewButtonWithIcon("Gallery", theme.GridIcon(), func() { c.leaveThen(p.backToGallery) })
	fit := widget.NewButtonWithIcon("", theme.ZoomFitIcon(), c.state.Reset)
	picks := container.NewGridWithColumns(2, c.sides[0].pick, c.sides[1].pick)
	c.fading = container.NewHBox(widget.NewLabel("Opacity"), container.NewGridWrap(fyne.NewSize(160, 36), c.opacity))
	bar := container.NewBorder(nil, nil, container.NewHBox(back, fit, c.overlay), container.NewHBox(c.fading, c.saveBtn, c.resultBtn), picks)
	c.panes = container.NewStack()
	c.root = container.NewBorder(container.NewVBox(bar, c.recorded), nil, nil, c.beside, c.panes)
	c.layout()
	return c
}

// layout shows the two sides next to each other, or the second over the first.
func (c *photoComparison) layout() {
	a, b := c.sides[0], c.sides[1]
	// A disabled slider looks much like one in use: without the overlay it is not shown at all.
	c.fading.Hidden = !c.overlay.Checked
	c.fading.Refresh()
	if c.overlay.Checked {
		c.opacity.Enable()
		b.view.SetTranslucency(1 - c.opacity.Value)
		b.view.SetBackdrop(false) // the first photo shows through the faded second
		captions := container.NewGridWithColumns(2, a.caption, b.caption)
		c.panes.Objects = []fyne.CanvasObject{container.NewBorder(nil, captions, nil, nil, container.NewStack(a.view, b.view))}
	} else {
		c.opacity.Disable()
		b.view.SetTranslucency(0)
		b.view.SetBackdrop(true)
		c.panes.Objects = []fyne.CanvasObject{container.NewGridWithColumns(2,
			container.NewBorder(nil, a.caption, nil, nil, a.view), container.NewBorder(nil, b.caption, nil, nil, b.view))}
	}
	c.panes.Refresh()
}

// load shows photo i on a side, with its caption.
func (c *photoComparison) load(s *compareSide, i int) {
	if i < 0 || i >= len(c.all) {
		return
	}
	s.loads++
	n := s.loads
	ph := c.all[i].Photo
	store := c.p.store
	type loaded struct {
		img   image.Image
		lines []string
	}
	ctx := c.life.ctx
	async(func() (loaded, error) {
		b, err := store.PhotoPreview(ctx, ph.ID)
		if err != nil {
			return loaded{}, err
		}
		img, err := decodePhoto(b)
		if err != nil {
			return loaded{}, err
		}
		lines, err := c.captionLines(ctx, ph)
		return loaded{img, lines}, err
	}, func(l loaded, err error) {
		if n != s.loads || c.life.gone(err) {
			return
		}
		if err != nil {
			showError(c.p.win, "open the photo", err)
			return
		}
		s.photo, s.img, s.lines = ph, l.img, l.lines
		s.view.SetImage(l.img, "")
		s.caption.SetText(strings.Join(l.lines, "\n"))
		c.panes.Refresh() // lay out again for the caption's new height
		if c.sides[0].img != nil && c.sides[1].img != nil {
			c.saveBtn.Enable()
			if c.result == nil {
				c.resultBtn.Enable()
			}
		}
	})
}

// captionLines captions a photo as the treatment history does (wording.PhotoCaption), lots and all.
func (c *photoComparison) captionLines(ctx context.Context, ph data.Photo) ([]string, error) {
	if ph.SessionID == "" {
		return wording.PhotoCaption(ph, nil, nil), nil
	}
	s, err := c.p.store.Session(ctx, ph.SessionID)
	if errors.Is(err, data.ErrNotFound) {
		return wording.PhotoCaption(ph, nil, nil), nil // its session was deleted
	}
	if err != nil {
		return nil, err
	}
	products, err := c.p.store.Products(ctx, "", true)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]data.Product, len(products))
	for _, p := range products {
		byID[p.ID] = p
	}
	return wording.PhotoCaption(ph, &s, byID), nil
}

// save writes the two photos side by side with their captions as a JPEG with no metadata.
func (c *photoComparison) save() {
	a := c.sides[0]
	if a.img == nil || c.sides[1].img == nil {
		return
	}
	name := fmt.Sprintf("%s comparison %s.jpg", c.p.client.Name(), a.photo.TakenAt.Local().Format("2006-01-02"))
	encode := c.encoder() // the comparison as it is now
	exportFile(fyne.CurrentApp(), c.p.win, c.p.store, "save the comparison", name, []string{".jpg"},
		bytesExport(func(context.Context) ([]byte, error) { return encode() }))
}

// encoder returns the work of making the saved image, to run off the UI goroutine: the two
// photos side by side, captioned. The client's name is not drawn in: the image may be shown to
// others, and the file's name says whose it is.
func (c *photoComparison) encoder() func() ([]byte, error) {
	a, b := c.sides[0], c.sides[1]
	left := report.Side{Photo: a.img, Caption: a.lines}
	right := report.Side{Photo: b.img, Caption: b.lines}
	return func() ([]byte, error) {
		img, err := report.Comparison(left, right)
		if err != nil {
			return nil, err
		}
		return report.JPEG(img)
	}
}

// resultSession is the session a result assessed from photos a and b follows: the session the
// later photo belongs to, or, when it belongs to none (a follow-up's photo), the latest session
// of the earlier photo's series started by the time the later photo was taken. false when
// neither photo belongs to one of sessions (the client's, newest first).
func resultSession(a, b data.Photo, sessions []data.TimelineEntry) (data.TimelineEntry, bool) {
	if b.TakenAt.Before(a.TakenAt) {
		a, b = b, a
	}
	find := func(id string) int {
		if id == "" {
			return -1
		}
		return slices.IndexFunc(sessions, func(s data.TimelineEntry) bool { return s.SessionID == id })
	}
	if i := find(b.SessionID); i >= 0 {
		return sessions[i], true
	}
	i := find(a.SessionID)
	if i < 0 {
		return data.TimelineEntry{}, false
	}
	// Newer sessions come first: step towards them while the series goes on.
	for i > 0 && sessions[i-1].SeriesN > sessions[i].SeriesN && !sessions[i-1].StartedAt.After(b.TakenAt) {
		i--
	}
	return sessions[i], true
}

// recordResult opens the result form beside the photos, for the session they were taken at.
func (c *photoComparison) recordResult() {
	a, b := c.sides[0], c.sides[1]
	if c.result != nil || a.img == nil || b.img == nil {
		return
	}
	p := c.p
	session, _ := resultSession(a.photo, b.photo, p.sessions) // none: the form asks for it
	f := newPhotoOutcomeForm(p.store, p.client.ID, p.sessions, session)
	if len(f.sessions) == 0 {
		dialog.ShowInformation("No session yet", "A result follows one of the client's sessions, and "+p.client.Name()+
			" has none yet: record the session first (New session on their page), then the result.", p.win)
		return
	}
	f.life.end()
	f.life = newLife(c.life.ctx) // the form goes with the comparison
	c.result = f
	c.resultBtn.Disable()
	c.recorded.Hide()
	title := widget.NewLabelWithStyle("Record result", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	cancel := widget.NewButton("Cancel", c.closeResult)
	save := widget.NewButtonWithIcon("Save result", theme.DocumentSaveIcon(), func() {
		f.save(func() {
			o, _ := f.value()
			c.closeResult()
			c.saidSaved.SetText(fmt.Sprintf("Result recorded after the session of %s: %s. The client's page shows it.",
				wording.DateTime(f.session.StartedAt), outcomeSaid(o)))
			c.recorded.Show()
		})
	})
	save.Importance = widget.HighImportance
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(resultPanelWidth, 0))
	panel := container.NewBorder(container.NewVBox(title, widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), container.NewGridWithColumns(2, cancel, save)), nil, nil,
		container.NewVScroll(container.New(layout.NewCustomPaddedLayout(0, 0, theme.Padding(), 3*theme.Padding()), f.content())))
	c.beside.Objects = []fyne.CanvasObject{width, container.NewBorder(nil, nil, widget.NewSeparator(), nil, panel)}
	c.beside.Show()
	c.root.Refresh()
}

// resultPanelWidth is the result form's width beside the photos: at 1280 pixels each photo keeps
// about 400.
const resultPanelWidth = 460

// closeResult puts the result form away; the comparison stays as it was.
func (c *photoComparison) closeResult() {
	if c.result == nil {
		return
	}
	c.result.life.end()
	c.result = nil
	c.beside.Objects = nil
	c.beside.Hide()
	c.resultBtn.Enable()
	c.root.Refresh()
}

// leaveThen runs fn, which leaves the comparison, once a result begun beside it is either
// saved or to be given up.
func (c *photoComparison) leaveThen(fn func()) {
	if c.result == nil || !c.result.started() {
		fn()
		return
	}
	dialog.ShowConfirm("Leave without saving the result?", "The result beside the photos is not saved yet.", func(leave bool) {
		if leave {
			c.closeResult()
			fn()
		}
	}, c.p.win)
}
