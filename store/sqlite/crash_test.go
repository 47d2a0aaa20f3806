package sqlite_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
)

const (
	crashChildBody = "crash-saver"
	crashPathEnv   = "NEEDLELOG_CRASH_DB"
	crashCycleEnv  = "NEEDLELOG_CRASH_CYCLE"
	// crashSeedEnv replays a run's kill timings: the seed is logged by every run.
	crashSeedEnv = "NEEDLELOG_CRASH_SEED"

	crashZones    = 3 // zone rows in every session the child saves
	crashProducts = 2 // product rows
)

// crashSave is one save the child makes: reported as "begin" before it starts and as "ack" once
// both of its transactions have returned. Notes name the save, so a session the child never
// acknowledged can still be told apart.
type crashSave struct {
	Cycle, Seq int
	ClientID   string
	SessionID  string `json:",omitempty"` // known from the ack
	PhotoID    string `json:",omitempty"` // known from the ack
	PhotoSHA   string
	StartedAt  time.Time
	Notes      string
	Zones      []data.ZoneTreatment
	Products   []data.ProductUse
	Effect     crashEffect
}

type crashEffect struct {
	Kind      string
	Severity  data.Severity
	Onset     data.Date
	Treatment string
	Notes     string
}

func TestCrashKill(t *testing.T) {
	if testkit.ChildBody() == crashChildBody {
		crashChild(t)
		return
	}
	ctx := context.Background()
	start := time.Now()
	r := newCrashRun(t, t.TempDir())
	const kills = 50
	for range kills {
		r.killOnce(ctx)
	}
	r.verifyAll(ctx)
	// Guards against a run that proves nothing, such as a child that never gets to save.
	if len(r.acked) < kills {
		t.Fatalf("only %d saves were acknowledged in %d kills: the child hardly saved anything", len(r.acked), kills)
	}
	t.Logf("%d kills (%d before the first acknowledgement) in %v: %d acknowledged saves verified, %d unacknowledged sessions found whole, median recovery open %v",
		kills, r.earlyKills, time.Since(start).Round(time.Millisecond), len(r.acked), r.unacked, median(r.recoveries))
}

// BenchmarkCrashKill is the long run of the crash test: each iteration is one kill and its checks.
//
//	go test ./store/sqlite/ -run '^$' -bench 'CrashKill$' -benchtime 1000x
func BenchmarkCrashKill(b *testing.B) {
	ctx := context.Background()
	r := newCrashRun(b, b.TempDir())
	start := time.Now()
	kills := 0
	for b.Loop() {
		r.killOnce(ctx)
		kills++
	}
	elapsed := time.Since(start)
	b.StopTimer()
	r.verifyAll(ctx) // any failure has ended the benchmark with b.Fatal before the metrics
	b.ReportMetric(float64(len(r.acked)), "acked-saves")
	b.ReportMetric(0, "failures")
	b.ReportMetric(float64(median(r.recoveries).Microseconds())/1000, "recovery-open-ms")
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(kills), "ms/kill")
	b.ReportMetric(float64(r.earlyKills), "early-kills")
}

// crashRun is one database file killed again and again, with what the kills left in it.
type crashRun struct {
	tb   testing.TB
	path string
	// The child each kill starts (its top-level test and body, with env added to its
	// environment) and the check of what it leaves: saves of sessions unless set otherwise.
	test, body string
	env        []string
	verify     func(context.Context, []testkit.ChildLine)
	maxAcks    int // a kill mostly waits for 1 to maxAcks acknowledgements

	seed  uint64
	rnd   *rand.Rand
	cycle int // the next child's number

	acked      []crashSave // every save acknowledged, all cycles
	unacked    int         // sessions found whole that were under way at a kill
	counts     map[string]int64
	recoveries []time.Duration // data.Open after each kill
	earlyKills int             // kills before the child's first acknowledgement

	// Running estimates that place the kills: the time from start to a child's first
	// acknowledgement, and between two acknowledgements.
	firstAck, saveGap time.Duration
}

