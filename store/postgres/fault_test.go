//go:build unix

package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/postgres"
)

// driverWords are pgx's and PostgreSQL's own words: a practitioner is never shown them.
var driverWords = []string{"pgconn", "pgx", "SQLSTATE", "dial tcp", "connect:", "failed to", "FATAL",
	"terminating connection", "conn closed", "unexpected EOF", "broken pipe", "connection reset"}

// checkServerGoneError fails the test unless err says, in Needlelog's words, that the server was
// lost or cannot be reached.
func checkServerGoneError(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, postgres.ErrServerLost) && !errors.Is(err, postgres.ErrUnreachable) {
		t.Errorf("%s while the server was away: %q (%T), want ErrServerLost or ErrUnreachable", what, err, err)
		return
	}
	for _, w := range driverWords {
		if strings.Contains(err.Error(), w) {
			t.Errorf("%s while the server was away says the driver's words (%q): %q", what, w, err)
			return
		}
	}
}

// faultSaver is one editor saving sessions for its own client over and over: new sessions,
// changes to them, signatures; it remembers what the store acknowledged and what it refused.
type faultSaver struct {
	s        *postgres.Store
	clientID string
	tmpl     data.Session
	rng      *rand.Rand

	acked map[string]ackedSession // by session ID: what a nil save promised
	tried []string                // sessions whose create returned an error: whole or absent
	// maybeSigned are sessions whose signing returned an error: a connection lost as the commit
	// went through leaves it unknown whether they were signed, so they are changed no more.
	maybeSigned map[string]bool
	errs        []error // every error, to be said in Needlelog's words
	errOps      []string
	restartOK   atomic.Int64 // saves that succeeded since the last restart
	// failsBeforeOK is, for each restart, how many saves failed after it before one succeeded.
	failsBeforeOK map[int64]int
	okAfter       map[int64]bool
}

type ackedSession struct {
	version int64
	signed  bool
}

func (f *faultSaver) fail(op string, err error, gen int64) {
	time.Sleep(10 * time.Millisecond) // as the app does, waits a moment before trying again
	f.errs = append(f.errs, err)
	f.errOps = append(f.errOps, op)
	if gen > 0 && !f.okAfter[gen] {
		f.failsBeforeOK[gen]++
	}
}

func (f *faultSaver) succeed(gen int64) {
	if gen > 0 {
		f.okAfter[gen] = true
	}
	f.restartOK.Add(1)
}

// step does one save: mostly a new session, sometimes a change to one of its own drafts or its
// signature. gen is the number of restarts so far.
func (f *faultSaver) step(ctx context.Context, gen int64) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second) // a save that hangs fails the test
	defer cancel()
	var drafts []string
	for id, a := range f.acked {
		if !a.signed && !f.maybeSigned[id] {
			drafts = append(drafts, id)
		}
	}
	slices.Sort(drafts)
	switch n := f.rng.IntN(10); {
	case n < 6 || len(drafts) == 0:
		se := f.tmpl
		se.Zones, se.Products, se.SideEffects = slices.Clone(f.tmpl.Zones), slices.Clone(f.tmpl.Products), slices.Clone(f.tmpl.SideEffects)
		se.ID = uuid.Must(uuid.NewV7()).String() // known before the save, to look for after it
		if err := f.s.CreateSession(ctx, &se); err != nil {
			f.tried = append(f.tried, se.ID)
			f.fail("save a new session", err, gen)
			return
		}
		f.acked[se.ID] = ackedSession{version: se.Version}
	default:
		id := drafts[f.rng.IntN(len(drafts))]
		// As the editor does: the session as stored now, changed, saved.
		se, err := f.s.Session(ctx, id)
		if err != nil {
			f.fail("load a session", err, gen)
			return
		}
		if n < 9 {
			se.Notes = fmt.Sprintf("changed at %d", time.Now().UnixNano())
			if err := f.s.SaveSession(ctx, &se, ""); err != nil {
				f.fail("save a changed session", err, gen)
				return
			}
			f.acked[id] = ackedSession{version: se.Version}
		} else {
			if err := f.s.SignSession(ctx, id, se.Version); err != nil {
				f.maybeSigned[id] = true
				f.fail("sign a session", err, gen)
				return
			}
			f.acked[id] = ackedSession{version: se.Version, signed: true}
		}
	}
	f.succeed(gen)
}

