package postgres

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

// waitFor bounds each wait of these tests: generous, as the machine may be busy; no test relies
// on how fast a change arrives.
const waitFor = 30 * time.Second

// clinic is a practice set up by server init, open on two PCs as the application role, sharing a
// photo folder as the PCs of a clinic do.
type clinic struct {
	adminURL    string // the server's superuser, on the practice's database
	o           InitOptions
	appURL      string
	appPassword string
	a, b        *Store
	adminConn   *pgx.Conn
}

func newClinic(t testing.TB) *clinic {
	t.Helper()
	ctx := context.Background()
	server := testkit.Postgres(t) // the administrator's connection; the practice is another database
	name := "nw_" + randomHex()
	o := InitOptions{Database: name, OwnerRole: name + "_owner", AppRole: name + "_app"}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		for _, s := range []string{`DROP DATABASE IF EXISTS ` + ident(o.Database) + ` WITH (FORCE)`,
			`DROP ROLE IF EXISTS ` + ident(o.AppRole), `DROP ROLE IF EXISTS ` + ident(o.OwnerRole)} {
			if _, err := conn.Exec(ctx, s); err != nil {
				t.Errorf("%s: %v", s, err)
			}
		}
	})
	res, err := InitServer(ctx, server, o)
	if err != nil {
		t.Fatalf("server init: %v", err)
	}
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + o.Database
	c := &clinic{adminURL: u.String(), o: o, appURL: res.AppURL, appPassword: res.AppPassword}
	c.a = c.open(t)
	c.b = c.open(t)
	return c
}

// admin is a connection to the practice's database as the server's superuser, until the test
// ends.
func (c *clinic) admin(t testing.TB) *pgx.Conn {
	t.Helper()
	if c.adminConn == nil {
		c.adminConn = c.connect(t)
	}
	return c.adminConn
}

