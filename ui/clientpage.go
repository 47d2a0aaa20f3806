package ui

import (
	"context"
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/wording"
)

// clientState is everything a client page shows, fetched in one go off the UI goroutine.
type clientState struct {
	client   data.Client
	timeline []data.TimelineEntry
	findings []data.Finding
	drafts   []data.Draft
	results  map[string]data.Outcome // each session's latest assessed result, by session ID
}

func loadClientState(ctx context.Context, store nlstore.Store, id string) (clientState, error) {
	var st clientState
	var err error
	if st.client, err = store.Client(ctx, id); err != nil {
		return st, err
	}
	if st.timeline, err = store.Timeline(ctx, id); err != nil {
		return st, err
	}
	rules, err := store.Rules(ctx, false)
	if err != nil {
		return st, err
	}
	st.findings = data.Findings(st.client, rules, data.DateOf(store.Now()))
	outcomes, err := store.Outcomes(ctx, id)
	if err != nil {
		return st, err
	}
	st.results = map[string]data.Outcome{}
	for _, o := range outcomes { // oldest first: the latest stays
		st.results[o.SessionID] = o
	}
	st.drafts, err = store.Drafts(ctx, id)
	return st, err
}

// clientPage shows one client: what matters before treating, the profile, and the sessions.
type clientPage struct {
	store  nlstore.Store
	st     clientState
	life   life   // the client shown: ends when the page shows another, or is left
	lifeOf string // whose page life is

	name      *widget.Label
	facts     *widget.Label
	banner    *fyne.Container
	draftNote *fyne.Container
	profile   *widget.Label
	timeline  *widget.List
	empty     *widget.Label
	root      fyne.CanvasObject

	onNewSession  func(data.Client)
	onOpenSession func(data.Client, string)
	onResume      func(data.Client, data.Draft)
	onDiscard     func(data.Draft)
	onEdit        func(data.Client)
	onSideEffect  func(data.Client, data.TimelineEntry)
	onOutcome     func(data.Client, data.TimelineEntry)
	onPhotos      func(data.Client)
	onHistoryPDF  func(data.Client)
	onSessionPDF  func(data.Client, data.TimelineEntry)
	onRestore     func(data.Client)
}

// lifeFor is the page's life with client id: the one under way, or a new one, ending the life
// of the client shown before.
func (p *clientPage) lifeFor(id string) life {
	if p.life.ctx == nil || p.lifeOf != id || p.life.ctx.Err() != nil {
		p.life.end()
		p.life, p.lifeOf = newLife(nil), id
	}
	return p.life
}

