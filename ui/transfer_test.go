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
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/internal/testkit"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/transfer"
)

const testBundlePass = "carried on a stick to the clinic"

// cheapBundles makes bundles' passphrases quick to check, for tests only.
func cheapBundles(t *testing.T) {
	old := transfer.ScryptWorkFactor
	transfer.ScryptWorkFactor = 10
	t.Cleanup(func() { transfer.ScryptWorkFactor = old })
}

// transferPractice opens a practice of its own in a new folder, its clock at clock.
func transferPractice(t *testing.T, name string, clock *testkit.Clock) *sqlite.Store {
	t.Helper()
	var now func() time.Time
	if clock != nil {
		now = clock.Now
	}
	return sqlitetest.OpenStoreAt(t, filepath.Join(t.TempDir(), name+".db"), now)
}

// engineBundle makes a bundle of st with the engine, as the other computer would.
func engineBundle(t *testing.T, st ondisk.CopyStore, full bool, device string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "week.nlbundle")
	if _, err := ondisk.MakeBundle(context.Background(), st, path, ondisk.BundleOptions{
		Lock: transfer.Lock{Passphrase: testBundlePass}, Full: full, DeviceName: device}); err != nil {
		t.Fatalf("make a bundle of %s: %v", device, err)
	}
	return path
}

// transferItem finds an item of File › Transfer.
func transferItem(t *testing.T, w fyne.Window, label string) *fyne.MenuItem {
	t.Helper()
	tr := menuItemLabelled(t, w, "Transfer")
	if tr.ChildMenu == nil {
		t.Fatal("File › Transfer has no submenu")
	}
	for _, it := range tr.ChildMenu.Items {
		if it.Label == label {
			return it
		}
	}
	t.Fatalf("no %q in File › Transfer", label)
	return nil
}

// transferWindow is a main window over st at 1280×800.
func transferWindow(t *testing.T, st *sqlite.Store) *mainWindow {
	t.Helper()
	a := test.NewTempApp(t)
	m := newMainWindow(a, st)
	m.win.Resize(fyne.NewSize(1280, 800))
	if err := m.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m
}

// bringThroughDialog brings the bundle at path back through the passphrase dialog, typing pass.
func bringThroughDialog(t *testing.T, m *mainWindow, path, pass string) {
	t.Helper()
	if it := transferItem(t, m.win, "Bring records back…"); it.Disabled {
		t.Fatal("Bring records back… is disabled")
	}
	m.askBundlePassphrase(path)
	fillOverlay(t, m.win, pass)
	tapButton(t, m.win, "Bring them in")
}

