package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/transfer"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// openClientPage shows c's page in the window, as a click in the list does.
func openClientPage(t *testing.T, m *mainWindow, c data.Client) {
	t.Helper()
	m.showClient(data.ClientSummary{ID: c.ID, FirstName: c.FirstName, LastName: c.LastName})
	waitFor(t, c.Name()+"'s page", func() bool { return m.page.st.client.ID == c.ID })
}

// editPhoneFromThePage changes the phone through Client › Edit profile… of the page in front,
// which holds from, and saves: the save must go through.
func editPhoneFromThePage(t *testing.T, m *mainWindow, from, to string) {
	t.Helper()
	closeOverlays(m.win)
	menuItemLabelled(t, m.win, "Edit profile…").Action()
	var phone *nlwidget.TextField
	walk(m.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if f, ok := o.(*nlwidget.TextField); ok && f.Text == from {
			phone = f
		}
	})
	if phone == nil {
		t.Fatalf("Edit profile does not open with the phone %q: %q", from, shownText(m.win))
	}
	phone.SetText("")
	test.Type(phone, to)
	tapButton(t, m.win, "Save")
	if said := shownText(m.win); strings.Contains(said, "changed elsewhere") {
		t.Fatalf("the edit was refused: %q", said)
	}
}

// pageSays reports whether the client page in the window shows s.
func pageSays(m *mainWindow, s string) bool { return strings.Contains(allText(m.right), s) }

// Settling a conflict shows the value kept on the client page open beside the Conflicts view, and
// an edit of the profile started after it saves; the view says when and whence the conflict came,
// and what the Keep did.
func TestSettlingAConflictRefreshesTheOpenClientPage(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	fx := newConflictFixture(t)
	m := fx.m
	closeOverlays(m.win)
	openClientPage(t, m, fx.maria)
	if !pageSays(m, "07700 900333") {
		t.Fatalf("Maria's page before the conflict is settled: %q", allText(m.right))
	}
	v := m.showConflicts()
	said := shownText(m.win)
	if !strings.Contains(said, "Found ") || !strings.Contains(said, ", in a bundle from Anna's laptop.") {
		t.Errorf("the conflict does not say when and whence it was found: %q", said)
	}
	tapButton(t, m.win, "Keep this computer's")
	waitFor(t, "the conflict settled", func() bool { return strings.Contains(shownText(m.win), "Nothing to settle") })
	shot(t, m.win, "transfer-conflicts-kept")
	if said := shownText(m.win); !strings.Contains(said, "Kept this computer's phone for Maria Lopez.") {
		t.Errorf("the view does not say what was kept: %q", said)
	}
	if !pageSays(m, "07700 900222") || pageSays(m, "07700 900333") {
		t.Errorf("Maria's page after keeping this computer's phone: %q", allText(m.right))
	}
	// The next action takes the line away.
	v.settled.SetChecked(true)
	if said := shownText(m.win); strings.Contains(said, "Kept this computer's phone") {
		t.Errorf("the line stays after the next action: %q", said)
	}
	editPhoneFromThePage(t, m, "07700 900222", "07700 900555")
	if c, err := fx.clinic.Client(ctx, fx.maria.ID); err != nil || c.Phone != "07700 900555" {
		t.Errorf("Maria's phone after the edit: %q %v", c.Phone, err)
	}
}

// Records brought back without a conflict show on the client page open meanwhile, and an edit
// started from it saves.
func TestBringingRecordsBackRefreshesTheOpenClientPage(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	clinic := transferPractice(t, "clinic", nil)
	maria := testkit.CreateClient(t, clinic, "Maria", "Lopez")
	laptop := transferPractice(t, "laptop", nil)
	if _, err := ondisk.ApplyBundle(ctx, laptop, engineBundle(t, clinic, true, "Clinic PC"), ondisk.ApplyOptions{
		Unlock: transfer.Unlock{Passphrase: testBundlePass}, New: true, DeviceName: "Anna's laptop"}); err != nil {
		t.Fatal(err)
	}
	l, _ := laptop.Client(ctx, maria.ID)
	l.Phone = "07700 900333"
	if err := laptop.UpdateClient(ctx, &l); err != nil {
		t.Fatal(err)
	}
	m := transferWindow(t, clinic)
	openClientPage(t, m, maria)
	bringThroughDialog(t, m, engineBundle(t, laptop, false, "Anna's laptop"), testBundlePass)
	waitFor(t, "the summary", func() bool { return strings.Contains(shownText(m.win), "Records brought back") })
	if !pageSays(m, "07700 900333") {
		t.Errorf("Maria's page after her phone came in: %q", allText(m.right))
	}
	editPhoneFromThePage(t, m, "07700 900333", "07700 900555")
	if c, err := clinic.Client(ctx, maria.ID); err != nil || c.Phone != "07700 900555" {
		t.Errorf("Maria's phone after the edit: %q %v", c.Phone, err)
	}
}

