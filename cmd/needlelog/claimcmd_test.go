//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

// Some tests need a second Needlelog process: the app holding a practice open, or a command
// writing to it. They re-run the test binary, running only their own test, with childEnv saying
// what the child does: "app" opens the practice named by childDBEnv as the app does and holds it
// until killed; "cli" runs the command line in childArgsEnv (JSON) and exits with its code.
const (
	childEnv     = "NEEDLELOG_CMD_TEST_CHILD"
	childDBEnv   = "NEEDLELOG_CMD_TEST_DB"
	childArgsEnv = "NEEDLELOG_CMD_TEST_ARGS"
)

// beChild runs the child's part when this process is one; the calling test must call it first.
func beChild() {
	switch os.Getenv(childEnv) {
	case "app":
		_, _, err := practice.Open(context.Background(), os.Getenv(childDBEnv), sqlite.Options{})
		if err != nil {
			fmt.Println("failed:", err)
			os.Exit(3)
		}
		fmt.Println("held")
		time.Sleep(time.Hour) // killed here
	case "cli":
		var args []string
		if err := json.Unmarshal([]byte(os.Getenv(childArgsEnv)), &args); err != nil {
			os.Exit(3)
		}
		os.Exit(run(context.Background(), args, os.Stdout, os.Stderr))
	}
}

