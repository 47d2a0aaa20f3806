package demo

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	nlstore "needlelog.app/needlelog/store"
)

// Demo photos are drawings, not photographs of anyone: a head or a patch of skin in the client's
// skin tone, seen from the photo's view, under a label that says it is a demo photo and gives its
// kind, view, date and file name. They are full-size JPEGs, so that galleries, previews and
// exports handle realistic sizes, yet cheap to make: each view and skin tone is drawn once, and
// a photo is that drawing with its own label.

const (
	photoW, photoH = 1600, 1200
	photoQuality   = 85
	thumbQuality   = 80
	// photosPerChunk is how many photos are written per transaction: about 10 MB.
	photosPerChunk = 24
	// fullSizePerChunk is photosPerChunk for 12 MP photos: about 30 MB.
	fullSizePerChunk = 8
)

// photoClientsFor is how many clients get photos by default: one in five, at most 30, which
// keeps the demo practice's photos to about 8 s of work on two cores.
func photoClientsFor(clients int) int { return min(30, clients/5) }

// plannedSession is a session kept for drawing its photos once the sessions are written.
type plannedSession struct {
	id      string
	started time.Time
	zone    string // the first zone treated
	face    bool   // the face or neck was treated, so the photos show a face
	signer  string // the practitioner who signs it once its photos are in
	sign    bool
}

// photoPlan is a client with photos, and the sessions they are of.
type photoPlan struct {
	clientID string
	name     string
	tone     int // Fitzpatrick skin type, 1–6
	concerns []string
	sessions []plannedSession // the latest, oldest first
}

// photoJob is one photo to draw and store.
type photoJob struct {
	plan    *photoPlan
	session plannedSession
	kind    data.PhotoKind
	view    string // "" when the practice's list has no such view
	shape   shape
	taken   time.Time
	file    string
	pins    []data.PhotoPin
	seed    uint64 // the grain of a full-size photo
}

// shape is what a drawing shows.
type shape int

const (
	faceFrontal shape = iota
	faceLeft
	faceRight
	bodyFrontal
	skinCloseUp
)

// sessionsWithPhotos is how many of a client's latest sessions have photos.
const sessionsWithPhotos = 3

// photosPerSession is before photos from two angles and one after; estimatePhotos counts on it.
const photosPerSession = 3

func estimatePhotos(sessions int) int { return min(sessions, sessionsWithPhotos)*photosPerSession + 1 }

var pinNotes = map[string][]string{
	"Acne scars":                     {"Deepest rolling scars", "Boxcar scars", "Ice-pick scars: consider TCA CROSS"},
	"Other scars":                    {"Surgical scar, raised edge", "Scar margin"},
	"Fine lines and wrinkles":        {"Fine lines deepest here", "Crow's feet"},
	"Enlarged pores":                 {"Largest pores", "Pores, T-zone"},
	"Hyperpigmentation / dark spots": {"Dark spot to watch", "PIH from a previous peel"},
	"Melasma":                        {"Melasma patch: keep depth at 1 mm or less"},
	"Uneven tone":                    {"Uneven tone", "Redness at baseline"},
	"Skin elasticity":                {"Laxity along the jaw"},
	"Stretch marks":                  {"Red stretch marks (striae rubrae)", "White stretch marks"},
	"Hair loss (alopecia)":           {"Thinning at the crown"},
}

var photoNotes = []string{"Clinic ring light, no make-up.", "Client's hair tied back.",
	"Taken against the grey backdrop.", "Slight head tilt; retake next time.", ""}

