package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/wording"
)

// figureRow is one row of a figure's table: its cells, and the sessions it counts.
type figureRow struct {
	cells    []string
	sessions []string // what choosing the row lists; none: the row opens nothing
	what     string   // the list's title: "Lot BAD-1 (Nano 12)"
	lot      string   // a lot's row: the lot as the recall takes it ("BAD-1"); "" otherwise
}

// figureTable is a figure's numbers: a header and its rows, the first column of names, the others
// of numbers, aligned to the right; a row with sessions opens them when chosen.
func figureTable(header []string, rows []figureRow, open func(figureRow)) fyne.CanvasObject {
	widths := make([]float32, len(header))
	measure := func(cells []string, bold bool) {
		for i, c := range cells {
			if i < len(widths) {
				l := widget.NewLabelWithStyle(c, fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
				widths[i] = max(widths[i], l.MinSize().Width)
			}
		}
	}
	measure(header, true)
	for _, r := range rows {
		measure(r.cells, false)
	}
	// A long name (a product's, a lot's) ends in an ellipsis rather than push the chart out of
	// the window; the chart and the list of its sessions say it whole.
	// The slack keeps a name that fits from being cut by rounding in the label's own measure.
	widths[0] = min(widths[0], maxNameWidth) + theme.Padding()
	line := func(cells []string, bold bool) *fyne.Container {
		objs := make([]fyne.CanvasObject, len(widths))
		for i := range widths {
			text := ""
			if i < len(cells) {
				text = cells[i]
			}
			align := fyne.TextAlignTrailing
			if i == 0 {
				align = fyne.TextAlignLeading
			}
			l := widget.NewLabelWithStyle(text, align, fyne.TextStyle{Bold: bold})
			if i == 0 {
				l.Truncation = fyne.TextTruncateEllipsis
			}
			objs[i] = l
		}
		return container.New(&columnsLayout{widths: widths}, objs...)
	}
	box := container.NewVBox(line(header, true))
	for _, r := range rows {
		if len(r.sessions) == 0 || open == nil {
			box.Add(line(r.cells, false))
			continue
		}
		box.Add(newTapRow(line(r.cells, false), func() { open(r) }))
	}
	return box
}

// maxNameWidth is the widest a table's column of names grows.
const maxNameWidth = 300

// columnsLayout sets its objects side by side at fixed widths, the first taking what is left.
type columnsLayout struct{ widths []float32 }

func (l *columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	rest := size.Width
	for _, w := range l.widths[1:] {
		rest -= w
	}
	x := float32(0)
	for i, o := range objs {
		w := l.widths[i]
		if i == 0 {
			w = max(w, rest)
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (l *columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for i, o := range objs {
		w += l.widths[i]
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w, h)
}

// tapRow is a row of a table that opens something: it lights up under the pointer and shows a
// hand, as a link does.
type tapRow struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
	hover   bool
	bg      *canvas.Rectangle
}

func newTapRow(content fyne.CanvasObject, onTap func()) *tapRow {
	r := &tapRow{content: content, onTap: onTap}
	r.ExtendBaseWidget(r)
	return r
}

func (r *tapRow) CreateRenderer() fyne.WidgetRenderer {
	r.bg = canvas.NewRectangle(theme.Color(theme.ColorNameHover))
	r.bg.CornerRadius = theme.InputRadiusSize()
	r.bg.Hidden = !r.hover
	return widget.NewSimpleRenderer(container.NewStack(r.bg, r.content))
}

func (r *tapRow) Tapped(*fyne.PointEvent) {
	if r.onTap != nil {
		r.onTap()
	}
}

func (r *tapRow) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (r *tapRow) MouseIn(*desktop.MouseEvent) { r.setHover(true) }

func (r *tapRow) MouseMoved(*desktop.MouseEvent) {}

func (r *tapRow) MouseOut() { r.setHover(false) }

func (r *tapRow) setHover(on bool) {
	r.hover = on
	if r.bg != nil {
		r.bg.FillColor = theme.Color(theme.ColorNameHover)
		r.bg.Hidden = !on
		r.bg.Refresh()
	}
}

// sessionList is the sessions a bar or a row counts, over the window: each with its date,
// client, practitioner, zones and side effects; choosing one opens it.
type sessionList struct {
	title  string
	dlg    *dialog.CustomDialog
	list   *widget.List
	status *widget.Label
	rows   []nlstore.SessionBrief
	recall *widget.Button // a lot's list: opens the lot recall with the lot typed; nil otherwise
}

// showSessionList lists the sessions of ids, read off the UI goroutine; open opens one. A lot's
// list offers its recall beside Close: recall, when not nil, is offered as recallWords.
func showSessionList(win fyne.Window, store nlstore.Store, l life, title string, ids []string,
	open func(clientID, sessionID string), recallWords string, recall func()) *sessionList {
	s := &sessionList{title: title}
	s.status = widget.NewLabel("Reading " + wording.Count(len(ids), "session", "sessions") + "…")
	s.status.Wrapping = fyne.TextWrapWord
	s.list = newTwoLineList(func() int { return len(s.rows) }, func(i int) (string, string) {
		return briefTitle(s.rows[i]), briefDetail(s.rows[i])
	})
	s.list.OnSelected = func(i widget.ListItemID) {
		s.list.UnselectAll()
		if i < len(s.rows) && open != nil {
			s.dlg.Hide()
			open(s.rows[i].ClientID, s.rows[i].SessionID)
		}
	}
	s.dlg = dialog.NewCustom(title, "Close", container.NewBorder(s.status, nil, nil, nil, s.list), win)
	if recall != nil {
		s.recall = widget.NewButtonWithIcon(recallWords, theme.SearchIcon(), func() {
			s.dlg.Hide()
			recall()
		})
		s.dlg.SetButtons([]fyne.CanvasObject{widget.NewButton("Close", s.dlg.Hide), s.recall})
	}
	size := win.Canvas().Size()
	s.dlg.Resize(fyne.NewSize(min(980, size.Width-40), min(640, size.Height-40)))
	s.dlg.Show()
	async(func() ([]nlstore.SessionBrief, error) { return store.SessionBriefs(l.ctx, ids) },
		func(rows []nlstore.SessionBrief, err error) {
			if l.gone(err) {
				return
			}
			if err != nil {
				s.status.SetText(errorSentence("read the sessions", err))
				return
			}
			s.rows = rows
			s.status.SetText(wording.Count(len(rows), "session", "sessions") + ", oldest first. Choose one to open it.")
			s.list.Refresh()
		})
	return s
}

// briefTitle is a listed session's first line: when, who, and its side effects, what a figure
// of side effects is read for.
func briefTitle(b nlstore.SessionBrief) string {
	effects := "no side effect"
	if len(b.SideEffects) > 0 {
		effects = "side effects: " + strings.Join(b.SideEffects, ", ")
	}
	return wording.DateTime(b.StartedAt) + "  ·  " + b.ClientName + "  ·  " + effects
}

// briefDetail is a listed session's second line: zones and depth, who treated, with what.
func briefDetail(b nlstore.SessionBrief) string {
	var parts []string
	if b.Practitioner != "" {
		parts = append(parts, "by "+b.Practitioner)
	}
	if b.Device != "" {
		parts = append(parts, b.Device)
	}
	if len(b.Zones) > 0 {
		parts = append(parts, "deepest "+wording.MM(b.DeepestMM)+": "+strings.Join(b.Zones, ", "))
	} else {
		parts = append(parts, "no zone recorded")
	}
	return strings.Join(parts, "  ·  ")
}
