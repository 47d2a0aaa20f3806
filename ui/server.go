package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/postgres"
)

// prefServer is the address of the practice on the clinic's server that this PC opens when
// started without --db (never with a password); "" opens the practice file on this PC.
const prefServer = "server.url"

// RememberedServer is the address of the clinic's server practice this PC was last connected to
// in Settings › Database, which the app opens when started without --db; "" when it uses its
// practice file.
func RememberedServer(a fyne.App) string { return a.Preferences().String(prefServer) }

// rememberServer makes the app open the practice at addr when started without --db; "" goes back
// to the practice file. Only the address is kept, never a password.
func rememberServer(a fyne.App, addr string) {
	if addr == "" {
		a.Preferences().RemoveValue(prefServer)
		return
	}
	a.Preferences().SetString(prefServer, postgres.Redacted(addr))
}

// openServerPractice opens the practice on the clinic's server at addr, with this PC's claim;
// password is used when the address has none and is not found in NEEDLELOG_DB_PASSWORD or the
// password file.
func openServerPractice(ctx context.Context, addr, password string) (*openedPractice, error) {
	s, claim, err := ondisk.OpenServer(ctx, addr, postgres.Options{Password: password})
	if err != nil {
		return nil, err
	}
	p := &openedPractice{store: &serverStore{Store: s, url: addr}, claim: claim}
	data.SetDateOrder(p.store.DateOrder(ctx)) // dates typed from now on read in its order
	if page, err := readFirstPage(ctx, p.store); err == nil {
		p.firstPage = &page
	}
	return p, nil
}

// serverUser is the user addr connects as.
func serverUser(addr string) string {
	if u, err := url.Parse(addr); err == nil && u.User != nil {
		return u.User.Username()
	}
	return ""
}

// serverPlace is the server practice at addr as the window's title and status line name it:
// "frontdesk:5432, database needlelog".
func serverPlace(addr string) string {
	u, err := url.Parse(addr)
	if err != nil || u.Host == "" {
		return postgres.Redacted(addr)
	}
	return u.Host + ", database " + strings.TrimPrefix(u.Path, "/")
}

// serverOpening opens a practice on the clinic's server as the app starts (or when Settings
// connects), asking for the password when the server wants one it was not given: a wrong one is
// said and asked again, and Cancel gives up.
type serverOpening struct {
	ctx    context.Context
	w      fyne.Window
	addr   string
	opened func(*openedPractice)
	// failed hears of a failure other than a password to ask for, said over w with the choice
	// to try again; gaveUp runs when the practitioner cancels or chooses not to.
	failed func(error)
	gaveUp func()
	// useFile, when set, is offered when the server cannot be used: the practice file on this PC.
	useFile func()
	// asking, when set, runs as the password is asked for: the window stops saying it is connecting.
	asking func()
	// abandoned reports that the window was closed meanwhile: a practice that opens is closed again.
	abandoned func() bool
}

// try opens the practice with password ("" for the one the environment gives, if any).
func (o *serverOpening) try(password string) {
	async(func() (*openedPractice, error) { return openServerPractice(o.ctx, o.addr, password) }, func(p *openedPractice, err error) {
		o.done(p, err, password, nil)
	})
}

// done takes an attempt's outcome: the practice, a password to ask for (in asked, the dialog
// already asking, if any), or a failure.
func (o *serverOpening) done(p *openedPractice, err error, password string, asked *passphraseDialog) {
	if o.abandoned != nil && o.abandoned() {
		if err == nil {
			p.close()
		}
		return
	}
	switch {
	case err == nil:
		if asked != nil {
			asked.finish()
		}
		o.opened(p)
	case errors.Is(err, postgres.ErrLoginRefused) && asked != nil:
		asked.fail(serverSentence(err)+" Check it and type it again.", 0)
	case errors.Is(err, postgres.ErrLoginRefused):
		o.askPassword(err, password != "")
	default:
		if asked != nil {
			asked.finish()
		}
		o.failed(err)
		o.askAgain(err, password)
	}
}

