package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/wording"
)

// The PDF documents share one A4 layout, in millimetres: fixed margins, a footer on every page
// naming the document and its client with "Page n of N", and the styles below.
const (
	pageW, pageH = 210.0, 297.0
	marginX      = 16.0
	marginTop    = 14.0
	contentW     = pageW - 2*marginX
	contentEnd   = pageH - 19 // nothing but the footer goes below this
	footerY      = pageH - 13

	fontFamily = "Go"
	bodySize   = 9.5
	bodyLine   = 4.6
	smallSize  = 8
	smallLine  = 3.8
	tablePad   = 1.3 // inside a table cell, left and right
	tableVPad  = 0.9 // inside a table cell, above and below
	gapSmall   = 2.0
)

// Greys, as 0–255 levels.
const (
	greyText  = 90
	greyRule  = 180
	greyFill  = 236
	greyZebra = 248
)

// missing is what a field or cell shows when nothing was recorded.
const missing = "—"

// Clinic is the practice as a document's header shows it. Every field may be empty.
type Clinic struct {
	Name    string
	Address string // may hold several lines
	Phone   string
	Logo    []byte // PNG or JPEG as set in Settings; nil for none
}

// LoadClinic reads the clinic's name, address, phone and logo from the practice's settings.
func LoadClinic(ctx context.Context, store Source) (Clinic, error) {
	var c Clinic
	for _, s := range []struct {
		key string
		v   *string
	}{{data.SettingClinicName, &c.Name}, {data.SettingClinicAddress, &c.Address}, {data.SettingClinicPhone, &c.Phone}} {
		v, err := store.Setting(ctx, s.key)
		if err != nil {
			return Clinic{}, fmt.Errorf("clinic details: %w", err)
		}
		*s.v = strings.TrimSpace(v)
	}
	logo, err := store.SettingBytes(ctx, data.SettingClinicLogo)
	if err != nil {
		return Clinic{}, fmt.Errorf("clinic logo: %w", err)
	}
	c.Logo = logo
	return c, nil
}

// Catalog names what sessions refer to by ID: a view of data.Catalog indexed for documents.
// Retired entries are included: old records still name them.
type Catalog struct {
	Practitioners map[string]data.Practitioner
	Devices       map[string]data.Device
	Cartridges    map[string]data.Cartridge
	Products      map[string]data.Product
}

// LoadCatalog reads the practice's lists.
func LoadCatalog(ctx context.Context, store Source) (Catalog, error) {
	all, err := store.Catalog(ctx)
	if err != nil {
		return Catalog{}, err
	}
	return catalogOf(all), nil
}

// catalogOf indexes the practice's lists by ID.
func catalogOf(all data.Catalog) Catalog {
	return Catalog{Practitioners: byID(all.Practitioners, func(p data.Practitioner) string { return p.ID }),
		Devices:    byID(all.Devices, func(d data.Device) string { return d.ID }),
		Cartridges: byID(all.Cartridges, func(k data.Cartridge) string { return k.ID }),
		Products:   byID(all.Products, func(p data.Product) string { return p.ID })}
}

func byID[T any](list []T, id func(T) string) map[string]T {
	m := make(map[string]T, len(list))
	for _, v := range list {
		m[id(v)] = v
	}
	return m
}

// practitioner is "Name, credentials"; "" when id is empty.
func (c Catalog) practitioner(id string) string {
	if id == "" {
		return ""
	}
	p, ok := c.Practitioners[id]
	if !ok {
		return "unknown practitioner " + id
	}
	if p.Credentials != "" {
		return p.Name + ", " + p.Credentials
	}
	return p.Name
}

func (c Catalog) product(id string) string { return wording.ProductName(c.Products, id) }

func (c Catalog) cartridge(id string) string {
	if id == "" {
		return ""
	}
	if k, ok := c.Cartridges[id]; ok {
		return k.Name
	}
	return "unknown cartridge " + id
}

// Photo is a stored photo's record with its preview: the upright JPEG without metadata, at most
// 1600 pixels on its longest side, that documents embed. Originals never go into a document.
type Photo struct {
	data.Photo
	Preview []byte // nil when the image is missing
}