func newCrashRun(tb testing.TB, dir string) *crashRun {
	seed := rand.Uint64()
	if v := os.Getenv(crashSeedEnv); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			tb.Fatalf("%s=%q: %v", crashSeedEnv, v, err)
		}
	}
	tb.Logf("crash test seed %d (replay its kill timings with %s=%d)", seed, crashSeedEnv, seed)
	r := &crashRun{tb: tb, path: filepath.Join(dir, "practice.db"), seed: seed, rnd: rand.New(rand.NewPCG(seed, 0x6e6565646c65)),
		test: "TestCrashKill", body: crashChildBody, maxAcks: 6,
		counts: map[string]int64{}, firstAck: 300 * time.Millisecond, saveGap: 20 * time.Millisecond}
	r.verify = r.verifyKill
	return r
}

func (r *crashRun) fatalf(format string, args ...any) {
	r.tb.Helper()
	r.tb.Fatalf("kill %d (seed %d): %s", r.cycle, r.seed, fmt.Sprintf(format, args...))
}

// killOnce starts a child, kills it at a random moment and checks the file it leaves.
func (r *crashRun) killOnce(ctx context.Context) {
	r.tb.Helper()
	// Mostly mid-loop, at a random point of a save after some were acknowledged; sometimes
	// anywhere from the start: while the child opens the file, creates its client or saves its first.
	var wantAcks int
	var delay time.Duration
	if r.rnd.IntN(6) == 0 {
		delay = randDuration(r.rnd, r.firstAck*6/5)
	} else {
		wantAcks = 1 + r.rnd.IntN(r.maxAcks)
		delay = randDuration(r.rnd, r.saveGap)
	}

	cmd := testkit.ChildCommand(r.tb, "", r.test, r.body,
		append([]string{crashPathEnv + "=" + r.path, crashCycleEnv + "=" + strconv.Itoa(r.cycle)}, r.env...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		r.fatalf("%v", err)
	}
	acks := make(chan time.Time, 64)
	type output struct {
		lines []testkit.ChildLine
		other string
		err   error
	}
	done := make(chan output, 1)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		r.fatalf("start child: %v", err)
	}
	go func() {
		lines, other, err := testkit.ReadChildLines(stdout, func(l testkit.ChildLine) {
			if l.Kind == "ack" {
				select {
				case acks <- time.Now():
				default: // more than the parent waits for
				}
			}
		})
		done <- output{lines, other, err}
	}()

	var ackTimes []time.Time
	timeout := time.NewTimer(2 * time.Minute)
	defer timeout.Stop()
	var out output
	for len(ackTimes) < wantAcks {
		select {
		case at := <-acks:
			ackTimes = append(ackTimes, at)
		case out = <-done:
			cmd.Wait()
			r.fatalf("the child ended before it was killed: %v\nstdout:\n%s\nstderr:\n%s", cmd.ProcessState, out.other, stderr.String())
		case <-timeout.C:
			cmd.Process.Kill()
			cmd.Wait()
			r.fatalf("the child made %d of %d acknowledgements in 2 minutes\nstderr:\n%s", len(ackTimes), wantAcks, stderr.String())
		}
	}
	time.Sleep(delay)
	if err := cmd.Process.Kill(); err != nil {
		r.fatalf("kill the child: %v", err)
	}
	out = <-done
	cmd.Wait()
	if out.err != nil {
		r.fatalf("read the child's reports: %v", out.err)
	}
	if !endedByKill(cmd.ProcessState) || strings.Contains(out.other, "--- FAIL") {
		r.fatalf("the child ended by itself (%v) before the kill\nstdout:\n%s\nstderr:\n%s", cmd.ProcessState, out.other, stderr.String())
	}

	if len(ackTimes) > 0 {
		r.firstAck = (3*r.firstAck + ackTimes[0].Sub(start)) / 4
	}
	if len(ackTimes) > 1 {
		gap := ackTimes[len(ackTimes)-1].Sub(ackTimes[0]) / time.Duration(len(ackTimes)-1)
		r.saveGap = (3*r.saveGap + gap) / 4
	}
	r.verify(ctx, out.lines)
	r.cycle++
}

