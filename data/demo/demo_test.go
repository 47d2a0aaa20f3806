package demo_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// allClients lists every client, page by page.
func allClients(t *testing.T, s *sqlite.Store, q data.ClientQuery) []data.ClientSummary {
	t.Helper()
	var out []data.ClientSummary
	for {
		page, err := s.ListClients(context.Background(), q)
		if err != nil {
			t.Fatalf("list clients: %v", err)
		}
		out = append(out, page...)
		if len(page) < 100 {
			return out
		}
		q.After = &page[len(page)-1]
	}
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.Now))
	today := data.DateOf(testkit.Now)
	var progress []int
	res, err := demo.Generate(ctx, s, demo.Options{Sessions: 1500, Seed: 1, PhotoClients: -1,
		Progress: func(done, total int) {
			if total != 1500 {
				t.Errorf("progress total = %d, want 1500", total)
			}
			progress = append(progress, done)
		}})
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	if res.Clients != 200 || res.Sessions != 1500 || res.Practitioners < 3 || res.Practitioners > 4 {
		t.Fatalf("result = %+v, want 200 clients, 1500 sessions, 3–4 practitioners", res)
	}
	if len(progress) == 0 || progress[len(progress)-1] != 1500 || !slices.IsSorted(progress) {
		t.Errorf("progress reports = %v, want rising to 1500", progress)
	}

	h, err := s.Check(ctx)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if len(h.Problems) > 0 {
		t.Fatalf("check found problems: %v", h.Problems)
	}
	for table, want := range map[string]int{"clients": res.Clients, "sessions": res.Sessions,
		"side_effects": res.SideEffects, "practitioners": res.Practitioners} {
		if got := h.Counts[table]; got != int64(want) {
			t.Errorf("%s: store has %d, result says %d", table, got, want)
		}
	}
	staff, err := s.Practitioners(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if admins := slices.IndexFunc(staff, func(p data.Practitioner) bool { return p.Role == data.RoleAdmin }); admins < 0 {
		t.Errorf("no admin among %+v", staff)
	}

	// What a session may refer to, from the store's own lists.
	zones := map[string]data.Zone{}
	zl, _ := s.Zones(ctx, false)
	for _, z := range zl {
		zones[z.Name] = z
	}
	devices := map[string]data.Device{}
	dl, _ := s.Devices(ctx, false)
	for _, d := range dl {
		devices[d.ID] = d
	}
	products := map[string]data.Product{}
	pl, _ := s.Products(ctx, "", false)
	for _, p := range pl {
		products[p.ID] = p
	}
	category := map[string]string{}
	for _, kind := range []data.ListKind{data.ListSideEffect, data.ListConcern} {
		items, _ := s.ListItems(ctx, kind, false)
		for _, it := range items {
			category[it.Name] = it.Category
		}
	}
	lotCache := map[string][]data.Lot{}
	lotExpiry := func(load func(context.Context, string) ([]data.Lot, error), item, lot string) (data.Date, bool) {
		if _, ok := lotCache[item]; !ok {
			lotCache[item], _ = load(ctx, item)
		}
		i := slices.IndexFunc(lotCache[item], func(l data.Lot) bool { return l.Lot == lot })
		if i < 0 {
			return data.Date{}, false
		}
		return lotCache[item][i].Expiry, true
	}

	var sessions, withEffects, lessCommon int
	seenScript := map[string]bool{}
	for _, sum := range allClients(t, s, data.ClientQuery{}) {
		for _, r := range sum.Name() {
			switch {
			case unicode.Is(unicode.Greek, r):
				seenScript["Greek"] = true
			case unicode.Is(unicode.Cyrillic, r):
				seenScript["Cyrillic"] = true
			case r > unicode.MaxASCII && unicode.Is(unicode.Latin, r):
				seenScript["accented Latin"] = true
			}
		}
		c, err := s.Client(ctx, sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(testkit.Now); err != nil {
			t.Errorf("client %s reads back invalid: %v", c.Name(), err)
		}
		if age := today.YearsSince(c.DateOfBirth); age < 22 || age > 70 {
			t.Errorf("client %s is %d", c.Name(), age)
		}
		if c.Fitzpatrick < 1 || c.Fitzpatrick > 6 || len(c.Concerns) < 1 || len(c.Concerns) > 3 {
			t.Errorf("client %s: Fitzpatrick %d, concerns %v", c.Name(), c.Fitzpatrick, c.Concerns)
		}
		timeline, err := s.Timeline(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range timeline {
			if !e.StartedAt.Before(testkit.Now) {
				t.Errorf("%s: session at %v is not in the past", c.Name(), e.StartedAt)
			}
			if i > 0 && !e.StartedAt.Before(timeline[i-1].StartedAt) {
				t.Errorf("%s: timeline not newest first at %d: %v after %v", c.Name(), i, e.StartedAt, timeline[i-1].StartedAt)
			}
			if len(e.Zones) == 0 || e.DeepestMM < data.MinDepthMM || e.DeepestMM > data.MaxDepthMM {
				t.Errorf("%s: session %s has zones %v, deepest %v", c.Name(), e.SessionID, e.Zones, e.DeepestMM)
			}
			se, err := s.Session(ctx, e.SessionID)
			if err != nil {
				t.Fatal(err)
			}
			sessions++
			checkSession(t, c, se, zones, devices[se.DeviceID], category)
			day := data.DateOf(se.StartedAt)
			if se.Cartridge.CartridgeID != "" {
				exp, ok := lotExpiry(s.CartridgeLots, se.Cartridge.CartridgeID, se.Cartridge.Lot)
				if !ok || exp.String() != se.Cartridge.Expiry.String() || exp.Before(day) {
					t.Errorf("session %s: cartridge lot %q (expiry %v) not in stock or expired", se.ID, se.Cartridge.Lot, se.Cartridge.Expiry)
				}
			}
			for _, p := range se.Products {
				exp, ok := lotExpiry(s.ProductLots, p.ProductID, p.Lot)
				if !ok || exp.Before(day) || !products[p.ProductID].NeedledSkinOK {
					t.Errorf("session %s: product %s lot %q unsuitable", se.ID, products[p.ProductID].Name, p.Lot)
				}
			}
			if a := se.Anaesthetic; a.ProductID != "" {
				if products[a.ProductID].Kind != data.ProductKindAnaesthetic || a.Minutes < 20 || a.Minutes > 45 || a.Lot == "" {
					t.Errorf("session %s: anaesthetic %+v", se.ID, a)
				}
				if slices.Contains(c.Allergies, "Lidocaine") {
					t.Errorf("session %s: lidocaine given to a client allergic to it", se.ID)
				}
			}
			if len(se.SideEffects) > 0 {
				withEffects++
			}
			if slices.ContainsFunc(se.SideEffects, func(e data.SideEffect) bool { return category[e.Kind] == data.CategoryLessCommon }) {
				lessCommon++
			}
		}
	}
	if sessions != res.Sessions {
		t.Errorf("timelines hold %d sessions, want %d", sessions, res.Sessions)
	}
	for _, script := range []string{"Greek", "Cyrillic", "accented Latin"} {
		if !seenScript[script] {
			t.Errorf("no client name in %s", script)
		}
	}
	if rate := float64(withEffects) / float64(sessions); rate < 0.7 || rate > 0.95 {
		t.Errorf("%.0f%% of sessions have side effects, want most but not all", 100*rate)
	}
	if rate := float64(lessCommon) / float64(sessions); rate < 0.01 || rate > 0.12 {
		t.Errorf("%.1f%% of sessions have a less common side effect, want about 5%%", 100*rate)
	}

	due := allClients(t, s, data.ClientQuery{Filter: data.DueClients})
	if len(due) == 0 || len(due) > res.Clients/2 {
		t.Errorf("%d of %d clients are due, want some", len(due), res.Clients)
	}
	for _, c := range due {
		if c.NextDue.IsZero() || c.NextDue.After(today) {
			t.Errorf("due client %s has next due %v", c.Name(), c.NextDue)
		}
	}
}

// checkSession checks one session read back from the store against the domain's rules.
func checkSession(t *testing.T, c data.Client, se data.Session, zones map[string]data.Zone, dev data.Device, category map[string]string) {
	t.Helper()
	today := data.DateOf(testkit.Now)
	day := data.DateOf(se.StartedAt)
	if err := se.Validate(testkit.Now); err != nil {
		t.Errorf("session %s reads back invalid: %v", se.ID, err)
	}
	if se.ClientID != c.ID || se.DeviceID == "" || se.PractitionerID == "" {
		t.Errorf("session %s: client %s, device %q, practitioner %q", se.ID, se.ClientID, se.DeviceID, se.PractitionerID)
	}
	switch se.Status {
	case data.StatusSigned: // by the practitioner who treated, as it stands
		if h, err := data.RecordHash(se); err != nil || h != se.RecordHash || se.SignedBy != se.PractitionerID || se.SignedAt.IsZero() {
			t.Errorf("session %s: signed by %q (treated by %q) at %v, hash %q (recomputed %q)", se.ID, se.SignedBy,
				se.PractitionerID, se.SignedAt, se.RecordHash, h)
		}
	case data.StatusDraft:
		if se.RecordHash != "" || se.SignedBy != "" || se.Amendments != 0 {
			t.Errorf("draft session %s: hash %q, signed by %q, %d amendments", se.ID, se.RecordHash, se.SignedBy, se.Amendments)
		}
	default:
		t.Errorf("session %s: status %q", se.ID, se.Status)
	}
	if se.SeriesN < 1 || se.SeriesN > se.SeriesOf || se.SeriesOf < 3 || se.SeriesOf > 6 || se.IntervalDays < 14 || se.IntervalDays > 42 {
		t.Errorf("session %s: %d of %d every %d days", se.ID, se.SeriesN, se.SeriesOf, se.IntervalDays)
	}
	wantDue := data.Date{}
	if se.SeriesN < se.SeriesOf {
		wantDue = day.AddDays(se.IntervalDays)
	}
	if se.NextDue.String() != wantDue.String() {
		t.Errorf("session %s (%d of %d): next due %v, want %v", se.ID, se.SeriesN, se.SeriesOf, se.NextDue, wantDue)
	}
	for _, concern := range se.Concerns {
		if !slices.Contains(c.Concerns, concern) {
			t.Errorf("session %s treats %q, not among the client's concerns %v", se.ID, concern, c.Concerns)
		}
	}
	pigmentOnly := !slices.ContainsFunc(se.Concerns, func(c string) bool { return category[c] != data.CategoryPigment })
	for _, z := range se.Zones {
		zone, ok := zones[z.Zone]
		const eps = 1e-9
		switch {
		case !ok:
			t.Errorf("session %s: unknown zone %q", se.ID, z.Zone)
		case z.DepthMM < zone.TypicalMin-eps || z.DepthMM > zone.TypicalMax+eps:
			t.Errorf("session %s: %s at %v mm, outside %v–%v", se.ID, z.Zone, z.DepthMM, zone.TypicalMin, zone.TypicalMax)
		case z.DepthMM > dev.EvaluatedDepth+eps:
			t.Errorf("session %s: %s at %v mm, deeper than %s is evaluated for", se.ID, z.Zone, z.DepthMM, dev.Model)
		case dev.DepthStep > 0 && math.Abs(z.DepthMM/dev.DepthStep-math.Round(z.DepthMM/dev.DepthStep)) > 1e-6:
			t.Errorf("session %s: %v mm is not a setting of %s (step %v)", se.ID, z.DepthMM, dev.Model, dev.DepthStep)
		case pigmentOnly && z.DepthMM > 1.0:
			t.Errorf("session %s: pigment concerns %v needled at %v mm", se.ID, se.Concerns, z.DepthMM)
		}
		if dev.Kind == data.DevicePen && (z.Passes < 2 || z.Passes > 8) {
			t.Errorf("session %s: %d passes with a pen", se.ID, z.Passes)
		}
		if z.Pattern == "" || z.Endpoint == "" {
			t.Errorf("session %s: zone %s lacks pattern or endpoint", se.ID, z.Zone)
		}
	}
	if len(se.Products) < 1 || len(se.Products) > 3 {
		t.Errorf("session %s: %d products", se.ID, len(se.Products))
	}
	if !se.PriceCents.Valid || se.PriceCents.V < 15000 || se.PriceCents.V > 80000 {
		t.Errorf("session %s: price %v", se.ID, se.PriceCents)
	}
	if se.AftercareSheet != "1" || len(se.Aftercare) < 3 {
		t.Errorf("session %s: aftercare %v, sheet %q", se.ID, se.Aftercare, se.AftercareSheet)
	}
	if se.NoSideEffects != (len(se.SideEffects) == 0) {
		t.Errorf("session %s: none observed = %v with %d side effects", se.ID, se.NoSideEffects, len(se.SideEffects))
	}
	for _, e := range se.SideEffects {
		if e.Onset.Before(day) || e.Onset.After(today) || e.Resolved.After(today) ||
			(!e.Resolved.IsZero() && e.Resolved.Before(e.Onset)) {
			t.Errorf("session %s on %v: side effect %s from %v to %v", se.ID, day, e.Kind, e.Onset, e.Resolved)
		}
		if category[e.Kind] == data.CategoryExpected && (!e.DuringSession ||
			(!e.Resolved.IsZero() && e.Resolved.DaysSince(e.Onset) > 3)) {
			t.Errorf("session %s: expected side effect %s from %v to %v", se.ID, e.Kind, e.Onset, e.Resolved)
		}
	}
}

// practice generates a small practice and reads back what identifies a generated practice: names, birthdays and visit times.
func practice(t *testing.T, seed int64) []string {
	t.Helper()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.Now))
	if _, err := demo.Generate(context.Background(), s, demo.Options{Clients: 40, Sessions: 150, Seed: seed, PhotoClients: -1}); err != nil {
		t.Fatalf("generate: %v", err)
	}
	var out []string
	for _, c := range allClients(t, s, data.ClientQuery{}) {
		line := c.Name() + " " + c.DateOfBirth.String()
		tl, err := s.Timeline(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range tl {
			line += " " + e.StartedAt.Format(time.RFC3339)
		}
		out = append(out, line)
	}
	return out
}

func TestGenerateSameSeedSamePractice(t *testing.T) {
	t.Parallel()
	a, b, other := practice(t, 42), practice(t, 42), practice(t, 43)
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different practices:\n%s\n---\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	if slices.Equal(a, other) {
		t.Errorf("seeds 42 and 43 gave the same practice")
	}
}

func TestGenerateCancelKeepsWholeChunks(t *testing.T) {
	t.Parallel()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.Now))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	committed := -1
	_, err := demo.Generate(ctx, s, demo.Options{Clients: 2000, Sessions: 8000, Seed: 3,
		Progress: func(done, total int) {
			if committed < 0 {
				committed = done
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("generate after cancel: %v, want context.Canceled", err)
	}
	h, err := s.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Counts["sessions"]; committed <= 0 || committed >= 8000 || got != int64(committed) {
		t.Errorf("store has %d sessions; the first chunk reported %d", got, committed)
	}
}

func TestGenerateTimeoutMidChunk(t *testing.T) {
	t.Parallel()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.Now))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	committed := 0
	_, err := demo.Generate(ctx, s, demo.Options{Clients: 20_000, Sessions: 100_000,
		Progress: func(done, total int) { committed = done }})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("generate past its deadline: %v, want context.DeadlineExceeded", err)
	}
	h, err := s.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Problems) > 0 || h.Counts["sessions"] != int64(committed) {
		t.Errorf("store has %d sessions and problems %v; %d were reported committed", h.Counts["sessions"], h.Problems, committed)
	}
}

