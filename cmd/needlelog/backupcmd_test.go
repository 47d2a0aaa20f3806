package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// checkCounts runs 'needlelog check' on path and returns its figures by name.
func checkCounts(t *testing.T, path string) map[string]string {
	t.Helper()
	return checkCountsExiting(t, path, 0)
}

// checkCountsExiting is checkCounts of a practice whose check exits with want (1: photos lost).
func checkCountsExiting(t *testing.T, path string, want int) map[string]string {
	t.Helper()
	code, out, errOut := runCLI(t, "check", "--db", path)
	if code != want {
		t.Fatalf("check %s: exit %d\n%s%s", path, code, out, errOut)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		k, v, _ := strings.Cut(line, ":")
		got[k] = strings.TrimSpace(v)
	}
	delete(got, "database")
	// Whether its drive is encrypted is said of where the file is, not of what it holds.
	delete(got, "disk encryption")
	// The photo folder is named by where the file is; what it holds is compared.
	if v, ok := got["photo folder"]; ok {
		if _, rest, found := strings.Cut(v, `": `); found {
			got["photo folder"] = rest
		}
	}
	return got
}

var backedUp = regexp.MustCompile(`^Backed up ".+" to "(.+demo-[0-9a-f]{8}-\d{8}-\d{6}(?:-\d+)?\.db)" \((\d+ KB|\d+\.\d MB), checked\): (\d+) photo files? copied, (\d+ KB|\d+\.\d MB) written\.\n`)

func TestBackupThenRestore(t *testing.T) {
	path := demoFile(t)
	want := checkCounts(t, path)
	dir := filepath.Join(t.TempDir(), "backups")
	code, out, errOut := runCLI(t, "backup", "--db", path, "--to", dir)
	if code != 0 || errOut != "" {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	m := backedUp.FindStringSubmatch(out)
	if m == nil || filepath.Dir(m[1]) != dir {
		t.Fatalf("backup said %q", out)
	}
	backup := m[1]
	if got := checkCounts(t, backup); !equalMaps(got, want) {
		t.Errorf("the backup's check %v, want %v", got, want)
	}

	if m[3] != "0" {
		t.Errorf("a practice without photos: %s photo files copied", m[3])
	}

	restored := filepath.Join(t.TempDir(), "restored.db")
	code, out, errOut = runCLI(t, "restore", "--from", backup, "--db", restored)
	if code != 0 || errOut != "" || out != "Restored "+quote(backup)+" to "+quote(restored)+".\n" {
		t.Fatalf("restore into a new file: exit %d\n%s%s", code, out, errOut)
	}
	if got := checkCounts(t, restored); !equalMaps(got, want) {
		t.Errorf("the restored file's check %v, want %v", got, want)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// openAsTheApp opens the practice at path as the app does, holding its claim, until the test ends.
func openAsTheApp(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, claim, err := practice.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); claim.Release() })
	return s
}

func TestBackupWhileTheAppHasTheFileOpen(t *testing.T) {
	path := demoFile(t)
	ctx := context.Background()
	s := openAsTheApp(t, path)
	c := data.Client{FirstName: "Open", LastName: "Window"}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "backup", "--db", path, "--to", dir)
	if code != 0 || !backedUp.MatchString(out) {
		t.Fatalf("backup while the app has the file: exit %d\n%s%s", code, out, errOut)
	}
	if got := checkCounts(t, backedUp.FindStringSubmatch(out)[1])["clients"]; got != "31" {
		t.Errorf("the backup has %s clients, want 31 (the app's latest save included)", got)
	}
}