func clientTotal(t *testing.T, st *sqlite.Store) int64 {
	t.Helper()
	n, err := st.ClientTotal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A laptop that holds no practice yet brings the clinic's bundle of everything back through
// File › Transfer: the summary says where it came from and what came in, and the clients are there.
func TestBringRecordsBackMakesTheLaptopFromTheClinicsBundle(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	clinic := transferPractice(t, "clinic", nil)
	if _, err := demo.Generate(ctx, clinic, demo.Options{Clients: 6, Sessions: 14, Seed: 3, PhotoClients: -1}); err != nil {
		t.Fatal(err)
	}
	path := engineBundle(t, clinic, true, "Clinic PC")
	laptop := transferPractice(t, "laptop", nil)
	m := transferWindow(t, laptop)

	bringThroughDialog(t, m, path, testBundlePass)
	waitFor(t, "the summary", func() bool { return strings.Contains(shownText(m.win), "Records taken in") })
	shot(t, m.win, "transfer-brought-back")
	said := shownText(m.win)
	for _, want := range []string{"From Clinic PC, made ", " new records (6 clients, ", "now holds its own copy of the practice"} {
		if !strings.Contains(said, want) {
			t.Errorf("the summary does not say %q: %q", want, said)
		}
	}
	if strings.Contains(said, "conflict") {
		t.Errorf("a first bundle speaks of conflicts: %q", said)
	}
	if got, want := clientTotal(t, laptop), clientTotal(t, clinic); got != want || want == 0 {
		t.Errorf("the laptop holds %d clients after the bundle, the clinic %d", got, want)
	}
	if m.total != clientTotal(t, clinic) {
		t.Errorf("the window counts %d clients after the bundle", m.total)
	}

	// The same bundle again changes nothing, and says so.
	closeOverlays(m.win)
	head, _ := laptop.AuditHead(ctx)
	bringThroughDialog(t, m, path, testBundlePass)
	waitFor(t, "the second summary", func() bool { return strings.Contains(shownText(m.win), "Records brought back") })
	if said := shownText(m.win); !strings.Contains(said, "this bundle was brought in before, so nothing was changed") {
		t.Errorf("the same bundle again says %q", said)
	}
	if after, _ := laptop.AuditHead(ctx); after != head {
		t.Error("the same bundle again wrote to the audit log")
	}
}

// A wrong passphrase, a damaged bundle and another practice's bundle are each said in one
// sentence, and change nothing.
func TestBringRecordsBackRefusesWithASentenceAndChangesNothing(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	clinic := transferPractice(t, "clinic", nil)
	testkit.CreateClient(t, clinic, "Maria", "Lopez")
	good := engineBundle(t, clinic, true, "Clinic PC")
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(t.TempDir(), "damaged.nlbundle")
	bad := append([]byte(nil), raw...)
	bad[len(bad)/2] ^= 0x20
	if err := os.WriteFile(damaged, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.nlbundle")
	if err := os.WriteFile(cut, raw[:len(raw)*2/3], 0o600); err != nil {
		t.Fatal(err)
	}
	other := transferPractice(t, "other", nil)
	testkit.CreateClient(t, other, "Paul", "Elsewhere")
	otherBundle := engineBundle(t, other, true, "Other clinic")

	for _, tc := range []struct {
		name, path, pass, want string
		again                  bool // the passphrase is asked again
	}{
		{"wrong passphrase", good, "not the passphrase at all", "This passphrase does not open the bundle", true},
		{"one byte flipped", damaged, testBundlePass, "The bundle is damaged or incomplete", false},
		{"cut off", cut, testBundlePass, "The bundle is damaged or incomplete", false},
		{"another practice's", otherBundle, testBundlePass, "made by another practice", false},
		{"this computer's own", "", testBundlePass, "made by this very copy of the practice", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The clinic's own practice, holding Maria: another practice's bundle must not land in it.
			target := transferPractice(t, "target", nil)
			testkit.CreateClient(t, target, "Ann", "Here")
			m := transferWindow(t, target)
			if tc.path == "" {
				tc.path = engineBundle(t, target, true, "Front desk PC")
			}
			head, _ := target.AuditHead(ctx)
			bringThroughDialog(t, m, tc.path, tc.pass)
			waitFor(t, "the refusal", func() bool { return strings.Contains(shownText(m.win), tc.want) })
			said := shownText(m.win)
			shot(t, m.win, "transfer-refused-"+strings.ReplaceAll(tc.name, " ", "-"))
			if !strings.Contains(said, "Nothing was changed") {
				t.Errorf("the refusal does not say nothing was changed: %q", said)
			}
			if got := strings.Contains(said, "Bring them in"); got != tc.again {
				t.Errorf("the passphrase asked again: %v, want %v: %q", got, tc.again, said)
			}
			if n := clientTotal(t, target); n != 1 {
				t.Errorf("the practice holds %d clients after a refused bundle", n)
			}
			if after, _ := target.AuditHead(ctx); after != head {
				t.Errorf("a refused bundle wrote to the audit log: %v → %v", head, after)
			}
		})
	}
}

// conflictFixture is the clinic after the laptop's week came back, Maria's phone changed on both
// sides: the laptop's later change in the record, the clinic's kept as a conflict.
type conflictFixture struct {
	clinic, laptop *sqlite.Store
	maria          data.Client
	m              *mainWindow
}

func newConflictFixture(t *testing.T) *conflictFixture {
	t.Helper()
	ctx := context.Background()
	clinicClock := testkit.NewClock()
	clinic := transferPractice(t, "clinic", clinicClock)
	maria := testkit.CreateClient(t, clinic, "Maria", "Lopez")
	laptopClock := &testkit.Clock{T: clinicClock.T.Add(time.Hour)}
	laptop := transferPractice(t, "laptop", laptopClock)
	if _, err := ondisk.ApplyBundle(ctx, laptop, engineBundle(t, clinic, true, "Clinic PC"), ondisk.ApplyOptions{
		Unlock: transfer.Unlock{Passphrase: testBundlePass}, New: true, DeviceName: "Anna's laptop"}); err != nil {
		t.Fatal(err)
	}
	clinicClock.Advance(24 * time.Hour)
	c, _ := clinic.Client(ctx, maria.ID)
	c.Phone = "07700 900222"
	if err := clinic.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	laptopClock.Advance(48 * time.Hour)
	l, _ := laptop.Client(ctx, maria.ID)
	l.Phone = "07700 900333"
	if err := laptop.UpdateClient(ctx, &l); err != nil {
		t.Fatal(err)
	}
	tom := testkit.ValidClient()
	tom.FirstName, tom.LastName = "Tom", "Field"
	if err := laptop.CreateClient(ctx, &tom); err != nil {
		t.Fatal(err)
	}
	path := engineBundle(t, laptop, false, "Anna's laptop")
	m := transferWindow(t, clinic)
	bringThroughDialog(t, m, path, testBundlePass)
	waitFor(t, "the summary", func() bool { return strings.Contains(shownText(m.win), "Records brought back") })
	return &conflictFixture{clinic: clinic, laptop: laptop, maria: maria, m: m}
}

// The laptop's week comes back with Maria's phone changed on both sides: the summary says there is
// a conflict, the Conflicts view shows both phones in words, and keeping this computer's puts the
// clinic's number back in the record and takes the conflict off the list and the window's notices.
func TestConflictsViewSettlesAPhoneChangedOnBothSides(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	fx := newConflictFixture(t)
	m := fx.m
	said := shownText(m.win)
	shot(t, m.win, "transfer-summary-conflict")
	for _, want := range []string{"From Anna's laptop, made ", "1 new record", "1 changed", "1 conflict to settle"} {
		if !strings.Contains(said, want) {
			t.Errorf("the summary does not say %q: %q", want, said)
		}
	}
	if !strings.Contains(m.openConflicts, "1 conflict from Anna's laptop to settle") {
		t.Errorf("the window's notice says %q", m.openConflicts)
	}
	tapButton(t, m.win, "Settle the conflicts…")
	waitFor(t, "the conflicts", func() bool { return strings.Contains(shownText(m.win), "Phone") })
	shot(t, m.win, "transfer-conflicts")
	said = shownText(m.win)
	for _, want := range []string{"Maria Lopez · Client details", "Phone", "This computer 07700 900222", "Anna's laptop 07700 900333",
		"The record holds Anna's laptop's value now."} {
		if !strings.Contains(said, want) {
			t.Errorf("the Conflicts view does not say %q: %q", want, said)
		}
	}
	tapButton(t, m.win, "Keep this computer's")
	waitFor(t, "the conflict settled", func() bool { return strings.Contains(shownText(m.win), "Nothing to settle") })
	shot(t, m.win, "transfer-conflicts-settled")
	if c, err := fx.clinic.Client(ctx, fx.maria.ID); err != nil || c.Phone != "07700 900222" {
		t.Errorf("Maria's phone after keeping this computer's: %q %v", c.Phone, err)
	}
	if open, err := ondisk.Conflicts(ctx, fx.clinic, true); err != nil || len(open) != 0 {
		t.Errorf("conflicts still open: %+v %v", open, err)
	}
	if m.openConflicts != "" {
		t.Errorf("the window still says %q", m.openConflicts)
	}
	// The settled one shows again, said as settled, when asked for.
	closeOverlays(m.win)
	settled := m.showConflicts()
	settled.settled.SetChecked(true)
	waitFor(t, "the settled conflict", func() bool { return strings.Contains(shownText(m.win), "Settled: this computer's value kept") })
	if strings.Contains(shownText(m.win), "Keep this computer's") {
		t.Errorf("a settled conflict offers to be settled again: %q", shownText(m.win))
	}
}

// Keeping the other computer's value where the record holds this one's writes it.
func TestConflictsViewKeepsTheOtherComputersValue(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	fx := newConflictFixture(t)
	closeOverlays(fx.m.win)
	fx.m.showConflicts()
	// The record holds the laptop's; keeping it settles the conflict with the number unchanged.
	tapButton(t, fx.m.win, "Keep Anna's laptop's")
	if c, err := fx.clinic.Client(ctx, fx.maria.ID); err != nil || c.Phone != "07700 900333" {
		t.Errorf("Maria's phone after keeping the laptop's: %q %v", c.Phone, err)
	}
	if open, _ := ondisk.Conflicts(ctx, fx.clinic, true); len(open) != 0 {
		t.Errorf("conflicts still open: %+v", open)
	}
}

// Take records on the road: the form says what is wrong with a passphrase beside it, then makes
// a bundle the other computer can bring in, and says what to do with it.
func TestTakeRecordsOnTheRoadMakesABundle(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	clinic := transferPractice(t, "clinic", nil)
	testkit.CreateClient(t, clinic, "Maria", "Lopez")
	if err := clinic.SetSetting(ctx, "device.name", "Front desk PC"); err != nil {
		t.Fatal(err)
	}
	m := transferWindow(t, clinic)
	dir := t.TempDir()
	m.app.Preferences().SetString(prefLastFolder, dir)
	it := transferItem(t, m.win, "Take records on the road…")
	if it.Disabled {
		t.Fatal("Take records on the road… is disabled")
	}
	it.Action()
	shot(t, m.win, "transfer-take-form")
	said := shownText(m.win)
	for _, want := range []string{"Everything (a laptop that has no copy yet)", "needlelog from Front desk PC "} {
		if !strings.Contains(said, want) {
			t.Errorf("the form does not show %q: %q", want, said)
		}
	}
	fields := overlayFields(m.win)
	if len(fields) != 4 || fields[1].Text != "Front desk PC" {
		t.Fatalf("the form's fields: %d, this computer's name %q", len(fields), fields[1].Text)
	}
	fillOverlay(t, m.win, "road.nlbundle", "Front desk PC", "short", "short")
	tapButton(t, m.win, "Make the bundle")
	if said := shownText(m.win); !strings.Contains(said, "The passphrase has 5 characters") {
		t.Errorf("a short passphrase is not said: %q", said)
	}
	if _, err := os.Stat(filepath.Join(dir, "road.nlbundle")); !os.IsNotExist(err) {
		t.Errorf("a bundle was written with a short passphrase: %v", err)
	}
	fillOverlay(t, m.win, "road", "Front desk PC", testBundlePass, testBundlePass)
	tapButton(t, m.win, "Make the bundle")
	waitFor(t, "the bundle made", func() bool { return strings.Contains(shownText(m.win), "Bundle made") })
	shot(t, m.win, "transfer-bundle-made")
	said = shownText(m.win)
	for _, want := range []string{"everything this practice holds", "\"Start from the clinic's bundle…\" when Needlelog opens there", "Bring records back… there"} {
		if !strings.Contains(said, want) {
			t.Errorf("the result does not say %q: %q", want, said)
		}
	}
	path := filepath.Join(dir, "road.nlbundle")
	laptop := transferPractice(t, "laptop", nil)
	res, err := ondisk.ApplyBundle(ctx, laptop, path, ondisk.ApplyOptions{Unlock: transfer.Unlock{Passphrase: testBundlePass}, New: true})
	if err != nil || res.DeviceName != "Front desk PC" {
		t.Fatalf("the bundle made in the app does not apply: %+v %v", res, err)
	}
	if n := clientTotal(t, laptop); n != 1 {
		t.Errorf("the laptop holds %d clients from the bundle", n)
	}
}

// In a practice open read-only, taking and bringing records are not offered; the conflicts are.
func TestTransferInAReadOnlyPractice(t *testing.T) {
	a := test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "practice.db")
	st := sqlitetest.OpenStoreAt(t, path, nil)
	st.Close()
	ro, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	m := newMainWindow(a, ro)
	for _, label := range []string{"Take records on the road…", "Bring records back…"} {
		if !transferItem(t, m.win, label).Disabled {
			t.Errorf("%s is offered read-only", label)
		}
	}
	if transferItem(t, m.win, "Conflicts…").Disabled {
		t.Error("the conflicts cannot be read read-only")
	}
}

