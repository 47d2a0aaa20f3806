package postgres_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/jpeg"
	"math/rand/v2"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/postgres"
)

// The load test: several PCs (processes, each with its own store and connections) saving at once
// against one practice on the server, each with several editors (goroutines).
const (
	loadPCs     = 5
	loadEditors = 4
	// loadSecondsEnv shortens the run (go test -race runs it for a few seconds); the suite runs
	// it for a minute.
	loadSecondsEnv = "NEEDLELOG_TEST_LOAD_SECONDS"
	loadChildBody  = "load-pc"
	loadURLEnv     = "NEEDLELOG_LOAD_URL"
	loadPCEnv      = "NEEDLELOG_LOAD_PC"
	loadFileEnv    = "NEEDLELOG_LOAD_FILE"
	loadSharedEnv  = "NEEDLELOG_LOAD_SHARED" // practitioner ID, then the contested sessions' IDs
	loadUntilEnv   = "NEEDLELOG_LOAD_UNTIL"  // when to stop, Unix nanoseconds
)

// loadSummary is what one PC reports at its end.
type loadSummary struct {
	Saves      int      // acknowledged writes, each written to the PC's file
	Conflicts  int      // edits of a contested session refused with ErrConflict
	Unexpected []string // every other refusal: none is expected
}