// endedByKill reports whether the child died of the parent's kill rather than ending by itself.
func endedByKill(ps *os.ProcessState) bool {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && runtime.GOOS != "windows" {
		return ws.Signaled() && ws.Signal() == syscall.SIGKILL
	}
	return !ps.Success() // TerminateProcess leaves exit code 1
}

func randDuration(rnd *rand.Rand, max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return time.Duration(rnd.Int64N(int64(max)))
}

// verifyKill opens the file as the app would after the crash and checks what the child left.
func (r *crashRun) verifyKill(ctx context.Context, lines []testkit.ChildLine) {
	r.tb.Helper()
	var clientID string
	var begun, ackList []crashSave
	acked := map[string]crashSave{} // by session ID
	for _, l := range lines {
		switch l.Kind {
		case "client":
			testkit.DecodeChild(r.tb, l, &clientID)
		case "begin":
			var s crashSave
			testkit.DecodeChild(r.tb, l, &s)
			begun = append(begun, s)
		case "ack":
			var s crashSave
			testkit.DecodeChild(r.tb, l, &s)
			if len(begun) == 0 || begun[len(begun)-1].Seq != s.Seq {
				r.fatalf("acknowledgement of save %d does not follow its beginning", s.Seq)
			}
			acked[s.SessionID] = s
			ackList = append(ackList, s)
		}
	}
	if len(ackList) == 0 {
		r.earlyKills++
	}

	started := time.Now()
	// Until a child has created its client the file may still be new, or not there at all: the
	// app's first start creates it.
	s, err := sqlite.Open(ctx, r.path, sqlite.Options{Create: r.counts["clients"] == 0})
	r.recoveries = append(r.recoveries, time.Since(started))
	if err != nil {
		r.fatalf("open the file after the kill: %v", err)
	}
	defer s.Close()
	h, err := s.Check(ctx)
	if err != nil {
		r.fatalf("check the file after the kill: %v", err)
	}
	if len(h.Problems) > 0 {
		r.fatalf("the file after the kill fails its check: %q", h.Problems)
	}

	// The child's own client holds everything this kill may have left.
	var sessions, photos int64
	if clientID != "" {
		var pending *crashSave // the save under way at the kill
		if len(begun) > len(ackList) {
			pending = &begun[len(begun)-1]
		}
		timeline, err := s.Timeline(ctx, clientID)
		if err != nil {
			r.fatalf("list the sessions after the kill: %v", err)
		}
		pendingSessionID := ""
		for _, e := range timeline {
			save, ok := acked[e.SessionID]
			if !ok {
				got, err := s.Session(ctx, e.SessionID)
				if err != nil {
					r.fatalf("read session %s: %v", e.SessionID, err)
				}
				if pending == nil || got.Notes != pending.Notes || pendingSessionID != "" {
					r.fatalf("session %s (%q) is in the file but was neither acknowledged nor the save under way at the kill", e.SessionID, got.Notes)
				}
				save, pendingSessionID = *pending, e.SessionID
				save.SessionID = e.SessionID
				r.unacked++
			}
			if e.SideEffects != 1 || len(e.Zones) != crashZones {
				r.fatalf("session %s of save %d is partial: %d side effects, zones %v", e.SessionID, save.Seq, e.SideEffects, e.Zones)
			}
			r.checkSession(ctx, s, save)
			sessions++
		}
		for _, a := range acked {
			if !slices.ContainsFunc(timeline, func(e data.TimelineEntry) bool { return e.SessionID == a.SessionID }) {
				r.fatalf("acknowledged save %d (session %s) is missing from its client's sessions", a.Seq, a.SessionID)
			}
			r.checkPhoto(ctx, s, a.PhotoID, a)
		}
		thumbs, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: clientID})
		if err != nil {
			r.fatalf("list the photos after the kill: %v", err)
		}
		for _, p := range thumbs {
			if len(p.Thumbnail) == 0 {
				r.fatalf("photo %s has no thumbnail", p.ID)
			}
			if save, ok := acked[p.SessionID]; ok && save.PhotoID == p.ID {
				photos++
				continue // checked above
			}
			if pending == nil || p.SHA256 != pending.PhotoSHA || p.SessionID != pendingSessionID {
				r.fatalf("photo %s (session %s) is in the file but was neither acknowledged nor the save under way at the kill", p.ID, p.SessionID)
			}
			save := *pending
			save.SessionID = pendingSessionID
			r.checkPhoto(ctx, s, p.ID, save)
			photos++
		}
		r.acked = append(r.acked, ackList...)
	} else if len(begun) > 0 {
		r.fatalf("the child began saving before it reported its client")
	}

	// The whole file: nothing from earlier kills lost, nothing anywhere in part. Every session the
	// child saves has the same number of rows of each kind.
	c := h.Counts
	want := map[string]int64{"sessions": r.counts["sessions"] + sessions, "photos": r.counts["photos"] + photos}
	for table, n := range want {
		if c[table] != n {
			r.fatalf("%d rows in %s, want %d: %d before this kill and %d found for its client", c[table], table, n, r.counts[table], n-r.counts[table])
		}
	}
	for table, per := range map[string]int64{"session_zones": crashZones, "session_products": crashProducts, "side_effects": 1} {
		if c[table] != per*c["sessions"] {
			r.fatalf("%d rows in %s for %d sessions, want %d each: some session is partial", c[table], table, c["sessions"], per)
		}
	}
	if d := c["clients"] - r.counts["clients"]; d < 0 || d > 1 || clientID != "" && d != 1 {
		r.fatalf("%d clients, %d before this kill, whose child reported client %q", c["clients"], r.counts["clients"], clientID)
	}
	r.counts = c
}

