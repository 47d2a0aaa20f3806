package ui

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// flatImage is a photo of one colour.
func flatImage(c color.RGBA) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	draw.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
	return img
}

// The overlay lays the second photo over the first at the slider's opacity: at 0 only the
// first shows, at 1 only the second, and in between the two blend.
func TestCompareOverlayBlendsTheTwoPhotos(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	red, blue := color.RGBA{220, 20, 20, 255}, color.RGBA{20, 20, 220, 255}
	c := newPhotoComparison(&photoScreen{win: w}, nil)
	c.sides[0].view.setImage(flatImage(red), "")
	c.sides[1].view.setImage(flatImage(blue), "")
	w.SetContent(c.root)
	c.overlay.SetChecked(true)

	for _, tc := range []struct {
		opacity float64
		want    color.RGBA
	}{
		{0, red},
		{0.5, color.RGBA{120, 20, 120, 255}},
		{1, blue},
	} {
		c.opacity.SetValue(tc.opacity)
		shot := w.Canvas().Capture()
		v := c.sides[1].view
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(v)
		scale := float32(shot.Bounds().Dx()) / w.Canvas().Size().Width
		x, y := int((pos.X+v.Size().Width/2)*scale), int((pos.Y+v.Size().Height/2)*scale)
		got := color.RGBAModel.Convert(shot.At(x, y)).(color.RGBA)
		if !nearRGBA(got, tc.want, 24) {
			if f, err := os.Create(t.TempDir() + "/overlay.png"); err == nil {
				png.Encode(f, shot)
				f.Close()
				t.Logf("screen kept in %s", f.Name())
			}
			t.Errorf("at opacity %v the overlay shows %v, want about %v", tc.opacity, got, tc.want)
		}
	}
}

func nearRGBA(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}