// Five PCs with four editors each save clients, sessions (new, changed, signed) and photos for a
// minute against one practice on the server, some of them editing the same sessions on purpose.
// Every save the store acknowledged is there afterwards at its version or later, the counts are
// the acknowledged totals, the audit log is one valid chain, and a stale edit of a shared session
// is refused with ErrConflict and nothing else, no acknowledged edit of it lost.
func TestManyPCsSavingAtOnce(t *testing.T) {
	if testkit.ChildBody() == loadChildBody {
		loadPC(t)
		return
	}
	ctx := context.Background()
	seconds := 60
	if v := os.Getenv(loadSecondsEnv); v != "" {
		var err error
		if seconds, err = strconv.Atoi(v); err != nil || seconds < 1 {
			t.Fatalf("%s=%q: want a number of seconds", loadSecondsEnv, v)
		}
	}
	dbURL := newServerPractice(t)
	s := mustOpenServerPractice(t, dbURL)
	pr := testkit.CreatePractitioner(t, s, "Dr Load", "")
	s.SetActor(pr.ID)
	shared := []string{pr.ID}
	c := loadClient(0, 0, 0)
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	contested := map[string]int64{} // session ID → its version before the load
	for range 3 {
		se := loadSession(t, s, c.ID, pr.ID)
		if err := s.CreateSession(ctx, &se); err != nil {
			t.Fatal(err)
		}
		contested[se.ID] = se.Version
		shared = append(shared, se.ID)
	}
	before, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	until := time.Now().Add(time.Duration(seconds) * time.Second)
	type result struct {
		summary loadSummary
		err     error
	}
	results := make([]result, loadPCs)
	var wg sync.WaitGroup
	for pc := range loadPCs {
		cmd := testkit.ChildCommand(t, "", "TestManyPCsSavingAtOnce", loadChildBody,
			loadURLEnv+"="+dbURL, loadPCEnv+"="+strconv.Itoa(pc), loadFileEnv+"="+filepath.Join(dir, fmt.Sprintf("pc%d.saves", pc)),
			loadSharedEnv+"="+strings.Join(shared, ","), loadUntilEnv+"="+strconv.FormatInt(until.UnixNano(), 10))
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[pc].summary, results[pc].err = runLoadPC(cmd)
		}()
	}
	wg.Wait()
	var total loadSummary
	for pc, r := range results {
		if r.err != nil {
			t.Fatalf("PC %d: %v", pc, r.err)
		}
		total.Saves += r.summary.Saves
		total.Conflicts += r.summary.Conflicts
		for _, e := range r.summary.Unexpected {
			t.Errorf("PC %d: %s", pc, e)
		}
	}

	// What the PCs' files say was acknowledged.
	acked := map[string]map[string]int64{} // kind → ID → highest version acknowledged
	var created = map[string]int{}         // kind → acknowledged creations
	contestedAcks := map[string][]int64{}
	lines := 0
	for pc := range loadPCs {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("pc%d.saves", pc)))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			v, err := strconv.ParseInt(f[3], 10, 64)
			if len(f) != 4 || err != nil {
				t.Fatalf("PC %d's file has the line %q", pc, sc.Text())
			}
			lines++
			kind, op, id := f[0], f[1], f[2]
			if acked[kind] == nil {
				acked[kind] = map[string]int64{}
			}
			acked[kind][id] = max(acked[kind][id], v)
			if op == "create" {
				created[kind]++
			}
			if _, ok := contested[id]; ok && op == "update" {
				contestedAcks[id] = append(contestedAcks[id], v)
			}
		}
	}
	if lines != total.Saves {
		t.Errorf("the PCs' files hold %d acknowledged saves, the PCs counted %d", lines, total.Saves)
	}
	t.Logf("%d PCs × %d editors for %d s: %d saves acknowledged (%d clients, %d sessions and %d photos made), %d stale edits refused",
		loadPCs, loadEditors, seconds, total.Saves, created["client"], created["session"], created["photo"], total.Conflicts)
	if total.Conflicts == 0 || len(contestedAcks) == 0 {
		t.Errorf("editors editing the same sessions at once had %d edits refused and %d sessions' edits kept: the test did not make them meet", total.Conflicts, len(contestedAcks))
	}

	// Everything acknowledged is there, at its version or later.
	for id, v := range acked["client"] {
		if c, err := s.Client(ctx, id); err != nil || c.Version < v {
			t.Errorf("client %s acknowledged at version %d: version %d, %v", id, v, c.Version, err)
		}
	}
	for id, v := range acked["session"] {
		if se, err := s.Session(ctx, id); err != nil || se.Version < v {
			t.Errorf("session %s acknowledged at version %d: version %d, %v", id, v, se.Version, err)
		}
	}
	for id, v := range acked["signed"] {
		if se, err := s.Session(ctx, id); err != nil || se.Status != data.StatusSigned || se.Version < v {
			t.Errorf("session %s acknowledged signed at version %d: %s at version %d, %v", id, v, se.Status, se.Version, err)
		}
	}
	for id := range acked["photo"] {
		if _, err := s.Photo(ctx, id); err != nil {
			t.Errorf("photo %s acknowledged: %v", id, err)
		}
	}
	// Each acknowledged edit of a contested session made one version: none was lost to another's.
	for id, start := range contested {
		vs := contestedAcks[id]
		slices.Sort(vs)
		se, err := s.Session(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if se.Version != start+int64(len(vs)) || len(slices.Compact(slices.Clone(vs))) != len(vs) {
			t.Errorf("contested session %s is at version %d after %d acknowledged edits from version %d (acknowledged versions %v)", id, se.Version, len(vs), start, vs)
		}
	}

	after, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for table, kind := range map[string]string{"clients": "client", "sessions": "session", "photos": "photo", "audit_log": ""} {
		want := before[table] + int64(created[kind])
		if kind == "" {
			want = before[table] + int64(total.Saves) // one audit entry for each save
		}
		if after[table] != want {
			t.Errorf("%d %s after the load, want %d (%d before)", after[table], table, want, before[table])
		}
	}
	rep, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || int64(rep.AuditEntries) != after["audit_log"] {
		t.Errorf("verify after the load: %d audit entries checked of %d, breaks %v", rep.AuditEntries, after["audit_log"], rep.Breaks)
	}
}

// runLoadPC runs one PC's process to its end and returns its summary.
func runLoadPC(cmd *osexec.Cmd) (loadSummary, error) {
	var sum loadSummary
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return sum, err
	}
	if err := cmd.Start(); err != nil {
		return sum, err
	}
	lines, other, readErr := testkit.ReadChildLines(out, nil)
	waitErr := cmd.Wait()
	summed, done := false, false
	for _, l := range lines {
		switch l.Kind {
		case "summary":
			summed = json.Unmarshal(l.JSON, &sum) == nil
		case testkit.ChildDone:
			done = true
		}
	}
	if readErr != nil || waitErr != nil || !summed || !done {
		return sum, fmt.Errorf("%v %v (summary: %v, ran to its end: %v)\nstdout:\n%s\nstderr:\n%s", waitErr, readErr, summed, done, other, stderr.String())
	}
	return sum, nil
}