func newClientPage(store nlstore.Store) *clientPage {
	p := &clientPage{store: store}
	p.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.name.SizeName = theme.SizeNameSubHeadingText
	p.name.Truncation = fyne.TextTruncateEllipsis // a long name must not push the buttons off the window
	p.facts = widget.NewLabel("")
	p.facts.Wrapping = fyne.TextWrapWord
	p.banner = container.NewVBox()
	p.draftNote = container.NewVBox()
	p.profile = widget.NewLabel("")
	p.profile.Wrapping = fyne.TextWrapWord
	p.empty = widget.NewLabel("No sessions yet. Start the first one with New session (Ctrl+N).")

	newSession := widget.NewButtonWithIcon("New session", theme.ContentAddIcon(), func() { p.onNewSession(p.st.client) })
	newSession.Importance = widget.HighImportance
	edit := widget.NewButtonWithIcon("Edit profile", theme.DocumentCreateIcon(), func() { p.onEdit(p.st.client) })
	photos := widget.NewButtonWithIcon("Photos", theme.FileImageIcon(), func() { p.onPhotos(p.st.client) })
	history := widget.NewButtonWithIcon("History PDF", theme.DocumentPrintIcon(), func() { p.onHistoryPDF(p.st.client) })

	p.timeline = widget.NewList(
		func() int { return len(p.st.timeline) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle("12 Mar 2026 14:30 · Session 2 of 4", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			title.Truncation = fyne.TextTruncateEllipsis
			detail := widget.NewLabel("zones")
			detail.Truncation = fyne.TextTruncateEllipsis
			log := widget.NewButtonWithIcon("Log side effect", theme.ContentAddIcon(), nil)
			log.Importance = widget.LowImportance
			pdf := widget.NewButtonWithIcon("Record PDF", theme.DocumentPrintIcon(), nil)
			pdf.Importance = widget.LowImportance
			result := widget.NewButtonWithIcon("Record result…", theme.ContentAddIcon(), nil)
			result.Importance = widget.LowImportance
			return container.NewBorder(nil, nil, nil, container.NewHBox(pdf, log, result), container.New(&rowsLayout{}, title, detail))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			e := p.st.timeline[i]
			row := o.(*fyne.Container)
			lines := row.Objects[0].(*fyne.Container).Objects
			// The result leads the second line, where a narrow window cuts the zones, not it.
			detail := timelineDetail(e)
			if o, ok := p.st.results[e.SessionID]; ok {
				detail = "result: " + outcomeSaid(o) + "  ·  " + detail
			}
			lines[0].(*widget.Label).SetText(timelineTitle(e))
			lines[1].(*widget.Label).SetText(detail)
			buttons := row.Objects[1].(*fyne.Container).Objects
			buttons[0].(*widget.Button).OnTapped = func() { p.onSessionPDF(p.st.client, e) }
			buttons[1].(*widget.Button).OnTapped = func() { p.onSideEffect(p.st.client, e) }
			buttons[2].(*widget.Button).OnTapped = func() { p.onOutcome(p.st.client, e) }
			if store.ReadOnly() {
				buttons[1].Hide()
				buttons[2].Hide()
			}
		})
	p.timeline.OnSelected = func(i widget.ListItemID) {
		p.timeline.UnselectAll()
		if i < len(p.st.timeline) {
			p.onOpenSession(p.st.client, p.st.timeline[i].SessionID)
		}
	}

	actions := container.NewHBox(edit, photos, history, newSession)
	if store.ReadOnly() {
		// Nothing typed here could be saved: offer only what reads.
		actions = container.NewHBox(photos, history)
		p.empty.SetText("No sessions recorded.")
	}
	header := container.NewBorder(nil, nil, nil, container.NewCenter(actions), container.NewVBox(p.name, p.facts))
	sessionsHeading := widget.NewLabelWithStyle("Sessions", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewVBox(header, p.banner, p.draftNote, p.profile, widget.NewSeparator(), sessionsHeading)
	p.root = container.NewBorder(top, nil, nil, nil, container.NewStack(p.timeline, container.NewVBox(p.empty)))
	return p
}

func (p *clientPage) content() fyne.CanvasObject { return p.root }

func (p *clientPage) update(ctx context.Context, id string) error {
	st, err := loadClientState(ctx, p.store, id)
	if err != nil {
		return err
	}
	p.apply(st)
	return nil
}

func (p *clientPage) apply(st clientState) {
	p.st = st
	c := st.client
	p.name.SetText(c.Name())
	p.facts.SetText(clientFacts(c, data.DateOf(p.store.Now())))
	p.profile.SetText(profileSummary(c))

	p.banner.RemoveAll()
	if !c.ArchivedAt.IsZero() {
		restore := widget.NewButton("Restore", func() { p.onRestore(p.st.client) })
		p.banner.Add(alert(theme.ColorNamePrimary, "Archived on "+wording.Date(data.DateOf(c.ArchivedAt))+
			": hidden from the lists, records kept.", restore))
	}
	if len(c.Allergies) > 0 {
		p.banner.Add(alert(theme.ColorNameError, "Allergies: "+strings.Join(c.Allergies, ", ")))
	}
	for _, f := range st.findings {
		text := f.Restriction(data.DateOf(p.store.Now()))
		switch f.Action {
		case data.RuleBlock:
			p.banner.Add(alert(theme.ColorNameError, "Do not treat: "+text+". "+f.Message))
		case data.RuleWarn:
			p.banner.Add(alert(theme.ColorNameWarning, "Caution: "+text+". "+f.Message))
		default:
			p.banner.Add(alert(theme.ColorNameWarning, "Recorded: "+text+"."))
		}
	}
	if !c.Consent.OnFile() {
		p.banner.Add(alert(theme.ColorNameWarning, "No signed treatment consent on file."))
	}

	p.draftNote.RemoveAll()
	for _, d := range st.drafts {
		d := d
		what := "A new session"
		if d.SessionID != "" {
			what = "Changes to a session"
		}
		msg := widget.NewLabel(fmt.Sprintf("%s typed at %s was not saved. It was kept for you.", what,
			wording.DateTime(d.UpdatedAt)))
		msg.Wrapping = fyne.TextWrapWord
		resume := widget.NewButton("Resume", func() { p.onResume(p.st.client, d) })
		resume.Importance = widget.HighImportance
		discard := widget.NewButton("Discard", func() { p.onDiscard(d) })
		p.draftNote.Add(tinted(theme.ColorNamePrimary, container.NewBorder(nil, nil, nil, container.NewHBox(discard, resume), msg)))
	}

	p.timeline.Refresh()
	if len(st.timeline) == 0 {
		p.empty.Show()
		p.timeline.Hide()
	} else {
		p.empty.Hide()
		p.timeline.Show()
	}
}

func clientFacts(c data.Client, today data.Date) string {
	var parts []string
	if !c.DateOfBirth.IsZero() {
		parts = append(parts, fmt.Sprintf("%d years (born %s)", today.YearsSince(c.DateOfBirth), wording.Date(c.DateOfBirth)))
	}
	if c.Fitzpatrick > 0 {
		parts = append(parts, "Fitzpatrick "+wording.Fitzpatrick(c.Fitzpatrick))
	} else {
		parts = append(parts, "Fitzpatrick not recorded")
	}
	// How to reach the client starts a line of its own: a label wraps at any space, and a phone
	// number cut in two is misread.
	var reach []string
	for _, s := range []string{c.Phone, c.Email} {
		if s != "" {
			reach = append(reach, s)
		}
	}
	facts := strings.Join(parts, "  ·  ")
	if len(reach) > 0 {
		facts += "\n" + strings.Join(reach, "  ·  ")
	}
	return facts
}

func profileSummary(c data.Client) string {
	var lines []string
	if len(c.Concerns) > 0 {
		lines = append(lines, "Concerns: "+strings.Join(c.Concerns, ", "))
	}
	if len(c.History) > 0 {
		var items []string
		for _, h := range c.History {
			items = append(items, historyItem(h))
		}
		lines = append(lines, "Medical history: "+strings.Join(items, "; "))
	}
	if c.Medications != "" {
		lines = append(lines, "Medications: "+strings.ReplaceAll(c.Medications, "\n", "; "))
	}
	if c.Consent.OnFile() {
		lines = append(lines, fmt.Sprintf("Consent: %s %s, signed %s", c.Consent.Form, c.Consent.Version, wording.Date(c.Consent.Signed)))
	}
	lines = append(lines, "Photo consent: "+wording.PhotoConsent(c.PhotoConsent))
	if c.MedicalNotes != "" {
		lines = append(lines, "Medical notes: "+strings.ReplaceAll(c.MedicalNotes, "\n", "; "))
	}
	if c.Notes != "" {
		lines = append(lines, "Notes: "+c.Notes)
	}
	return strings.Join(lines, "\n")
}

// historyItem is one medical history entry with its dates: "Isotretinoin (oral), 3 Mar 2025 to 1 Sep 2025".
func historyItem(h data.HistoryEntry) string {
	s := h.Condition
	switch {
	case !h.Since.IsZero() && !h.Until.IsZero():
		s += ", " + wording.Date(h.Since) + " to " + wording.Date(h.Until)
	case !h.Since.IsZero():
		s += ", since " + wording.Date(h.Since)
	case !h.Until.IsZero():
		s += ", until " + wording.Date(h.Until)
	}
	if h.Notes != "" {
		s += " (" + h.Notes + ")"
	}
	return s
}

func timelineTitle(e data.TimelineEntry) string {
	s := wording.WeekdayTime(e.StartedAt)
	if e.SeriesOf > 0 || e.SeriesN > 1 {
		s += "  ·  " + wording.Series(e.SeriesN, e.SeriesOf)
	}
	if e.Status != data.StatusSigned {
		s += "  ·  not signed"
	}
	return s
}

// timelineDetail sums a session up in one line; the zones come last, as a long list of them is
// what the row cuts short.
func timelineDetail(e data.TimelineEntry) string {
	var parts []string
	if len(e.Zones) > 0 {
		parts = append(parts, "deepest "+wording.MM(e.DeepestMM))
	}
	parts = append(parts, wording.Count(e.SideEffects, "side effect", "side effects"), wording.Count(e.Photos, "photo", "photos"))
	if len(e.Zones) > 0 {
		parts = append(parts, strings.Join(e.Zones, ", "))
	} else {
		parts = append(parts, "no zones recorded")
	}
	return strings.Join(parts, "  ·  ")
}

// alert is a line of text on a tinted band, for what a practitioner must see before treating,
// with an optional action at its end.
func alert(colorName fyne.ThemeColorName, text string, action ...fyne.CanvasObject) fyne.CanvasObject {
	icon := theme.WarningIcon()
	if colorName == theme.ColorNameError {
		icon = theme.ErrorIcon()
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	var right fyne.CanvasObject
	if len(action) > 0 {
		right = container.NewCenter(action[0])
	}
	return tinted(colorName, container.NewBorder(nil, nil, widget.NewIcon(icon), right, l))
}

// tinted puts content on a band of the theme colour at low opacity, readable in light and dark themes.
func tinted(colorName fyne.ThemeColorName, content fyne.CanvasObject) fyne.CanvasObject {
	c := fyne.CurrentApp().Settings().Theme().Color(colorName, fyne.CurrentApp().Settings().ThemeVariant())
	r, g, b, _ := c.RGBA()
	bg := canvas.NewRectangle(color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x30})
	bg.CornerRadius = theme.InputRadiusSize()
	return container.NewStack(bg, container.NewPadded(content))
}