// planPhotos lays out each client's photos: before (frontal and one side, or a close-up of the
// skin for the body) and after each of their latest sessions, and a follow-up four weeks after the
// last one when that day has come. Times fit what SuggestPhoto would propose for them.
func (g *generator) planPhotos(r *rand.Rand, views []string) []photoJob {
	view := func(name string) string {
		if slices.Contains(views, name) {
			return name
		}
		return ""
	}
	var jobs []photoJob
	add := func(p *photoPlan, se plannedSession, kind data.PhotoKind, v string, sh shape, at time.Time) int {
		jobs = append(jobs, photoJob{plan: p, session: se, kind: kind, view: view(v), shape: sh, taken: at,
			file: fmt.Sprintf("IMG_%04d.JPG", len(jobs)+1)})
		return len(jobs) - 1
	}
	for i := range g.photoPlans {
		p := &g.photoPlans[i]
		side, sideView := faceLeft, "Left 45°"
		if i%2 == 1 {
			side, sideView = faceRight, "Right 45°"
		}
		baseline := -1 // the first photo of the first session, where the notes are pinned
		for _, se := range p.sessions {
			before := se.started.Add(time.Duration(1+r.IntN(8)) * time.Minute) // on arrival, before numbing
			after := se.started.Add(time.Duration(55+r.IntN(30)) * time.Minute)
			if se.face {
				first := add(p, se, data.PhotoBefore, "Frontal", faceFrontal, before)
				if baseline < 0 {
					baseline = first
				}
				add(p, se, data.PhotoBefore, sideView, side, before.Add(time.Minute))
				add(p, se, data.PhotoAfter, "Frontal", faceFrontal, after)
			} else {
				add(p, se, data.PhotoBefore, "Frontal", bodyFrontal, before)
				first := add(p, se, data.PhotoBefore, "Close-up", skinCloseUp, before.Add(time.Minute))
				if baseline < 0 {
					baseline = first
				}
				add(p, se, data.PhotoAfter, "Close-up", skinCloseUp, after)
			}
		}
		if baseline >= 0 {
			for k := range 1 + r.IntN(2) {
				notes := pinNotes[pick(r, p.concerns)]
				if len(notes) == 0 {
					break
				}
				jobs[baseline].pins = append(jobs[baseline].pins, data.PhotoPin{X: 0.3 + 0.4*r.Float64(), Y: 0.35 + 0.3*r.Float64(),
					Note: notes[k%len(notes)]})
			}
		}
		last := p.sessions[len(p.sessions)-1]
		day := data.DateOf(last.started).AddDays(28)
		if day.Before(g.today) {
			at := time.Date(day.Year(), day.Month(), day.Day(), 9+r.IntN(8), r.IntN(60), 0, 0, g.now.Location())
			sh, v := faceFrontal, "Frontal"
			if !last.face {
				sh, v = skinCloseUp, "Close-up"
			}
			add(p, last, data.PhotoFollowUp, v, sh, at)
		}
	}
	return jobs
}

