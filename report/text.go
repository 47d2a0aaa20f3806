package report

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/bidi"
	"golang.org/x/text/unicode/norm"

	"needlelog.app/needlelog/assets"
)

// The one text path of every document: text is cleaned, Arabic put in its contextual forms,
// each character given to the first face that draws it, broken into lines by cumulative widths
// (so a field of any length is laid out in time linear in its length), and each line put in
// visual order by the Unicode bidi algorithm and cut into runs of one face, which fpdf draws.
// fpdf has no fallback between fonts and its UTF-8 fonts reach only the Basic Multilingual
// Plane: emoji beyond it are drawn as shapes from Symbola's outlines (drawOutlines), and a
// character nothing draws is shown as notDrawn and the document says so at its end.

// face is a font documents draw with. The Go fonts come first; each other face draws only what
// the faces before it lack. Only Go has bold and italic: the others draw every style upright.
type face struct {
	family              string
	regular, bold, ital func() []byte // bold and ital nil: one style
}

var faces = []face{
	{fontFamily, bytesOf(goregular.TTF), bytesOf(gobold.TTF), bytesOf(goitalic.TTF)},
	{"DejaVu", assets.DejaVuSans, nil, nil},       // Arabic, Hebrew, Armenian, Georgian, symbols
	{"Droid", assets.DroidSansFallback, nil, nil}, // Chinese, Japanese
	{"Nanum", assets.NanumSquare, nil, nil},       // Korean
	{"Symbola", assets.Symbola, nil, nil},         // symbols
}

// outlineFace marks characters beyond the Basic Multilingual Plane, drawn from outlineFont's
// glyph outlines rather than as text.
const outlineFace = 255

var outlineFont = sync.OnceValue(func() *sfnt.Font {
	f, err := sfnt.Parse(assets.Symbola())
	if err != nil {
		panic("report: embedded font: " + err.Error()) // compiled in
	}
	return f
})

// outlineGlyph is r's glyph in outlineFont and its advance in thousandths of an em; ok is false
// when the font lacks it.
func outlineGlyph(r rune) (g sfnt.GlyphIndex, adv float64, ok bool) {
	f := outlineFont()
	var buf sfnt.Buffer
	g, err := f.GlyphIndex(&buf, r)
	if err != nil || g == 0 {
		return 0, 0, false
	}
	upem := int(f.UnitsPerEm())
	a, err := f.GlyphAdvance(&buf, g, fixed.Int26_6(upem<<6), font.HintingNone)
	if err != nil {
		return 0, 0, false
	}
	return g, float64(a) / 64 * 1000 / float64(upem), true
}

func bytesOf(b []byte) func() []byte { return func() []byte { return b } }

const (
	notDrawn     = '□'
	notDrawnNote = "Some characters could not be printed and are shown as □."
	noGlyph      = math.MaxUint16 // in a width table: the face lacks the character
)

// styleIndex is 0, 1, 2 for fpdf's "", "B", "I".
func styleIndex(style string) int {
	switch style {
	case "B":
		return 1
	case "I":
		return 2
	}
	return 0
}

// faceWidths holds, for each face and style, the advance of every BMP character in thousandths
// of an em, rounded as fpdf rounds them, or noGlyph. Each font's cmap is read once.
var faceWidths = func() []func() [3][]uint16 {
	out := make([]func() [3][]uint16, len(faces))
	for i, fc := range faces {
		out[i] = sync.OnceValue(func() [3][]uint16 {
			if fc.bold == nil {
				w := readWidths(fc.regular())
				return [3][]uint16{w, w, w}
			}
			ws := [3][]uint16{readWidths(fc.regular()), readWidths(fc.bold()), readWidths(fc.ital())}
			// A character is this face's only if every style has it, so that a style never
			// changes which face draws it.
			for r := range ws[0] {
				if ws[0][r] == noGlyph || ws[1][r] == noGlyph || ws[2][r] == noGlyph {
					ws[0][r], ws[1][r], ws[2][r] = noGlyph, noGlyph, noGlyph
				}
			}
			return ws
		})
	}
	return out
}()

func readWidths(ttf []byte) []uint16 {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		panic("report: embedded font: " + err.Error()) // compiled in
	}
	upem := int(f.UnitsPerEm())
	var buf sfnt.Buffer
	w := make([]uint16, 0x10000)
	for r := range w {
		w[r] = noGlyph
		g, err := f.GlyphIndex(&buf, rune(r))
		if err != nil || g == 0 || unicode.IsControl(rune(r)) {
			continue
		}
		adv, err := f.GlyphAdvance(&buf, g, fixed.Int26_6(upem<<6), font.HintingNone)
		if err != nil {
			continue
		}
		w[r] = uint16(min(math.Round(float64(adv)/64*1000/float64(upem)), noGlyph-1))
	}
	return w
}

