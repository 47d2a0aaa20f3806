//go:build wine

package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
)

// TestWindowsZip runs the Windows zip's needlelog-cli.exe under Wine, as a practice would use it,
// from a folder whose name has spaces and accents and on a practice in another such folder; what
// it writes is read back here on Linux with sqlite3, pdftotext and unzip. scripts/wine-test runs it,
// naming the zip in NEEDLELOG_WINDOWS_ZIP, with WINEPREFIX a prefix scripts/wine/prefix made ready.
func TestWindowsZip(t *testing.T) {
	zipPath, prefix := os.Getenv("NEEDLELOG_WINDOWS_ZIP"), os.Getenv("WINEPREFIX")
	if zipPath == "" || prefix == "" {
		t.Fatal("NEEDLELOG_WINDOWS_ZIP and WINEPREFIX must be set: run scripts/wine-test")
	}
	for _, tool := range []string{"wine", "sqlite3", "pdftotext", "unzip", "Xvfb"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run scripts/setup wine", tool)
		}
	}
	w := &winePC{t: t, prefix: prefix}
	// The folders this test makes in the prefix, empty at its start and left as they are after a
	// failure, to look at.
	for _, dir := range []string{`C:\Program Files\Needlelog für Praxen`, `C:\users\Public\Documents\Clínica São José`,
		`C:\users\Public\Documents\Sauvegardes Clínica`, `C:\users\Public\Documents\Zurück geholt`} {
		if err := os.RemoveAll(w.unix(dir)); err != nil {
			t.Fatal(err)
		}
	}
	app := w.unzip(zipPath, `C:\Program Files\Needlelog für Praxen`)
	cli := app + `\needlelog-cli.exe`
	for _, exe := range []string{cli, app + `\Needlelog.exe`, app + `\README.txt`} {
		if _, err := os.Stat(w.unix(exe)); err != nil {
			t.Fatalf("the zip holds no %s: %v", exe, err)
		}
	}

	// The version, and the default database in the user's local (never roaming) data folder.
	if out := w.ok(cli, "--version"); !regexp.MustCompile(`^Needlelog \d+\.\d+\.\d+ \(build \d+\)\r?\n$`).MatchString(out) {
		t.Errorf("--version printed %q", out)
	}
	local := strings.TrimSpace(w.ok("cmd", "/c", "echo %LOCALAPPDATA%"))
	if !strings.HasPrefix(local, `C:\`) || strings.Contains(local, "Roaming") {
		t.Fatalf("%%LOCALAPPDATA%% is %q", local)
	}
	if out := w.ok(cli, "help"); !strings.Contains(out, "default database: "+local+`\Needlelog\needlelog.db`) ||
		!strings.Contains(out, "Run 'needlelog-cli COMMAND -h'") {
		t.Errorf("help does not name the default database under %s, or itself as needlelog-cli:\n%s", local, out)
	}

	// The app itself, on a virtual screen: with no --db it makes and opens the default practice
	// under %LOCALAPPDATA%, and holds it as its own: a restore over it is refused.
	def := local + `\Needlelog\needlelog.db`
	if err := os.RemoveAll(filepath.Dir(w.unix(def))); err != nil {
		t.Fatal(err)
	}
	gui := w.start(app + `\Needlelog.exe`)
	gui.waitFor("practice shown", 2*time.Minute)
	if !strings.Contains(gui.log(), "path="+def) {
		t.Errorf("the app opened another practice than the default %s:\n%s", def, gui.log())
	}
	defBackups := `C:\users\Public\Documents\Sauvegardes Clínica\défaut`
	w.ok(cli, "backup", "--db", def, "--to", defBackups)
	defSnaps, _ := filepath.Glob(filepath.Join(w.unix(defBackups), "needlelog-*.db"))
	if len(defSnaps) != 1 {
		t.Fatalf("the backup of the default practice made %v", defSnaps)
	}
	code, _, errText := w.run(cli, "restore", "--from", defBackups+`\`+filepath.Base(defSnaps[0]), "--db", def, "--force")
	if code != 1 || !strings.Contains(errText, "open in another Needlelog window") {
		t.Errorf("restore --force over the practice the app has open: exit %d, %q", code, errText)
	}
	gui.stop()

	// A practice in a folder with spaces and accents.
	home := `C:\users\Public\Documents\Clínica São José\Praxis Müller`
	db := home + `\praxis ünd co.db`
	if out := w.ok(cli, "demo", "--db", db, "--clients", "40", "--sessions", "160", "--photos", "10"); !strings.Contains(out, "40 clients") || !strings.Contains(out, `"`+db+`"`) {
		t.Errorf("demo said %q; want the path as typed, with single backslashes", out)
	}
	out := w.ok(cli, "check", "--db", db)
	if !strings.Contains(out, "40") {
		t.Errorf("check said %q", out)
	}
	// Wine has no BitLocker to ask: check says it cannot tell, and passes.
	if !strings.Contains(out, "disk encryption:") || !strings.Contains(out, "cannot tell") {
		t.Errorf("check does not say whether the drive is encrypted:\n%s", out)
	}
	w.ok(cli, "verify", "--db", db)
	sqlite := func(file, query string) string {
		t.Helper()
		b, err := exec.Command("sqlite3", "-readonly", w.unix(file), query).CombinedOutput()
		if err != nil {
			t.Fatalf("sqlite3 %s %q: %v\n%s", file, query, err, b)
		}
		return strings.TrimSpace(string(b))
	}
	if got := sqlite(db, "PRAGMA integrity_check"); got != "ok" {
		t.Fatalf("sqlite3 finds the practice written on Windows damaged: %s", got)
	}
	if got := sqlite(db, "SELECT count(*) FROM clients"); got != "40" {
		t.Errorf("sqlite3 counts %s clients, want 40", got)
	}

	// Photos from a folder with accents, into the record of a client who consented to photos.
	client := sqlite(db, "SELECT client_id FROM photos ORDER BY id LIMIT 1")
	name := ""
	for _, line := range strings.Split(w.ok(cli, "clients", "--db", db), "\n") {
		if id, n, _ := strings.Cut(line, "\t"); id == client {
			name = strings.TrimSpace(n)
		}
	}
	if name == "" {
		t.Fatalf("clients does not list %s, who has photos", client)
	}
	camera := home + `\Fotos de la cámara`
	for i := range 3 {
		m := image.NewRGBA(image.Rect(0, 0, 640, 480))
		for y := range 480 {
			for x := range 640 {
				m.Set(x, y, color.RGBA{uint8(x * (i + 1)), uint8(y), uint8(40 * i), 255})
			}
		}
		w.write(fmt.Sprintf(`%s\Séance %d.jpg`, camera, i+1), phototest.JPEG(t, m, 90))
	}
	out = w.ok(cli, "import", "photos", "--db", db, "--client", client, "--kind", "before", camera)
	if n := strings.Count(out, "imported"); n != 3 {
		t.Errorf("import photos imported %d of 3:\n%s", n, out)
	}
	photos := sqlite(db, "SELECT count(*) FROM photos")

	// A second writer is refused while the practice is held, and welcome once it is let go.
	holder := w.holdClaim(db)
	again := home + `\Séance 1 again.jpg`
	w.write(again, phototest.NoisyJPEG(t, 320, 240, 7, 30))
	code, _, errText = w.run(cli, "import", "photos", "--db", db, "--client", client, "--kind", "after", again)
	if code != 1 || !strings.Contains(errText, "is open in Needlelog on this computer") {
		t.Errorf("import while the practice is held: exit %d, %q; want it refused", code, errText)
	}
	if got := sqlite(db, "SELECT count(*) FROM photos"); got != photos {
		t.Errorf("a refused import changed the photos from %s to %s", photos, got)
	}
	holder.release()
	if out := w.ok(cli, "import", "photos", "--db", db, "--client", client, "--kind", "after", again); !strings.Contains(out, "imported") {
		t.Errorf("import after the practice was let go: %q", out)
	}

	// Exports, read back on Linux.
	exports := home + `\Exports für Ärzte`
	code, _, errText = w.run(cli, "export", "archive", "--db", db, "-o", exports+`\archive été.zip`)
	if code != 1 || !strings.Contains(errText, `the folder "`+exports+`" does not exist`) {
		t.Errorf("export into a missing folder: exit %d, %q", code, errText)
	}
	if err := os.MkdirAll(w.unix(exports), 0o755); err != nil {
		t.Fatal(err)
	}
	w.ok(cli, "export", "archive", "--db", db, "-o", exports+`\archive été.zip`)
	list, err := exec.Command("unzip", "-l", w.unix(exports+`\archive été.zip`)).CombinedOutput()
	if err != nil {
		t.Fatalf("unzip cannot read the archive made on Windows: %v\n%s", err, list)
	}
	if b, err := exec.Command("unzip", "-tq", w.unix(exports+`\archive été.zip`)).CombinedOutput(); err != nil {
		t.Fatalf("unzip -t: %v\n%s", err, b)
	}
	if n := strings.Count(string(list), ".jpg"); n < 4 {
		t.Errorf("the archive holds %d photos, want at least the 4 imported:\n%s", n, list)
	}
	w.ok(cli, "export", "client", "--db", db, "-o", exports+`\fiche client.pdf`, client)
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", w.unix(exports+`\fiche client.pdf`), "-").CombinedOutput()
	if err != nil || !strings.Contains(string(text), name) {
		t.Errorf("pdftotext of the client PDF made on Windows (%v) does not name %s:\n%.500s", err, name, text)
	}
	w.ok(cli, "export", "sheets", "--db", db, "-o", exports+`\tableaux`)
	csvs, _ := filepath.Glob(filepath.Join(w.unix(exports+`\tableaux`), "*.csv"))
	if len(csvs) == 0 {
		t.Fatal("export sheets to a folder wrote no CSV files")
	}
	for _, f := range csvs {
		b, _ := os.ReadFile(f)
		if lines := bytes.Count(b, []byte("\n")); lines == 0 || bytes.Count(b, []byte("\r\n")) != lines {
			t.Errorf("%s: not every line ends in CRLF, as CSV files do everywhere", filepath.Base(f))
		}
	}
	if b, _ := os.ReadFile(filepath.Join(w.unix(exports+`\tableaux`), "clients.csv")); !bytes.Contains(b, []byte(","+strings.ReplaceAll(name, " ", ",")+",")) {
		t.Errorf("clients.csv does not hold %s", name)
	}

	// An encrypted export for the accountant, opened again with needlelog decrypt.
	phrase := home + `\phrase secrète.txt`
	w.write(phrase, []byte("\ufeffcorrect horse battery staple\r\n")) // as Notepad saves it
	w.ok(cli, "export", "sheets", "--db", db, "-o", exports+`\pour le comptable.xlsx`, "--passphrase-file", phrase)
	if b, err := os.ReadFile(w.unix(exports + `\pour le comptable.xlsx.age`)); err != nil || !bytes.HasPrefix(b, []byte("age-encryption.org/v1")) {
		t.Fatalf("the encrypted export is not an age file (%v)", err)
	}
	// The passphrase is what was typed, without Notepad's mark: age opens it here with it.
	if _, err := testkit.AgeOpen(w.unix(exports+`\pour le comptable.xlsx.age`), "correct horse battery staple"); err != nil {
		t.Errorf("age cannot open the export made on Windows with the typed passphrase: %v", err)
	}
	w.ok(cli, "decrypt", "--passphrase-file", phrase, "-o", exports+`\déchiffré.xlsx`, exports+`\pour le comptable.xlsx.age`)
	if b, err := exec.Command("unzip", "-l", w.unix(exports+`\déchiffré.xlsx`)).CombinedOutput(); err != nil || !bytes.Contains(b, []byte("xl/workbook.xml")) {
		t.Errorf("the decrypted workbook is not one (%v):\n%s", err, b)
	}

	// A backup into a folder with accents, restored into another, read back with sqlite3.
	backups := `C:\users\Public\Documents\Sauvegardes Clínica`
	w.ok(cli, "backup", "--db", db, "--to", backups)
	snaps, _ := filepath.Glob(filepath.Join(w.unix(backups), "praxis ünd co-*.db"))
	if len(snaps) != 1 {
		t.Fatalf("the backup folder holds %v, want one snapshot", snaps)
	}
	snap := backups + `\` + filepath.Base(snaps[0])
	if got := sqlite(snap, "SELECT count(*) FROM photos"); got != sqlite(db, "SELECT count(*) FROM photos") {
		t.Errorf("the backup holds %s photos", got)
	}
	restored := `C:\users\Public\Documents\Zurück geholt\praxis.db`
	w.ok(cli, "restore", "--from", snap, "--db", restored)
	w.ok(cli, "verify", "--db", restored)
	if out := w.ok(cli, "check", "--photos", "--db", restored); !strings.Contains(out, "40") {
		t.Errorf("check --photos of the restored practice: %q", out)
	}
	if got := sqlite(restored, "SELECT count(*) FROM sessions"); got != sqlite(db, "SELECT count(*) FROM sessions") {
		t.Errorf("the restored practice holds %s sessions", got)
	}
	// Restoring over the held practice is refused and leaves it as it was.
	holder = w.holdClaim(restored)
	code, _, errText = w.run(cli, "restore", "--from", snap, "--db", restored, "--force")
	if code != 1 || !strings.Contains(errText, "open in another Needlelog window") {
		t.Errorf("restore --force over a held practice: exit %d, %q", code, errText)
	}
	holder.release()
}

// winePC runs Windows programs under Wine in the prefix and speaks Windows paths, which it maps
// to the prefix's drive_c for reading here.
type winePC struct {
	t      *testing.T
	prefix string
}

// unix is where the Windows path p (on C:) is on this machine.
func (w *winePC) unix(p string) string {
	w.t.Helper()
	rest, ok := strings.CutPrefix(p, `C:\`)
	if !ok {
		w.t.Fatalf("%s is not on C:", p)
	}
	return filepath.Join(w.prefix, "drive_c", filepath.FromSlash(strings.ReplaceAll(rest, `\`, "/")))
}

func (w *winePC) write(p string, b []byte) {
	w.t.Helper()
	if err := os.MkdirAll(filepath.Dir(w.unix(p)), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(w.unix(p), b, 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// unzip unpacks the zip into the Windows folder dir and returns the folder the programs are in.
func (w *winePC) unzip(zipPath, dir string) string {
	w.t.Helper()
	r, err := zip.OpenReader(zipPath)
	if err != nil {
		w.t.Fatal(err)
	}
	defer r.Close()
	top := ""
	for _, f := range r.File {
		if f.FileInfo().IsDir() {
			continue
		}
		top, _, _ = strings.Cut(f.Name, "/")
		rc, err := f.Open()
		if err != nil {
			w.t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			w.t.Fatal(err)
		}
		w.write(dir+`\`+strings.ReplaceAll(f.Name, "/", `\`), b)
	}
	return dir + `\` + top
}

// run runs a Windows program with args and returns its exit code and output.
func (w *winePC) run(exe string, args ...string) (code int, stdout, stderr string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "wine", append([]string{exe}, args...)...)
	cmd.Env = append(os.Environ(), "WINEPREFIX="+w.prefix, "WINEDEBUG=-all")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		w.t.Fatalf("wine %s: %v", exe, err)
	}
	return code, strings.ReplaceAll(out.String(), "\r\n", "\n"), strings.ReplaceAll(errOut.String(), "\r\n", "\n")
}

// ok runs a Windows program that must succeed and returns what it printed.
func (w *winePC) ok(exe string, args ...string) string {
	w.t.Helper()
	code, out, errOut := w.run(exe, args...)
	if code != 0 {
		w.t.Fatalf("%s %s: exit %d\n%s%s", filepath.Base(strings.ReplaceAll(exe, `\`, "/")), strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// winApp is a Windows program left running, its output kept.
type winApp struct {
	t   *testing.T
	cmd *exec.Cmd
	mu  sync.Mutex
	out bytes.Buffer
}

func (a *winApp) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.out.Write(p)
}

func (a *winApp) log() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.out.String()
}

// start runs the Windows program exe on a virtual screen of its own until stop.
func (w *winePC) start(exe string, args ...string) *winApp {
	w.t.Helper()
	display := w.screen()
	a := &winApp{t: w.t}
	a.cmd = exec.Command("wine", append([]string{exe}, args...)...)
	a.cmd.Env = append(os.Environ(), "WINEPREFIX="+w.prefix, "WINEDEBUG=-all", "DISPLAY="+display, "LC_ALL=C.UTF-8")
	a.cmd.Stdout, a.cmd.Stderr = a, a
	if err := a.cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(a.stop)
	return a
}

// waitFor waits until the program's output holds text.
func (a *winApp) waitFor(text string, limit time.Duration) {
	a.t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		if strings.Contains(a.log(), text) {
			return
		}
	}
	a.t.Fatalf("the program did not say %q in %s:\n%s", text, limit, a.log())
}

func (a *winApp) stop() {
	if a.cmd.ProcessState == nil {
		a.cmd.Process.Kill()
		a.cmd.Wait()
	}
}

// screen starts a virtual X screen for the test and returns its display name.
func (w *winePC) screen() string {
	w.t.Helper()
	r, wr, err := os.Pipe()
	if err != nil {
		w.t.Fatal(err)
	}
	// Xvfb picks a free display itself and writes its number on fd 3.
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1400x900x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{wr}
	if err := x.Start(); err != nil {
		w.t.Fatalf("Xvfb: %v (run scripts/setup wine)", err)
	}
	wr.Close()
	w.t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		w.t.Fatalf("Xvfb gave no display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

type heldClaim struct {
	stdin io.WriteCloser
	cmd   *exec.Cmd
	t     *testing.T
}

// holdClaim holds the practice at db from another Windows process, as the app does while it has
// the practice open, until release.
func (w *winePC) holdClaim(db string) *heldClaim {
	w.t.Helper()
	exe := filepath.Join(w.prefix, "drive_c", "holdclaim.exe")
	if _, err := os.Stat(exe); err != nil {
		build := exec.Command("go", "build", "-o", exe, "needlelog.app/needlelog/internal/testkit/holdclaim")
		build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
		if b, err := build.CombinedOutput(); err != nil {
			w.t.Fatalf("build holdclaim for Windows: %v\n%s", err, b)
		}
	}
	cmd := exec.Command("wine", `C:\holdclaim.exe`, db)
	cmd.Env = append(os.Environ(), "WINEPREFIX="+w.prefix, "WINEDEBUG=-all")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		w.t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		w.t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "held" {
		cmd.Process.Kill()
		w.t.Fatalf("holdclaim %s said %q (%v)", db, line, err)
	}
	h := &heldClaim{stdin: stdin, cmd: cmd, t: w.t}
	w.t.Cleanup(func() { h.stdin.Close(); h.cmd.Wait() })
	return h
}

func (h *heldClaim) release() {
	h.t.Helper()
	h.stdin.Close()
	if err := h.cmd.Wait(); err != nil {
		h.t.Fatalf("holdclaim: %v", err)
	}
}