// checkSession reads a save's session back and compares it with what the child wrote.
func (r *crashRun) checkSession(ctx context.Context, s *sqlite.Store, want crashSave) {
	r.tb.Helper()
	if err := checkSavedSession(ctx, s, want); err != nil {
		r.fatalf("%v", err)
	}
}

// checkPhoto reads a save's photo back: its record, its original's bytes and its preview.
func (r *crashRun) checkPhoto(ctx context.Context, s *sqlite.Store, id string, want crashSave) {
	r.tb.Helper()
	if err := checkSavedPhoto(ctx, s, id, want); err != nil {
		r.fatalf("%v", err)
	}
}

// checkSavedSession reads a save's session back and compares it with what was written.
func checkSavedSession(ctx context.Context, s *sqlite.Store, want crashSave) error {
	got, err := s.Session(ctx, want.SessionID)
	if err != nil {
		return fmt.Errorf("save %d of kill %d: %w", want.Seq, want.Cycle, err)
	}
	var effect crashEffect
	if len(got.SideEffects) == 1 {
		e := got.SideEffects[0]
		effect = crashEffect{Kind: e.Kind, Severity: e.Severity, Onset: e.Onset, Treatment: e.Treatment, Notes: e.Notes}
	}
	diffs := []struct {
		what      string
		got, want any
	}{
		{"client", got.ClientID, want.ClientID},
		{"start", got.StartedAt.UTC(), want.StartedAt.UTC()},
		{"notes", got.Notes, want.Notes},
		{"zones", fmt.Sprintf("%+v", got.Zones), fmt.Sprintf("%+v", want.Zones)},
		{"products", fmt.Sprintf("%+v", got.Products), fmt.Sprintf("%+v", want.Products)},
		{"side effects", fmt.Sprintf("%d %+v", len(got.SideEffects), effect), fmt.Sprintf("1 %+v", want.Effect)},
	}
	for _, d := range diffs {
		if d.got != d.want {
			return fmt.Errorf("session %s of save %d (kill %d): %s read back as %v, written as %v", want.SessionID, want.Seq, want.Cycle, d.what, d.got, d.want)
		}
	}
	return nil
}

