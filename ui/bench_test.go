package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
)

// BenchmarkGalleryShow500 opens a gallery of 500 photos in 20 sessions and shows the rows that fit
// a 1280x800 window, decoding their thumbnails, as opening a client's photos does once the
// thumbnails are read (data's BenchmarkGallery500 times that).
// Run: go test -run x -bench GalleryShow500 ./ui/
func BenchmarkGalleryShow500(b *testing.B) {
	test.NewTempApp(b)
	img := image.NewRGBA(image.Rect(0, 0, 256, 192))
	for y := range 192 {
		for x := range 256 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var thumb bytes.Buffer
	if err := jpeg.Encode(&thumb, img, nil); err != nil {
		b.Fatal(err)
	}
	var sessions []data.TimelineEntry
	var photos []data.PhotoThumb
	start := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	for s := range 20 {
		id := "s" + strconv.Itoa(s)
		sessions = append(sessions, data.TimelineEntry{SessionID: id, StartedAt: start.AddDate(0, 0, 28*(19-s)), SeriesN: 20 - s, SeriesOf: 20})
		for i := range 25 {
			photos = append(photos, data.PhotoThumb{Photo: data.Photo{ID: id + "p" + strconv.Itoa(i), PhotoTags: data.PhotoTags{
				SessionID: id, Kind: data.PhotoBefore, View: "Frontal", Zone: "Cheeks"}, TakenAt: sessions[s].StartedAt},
				Thumbnail: thumb.Bytes()})
		}
	}
	w := test.NewTempWindow(b, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	b.ResetTimer()
	for range b.N {
		// A new screen each time: its tiles have decoded nothing yet, as when a client's photos open.
		p := newPhotoScreen(fyne.CurrentApp(), w, nil, data.Client{FirstName: "Ann", LastName: "Lee"},
			photoLists{sessions: sessions, views: []string{"Frontal"}, zones: []string{"Cheeks"}})
		w.SetContent(p.content())
		p.apply(photos)
		if len(p.rows) == 0 {
			b.Fatal("no rows")
		}
	}
}