// writePhotos draws the planned photos on every core and stores them in chunks, each chunk in one
// transaction. progress is told how many photos are stored after each chunk.
func (g *generator) writePhotos(ctx context.Context, s nlstore.Store, progress func(int)) (int, error) {
	items, err := s.ListItems(ctx, data.ListPhotoView, false)
	if err != nil {
		return 0, err
	}
	var views []string
	for _, it := range items {
		views = append(views, it.Name)
	}
	seed := g.r.Uint64() // drawn once, so that photos change nothing else a seed gives
	jobs := g.planPhotos(rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d)), views)
	if g.photoLimit > 0 && len(jobs) > g.photoLimit {
		jobs = jobs[:g.photoLimit]
		g.unsignUnphotographed(jobs)
	}
	for i := range jobs {
		jobs[i].seed = seed + uint64(i)
	}
	art := newArtist()
	workers := runtime.GOMAXPROCS(0)
	perChunk := photosPerChunk
	if g.fullSize {
		perChunk = fullSizePerChunk
	}
	files := make([]data.PhotoFile, perChunk)
	written := 0
	for start := 0; start < len(jobs); start += perChunk {
		if err := ctx.Err(); err != nil {
			return written, err
		}
		chunk := jobs[start:min(start+perChunk, len(jobs))]
		var wg sync.WaitGroup
		errs := make([]error, len(chunk))
		next := make(chan int, len(chunk))
		for i := range chunk {
			next <- i
		}
		close(next)
		for range min(workers, len(chunk)) {
			wg.Go(func() {
				p := art.painter()
				p.fullSize = g.fullSize
				for i := range next {
					files[i], errs[i] = p.photo(&chunk[i])
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return written, err
		}
		err := s.Batch(ctx, func(b nlstore.Batch) error {
			for i := range chunk {
				j := &chunk[i]
				tags := data.PhotoTags{SessionID: j.session.id, Kind: j.kind, View: j.view, Zone: j.session.zone,
					Consent: data.PhotoConsentClinical, Note: photoNotes[(start+i)%len(photoNotes)]}
				ph, err := b.ImportPhoto(j.plan.clientID, tags, files[i])
				if err != nil {
					return fmt.Errorf("demo: photo %s of %s: %w", j.file, j.plan.name, err)
				}
				for _, pin := range j.pins {
					pin.PhotoID = ph.ID
					if err := b.AddPhotoPin(&pin); err != nil {
						return fmt.Errorf("demo: pin on photo %s of %s: %w", j.file, j.plan.name, err)
					}
				}
			}
			return nil
		})
		if err != nil {
			return written, err
		}
		written += len(chunk)
		progress(written)
	}
	return written, nil
}

// unsignUnphotographed leaves unsigned the sessions that jobs, cut short, no longer photograph:
// a session is signed only once its photos are in.
func (g *generator) unsignUnphotographed(jobs []photoJob) {
	kept := map[string]bool{}
	for _, j := range jobs {
		kept[j.session.id] = true
	}
	for i := range g.photoPlans {
		for k := range g.photoPlans[i].sessions {
			if se := &g.photoPlans[i].sessions[k]; !kept[se.id] {
				se.sign = false
			}
		}
	}
}

// artist holds what every painter shares: the fonts and the drawings already made.
type artist struct {
	regular, bold *opentype.Font
	mu            sync.Mutex
	bases         map[baseKey]*baseDrawing
}

type baseKey struct {
	shape shape
	tone  int
	flush bool // the redness straight after needling
}

type baseDrawing struct {
	once sync.Once
	img  *image.YCbCr
}

func newArtist() *artist {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err) // the embedded font always parses
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		panic(err)
	}
	return &artist{regular: regular, bold: bold, bases: map[baseKey]*baseDrawing{}}
}

func (a *artist) face(f *opentype.Font, size float64) font.Face {
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(err) // only a bad size fails
	}
	return fc
}

// base returns the drawing for a key, drawing it the first time it is asked for. It is kept as
// JPEG stores colour, so that each photo's encoder need not convert all of its pixels again.
func (a *artist) base(k baseKey) *image.YCbCr {
	a.mu.Lock()
	d := a.bases[k]
	if d == nil {
		d = &baseDrawing{}
		a.bases[k] = d
	}
	a.mu.Unlock()
	d.once.Do(func() {
		m := drawBase(k)
		say(m, a.face(a.regular, 38), 40, 64, color.RGBA{60, 66, 74, 255}, "Drawn stand-in for a clinical photo, not a real person")
		d.img = image.NewYCbCr(m.Bounds(), image.YCbCrSubsampleRatio420)
		putRGBA(d.img, m, 0)
	})
	return d.img
}

// painter labels and encodes photos on one goroutine: font faces are not safe to share.
type painter struct {
	art         *artist
	title, text font.Face
	canvas      *image.YCbCr
	band        *image.RGBA // the label along the bottom
	thumb       *image.RGBA
	buf         bytes.Buffer
	fullSize    bool
	big         *image.YCbCr // the 12 MP canvas, for full-size photos (bigOriginal)
}

const bandH = 190

