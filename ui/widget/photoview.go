package widget

import (
	"image"
	"image/color"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The photo on screen: shown whole, zoomed with the wheel or keys, panned by dragging, with notes
// pinned to points of it drawn as numbered markers. The pixels are never touched: pins are
// drawn over the picture at coordinates relative to it.

const maxZoom = 8

// ViewState is the zoom and pan of photo views. Views that share one move together, as the two
// sides of a comparison do.
type ViewState struct {
	zoom float32 // 1 shows the whole photo
	// pan is how far the photo's centre sits from the view's centre, as a fraction of the photo's
	// size on screen, so that it means the same spot on two photos of different sizes.
	panX, panY float32
	views      []*PhotoView
}

// NewViewState shows the whole photo.
func NewViewState() *ViewState { return &ViewState{zoom: 1} }

// Zoom is the zoom: 1 shows the whole photo.
func (s *ViewState) Zoom() float32 { return s.zoom }

func (s *ViewState) set(zoom, panX, panY float32) {
	s.zoom = min(max(zoom, 1), maxZoom)
	s.panX, s.panY = panX, panY
	for _, v := range s.views {
		v.place()
	}
}

// Reset shows the whole photo again.
func (s *ViewState) Reset() { s.set(1, 0, 0) }

// ZoomBy zooms about the centre of the view.
func (s *ViewState) ZoomBy(factor float32) { s.set(s.zoom*factor, s.panX, s.panY) }

// PhotoPin is a note pinned to a point of a photo, at coordinates from 0 to 1 across and down.
type PhotoPin struct {
	N    int
	X, Y float64
}

// PhotoView shows one photo in a view state.
type PhotoView struct {
	widget.BaseWidget
	state  *ViewState
	img    *canvas.Image
	size   fyne.Size // of the picture in pixels, upright
	pins   []PhotoPin
	marks  []fyne.CanvasObject
	layer  *fyne.Container
	OnTap  func(x, y float64)        // a tap on the photo, relative coordinates
	OnKey  func(*fyne.KeyEvent) bool // a key the view does not use; true if it was taken
	empty  *widget.Label
	bg     *canvas.Rectangle
	hasPic bool
}

// NewPhotoView is an empty view that zooms and pans with state, and with the other views of state.
func NewPhotoView(state *ViewState) *PhotoView {
	v := &PhotoView{state: state}
	v.img = canvas.NewImageFromImage(nil)
	v.img.FillMode = canvas.ImageFillStretch // the view keeps the aspect itself, as it zooms
	v.bg = canvas.NewRectangle(color.Black)
	v.empty = widget.NewLabel("No photo")
	v.empty.Alignment = fyne.TextAlignCenter
	v.empty.Wrapping = fyne.TextWrapWord // a sentence of what to do may stand in for the photo
	v.layer = container.NewWithoutLayout(v.img)
	state.views = append(state.views, v)
	v.ExtendBaseWidget(v)
	return v
}

// SetImage shows a decoded photo; nil shows an empty view saying so.
func (v *PhotoView) SetImage(img image.Image, emptyText string) {
	v.hasPic = img != nil
	v.img.Image = img
	if img != nil {
		b := img.Bounds()
		v.size = fyne.NewSize(float32(b.Dx()), float32(b.Dy()))
		v.empty.Hide()
		v.img.Show()
	} else {
		v.size = fyne.Size{}
		v.empty.SetText(emptyText)
		v.empty.Show()
		v.img.Hide()
	}
	v.img.Refresh()
	v.place()
}

// SetPins shows numbered markers at the pins.
func (v *PhotoView) SetPins(pins []PhotoPin) {
	v.pins = pins
	v.layer.Objects = []fyne.CanvasObject{v.img}
	v.marks = nil
	for _, p := range pins {
		m := newPinMark(p.N)
		v.marks = append(v.marks, m)
		v.layer.Objects = append(v.layer.Objects, m)
	}
	v.layer.Refresh()
	v.place()
}

// SetBackdrop shows or hides the view's black background. A view laid over another hides it,
// so that where its photo is faded the photo beneath shows through.
func (v *PhotoView) SetBackdrop(on bool) {
	v.bg.Hidden = !on
	v.bg.Refresh()
}

// SetTranslucency fades the photo, 0 opaque to 1 invisible, for an overlay.
func (v *PhotoView) SetTranslucency(t float64) {
	v.img.Translucency = t
	v.img.Refresh()
}

// Frame returns where the photo lies in the view: its top-left corner and its size on screen.
func (v *PhotoView) Frame() (fyne.Position, fyne.Size) {
	s := v.Size()
	if v.size.Width == 0 || v.size.Height == 0 || s.Width == 0 || s.Height == 0 {
		return fyne.Position{}, fyne.Size{}
	}
	fit := min(s.Width/v.size.Width, s.Height/v.size.Height)
	scale := fit * v.state.zoom
	w, h := v.size.Width*scale, v.size.Height*scale
	// Never pan the photo off the view: at most until its edge meets the view's edge.
	maxX, maxY := max(0, (w-s.Width)/2/w), max(0, (h-s.Height)/2/h)
	px, py := min(max(v.state.panX, -maxX), maxX), min(max(v.state.panY, -maxY), maxY)
	return fyne.NewPos(s.Width/2-w/2+px*w, s.Height/2-h/2+py*h), fyne.NewSize(w, h)
}

// State is the view state the view moves with.
func (v *PhotoView) State() *ViewState { return v.state }

// Image is the photo shown, nil for none.
func (v *PhotoView) Image() image.Image { return v.img.Image }

// Translucency is how far the photo is faded, 0 opaque to 1 invisible.
func (v *PhotoView) Translucency() float64 { return v.img.Translucency }

// Marks are the numbered markers drawn over the photo, one a pin.
func (v *PhotoView) Marks() []fyne.CanvasObject { return v.marks }

// ShowsEmpty reports whether the view says it has no photo, in place of one.
func (v *PhotoView) ShowsEmpty() bool { return v.empty.Visible() }

// EmptyText is what the view says when it has no photo.
func (v *PhotoView) EmptyText() string { return v.empty.Text }

// place moves the picture and the markers to where the view state says.
func (v *PhotoView) place() {
	pos, size := v.Frame()
	v.img.Move(pos)
	v.img.Resize(size)
	for i, m := range v.marks {
		p := v.pins[i]
		ms := m.MinSize()
		m.Resize(ms)
		m.Move(fyne.NewPos(pos.X+float32(p.X)*size.Width-ms.Width/2, pos.Y+float32(p.Y)*size.Height-ms.Height/2))
	}
	v.layer.Refresh()
}

func (v *PhotoView) CreateRenderer() fyne.WidgetRenderer {
	return &photoViewRenderer{v: v, objects: []fyne.CanvasObject{v.bg, container.NewClip(v.layer), v.empty}}
}

type photoViewRenderer struct {
	v       *PhotoView
	objects []fyne.CanvasObject
}

func (r *photoViewRenderer) Layout(size fyne.Size) {
	for _, o := range r.objects {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
	// What stands in for a photo is read as a paragraph in the middle, not a line across the top.
	w := min(size.Width, 560)
	r.v.empty.Resize(fyne.NewSize(w, size.Height))
	h := min(r.v.empty.MinSize().Height, size.Height)
	r.v.empty.Resize(fyne.NewSize(w, h))
	r.v.empty.Move(fyne.NewPos((size.Width-w)/2, (size.Height-h)/2))
	r.v.layer.Resize(size)
	r.v.place()
}

func (r *photoViewRenderer) MinSize() fyne.Size           { return fyne.NewSize(160, 120) }
func (r *photoViewRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *photoViewRenderer) Destroy()                     {}
func (r *photoViewRenderer) Refresh() {
	r.v.bg.Refresh()
	r.v.place()
}

// Scrolled zooms with the wheel.
func (v *PhotoView) Scrolled(ev *fyne.ScrollEvent) {
	if v.hasPic {
		v.state.ZoomBy(float32(math.Pow(1.2, float64(ev.Scrolled.DY)/10)))
	}
}

// Dragged pans the zoomed photo.
func (v *PhotoView) Dragged(ev *fyne.DragEvent) {
	_, size := v.Frame()
	if size.Width == 0 || v.state.zoom == 1 {
		return
	}
	v.state.set(v.state.zoom, v.state.panX+ev.Dragged.DX/size.Width, v.state.panY+ev.Dragged.DY/size.Height)
}

func (v *PhotoView) DragEnd() {
	// Keep the pan where the photo stopped, not where the pointer went past an edge.
	pos, size := v.Frame()
	if size.Width == 0 {
		return
	}
	s := v.Size()
	v.state.panX = (pos.X + size.Width/2 - s.Width/2) / size.Width
	v.state.panY = (pos.Y + size.Height/2 - s.Height/2) / size.Height
}

// Tapped reports a tap on the photo in coordinates relative to it, and takes the keyboard.
func (v *PhotoView) Tapped(ev *fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		c.Focus(v)
	}
	pos, size := v.Frame()
	if v.OnTap == nil || size.Width == 0 {
		return
	}
	x, y := (ev.Position.X-pos.X)/size.Width, (ev.Position.Y-pos.Y)/size.Height
	if x >= 0 && x <= 1 && y >= 0 && y <= 1 {
		v.OnTap(float64(x), float64(y))
	}
}

// The view takes the keyboard when tapped: + and - zoom, 0 shows the whole photo, and OnKey
// gets the rest (previous and next photo).
func (v *PhotoView) FocusGained() {}
func (v *PhotoView) FocusLost()   {}
func (v *PhotoView) TypedRune(r rune) {
	switch r {
	case '+', '=':
		v.state.ZoomBy(1.25)
	case '-':
		v.state.ZoomBy(0.8)
	case '0':
		v.state.Reset()
	}
}

func (v *PhotoView) TypedKey(k *fyne.KeyEvent) {
	if v.OnKey != nil && v.OnKey(k) {
		return
	}
	if k.Name == fyne.KeyEscape {
		PassKeyToWindow(v, k)
	}
}

// pinMark is a numbered marker: a filled circle with the pin's number.
type pinMark struct {
	widget.BaseWidget
	n int
}

func newPinMark(n int) *pinMark {
	m := &pinMark{n: n}
	m.ExtendBaseWidget(m)
	return m
}

func (m *pinMark) MinSize() fyne.Size { return fyne.NewSquareSize(24) }

func (m *pinMark) CreateRenderer() fyne.WidgetRenderer {
	c := canvas.NewCircle(theme.Color(theme.ColorNamePrimary))
	c.StrokeColor = color.White
	c.StrokeWidth = 2
	t := canvas.NewText(strconv.Itoa(m.n), color.White)
	t.TextStyle.Bold = true
	t.Alignment = fyne.TextAlignCenter
	t.TextSize = 13
	return widget.NewSimpleRenderer(container.NewStack(c, container.NewCenter(t)))
}
