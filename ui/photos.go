package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // previews and thumbnails are JPEGs
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/wording"
)

// photoStore is the records a photo screen works on, and where they are kept: a photo or a
// comparison saved out never replaces the practice's file.
type photoStore interface {
	nlstore.Store
	practiceLocation
}

// photoScreen is a client's photos: the gallery, one photo in full with its tags and pinned notes,
// and two photos compared. It takes the whole window, as the session editor does.
type photoScreen struct {
	app      fyne.App
	win      fyne.Window
	store    photoStore
	client   data.Client
	sessions []data.TimelineEntry // newest first
	views    []string
	zones    []string
	photos   []data.PhotoThumb // as the filters show them, in gallery order
	life     life              // ends when the screen closes; the viewer's and comparison's end with it
	// typingPause is how long the viewer's note waits after the last key before it is saved.
	typingPause time.Duration

	viewF, zoneF, kindF *widget.Select
	count               *widget.Label
	rows                []galleryRow // headings and rows of tiles, for the width the gallery has
	perRow              int          // tiles a row holds at that width
	list                *widget.List
	empty               *widget.Label
	compareBtn          *widget.Button // offered once there are two photos to compare
	gallery             fyne.CanvasObject
	body                *fyne.Container // the gallery, the viewer or the comparison
	root                fyne.CanvasObject
	viewer              *photoViewer
	comparison          *photoComparison
	onClose             func()
}

const allOption = "All"

// photoLists is what the photo screen needs besides the photos.
type photoLists struct {
	sessions []data.TimelineEntry
	views    []string
	zones    []string
}

func loadPhotoLists(ctx context.Context, store nlstore.Store, clientID string) (photoLists, error) {
	var l photoLists
	var err error
	if l.sessions, err = store.Timeline(ctx, clientID); err != nil {
		return l, err
	}
	views, err := store.ListItems(ctx, data.ListPhotoView, false)
	if err != nil {
		return l, err
	}
	for _, v := range views {
		l.views = append(l.views, v.Name)
	}
	zones, err := store.Zones(ctx, false)
	if err != nil {
		return l, err
	}
	l.zones = zoneNames(zones)
	return l, nil
}

