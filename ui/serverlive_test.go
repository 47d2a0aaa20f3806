package ui

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	nlstore "needlelog.app/needlelog/store"
)

// TestAClientAddedOnAnotherPCShowsThroughTheServer: the server's own notifications, through the
// store's Watch, bring another PC's new client into this PC's list, and another PC's change to
// the client open here onto their page. The changes are handed to the window on the test's
// goroutine, as the UI goroutine would take them, so that the test driver runs them in order.
func TestAClientAddedOnAnotherPCShowsThroughTheServer(t *testing.T) {
	a := test.NewTempApp(t)
	old := liveDelay
	liveDelay = 0
	t.Cleanup(func() { liveDelay = old })
	addr := testkit.Postgres(t)
	here := openServerTestPractice(t, addr)
	there := secondPC(t, addr)
	ctx := context.Background()
	first := data.Client{FirstName: "Beatrix", LastName: "Ng"}
	if err := there.store.CreateClient(ctx, &first); err != nil {
		t.Fatal(err)
	}

	// The server's changes, as this PC's store says them.
	said := make(chan nlstore.Change, 1000)
	watchCtx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	go watcherOf(here.store).Watch(watchCtx, func(c nlstore.Change) { said <- c }) //nolint:errcheck // ends with the test
	relay := newFakeWatcher()
	here.watcher = relay
	m := newMainWindowWith(a, here, false)
	if err := m.update(ctx); err != nil {
		t.Fatal(err)
	}
	awaitChange := func(want func(nlstore.Change) bool) time.Duration {
		t.Helper()
		start := time.Now()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case c := <-said:
				relay.say(c)
				if want(c) {
					return time.Since(start)
				}
			case <-timeout:
				t.Fatal("the server said no such change within 10 s")
			}
		}
	}
	awaitChange(func(c nlstore.Change) bool { return c.All }) // listening
	if len(m.list.clients) != 1 {
		t.Fatalf("this PC's list before: %+v", m.list.clients)
	}
	m.list.list.Select(0)
	if err := m.page.update(ctx, first.ID); err != nil {
		t.Fatal(err)
	}

	added := data.Client{FirstName: "Aaron", LastName: "Ng"}
	if err := there.store.CreateClient(ctx, &added); err != nil {
		t.Fatal(err)
	}
	took := awaitChange(func(c nlstore.Change) bool { return c.Kind == "client" && c.ClientID == added.ID })
	t.Logf("the other PC's new client was said here %s after its save returned", took)
	if len(m.list.clients) != 2 || m.list.clients[0].ID != added.ID {
		t.Fatalf("this PC's list after the other PC's new client: %+v", m.list.clients)
	}

	b, err := there.store.Client(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	b.Allergies = []string{"Nickel"}
	if err := there.store.UpdateClient(ctx, &b); err != nil {
		t.Fatal(err)
	}
	awaitChange(func(c nlstore.Change) bool { return c.Kind == "client" && c.ClientID == first.ID })
	if m.current.ID != first.ID {
		t.Fatalf("the client chosen here changed to %q", m.current.ID)
	}
	if text := allText(m.page.content()); !strings.Contains(text, "Allergies: Nickel") {
		t.Fatalf("the open client page was not read again:\n%s", text)
	}
}

// TestTheArchiveOfAServerPracticeIsWrittenOnThisPC: File › Export › Complete archive… on a
// practice on the clinic's server writes the same archive as a file's, from a copy made on this
// PC: the database, the client's photo and the manifest.
func TestTheArchiveOfAServerPracticeIsWrittenOnThisPC(t *testing.T) {
	a := test.NewTempApp(t)
	p := openServerTestPractice(t, testkit.Postgres(t))
	s := p.store
	c := data.Client{FirstName: "Nora", LastName: "Lens", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, "IMG_0001.jpg",
		phototest.NoisyJPEG(t, 96, 64, 1, 40), testkit.Now)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	dir := t.TempDir()
	a.Preferences().SetString(prefLastFolder, dir)

	exportArchive(a, w, s)
	saveAs(t, w, "clinic archive.zip")
	out := filepath.Join(dir, "clinic archive.zip")
	waitFor(t, "the archive", func() bool { _, err := os.Stat(out); return err == nil })
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var db, photo, manifest bool
	for name := range testkit.ZipFiles(t, b) {
		db = db || strings.HasSuffix(name, ".db")
		photo = photo || strings.HasSuffix(name, ".jpg")
		manifest = manifest || strings.Contains(strings.ToLower(name), "manifest")
	}
	if !db || !photo || !manifest {
		t.Fatalf("the archive of the server practice lacks its database (%v), photo (%v) or manifest (%v): %v",
			db, photo, manifest, slices.Collect(maps.Keys(testkit.ZipFiles(t, b))))
	}
}