// loadPhotos reads the records and previews of the photos q selects, in treatment order. A photo
// whose image is lost (nlstore.ImageLost: missing, or changed since it was imported) is kept
// with no preview: documents print imageMissing in its place, so the record shows it was taken.
func loadPhotos(ctx context.Context, store Source, q data.PhotoQuery) ([]Photo, error) {
	thumbs, err := store.ListPhotos(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]Photo, 0, len(thumbs))
	for _, t := range thumbs {
		var b []byte
		if !t.ImageMissing {
			if b, err = store.PhotoPreview(ctx, t.ID); err != nil && !nlstore.ImageLost(err) {
				return nil, err
			}
		}
		out = append(out, Photo{Photo: t.Photo, Preview: b})
	}
	return out, nil
}

// imageMissing stands in a document where a photo's image cannot be had; the gallery and the
// practice's check say which photos and how to bring them back.
const imageMissing = "Image missing"

// doc is a PDF being written, with the shared layout. Pages break only where doc decides, so
// that table headers repeat and nothing runs into the footer.
type doc struct {
	f          *fpdf.Fpdf
	footer     line
	footerNumW float64
	style      string  // the current style, as fpdf names it
	size       float64 // the current size in points
	added      []bool  // which faces are in the PDF: Go from the start, the others once used
	missed     bool    // a character no face draws was replaced by notDrawn
}

// newDoc starts an A4 document. footer names the document and whom it is about on every page.
func newDoc(title, footer, author string, printed time.Time) *doc {
	if printed.IsZero() {
		printed = time.Now()
	}
	f := fpdf.New("P", "mm", "A4", "")
	// Before the fonts are added: their subsets must then include the digits the alias becomes.
	f.AliasNbPages("{nb}")
	f.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	f.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	f.AddUTF8FontFromBytes(fontFamily, "I", goitalic.TTF)
	f.SetMargins(marginX, marginTop, marginX)
	f.SetAutoPageBreak(false, 0)
	f.SetCellMargin(0)
	f.SetTitle(title, true)
	f.SetAuthor(author, true)
	f.SetCreator("Needlelog", true)
	// The same records printed at the same moment give the same bytes.
	f.SetCreationDate(printed)
	f.SetModificationDate(printed)
	f.SetCatalogSort(true)
	d := &doc{f: f, added: make([]bool, len(faces))}
	d.added[0] = true // the Go fonts, above
	// The footer is laid out once, not on every page.
	const footerSize = 7.5
	d.font("", footerSize)
	d.footerNumW = f.GetStringWidth("Page 9999 of 9999")
	var missed bool
	d.footer, missed = fitLine(footer+" · printed "+wording.DateTime(printed), contentW-d.footerNumW-4, "", footerSize)
	d.missed = d.missed || missed
	f.SetFooterFunc(d.drawFooter)
	d.f.AddPage()
	d.font("", bodySize)
	return d
}

func (d *doc) drawFooter() {
	f := d.f
	style, size := d.style, d.size // fpdf puts its font back after a footer; d must too
	f.SetDrawColor(greyRule, greyRule, greyRule)
	f.SetLineWidth(0.2)
	f.Line(marginX, footerY-1.5, pageW-marginX, footerY-1.5)
	d.font("", 7.5)
	f.SetTextColor(greyText, greyText, greyText)
	// Right-aligned as measured with "{nb}" in place of the count, which is about two digits wide.
	numW := d.footerNumW
	d.drawLine(marginX, footerY, contentW-numW-4, 4, d.footer, "L")
	f.SetXY(pageW-marginX-numW, footerY)
	f.CellFormat(numW, 4, fmt.Sprintf("Page %d of {nb}", f.PageNo()), "", 0, "R", false, 0, "")
	f.SetTextColor(0, 0, 0)
	d.style, d.size = style, size
}

// finish writes the document out. A document with characters no font could draw says so at
// its end, once.
func (d *doc) finish(w io.Writer) error {
	if d.missed {
		d.gap(4)
		d.font("I", smallSize)
		d.lines(marginX, contentW, smallLine, d.split(notDrawnNote, contentW), "L")
	}
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("lay out the PDF: %w", err)
	}
	if err := d.f.Output(w); err != nil {
		return fmt.Errorf("write the PDF: %w", err)
	}
	return nil
}