func newPhotoScreen(a fyne.App, win fyne.Window, store photoStore, client data.Client, lists photoLists) *photoScreen {
	p := &photoScreen{app: a, win: win, store: store, client: client, sessions: lists.sessions, views: lists.views, zones: lists.zones,
		life: newLife(nil), typingPause: typingPause}
	filter := func(options []string) *widget.Select {
		s := widget.NewSelect(append([]string{allOption}, options...), func(string) { p.reload() })
		s.Selected = allOption
		return s
	}
	p.viewF = filter(lists.views)
	p.zoneF = filter(lists.zones)
	var kinds []string
	for _, k := range data.PhotoKinds {
		kinds = append(kinds, string(k))
	}
	p.kindF = filter(kinds)
	p.count = widget.NewLabel("")
	p.empty = widget.NewLabel("")
	p.empty.Hide()
	p.list = widget.NewList(func() int { return len(p.rows) }, p.newRow, p.bindRow)
	p.list.HideSeparators = true

	closeBtn := widget.NewButtonWithIcon("Close", theme.NavigateBackIcon(), func() { p.leaveThen(p.close) })
	title := widget.NewLabelWithStyle("Photos of "+client.Name(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Truncation = fyne.TextTruncateEllipsis // a long name must not push the buttons off the window
	importBtn := widget.NewButtonWithIcon("Import photos…", theme.FolderOpenIcon(), p.importFromFolder)
	importBtn.Importance = widget.HighImportance
	p.compareBtn = widget.NewButtonWithIcon("Compare", theme.ViewFullScreenIcon(), func() { p.leaveThen(func() { p.compare("") }) })
	p.compareBtn.Disable()
	top := container.NewBorder(nil, nil, container.NewCenter(closeBtn), container.NewCenter(container.NewHBox(p.compareBtn, importBtn)),
		title)
	filters := container.NewHBox(widget.NewLabel("View"), p.viewF, widget.NewLabel("Zone"), p.zoneF,
		widget.NewLabel("Kind"), p.kindF, p.count)
	hint := widget.NewLabel("Drop photos or a folder onto the window to import them for this client.")
	hint.Importance = widget.LowImportance
	p.gallery = container.NewBorder(filters, hint, nil, nil,
		container.NewStack(container.New(&galleryLayout{p}, p.list), container.NewVBox(p.empty)))
	p.body = container.NewStack(p.gallery)
	p.root = container.NewBorder(container.NewVBox(top, widget.NewSeparator()), nil, nil, nil, p.body)
	return p
}

func (p *photoScreen) content() fyne.CanvasObject { return p.root }

func (p *photoScreen) close() {
	p.life.end()
	p.win.Canvas().Unfocus() // the photo view must not keep taking keys once it is gone
	if p.onClose != nil {
		p.onClose()
	}
}

// unsaved reports whether the viewer holds tags or a note not yet stored, or the comparison a
// result begun and not yet saved.
func (p *photoScreen) unsaved() bool {
	return p.viewer != nil && p.viewer.unsaved() || p.comparison != nil && p.comparison.result != nil && p.comparison.result.started()
}

// leaveThen runs fn once the viewer's or the comparison's unsaved changes, if any, are dealt with.
func (p *photoScreen) leaveThen(fn func()) {
	if p.viewer != nil {
		p.viewer.unsavedThen(fn)
		return
	}
	if p.comparison != nil {
		p.comparison.leaveThen(fn)
		return
	}
	fn()
}

// show puts a view (the gallery, a photo, a comparison) in the screen's body. The keyboard
// focus is dropped first: a photo view left behind would otherwise still take the arrow keys.
func (p *photoScreen) show(o fyne.CanvasObject) {
	p.win.Canvas().Unfocus()
	p.body.Objects = []fyne.CanvasObject{o}
	p.body.Refresh()
}

// replace puts a photo's new record in the gallery, wherever the photo now is.
func (p *photoScreen) replace(ph data.Photo) {
	if i := slices.IndexFunc(p.photos, func(t data.PhotoThumb) bool { return t.ID == ph.ID }); i >= 0 {
		p.photos[i].Photo = ph
	}
}

func (p *photoScreen) query() data.PhotoQuery {
	q := data.PhotoQuery{ClientID: p.client.ID}
	if p.viewF.Selected != allOption {
		q.View = p.viewF.Selected
	}
	if p.zoneF.Selected != allOption {
		q.Zone = p.zoneF.Selected
	}
	if p.kindF.Selected != allOption {
		q.Kind = data.PhotoKind(p.kindF.Selected)
	}
	return q
}

// update loads the photos synchronously; tests call it directly.
func (p *photoScreen) update(ctx context.Context) error {
	photos, err := p.store.ListPhotos(ctx, p.query())
	if err != nil {
		return err
	}
	p.apply(photos)
	return nil
}

// reload fetches the photos for the filters in the background.
func (p *photoScreen) reload() {
	q := p.query()
	async(func() ([]data.PhotoThumb, error) { return p.store.ListPhotos(p.life.ctx, q) },
		func(photos []data.PhotoThumb, err error) {
			if p.life.gone(err) {
				return
			}
			if err != nil {
				showError(p.win, "read the photos", err)
				return
			}
			if q == p.query() {
				p.apply(photos)
			}
		})
}

// apply shows photos grouped by session, newest session first, photos without one last.
func (p *photoScreen) apply(photos []data.PhotoThumb) {
	order := map[string]int{}
	for i, s := range p.sessions {
		order[s.SessionID] = i
	}
	rank := func(t data.PhotoThumb) int {
		if i, ok := order[t.SessionID]; ok {
			return i
		}
		return len(p.sessions)
	}
	p.photos = slices.Clone(photos)
	slices.SortStableFunc(p.photos, func(a, b data.PhotoThumb) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return a.TakenAt.Compare(b.TakenAt)
	})

	if v := p.viewer; v != nil {
		// The photo on screen may have moved: an import or a filter changed the list under it.
		if i := slices.IndexFunc(p.photos, func(t data.PhotoThumb) bool { return t.ID == v.photo.ID }); i >= 0 {
			v.i = i
			v.position.SetText(wording.OfN(i+1, len(p.photos)))
		}
	}
	p.count.SetText(wording.Count(len(p.photos), "photo", "photos"))
	if len(p.photos) >= 2 {
		p.compareBtn.Enable()
	} else {
		p.compareBtn.Disable()
	}
	p.empty.SetText("No photos yet. Import them with Import photos…, or drop them onto this window.")
	if p.query() != (data.PhotoQuery{ClientID: p.client.ID}) {
		p.empty.SetText("No photo matches these filters.")
	}
	p.empty.Hidden = len(p.photos) > 0
	p.empty.Refresh()
	p.layRows()
}

// galleryRow is a line of the gallery: a session's heading, or up to perRow of its photos.
type galleryRow struct {
	heading string
	first   int // index into photos of the row's first tile
	n       int // how many tiles
}

const (
	tileWidth     = 200
	tileHeight    = 196
	maxTilesInRow = 16 // a row's tile slots: enough for a 3200-pixel-wide window
)

// layRows splits the photos into headings and rows of tiles for the current width. Only the
// rows on screen are built and their thumbnails decoded, so 500 photos show as fast as 20.
func (p *photoScreen) layRows() {
	order := map[string]int{}
	for i, s := range p.sessions {
		order[s.SessionID] = i
	}
	per := max(1, p.perRow)
	p.rows = p.rows[:0]
	for i := 0; i < len(p.photos); {
		j := i
		for j < len(p.photos) && p.photos[j].SessionID == p.photos[i].SessionID {
			j++
		}
		heading := "Not linked to a session"
		if k, ok := order[p.photos[i].SessionID]; ok {
			heading = sessionLabel(p.sessions[k])
		}
		p.rows = append(p.rows, galleryRow{heading: heading})
		for k := i; k < j; k += per {
			p.rows = append(p.rows, galleryRow{first: k, n: min(per, j-k)})
		}
		i = j
	}
	for i, r := range p.rows {
		if r.heading != "" {
			p.list.SetItemHeight(i, boldLabel("X").MinSize().Height)
		} else {
			p.list.SetItemHeight(i, tileHeight)
		}
	}
	p.list.Refresh()
}

// newRow makes a row that can show a heading or a full row of tiles.
func (p *photoScreen) newRow() fyne.CanvasObject {
	tiles := container.NewHBox()
	for range maxTilesInRow {
		tiles.Add(newThumbTile(p))
	}
	return container.NewStack(boldLabel(""), tiles)
}

func (p *photoScreen) bindRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := p.rows[i]
	objs := o.(*fyne.Container).Objects
	heading, tiles := objs[0].(*widget.Label), objs[1].(*fyne.Container)
	heading.Hidden, tiles.Hidden = r.heading == "", r.heading != ""
	heading.SetText(r.heading)
	for k, t := range tiles.Objects {
		tile := t.(*thumbTile)
		if k < r.n {
			tile.show(r.first + k)
		} else {
			tile.Hide()
		}
	}
}