// faceFor is the first face that draws r, or -1.
func faceFor(r rune) int {
	if r >= 0x10000 {
		return -1
	}
	for i := range faces {
		if faceWidths[i]()[0][r] != noGlyph {
			return i
		}
	}
	return -1
}

// shaped is one paragraph (no line breaks) ready to lay out, in logical order: the characters
// as drawn, the face and bidi level of each, and cum[i], the width of r[:i] in millimetres.
type shaped struct {
	r      []rune
	face   []uint8
	level  []uint8
	cum    []float64
	base   uint8
	missed bool   // a character no face draws became notDrawn
	mail   []bool // r[i] is in a word with an "@": an e-mail address, broken only if wider than a line
}

// ignorable characters are dropped: controls, bidi controls (the bidi algorithm here orders by
// characters' own directions), zero-width joiners and variation selectors, which no face draws.
func ignorable(r rune) bool {
	switch {
	case r == '\n':
		return false
	case unicode.IsControl(r), r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x206F, r >= 0xFE00 && r <= 0xFE0F, r == 0xFEFF,
		r >= 0xE0000 && r <= 0xE0FFF, r >= 0x1F3FB && r <= 0x1F3FF: // emoji skin tones
		return true
	}
	return false
}

// cleanText composes text (NFC, so an accent typed apart sits on its letter), makes tabs and
// CR LF plain, and drops what ignorable names and trailing blank lines.
func cleanText(text string) string {
	text = norm.NFC.String(text)
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\t", " ")
	text = strings.Map(func(r rune) rune {
		if r == '\r' {
			return '\n'
		}
		if ignorable(r) && r != 0x200C { // ZWNJ still parts Arabic letters: shape drops it
			return -1
		}
		return r
	}, text)
	return strings.TrimRight(text, "\n ")
}

// shape prepares one paragraph of cleaned text for the style and size (in points).
func shape(text string, style string, size float64) *shaped {
	rs := shapeArabic([]rune(text))
	p := &shaped{r: rs[:0]}
	for _, r := range rs {
		if r == 0x200C {
			continue
		}
		p.r = append(p.r, r)
	}
	n := len(p.r)
	p.face = make([]uint8, n)
	p.cum = make([]float64, n+1)
	scale := size / 1000 / (72 / 25.4) // thousandths of an em to millimetres
	si := styleIndex(style)
	for i, r := range p.r {
		fi := -1
		// A space, a punctuation mark or an accent stays in the face of what it follows if
		// that face has it: fewer runs, and a mark on its letter.
		if i > 0 && r < 0x10000 && p.face[i-1] != outlineFace && !unicode.IsLetter(r) && !unicode.IsDigit(r) &&
			faceWidths[p.face[i-1]]()[0][r] != noGlyph {
			fi = int(p.face[i-1])
		} else {
			fi = faceFor(r)
		}
		if fi < 0 && r >= 0x10000 {
			if _, adv, ok := outlineGlyph(r); ok {
				p.face[i] = outlineFace
				p.cum[i+1] = p.cum[i] + adv*scale
				continue
			}
		}
		if fi < 0 {
			p.r[i], p.missed = notDrawn, true
			fi = faceFor(notDrawn)
		}
		p.face[i] = uint8(fi)
		w := faceWidths[fi]()[si][p.r[i]]
		p.cum[i+1] = p.cum[i] + float64(w)*scale
	}
	p.level, p.base = bidiLevels(p.r)
	p.mail = make([]bool, n)
	for s := 0; s < n; {
		e := s
		for e < n && p.r[e] != ' ' {
			e++
		}
		if slices.Contains(p.r[s:e], '@') {
			for i := s; i < e; i++ {
				p.mail[i] = true
			}
		}
		s = e + 1
	}
	return p
}

// width is the width of r[i].
func (p *shaped) width(i int) float64 { return p.cum[i+1] - p.cum[i] }

// wide characters (Han, kana, Hangul, their punctuation) may be broken between: those scripts
// put no spaces between words.
func wide(r rune) bool {
	return (r >= 0x2E80 && r <= 0x9FFF) || (r >= 0xAC00 && r <= 0xD7AF) || (r >= 0xF900 && r <= 0xFAFF) ||
		(r >= 0xFF00 && r <= 0xFFEF) || (r >= 0x1100 && r <= 0x11FF)
}