func (d *doc) font(style string, size float64) {
	d.style, d.size = style, size
	d.f.SetFont(fontFamily, style, size)
}

// setFace sets the font for a run in face fi, at the current style and size.
func (d *doc) setFace(fi uint8) {
	if fi == 0 {
		d.f.SetFont(fontFamily, d.style, d.size)
		return
	}
	fc := faces[fi]
	if !d.added[fi] {
		d.f.AddUTF8FontFromBytes(fc.family, "", fc.regular())
		d.added[fi] = true
	}
	d.f.SetFont(fc.family, "", d.size)
}

// drawLine draws l at (x, y) in a box w wide and lh high, aligned "L", "R" or "C".
func (d *doc) drawLine(x, y, w, lh float64, l line, align string) {
	switch align {
	case "R":
		x += w - l.w
	case "C":
		x += (w - l.w) / 2
	}
	for _, r := range l.runs {
		if r.face == outlineFace {
			d.drawOutlines(x, y, lh, r.text)
		} else {
			d.setFace(r.face)
			d.f.SetXY(x, y)
			d.f.CellFormat(r.w, lh, r.text, "", 0, "L", false, 0, "")
		}
		x += r.w
	}
	d.setFace(0)
}

// drawOutlines draws characters as filled shapes from outlineFont, in the text's colour and
// size, on the baseline fpdf would give text in a cell at (x, y) lh high.
func (d *doc) drawOutlines(x, y, lh float64, text string) {
	f := outlineFont()
	upem := int(f.UnitsPerEm())
	sizeMM := d.size / (72 / 25.4)
	scale := sizeMM / float64(upem) / 64 // 26.6 font units to millimetres
	baseline := y + 0.5*lh + 0.3*sizeMM
	fr, fg, fb := d.f.GetFillColor()
	tr, tg, tb := d.f.GetTextColor()
	d.f.SetFillColor(tr, tg, tb)
	var buf sfnt.Buffer
	for _, r := range text {
		g, adv, ok := outlineGlyph(r)
		if !ok {
			continue
		}
		segs, err := f.LoadGlyph(&buf, g, fixed.Int26_6(upem<<6), nil)
		if err != nil {
			continue
		}
		px := func(p fixed.Point26_6) (float64, float64) {
			return x + float64(p.X)*scale, baseline + float64(p.Y)*scale
		}
		var cx, cy float64 // the current point, for quadratic curves
		for _, s := range segs {
			switch s.Op {
			case sfnt.SegmentOpMoveTo:
				cx, cy = px(s.Args[0])
				d.f.MoveTo(cx, cy)
			case sfnt.SegmentOpLineTo:
				cx, cy = px(s.Args[0])
				d.f.LineTo(cx, cy)
			case sfnt.SegmentOpQuadTo: // as the cubic curve PDF draws
				qx, qy := px(s.Args[0])
				ex, ey := px(s.Args[1])
				d.f.CurveBezierCubicTo(cx+2*(qx-cx)/3, cy+2*(qy-cy)/3, ex+2*(qx-ex)/3, ey+2*(qy-ey)/3, ex, ey)
				cx, cy = ex, ey
			case sfnt.SegmentOpCubeTo:
				ax, ay := px(s.Args[0])
				bx, by := px(s.Args[1])
				cx, cy = px(s.Args[2])
				d.f.CurveBezierCubicTo(ax, ay, bx, by, cx, cy)
			}
		}
		if len(segs) > 0 {
			d.f.ClosePath()
			d.f.DrawPath("F")
		}
		x += adv * sizeMM / 1000
	}
	d.f.SetFillColor(fr, fg, fb)
}

func (d *doc) y() float64 { return d.f.GetY() }

// newPage starts a page and puts the cursor at its top.
func (d *doc) newPage() {
	d.f.AddPage()
	d.f.SetXY(marginX, marginTop)
}