// Cancel while a bundle is made leaves no file; Cancel while one is brought back changes nothing.
func TestCancelledTransferLeavesNothing(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	clinic := transferPractice(t, "clinic", nil)
	if _, err := demo.Generate(ctx, clinic, demo.Options{Clients: 4, Sessions: 8, Seed: 2, PhotoClients: -1}); err != nil {
		t.Fatal(err)
	}
	m := transferWindow(t, clinic)
	dir := t.TempDir()
	m.app.Preferences().SetString(prefLastFolder, dir)
	pressCancel := func(w fyne.Window, name string) {
		afterTransferStep = func() {
			afterTransferStep = nil
			shot(t, w, name)
			tapButton(t, w, "Cancel")
		}
	}
	t.Cleanup(func() { afterTransferStep = nil })

	m.takeOnTheRoad()
	fillOverlay(t, m.win, "road", "Clinic PC", testBundlePass, testBundlePass)
	pressCancel(m.win, "transfer-progress-take")
	tapButton(t, m.win, "Make the bundle")
	waitFor(t, "the bundle cancelled", func() bool { return strings.Contains(shownText(m.win), "No bundle was written") })
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("a cancelled bundle left %d files: %v", len(left), left[0].Name())
	}
	closeOverlays(m.win)

	laptop := transferPractice(t, "laptop", nil)
	lm := transferWindow(t, laptop)
	head, _ := laptop.AuditHead(ctx)
	pressCancel(lm.win, "transfer-progress-bring")
	bringThroughDialog(t, lm, engineBundle(t, clinic, true, "Clinic PC"), testBundlePass)
	waitFor(t, "bringing back cancelled", func() bool { return strings.Contains(shownText(lm.win), "Nothing was changed") })
	if n := clientTotal(t, laptop); n != 0 {
		t.Errorf("a cancelled bundle brought %d clients", n)
	}
	if after, _ := laptop.AuditHead(ctx); after != head {
		t.Errorf("a cancelled bundle wrote to the audit log")
	}
}