func BenchmarkGenerate100kSessions(b *testing.B) {
	const sessions = 100_000
	for range b.N {
		b.StopTimer()
		s := sqlitetest.OpenStoreNow(b, nil)
		b.StartTimer()
		res, err := demo.Generate(context.Background(), s, demo.Options{Clients: 20_000, Sessions: sessions, Seed: 1,
			PhotoClients: -1}) // sessions/s, not photos
		if err != nil {
			b.Fatal(err)
		}
		if res.Sessions != sessions {
			b.Fatalf("wrote %d sessions, want %d", res.Sessions, sessions)
		}
	}
	b.ReportMetric(float64(sessions*b.N)/b.Elapsed().Seconds(), "sessions/s")
}

func TestDemoPracticeHasClinicDetails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := demo.Generate(ctx, s, demo.Options{Clients: 2, Sessions: 2, PhotoClients: -1}); err != nil {
		t.Fatal(err)
	}
	if name, err := s.Setting(ctx, data.SettingClinicName); err != nil || name != "Demo Skin Clinic" {
		t.Fatalf("clinic name %q (%v)", name, err)
	}
}

// Most past sessions are signed by their practitioner, some amended, a few passed a block with a
// reason, and the audit log holds all of it in an unbroken chain.
func TestGenerateSignedRecords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.Now))
	res, err := demo.Generate(ctx, s, demo.Options{Clients: 300, Sessions: 1500, Seed: 5, PhotoClients: 4})
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	t.Logf("%+v", res)
	if share := float64(res.Signed) / float64(res.Sessions); share < 0.8 || share > 0.97 {
		t.Errorf("%d of %d sessions signed, want most but not all", res.Signed, res.Sessions)
	}
	if res.Amendments < 10 || res.Amendments > res.Signed/10 || res.Overrides == 0 {
		t.Errorf("result: %+v, want some amendments and a few overrides", res)
	}
	rep, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.SignedSessions != res.Signed || rep.Amendments != res.Amendments {
		t.Fatalf("verify: %+v, result %+v", rep, res)
	}
	overrides, amended, photographed := 0, 0, 0
	for _, sum := range allClients(t, s, data.ClientQuery{}) {
		tl, err := s.Timeline(ctx, sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range tl {
			se, err := s.Session(ctx, e.SessionID)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range se.Overrides {
				overrides++
				if o.Reason == "" || !strings.HasPrefix(o.Rule, "rule:") || o.PractitionerID != se.PractitionerID {
					t.Errorf("session %s: override %+v", se.ID, o)
				}
			}
			if se.Status == data.StatusSigned && se.PhotoRefusal == "" {
				photographed++
				if ps, _ := s.ListPhotos(ctx, data.PhotoQuery{ClientID: sum.ID}); !slices.ContainsFunc(ps,
					func(p data.PhotoThumb) bool { return p.SessionID == se.ID && p.Kind == data.PhotoBefore }) {
					t.Errorf("signed session %s has neither a before photo nor a reason", se.ID)
				}
			}
			if se.Amendments == 0 {
				continue
			}
			amended++
			list, err := s.Amendments(ctx, se.ID)
			if err != nil || len(list) != se.Amendments || list[0].Reason == "" || len(list[0].Changes) == 0 {
				t.Fatalf("amendments of %s: %+v %v", se.ID, list, err)
			}
			orig, err := s.OriginalSession(ctx, se.ID)
			if err != nil || orig.RecordHash != list[0].PrevHash {
				t.Fatalf("original of %s: %v", se.ID, err)
			}
		}
	}
	if overrides != res.Overrides || amended != res.Amendments || photographed == 0 {
		t.Errorf("found %d overrides, %d amended sessions, %d photographed signed sessions; result %+v",
			overrides, amended, photographed, res)
	}
}

