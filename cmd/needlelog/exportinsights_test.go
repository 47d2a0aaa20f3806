package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/storetest"
)

// foldedPDF is a PDF's text with runs of spaces and line breaks folded to one space, so that a
// sentence wrapped over lines, or a table row spaced out in columns, reads as one.
func foldedPDF(t *testing.T, path string) string {
	t.Helper()
	return strings.Join(strings.Fields(pdfText(t, path)), " ")
}

func requireAll(t *testing.T, what, text string, want ...string) {
	t.Helper()
	lacks := false
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q", what, w)
			lacks = true
		}
	}
	if lacks {
		t.Logf("%s:\n%s", what, text)
	}
}

func TestExportInsights(t *testing.T) {
	db := insightsFile(t)
	// The signals the practice's figures raise, each said by its own sentence.
	s, err := sqlite.Open(context.Background(), db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := insights.NewBuilder(storetest.InsightsPeriod)
	if err := s.InsightFacts(context.Background(), storetest.InsightsPeriod, func(f *insights.Fact) error { b.Add(f); return nil }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	signals := b.Report().Signals
	if len(signals) != 7 {
		t.Fatalf("the practice raises %d signals, want 7", len(signals))
	}

	dir := t.TempDir()
	out := filepath.Join(dir, "report.pdf")
	code, stdout, errOut := runCLI(t, "export", "insights", "--db", db, "--from", "2025-03-01", "--to", "2025-04-30", "-o", out)
	if code != 0 || stdout != "wrote "+quote(out)+"\n" || errOut != "" {
		t.Fatalf("exit %d: %s%s", code, stdout, errOut)
	}
	text := foldedPDF(t, out)
	want := []string{
		"Practice report", "1 Mar 2025 to 30 Apr 2025 · All practitioners",
		// The headline figures, worked out by hand in storetest.InsightsPractice.
		"Sessions 42", "With side effects 14.3% (6 of 42 sessions)", "Clients 4 clients: 3 new, 1 returning",
		"Series 1 started, 1 completed", "Interval kept 19 days on average, 28 planned, before a series' second or later session (2 sessions)",
		"3 sessions assessed; 1 of 3 improved or better", "2,900.00 from 27 of 42 sessions with a price recorded",
		// The tables: a small group is its counts with the note, never a percentage.
		"March 2025 12 6 50.0", "April 2025 30 0 0.0",
		"0.5–1.0 10 6 60.0", "1.0–1.5 4 0 too few to rate (under 10 sessions)", ">2.0 1 0 too few to rate",
		"Cheeks 14 6 42.9", "Forehead 26 0 0.0", "Nose 1 0 too few to rate",
		"HA serum 12 6 50.0", "III 10 6 60.0", "II 2 0 too few to rate", "not recorded 25 0 0.0",
		"Dr Lee 12 6 50.0", "Sam Ray 25 0 0.0", "Pen A 12 6 50.0", "Roller B 25 0 0.0",
		"BAD-1 (Nano 12) 10 6 60.0", "OK-2 (Nano 12) 25 0 0.0",
		"March 2025 400.00 2 of 12", "April 2025 2,500.00 25 of 30", "Period 2,900.00 27 of 42",
		"Erythema 5 4 of 5 2.5 2", "Post-inflammatory hyperpigmentation 1 1 of 1 10 10",
		"Acne scars 2 0 1 0 0 1", "Texture 1 0 0 0 0 1", "≤0.5 1 0 0 0 1 0",
	}
	for _, g := range signals {
		want = append(want, strings.ToUpper(g.Sentence()[:1])+g.Sentence()[1:])
	}
	requireAll(t, "the practice report", text, want...)
	// Each figure has its chart, an image crisp in print.
	if n := crispImages(t, out); n != 12 {
		t.Errorf("the report holds %d charts, want 12: sessions and revenue per month, 7 rates, resolutions, 2 of results", n)
	}
	// The signals come before the figures they stand out from.
	if i, j := strings.Index(text, "Safety signals"), strings.Index(text, "Sessions per month"); i < 0 || j < i {
		t.Errorf("the safety signals are not before the figures (%d, %d)", i, j)
	}

	// One practitioner's sessions, named in any letter case.
	one := filepath.Join(dir, "ray.pdf")
	if code, _, errOut := runCLI(t, "export", "insights", "--db", db, "--from", "2025-03-01", "--to", "2025-04-30",
		"--practitioner", "sam RAY", "-o", one); code != 0 {
		t.Fatalf("--practitioner: exit %d: %s", code, errOut)
	}
	requireAll(t, "Sam Ray's report", foldedPDF(t, one), "1 Mar 2025 to 30 Apr 2025 · Sam Ray", "Sessions 25",
		"0.0% (0 of 25 sessions)", "No safety signal")

	// Beyond the expected side effects (Erythema is filed as expected), only Bo's hyperpigmentation counts.
	beyond := filepath.Join(dir, "beyond.pdf")
	if code, _, errOut := runCLI(t, "export", "insights", "--db", db, "--from", "2025-03-01", "--to", "2025-04-30",
		"--beyond-expected", "-o", beyond); code != 0 {
		t.Fatalf("--beyond-expected: exit %d: %s", code, errOut)
	}
	text = foldedPDF(t, beyond)
	requireAll(t, "the report beyond the expected side effects", text,
		"1 Mar 2025 to 30 Apr 2025 · All practitioners · Side effects beyond the expected ones",
		"With side effects 2.4% (1 of 42 sessions), counting only side effects beyond the expected ones", "No safety signal", "BAD-1 (Nano 12) 10 1 10.0",
		"Post-inflammatory hyperpigmentation 1 1 of 1 10 10", "Only side effects beyond the expected ones count")
	if strings.Contains(text, "Erythema") {
		t.Error("the report beyond the expected side effects names Erythema")
	}

	// A period without a session says so.
	empty := filepath.Join(dir, "june.pdf")
	if code, _, errOut := runCLI(t, "export", "insights", "--db", db, "--from", "2025-06-01", "--to", "2025-06-30", "-o", empty); code != 0 {
		t.Fatalf("an empty period: exit %d: %s", code, errOut)
	}
	requireAll(t, "an empty period's report", foldedPDF(t, empty), "1 Jun 2025 to 30 Jun 2025",
		"No session started in this period")
	if n := crispImages(t, empty); n != 0 {
		t.Errorf("an empty period's report holds %d charts", n)
	}
}

// crispImages counts the images of a PDF, failing for any printed at fewer than 200 dots per inch.
func crispImages(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command("pdfimages", "-list", path).Output()
	if err != nil {
		t.Fatalf("pdfimages -list %s: %v", path, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 2 {
		t.Fatalf("pdfimages says %q", out)
	}
	n := 0
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		if len(f) < 14 {
			t.Fatalf("pdfimages line %q", l)
		}
		for _, ppi := range f[12:14] { // x-ppi, y-ppi
			if v, err := strconv.Atoi(ppi); err != nil || v < 200 {
				t.Errorf("an image is printed at %s dpi: %s", ppi, l)
			}
		}
		n++
	}
	return n
}

func TestExportInsightsRefusesBadArguments(t *testing.T) {
	db := insightsFile(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "report.pdf")
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"--from", "2025-13-01", "-o", out}, "needlelog export insights: --from: "},
		{[]string{"--to", "soon", "-o", out}, "needlelog export insights: --to: "},
		{[]string{"--from", "2025-04-02", "--to", "2025-04-01", "-o", out}, "needlelog export insights: --to comes before --from\n"},
		{[]string{"--practitioner", "Dr Nobody", "-o", out},
			`needlelog export insights: --practitioner: no practitioner is called "Dr Nobody" (the practice has: Dr Lee, Sam Ray)` + "\n"},
		{[]string{"--from", "2025-03-01"}, "needlelog export insights: -o PATH is required: where to write\n"},
		{[]string{"-o", out, "extra"}, `needlelog export insights: takes no "extra"`},
	} {
		code, stdout, errOut := runCLI(t, append([]string{"export", "insights", "--db", db}, tc.args...)...)
		if code == 0 || stdout != "" || !strings.HasPrefix(errOut, tc.says) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: exit %d, out %q, said %q; want non-zero and %q", tc.args, code, stdout, errOut, tc.says)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("%q wrote %d files", tc.args, len(entries))
		}
	}
}

// The practice on the clinic's server gives the same report.
func TestExportInsightsOnTheServer(t *testing.T) {
	serverEnv(t)
	_, app, _ := initPractice(t)
	s, err := postgres.Open(context.Background(), app, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	storetest.InsightsPractice(t, s)
	s.Close()
	out := filepath.Join(t.TempDir(), "server.pdf")
	code, _, errOut := runCLI(t, "export", "insights", "--db", app, "--from", "2025-03-01", "--to", "2025-04-30",
		"--practitioner", "Dr Lee", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	requireAll(t, "the server practice's report", foldedPDF(t, out), "1 Mar 2025 to 30 Apr 2025 · Dr Lee",
		"Sessions 12", "50.0% (6 of 12 sessions)", "BAD-1 (Nano 12) 10 6 60.0")
}