// The Conflicts view words each kind of conflict, and offers Seen where both were kept: a
// look at its layout with conflicts of several kinds, at 1280×800 and 1440×900.
func TestConflictsViewLaysOutEachKind(t *testing.T) {
	st := transferPractice(t, "clinic", nil)
	m := transferWindow(t, st)
	v := m.showConflicts()
	long := strings.Repeat("Client prefers morning visits and asked for the aftercare sheet by email. ", 6)
	v.groups = []conflictGroup{
		{title: "Maria Lopez · Session of 5 Dec 2026, 10:00", conflicts: []ondisk.Conflict{
			{ID: "1", Entity: "session", Field: "zones", Kept: "theirs", DeviceName: "Anna's laptop", FoundAt: "2026-12-07T22:48:00Z",
				Ours:   `[{"zone":"Forehead","depth_mm":0.5,"passes":3},{"zone":"Cheeks","depth_mm":1,"passes":2}]`,
				Theirs: `[{"zone":"Forehead","depth_mm":0.75,"passes":3}]`},
			{ID: "2", Entity: "session", Field: "notes", Kept: "ours", DeviceName: "Anna's laptop", FoundAt: "2026-12-07T22:48:00Z", Ours: `"` + long + `"`, Theirs: `null`},
			{ID: "3", Entity: "session", Field: "amendment", Kept: "both", DeviceName: "Anna's laptop", FoundAt: "2026-12-07T22:48:00Z",
				Ours:   `[{"at":"2026-12-05T10:00:00Z","reason":"Depth corrected"}]`,
				Theirs: `[{"at":"2026-12-05T11:00:00Z","reason":"Aftercare note added"}]`},
		}},
		{title: "Practice settings", conflicts: []ondisk.Conflict{
			{ID: "4", Entity: "setting", Field: "clinic.phone", Kept: "theirs", DeviceName: "Anna's laptop", FoundAt: "2026-12-07T22:48:00Z", Ours: `"01 234 5678"`, Theirs: `"01 234 9999"`},
		}},
		{title: "Paul Gone · Client details", conflicts: []ondisk.Conflict{
			{ID: "5", Entity: "client", Field: "deleted", Kept: "ours", DeviceName: "Anna's laptop", FoundAt: "2026-12-07T22:48:00Z", Ours: `"holds 2 signed sessions here"`, Theirs: `"deleted there"`},
		}},
	}
	v.show()
	said := shownText(m.win)
	for _, want := range []string{"Treated zones", "2 entries: Forehead (0.5 mm, 3 passes); Cheeks (1 mm, 2 passes)", "(none)",
		"Amendments", "Both were kept", "Seen", "Clinic phone", "Deleted on one side", "deleted there",
		"The record stays here as this computer has it."} {
		if !strings.Contains(said, want) {
			t.Errorf("the view does not say %q: %q", want, said)
		}
	}
	shot(t, m.win, "transfer-conflicts-kinds-1280")
	// A deletion cannot be undone by a pick: it is seen, as amendments kept on both sides are.
	if n := strings.Count(strings.Join(overlayButtons(m.win), "|"), "Seen"); n != 2 {
		t.Errorf("%d Seen buttons: %q", n, overlayButtons(m.win))
	}
	v.scroll.ScrollToBottom()
	shot(t, m.win, "transfer-conflicts-kinds-1280-end")
	m.win.Resize(fyne.NewSize(1440, 900))
	shot(t, m.win, "transfer-conflicts-kinds-1440")
}

