package ui

import (
	"image"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/chart"
)

// themeChartStyle is the current theme's colours and text size: charts follow light and dark as
// the rest of the window does.
func themeChartStyle() chart.Style {
	return chart.Style{
		Foreground: theme.Color(theme.ColorNameForeground),
		Background: theme.Color(theme.ColorNameBackground),
		Grid:       theme.Color(theme.ColorNameSeparator),
		Accent:     theme.Color(theme.ColorNamePrimary),
		Warning:    theme.Color(theme.ColorNameError),
		FontSize:   float64(theme.TextSize()),
	}
}

// chartDraw draws a figure's chart width by height pixels, scale pixels to the logical pixel:
// its image (which may come back taller, to keep every group readable), and which of the
// figure's rows a pixel of it picks.
type chartDraw func(width, height int, scale float64, c chart.Style) (img image.Image, hit func(x, y int) (int, bool))

// chartMinHeight is a chart's least height, in logical pixels.
const chartMinHeight = 240

// chartView shows a chart drawn for its size and the theme, off the UI goroutine; choosing a
// bar picks its row.
type chartView struct {
	widget.BaseWidget
	draw   chartDraw
	colors func() chart.Style
	onPick func(row int)

	img      *canvas.Image
	hit      func(x, y int) (int, bool)
	drawn    fyne.Size   // the size the image shown was drawn for
	drawnFor chart.Style // and the colours
	drawing  bool        // a drawing is under way: a newer size waits for it (a window being dragged)
	again    bool        // the size or theme changed while drawing: draw once more when done
	height   float32     // the height the chart needs, once drawn
}

func newChartView(draw chartDraw, colors func() chart.Style, onPick func(int)) *chartView {
	v := &chartView{draw: draw, colors: colors, onPick: onPick, height: chartMinHeight}
	v.img = canvas.NewImageFromImage(nil)
	v.img.FillMode = canvas.ImageFillStretch
	v.img.ScaleMode = canvas.ImageScaleSmooth
	v.ExtendBaseWidget(v)
	return v
}

func (v *chartView) CreateRenderer() fyne.WidgetRenderer { return &chartRenderer{v: v} }

func (v *chartView) MinSize() fyne.Size { return fyne.NewSize(320, v.height) }

func (v *chartView) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (v *chartView) Tapped(e *fyne.PointEvent) {
	if v.hit == nil || v.onPick == nil {
		return
	}
	scale := v.scale()
	if i, ok := v.hit(int(e.Position.X*scale), int(e.Position.Y*scale)); ok {
		v.onPick(i)
	}
}

// scale is the pixels to a logical pixel of the window showing the chart.
func (v *chartView) scale() float32 {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil && c.Scale() > 0 {
		return c.Scale()
	}
	return 1
}

// redraw draws the chart again when its size or the theme changed since it was drawn.
func (v *chartView) redraw(size fyne.Size) {
	if size.Width < 1 || size.Height < 1 {
		return
	}
	colors := v.colors()
	if size == v.drawn && colors == v.drawnFor {
		return
	}
	if v.drawing {
		v.again = true
		return
	}
	v.drawn, v.drawnFor = size, colors
	v.drawing = true
	scale := v.scale()
	w, h := int(math.Round(float64(size.Width*scale))), int(math.Round(float64(size.Height*scale)))
	draw := v.draw
	type drawn struct {
		img image.Image
		hit func(x, y int) (int, bool)
	}
	async(func() (drawn, error) {
		img, hit := draw(w, h, float64(scale), colors)
		return drawn{img, hit}, nil
	}, func(d drawn, _ error) {
		v.drawing = false
		if d.img != nil {
			v.img.Image, v.hit = d.img, d.hit
			v.img.Refresh()
			if need := float32(d.img.Bounds().Dy()) / scale; need > v.height+1 {
				v.height = need // many groups: the chart grows to keep their names readable
				v.Refresh()
			}
		}
		if v.again {
			v.again = false
			v.redraw(v.Size()) // for the size it has now, not the ones it passed through
		}
	})
}

type chartRenderer struct{ v *chartView }

func (r *chartRenderer) Layout(size fyne.Size) {
	r.v.img.Resize(size)
	r.v.redraw(size)
}

func (r *chartRenderer) MinSize() fyne.Size { return r.v.MinSize() }

func (r *chartRenderer) Refresh() {
	r.v.redraw(r.v.Size()) // the theme may have changed
	r.v.img.Refresh()
}

func (r *chartRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.v.img} }

func (r *chartRenderer) Destroy() {}