// A practice that has no name for this computer asks for one: the field starts empty, with
// examples, and the bundle is not made until it is typed; the file's name then carries it, so
// that the two computers' bundles in one folder do not replace each other.
func TestTakeRecordsOnTheRoadAsksThisComputersName(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	clinic := transferPractice(t, "clinic", nil)
	testkit.CreateClient(t, clinic, "Maria", "Lopez")
	// The name a bundle brought in gave it unasked is the system's, which no one recognises.
	host, _ := os.Hostname()
	if err := clinic.SetSetting(ctx, "device.name", host); err != nil {
		t.Fatal(err)
	}
	m := transferWindow(t, clinic)
	day := time.Date(2026, 12, 7, 22, 48, 0, 0, time.Local)
	m.now = func() time.Time { return day }
	dir := t.TempDir()
	m.app.Preferences().SetString(prefLastFolder, dir)
	m.takeOnTheRoad()
	fields := overlayFields(m.win)
	if len(fields) != 4 || fields[1].Text != "" || fields[1].PlaceHolder != "Clinic PC, Anna's laptop…" {
		t.Fatalf("the form's fields: %d, this computer's name %q (placeholder %q)", len(fields), fields[1].Text, fields[1].PlaceHolder)
	}
	if fields[0].Text != "needlelog 2026-12-07 22.48.nlbundle" {
		t.Errorf("the file name offered with no computer's name: %q", fields[0].Text)
	}
	if said := shownText(m.win); !strings.Contains(said, "How the other computer will name this one") {
		t.Errorf("the field's hint: %q", said)
	}
	fields[2].SetText(testBundlePass)
	fields[3].SetText(testBundlePass)
	tapButton(t, m.win, "Make the bundle")
	shot(t, m.win, "transfer-take-form-no-name")
	if said := shownText(m.win); !strings.Contains(said, "Type a name for this computer") {
		t.Errorf("an empty name is not said: %q", said)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("a bundle was made without this computer's name: %v", left)
	}
	test.Type(fields[1], `Anna's laptop: "room/2"?`)
	want := "needlelog from Anna's laptop room 2 2026-12-07 22.48.nlbundle"
	if fields[0].Text != want {
		t.Errorf("the file name offered: %q, want %q", fields[0].Text, want)
	}
	if said := shownText(m.win); strings.Contains(said, "Type a name for this computer") {
		t.Errorf("the sentence stays once a name is typed: %q", said)
	}
	shot(t, m.win, "transfer-take-form-named")
	tapButton(t, m.win, "Make the bundle")
	waitFor(t, "the bundle made", func() bool { return strings.Contains(shownText(m.win), "Bundle made") })
	if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
		t.Fatalf("the bundle is not under its offered name: %v", err)
	}
	if name, _ := clinic.Setting(ctx, "device.name"); name != `Anna's laptop: "room/2"?` {
		t.Errorf("this computer's name kept: %q", name)
	}

	// Named once, the form offers its name, and a file name the practitioner typed stays as typed.
	closeOverlays(m.win)
	m.takeOnTheRoad()
	fields = overlayFields(m.win)
	if fields[1].Text != `Anna's laptop: "room/2"?` || fields[0].Text != want {
		t.Fatalf("the form once named: name %q, file %q", fields[1].Text, fields[0].Text)
	}
	fields[0].SetText("mine.nlbundle")
	test.Type(fields[1], " 2")
	if fields[0].Text != "mine.nlbundle" {
		t.Errorf("the file name typed was replaced: %q", fields[0].Text)
	}
}