// loadClient is a client with treatment and photo consent, named for who made it.
func loadClient(pc, editor, n int) data.Client {
	return data.Client{FirstName: fmt.Sprintf("Pc%dEditor%d", pc, editor), LastName: fmt.Sprintf("Client%d", n),
		Consent: testkit.ValidClient().Consent, PhotoConsent: data.PhotoConsentClinical}
}

// loadSession is a session ready to save and then sign by the practitioner prID.
func loadSession(tb testing.TB, s *postgres.Store, clientID, prID string) data.Session {
	tb.Helper()
	se := testkit.StoredSession(tb, s, clientID)
	se.PractitionerID, se.PhotoRefusal = prID, "The client declined before photos."
	return se
}

// loadPC is one PC's process: its editors save until the time the test set, each acknowledged
// save written to the PC's file as "KIND OP ID VERSION" the moment the store returns.
func loadPC(t *testing.T) {
	ctx := context.Background()
	pc, err := strconv.Atoi(os.Getenv(loadPCEnv))
	if err != nil {
		t.Fatal(err)
	}
	shared := strings.Split(os.Getenv(loadSharedEnv), ",")
	untilNs, err := strconv.ParseInt(os.Getenv(loadUntilEnv), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	s, err := openServerPractice(ctx, os.Getenv(loadURLEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetActor(shared[0])
	f, err := os.OpenFile(os.Getenv(loadFileEnv), os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var sum loadSummary
	var writeErr error
	ack := func(kind, op, id string, version int64) {
		mu.Lock()
		defer mu.Unlock()
		if _, err := fmt.Fprintf(f, "%s %s %s %d\n", kind, op, id, version); err != nil && writeErr == nil {
			writeErr = err
		}
		sum.Saves++
	}
	tmpl := loadSession(t, s, "", shared[0])
	var wg sync.WaitGroup
	for editor := range loadEditors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := &loadEditor{s: s, pc: pc, editor: editor, rng: rand.New(rand.NewPCG(uint64(pc), uint64(editor))),
				tmpl: tmpl, contested: shared[1:], ack: ack}
			e.run(ctx, time.Unix(0, untilNs))
			mu.Lock()
			sum.Conflicts += e.conflicts
			sum.Unexpected = append(sum.Unexpected, e.unexpected...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := f.Close(); err != nil || writeErr != nil {
		t.Fatalf("write the acknowledged saves: %v %v", writeErr, err)
	}
	testkit.ChildReport(t, "summary", sum)
	testkit.ChildReport(t, testkit.ChildDone, nil)
}

// loadEditor is one practitioner at one PC: making clients, sessions and photos of their own,
// changing and signing their sessions, and (the first two editors of each PC) editing sessions
// that every PC's editors edit.
type loadEditor struct {
	s          *postgres.Store
	pc, editor int
	rng        *rand.Rand
	tmpl       data.Session
	contested  []string
	ack        func(kind, op, id string, version int64)

	n          int
	clients    []string
	drafts     []loadDraft // its sessions not yet signed
	conflicts  int
	unexpected []string
}

type loadDraft struct{ id, clientID string }

func (e *loadEditor) refused(op string, err error) {
	if len(e.unexpected) < 10 {
		e.unexpected = append(e.unexpected, fmt.Sprintf("editor %d: %s: %v", e.editor, op, err))
	}
}

func (e *loadEditor) run(ctx context.Context, until time.Time) {
	e.newClient(ctx)
	for time.Now().Before(until) {
		e.n++
		switch r := e.rng.IntN(100); {
		case e.editor < 2 && r < 30:
			e.editContested(ctx)
		case len(e.clients) == 0 || r < 35:
			e.newClient(ctx)
		case r < 65 || len(e.drafts) == 0:
			e.newSession(ctx)
		case r < 80:
			e.changeSession(ctx)
		case r < 90:
			e.sign(ctx)
		default:
			e.importPhoto(ctx)
		}
	}
}

func (e *loadEditor) newClient(ctx context.Context) {
	c := loadClient(e.pc, e.editor, e.n)
	if err := e.s.CreateClient(ctx, &c); err != nil {
		e.refused("save a new client", err)
		return
	}
	e.ack("client", "create", c.ID, c.Version)
	e.clients = append(e.clients, c.ID)
}

func (e *loadEditor) newSession(ctx context.Context) {
	se := e.tmpl
	se.Zones, se.Products, se.SideEffects = slices.Clone(e.tmpl.Zones), slices.Clone(e.tmpl.Products), slices.Clone(e.tmpl.SideEffects)
	se.ClientID = e.clients[e.rng.IntN(len(e.clients))]
	if err := e.s.SaveSession(ctx, &se, ""); err != nil {
		e.refused("save a new session", err)
		return
	}
	e.ack("session", "create", se.ID, se.Version)
	e.drafts = append(e.drafts, loadDraft{se.ID, se.ClientID})
}

func (e *loadEditor) changeSession(ctx context.Context) {
	id := e.drafts[e.rng.IntN(len(e.drafts))].id
	se, err := e.s.Session(ctx, id)
	if err != nil {
		e.refused("load a session", err)
		return
	}
	se.Notes = fmt.Sprintf("PC %d, editor %d, change %d", e.pc, e.editor, e.n)
	if err := e.s.SaveSession(ctx, &se, ""); err != nil {
		e.refused("save a changed session", err)
		return
	}
	e.ack("session", "update", id, se.Version)
}

func (e *loadEditor) sign(ctx context.Context) {
	i := e.rng.IntN(len(e.drafts))
	id := e.drafts[i].id
	se, err := e.s.Session(ctx, id)
	if err != nil {
		e.refused("load a session", err)
		return
	}
	if err := e.s.SignSession(ctx, id, se.Version); err != nil {
		e.refused("sign a session", err)
		return
	}
	e.ack("signed", "sign", id, se.Version)
	e.drafts = slices.Delete(e.drafts, i, i+1)
}

func (e *loadEditor) importPhoto(ctx context.Context) {
	var b bytes.Buffer
	seed := uint32(e.pc)<<24 | uint32(e.editor)<<20 | uint32(e.n)
	if err := jpeg.Encode(&b, phototest.Gradient(160, 120, seed, 16), &jpeg.Options{Quality: 85}); err != nil {
		e.refused("make a photo", err)
		return
	}
	p, err := photo.Process(b.Bytes())
	if err != nil {
		e.refused("process a photo", err)
		return
	}
	se := e.drafts[e.rng.IntN(len(e.drafts))]
	f := data.PhotoFile{Name: fmt.Sprintf("IMG_%d.jpg", e.n), ModTime: time.Now(), Original: b.Bytes(), Processed: p}
	ph, err := e.s.ImportPhoto(ctx, se.clientID, data.PhotoTags{SessionID: se.id, Kind: data.PhotoBefore}, f)
	if err != nil {
		e.refused("import a photo", err)
		return
	}
	e.ack("photo", "create", ph.ID, ph.Version)
}

// editContested changes a session that editors on every PC change: loaded, a moment of typing,
// saved. One loaded before another's save is refused, with ErrConflict only.
func (e *loadEditor) editContested(ctx context.Context) {
	id := e.contested[e.rng.IntN(len(e.contested))]
	se, err := e.s.Session(ctx, id)
	if err != nil {
		e.refused("load a shared session", err)
		return
	}
	time.Sleep(time.Duration(e.rng.IntN(3000)) * time.Microsecond)
	se.Notes = fmt.Sprintf("PC %d, editor %d, change %d", e.pc, e.editor, e.n)
	switch err := e.s.SaveSession(ctx, &se, ""); {
	case errors.Is(err, data.ErrConflict):
		e.conflicts++
	case err != nil:
		e.refused("save a shared session", err)
	default:
		e.ack("session", "update", id, se.Version)
	}
}
