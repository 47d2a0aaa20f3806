package ui

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/report"
	"needlelog.app/needlelog/wording"
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
	c.sides[0].view.SetImage(flatImage(red), "")
	c.sides[1].view.SetImage(flatImage(blue), "")
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

// importKind imports a photo file for the fixture's client with the tags given.
func (fx *photoFixture) importKind(t *testing.T, name string, seed uint8, taken time.Time, tags data.PhotoTags) data.Photo {
	t.Helper()
	path := filepath.Join(fx.dir, name)
	writeJPEG(t, path, 600, 400, seed, taken)
	f, err := practice.ReadPhotoFileContext(context.Background(), path, data.PhotoImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ph, err := fx.store.ImportPhoto(context.Background(), fx.client.ID, tags, f)
	if err != nil {
		t.Fatal(err)
	}
	return ph
}

// Compare opens on the first "before" of a view against the latest "after" of it, not against
// the next session's "before", and captions both as the treatment history does.
func TestCompareOpensOnBeforeAgainstLatestAfter(t *testing.T) {
	fx := newPhotoFixture(t)
	at := fx.session.StartedAt
	tags := func(kind data.PhotoKind) data.PhotoTags {
		return data.PhotoTags{SessionID: fx.session.ID, Kind: kind, View: "Frontal", Zone: fx.zone}
	}
	before := fx.importKind(t, "IMG_0001.JPG", 10, at.Add(-10*time.Minute), tags(data.PhotoBefore))
	after := fx.importKind(t, "IMG_0002.JPG", 80, at.Add(50*time.Minute), tags(data.PhotoAfter))
	fx.importKind(t, "IMG_0003.JPG", 160, at.Add(26*time.Hour), tags(data.PhotoBefore)) // the next visit's before

	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	p.compare("")
	waitFor(t, "the comparison", func() bool {
		c := p.comparison
		return c != nil && c.sides[0].img != nil && c.sides[1].img != nil
	})
	c := p.comparison
	if l, r := c.sides[0].photo.ID, c.sides[1].photo.ID; l != before.ID || r != after.ID {
		t.Fatalf("compare opens on %s against %s, want the before %s against the after %s", l, r, before.ID, after.ID)
	}
	// Each caption is whole on screen, however many lines it has.
	for i, s := range c.sides {
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.caption)
		if bottom, min := pos.Y+s.caption.Size().Height, s.caption.MinSize().Height; bottom > fx.w.Canvas().Size().Height ||
			s.caption.Size().Height < min {
			t.Errorf("caption %d is cut: %v high of %v, its foot at %v", i+1, s.caption.Size().Height, min, bottom)
		}
	}
	se, err := fx.store.Session(context.Background(), fx.session.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, ph := range []data.Photo{before, after} {
		want := strings.Join(wording.PhotoCaption(ph, &se, nil), "\n")
		if got := c.sides[i].caption.Text; got != want || !strings.Contains(got, "Session 1 of 3") {
			t.Errorf("side %d is captioned %q, want %q", i+1, got, want)
		}
	}
}

// The photo screen has one Compare, which, while a photo is on show, compares that photo; the
// opacity slider shows only while the photos are overlaid.
func TestOneCompareButtonComparesThePhotoOnShow(t *testing.T) {
	fx := newPhotoFixture(t)
	at := fx.session.StartedAt
	tags := func(kind data.PhotoKind) data.PhotoTags {
		return data.PhotoTags{SessionID: fx.session.ID, Kind: kind, View: "Frontal", Zone: fx.zone}
	}
	fx.importKind(t, "IMG_0001.JPG", 10, at.Add(-10*time.Minute), tags(data.PhotoBefore))
	fx.importKind(t, "IMG_0002.JPG", 80, at.Add(50*time.Minute), tags(data.PhotoAfter))
	later := fx.importKind(t, "IMG_0003.JPG", 160, at.Add(26*time.Hour), tags(data.PhotoBefore))

	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(p.photos, func(t data.PhotoThumb) bool { return t.ID == later.ID })
	p.open(i)
	var compares []*widget.Button
	walk(p.root, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Visible() && strings.HasPrefix(b.Text, "Compare") {
			compares = append(compares, b)
		}
	})
	if len(compares) != 1 {
		t.Fatalf("the photo on show has %d Compare buttons", len(compares))
	}
	test.Tap(compares[0])
	waitFor(t, "the comparison", func() bool {
		c := p.comparison
		return c != nil && c.sides[0].img != nil && c.sides[1].img != nil
	})
	c := p.comparison
	if c.sides[0].photo.ID != later.ID {
		t.Fatalf("Compare started from %s, not the photo on show %s", c.sides[0].photo.ID, later.ID)
	}
	shown := func() bool {
		found := false
		walkVisible(c.root, func(o fyne.CanvasObject) { found = found || o == c.opacity })
		return found
	}
	if shown() {
		t.Fatal("the opacity slider is shown side by side, where it does nothing")
	}
	c.overlay.SetChecked(true)
	if !shown() || c.opacity.Disabled() {
		t.Fatal("the opacity slider is not offered with the overlay")
	}
}