// need starts a new page unless h millimetres fit above the footer.
func (d *doc) need(h float64) {
	if d.y()+h > contentEnd {
		d.newPage()
	}
}

// gap moves down h, except at the top of a page.
func (d *doc) gap(h float64) {
	if d.y() > marginTop+0.01 {
		d.f.SetXY(marginX, min(d.y()+h, contentEnd))
	}
}

// split breaks text into lines that fit width w in the current font. Explicit line breaks are
// kept; an empty text is one empty line.
func (d *doc) split(text string, w float64) []line {
	ls, missed := layout(text, w, d.style, d.size)
	d.missed = d.missed || missed
	return ls
}

// lines writes lines at x in width w, one under another, breaking pages between them.
func (d *doc) lines(x, w, lh float64, ls []line, align string) {
	for _, l := range ls {
		d.need(lh)
		y := d.y()
		d.drawLine(x, y, w, lh, l, align)
		d.f.SetXY(marginX, y+lh)
	}
	d.f.SetX(marginX)
}

// title is the document's name in large type, with a line under it.
func (d *doc) title(text, sub string) {
	d.font("B", 17)
	d.lines(marginX, contentW, 8, d.split(text, contentW), "L")
	if sub != "" {
		d.font("", 10.5)
		d.f.SetTextColor(greyText-30, greyText-30, greyText-30)
		d.lines(marginX, contentW, 5, d.split(sub, contentW), "L")
		d.f.SetTextColor(0, 0, 0)
	}
	d.gap(1.5)
	d.rule(0.4)
	d.gap(2)
	d.font("", bodySize)
}

func (d *doc) rule(width float64) {
	d.f.SetDrawColor(greyRule-60, greyRule-60, greyRule-60)
	d.f.SetLineWidth(width)
	d.f.Line(marginX, d.y(), pageW-marginX, d.y())
}

// heading starts a section. It stays with at least keep millimetres of what follows it.
func (d *doc) heading(text string, keep float64) {
	d.gap(headingGap)
	d.font("B", 12.5)
	ls := d.split(text, contentW)
	d.need(float64(len(ls))*headingLine + 2 + keep)
	d.lines(marginX, contentW, headingLine, ls, "L")
	d.f.SetDrawColor(greyRule, greyRule, greyRule)
	d.f.SetLineWidth(0.25)
	d.f.Line(marginX, d.y()+0.5, pageW-marginX, d.y()+0.5)
	d.gap(2)
	d.font("", bodySize)
}

// The room a heading takes: the gap above it and the height of each of its lines.
const headingGap, headingLine = 4, 6

// headingHeight is the most a heading takes on the page, as heading draws it.
func (d *doc) headingHeight(text string) float64 {
	d.font("B", 12.5)
	n := len(d.split(text, contentW))
	d.font("", bodySize)
	return headingGap + float64(n)*headingLine + 2
}

// subheading starts a part of a section, kept with keep millimetres of what follows it.
func (d *doc) subheading(text string, keep float64) {
	d.gap(2.5)
	d.font("B", 10.5)
	ls := d.split(text, contentW)
	d.need(float64(len(ls))*5.2 + keep)
	d.lines(marginX, contentW, 5.2, ls, "L")
	d.gap(0.8)
	d.font("", bodySize)
}

// para writes wrapped body text across the content width.
func (d *doc) para(text string) {
	d.font("", bodySize)
	d.lines(marginX, contentW, bodyLine, d.split(text, contentW), "L")
}

// bullets writes a list, each item wrapped under its own text.
func (d *doc) bullets(items []string) {
	d.font("", bodySize)
	const indent = 5
	for _, it := range items {
		ls := d.split(it, contentW-indent)
		d.need(bodyLine * float64(min(len(ls), 2)))
		d.f.SetXY(marginX+1, d.y())
		d.f.CellFormat(indent-1, bodyLine, "•", "", 0, "L", false, 0, "")
		d.lines(marginX+indent, contentW-indent, bodyLine, ls, "L")
	}
}

// field is one label and value of a record.
type field struct {
	label, value string
}