func (a *artist) painter() *painter {
	return &painter{art: a, title: a.face(a.bold, 60), text: a.face(a.regular, 38),
		canvas: image.NewYCbCr(image.Rect(0, 0, photoW, photoH), image.YCbCrSubsampleRatio420),
		band:   image.NewRGBA(image.Rect(0, 0, photoW, bandH)),
		thumb:  image.NewRGBA(image.Rect(0, 0, photo.ThumbnailSide, photo.ThumbnailSide*photoH/photoW))}
}

var kindLabel = map[data.PhotoKind]string{data.PhotoBefore: "Before", data.PhotoAfter: "After",
	data.PhotoFollowUp: "Follow-up"}

// photo draws, labels and encodes one photo. The preview is the photo itself: drawn upright,
// written without metadata and 1600 pixels wide, it is already what photo.Process would make.
func (p *painter) photo(j *photoJob) (data.PhotoFile, error) {
	base := p.art.base(baseKey{shape: j.shape, tone: j.plan.tone, flush: j.kind == data.PhotoAfter})
	copy(p.canvas.Y, base.Y)
	copy(p.canvas.Cb, base.Cb)
	copy(p.canvas.Cr, base.Cr)

	draw.Draw(p.band, p.band.Bounds(), image.NewUniform(color.RGBA{20, 24, 30, 255}), image.Point{}, draw.Src)
	say(p.band, p.title, 48, bandH-112, color.White,
		fmt.Sprintf("DEMO PHOTO · %s · %s", kindLabel[j.kind], cmp.Or(j.view, "no view")))
	say(p.band, p.text, 48, bandH-44, color.RGBA{200, 208, 216, 255}, fmt.Sprintf("%s · %s · %s · %s",
		j.taken.Format("2 Jan 2006 15:04"), cmp.Or(j.session.zone, "no zone"), j.plan.name, j.file))
	putRGBA(p.canvas, p.band, photoH-bandH)

	p.buf.Reset()
	if err := jpeg.Encode(&p.buf, p.canvas, &jpeg.Options{Quality: photoQuality}); err != nil {
		return data.PhotoFile{}, err
	}
	original := bytes.Clone(p.buf.Bytes())
	preview, w, h := original, photoW, photoH
	if p.fullSize {
		var err error
		if original, err = p.bigOriginal(j.taken, j.seed); err != nil {
			return data.PhotoFile{}, err
		}
		w, h = bigW, bigH
	}
	xdraw.ApproxBiLinear.Scale(p.thumb, p.thumb.Bounds(), p.canvas, p.canvas.Bounds(), draw.Src, nil)
	p.buf.Reset()
	if err := jpeg.Encode(&p.buf, p.thumb, &jpeg.Options{Quality: thumbQuality}); err != nil {
		return data.PhotoFile{}, err
	}
	sum := sha256.Sum256(original)
	return data.PhotoFile{Name: j.file, ModTime: j.taken, Original: original, Processed: photo.Processed{
		Info:      photo.Info{Format: "jpeg", Width: w, Height: h, Orientation: 1, SHA256: hex.EncodeToString(sum[:])},
		Thumbnail: bytes.Clone(p.buf.Bytes()), Preview: preview,
	}}, nil
}

