package diskcrypt

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestBitLockerAnswers(t *testing.T) {
	for out, want := range map[string]Result{
		"1\r\n":  {State: Encrypted, Mechanism: "BitLocker", Volume: "C:"},
		"6":      {State: Encrypted, Mechanism: "BitLocker", Volume: "C:"},
		"3\r\n":  {State: Encrypted, Mechanism: "BitLocker, still encrypting", Volume: "C:"},
		"2\r\n":  {State: NotEncrypted, Volume: "C:", Why: "BitLocker is off for C:"},
		"4":      {State: NotEncrypted, Volume: "C:", Why: "BitLocker is being turned off for C:"},
		"5":      {State: NotEncrypted, Volume: "C:", Why: "BitLocker is suspended for C:, which leaves its key readable on the drive"},
		"8":      {State: NotEncrypted, Volume: "C:", Why: "BitLocker on C: is waiting to be turned on, which leaves its key readable on the drive"},
		"0":      {Volume: "C:", Why: "Windows says BitLocker cannot protect C:"},
		"\r\n":   {Volume: "C:", Why: "Windows did not say whether BitLocker protects C:"},
		"":       {Volume: "C:", Why: "Windows did not say whether BitLocker protects C:"},
		"Fehler": {Volume: "C:", Why: "Windows gave an answer Needlelog does not know for C: (Fehler)"},
	} {
		if got := bitLocker("C:", out); got != want {
			t.Errorf("%q: got %+v, want %+v", out, got, want)
		}
	}
}

func TestFileVaultAnswers(t *testing.T) {
	const head = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>DeviceIdentifier</key>
	<string>disk3s5</string>
	<key>Encryption</key>
	<true/>
`
	for name, c := range map[string]struct {
		plist string
		want  Result
	}{
		"FileVault on":  {head + "\t<key>FileVault</key>\n\t<true/>\n</dict>\n</plist>\n", Result{State: Encrypted, Mechanism: "FileVault", Volume: "/System/Volumes/Data"}},
		"FileVault off": {head + "\t<key>FileVault</key>\n\t<false/>\n</dict>\n</plist>\n", Result{State: NotEncrypted, Volume: "/System/Volumes/Data", Why: "FileVault is off for the volume /System/Volumes/Data"}},
		// An Apple chip's hardware encryption alone protects nothing: the Mac unlocks it for anyone.
		"only Encryption": {head + "</dict>\n</plist>\n", Result{Volume: "/System/Volumes/Data", Why: "macOS did not say whether FileVault protects the volume /System/Volumes/Data"}},
		"not a plist":     {"Could not find disk", Result{Volume: "/System/Volumes/Data", Why: "macOS did not say whether FileVault protects the volume /System/Volumes/Data"}},
	} {
		if got := fileVault("/System/Volumes/Data", c.plist); got != c.want {
			t.Errorf("%s: got %+v, want %+v", name, got, c.want)
		}
	}
}

func TestTheWordsForEachState(t *testing.T) {
	on := Result{State: Encrypted, Path: "/home/anna/Needlelog", Volume: "/dev/mapper/luks-1f2e", Mechanism: "LUKS"}
	off := Result{State: NotEncrypted, Path: `C:\Users\anna\AppData\Local\Needlelog`, Volume: "C:", Why: "BitLocker is off for C:"}
	unknown := Result{Path: "/mnt/practice", Why: "it is on a network file system (nfs4)"}
	for _, c := range []struct {
		r    Result
		line string
	}{
		{on, "on (LUKS, /dev/mapper/luks-1f2e) for /home/anna/Needlelog"},
		{Result{State: Encrypted, Path: "/p", Mechanism: "fscrypt"}, "on (fscrypt) for /p"},
		{off, `not encrypted for C:\Users\anna\AppData\Local\Needlelog: BitLocker is off for C:`},
		{unknown, "cannot tell for /mnt/practice: it is on a network file system (nfs4)"},
	} {
		if got := c.r.Line(); got != c.line {
			t.Errorf("line: got %q, want %q", got, c.line)
		}
	}
	for r, want := range map[*Result]string{
		&on:      "The drive holding this practice is encrypted (LUKS, /dev/mapper/luks-1f2e).",
		&off:     "The drive holding this practice is not encrypted: BitLocker is off for C:.",
		&unknown: "Needlelog cannot tell whether the drive holding this practice is encrypted: it is on a network file system (nfs4).",
	} {
		if got := r.Summary(); got != want {
			t.Errorf("summary: got %q, want %q", got, want)
		}
	}
	if on.Notice() != "" {
		t.Errorf("an encrypted drive has a notice: %q", on.Notice())
	}
	for _, r := range []Result{off, unknown} {
		n := r.Notice()
		for _, want := range []string{r.Why, "lost or stolen", "breach you must report", TurnOn(runtime.GOOS)} {
			if !strings.Contains(n, want) {
				t.Errorf("notice %q lacks %q", n, want)
			}
		}
	}
	for _, system := range []string{"windows", "darwin", "linux", "plan9"} {
		if h := How(system); len(h) < 100 || !strings.Contains(h, "\n\n") {
			t.Errorf("%s: how is %q", system, h)
		}
	}
	if !strings.Contains(How("windows"), "BitLocker") || !strings.Contains(How("darwin"), "FileVault") || !strings.Contains(How("linux"), "LUKS") {
		t.Error("each system's steps name its encryption")
	}
}

// A practice's photo folder can be a link to another drive: the answer that calls for more care
// of the two is the practice's.
func TestAPracticeIsAsEncryptedAsItsLeastEncryptedDrive(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "clinic.db")
	photos := filepath.Join(dir, "clinic.photos")
	on := Result{State: Encrypted, Mechanism: "LUKS", Volume: "/dev/mapper/luks-1f2e"}
	off := Result{State: NotEncrypted, Volume: "/dev/sdb1", Why: "the drive /dev/sdb1 has no disk encryption"}
	unknown := Result{Volume: "nas:/photos", Why: "it is on a network file system (nfs4)"}
	answers := map[string]Result{}
	status := func(path string) Result { r := answers[path]; r.Path = path; return r }
	for _, c := range []struct {
		name           string
		db, photos     Result
		photoFolder    bool
		want           State
		wantPhotosPath bool
	}{
		{"no photo folder yet", on, off, false, Encrypted, false},
		{"both encrypted", on, on, true, Encrypted, false},
		{"photos on a plain drive", on, off, true, NotEncrypted, true},
		{"photos on a network share", on, unknown, true, Unknown, true},
		{"database on a plain drive, photos on a share", off, unknown, true, NotEncrypted, false},
		{"database on a share, photos on a plain drive", unknown, off, true, NotEncrypted, true},
	} {
		os.RemoveAll(photos)
		if c.photoFolder {
			if err := os.Mkdir(photos, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		answers[db], answers[photos] = c.db, c.photos
		got := practice(db, status)
		if got.State != c.want || (got.Path == photos) != c.wantPhotosPath {
			t.Errorf("%s: got %+v", c.name, got)
		}
	}
}