// fields writes labels in a narrow column with their values wrapped beside them. An empty
// value shows as a dash, so a reader sees that nothing was recorded.
func (d *doc) fields(fs []field) {
	for _, fl := range fs {
		labels, values := d.fieldLines(fl)
		// A label is never left alone at the foot of a page.
		d.need(bodyLine * float64(min(max(len(values), len(labels)), 3)))
		top, page := d.y(), d.f.PageNo()
		d.font("B", smallSize+0.5)
		d.f.SetTextColor(greyText-20, greyText-20, greyText-20)
		for i, l := range labels {
			d.drawLine(marginX, top+float64(i)*bodyLine, fieldLabelW-3, bodyLine, l, "L")
		}
		d.f.SetTextColor(0, 0, 0)
		d.font("", bodySize)
		d.f.SetXY(marginX, top)
		d.lines(marginX+fieldLabelW, contentW-fieldLabelW, bodyLine, values, "L")
		if d.f.PageNo() == page {
			d.f.SetXY(marginX, max(d.y(), top+float64(len(labels))*bodyLine))
		}
		d.gap(0.6)
	}
}

// fieldLabelW is the width of a field's label column.
const fieldLabelW = 44

// fieldLines lays out a field as fields draws it: its label's lines and its value's ("missing"
// when empty).
func (d *doc) fieldLines(fl field) (labels, values []line) {
	value := strings.TrimSpace(fl.value)
	if value == "" {
		value = missing
	}
	d.font("B", smallSize+0.5)
	labels = d.split(fl.label, fieldLabelW-3)
	d.font("", bodySize)
	return labels, d.split(value, contentW-fieldLabelW)
}

// fieldsHeight is the height fields takes for fs on one page, as fields draws them.
func (d *doc) fieldsHeight(fs []field) float64 {
	h := 0.0
	for _, fl := range fs {
		labels, values := d.fieldLines(fl)
		h += bodyLine*float64(max(len(labels), len(values))) + 0.6
	}
	return h
}

// column is one column of a table: its title, its share of the content width, its alignment.
type column struct {
	title string
	share float64
	align string // "L" or "R"
}

// columnWidths shares the content width among cols by their shares, but widens a column to its
// widest word (an e-mail address, a lot number), taking from the columns with room to spare, so
// that a word is cut only when the words of all the columns cannot fit side by side.
func columnWidths(cols []column, rows [][]string, size float64) []float64 {
	need := make([]float64, len(cols))
	for i, c := range cols {
		need[i] = widestWord(c.title, "B", size)
		for _, r := range rows {
			if i < len(r) {
				need[i] = max(need[i], widestWord(r[i], "", size))
			}
		}
		need[i] += 2*tablePad + 0.01
	}
	sum := 0.0
	for _, n := range need {
		sum += n
	}
	fixed := make([]bool, len(cols))
	for changed := true; changed; {
		changed = false
		free, shares := contentW, 0.0
		for i, c := range cols {
			if fixed[i] {
				free -= need[i]
			} else {
				shares += c.share
			}
		}
		for i, c := range cols {
			if !fixed[i] && sum <= contentW && free*c.share/shares < need[i] {
				fixed[i], changed = true, true
			}
		}
	}
	free, shares := contentW, 0.0
	for i, c := range cols {
		if fixed[i] {
			free -= need[i]
		} else {
			shares += c.share
		}
	}
	widths := make([]float64, len(cols))
	for i, c := range cols {
		widths[i] = need[i]
		if !fixed[i] {
			widths[i] = free * c.share / shares
		}
	}
	return widths
}