// checkSavedPhoto reads a save's photo back: its record, its original's bytes and its preview.
func checkSavedPhoto(ctx context.Context, s *sqlite.Store, id string, want crashSave) error {
	p, err := s.Photo(ctx, id)
	if err != nil {
		return fmt.Errorf("photo of save %d (kill %d): %w", want.Seq, want.Cycle, err)
	}
	if p.SessionID != want.SessionID || p.ClientID != want.ClientID || p.SHA256 != want.PhotoSHA {
		return fmt.Errorf("photo %s of save %d (kill %d) reads back for session %s, client %s, SHA-256 %s; written for %s, %s, %s",
			id, want.Seq, want.Cycle, p.SessionID, p.ClientID, p.SHA256, want.SessionID, want.ClientID, want.PhotoSHA)
	}
	orig, err := s.PhotoOriginal(ctx, id)
	if err != nil {
		return fmt.Errorf("photo of save %d (kill %d): %w", want.Seq, want.Cycle, err)
	}
	if sum := sha256.Sum256(orig); hex.EncodeToString(sum[:]) != want.PhotoSHA {
		return fmt.Errorf("photo %s of save %d (kill %d): the original's bytes changed (%d bytes)", id, want.Seq, want.Cycle, len(orig))
	}
	if prev, err := s.PhotoPreview(ctx, id); err != nil || len(prev) == 0 {
		return fmt.Errorf("photo %s of save %d (kill %d) has no preview: %v", id, want.Seq, want.Cycle, err)
	}
	return nil
}