// Once a laptop's bundle came in, taking records on the road offers what that laptop may lack,
// and the bundle made so carries only that.
func TestTakeRecordsOnTheRoadForAKnownLaptop(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	fx := newConflictFixture(t)
	m := fx.m
	closeOverlays(m.win)
	dir := t.TempDir()
	m.app.Preferences().SetString(prefLastFolder, dir)
	m.takeOnTheRoad()
	shot(t, m.win, "transfer-take-form-known-laptop")
	var carry *widget.RadioGroup
	walk(m.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok {
			carry = r
		}
	})
	if carry == nil || carry.Selected != "What Anna's laptop may lack" || len(carry.Options) != 2 {
		t.Fatalf("the choices of what to carry: %+v", carry)
	}
	fields := overlayFields(m.win)
	fillOverlay(t, m.win, fields[0].Text, "Clinic PC", testBundlePass, testBundlePass)
	tapButton(t, m.win, "Make the bundle")
	waitFor(t, "the bundle made", func() bool { return strings.Contains(shownText(m.win), "Bundle made") })
	if said := shownText(m.win); !strings.Contains(said, "what the other computer may lack") {
		t.Errorf("the result does not say it carries what the laptop lacks: %q", said)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 1 || !strings.HasSuffix(left[0].Name(), bundleExt) {
		t.Fatalf("the folder holds %v", left)
	}
	res, err := ondisk.ApplyBundle(ctx, fx.laptop, filepath.Join(dir, left[0].Name()), ondisk.ApplyOptions{Unlock: transfer.Unlock{Passphrase: testBundlePass}})
	if err != nil || res.DeviceName != "Clinic PC" || len(res.Conflicts) != 0 {
		t.Fatalf("the laptop brings the clinic's bundle in: %+v %v", res, err)
	}
}