// Compare opened from an "after" photo in the viewer sets it against its view's baseline, the
// first "before", which goes on the left as it does from the gallery.
func TestCompareFromAnAfterPhotoPutsTheBeforeOnTheLeft(t *testing.T) {
	fx := newPhotoFixture(t)
	at := fx.session.StartedAt
	tags := func(kind data.PhotoKind) data.PhotoTags {
		return data.PhotoTags{SessionID: fx.session.ID, Kind: kind, View: "Frontal", Zone: fx.zone}
	}
	before := fx.importKind(t, "IMG_0001.JPG", 10, at.Add(-10*time.Minute), tags(data.PhotoBefore))
	after := fx.importKind(t, "IMG_0002.JPG", 80, at.Add(50*time.Minute), tags(data.PhotoAfter))
	fx.importKind(t, "IMG_0003.JPG", 160, at.Add(26*time.Hour), tags(data.PhotoBefore)) // the next visit's before

	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.open(slices.IndexFunc(p.photos, func(t data.PhotoThumb) bool { return t.ID == after.ID }))
	test.Tap(p.compareBtn)
	waitFor(t, "the comparison", func() bool {
		c := p.comparison
		return c != nil && c.sides[0].img != nil && c.sides[1].img != nil
	})
	c := p.comparison
	if left, right := c.sides[0].caption.Text, c.sides[1].caption.Text; !strings.HasPrefix(left, "Before") ||
		!strings.HasPrefix(right, "After") {
		t.Errorf("compare from the after photo shows\n%q\non the left and\n%q\non the right, want the before on the left", left, right)
	}
	if l, r := c.sides[0].photo.ID, c.sides[1].photo.ID; l != before.ID || r != after.ID {
		t.Errorf("compare from the after photo %s sets %s against %s, want the first before %s against it", after.ID, l, r, before.ID)
	}
	if path := os.Getenv("NEEDLELOG_SHOT"); path != "" { // to look at the screen: NEEDLELOG_SHOT=/tmp/x.png
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, fx.w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

// The Compare screen captions a pair word for word as the treatment history PDF does, products'
// lots included, and the caption is whole on screen.
func TestCompareCaptionsAsTheTreatmentHistory(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed to read the treatment history back")
	}
	fx := newPhotoFixture(t)
	ctx := context.Background()
	serum := data.Product{Name: "Hyaluronic acid serum 2%", Kind: "Hyaluronic acid", NeedledSkinOK: true}
	peptide := data.Product{Name: "Copper peptide GHK-Cu", Kind: "Peptide", NeedledSkinOK: true}
	txa := data.Product{Name: "Tranexamic acid 3% brightening serum", Kind: "Serum", NeedledSkinOK: true} // a line that wraps
	for _, p := range []*data.Product{&serum, &peptide, &txa} {
		if err := fx.store.SaveProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	se := data.Session{ClientID: fx.client.ID, StartedAt: fx.session.StartedAt.Add(-28 * 24 * time.Hour), SeriesN: 1, SeriesOf: 3,
		NoSideEffects: true, Zones: []data.ZoneTreatment{{Zone: fx.zone, DepthMM: 0.25, Passes: 2}, {Zone: "Neck", DepthMM: 0.5, Passes: 1}},
		Products: []data.ProductUse{
			{ProductID: serum.ID, Lot: "HA-2291-B", Expiry: data.NewDate(2030, 6, 30), Phase: data.PhaseDuring, Amount: "2 ml"},
			{ProductID: peptide.ID, Lot: "GHK-0042", Phase: data.PhaseAfter, Amount: "0.5 ml"},
			{ProductID: txa.ID, Lot: "TXA-2026-117", Phase: data.PhaseAfter, Amount: "1 ml"},
		}}
	if err := fx.store.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	tags := func(s data.Session, kind data.PhotoKind) data.PhotoTags {
		return data.PhotoTags{SessionID: s.ID, Kind: kind, View: "Frontal"}
	}
	fx.importKind(t, "IMG_0001.JPG", 10, se.StartedAt.Add(-10*time.Minute), tags(se, data.PhotoBefore))
	fx.importKind(t, "IMG_0002.JPG", 80, fx.session.StartedAt.Add(50*time.Minute), tags(fx.session, data.PhotoAfter))

	lists, _ := loadPhotoLists(ctx, fx.store, fx.client.ID)
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	p.compare("")
	waitFor(t, "the comparison", func() bool {
		c := p.comparison
		return c != nil && c.sides[0].img != nil && c.sides[1].img != nil
	})
	if path := os.Getenv("NEEDLELOG_SHOT"); path != "" { // to look at the screen: NEEDLELOG_SHOT=/tmp/x.png
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, fx.w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}

	h, err := report.LoadClientHistory(ctx, fx.store, fx.client.ID)
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := report.WriteClientHistory(&pdf, h); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "history.pdf")
	if err := os.WriteFile(file, pdf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text := string(out)
	pairs := strings.Join(strings.Fields(text[strings.Index(text, "Before and after, by view"):]), " ")
	for i, s := range p.comparison.sides {
		shown := strings.Join(strings.Fields(s.caption.Text), " ") // the PDF wraps lines to its column
		if !strings.Contains(pairs, shown) {
			t.Errorf("side %d is captioned\n%q\non screen, but the treatment history's pair reads\n%q", i+1, shown, pairs)
		}
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.caption)
		if bottom := pos.Y + s.caption.Size().Height; bottom > fx.w.Canvas().Size().Height || s.caption.Size().Height < s.caption.MinSize().Height {
			t.Errorf("caption %d is cut: %v high of %v, its foot at %v", i+1, s.caption.Size().Height, s.caption.MinSize().Height, bottom)
		}
	}
	if want := "Products: Hyaluronic acid serum 2% (lot HA-2291-B), Copper peptide GHK-Cu (lot GHK-0042), " +
		"Tranexamic acid 3% brightening serum (lot TXA-2026-117)"; !strings.Contains(p.comparison.sides[0].caption.Text, want) {
		t.Errorf("the before photo's caption does not name its session's products with their lots:\n%s", p.comparison.sides[0].caption.Text)
	}
}