// say writes s on m with its baseline starting at x, y.
func say(m draw.Image, face font.Face, x, y int, c color.Color, s string) {
	d := font.Drawer{Dst: m, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// putRGBA writes src, whose sides are even, into dst's rows from y0 on, as JPEG stores colour:
// brightness for every pixel, colour averaged over each 2 × 2 block.
func putRGBA(dst *image.YCbCr, src *image.RGBA, y0 int) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	for y := range h {
		row := src.Pix[y*src.Stride:]
		out := dst.Y[(y0+y)*dst.YStride:]
		for x := range w {
			out[x], _, _ = color.RGBToYCbCr(row[4*x], row[4*x+1], row[4*x+2])
		}
	}
	for y := 0; y < h; y += 2 {
		top, bottom := src.Pix[y*src.Stride:], src.Pix[(y+1)*src.Stride:]
		for x := 0; x < w; x += 2 {
			var sum [3]int
			for k := range 3 {
				sum[k] = int(top[4*x+k]) + int(top[4*x+4+k]) + int(bottom[4*x+k]) + int(bottom[4*x+4+k])
			}
			_, cb, cr := color.RGBToYCbCr(uint8(sum[0]/4), uint8(sum[1]/4), uint8(sum[2]/4))
			i := (y0+y)/2*dst.CStride + x/2 // 4:2:0
			dst.Cb[i], dst.Cr[i] = cb, cr
		}
	}
}

// skinTones are the Fitzpatrick types I–VI as painted.
var skinTones = [7]color.RGBA{
	{210, 160, 124, 255}, // not recorded: as type III
	{244, 214, 196, 255}, {232, 190, 164, 255}, {210, 160, 124, 255},
	{176, 126, 92, 255}, {132, 90, 62, 255}, {90, 60, 42, 255},
}

// drawBase paints a photo without its label: a grey backdrop and a stylised head, torso or
// patch of skin, shaded so that it reads as round, with the redness of freshly needled skin
// when flush is set.
func drawBase(k baseKey) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, photoW, photoH))
	for y := range photoH {
		c := uint8(178 - 40*y/photoH)
		row := m.Pix[y*m.Stride : y*m.Stride+4*photoW]
		for x := 0; x < len(row); x += 4 {
			row[x], row[x+1], row[x+2], row[x+3] = c, c+4, c+10, 255
		}
	}
	skin := skinTones[min(max(k.tone, 0), 6)]
	hair := color.RGBA{58, 40, 30, 255}
	dark := scale(skin, 0.55)
	lips := mix(skin, color.RGBA{170, 70, 70, 255}, 0.45)
	red := color.RGBA{220, 50, 50, 255}

	switch k.shape {
	case faceFrontal, faceLeft, faceRight:
		turn := map[shape]int{faceFrontal: 0, faceLeft: -1, faceRight: 1}[k.shape] // which way the face turns
		cx := 800 + 40*turn
		fx := cx + 120*turn                                            // the features move towards the side the face turns to
		ellipse(m, 800, 1120, 330, 260, scale(skin, 0.9), true)        // shoulders
		ellipse(m, cx-10*turn, 930, 150, 220, scale(skin, 0.85), true) // neck
		ellipse(m, cx-30*turn, 430, 360, 330, hair, true)              // hair, behind the head
		ellipse(m, cx, 560, 300-40*abs(turn), 400, skin, true)         // face
		ellipse(m, cx-30*turn, 250, 330-40*abs(turn), 150, hair, true) // fringe
		if turn != 0 {
			ellipse(m, cx-250*turn, 560, 40, 80, scale(skin, 0.85), true) // the ear on the near side
		}
		if k.flush { // under the features drawn next
			faceRx := 300 - 40*abs(turn)
			blend(m, image.Rect(cx-faceRx, 330, cx+faceRx, 900), func(x, y int) float64 {
				if oval(x, y, cx, 560, faceRx, 400) > 0.97 || oval(x, y, cx-30*turn, 250, 330-40*abs(turn), 150) <= 1 {
					return 0 // on the face only, not the hair
				}
				d := math.Min(oval(x, y, fx-150, 680, 130, 110), oval(x, y, fx+150, 680, 130, 110))
				d = math.Min(d, oval(x, y, cx, 420, 200, 70)) // forehead
				return 0.35 * math.Max(0, 1-d)
			}, red)
		}
		for _, side := range []int{-1, 1} {
			w := 50
			if side == turn { // the far eye looks narrower
				w = 34
			}
			ex := fx + side*(110-30*abs(turn))
			ellipse(m, ex, 500, w+14, 20, color.RGBA{240, 240, 236, 255}, false)
			ellipse(m, ex+12*turn, 500, 18, 18, color.RGBA{70, 50, 40, 255}, false)
			ellipse(m, ex, 440, w+20, 10, hair, false) // brow
		}
		ellipse(m, fx+20*turn, 630, 26, 70, scale(skin, 0.88), false) // nose
		ellipse(m, fx+30*turn, 690, 40, 14, dark, false)
		ellipse(m, fx+10*turn, 790, 85-15*abs(turn), 22, lips, false) // mouth
	case bodyFrontal:
		ellipse(m, 800, 700, 420, 620, skin, true) // torso
		ellipse(m, 800, 760, 14, 18, dark, false)  // navel
		for i := range 9 {
			y := 820 + 30*i
			ellipse(m, 620+(i%3)*170, y, 120, 7, scale(skin, 0.82), false) // stretch marks
		}
	case skinCloseUp:
		noise := uint32(2463534242)
		for y := range photoH {
			row := m.Pix[y*m.Stride:]
			for x := range photoW {
				noise ^= noise << 13
				noise ^= noise >> 17
				noise ^= noise << 5
				f := uint32(236 + noise%41 - uint32(13*y/photoH)) // 0.92–1.08 of the tone, in 256ths
				row[4*x], row[4*x+1], row[4*x+2] = shade8(skin.R, f), shade8(skin.G, f), shade8(skin.B, f)
			}
		}
		for range 14 { // scars and large pores, spread by the same noise
			noise ^= noise << 13
			noise ^= noise >> 17
			noise ^= noise << 5
			ellipse(m, 150+int(noise%1300), 150+int(noise/1300%850), 16+int(noise%37), 12+int(noise%23), scale(skin, 0.8), true)
		}
		if k.flush {
			blend(m, m.Bounds(), func(x, y int) float64 { return 0.16 + 0.08*float64(x)/photoW }, red)
		}
	}
	return m
}

