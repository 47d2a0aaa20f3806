package practice

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"needlelog.app/needlelog/internal/testkit"
)

// The path rules are pure, so every system tests every system's paths.
func TestCloudFolder(t *testing.T) {
	t.Parallel()
	cases := []struct {
		dir, service, folder string
	}{
		{"/home/anna/Dropbox/Clinic", "Dropbox", "/home/anna/Dropbox"},
		{"/Users/anna/Dropbox (Personal)/Needlelog", "Dropbox", "/Users/anna/Dropbox (Personal)"},
		{`C:\Users\Anna\Dropbox (Skin Clinic Ltd)`, "Dropbox", `C:\Users\Anna\Dropbox (Skin Clinic Ltd)`},
		{`C:\Users\Anna\OneDrive\Documents\Needlelog`, "OneDrive", `C:\Users\Anna\OneDrive`},
		{`C:\Users\Anna\OneDrive - Skin Clinic Ltd\Needlelog`, "OneDrive", `C:\Users\Anna\OneDrive - Skin Clinic Ltd`},
		{`c:\users\anna\onedrive\needlelog`, "OneDrive", `c:\users\anna\onedrive`},
		{"/Users/anna/Library/CloudStorage/OneDrive-Personal/Needlelog", "OneDrive", "/Users/anna/Library/CloudStorage/OneDrive-Personal"},
		{"/Users/anna/Library/Mobile Documents/com~apple~CloudDocs/Needlelog", "iCloud Drive", "/Users/anna/Library/Mobile Documents"},
		{`C:\Users\Anna\iCloudDrive\Needlelog`, "iCloud Drive", `C:\Users\Anna\iCloudDrive`},
		{`G:\My Drive\Needlelog`, "Google Drive", `G:\My Drive`},
		{"/Users/anna/Library/CloudStorage/GoogleDrive-anna@example.com/My Drive", "Google Drive",
			"/Users/anna/Library/CloudStorage/GoogleDrive-anna@example.com"},
		{"/Users/anna/Google Drive/Clinic", "Google Drive", "/Users/anna/Google Drive"},
		{`C:\Users\Anna\Box\Clinic`, "Box", `C:\Users\Anna\Box`},
		{"/Users/anna/Library/CloudStorage/Box-Box/Clinic", "Box", "/Users/anna/Library/CloudStorage/Box-Box"},
		{"/home/anna/pCloudDrive/Clinic", "pCloud", "/home/anna/pCloudDrive"},
		{"/home/anna/Nextcloud/Clinic", "Nextcloud", "/home/anna/Nextcloud"},
		{"/home/anna/ownCloud", "ownCloud", "/home/anna/ownCloud"},
		{"/home/anna/MEGA/Clinic", "MEGA", "/home/anna/MEGA"},
		// A service not known by name, in the folder macOS's File Provider syncs.
		{"/Users/anna/Library/CloudStorage/SomeNewCloud/Clinic", "cloud storage", "/Users/anna/Library/CloudStorage/SomeNewCloud"},
		{`//server/share/Dropbox`, "Dropbox", `//server/share/Dropbox`},

		{"/home/anna/.local/share/Needlelog", "", ""},
		{`C:\Users\Anna\AppData\Local\Needlelog`, "", ""},
		{"/Users/anna/Library/Application Support/Needlelog", "", ""},
		{"/home/anna/Dropboxes/Clinic", "", ""},     // a name merely beginning like a service's
		{"/home/anna/MyOneDriveNotes", "", ""},      // a name merely containing one
		{"/home/anna/Library/CloudStorage", "", ""}, // the folder itself, not a service's folder in it
		{"/", "", ""},
		{"", "", ""},
	}
	for _, tc := range cases {
		service, folder := cloudFolder(tc.dir)
		if service != tc.service || folder != tc.folder {
			t.Errorf("cloudFolder(%q) = %q, %q; want %q, %q", tc.dir, service, folder, tc.service, tc.folder)
		}
	}
}

func TestUNCShare(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`\\nas\clinic\Needlelog`:       `\\nas\clinic`,
		`\\nas\clinic`:                 `\\nas\clinic`,
		`//nas/clinic/Needlelog`:       `\\nas\clinic`,
		`\\?\UNC\nas\clinic\Needlelog`: `\\nas\clinic`,
		`\\?\C:\Users\Anna\Needlelog`:  "",
		`\\.\PhysicalDrive0`:           "",
		`\\nas`:                        "",
		`C:\Users\Anna`:                "",
		`/home/anna`:                   "",
		`\Users\Anna`:                  "",
		``:                             "",
	}
	for dir, want := range cases {
		if got := uncShare(dir); got != want {
			t.Errorf("uncShare(%q) = %q, want %q", dir, got, want)
		}
	}
}