func TestBackupRemovesOldBackups(t *testing.T) {
	path := demoFile(t)
	dir := t.TempDir()
	// Older backups of the practice, named before backups carried its identity: copies of it.
	practice, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var old []string
	for _, name := range []string{"demo-20200101-000000.db", "demo-20200102-000000.db"} {
		old = append(old, filepath.Join(dir, name))
		if err := os.WriteFile(old[len(old)-1], practice, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Another database's backup, and a file named as an older backup that holds no practice.
	for _, name := range []string{"other-20200101-000000.db", "demo-20191231-000000.db"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("not a practice"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runCLI(t, "backup", "--db", path, "--to", dir, "--daily", "1", "--weekly", "0")
	if code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	for _, p := range old {
		if !strings.Contains(out, "Removed old backup "+quote(p)+"\n") {
			t.Errorf("the output does not name %s as removed:\n%s", p, out)
		}
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still there", p)
		}
	}
	for _, name := range []string{"other-20200101-000000.db", "demo-20191231-000000.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("a file not known as this practice's backup was touched: %v", err)
		}
	}
}

// TestBackupsOfTwoPracticesOfOneNameInOneFolder: two practices both called needlelog.db, in folders
// of their own, backed up into one folder. Each backup is named with its practice's identity, and
// pruning one practice's backups never removes the other's, older backups named without the
// identity included (whose identity is read from inside).
func TestBackupsOfTwoPracticesOfOneNameInOneFolder(t *testing.T) {
	a := filepath.Join(t.TempDir(), "needlelog.db")
	c := filepath.Join(t.TempDir(), "needlelog.db")
	for _, p := range []string{a, c} {
		if code, out, errOut := runCLI(t, "demo", "--db", p, "--clients", "3", "--sessions", "6"); code != 0 {
			t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
		}
	}
	dir := t.TempDir()
	// Backups from before names carried the identity: a copy of each practice, a day old.
	older := func(db, stamp string) string {
		p := filepath.Join(dir, "needlelog-"+stamp+".db")
		b, err := os.ReadFile(db)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	yesterday := time.Now().UTC().AddDate(0, 0, -1)
	aOld := older(a, yesterday.Format("20060102-150405"))
	cOld := older(c, yesterday.Add(time.Second).Format("20060102-150405"))

	named := regexp.MustCompile(`^Backed up ".+" to "(.+needlelog-([0-9a-f]{8})-\d{8}-\d{6}(-\d+)?\.db)" \(`)
	backUp := func(db string, args ...string) (path, id, out string) {
		t.Helper()
		code, out, errOut := runCLI(t, append([]string{"backup", "--db", db, "--to", dir}, args...)...)
		m := named.FindStringSubmatch(out)
		if code != 0 || errOut != "" || m == nil {
			t.Fatalf("backup %s: exit %d\n%s%s", db, code, out, errOut)
		}
		return m[1], m[2], out
	}
	aNew, aID, _ := backUp(a)
	cNew, cID, out := backUp(c, "--daily", "1", "--weekly", "0")
	if aID == cID {
		t.Fatalf("both practices' backups carry %s", aID)
	}
	// C's backup removed C's older one, and none of A's.
	if want := "Removed old backup " + quote(cOld) + "\n"; !strings.HasSuffix(out, want) || strings.Count(out, "Removed") != 1 {
		t.Errorf("C's backup said:\n%s", out)
	}
	for _, p := range []string{aOld, aNew, cNew} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s after C's backup: %v", filepath.Base(p), err)
		}
	}
	// A's latest backup (what the app's status line and the damaged-file window offer) is its own.
	for db, want := range map[string][]string{a: {aNew, aOld}, c: {cNew}} {
		list, err := backupsOf(dir, db)
		var got []string
		for _, b := range list {
			got = append(got, b.Path)
		}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("backups of %s: %v %v, want %v", db, got, err, want)
		}
	}
	_, _, out = backUp(a, "--daily", "1", "--weekly", "0")
	if strings.Contains(out, cNew) || !strings.Contains(out, "Removed old backup "+quote(aOld)+"\n") {
		t.Errorf("A's second backup said:\n%s", out)
	}
	if _, err := os.Stat(cNew); err != nil {
		t.Errorf("C's only backup after A's: %v", err)
	}
}

