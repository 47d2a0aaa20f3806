package ui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	ondisk "needlelog.app/needlelog/practice"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// serverAddress is the address of a practice on the clinic's server, as the connect form takes it.
type serverAddress struct {
	host, port, database, user string
	tls                        string // sslmode: verify-full, require, prefer or disable
}

// tlsModes are the connection's protections the form offers, by sslmode, as said to the user.
var tlsModes = []struct{ mode, label string }{
	{"verify-full", "Encrypted, and the server's certificate checked (verify-full)"},
	{"require", "Encrypted (require)"},
	{"prefer", "Encrypted when the server can (prefer)"},
	{"disable", "Not encrypted: only on a network no one else uses (disable)"},
}

// tlsLabel is how mode is said in the form; "" for a mode it does not offer.
func tlsLabel(mode string) string {
	for _, m := range tlsModes {
		if m.mode == mode {
			return m.label
		}
	}
	return ""
}

// tlsMode is the sslmode of a label the form shows.
func tlsMode(label string) string {
	for _, m := range tlsModes {
		if m.label == label {
			return m.mode
		}
	}
	return ""
}

// defaultServerAddress is what the form starts with: PostgreSQL's port, Needlelog's database.
var defaultServerAddress = serverAddress{port: "5432", database: "needlelog", tls: "prefer"}

// url is the postgres:// URL of a, or a sentence saying which part is missing or wrong.
func (a serverAddress) url() (string, error) {
	host, db, user := strings.TrimSpace(a.host), strings.TrimSpace(a.database), strings.TrimSpace(a.user)
	switch {
	case host == "":
		return "", errors.New("Type the server's name or IP address, such as frontdesk or 192.168.1.20.")
	case strings.ContainsAny(host, "/@?# ") || (strings.Contains(host, ":") && net.ParseIP(host) == nil):
		return "", errors.New("The server's name is only its name or IP address, such as frontdesk or 192.168.1.20: leave out any postgres://, port or slash.")
	case user == "":
		return "", errors.New("Type the user name the server's administrator gave for Needlelog.")
	case db == "":
		return "", errors.New("Type the database's name (needlelog unless the server's administrator chose another).")
	case tlsLabel(a.tls) == "":
		return "", errors.New("Choose how the connection is protected.")
	}
	port, err := strconv.Atoi(strings.TrimSpace(a.port))
	if err != nil || port < 1 || port > 65535 {
		return "", errors.New("The port is a number from 1 to 65535: 5432 unless the server's administrator chose another.")
	}
	u := url.URL{Scheme: "postgres", User: url.User(user), Host: net.JoinHostPort(host, strconv.Itoa(port)), Path: "/" + db,
		RawQuery: url.Values{"sslmode": {a.tls}}.Encode()}
	return u.String(), nil
}

// parseServerAddress reads a pasted postgres:// URL into the form's parts. A URL holding a
// password is refused: the password has a field of its own, and the address is kept.
func parseServerAddress(s string) (serverAddress, error) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || !ondisk.IsServer(s) || u.Host == "" {
		return serverAddress{}, errors.New("That is not a server address: it looks like postgres://user@server:5432/needlelog?sslmode=require.")
	}
	if _, ok := u.User.Password(); ok || u.Query().Has("password") {
		return serverAddress{}, errors.New("That address holds a password: paste it without, and type the password in the Password field, so that it is never kept.")
	}
	a := serverAddress{host: u.Hostname(), port: u.Port(), database: strings.TrimPrefix(u.Path, "/"), tls: u.Query().Get("sslmode")}
	if u.User != nil {
		a.user = u.User.Username()
	}
	if a.port == "" {
		a.port = "5432"
	}
	if a.tls == "" {
		a.tls = "prefer" // PostgreSQL's own default
	}
	if tlsLabel(a.tls) == "" {
		return serverAddress{}, fmt.Errorf("The address asks for sslmode=%s, which Needlelog does not offer: use require, verify-full, prefer or disable.", a.tls)
	}
	return a, nil
}