// connect opens a new connection to the practice's database as the server's superuser.
func (c *clinic) connect(t testing.TB) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), c.adminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func (c *clinic) exec(t testing.TB, sql string) {
	t.Helper()
	if _, err := c.admin(t).Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (c *clinic) open(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), c.appURL, Options{Password: c.appPassword})
	if err != nil {
		t.Fatalf("open as the application role: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// watching is a running Watch and the changes it gave, in order.
type watching struct {
	changes chan store.Change
}

// watch runs s.Watch until the test ends, then checks that it returned ctx's error.
func watch(t testing.TB, s *Store) *watching {
	t.Helper()
	w := &watching{changes: make(chan store.Change, 100000)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.Watch(ctx, func(c store.Change) {
			select {
			case w.changes <- c:
			default:
				panic("a test's watcher fell 100000 changes behind")
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Watch returned %v when its context ended, want context.Canceled", err)
			}
		case <-time.After(waitFor):
			t.Errorf("Watch did not return within %s of its context ending", waitFor)
		}
	})
	// Once it listens, it says All (what changed before is not known), and only then.
	select {
	case c := <-w.changes:
		if c != (store.Change{All: true}) {
			t.Fatalf("Watch first said %+v, want All once it listens", c)
		}
	case <-time.After(waitFor):
		t.Fatalf("Watch said nothing within %s of starting, want All once it listens", waitFor)
	}
	return w
}

// await reads changes until one is like want, and returns those read before it.
func (w *watching) await(t testing.TB, want store.Change) []store.Change {
	t.Helper()
	var before []store.Change
	timeout := time.After(waitFor)
	for {
		select {
		case c := <-w.changes:
			if c == want {
				return before
			}
			before = append(before, c)
		case <-timeout:
			t.Fatalf("no change %+v within %s; got %+v", want, waitFor, before)
		}
	}
}

// listeners are the server's process IDs of the live-update connections to the practice.
func (c *clinic) listeners(t testing.TB) []int32 {
	t.Helper()
	rows, err := c.admin(t).Query(context.Background(), `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = $1 AND query LIKE 'LISTEN%'`, listenerName)
	if err != nil {
		t.Fatal(err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatal(err)
	}
	return pids
}

// awaitListeners waits until n connections listen for changes to the practice.
func (c *clinic) awaitListeners(t testing.TB, n int) []int32 {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		pids := c.listeners(t)
		if len(pids) >= n {
			return pids
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d PCs listening for changes after %s", len(pids), n, waitFor)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testJPEG is a small JPEG of its own bytes for each seed.
func testJPEG(t testing.TB, seed int) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range m.Pix {
		m.Pix[i] = uint8(i*7 + seed*31)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Two PCs of a clinic, connected as the application role: what one saves, the other's Watch
// says, with the kind of record and the client's ID; and its own Watch says it too.
func TestWatchSaysWhatAnotherPCSaved(t *testing.T) {
	ctx := context.Background()
	c := newClinic(t)
	onA, onB := watch(t, c.a), watch(t, c.b)
	c.awaitListeners(t, 2)

	client := data.Client{FirstName: "Aoife", LastName: "Byrne", PhotoConsent: data.PhotoConsentClinical}
	if err := c.a.CreateClient(ctx, &client); err != nil {
		t.Fatal(err)
	}
	onB.await(t, store.Change{Kind: "client", ClientID: client.ID})
	onA.await(t, store.Change{Kind: "client", ClientID: client.ID})

	se := testkit.CreateSession(t, c.a, client.ID)
	onB.await(t, store.Change{Kind: "session", ClientID: client.ID})
	se.Notes = "Tolerated well"
	if err := c.a.UpdateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	onB.await(t, store.Change{Kind: "session", ClientID: client.ID})

	testkit.MustImportPhoto(t, c.a, client.ID, data.PhotoTags{SessionID: se.ID, Kind: data.PhotoBefore}, "before.jpg",
		testJPEG(t, 1), testkit.Now)
	onB.await(t, store.Change{Kind: "photo", ClientID: client.ID})

	draft := data.Draft{ClientID: client.ID, Form: []byte("{}")}
	if err := c.b.SaveDraft(ctx, &draft); err != nil {
		t.Fatal(err)
	}
	onA.await(t, store.Change{Kind: "draft", ClientID: client.ID})

	if err := c.a.SetSetting(ctx, data.SettingClinicName, "Harbour Skin Clinic"); err != nil {
		t.Fatal(err)
	}
	onB.await(t, store.Change{Kind: "setting"})
	testkit.CreatePractitioner(t, c.b, "Dr Niamh Walsh", data.RolePractitioner)
	onA.await(t, store.Change{Kind: "list"})
}

// A rolled-back change is never said: the server delivers notifications on commit only.
func TestWatchSaysNothingOfAChangeRolledBack(t *testing.T) {
	ctx := context.Background()
	c := newClinic(t)
	onB := watch(t, c.b)
	c.awaitListeners(t, 1)
	client := testkit.CreateClient(t, c.a, "Rolled", "Back")
	onB.await(t, store.Change{Kind: "client", ClientID: client.ID})

	refused := errors.New("changed my mind")
	err := c.a.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE clients SET notes = 'x' WHERE id = ?`, client.ID); err != nil {
			return err
		}
		return refused
	})
	if !errors.Is(err, refused) {
		t.Fatal(err)
	}
	// A later change arrives, and nothing of the rolled-back one before it.
	if err := c.a.SetSetting(ctx, data.SettingClinicName, "After"); err != nil {
		t.Fatal(err)
	}
	if before := onB.await(t, store.Change{Kind: "setting"}); len(before) != 0 {
		t.Errorf("changes said before the next one: %+v, want none (the other was rolled back)", before)
	}
}

// The listener's connection cut by the server: Watch says Lost once, keeps trying while it
// cannot log in, then says All, and later changes arrive again.
func TestWatchSaysALossOnceAndAllWhenBack(t *testing.T) {
	ctx := context.Background()
	c := newClinic(t)
	onB := watch(t, c.b)
	pids := c.awaitListeners(t, 1)

	admin := c.admin(t)
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1)`, pids[0]); err != nil {
		t.Fatal(err)
	}
	if before := onB.await(t, store.Change{Lost: true}); len(before) != 0 {
		t.Errorf("changes before the loss: %+v", before)
	}
	if before := onB.await(t, store.Change{All: true}); len(before) != 0 {
		t.Errorf("changes between the loss and the return: %+v, want none", before)
	}
	client := testkit.CreateClient(t, c.a, "After", "Return")
	onB.await(t, store.Change{Kind: "client", ClientID: client.ID})

	// Lost for a while: the role may not log in, and the connection is cut again. The retries
	// fail for some seconds; Lost is said once, then All when the role may log in again.
	c.exec(t, `ALTER ROLE `+ident(c.o.AppRole)+` NOLOGIN`)

	pids = c.awaitListeners(t, 1)
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1)`, pids[0]); err != nil {
		t.Fatal(err)
	}
	onB.await(t, store.Change{Lost: true})
	time.Sleep(3 * time.Second) // several failed attempts: 250 ms, 500 ms, 1 s, 2 s
	c.exec(t, `ALTER ROLE `+ident(c.o.AppRole)+` LOGIN`)
	if before := onB.await(t, store.Change{All: true}); len(before) != 0 {
		t.Errorf("changes while the server refused the listener: %+v, want none (Lost is said once)", before)
	}
	client = testkit.CreateClient(t, c.a, "Second", "Return")
	onB.await(t, store.Change{Kind: "client", ClientID: client.ID})
}

// Watch ends with its context, with nothing said but the All of its start, also while it is
// waiting to try again.
func TestWatchEndsWithItsContext(t *testing.T) {
	c := newClinic(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var said []store.Change
	go func() { done <- c.b.Watch(ctx, func(ch store.Change) { said = append(said, ch) }) }()
	c.awaitListeners(t, 1)
	cancel()
	select {
	case err := <-done:
		// The All of its start may or may not have been said before the cancel.
		if !errors.Is(err, context.Canceled) || len(said) > 1 || (len(said) == 1 && said[0] != (store.Change{All: true})) {
			t.Errorf("Watch returned %v having said %+v, want context.Canceled and at most the All of its start", err, said)
		}
	case <-time.After(waitFor):
		t.Fatal("Watch did not return when its context ended")
	}
	// Its connection is closed.
	deadline := time.Now().Add(waitFor)
	for len(c.listeners(t)) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the listening connection is still open after Watch returned")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// An import of 2,000 clients sends a few notifications per transaction, not one per client: the
// other PCs read everything again (All) rather than 2,000 times. One transaction changing
// thousands of rows sends at most eleven.
func TestABigImportSendsFewNotifications(t *testing.T) {
	ctx := context.Background()
	c := newClinic(t)
	onB := watch(t, c.b)
	// What the server sends, counted on a connection of the test's own.
	raw := c.connect(t)
	if _, err := raw.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		t.Fatal(err)
	}
	c.awaitListeners(t, 1)
	// sent is what the server sent until the setting changed next, which marks the end.
	sent := func() []string {
		t.Helper()
		if err := c.a.SetSetting(ctx, data.SettingClinicName, "Marker "+randomHex()); err != nil {
			t.Fatal(err)
		}
		var payloads []string
		waitCtx, cancel := context.WithTimeout(ctx, waitFor)
		defer cancel()
		for {
			n, err := raw.WaitForNotification(waitCtx)
			if err != nil {
				t.Fatalf("after %d notifications: %v", len(payloads), err)
			}
			if n.Payload == "setting " {
				return payloads
			}
			payloads = append(payloads, n.Payload)
		}
	}

	const clients = 2000
	var csv strings.Builder
	csv.WriteString("First name,Last name\n")
	for i := range clients {
		fmt.Fprintf(&csv, "Imported%04d,Client\n", i)
	}
	res, _, err := c.a.ImportClientsCSV(ctx, strings.NewReader(csv.String()))
	if err != nil || res.Imported != clients {
		t.Fatalf("import: %+v, %v", res, err)
	}
	payloads := sent()
	t.Logf("%d clients imported: %d notifications, %d of them \"all\"", clients, len(payloads), count(payloads, allChanged))
	if len(payloads) > clients/10 || !slices.Contains(payloads, allChanged) {
		t.Errorf("an import of %d clients sent %d notifications (%d of them \"all\"), want at most %d and an \"all\"",
			clients, len(payloads), count(payloads, allChanged), clients/10)
	}
	onB.await(t, store.Change{All: true})

	// One transaction: every client changed, and a session saved for one.
	client := testkit.CreateClient(t, c.a, "One", "Transaction")
	sent()
	err = c.a.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE clients SET notes = 'Moved to the new building', version = version + 1`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	payloads = sent()
	if len(payloads) != 11 || payloads[10] != allChanged {
		t.Errorf("a transaction changing %d clients sent %q, want ten changes and \"all\"", clients+1, payloads)
	}
	testkit.CreateSession(t, c.a, client.ID)
	if payloads := sent(); len(payloads) > 3 || !slices.Contains(payloads, "session "+client.ID) {
		t.Errorf("a session saved sent %q, want the session and at most the client and its draft", payloads)
	}
}

func count(s []string, v string) (n int) {
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

// BenchmarkWatchLatency is the time from a change's commit on one PC to the other PC's Watch
// saying it, over the test server (local).
func BenchmarkWatchLatency(b *testing.B) {
	ctx := context.Background()
	c := newClinic(b)
	at := make(chan time.Time, 1)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go c.b.Watch(wctx, func(ch store.Change) { //nolint:errcheck // ends with the benchmark
		if ch.Kind == "setting" {
			at <- time.Now()
		}
	})
	for len(c.listeners(b)) == 0 {
		time.Sleep(20 * time.Millisecond)
	}
	var took []time.Duration
	b.ResetTimer()
	for i := range b.N {
		var committing time.Time
		err := c.a.InTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('bench.latency', ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, []byte(fmt.Sprint(i)))
			committing = time.Now()
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, (<-at).Sub(committing))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "µs-median")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds()), "µs-p95")
}