// galleryLayout gives the gallery's list all the room and re-flows the rows when the width
// changes the number of tiles a row holds.
type galleryLayout struct{ p *photoScreen }

func (l *galleryLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if per := min(max(1, int(size.Width-theme.Padding()*4)/tileWidth), maxTilesInRow); per != l.p.perRow {
		l.p.perRow = per
		l.p.layRows()
	}
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

func (l *galleryLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(tileWidth, tileHeight)
}

// sessionOf returns the timeline entry of a session of this client.
func (p *photoScreen) sessionOf(id string) (data.TimelineEntry, bool) {
	i := slices.IndexFunc(p.sessions, func(s data.TimelineEntry) bool { return s.SessionID == id })
	if i < 0 {
		return data.TimelineEntry{}, false
	}
	return p.sessions[i], true
}

// open shows photo i of the gallery in the viewer.
func (p *photoScreen) open(i int) {
	p.endViews()
	p.viewer = newPhotoViewer(p, i)
	p.show(p.viewer.content())
	p.viewer.show(i)
}

// backToGallery leaves the viewer or the comparison, showing any change made there.
func (p *photoScreen) backToGallery() {
	p.endViews()
	p.viewer, p.comparison = nil, nil
	p.show(p.gallery)
	p.reload()
}

// imagesBack shows again the images the photo folder now holds, as when it was copied back beside
// the practice while the screen was open: the gallery's tiles, and the photo in the viewer unless
// its tags are being edited.
func (p *photoScreen) imagesBack() {
	p.reload()
	if v := p.viewer; v != nil && v.view.ShowsEmpty() && !v.unsaved() {
		v.show(v.i)
	}
}

// endViews ends the viewer's or the comparison's life as the screen leaves it.
func (p *photoScreen) endViews() {
	if p.viewer != nil {
		p.viewer.life.end()
	}
	if p.comparison != nil {
		p.comparison.life.end()
	}
}

// importFromFolder lets the practitioner choose a folder, then the files in it.
func (p *photoScreen) importFromFolder() {
	if canTakePhotos(p.win, p.client) {
		chooseImportFolder(p.app, p.win, p.offer)
	}
}

// canTakePhotos says, before any file is chosen, when a client's record allows no photos.
func canTakePhotos(win fyne.Window, c data.Client) bool {
	if c.PhotoConsent != data.PhotoConsentNone && c.PhotoConsent != "" {
		return true
	}
	dialog.ShowInformation("No photo consent on file",
		c.Name()+" has not consented to photos. Record their photo consent first (Edit profile on their page, or Client › Edit profile…), then import.", win)
	return false
}

// offer asks which of paths to import and what they show, then imports them; skipped are files
// listed as not imported, with why.
func (p *photoScreen) offer(paths []string, skipped ...ondisk.SkippedFile) {
	if !canTakePhotos(p.win, p.client) {
		return
	}
	newImportDialog(p.win, p.store, p.client, paths, p.sessions, p.views, p.zones, func([]importOutcome) {
		p.reload()
	}).listSkipped(skipped).show()
}

// thumbTile is a slot of a gallery row showing one photo: its thumbnail and what it shows. A tap
// opens it. The list reuses slots as it scrolls, so a slot is told which photo to show.
type thumbTile struct {
	widget.BaseWidget
	p       *photoScreen
	i       int // index into p.photos
	img     *canvas.Image
	missing *fyne.Container // stands in for an image that cannot be shown: an icon and "Image missing"
	caption *widget.Label
	// shown is the photo whose thumbnail the slot has decoded, and whether it had one: a photo
	// shown as missing is decoded again once its image is back (its folder copied back).
	shown struct {
		id      string
		missing bool
	}
}

func newThumbTile(p *photoScreen) *thumbTile {
	t := &thumbTile{p: p}
	t.img = canvas.NewImageFromImage(nil)
	t.img.FillMode = canvas.ImageFillContain
	t.img.SetMinSize(fyne.NewSize(tileWidth-10, tileHeight-46))
	icon := canvas.NewImageFromResource(theme.NewDisabledResource(theme.BrokenImageIcon()))
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(56))
	text := widget.NewLabel("Image missing")
	text.Alignment = fyne.TextAlignCenter
	t.missing = container.NewCenter(container.NewVBox(icon, text))
	t.missing.Hide()
	t.caption = widget.NewLabel("")
	t.caption.SizeName = theme.SizeNameCaptionText
	t.caption.Truncation = fyne.TextTruncateEllipsis
	t.caption.Alignment = fyne.TextAlignCenter
	t.ExtendBaseWidget(t)
	return t
}