// ellipse fills an ellipse; shaded ones darken towards their edge, as a rounded surface does.
func ellipse(m *image.RGBA, cx, cy, rx, ry int, c color.RGBA, shaded bool) {
	r := image.Rect(cx-rx, cy-ry, cx+rx+1, cy+ry+1).Intersect(m.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			d := oval(x, y, cx, cy, rx, ry)
			if d > 1 {
				continue
			}
			f := 1.0
			if shaded {
				f = 1 - 0.22*d*d
			}
			i := m.PixOffset(x, y)
			m.Pix[i], m.Pix[i+1], m.Pix[i+2] = clamp(float64(c.R)*f), clamp(float64(c.G)*f), clamp(float64(c.B)*f)
		}
	}
}

// oval is how far (x, y) lies from an ellipse's centre, relative to its radii: 1 on its edge.
func oval(x, y, cx, cy, rx, ry int) float64 {
	dx, dy := float64(x-cx)/float64(rx), float64(y-cy)/float64(ry)
	return math.Sqrt(dx*dx + dy*dy)
}

// blend lays c over r with the opacity alpha gives each pixel.
func blend(m *image.RGBA, r image.Rectangle, alpha func(x, y int) float64, c color.RGBA) {
	r = r.Intersect(m.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			a := alpha(x, y)
			if a <= 0 {
				continue
			}
			i := m.PixOffset(x, y)
			for k, v := range [3]uint8{c.R, c.G, c.B} {
				m.Pix[i+k] = clamp(float64(m.Pix[i+k])*(1-a) + float64(v)*a)
			}
		}
	}
}

// shade8 is v times f/256, at most 255.
func shade8(v uint8, f uint32) uint8 { return uint8(min(255, uint32(v)*f>>8)) }

func scale(c color.RGBA, f float64) color.RGBA {
	return color.RGBA{clamp(float64(c.R) * f), clamp(float64(c.G) * f), clamp(float64(c.B) * f), 255}
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	return color.RGBA{clamp(float64(a.R)*(1-t) + float64(b.R)*t), clamp(float64(a.G)*(1-t) + float64(b.G)*t),
		clamp(float64(a.B)*(1-t) + float64(b.B)*t), 255}
}

func clamp(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