// askPassword asks for the password of the server's user; refused says that one was given
// (by the practitioner or the environment) and not accepted.
func (o *serverOpening) askPassword(err error, refused bool) {
	if o.asking != nil {
		o.asking()
	}
	user := serverUser(o.addr)
	intro := fmt.Sprintf("Needlelog connects to the practice on the clinic's server (%s) as the user %q. Type that user's password.", serverPlace(o.addr), user)
	if refused {
		intro = serverSentence(err) + " Type the password again."
	}
	p := newPassphraseDialog(o.w, "Password for the clinic's server", "Connect", []string{intro}, []string{"Password"},
		"The password is not kept: Needlelog asks for it each time it starts, unless this PC's password file "+
			"(.pgpass) or NEEDLELOG_DB_PASSWORD gives it.")
	p.cancelled = o.gaveUp
	p.submit = func(values []string) {
		if values[0] == "" {
			p.fail("Type the password, or Cancel.", 0)
			return
		}
		p.busy("Connecting…")
		pw := values[0]
		async(func() (*openedPractice, error) { return openServerPractice(o.ctx, o.addr, pw) }, func(op *openedPractice, err error) {
			o.done(op, err, pw, p)
		})
	}
	p.show()
}

// askAgain says why the server's practice could not be opened, and offers to try again, to use
// the practice file on this PC instead, or to give up.
func (o *serverOpening) askAgain(err error, password string) {
	var d dialog.Dialog
	var buttons []fyne.CanvasObject
	button := func(label string, important bool, fn func()) {
		b := widget.NewButton(label, func() { d.Hide(); fn() })
		if important {
			b.Importance = widget.HighImportance
		}
		buttons = append(buttons, b)
	}
	button("Try again", true, func() { o.try(password) })
	if o.useFile != nil {
		button("Use the practice file on this PC", false, o.useFile)
	}
	button("Quit", false, o.gaveUp)
	d = dialog.NewCustomWithoutButtons("Needlelog could not open the practice on the clinic's server",
		openQuestionContent(serverSentence(err)+"\n\nThe practice: "+serverPlace(o.addr), buttons), o.w)
	d.Show()
}

// serverSentence says in one sentence why the clinic's server could not be used for err; the
// server's errors are worded for the practitioner already (they never hold a password).
func serverSentence(err error) string {
	switch {
	case errors.Is(err, data.ErrNewerSchema):
		return "The practice on the clinic's server was last brought up to date by a newer version of Needlelog: " +
			"install that version on this PC to open it."
	case errors.Is(err, data.ErrNotDatabase):
		return "The database on the clinic's server holds something other than a Needlelog practice: check its name in the address."
	case errors.Is(err, data.ErrInUse):
		return "The practice on the clinic's server is open in another Needlelog window on this PC: use that window."
	case errors.Is(err, postgres.ErrBadURL):
		return capitalised(postgres.ErrBadURL.Error()) + "."
	case errors.Is(err, context.Canceled):
		return "Connecting was cancelled."
	}
	if errors.Is(err, postgres.ErrUnreachable) || errors.Is(err, postgres.ErrLoginRefused) ||
		errors.Is(err, postgres.ErrServerInitNeeded) || errors.Is(err, postgres.ErrServerLost) {
		return capitalised(outermostServerSentence(err)) + "."
	}
	return "The clinic's server could not be used. Try again; if it keeps happening, ask whoever looks after the server."
}

// outermostServerSentence is the sentence of the server's own error within err, without the
// context callers wrapped around it.
func outermostServerSentence(err error) string {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if _, ok := e.(interface{ Is(error) bool }); ok {
			return e.Error()
		}
		switch e {
		case postgres.ErrUnreachable, postgres.ErrLoginRefused, postgres.ErrServerInitNeeded, postgres.ErrServerLost:
			return e.Error()
		}
	}
	return err.Error()
}

// capitalised is s with its first letter in capitals.
func capitalised(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// useServer shows p, the practice on the clinic's server that Settings › Database connected to,
// in place of the one shown, and makes it the practice this PC opens when started without --db.
func (m *mainWindow) useServer(p *openedPractice) {
	if !m.browsing() {
		background(p.close)
		m.sayWhatToCloseFirst("Another practice is opened from the client list", "Settings › Database › Connect to the clinic's server…")
		return
	}
	m.backUpThen("Backing up before opening another practice", "Open the other practice", func() {
		rememberServer(m.app, p.store.Path())
		m.switchTo(p)
	}, func() { background(p.close) })
}

// useFileAgain goes back from the clinic's server to the practice file on this PC, which the app
// then opens when started without --db.
func (m *mainWindow) useFileAgain() {
	path, err := ondisk.DefaultPath()
	if err != nil {
		showError(m.win, "find the practice file on this PC", err)
		return
	}
	rememberServer(m.app, "")
	m.switchDatabase(path, true)
}

// serverDown reports whether err is the clinic's server going away or not being reachable: what
// was being done can be done again once it is back.
func serverDown(err error) bool {
	return errors.Is(err, postgres.ErrServerLost) || errors.Is(err, postgres.ErrUnreachable)
}