// A name for a file keeps nothing a system refuses in one.
func TestBundleFileNameIsSafeEverywhere(t *testing.T) {
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for device, want := range map[string]string{
		"Anna's laptop":                       "needlelog from Anna's laptop 2026-12-07 00.00.nlbundle",
		"":                                    "needlelog 2026-12-07 00.00.nlbundle",
		`<>:"/\|?*`:                           "needlelog 2026-12-07 00.00.nlbundle",
		"Front\tdesk\x00\x1f PC\x7f":          "needlelog from Front desk PC 2026-12-07 00.00.nlbundle",
		"Room 2. . ":                          "needlelog from Room 2 2026-12-07 00.00.nlbundle",
		`C:\Users\anna\..\desk`:               "needlelog from C Users anna .. desk 2026-12-07 00.00.nlbundle",
		"Zoë's  Ångström   ноутбук":           "needlelog from Zoë's Ångström ноутбук 2026-12-07 00.00.nlbundle",
		"Anna\u202egpj.exe":                   "needlelog from Anna gpj.exe 2026-12-07 00.00.nlbundle",
		"../../etc/passwd":                    "needlelog from .. .. etc passwd 2026-12-07 00.00.nlbundle",
		"Praxis | Büro * Empfang ? (alt) ...": "needlelog from Praxis Büro Empfang (alt) 2026-12-07 00.00.nlbundle",
	} {
		if got := bundleFileName(device, day); got != want {
			t.Errorf("bundleFileName(%q) = %q, want %q", device, got, want)
		}
	}
}

// The progress of a bundle starts with a line of its own: reading the practice for a bundle of
// everything, looking for what changed for a smaller one; never "Starting…", and never changes
// "since the last bundle" in a bundle of everything.
func TestMakingABundleSaysWhatItDoesFromTheStart(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	fx := newConflictFixture(t)
	m := fx.m
	closeOverlays(m.win)
	if err := fx.clinic.SetSetting(ctx, "device.name", "Clinic PC"); err != nil {
		t.Fatal(err)
	}
	var steps []string
	afterTransferStep = func() {
		var status string
		walk(m.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && status == "" && l.Text != "" {
				status = l.Text
			}
		})
		steps = append(steps, status)
	}
	t.Cleanup(func() { afterTransferStep = nil })
	for _, tc := range []struct{ carry, first string }{
		{carryEverything, "Reading the practice's records…"},
		{"What Anna's laptop may lack", "Looking for what changed since the last exchange…"},
	} {
		steps = nil
		dir := t.TempDir()
		m.app.Preferences().SetString(prefLastFolder, dir)
		m.takeOnTheRoad()
		walk(m.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if r, ok := o.(*widget.RadioGroup); ok {
				r.SetSelected(tc.carry)
			}
		})
		fields := overlayFields(m.win)
		fields[2].SetText(testBundlePass)
		fields[3].SetText(testBundlePass)
		tapButton(t, m.win, "Make the bundle")
		waitFor(t, "the bundle made", func() bool { return strings.Contains(shownText(m.win), "Bundle made") })
		if len(steps) == 0 || steps[0] != tc.first {
			t.Errorf("%s: the progress said %q, want first %q", tc.carry, steps, tc.first)
		}
		for _, s := range steps {
			if strings.Contains(s, "Starting") || strings.Contains(s, "since the last bundle") {
				t.Errorf("%s: the progress said %q", tc.carry, s)
			}
		}
		closeOverlays(m.win)
	}
}

