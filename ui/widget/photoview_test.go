package widget

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

// photo is a w×h picture in one colour.
func photo(w, h int, c color.Color) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
	return img
}

// showViews puts n views of one state side by side in a window, each 300×200.
func showViews(t *testing.T, n int) (*ViewState, []*PhotoView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	state := NewViewState()
	var views []*PhotoView
	var objs []fyne.CanvasObject
	for range n {
		v := NewPhotoView(state)
		views = append(views, v)
		objs = append(objs, v)
	}
	w := test.NewTempWindow(t, container.NewGridWithColumns(n, objs...))
	w.SetPadded(false)
	w.Resize(fyne.NewSize(300*float32(n), 200))
	return state, views, w
}

func nearly(a, b float32) bool { return math.Abs(float64(a-b)) < 0.5 }

func TestPhotoViewFitsThePhotoWhole(t *testing.T) {
	_, views, _ := showViews(t, 1)
	v := views[0]
	v.SetImage(photo(400, 400, color.White), "")
	pos, size := v.Frame()
	// A square photo in a 300×200 view: 200 high, centred across.
	if !nearly(size.Width, 200) || !nearly(size.Height, 200) || !nearly(pos.X, 50) || !nearly(pos.Y, 0) {
		t.Fatalf("a square photo lies at %v, %v in a 300×200 view", pos, size)
	}
	if v.ShowsEmpty() || v.Image() == nil {
		t.Fatal("a view with a photo says it has none")
	}

	v.SetImage(nil, "The photo's file is missing.")
	if !v.ShowsEmpty() || v.EmptyText() != "The photo's file is missing." || v.Image() != nil {
		t.Fatalf("without a photo the view shows %q (shown %v)", v.EmptyText(), v.ShowsEmpty())
	}
	if _, size := v.Frame(); size.Width != 0 {
		t.Fatalf("an empty view has a photo %v in size", size)
	}
}

func TestPhotoViewsOfOneStateZoomAndPanTogether(t *testing.T) {
	state, views, _ := showViews(t, 2)
	views[0].SetImage(photo(300, 200, color.White), "")
	views[1].SetImage(photo(600, 400, color.Black), "") // another size: the same spot still shows
	_, whole := views[1].Frame()
	views[1].SetPins([]PhotoPin{{N: 1, X: 0, Y: 0}}) // the photo's top-left corner
	corner := views[1].Marks()[0].Position()

	views[0].Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: 20}})
	if state.Zoom() <= 1 || views[1].State() != state {
		t.Fatalf("the wheel over one view: zoom %v", state.Zoom())
	}
	if _, size := views[1].Frame(); size.Width <= whole.Width*1.1 {
		t.Fatalf("the other view did not zoom with it: %v, whole %v", size, whole)
	}
	if p := views[1].Marks()[0].Position(); p.X >= corner.X || p.Y >= corner.Y {
		t.Fatalf("the other view's photo was not redrawn zoomed: its corner pin stayed at %v", p)
	}

	// Dragged far to the right, the photo stops where its left edge meets the view's.
	views[0].Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 5000}})
	views[0].DragEnd()
	for i, v := range views {
		if pos, _ := v.Frame(); !nearly(pos.X, 0) {
			t.Errorf("view %d: the photo's left edge is at %v after panning past it, want 0", i, pos.X)
		}
	}

	// Keys: + and - zoom, 0 shows the whole photo again; zoom stays between 1 and 8.
	z := state.Zoom()
	views[1].TypedRune('+')
	if state.Zoom() <= z {
		t.Errorf("+ zoomed from %v to %v", z, state.Zoom())
	}
	for range 30 {
		views[1].TypedRune('+')
	}
	if state.Zoom() != maxZoom {
		t.Errorf("zoomed in to %v, want at most %v", state.Zoom(), maxZoom)
	}
	views[1].TypedRune('0')
	if _, size := views[1].Frame(); state.Zoom() != 1 || !nearly(size.Width, whole.Width) {
		t.Errorf("0 leaves zoom %v, the photo %v wide, want 1 and %v", state.Zoom(), size.Width, whole.Width)
	}
	views[1].TypedRune('-')
	if state.Zoom() != 1 {
		t.Errorf("zoomed out past the whole photo, to %v", state.Zoom())
	}
}

func TestPhotoViewTapsAndPins(t *testing.T) {
	_, views, w := showViews(t, 1)
	v := views[0]
	v.SetImage(photo(400, 400, color.White), "")
	var taps [][2]float64
	v.OnTap = func(x, y float64) { taps = append(taps, [2]float64{x, y}) }
	pos, size := v.Frame()

	v.Tapped(&fyne.PointEvent{Position: pos.AddXY(size.Width/4, size.Height/2)})
	v.Tapped(&fyne.PointEvent{Position: fyne.NewPos(10, 100)}) // beside the photo
	if len(taps) != 1 || math.Abs(taps[0][0]-0.25) > 0.01 || math.Abs(taps[0][1]-0.5) > 0.01 {
		t.Fatalf("taps on the photo and beside it reported %v, want one at 0.25, 0.5", taps)
	}
	if w.Canvas().Focused() != v {
		t.Error("a tap does not give the view the keyboard")
	}

	v.SetPins([]PhotoPin{{N: 1, X: 0.25, Y: 0.5}, {N: 2, X: 1, Y: 0}})
	if len(v.Marks()) != 2 {
		t.Fatalf("%d marks for two pins", len(v.Marks()))
	}
	for i, want := range []fyne.Position{pos.AddXY(size.Width/4, size.Height/2), pos.AddXY(size.Width, 0)} {
		m := v.Marks()[i]
		if c := m.Position().AddXY(m.Size().Width/2, m.Size().Height/2); !nearly(c.X, want.X) || !nearly(c.Y, want.Y) {
			t.Errorf("pin %d is centred at %v, want %v", i+1, c, want)
		}
	}

	// Keys the view does not use go to OnKey.
	var keys []fyne.KeyName
	v.OnKey = func(k *fyne.KeyEvent) bool { keys = append(keys, k.Name); return true }
	v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if len(keys) != 1 || keys[0] != fyne.KeyRight {
		t.Errorf("OnKey got %v", keys)
	}
}

func TestPhotoViewOverlayFades(t *testing.T) {
	_, views, w := showViews(t, 1)
	v := views[0]
	v.SetImage(photo(300, 200, color.RGBA{220, 20, 20, 255}), "")
	v.SetTranslucency(1)
	v.SetBackdrop(false)
	if v.Translucency() != 1 {
		t.Fatalf("translucency %v", v.Translucency())
	}
	// Faded out, with no backdrop, the view shows what lies under it: the window's background.
	shot := w.Canvas().Capture()
	got := color.RGBAModel.Convert(shot.At(shot.Bounds().Dx()/2, shot.Bounds().Dy()/2)).(color.RGBA)
	if got.R > 200 && got.G < 50 {
		t.Errorf("a photo faded out still shows: %v", got)
	}
	v.SetTranslucency(0)
	shot = w.Canvas().Capture()
	got = color.RGBAModel.Convert(shot.At(shot.Bounds().Dx()/2, shot.Bounds().Dy()/2)).(color.RGBA)
	if got.R < 200 || got.G > 50 {
		t.Errorf("an opaque photo shows as %v", got)
	}
}