// The server stopping in the middle of saves, by a crash (pg_ctl stop -m immediate) and by a
// clean shutdown (-m fast), loses nothing acknowledged, leaves nothing half-saved, is said in
// Needlelog's sentences, and the same open store saves again once the server is back.
func TestSavesSurviveTheServerStopping(t *testing.T) {
	ctx := context.Background()
	cluster := testkit.StartPgCluster(t)
	dbURL := cluster.Database(t)
	s := mustOpenServerPractice(t, dbURL) // the one store: never reopened
	const savers = 4
	fs := make([]*faultSaver, savers)
	pr := testkit.CreatePractitioner(t, s, "Dr Fault", "")
	s.SetActor(pr.ID) // who treats and signs
	for i := range fs {
		c := data.Client{FirstName: fmt.Sprintf("Fault%d", i), LastName: "Saver", Consent: testkit.ValidClient().Consent}
		if err := s.CreateClient(ctx, &c); err != nil {
			t.Fatal(err)
		}
		tmpl := testkit.StoredSession(t, s, c.ID)
		tmpl.PractitionerID, tmpl.PhotoRefusal = pr.ID, "The client declined photos."
		fs[i] = &faultSaver{s: s, clientID: c.ID, tmpl: tmpl, rng: rand.New(rand.NewPCG(uint64(i), 18)),
			acked: map[string]ackedSession{}, maybeSigned: map[string]bool{}, failsBeforeOK: map[int64]int{}, okAfter: map[int64]bool{}}
	}

	var restarts atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				f.step(ctx, restarts.Load())
			}
		}()
	}

	// Each outage: saves under way, the server stopped while they run, saves failing while it is
	// down, then back; each saver must have saved again before the next.
	const retries = 10
	for _, mode := range []string{"immediate", "fast"} {
		time.Sleep(time.Second)
		cluster.Stop(t, mode)
		time.Sleep(1500 * time.Millisecond)
		cluster.Start(t)
		for _, f := range fs {
			f.restartOK.Store(0)
		}
		restarts.Add(1)
		deadline := time.Now().Add(time.Minute)
		for slices.ContainsFunc(fs, func(f *faultSaver) bool { return f.restartOK.Load() < 3 }) {
			if time.Now().After(deadline) {
				close(stop)
				wg.Wait()
				for i, f := range fs {
					last := f.errs[max(0, len(f.errs)-3):]
					t.Errorf("saver %d: %d saves since the restart, %d errors in all, the last: %v", i, f.restartOK.Load(), len(f.errs), last)
				}
				t.Fatalf("a minute after the server came back (%s stop), some savers have still not saved again", mode)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	close(stop)
	wg.Wait()

	var acked, tried, failures, mostFails, cut int
	for i, f := range fs {
		for gen := int64(1); gen <= restarts.Load(); gen++ {
			mostFails = max(mostFails, f.failsBeforeOK[gen])
			if f.failsBeforeOK[gen] > retries {
				t.Errorf("saver %d: %d saves failed after restart %d before one succeeded, want at most %d", i, f.failsBeforeOK[gen], gen, retries)
			}
		}
		for j, err := range f.errs {
			checkServerGoneError(t, fmt.Sprintf("saver %d: %s", i, f.errOps[j]), err)
			if !errors.Is(err, syscall.ECONNREFUSED) {
				cut++ // on a connection the server ended, not one it refused
			}
		}
		acked += len(f.acked)
		tried += len(f.tried)
		failures += len(f.errs)
	}
	t.Logf("%d sessions acknowledged, %d creates refused, %d errors in all (%d on connections the server ended), over %d outages; at most %d failed saves after a restart before one succeeded",
		acked, tried, failures, cut, restarts.Load(), mostFails)
	if cut == 0 {
		t.Fatalf("no save failed on a connection the server ended (%d refused): the server was never stopped under a save", failures)
	}

	// Everything acknowledged is there, at its version or later; every refused new session is
	// there whole or not at all; nothing else is there.
	known := map[string]bool{}
	kept, signed := 0, 0
	for i, f := range fs {
		for id, a := range f.acked {
			known[id] = true
			if a.signed {
				signed++
			}
			se, err := s.Session(ctx, id)
			if err != nil {
				t.Errorf("saver %d: acknowledged session %s: %v", i, id, err)
				continue
			}
			if se.Version < a.version || (a.signed && se.Status != data.StatusSigned) {
				t.Errorf("saver %d: session %s is at version %d (%s), acknowledged at %d (signed: %v)", i, id, se.Version, se.Status, a.version, a.signed)
			}
			checkWholeSession(t, se, f.tmpl)
		}
		for _, id := range f.tried {
			if _, ok := f.acked[id]; ok {
				continue // a later save of the same session was acknowledged
			}
			known[id] = true
			se, err := s.Session(ctx, id)
			if errors.Is(err, data.ErrNotFound) {
				continue
			}
			if err != nil {
				t.Errorf("saver %d: session %s whose save failed: %v", i, id, err)
				continue
			}
			kept++ // the server committed it and went before saying so
			checkWholeSession(t, se, f.tmpl)
		}
	}
	t.Logf("%d of the acknowledged sessions signed; %d new sessions whose save failed were kept whole", signed, kept)
	if signed == 0 {
		t.Error("no session was signed")
	}
	checkNothingHalfSaved(t, dbURL, known)
	rep, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("verify after the outages: %v", rep.Breaks)
	}
}

// checkWholeSession fails the test unless se has all of what its saver saved with it.
func checkWholeSession(t *testing.T, se, tmpl data.Session) {
	t.Helper()
	if len(se.Zones) != len(tmpl.Zones) || len(se.Products) != len(tmpl.Products) || len(se.SideEffects) != len(tmpl.SideEffects) {
		t.Errorf("session %s is half there: %d zones, %d products, %d side effects; saved with %d, %d, %d",
			se.ID, len(se.Zones), len(se.Products), len(se.SideEffects), len(tmpl.Zones), len(tmpl.Products), len(tmpl.SideEffects))
	}
}

// checkNothingHalfSaved looks at the database itself: no session without its zones or its
// audit entry, no audit entry about a session that is not there, and no session its savers did not
// try to save (known, by ID).
func checkNothingHalfSaved(t *testing.T, dbURL string, known map[string]bool) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for what, query := range map[string]string{
		"sessions without zones": `SELECT count(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM session_zones z WHERE z.session_id = s.id)`,
		"sessions without the audit entry of their making": `SELECT count(*) FROM sessions s
			WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'session' AND a.entity_id = s.id AND a.action = 'create')`,
		"audit entries about sessions that are not there": `SELECT count(*) FROM audit_log a
			WHERE a.entity = 'session' AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = a.entity_id)`,
	} {
		var n int
		if err := conn.QueryRow(ctx, query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n != 0 {
			t.Errorf("%d %s", n, what)
		}
	}
	rows, err := conn.Query(ctx, `SELECT id FROM sessions`)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if !known[id] {
			t.Errorf("session %s is there, and no saver saved it", id)
		}
	}
}