// A new laptop's Welcome offers to start from the clinic's bundle: the file asked for, then the
// passphrase, all of it said as records taken in rather than brought back.
func TestWelcomeStartsANewLaptopFromTheClinicsBundle(t *testing.T) {
	cheapBundles(t)
	clinic := transferPractice(t, "clinic", nil)
	testkit.CreateClient(t, clinic, "Maria", "Lopez")
	path := engineBundle(t, clinic, true, "Clinic PC")
	laptop := transferPractice(t, "laptop", nil)
	m := transferWindow(t, laptop)
	shot(t, m.win, "transfer-welcome")
	var start *widget.Button
	walk(m.right, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Start from the clinic's bundle…" {
			start = b
		}
	})
	if start == nil {
		t.Fatal("the Welcome offers no start from the clinic's bundle")
	}
	test.Tap(start)
	if said := shownText(m.win); !strings.Contains(said, "Take records in: choose the bundle from the clinic") {
		t.Fatalf("the Welcome's start asks %q", said)
	}
	shot(t, m.win, "transfer-welcome-choose")
	closeOverlays(m.win)
	var titles []string
	afterTransferStep = func() { titles = append(titles, shownText(m.win)) }
	t.Cleanup(func() { afterTransferStep = nil })
	m.askBundlePassphrase(path)
	shot(t, m.win, "transfer-take-in-passphrase")
	if said := shownText(m.win); !strings.Contains(said, "Take records in") || strings.Contains(said, "back") {
		t.Errorf("the passphrase of a first bundle: %q", said)
	}
	fillOverlay(t, m.win, testBundlePass)
	tapButton(t, m.win, "Bring them in")
	waitFor(t, "the summary", func() bool { return strings.Contains(shownText(m.win), "Records taken in") })
	shot(t, m.win, "transfer-taken-in")
	if said := shownText(m.win); strings.Contains(said, "brought back") {
		t.Errorf("a first bundle is said as brought back: %q", said)
	}
	if len(titles) == 0 || !strings.Contains(titles[0], "Taking records in") {
		t.Errorf("the progress of a first bundle: %q", titles)
	}
	if clientTotal(t, laptop) != 1 {
		t.Errorf("the laptop holds %d clients", clientTotal(t, laptop))
	}
}

// Where there is no practice yet, it can be started from the clinic's bundle: the practice is
// made, and the window asks for the bundle at once.
func TestNoPracticeHereYetStartsFromTheClinicsBundle(t *testing.T) {
	cheapBundles(t)
	a := test.NewTempApp(t)
	clinic := transferPractice(t, "clinic", nil)
	testkit.CreateClient(t, clinic, "Maria", "Lopez")
	bundle := engineBundle(t, clinic, true, "Clinic PC")
	path := filepath.Join(t.TempDir(), "laptop.db")
	_, err := openPractice(context.Background(), path, sqlite.Options{})
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	var m *mainWindow
	askHowToOpen(a, w, path, err, func(p *openedPractice) {
		m = newMainWindowWith(a, p, false)
		m.win.Resize(fyne.NewSize(1280, 800))
		t.Cleanup(m.stopped)
	}, "Quit", func() {})
	shot(t, w, "transfer-no-practice")
	test.Tap(overlayButton(t, w, "Start from the clinic's bundle…"))
	if m == nil {
		t.Fatal("no practice was made")
	}
	if said := shownText(m.win); !strings.Contains(said, "Take records in: choose the bundle from the clinic") {
		t.Fatalf("the new practice does not ask for the bundle: %q", said)
	}
	closeOverlays(m.win)
	bringThroughDialog(t, m, bundle, testBundlePass)
	waitFor(t, "the summary", func() bool { return strings.Contains(shownText(m.win), "Records taken in") })
	if n, _ := m.store.ClientTotal(context.Background()); n != 1 {
		t.Errorf("the practice made holds %d clients", n)
	}
}

// A laptop where a practitioner was added before the clinic's bundle came is a practice of its own:
// the bundle is refused, and the sentence says how to start from it all the same.
func TestTakingTheClinicsBundleIntoAPracticeBegunSaysHowToStart(t *testing.T) {
	cheapBundles(t)
	clinic := transferPractice(t, "clinic", nil)
	testkit.CreateClient(t, clinic, "Maria", "Lopez")
	laptop := transferPractice(t, "laptop", nil)
	testkit.CreatePractitioner(t, laptop, "Anna Field", "")
	m := transferWindow(t, laptop)
	bringThroughDialog(t, m, engineBundle(t, clinic, true, "Clinic PC"), testBundlePass)
	waitFor(t, "the refusal", func() bool { return strings.Contains(shownText(m.win), "not applied") })
	shot(t, m.win, "transfer-refused-practice-begun")
	said := shownText(m.win)
	for _, want := range []string{"made by another practice", "Nothing was changed", "start a new practice with File › New database…"} {
		if !strings.Contains(said, want) {
			t.Errorf("the refusal does not say %q: %q", want, said)
		}
	}
	if clientTotal(t, laptop) != 0 {
		t.Errorf("a refused bundle brought clients")
	}
}