// table writes rows under a header row. A row that does not fit at the foot of a page moves to
// the next one; a row taller than a page is split across pages. The header is repeated at the
// top of every page the table runs onto.
func (d *doc) table(cols []column, rows [][]string) {
	const size, lh = 8.5, 3.9
	widths := columnWidths(cols, rows, size)
	wrap := func(cells []string, style string) [][]line {
		d.font(style, size)
		out := make([][]line, len(cols))
		for i := range cols {
			text := ""
			if i < len(cells) {
				text = strings.TrimSpace(cells[i])
			}
			if text == "" {
				text = missing
			}
			out[i] = d.split(text, widths[i]-2*tablePad)
		}
		return out
	}
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.title
	}
	head := wrap(titles, "B")
	headLines := 0
	for _, h := range head {
		headLines = max(headLines, len(h))
	}
	headH := float64(headLines)*lh + 2*tableVPad
	drawRow := func(cells [][]line, from, n int, style string, fill int) {
		h := float64(n)*lh + 2*tableVPad
		y := d.y()
		if fill < 255 {
			d.f.SetFillColor(fill, fill, fill)
			d.f.Rect(marginX, y, contentW, h, "F")
		}
		d.font(style, size)
		x := marginX
		for i, c := range cells {
			for j := from; j < from+n && j < len(c); j++ {
				d.drawLine(x+tablePad, y+tableVPad+float64(j-from)*lh, widths[i]-2*tablePad, lh, c[j], cols[i].align)
			}
			x += widths[i]
		}
		d.f.SetDrawColor(greyRule, greyRule, greyRule)
		d.f.SetLineWidth(0.15)
		d.f.Line(marginX, y+h, pageW-marginX, y+h)
		d.f.SetXY(marginX, y+h)
	}
	header := func() { drawRow(head, 0, headLines, "B", greyFill) }

	body := make([][][]line, len(rows))
	for i, r := range rows {
		body[i] = wrap(r, "")
	}
	first := 1
	if len(body) > 0 {
		for _, c := range body[0] {
			first = max(first, len(c))
		}
	}
	d.need(headH + float64(min(first, 3))*lh + 2*tableVPad)
	header()
	wholePage := int((contentEnd - marginTop - headH - 2*tableVPad) / lh) // lines of a row on a page of its own
	for ri, cells := range body {
		n := 1
		for _, c := range cells {
			n = max(n, len(c))
		}
		fill := 255
		if ri%2 == 1 {
			fill = greyZebra
		}
		for from := 0; from < n; {
			fit := int((contentEnd - d.y() - 2*tableVPad) / lh)
			// Move the row whole to the next page when it would fit there; split it only when it
			// is taller than a page.
			if fit < 1 || (from == 0 && fit < n && n <= wholePage) {
				d.newPage()
				header()
				continue
			}
			k := min(fit, n-from)
			drawRow(cells, from, k, "", fill)
			from += k
			if from < n {
				d.newPage()
				header()
			}
		}
	}
	d.font("", bodySize)
}

// pictured is one photo to lay out, with its caption's lines.
type pictured struct {
	key     string // names the image in the PDF: the same key embeds the bytes once
	jpeg    []byte
	caption []string
}

// photos lays photos out perRow to a row, each scaled to fit its share of the width and at most
// maxH high, captioned under it. A row never breaks across pages.
func (d *doc) photos(ps []pictured, perRow int, maxH float64) error {
	return d.photosThen(ps, perRow, maxH, 0)
}