func TestNetworkFileSystemNames(t *testing.T) {
	t.Parallel()
	linux := []struct {
		magic     int64
		mountType string
		want      string
	}{
		{0x6969, "nfs4", "NFS"},
		{0xff534d42, "cifs", "SMB (CIFS)"},
		{0xfe534d42, "smb3", "SMB"},
		{0x01021997, "9p", "9P"},
		{0x00c36400, "ceph", "Ceph"},
		{0x6b414653, "afs", "AFS"},
		{0x65735546, "fuse.sshfs", "sshfs, through FUSE"},
		{0x65735546, "fuse.rclone", "rclone, through FUSE"},
		{0x65735546, "fuseblk", ""}, // ntfs-3g or exfat on a disk of this computer
		{0x65735546, "", "FUSE"},    // a FUSE mount not found: say FUSE rather than nothing
		{0xef53, "ext4", ""},
		{0x01021994, "tmpfs", ""},
		{0x794c7630, "overlay", ""},
		{0x9123683e, "btrfs", ""},
	}
	for _, tc := range linux {
		if got := linuxNetworkFS(tc.magic, tc.mountType); got != tc.want {
			t.Errorf("linuxNetworkFS(%#x, %q) = %q, want %q", tc.magic, tc.mountType, got, tc.want)
		}
	}
	darwin := map[string]string{"nfs": "NFS", "smbfs": "SMB", "afpfs": "AFP", "webdav": "WebDAV", "macfuse": "FUSE",
		"apfs": "", "hfs": "", "msdos": "", "exfat": ""}
	for fstype, want := range darwin {
		if got := darwinNetworkFS(fstype); got != want {
			t.Errorf("darwinNetworkFS(%q) = %q, want %q", fstype, got, want)
		}
	}
}

func TestMountType(t *testing.T) {
	t.Parallel()
	mountinfo := `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /home/anna/remote rw,nosuid shared:20 - fuse.sshfs anna@nas:/clinic rw,user_id=1000
41 22 0:36 / /home/anna/remote\040copy rw shared:21 - fuse.rclone gdrive: rw
42 22 8:17 / /media/anna/USB rw - fuseblk /dev/sdb1 rw
43 40 0:37 / /home/anna/remote/inner rw - nfs4 nas:/inner rw
`
	cases := map[string]string{
		"/home/anna/Needlelog":              "ext4",
		"/home/anna/remote":                 "fuse.sshfs",
		"/home/anna/remote/Clinic":          "fuse.sshfs",
		"/home/anna/remote copy/Clinic":     "fuse.rclone",
		"/home/anna/remoteX":                "ext4", // beginning like a mount point is not being in it
		"/media/anna/USB/Needlelog":         "fuseblk",
		"/home/anna/remote/inner/Needlelog": "nfs4",
	}
	for dir, want := range cases {
		if got := mountType(mountinfo, dir); got != want {
			t.Errorf("mountType(%q) = %q, want %q", dir, got, want)
		}
	}
}

func TestLocationWarning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if w := LocationWarning(filepath.Join(dir, "practice.db")); w != "" {
		t.Errorf("a database on this computer's disk (%s): %q", dir, w)
	}
	// The file, and here its folder, need not exist yet.
	inDropbox := filepath.Join(dir, "Dropbox", "Clinic", "practice.db")
	w := LocationWarning(inDropbox)
	for _, part := range []string{"Dropbox", filepath.Join(dir, "Dropbox"), "own disk", "backups"} {
		if !strings.Contains(w, part) {
			t.Errorf("warning for %s does not say %q: %q", inDropbox, part, w)
		}
	}
	if strings.Count(w, ". ") > 0 || !strings.HasSuffix(w, ".") {
		t.Errorf("the warning is not one sentence: %q", w)
	}
	if runtime.GOOS == "windows" {
		if w := LocationWarning(`\\nas\clinic\practice.db`); !strings.Contains(w, `\\nas\clinic`) {
			t.Errorf("a database on a network share: %q", w)
		}
	}
}

// The file system part asks the system itself, here of folders that are on this computer: the
// test folder and, on Linux, a tmpfs, which no network file system is taken for.
func TestNetworkFSOfLocalFolders(t *testing.T) {
	t.Parallel()
	dirs := []string{t.TempDir(), os.TempDir()}
	if runtime.GOOS == "linux" {
		for _, d := range []string{"/dev/shm", "/run", "/proc"} {
			if _, err := os.Stat(d); err == nil {
				dirs = append(dirs, d)
			}
		}
	}
	for _, d := range dirs {
		if got := networkFS(d); got != "" {
			t.Errorf("networkFS(%s) = %q, want none", d, got)
		}
	}
	if got := existingFolder(filepath.Join(dirs[0], "a", "b", "c")); got != dirs[0] {
		t.Errorf("existingFolder of a folder to be made: %s, want %s", got, dirs[0])
	}
}

// The photo folder is judged too, where it really is: a link (here a symbolic link, on Windows
// often a junction) can put it in a cloud folder while its database sits on this computer's disk.
// So is the database's folder reached through a link.
func TestLocationWarningFollowsThePhotoFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "clinic.db")
	cloud := filepath.Join(t.TempDir(), "Dropbox", "Clinic photos")
	if err := os.MkdirAll(cloud, 0o700); err != nil {
		t.Fatal(err)
	}
	if w := LocationWarning(db); w != "" {
		t.Fatalf("before the link: %q", w)
	}
	testkit.Symlink(t, cloud, filepath.Join(dir, "clinic.photos"))
	w := LocationWarning(db)
	for _, part := range []string{"photo folder " + filepath.Join(dir, "clinic.photos"), "Dropbox folder", filepath.Dir(cloud), "own disk", "backups"} {
		if !strings.Contains(w, part) {
			t.Errorf("warning for a photo folder linked into Dropbox does not say %q: %q", part, w)
		}
	}
	if strings.Count(w, ". ") > 0 || !strings.HasSuffix(w, ".") {
		t.Errorf("the warning is not one sentence: %q", w)
	}

	linked := filepath.Join(t.TempDir(), "Needlelog")
	testkit.Symlink(t, filepath.Dir(cloud), linked)
	if w := LocationWarning(filepath.Join(linked, "clinic.db")); !strings.Contains(w, "The database is in a Dropbox folder") {
		t.Errorf("a database in a folder linked into Dropbox: %q", w)
	}
}