// A practice of ten years holds a share of its sessions in each: its last year about a fifth, its
// first sessions nearly ten years back; a young one (no Years) holds most in its last year.
func TestYearsSpreadThePractice(t *testing.T) {
	t.Parallel()
	lastYearShare := func(years int) (float64, time.Time) {
		s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.Now))
		if _, err := demo.Generate(context.Background(), s, demo.Options{Clients: 400, Sessions: 2000, Seed: 2, PhotoClients: -1,
			Years: years}); err != nil {
			t.Fatalf("generate: %v", err)
		}
		yearAgo, oldest := testkit.Now.AddDate(-1, 0, 0), testkit.Now
		total, recent := 0, 0
		err := s.InsightFacts(context.Background(), insights.Query{}, func(f *insights.Fact) error {
			total++
			if f.Started.After(yearAgo) {
				recent++
			}
			if f.Started.Before(oldest) {
				oldest = f.Started
			}
			return nil
		})
		if err != nil || total != 2000 {
			t.Fatalf("read %d sessions: %v", total, err)
		}
		return float64(recent) / float64(total), oldest
	}
	old, oldest := lastYearShare(10)
	if old < 0.1 || old > 0.35 || oldest.After(testkit.Now.AddDate(-9, 0, 0)) {
		t.Errorf("ten years: %.0f%% of sessions in the last year, the first on %s; want 10–35%% and over nine years back",
			100*old, oldest.Format(time.DateOnly))
	}
	if young, _ := lastYearShare(0); young < 0.5 {
		t.Errorf("a young practice holds %.0f%% of its sessions in its last year, want over half", 100*young)
	}
}

// The demo records results after most series of two sessions or more, each after a session of
// its client, never before that session nor in the future, and the client's row shows them.
func TestDemoRecordsResults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.Now))
	res, err := demo.Generate(ctx, s, demo.Options{Clients: 60, Sessions: 300, Seed: 4, PhotoClients: -1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Results < 20 || res.Results > 120 {
		t.Fatalf("%d results for 60 clients' 300 sessions", res.Results)
	}
	grades, seen := map[data.GAIS]int{}, 0
	for _, c := range allClients(t, s, data.ClientQuery{}) {
		results, err := s.Outcomes(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		tl, err := s.Timeline(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range results {
			seen++
			grades[o.GAIS]++
			i := slices.IndexFunc(tl, func(e data.TimelineEntry) bool { return e.SessionID == o.SessionID })
			if i < 0 || o.AssessedAt.Before(tl[i].StartedAt) || o.AssessedAt.After(testkit.Now) {
				t.Fatalf("result %+v follows no session of %s at or before it", o, c.Name())
			}
		}
	}
	if seen != res.Results || len(grades) < 4 {
		t.Fatalf("%d results read of %d, grades %v", seen, res.Results, grades)
	}
}