// connectForm is Settings › Database › Connect to the clinic's server…: the server's address
// and password, a test of them (off the UI goroutine, which can be cancelled), and, once it
// connects, the choice to use that practice in this window.
type connectForm struct {
	win      fyne.Window
	d        *dialog.CustomDialog
	pasted   *nlwidget.TextField
	host     *nlwidget.TextField
	port     *nlwidget.TextField
	database *nlwidget.TextField
	user     *nlwidget.TextField
	tls      *widget.Select
	password *nlwidget.TextField
	message  *widget.Label
	bar      *widget.ProgressBarInfinite
	test     *widget.Button
	use      *widget.Button
	cancel   *widget.Button

	current   string                // the address of the practice open now ("" for a file)
	connected func(*openedPractice) // takes the practice tested, to show it
	closed    func()                // when set, runs once the form is closed without a practice used
	testing   context.CancelFunc    // stops a test under way; nil when none is
	tested    *openedPractice       // the practice the last test opened, until used or let go
	// open opens the practice at an address with a password; tests may replace it.
	open func(ctx context.Context, addr, password string) (*openedPractice, error)
}

// showConnectForm shows the form over win; connected receives the practice once the practitioner
// chooses to use it. current is the address of the server practice open now, if any.
func showConnectForm(win fyne.Window, current string, connected func(*openedPractice)) *connectForm {
	f := &connectForm{win: win, current: current, connected: connected, open: openServerPractice}
	field := func(placeholder string) *nlwidget.TextField {
		e := nlwidget.NewTextField()
		e.SetPlaceHolder(placeholder)
		e.OnChanged = func(string) { f.changed() }
		return e
	}
	f.pasted = nlwidget.NewTextField()
	f.pasted.SetPlaceHolder("postgres://user@server:5432/needlelog?sslmode=require")
	f.pasted.OnChanged = func(string) { f.paste() }
	f.host, f.port, f.database, f.user = field("frontdesk or 192.168.1.20"), field("5432"), field("needlelog"), field("needlelog_app")
	labels := make([]string, len(tlsModes))
	for i, m := range tlsModes {
		labels[i] = m.label
	}
	f.tls = widget.NewSelect(labels, func(string) { f.changed() })
	f.password = field("")
	f.password.Password = true
	f.password.OnSubmitted = func(string) { f.startTest() }
	a := defaultServerAddress
	if current != "" {
		if cur, err := parseServerAddress(current); err == nil {
			a = cur
		}
	}
	f.fill(a)
	f.message = wrapLabel("")
	f.bar = widget.NewProgressBarInfinite()
	f.bar.Stop()
	f.bar.Hide()
	f.test = widget.NewButton("Test connection", f.startTest)
	f.test.Importance = widget.HighImportance
	f.use = widget.NewButton("Use this practice", f.useTested)
	f.use.Disable()
	f.cancel = widget.NewButton("Cancel", f.close)

	form := widget.NewForm(
		widget.NewFormItem("Server", f.host),
		widget.NewFormItem("Port", f.port),
		widget.NewFormItem("Database", f.database),
		widget.NewFormItem("User", f.user),
		widget.NewFormItem("Connection", f.tls),
		widget.NewFormItem("Password", f.password),
	)
	intro := wrapLabel("All the clinic's PCs work on one practice on its PostgreSQL server. Whoever set the server up " +
		"(needlelog server init) gives its name, the database and the user for Needlelog.")
	box := container.NewVBox(intro,
		boldLabel("Paste the server's address"), f.pasted,
		boldLabel("Or type it"), form,
		settingsHint("The password is never kept: Needlelog asks for it each time it starts, unless this PC's password "+
			"file (.pgpass) or NEEDLELOG_DB_PASSWORD gives it."),
		messageRoomWith(f.message, f.bar))
	f.d = dialog.NewCustomWithoutButtons("Connect to the clinic's server", nlwidget.AtLeastWide(620, box), win)
	f.d.SetButtons([]fyne.CanvasObject{f.cancel, f.test, f.use})
	f.d.Show()
	if top := win.Canvas().Overlays().Top(); top != nil {
		onEscape(win.Canvas(), top, f.close)
	}
	win.Canvas().Focus(f.host)
	return f
}

// messageRoomWith keeps room for two lines of message from the start, as messageRoom does, the
// bar that says a test is under way under the message while it shows.
func messageRoomWith(message *widget.Label, bar fyne.CanvasObject) fyne.CanvasObject {
	room := canvas.NewRectangle(color.Transparent)
	room.SetMinSize(fyne.NewSize(0, wrapLabel("1\n2").MinSize().Height))
	return container.NewStack(room, container.NewVBox(message, bar))
}