func childCmd(t *testing.T, testName string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^"+testName+"$", "-test.count=1", "-test.v=false", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// appInChild opens the practice at db in another process, as the app does, and holds it until
// the test ends or stop is called.
func appInChild(t *testing.T, testName, db string) (stop func()) {
	t.Helper()
	cmd := childCmd(t, testName, childEnv+"=app", childDBEnv+"="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop = func() { cmd.Process.Kill(); cmd.Wait() }
	t.Cleanup(stop)
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(out).ReadString('\n')
		line <- l
	}()
	select {
	case l := <-line:
		if l != "held\n" {
			t.Fatalf("the child did not open %s: %q", db, l)
		}
	case <-time.After(time.Minute):
		t.Fatal("the child never opened the practice")
	}
	return stop
}

// cliInChild starts the command line args in another process; wait returns its exit code and output.
func cliInChild(t *testing.T, testName string, args ...string) (wait func() (int, string)) {
	t.Helper()
	js, _ := json.Marshal(args)
	cmd := childCmd(t, testName, childEnv+"=cli", childArgsEnv+"="+string(js))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return func() (int, string) {
		err := cmd.Wait()
		if err != nil && cmd.ProcessState == nil {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), out.String()
	}
}

// clientsCSV writes a CSV file of n clients, numbered from first, and returns its path.
func clientsCSV(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("First name,Last name,Date of birth,Email\n")
	for i := range n {
		fmt.Fprintf(&b, "Ann%d,Writer,1980-01-%02d,ann%d@example.com\n", i, i%28+1, i)
	}
	p := filepath.Join(t.TempDir(), "clients.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func clientCount(t *testing.T, db string) string {
	t.Helper()
	return checkCounts(t, db)["clients"]
}

var inUseSentence = regexp.MustCompile(`^needlelog [a-z ]+: "[^"]+" is open in Needlelog on this computer \(in its window, or in ` +
	`another command writing to it\); close it, or [^\n]+\. Nothing was (imported|written)\.\n$`)

// TestWritingCommandsRefuseWhileTheAppHasThePractice: with the practice open in the app (another
// process), every import refuses in a sentence, exits 1 and writes nothing; exports, which add
// only their audit entry, go on (a nightly archive of a PC left with the app open).
func TestWritingCommandsRefuseWhileTheAppHasThePractice(t *testing.T) {
	beChild()
	f := newImportFixture(t)
	photo := put(t, filepath.Join(t.TempDir(), "a.jpg"), smallJPEG(t, 90), time.Now())
	csv := clientsCSV(t, 3)
	before := checkCounts(t, f.db)
	appInChild(t, "TestWritingCommandsRefuseWhileTheAppHasThePractice", f.db)
	out := filepath.Join(t.TempDir(), "out")
	for _, args := range [][]string{
		{"import", "clients", "--db", f.db, csv},
		{"import", "photos", "--db", f.db, "--client", f.anna.ID, photo},
	} {
		code, stdout, errOut := runCLI(t, args...)
		if code != 1 || stdout != "" || !inUseSentence.MatchString(errOut) {
			t.Errorf("%s while the app has the practice: exit %d, out %q, err %q", strings.Join(args[:2], " "), code, stdout, errOut)
		}
	}
	after := checkCounts(t, f.db)
	if after["clients"] != before["clients"] || after["photos"] != before["photos"] {
		t.Errorf("refused imports changed the practice: %v, was %v", after, before)
	}
	for _, args := range [][]string{
		{"export", "client", "--db", f.db, "-o", out + ".pdf", f.anna.ID},
		{"export", "sheets", "--db", f.db, "-o", out + ".xlsx"},
		{"export", "archive", "--db", f.db, "-o", out + ".zip"},
	} {
		if code, stdout, errOut := runCLI(t, args...); code != 0 {
			t.Errorf("%s while the app has the practice: exit %d, out %q, err %q", strings.Join(args[:2], " "), code, stdout, errOut)
		}
	}
	if written, _ := filepath.Glob(out + "*"); len(written) != 3 {
		t.Errorf("exports wrote %v", written)
	}
}

// TestRestoreRefusesWhileACommandWrites: a command importing clients holds the practice for its run:
// a restore started meanwhile, and a second import, are refused, and every row of the first import
// lands in the practice, not in a file set aside.
func TestRestoreRefusesWhileACommandWrites(t *testing.T) {
	beChild()
	db := newPractice(t)
	dir := t.TempDir()
	if code, out, errOut := runCLI(t, "backup", "--db", db, "--to", dir); code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	list, err := backupsOf(dir, db)
	if err != nil || len(list) != 1 {
		t.Fatalf("backups %v %v", list, err)
	}
	// The import reads its file from a pipe, which this test fills only once it has tried to restore:
	// the import is under way, its practice claimed, for as long as the test needs.
	pipe := filepath.Join(t.TempDir(), "clients.csv")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	wait := cliInChild(t, "TestRestoreRefusesWhileACommandWrites", "import", "clients", "--db", db, pipe)
	w, err := os.OpenFile(pipe, os.O_WRONLY, 0) // returns once the import has opened it
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); !practice.Claimed(db); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the import never claimed the practice")
		}
	}
	code, out, errOut := runCLI(t, "restore", "--from", list[0].Path, "--db", db, "--force")
	if code != 1 || !strings.Contains(errOut, "open in another Needlelog window") {
		t.Errorf("restore during an import: exit %d\n%s%s", code, out, errOut)
	}
	if aside, _ := filepath.Glob(strings.TrimSuffix(db, filepath.Ext(db)) + ".replaced-*"); len(aside) > 0 {
		t.Errorf("a refused restore set the practice aside: %v", aside)
	}
	code, out, errOut = runCLI(t, "import", "clients", "--db", db, clientsCSV(t, 5))
	if code != 1 || out != "" || !inUseSentence.MatchString(errOut) ||
		!strings.Contains(errOut, "close it, or import from the app's File menu") {
		t.Errorf("a second import during the first: exit %d, out %q, err %q", code, out, errOut)
	}
	csv, err := os.ReadFile(clientsCSV(t, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(csv); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if code, out := wait(); code != 0 || !strings.Contains(out, "1000 imported, 0 already in the practice, 0 not imported") {
		t.Fatalf("the import: exit %d\n%s", code, out)
	}
	if got := clientCount(t, db); got != "1000" {
		t.Errorf("the practice has %s clients after the import, want 1000", got)
	}
	// Once it is done, the practice is free again.
	if code, out, errOut := runCLI(t, "restore", "--from", list[0].Path, "--db", db, "--force"); code != 0 {
		t.Errorf("restore after the import: exit %d\n%s%s", code, out, errOut)
	}
}

// TestBackupNeverPrunesThePracticeItBacksUp: a practice kept in its backup folder under an old
// backup's name, open in the app, is backed up there with one day kept: the backup is made, and
// the practice is not removed as an old backup; nor is it once the app has closed.
func TestBackupNeverPrunesThePracticeItBacksUp(t *testing.T) {
	beChild()
	src := demoFile(t)
	bk := t.TempDir()
	code, out, errOut := runCLI(t, "backup", "--db", src, "--to", bk)
	if code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	made := backedUp.FindStringSubmatch(out)[1]
	id := strings.Split(filepath.Base(made), "-")[1]
	bk3 := t.TempDir()
	live := filepath.Join(bk3, "needlelog-"+id+"-20201101-100000.db")
	copyFile(t, made, live)
	want := checkCounts(t, live)

	stop := appInChild(t, "TestBackupNeverPrunesThePracticeItBacksUp", live)
	for _, when := range []string{"while the app has it open", "after the app closed"} {
		code, out, errOut := runCLI(t, "backup", "--db", live, "--to", bk3, "--daily", "1", "--weekly", "0")
		if code != 0 || !strings.HasPrefix(out, "Backed up ") || strings.Contains(out, "Removed old backup "+quote(live)) {
			t.Errorf("backup %s: exit %d\n%s%s", when, code, out, errOut)
		}
		if got := checkCounts(t, live); !equalMaps(got, want) {
			t.Fatalf("the practice %s: %v, want %v", when, got, want)
		}
		stop()
	}
}

// TestRestoreRefusesAPlantedLockLink: a link planted where the practice's lock file goes, to a
// private file of the user's: restore refuses in one sentence naming the lock file, the practice is
// not replaced, and the private file keeps its permissions.
func TestRestoreRefusesAPlantedLockLink(t *testing.T) {
	db := demoFile(t)
	dir := filepath.Dir(db)
	if code, out, errOut := runCLI(t, "backup", "--db", db, "--to", filepath.Join(dir, "bk")); code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	list, err := backupsOf(filepath.Join(dir, "bk"), db)
	if err != nil || len(list) != 1 {
		t.Fatalf("backups %v %v", list, err)
	}
	secret := filepath.Join(dir, "secret")
	for _, err := range []error{os.Chmod(db, 0o666), os.WriteFile(secret, []byte("s\n"), 0o600), os.Chmod(secret, 0o600),
		os.Remove(db + ".lock"), os.Symlink("secret", db+".lock")} {
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	before := checkCounts(t, db)
	code, out, errOut := runCLI(t, "restore", "--from", list[0].Path, "--db", db, "--force")
	if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 ||
		!strings.Contains(errOut, "the lock file "+db+".lock is a link or not a plain file") {
		t.Errorf("restore through a planted link: exit %d, out %q, err %q", code, out, errOut)
	}
	if info, _ := os.Stat(secret); info.Mode().Perm() != 0o600 {
		t.Errorf("the private file is now %v", info.Mode().Perm())
	}
	if aside, _ := filepath.Glob(strings.TrimSuffix(db, filepath.Ext(db)) + ".replaced-*"); len(aside) > 0 || !equalMaps(checkCounts(t, db), before) {
		t.Errorf("a refused restore replaced the practice (%v)", aside)
	}
}