// show puts photo i in the slot, decoding its thumbnail unless the slot shows it already.
func (t *thumbTile) show(i int) {
	t.i = i
	ph := t.p.photos[i]
	if ph.ID != t.shown.id || ph.ImageMissing != t.shown.missing {
		t.shown.id, t.shown.missing = ph.ID, ph.ImageMissing
		img, err := decodePhoto(ph.Thumbnail)
		if err != nil {
			img = nil // a damaged thumbnail shows "Image missing"; the photo itself opens all the same
		}
		t.img.Image = img
		t.img.Refresh()
	}
	if t.img.Image == nil {
		t.missing.Show()
	} else {
		t.missing.Hide()
	}
	t.caption.SetText(wording.PhotoLabelInline(ph.Photo)) // the tags may have changed since: always from the record
	t.Show()
}

func (t *thumbTile) Tapped(*fyne.PointEvent) { t.p.open(t.i) }

func (t *thumbTile) MinSize() fyne.Size { return fyne.NewSize(tileWidth-4, tileHeight-4) }

func (t *thumbTile) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, t.caption, nil, nil, container.NewStack(t.img, t.missing)))
}

// decodePhoto decodes a stored preview or thumbnail (a JPEG the app made).
func decodePhoto(b []byte) (image.Image, error) {
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("decode a stored preview or thumbnail: %w", err)
	}
	return img, nil
}