// A client deleted on the laptop while the clinic changed them stays at the clinic: the Conflicts
// view says so and offers only Seen, which settles it with the client still there.
func TestConflictsViewSeesADeletionThatDidNotHappen(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	clinicClock := testkit.NewClock()
	clinic := transferPractice(t, "clinic", clinicClock)
	paul := testkit.CreateClient(t, clinic, "Paul", "Stays")
	laptopClock := &testkit.Clock{T: clinicClock.T.Add(time.Hour)}
	laptop := transferPractice(t, "laptop", laptopClock)
	if _, err := ondisk.ApplyBundle(ctx, laptop, engineBundle(t, clinic, true, "Clinic PC"), ondisk.ApplyOptions{
		Unlock: transfer.Unlock{Passphrase: testBundlePass}, New: true, DeviceName: "Anna's laptop"}); err != nil {
		t.Fatal(err)
	}
	laptopClock.Advance(24 * time.Hour)
	if err := laptop.DeleteClient(ctx, paul.ID, "Entered twice"); err != nil {
		t.Fatal(err)
	}
	clinicClock.Advance(48 * time.Hour)
	c, _ := clinic.Client(ctx, paul.ID)
	c.Phone = "07700 900444"
	if err := clinic.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	m := transferWindow(t, clinic)
	bringThroughDialog(t, m, engineBundle(t, laptop, false, "Anna's laptop"), testBundlePass)
	waitFor(t, "the summary", func() bool { return strings.Contains(shownText(m.win), "Records brought back") })
	tapButton(t, m.win, "Settle the conflicts…")
	said := shownText(m.win)
	for _, want := range []string{"Paul Stays · Client details", "Deleted on one side", "changed here after", "deleted there",
		"The record stays here as this computer has it."} {
		if !strings.Contains(said, want) {
			t.Errorf("the Conflicts view does not say %q: %q", want, said)
		}
	}
	if strings.Contains(said, "Keep this computer's") {
		t.Errorf("a deletion is offered a pick: %q", said)
	}
	tapButton(t, m.win, "Seen")
	waitFor(t, "the conflict seen", func() bool { return strings.Contains(shownText(m.win), "Nothing to settle") })
	if _, err := clinic.Client(ctx, paul.ID); err != nil {
		t.Errorf("Paul after the conflict was seen: %v", err)
	}
	if open, _ := ondisk.Conflicts(ctx, clinic, true); len(open) != 0 {
		t.Errorf("conflicts still open: %+v", open)
	}
}