// fill puts a into the form's fields.
func (f *connectForm) fill(a serverAddress) {
	f.host.SetText(a.host)
	f.port.SetText(a.port)
	f.database.SetText(a.database)
	f.user.SetText(a.user)
	f.tls.SetSelected(tlsLabel(a.tls))
}

// address is the form's fields as an address.
func (f *connectForm) address() serverAddress {
	return serverAddress{host: f.host.Text, port: f.port.Text, database: f.database.Text, user: f.user.Text, tls: tlsMode(f.tls.Selected)}
}

// paste reads a pasted address into the fields, or says why it cannot be.
func (f *connectForm) paste() {
	if strings.TrimSpace(f.pasted.Text) == "" {
		return
	}
	a, err := parseServerAddress(f.pasted.Text)
	if err != nil {
		f.say(err.Error(), true)
		return
	}
	f.fill(a)
	f.say("", false)
}

// changed lets go of a practice tested with other details than those now typed.
func (f *connectForm) changed() {
	if f.message == nil {
		return // still being made
	}
	f.letGo()
	if f.testing == nil {
		f.say("", false)
	}
}

// letGo closes the practice the last test opened, if it was not used.
func (f *connectForm) letGo() {
	if f.tested != nil {
		p := f.tested
		f.tested = nil
		background(p.close)
	}
	f.use.Disable()
	if f.use.Importance == widget.HighImportance {
		f.use.Importance, f.test.Importance = widget.MediumImportance, widget.HighImportance
		f.use.Refresh()
		f.test.Refresh()
	}
}

// say shows a sentence under the form, as a problem when bad.
func (f *connectForm) say(text string, bad bool) {
	f.message.Importance = widget.MediumImportance
	if bad {
		f.message.Importance = widget.DangerImportance
	}
	f.message.SetText(text)
}

// startTest connects to the practice the form names, off the UI goroutine; Cancel stops it.
func (f *connectForm) startTest() {
	if f.testing != nil {
		return
	}
	addr, err := f.address().url()
	if err != nil {
		f.say(err.Error(), true)
		return
	}
	if f.current != "" && addr == f.current {
		f.say("This window shows that practice already.", false)
		return
	}
	f.letGo()
	ctx, cancel := context.WithCancel(context.Background())
	f.testing = cancel
	f.test.Disable()
	f.bar.Show()
	f.bar.Start()
	f.say("Connecting to "+net.JoinHostPort(strings.TrimSpace(f.host.Text), strings.TrimSpace(f.port.Text))+"…", false)
	password := f.password.Text
	type outcome struct {
		p       *openedPractice
		clients int64
	}
	async(func() (outcome, error) {
		p, err := f.open(ctx, addr, password)
		if err != nil {
			return outcome{}, err
		}
		n, _ := p.store.ClientTotal(ctx) // said when known
		return outcome{p, n}, nil
	}, func(o outcome, err error) {
		if ctx.Err() != nil { // cancelled (close said so): the form may be closed, or testing again
			if err == nil {
				background(o.p.close)
			}
			return
		}
		cancel()
		f.testing = nil
		f.bar.Stop()
		f.bar.Hide()
		f.test.Enable()
		if err != nil {
			f.say(serverSentence(err), true)
			return
		}
		f.tested = o.p
		f.use.Enable()
		f.use.Importance, f.test.Importance = widget.HighImportance, widget.MediumImportance
		f.use.Refresh()
		f.test.Refresh()
		f.say(fmt.Sprintf("Connected: the practice on the server holds %d clients. Choose Use this practice to work on it in this window.", o.clients), false)
	})
}

// useTested hands the practice tested to the window, and closes the form.
func (f *connectForm) useTested() {
	p := f.tested
	if p == nil {
		return
	}
	f.tested = nil
	f.d.Hide()
	f.connected(p)
}

// close stops a test under way, lets go of a practice tested, and closes the form.
func (f *connectForm) close() {
	if f.testing != nil {
		f.testing()
		f.testing = nil
		f.bar.Stop()
		f.bar.Hide()
		f.test.Enable()
		f.say("Cancelled.", false)
		return // Cancel during a test stops the test; the form stays for another try
	}
	f.letGo()
	f.d.Hide()
	if f.closed != nil {
		f.closed()
	}
}
