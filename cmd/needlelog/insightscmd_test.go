package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/storetest"
)

// insightsFile writes storetest's sample practice, whose figures are worked out by hand, to a file.
func insightsFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true, Now: testkit.NewClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	storetest.InsightsPractice(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

const few = "too few to rate (under 10 sessions)"

// insightsByGroup is what the command prints for the sample practice from 1 March to 30 April 2025.
var insightsByGroup = map[string]string{
	"month": "month\tsessions\tsessions with side effects\trate (%)\n" +
		"2025-03\t12\t6\t50.0\n" +
		"2025-04\t30\t0\t0.0\n",
	"depth": "depth\tsessions\tsessions with side effects\trate (%)\n" +
		"≤0.5\t26\t0\t0.0\n" +
		"0.5–1.0\t10\t6\t60.0\n" +
		"1.0–1.5\t4\t0\t" + few + "\n" +
		"1.5–2.0\t1\t0\t" + few + "\n" +
		">2.0\t1\t0\t" + few + "\n",
	"zone": "zone\tsessions\tsessions with side effects\trate (%)\n" +
		"Cheeks\t14\t6\t42.9\n" +
		"Chin\t1\t0\t" + few + "\n" +
		"Forehead\t26\t0\t0.0\n" +
		"Neck\t1\t0\t" + few + "\n" +
		"Nose\t1\t0\t" + few + "\n",
	"product": "product\tsessions\tsessions with side effects\trate (%)\n" +
		"HA serum\t12\t6\t50.0\n",
	"fitzpatrick": "fitzpatrick\tsessions\tsessions with side effects\trate (%)\n" +
		"II\t2\t0\t" + few + "\n" +
		"III\t10\t6\t60.0\n" +
		"VI\t5\t0\t" + few + "\n" +
		"not recorded\t25\t0\t0.0\n",
	"practitioner": "practitioner\tsessions\tsessions with side effects\trate (%)\n" +
		"Dr Lee\t12\t6\t50.0\n" +
		"Sam Ray\t25\t0\t0.0\n" +
		"not recorded\t5\t0\t" + few + "\n",
	"device": "device\tsessions\tsessions with side effects\trate (%)\n" +
		"Pen A\t12\t6\t50.0\n" +
		"Roller B\t25\t0\t0.0\n" +
		"not recorded\t5\t0\t" + few + "\n",
	"lot": "lot\tsessions\tsessions with side effects\trate (%)\n" +
		"BAD-1 (Nano 12)\t10\t6\t60.0\n" +
		"HA-1 (HA serum)\t10\t6\t60.0\n" +
		"OK-2 (Nano 12)\t25\t0\t0.0\n",
}

func TestInsightsCommand(t *testing.T) {
	db := insightsFile(t)
	for by, want := range insightsByGroup {
		code, out, errOut := runCLI(t, "insights", "--db", db, "--from", "2025-03-01", "--to", "2025-04-30", "--by", by)
		if code != 0 || errOut != "" || out != want {
			t.Errorf("--by %s: exit %d, %q\n got:\n%s\nwant:\n%s", by, code, errOut, out, want)
		}
	}
	// No period: the sessions of 20 February (with a side effect) and 1 May count too.
	code, out, _ := runCLI(t, "insights", "--db", db, "--by", "month")
	want := "month\tsessions\tsessions with side effects\trate (%)\n2025-02\t1\t1\t" + few + "\n" +
		"2025-03\t12\t6\t50.0\n2025-04\t30\t0\t0.0\n2025-05\t1\t0\t" + few + "\n"
	if code != 0 || out != want {
		t.Errorf("all sessions: exit %d\n%s", code, out)
	}
	// One practitioner, by name in any case; one day; a period with no session.
	code, out, _ = runCLI(t, "insights", "--db", db, "--practitioner", "sam RAY", "--by", "practitioner")
	if want := "practitioner\tsessions\tsessions with side effects\trate (%)\nSam Ray\t25\t0\t0.0\n"; code != 0 || out != want {
		t.Errorf("--practitioner: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "insights", "--db", db, "--from", "2025-04-30", "--to", "2025-04-30", "--by", "depth")
	if want := "depth\tsessions\tsessions with side effects\trate (%)\n1.0–1.5\t1\t0\t" + few + "\n"; code != 0 || out != want {
		t.Errorf("30 April: exit %d\n%s", code, out)
	}
	// Beyond the expected side effects: Bo's erythema is expected, his hyperpigmentation is not.
	code, out, _ = runCLI(t, "insights", "--db", db, "--from", "2025-03-01", "--to", "2025-04-30", "--beyond-expected", "--by", "lot")
	if want := "lot\tsessions\tsessions with side effects\trate (%)\nBAD-1 (Nano 12)\t10\t1\t10.0\n" +
		"HA-1 (HA serum)\t10\t1\t10.0\nOK-2 (Nano 12)\t25\t0\t0.0\n"; code != 0 || out != want {
		t.Errorf("--beyond-expected: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "insights", "--db", db, "--from", "2025-06-01", "--by", "lot")
	if want := "lot\tsessions\tsessions with side effects\trate (%)\n"; code != 0 || out != want {
		t.Errorf("an empty period: exit %d\n%s", code, out)
	}
}

func TestInsightsCommandRefusesBadFlags(t *testing.T) {
	db := insightsFile(t)
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"--db", db}, "needlelog insights: --by is required: month, depth, zone, product, fitzpatrick, practitioner, device or lot\n"},
		{[]string{"--db", db, "--by", "colour"}, `needlelog insights: --by: "colour" is not a grouping; use one of month, depth, zone, product, fitzpatrick, practitioner, device, lot` + "\n"},
		{[]string{"--db", db, "--by", "lot", "--from", "2025-13-01"}, "needlelog insights: --from: "},
		{[]string{"--db", db, "--by", "lot", "--to", "soon"}, "needlelog insights: --to: "},
		{[]string{"--db", db, "--by", "lot", "--from", "2025-04-02", "--to", "2025-04-01"}, "needlelog insights: --to comes before --from\n"},
		{[]string{"--db", db, "--by", "lot", "--practitioner", "Dr Nobody"}, `needlelog insights: --practitioner: no practitioner is called "Dr Nobody"`},
		{[]string{"--db", db, "--by", "lot", "extra"}, `needlelog insights: unexpected argument "extra"`},
	} {
		code, out, errOut := runCLI(t, append([]string{"insights"}, tc.args...)...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, tc.says) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: exit %d, out %q, said %q; want 2 and %q", tc.args, code, out, errOut, tc.says)
		}
	}
}

func TestInsightsCommandOnTheServer(t *testing.T) {
	serverEnv(t)
	_, app, _ := initPractice(t)
	ctx := context.Background()
	s, err := postgres.Open(ctx, app, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	storetest.InsightsPractice(t, s)
	s.Close()
	code, out, errOut := runCLI(t, "insights", "--db", app, "--from", "2025-03-01", "--to", "2025-04-30", "--by", "lot")
	if code != 0 || out != insightsByGroup["lot"] {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
}