// A practice list's entry changed on both sides is named in the Conflicts view by its name.
func TestConflictsViewNamesAListEntry(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	clinicClock := testkit.NewClock()
	clinic := transferPractice(t, "clinic", clinicClock)
	zones, err := clinic.Zones(ctx, false)
	if err != nil || len(zones) == 0 {
		t.Fatalf("the practice's zones: %v %v", zones, err)
	}
	laptopClock := &testkit.Clock{T: clinicClock.T.Add(time.Hour)}
	laptop := transferPractice(t, "laptop", laptopClock)
	if _, err := ondisk.ApplyBundle(ctx, laptop, engineBundle(t, clinic, true, "Clinic PC"), ondisk.ApplyOptions{
		Unlock: transfer.Unlock{Passphrase: testBundlePass}, New: true, DeviceName: "Anna's laptop"}); err != nil {
		t.Fatal(err)
	}
	z := zones[0]
	clinicClock.Advance(24 * time.Hour)
	z.WarnAbove = zones[0].WarnAbove + 0.25
	if err := clinic.SaveZone(ctx, &z); err != nil {
		t.Fatal(err)
	}
	laptopClock.Advance(48 * time.Hour)
	lz := zones[0]
	lz.WarnAbove = zones[0].WarnAbove + 0.5
	if err := laptop.SaveZone(ctx, &lz); err != nil {
		t.Fatal(err)
	}
	m := transferWindow(t, clinic)
	bringThroughDialog(t, m, engineBundle(t, laptop, false, "Anna's laptop"), testBundlePass)
	waitFor(t, "the summary", func() bool { return strings.Contains(shownText(m.win), "Records brought back") })
	closeOverlays(m.win)
	m.showConflicts()
	said := shownText(m.win)
	for _, want := range []string{"Zone · " + z.Name, "Warn above"} {
		if !strings.Contains(said, want) {
			t.Errorf("the Conflicts view does not say %q: %q", want, said)
		}
	}
}

// The clinic's practice on its PostgreSQL server brings a laptop's week back through the app the
// same way: the summary, the conflict, and the clinic's value kept on the server.
func TestBringRecordsBackToTheClinicsServer(t *testing.T) {
	cheapBundles(t)
	ctx := context.Background()
	a := test.NewTempApp(t)
	p := openServerTestPractice(t, testkit.Postgres(t))
	server := p.store.(ondisk.CopyStore)
	maria := testkit.CreateClient(t, p.store, "Maria", "Lopez")
	laptop := transferPractice(t, "laptop", nil)
	if _, err := ondisk.ApplyBundle(ctx, laptop, engineBundle(t, server, true, "Clinic server"), ondisk.ApplyOptions{
		Unlock: transfer.Unlock{Passphrase: testBundlePass}, New: true, DeviceName: "Anna's laptop"}); err != nil {
		t.Fatal(err)
	}
	c, _ := p.store.Client(ctx, maria.ID)
	c.Phone = "07700 900222"
	if err := p.store.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // the laptop's change is the later one, by the wall clock both read
	l, _ := laptop.Client(ctx, maria.ID)
	l.Phone = "07700 900333"
	if err := laptop.UpdateClient(ctx, &l); err != nil {
		t.Fatal(err)
	}
	m := newMainWindowWith(a, p, false)
	m.win.Resize(fyne.NewSize(1280, 800))
	if err := m.update(ctx); err != nil {
		t.Fatal(err)
	}
	bringThroughDialog(t, m, engineBundle(t, laptop, false, "Anna's laptop"), testBundlePass)
	waitFor(t, "the summary", func() bool { return strings.Contains(shownText(m.win), "Records brought back") })
	if said := shownText(m.win); !strings.Contains(said, "From Anna's laptop") || !strings.Contains(said, "1 conflict to settle") {
		t.Errorf("the summary on the server: %q", said)
	}
	tapButton(t, m.win, "Settle the conflicts…")
	tapButton(t, m.win, "Keep this computer's")
	waitFor(t, "the conflict settled", func() bool { return strings.Contains(shownText(m.win), "Nothing to settle") })
	if got, _ := p.store.Client(ctx, maria.ID); got.Phone != "07700 900222" {
		t.Errorf("Maria's phone on the server: %q", got.Phone)
	}
}