// verifyAll checks every save acknowledged in the run once more, at the end: later kills must
// not have taken earlier saves with them. The audit log's chain must hold too.
func (r *crashRun) verifyAll(ctx context.Context) {
	r.tb.Helper()
	s, err := sqlite.Open(ctx, r.path, sqlite.Options{})
	if err != nil {
		r.fatalf("open the file at the end: %v", err)
	}
	defer s.Close()
	for _, a := range r.acked {
		r.checkSession(ctx, s, a)
		r.checkPhoto(ctx, s, a.PhotoID, a)
	}
	rep, err := s.Verify(ctx)
	if err != nil {
		r.fatalf("verify the audit log: %v", err)
	}
	if !rep.OK() {
		r.fatalf("the audit log does not verify: %q", rep.Breaks)
	}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// crashChild is the child: it saves sessions with photos into the file until it is killed.
func crashChild(t *testing.T) {
	ctx := context.Background()
	path := os.Getenv(crashPathEnv)
	cycle, err := strconv.Atoi(os.Getenv(crashCycleEnv))
	if path == "" || err != nil {
		t.Fatalf("%s=%q %s=%q", crashPathEnv, path, crashCycleEnv, os.Getenv(crashCycleEnv))
	}
	// A clock of its own that moves on a minute from kill to kill (a child lives well under one),
	// so times stay in order in the file.
	base, began := testkit.Now.Add(time.Duration(cycle)*time.Minute), time.Now()
	now := func() time.Time { return base.Add(time.Since(began)) }
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	client := data.Client{FirstName: "Crash", LastName: fmt.Sprintf("Kill %d", cycle), PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &client); err != nil {
		t.Fatal(err)
	}
	testkit.ChildReport(t, "client", client.ID)
	template := testkit.StoredSession(t, s, client.ID)
	zones, err := s.Zones(ctx, false)
	if err != nil || len(zones) < crashZones {
		t.Fatalf("zones %v: %v", zones, err)
	}
	for seq := 0; ; seq++ {
		save := crashSaveFor(template, zones, cycle, seq, now())
		jpg := crashJPEG(t, uint64(cycle)<<32|uint64(seq), 64, false)
		processed, err := photo.Process(jpg)
		if err != nil {
			t.Fatal(err)
		}
		save.PhotoSHA = processed.Info.SHA256
		testkit.ChildReport(t, "begin", save)

		se := save.session(template)
		if err := s.CreateSession(ctx, &se); err != nil {
			t.Fatalf("save %d: %v", seq, err)
		}
		p, err := s.ImportPhoto(ctx, client.ID, data.PhotoTags{SessionID: se.ID, Kind: data.PhotoBefore},
			data.PhotoFile{Name: fmt.Sprintf("kill-%d-%d.jpg", cycle, seq), ModTime: save.StartedAt, Original: jpg, Processed: processed})
		if err != nil {
			t.Fatalf("save %d: photo: %v", seq, err)
		}
		save.SessionID, save.PhotoID = se.ID, p.ID
		testkit.ChildReport(t, "ack", save)
	}
}

// crashSaveFor is the seq-th save of a child: the template's references, with zones, products and
// a side effect that differ from save to save.
func crashSaveFor(template data.Session, zones []data.Zone, cycle, seq int, now time.Time) crashSave {
	started := now.Add(-45 * time.Minute).Truncate(time.Second)
	save := crashSave{Cycle: cycle, Seq: seq, ClientID: template.ClientID, StartedAt: started,
		Notes: fmt.Sprintf("Kill %d, save %d.", cycle, seq)}
	for i, z := range zones[:crashZones] {
		depth := z.TypicalMin + float64((seq+i)%3)*0.25
		save.Zones = append(save.Zones, data.ZoneTreatment{Zone: z.Name, DepthMM: depth, Speed: float64(1 + (seq+i)%6),
			Passes: 2 + (seq+i)%3, Pattern: []string{"Stamping", "Crosshatch"}[(seq+i)%2], Endpoint: "Uniform erythema"})
	}
	for i, p := range template.Products[:crashProducts] {
		p.Lot = fmt.Sprintf("HA-%d-%d", cycle, seq)
		p.Amount = fmt.Sprintf("%d ml", 1+(seq+i)%3)
		save.Products = append(save.Products, p)
	}
	save.Effect = crashEffect{Kind: "Erythema", Severity: []data.Severity{data.SeverityMild, data.SeverityModerate}[seq%2],
		Onset: data.DateOf(started), Treatment: "Cold compress", Notes: fmt.Sprintf("Settled within %d hours.", 1+seq%5)}
	return save
}

// session is the session the save writes: the template's references with the save's own rows.
func (save crashSave) session(template data.Session) data.Session {
	se := template
	se.StartedAt, se.Notes, se.Zones, se.Products = save.StartedAt, save.Notes, save.Zones, save.Products
	se.NextDue = data.DateOf(save.StartedAt.AddDate(0, 0, data.DefaultIntervalDays))
	se.SideEffects = []data.SideEffect{{Kind: save.Effect.Kind, Severity: save.Effect.Severity, DuringSession: true,
		Onset: save.Effect.Onset, Treatment: save.Effect.Treatment, Notes: save.Effect.Notes}}
	return se
}

// crashJPEG is a side × side JPEG showing id's 64 bits as dark and light squares on a gradient,
// so that different ids give different pictures and so different bytes. noisy adds grain, which
// makes the file several times larger.
func crashJPEG(tb testing.TB, id uint64, side int, noisy bool) []byte {
	tb.Helper()
	m := image.NewRGBA(image.Rect(0, 0, side, side))
	cell := side / 8
	x32 := uint32(id) ^ uint32(id>>32) | 1
	for y := range side {
		for x := range side {
			bit := id >> (uint(y/cell)*8 + uint(x/cell)) & 1
			v := uint8(40 + 160*bit)
			var n uint8
			if noisy {
				x32 ^= x32 << 13
				x32 ^= x32 >> 17
				x32 ^= x32 << 5
				n = uint8(x32 % 48)
			}
			m.SetRGBA(x, y, color.RGBA{v + n, uint8(200*y/side) + n/2, uint8(200*x/side) + n/3, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}