// breakBefore tells whether a line may start at r[i], i > 0.
func (p *shaped) breakBefore(i int) bool {
	r, prev := p.r[i], p.r[i-1]
	switch {
	case r == ' ':
		return false
	case prev == ' ', wide(r), wide(prev):
		return true
	case (prev == '-' || prev == '/') && i > 1 && !p.mail[i] && unicode.IsLetter(p.r[i-2]) && unicode.IsLetter(r):
		return true
	}
	return false
}

// breakLines cuts the paragraph into lines of at most w millimetres, as [start, end) indices
// without the spaces at their ends. A word wider than w is cut where it reaches w. Linear in the
// paragraph's length: each character is looked at once, and widths come from cum.
func (p *shaped) breakLines(w float64) [][2]int {
	n := len(p.r)
	var out [][2]int
	start, brk := 0, -1
	trim := func(s, e int) [2]int {
		for e > s && p.r[e-1] == ' ' {
			e--
		}
		return [2]int{s, e}
	}
	for i := 0; i < n; i++ {
		if i > start && p.breakBefore(i) {
			brk = i
		}
		for i > start && p.r[i] != ' ' && p.cum[i+1]-p.cum[start] > w+1e-9 {
			end := i
			if brk > start {
				end = brk
			}
			out = append(out, trim(start, end))
			start, brk = end, -1
			for start < i && p.r[start] == ' ' {
				start++
			}
		}
	}
	return append(out, trim(start, n))
}

// run is part of a line in one face, in visual order, w millimetres wide.
type run struct {
	face uint8
	text string
	w    float64
}

// line is one line of text as drawn, left to right.
type line struct {
	runs []run
	w    float64
}

// visual makes r[s:e] a line: its characters in visual order, cut into runs of one face.
func (p *shaped) visual(s, e int) line {
	order := visualOrder(p.r[s:e], p.level[s:e], p.base)
	var l line
	var b strings.Builder
	cur, w := -1, 0.0
	flush := func() {
		if b.Len() > 0 {
			l.runs = append(l.runs, run{face: uint8(cur), text: b.String(), w: w})
			l.w += w
		}
		b.Reset()
		w = 0
	}
	for _, k := range order {
		i := s + k
		if int(p.face[i]) != cur {
			flush()
			cur = int(p.face[i])
		}
		r := p.r[i]
		if p.level[i]%2 == 1 {
			r = mirror(r)
		}
		b.WriteRune(r)
		w += p.width(i)
	}
	flush()
	return l
}

// mirror gives a bracket its counterpart, as drawn in right-to-left text.
func mirror(r rune) rune {
	if p, _ := bidi.LookupRune(r); p.IsBracket() {
		return []rune(bidi.ReverseString(string(r)))[0]
	}
	return r
}

// layout breaks text into lines of at most w millimetres in style and size (points). Explicit
// line breaks are kept; an empty text is one empty line. missed tells whether a character no
// face draws was replaced by notDrawn.
func layout(text string, w float64, style string, size float64) (ls []line, missed bool) {
	text = cleanText(text)
	if text == "" {
		return []line{{}}, false
	}
	for _, para := range strings.Split(text, "\n") {
		if para == "" {
			ls = append(ls, line{})
			continue
		}
		p := shape(para, style, size)
		missed = missed || p.missed
		for _, se := range p.breakLines(w) {
			ls = append(ls, p.visual(se[0], se[1]))
		}
	}
	return ls, missed
}

// widestWord is the width of text's widest run that layout never breaks: its longest word.
func widestWord(text string, style string, size float64) float64 {
	widest := 0.0
	for _, para := range strings.Split(cleanText(text), "\n") {
		p := shape(para, style, size)
		start := 0
		for i := 0; i <= len(p.r); i++ {
			switch {
			case i == len(p.r) || p.r[i] == ' ':
				widest = max(widest, p.cum[i]-p.cum[start])
				start = i + 1
			case i > start && p.breakBefore(i):
				widest = max(widest, p.cum[i]-p.cum[start])
				start = i
			}
		}
	}
	return widest
}

// fitLine lays text out as one line of at most w millimetres, shortened with an ellipsis if it
// is longer.
func fitLine(text string, w float64, style string, size float64) (line, bool) {
	text = strings.ReplaceAll(cleanText(text), "\n", " ")
	p := shape(text, style, size)
	n := len(p.r)
	if p.cum[n] <= w {
		return p.visual(0, n), p.missed
	}
	ell := shape("…", style, size).cum[1]
	k := n
	for k > 0 && p.cum[k]+ell > w {
		k--
	}
	q := shape(strings.TrimRight(string(p.r[:k]), " ")+"…", style, size)
	return q.visual(0, len(q.r)), p.missed
}