// photosThen is photos with the last row kept on a page with tail millimetres after it, so that
// what follows (a signature block) never stands alone on a page of its own.
func (d *doc) photosThen(ps []pictured, perRow int, maxH, tail float64) error {
	const gutter = 5.0
	cellW := (contentW - float64(perRow-1)*gutter) / float64(perRow)
	for start := 0; start < len(ps); start += perRow {
		row := ps[start:min(start+perRow, len(ps))]
		sizes := make([][2]float64, len(row))
		captions := make([][]line, len(row))
		imgH, capLines := 0.0, 0
		d.font("", smallSize)
		for i, p := range row {
			w, h := fitBox(4, 3, cellW, maxH) // a missing image's placeholder
			if p.jpeg != nil {
				info, err := d.image(p.key, p.jpeg)
				switch {
				case errors.Is(err, errUnreadableImage):
					row[i].jpeg = nil // damaged: shown as missing, as one lost is
				case err != nil:
					return err
				default:
					w, h = fitBox(info.Width(), info.Height(), cellW, maxH)
				}
			}
			sizes[i] = [2]float64{w, h}
			imgH = max(imgH, h)
			for _, c := range p.caption {
				if strings.TrimSpace(c) != "" {
					captions[i] = append(captions[i], d.split(c, cellW)...)
				}
			}
			capLines = max(capLines, len(captions[i]))
		}
		rowH := imgH + 1.5 + float64(capLines)*smallLine
		if start+perRow >= len(ps) && tail > 0 && rowH+4+tail <= contentEnd-marginTop {
			d.need(rowH + 4 + tail)
		}
		d.need(rowH)
		top := d.y()
		for i := range row {
			x := marginX + float64(i)*(cellW+gutter)
			w, h := sizes[i][0], sizes[i][1]
			// Centred in its cell, standing on the row's baseline so captions line up.
			if row[i].jpeg != nil {
				d.f.ImageOptions(row[i].key, x+(cellW-w)/2, top+imgH-h, w, h, false,
					fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
			} else {
				d.font("I", smallSize)
				d.drawLine(x, top+imgH-h/2-smallLine/2, cellW, smallLine, d.split(imageMissing, cellW)[0], "C")
			}
			d.f.SetDrawColor(greyRule, greyRule, greyRule)
			d.f.SetLineWidth(0.15)
			d.f.Rect(x+(cellW-w)/2, top+imgH-h, w, h, "D")
			d.font("", smallSize)
			for j, c := range captions[i] {
				if j == 0 {
					d.font("B", smallSize)
				}
				d.drawLine(x, top+imgH+1.5+float64(j)*smallLine, cellW, smallLine, c, "C")
				d.font("", smallSize)
			}
		}
		d.f.SetXY(marginX, top+rowH)
		d.gap(4)
	}
	d.font("", bodySize)
	return d.f.Error()
}

// errUnreadableImage is a photo's image whose bytes no longer decode: damaged where it is kept.
var errUnreadableImage = errors.New("the photo's image cannot be read")

// image registers a JPEG under key once, without any metadata it might carry (photo.CleanJPEG).
func (d *doc) image(key string, b []byte) (*fpdf.ImageInfoType, error) {
	if info := d.f.GetImageInfo(key); info != nil {
		return info, nil
	}
	clean, err := photo.CleanJPEG(b)
	if err != nil {
		return nil, fmt.Errorf("photo %s: %w (%v)", key, errUnreadableImage, err)
	}
	info := d.f.RegisterImageOptionsReader(key, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(clean))
	if err := d.f.Error(); err != nil {
		return nil, fmt.Errorf("photo %s: %w", key, err)
	}
	return info, nil
}

// fitBox scales w×h to fit within maxW×maxH, keeping its proportions.
func fitBox(w, h, maxW, maxH float64) (float64, float64) {
	if w <= 0 || h <= 0 {
		return maxW, maxH
	}
	s := min(maxW/w, maxH/h)
	return w * s, h * s
}

// clinicHeader draws the clinic's logo, name, address and phone at the top of the first page.
func (d *doc) clinicHeader(c Clinic) error {
	top := d.y()
	logoW, logoH := 0.0, 0.0
	if len(c.Logo) > 0 {
		b, kind, err := logoImage(c.Logo)
		if err != nil {
			return fmt.Errorf("clinic logo in Settings: %w", err)
		}
		info := d.f.RegisterImageOptionsReader("clinic-logo", fpdf.ImageOptions{ImageType: kind}, bytes.NewReader(b))
		if err := d.f.Error(); err != nil {
			return fmt.Errorf("clinic logo in Settings: %w", err)
		}
		logoW, logoH = fitBox(info.Width(), info.Height(), 48, 20)
		d.f.ImageOptions("clinic-logo", marginX, top, logoW, logoH, false, fpdf.ImageOptions{ImageType: kind}, 0, "")
	}
	textX := marginX + logoW + 6
	textW := pageW - marginX - textX
	y := top
	put := func(text, style string, size, lh float64) {
		if strings.TrimSpace(text) == "" {
			return
		}
		d.font(style, size)
		for _, l := range d.split(text, textW) {
			d.drawLine(textX, y, textW, lh, l, "R")
			y += lh
		}
	}
	put(c.Name, "B", 13, 6)
	d.f.SetTextColor(greyText-30, greyText-30, greyText-30)
	put(c.Address, "", 8.5, 3.9)
	if c.Phone != "" {
		put("Phone "+c.Phone, "", 8.5, 3.9)
	}
	d.f.SetTextColor(0, 0, 0)
	bottom := max(top+logoH, y)
	if bottom > top {
		d.f.SetXY(marginX, bottom+4)
	}
	d.font("", bodySize)
	return nil
}

// logoImage re-encodes a logo for the PDF: scaled to at most 800 pixels across, JPEG for a
// JPEG logo and PNG for anything else. PDF readers' support for PNG variants (interlaced,
// 16-bit) differs and fpdf refuses some, and a logo should not carry a camera's metadata either.
func logoImage(b []byte) ([]byte, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, "", fmt.Errorf("the logo is not a PNG or JPEG image Needlelog can read: %w", err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width*cfg.Height > 40_000_000 {
		return nil, "", fmt.Errorf("the logo is %d×%d pixels: use one of at most a few thousand pixels across", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, "", fmt.Errorf("the logo cannot be decoded: %w", err)
	}
	const side = 800
	if bw, bh := img.Bounds().Dx(), img.Bounds().Dy(); max(bw, bh) > side {
		w, h := fitBox(float64(bw), float64(bh), side, side)
		dst := image.NewNRGBA(image.Rect(0, 0, max(1, int(w)), max(1, int(h))))
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), xdraw.Src, nil)
		img = dst
	}
	var buf bytes.Buffer
	if format == "jpeg" {
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "JPG", nil
	}
	if err := png.Encode(&buf, img); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), "PNG", nil
}