func TestRestoreNeedsForceAndKeepsTheReplacedFile(t *testing.T) {
	path := demoFile(t)
	dir := t.TempDir()
	if code, out, errOut := runCLI(t, "backup", "--db", path, "--to", dir); code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	list, err := backupsOf(dir, path)
	if err != nil || len(list) != 1 {
		t.Fatalf("backups %v %v", list, err)
	}
	// The database changes after the backup.
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := data.Client{FirstName: "After", LastName: "Backup"}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, _ := os.ReadFile(path)

	code, out, errOut := runCLI(t, "restore", "--from", list[0].Path, "--db", path)
	if code != 1 || !strings.Contains(errOut, "--force") || !strings.HasPrefix(errOut, "needlelog restore: ") {
		t.Fatalf("restore over a database without --force: exit %d\n%s%s", code, out, errOut)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("a refused restore changed the database")
	}

	code, out, errOut = runCLI(t, "restore", "--from", list[0].Path, "--db", path, "--force")
	if code != 0 || errOut != "" {
		t.Fatalf("restore --force: exit %d\n%s%s", code, out, errOut)
	}
	m := regexp.MustCompile(`\nThe file it replaced is kept as "(.+\.replaced-\d{8}-\d{6}\.db)"\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("restore --force said %q", out)
	}
	if got := checkCounts(t, path)["clients"]; got != "30" {
		t.Errorf("the restored database has %s clients, want the backup's 30", got)
	}
	if got := checkCounts(t, m[1])["clients"]; got != "31" {
		t.Errorf("the kept file has %s clients, want 31", got)
	}
}

func TestRestoreRefusesWhileTheAppHasTheFile(t *testing.T) {
	path := demoFile(t)
	dir := t.TempDir()
	if code, out, errOut := runCLI(t, "backup", "--db", path, "--to", dir); code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	list, _ := backupsOf(dir, path)
	claim, err := practice.ClaimDatabase(path)
	if err != nil {
		t.Fatal(err)
	}
	defer claim.Release()
	code, out, errOut := runCLI(t, "restore", "--from", list[0].Path, "--db", path, "--force")
	if code != 1 || !strings.Contains(errOut, "open in another Needlelog window") {
		t.Fatalf("restore while the app has the file: exit %d\n%s%s", code, out, errOut)
	}
}

// TestRestoreRefusesWhileTheAppHasTheFileByAnotherName: the app opened the practice through a
// symbolic link, a linked folder or a hard link; restore names it by its own path and must refuse,
// or the app would go on saving into the file restore moved aside.
func TestRestoreRefusesWhileTheAppHasTheFileByAnotherName(t *testing.T) {
	path := demoFile(t)
	dir := t.TempDir()
	if code, out, errOut := runCLI(t, "backup", "--db", path, "--to", dir); code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	list, err := backupsOf(dir, path)
	if err != nil || len(list) != 1 {
		t.Fatalf("backups %v %v", list, err)
	}
	top := t.TempDir()
	names := map[string]string{
		"a symbolic link":     filepath.Join(top, "link.db"),
		"a linked folder":     filepath.Join(top, "folder", filepath.Base(path)),
		"a folder and \"..\"": filepath.Join(filepath.Dir(path), "sub") + "/../" + filepath.Base(path),
	}
	if err := os.Symlink(path, names["a symbolic link"]); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Dir(path), filepath.Join(top, "folder")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(filepath.Dir(path), "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "linux" { // where the claim holds the file itself
		names["a hard link"] = filepath.Join(top, "hard.db")
		if err := os.Link(path, names["a hard link"]); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := os.ReadFile(path)
	for how, name := range names {
		claim, err := practice.ClaimDatabase(name)
		if err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runCLI(t, "restore", "--from", list[0].Path, "--db", path, "--force")
		claim.Release()
		if code != 1 || !strings.Contains(errOut, "open in another Needlelog window") {
			t.Errorf("restore while the app has the file through %s: exit %d\n%s%s", how, code, out, errOut)
		}
		if after, _ := os.ReadFile(path); string(after) != string(before) {
			t.Fatalf("a refused restore changed the database (app through %s)", how)
		}
		if aside, _ := filepath.Glob(strings.TrimSuffix(path, filepath.Ext(path)) + ".replaced-*"); len(aside) > 0 {
			t.Fatalf("a refused restore set the file aside: %v", aside)
		}
	}
}

func TestRestoreRefusesAFileThatIsNotABackup(t *testing.T) {
	path := demoFile(t)
	before, _ := os.ReadFile(path)
	notes := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(notes, []byte(strings.Repeat("not a database\n", 300)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "restore", "--from", notes, "--db", path, "--force")
	if code != 1 || !strings.Contains(errOut, "not a Needlelog database") || !strings.Contains(errOut, "nothing was changed") {
		t.Fatalf("restore from a text file: exit %d\n%s%s", code, out, errOut)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("the database was changed")
	}
}

func TestBackupAndRestoreUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"backup", "--to", "x"}, 2, "--db PATH is required"},
		{[]string{"backup", "--db", "x.db"}, 2, "--to FOLDER is required"},
		{[]string{"backup", "--db", "x.db", "--to", "y", "--daily", "-1"}, 2, "0 or more"},
		{[]string{"backup", "--db", "x.db", "--to", "y", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"backup", "-h"}, 0, "Usage: needlelog backup --db PATH --to FOLDER"},
		{[]string{"restore", "--db", "x.db"}, 2, "--from FILE is required"},
		{[]string{"restore", "--from", "x.db"}, 2, "--db PATH is required"},
		{[]string{"restore", "-h"}, 0, "Usage: needlelog restore --from FILE --db PATH [--force]"},
	} {
		code, _, errOut := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	backups := filepath.Join(dir, "backups")
	if code, _, errOut := runCLI(t, "backup", "--db", missing, "--to", backups); code != 1 || !strings.Contains(errOut, "does not exist") {
		t.Errorf("backup of a missing file: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(backups); err == nil {
		t.Error("a failed backup created its folder")
	}
	if code, _, errOut := runCLI(t, "restore", "--from", missing, "--db", filepath.Join(dir, "new.db")); code != 1 || !strings.Contains(errOut, "does not exist") {
		t.Errorf("restore from a missing file: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "new.db")); err == nil {
		t.Error("a failed restore created the database")
	}
}

// A backup says how many photo files it copied and how many bytes it wrote: all at first, none
// when the photos are unchanged. A restore copies them back; one whose photo files are missing
// from the backup restores the rest, names the photos it could not bring back on standard error,
// and exits 1.
func TestBackupAndRestorePhotos(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	if code, _, errOut := runCLI(t, "demo", "--db", path, "--clients", "5", "--sessions", "10", "--photos"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	code, out, errOut := runCLI(t, "backup", "--db", path, "--to", dir)
	m := backedUp.FindStringSubmatch(out)
	if code != 0 || errOut != "" || m == nil || m[3] == "0" {
		t.Fatalf("first backup: exit %d\n%s%s", code, out, errOut)
	}
	copied := m[3]
	code, out, errOut = runCLI(t, "backup", "--db", path, "--to", dir)
	m2 := backedUp.FindStringSubmatch(out)
	if code != 0 || m2 == nil || m2[3] != "0" {
		t.Fatalf("a backup of unchanged photos: exit %d\n%s%s", code, out, errOut)
	}

	restored := filepath.Join(t.TempDir(), "restored.db")
	code, out, errOut = runCLI(t, "restore", "--from", m2[1], "--db", restored)
	if code != 0 || errOut != "" || !strings.Contains(out, copied+" photo files copied into "+quote(filepath.Join(filepath.Dir(restored), "restored.photos"))) {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}

	// Every file of the backup's photo store gone: the records still come back.
	if err := os.RemoveAll(filepath.Join(dir, "photos")); err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(t.TempDir(), "bare.db")
	code, out, errOut = runCLI(t, "restore", "--from", m2[1], "--db", bare)
	if code != 1 || !strings.HasPrefix(out, "Restored ") || !strings.HasPrefix(errOut, "needlelog restore: ") ||
		!strings.Contains(errOut, "photos could not be restored: ") || !strings.Contains(errOut, " taken ") ||
		strings.Count(errOut, "\n") != 1 {
		t.Fatalf("restore without the photo files: exit %d\n%s%s", code, out, errOut)
	}
	if got, want := checkCountsExiting(t, bare, 1)["clients"], checkCounts(t, path)["clients"]; got != want {
		t.Errorf("restored without photos: %s clients, want %s", got, want)
	}
}

// A practice of the release before the photo library, not opened since (its photos still inside
// it), is backed up by a script as it is, left unchanged, and the backup restores to a practice
// holding every photo with the bytes that release held.
func TestBackupOfAPracticeOfThePreviousRelease(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join("..", "..", "store", "sqlite", "testdata", "previous-release")
	raw, err := os.ReadFile(filepath.Join(src, "clinic.sums.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sums map[string]struct {
		Original string `json:"original_sha256"`
		Preview  string `json:"preview_sha256"`
	}
	if err := json.Unmarshal(raw, &sums); err != nil || len(sums) != 5 {
		t.Fatalf("clinic.sums.json: %d photos, %v", len(sums), err)
	}
	db, err := os.ReadFile(filepath.Join(src, "clinic.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clinic.db")
	if err := os.WriteFile(path, db, 0o600); err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(t.TempDir(), "backups")
	code, out, errOut := runCLI(t, "backup", "--db", path, "--to", dir)
	m := regexp.MustCompile(`^Backed up ".+" to "(.+clinic-[0-9a-f]{8}-\d{8}-\d{6}\.db)" \(\d+ KB, checked\): 0 photo files copied, \d+ KB written\.\n$`).FindStringSubmatch(out)
	if code != 0 || errOut != "" || m == nil {
		t.Fatalf("backup of a practice of the previous release: exit %d\n%s%s", code, out, errOut)
	}
	if after, err := os.ReadFile(path); err != nil || !bytes.Equal(after, db) {
		t.Errorf("the practice backed up was changed (%v): a backup must leave a practice not yet opened as it is", err)
	}

	restored := filepath.Join(t.TempDir(), "restored.db")
	code, out, errOut = runCLI(t, "restore", "--from", m[1], "--db", restored)
	if code != 0 || errOut != "" {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	s, err := sqlite.Open(ctx, restored, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for id, w := range sums {
		o, err := s.PhotoOriginal(ctx, id)
		if err != nil {
			t.Fatalf("original of %s: %v", id, err)
		}
		p, err := s.PhotoPreview(ctx, id)
		if err != nil {
			t.Fatalf("preview of %s: %v", id, err)
		}
		if photolib.Sum(o) != w.Original || photolib.Sum(p) != w.Preview {
			t.Errorf("photo %s restored with other bytes", id)
		}
	}
	if h, err := s.Check(ctx); err != nil || len(h.Problems)+len(h.LostImages) > 0 || h.Counts["photos"] != 5 {
		t.Errorf("the restored practice's check: %+v, %v", h, err)
	}
}