// banner writes a one-line notice in a tinted box, such as a record's sign state.
func (d *doc) banner(text string, r, g, b int) {
	d.font("B", 10)
	ls := d.split(text, contentW-6)
	h := float64(len(ls))*5 + 3
	d.need(h)
	y := d.y()
	d.f.SetFillColor(r, g, b)
	d.f.Rect(marginX, y, contentW, h, "F")
	for i, l := range ls {
		d.drawLine(marginX+3, y+1.5+float64(i)*5, contentW-6, 5, l, "L")
	}
	d.f.SetXY(marginX, y+h)
	d.gap(2)
	d.font("", bodySize)
}

// speed is a zone's speed in its device's unit: "level 4", "12000 rpm", "fixed".
func speed(v float64, dev data.Device) string {
	if v == 0 {
		if dev.SpeedUnit == "fixed" {
			return "fixed"
		}
		return ""
	}
	n := wording.Number(v)
	switch dev.SpeedUnit {
	case "":
		return n
	case "level":
		return "level " + n
	}
	return n + " " + dev.SpeedUnit
}

// signState is what a document says about whether a session is signed.
func signState(se data.Session, cat Catalog) string {
	if se.Status != data.StatusSigned {
		return "Not signed (draft)"
	}
	s := "Signed"
	if by := cat.practitioner(se.SignedBy); by != "" {
		s += " by " + by
	}
	if !se.SignedAt.IsZero() {
		s += " on " + wording.DateTime(se.SignedAt)
	}
	if se.Amendments > 0 { // a signed record changed since says so wherever it says it is signed
		s += "; " + wording.AmendedAfterSigning(se.Amendments)
	}
	return s
}

// sideEffectRow is a session's side effects as table rows: kind, severity, onset, resolved,
// treatment and notes.
func sideEffectRow(e data.SideEffect) []string {
	onset := wording.Date(e.Onset)
	if e.DuringSession {
		onset = strings.TrimSpace(onset + " (during the session)")
	}
	resolved := wording.Date(e.Resolved)
	if resolved == "" {
		resolved = "not yet"
	}
	detail := e.Treatment
	if e.Notes != "" {
		if detail != "" {
			detail += ". "
		}
		detail += e.Notes
	}
	return []string{e.Kind, string(e.Severity), onset, resolved, detail}
}

var sideEffectColumns = []column{{"Side effect", 3, "L"}, {"Severity", 1.6, "L"}, {"Onset", 2.2, "L"},
	{"Resolved", 1.8, "L"}, {"Treatment and notes", 4, "L"}}
