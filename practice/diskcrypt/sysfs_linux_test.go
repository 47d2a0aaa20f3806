package diskcrypt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSys builds a sysfs tree as Linux lays it out, in a temporary folder: each block device a
// folder under devices/, named in dev/block/MAJ:MIN by a relative link; a device-mapper device
// with dm/uuid and dm/name; the devices it is built on as links in its slaves/ folder.
type fakeSys struct {
	t    *testing.T
	root string
	dirs map[string]string // device name → its folder
}

func newFakeSys(t *testing.T) *fakeSys {
	return &fakeSys{t: t, root: t.TempDir(), dirs: map[string]string{}}
}

// disk adds a drive or partition at rel (under devices/), numbered num ("259:2").
func (f *fakeSys) disk(rel, num string) {
	f.t.Helper()
	dir := filepath.Join(f.root, "devices", rel)
	f.mkdir(dir)
	f.number(dir, num)
	f.dirs[filepath.Base(dir)] = dir
}

// mapped adds a device-mapper device dm-N numbered num, with its uuid and name, built on slaves.
func (f *fakeSys) mapped(node, num, uuid, name string, slaves ...string) {
	f.t.Helper()
	dir := filepath.Join(f.root, "devices", "virtual", "block", node)
	f.mkdir(filepath.Join(dir, "dm"))
	f.write(filepath.Join(dir, "dm", "uuid"), uuid+"\n")
	f.write(filepath.Join(dir, "dm", "name"), name+"\n")
	f.mkdir(filepath.Join(dir, "slaves"))
	for _, s := range slaves {
		f.link(filepath.Join(dir, "slaves", s), f.dirs[s])
	}
	f.number(dir, num)
	f.dirs[node] = dir
}

func (f *fakeSys) number(dir, num string) {
	f.t.Helper()
	f.mkdir(filepath.Join(f.root, "dev", "block"))
	f.link(filepath.Join(f.root, "dev", "block", num), dir)
}

// link makes a relative symbolic link at at to target, as sysfs's are.
func (f *fakeSys) link(at, target string) {
	f.t.Helper()
	rel, err := filepath.Rel(filepath.Dir(at), target)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := os.Symlink(rel, at); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fakeSys) mkdir(dir string) {
	f.t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fakeSys) write(path, text string) {
	f.t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// laptop is a sysfs tree with what a Linux laptop may have: a plain partition, LUKS on a
// partition, LVM on LUKS, LVM on a plain partition, LVM over one encrypted and one plain
// partition, plain dm-crypt, a loop device and a device-mapper device over nothing.
func laptop(t *testing.T) *fakeSys {
	f := newFakeSys(t)
	f.disk("pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1/nvme0n1p1", "259:1")
	f.disk("pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1/nvme0n1p2", "259:2")
	f.disk("pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1/nvme0n1p3", "259:3")
	f.disk("pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1", "8:1")
	f.disk("pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda2", "8:2")
	f.mapped("dm-0", "253:0", "CRYPT-LUKS2-1f2e3d4c5b6a47989a0b1c2d3e4f5a6b-luks-1f2e", "luks-1f2e", "nvme0n1p3")
	f.mapped("dm-1", "253:1", "LVM-Wq8AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstu", "vg-root", "dm-0")
	f.mapped("dm-2", "253:2", "LVM-Plain0123456789", "data-home", "sda1")
	f.mapped("dm-3", "253:3", "LVM-Spans0123456789", "wide-store", "dm-0", "sda2")
	f.mapped("dm-4", "253:4", "CRYPT-PLAIN-swap", "cryptswap", "nvme0n1p1")
	f.mapped("dm-5", "253:5", "", "empty-map")
	loop := filepath.Join(f.root, "devices", "virtual", "block", "loop0")
	f.mkdir(filepath.Join(loop, "loop"))
	f.write(filepath.Join(loop, "loop", "backing_file"), "/home/anna/disk.img\n")
	f.number(loop, "7:0")
	return f
}

func TestTheWalkDownSysfsTellsEachKindOfDrive(t *testing.T) {
	f := laptop(t)
	l := linuxSystem{sys: f.root}
	for _, c := range []struct {
		name         string
		major, minor uint32
		want         Result
	}{
		{"a plain partition", 259, 2, Result{State: NotEncrypted, Volume: "/dev/nvme0n1p2",
			Why: "the drive /dev/nvme0n1p2 has no disk encryption"}},
		{"LUKS on a partition", 253, 0, Result{State: Encrypted, Mechanism: "LUKS", Volume: "/dev/mapper/luks-1f2e"}},
		{"LVM on LUKS", 253, 1, Result{State: Encrypted, Mechanism: "LUKS", Volume: "/dev/mapper/vg-root on /dev/mapper/luks-1f2e"}},
		{"LVM on a plain partition", 253, 2, Result{State: NotEncrypted, Volume: "/dev/mapper/data-home",
			Why: "/dev/mapper/data-home is on /dev/sda1, with no disk encryption"}},
		{"LVM over an encrypted and a plain partition", 253, 3, Result{State: NotEncrypted, Volume: "/dev/mapper/wide-store",
			Why: "/dev/mapper/wide-store is on /dev/sda2, with no disk encryption"}},
		{"plain dm-crypt", 253, 4, Result{State: Encrypted, Mechanism: "dm-crypt", Volume: "/dev/mapper/cryptswap"}},
		{"a mapped device over nothing", 253, 5, Result{Volume: "/dev/mapper/empty-map",
			Why: "it is on /dev/mapper/empty-map, a mapped device built on no drive the system names"}},
		{"a loop device", 7, 0, Result{Volume: "/dev/loop0",
			Why: "it is on /dev/loop0, a drive image kept in the file /home/anna/disk.img"}},
		{"a device sysfs does not list", 8, 16, Result{Why: "the system does not say which drive holds it (device 8:16)"}},
	} {
		if got := l.block(c.major, c.minor); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestTheWalkSurvivesBrokenAndLoopingTrees(t *testing.T) {
	f := laptop(t)
	// A slave link leading nowhere: the tree changed under the walk, or is damaged.
	f.mapped("dm-6", "253:6", "LVM-Gone", "vg-gone")
	if err := os.Symlink("../../nvme9n1p9", filepath.Join(f.dirs["dm-6"], "slaves", "nvme9n1p9")); err != nil {
		t.Fatal(err)
	}
	// Two mapped devices each built on the other.
	f.mapped("dm-7", "253:7", "LVM-A", "loop-a")
	f.mapped("dm-8", "253:8", "LVM-B", "loop-b", "dm-7")
	f.link(filepath.Join(f.dirs["dm-7"], "slaves", "dm-8"), f.dirs["dm-8"])
	// A device whose number leads to a missing folder.
	f.link(filepath.Join(f.root, "dev", "block", "8:32"), filepath.Join(f.root, "devices", "gone", "sdc"))

	l := linuxSystem{sys: f.root}
	for _, c := range []struct {
		name         string
		major, minor uint32
		why          string
	}{
		{"a broken slave", 253, 6, "the system does not say what /dev/mapper/vg-gone is built on"},
		{"a loop of devices", 253, 8, "its drives are stacked deeper than Needlelog follows"},
		{"a number leading nowhere", 8, 32, "the system does not say which drive holds it (device 8:32)"},
	} {
		got := l.block(c.major, c.minor)
		if got.State != Unknown || !strings.HasPrefix(got.Why, c.why) {
			t.Errorf("%s: got %+v, want Unknown because %q", c.name, got, c.why)
		}
	}
}

// laptopMounts is a mount table such as a laptop's: / on LVM on LUKS, /home on a plain partition,
// a btrfs on LUKS, a folder with a space in its name on a plain partition, and the kinds of file
// system decided without a drive.
const laptopMounts = `22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/mapper/vg-root rw
23 22 0:21 / /proc rw,nosuid - proc proc rw
24 22 8:1 / /home rw,relatime shared:2 - ext4 /dev/sda1 rw
25 22 0:45 / /srv/btrfs rw,relatime shared:3 - btrfs /dev/mapper/luks-1f2e rw,subvol=/
26 22 259:2 / /media/anna/Clinic\040Drive rw,nosuid - exfat /dev/nvme0n1p2 rw
27 24 0:50 /.Private /home/anna/Private rw,relatime shared:4 - ecryptfs /home/anna/.Private rw,ecryptfs_sig=abc
28 22 0:51 / /tmp rw,nosuid,nodev shared:5 - tmpfs tmpfs rw
29 22 0:52 / /mnt/practice rw,relatime shared:6 - nfs4 nas:/clinic rw,vers=4.2
30 22 0:53 / /var/lib/docker/overlay2/x/merged rw,relatime - overlay overlay rw,lowerdir=/a
31 22 0:54 / /home/anna/Vault rw,nosuid,nodev shared:7 user_id=1000 - fuse.gocryptfs /home/anna/.vault rw
32 22 0:55 / /home/anna/Remote rw,nosuid,nodev - fuse.sshfs anna@server:/srv rw
33 22 0:56 / /tank/practice rw - zfs tank/practice rw
34 22 0:57 / /srv/gone rw - btrfs /dev/disk/by-gone rw
`

func TestTheMountTableDecidesWhatItCan(t *testing.T) {
	f := laptop(t)
	l := linuxSystem{sys: f.root, mountinfo: laptopMounts}
	// The btrfs file system's own number is anonymous: its drive is its source's.
	device := func(source string) (uint32, uint32, bool) {
		if source == "/dev/mapper/luks-1f2e" {
			return 253, 0, true
		}
		return 0, 0, false
	}
	for _, c := range []struct {
		dir   string
		on    folderOn
		state State
		says  string // what its Line says after the path
	}{
		{"/home/anna/Needlelog", folderOn{major: 8, minor: 1}, NotEncrypted, "the drive /dev/sda1 has no disk encryption"},
		{"/opt/needlelog", folderOn{major: 253, minor: 1}, Encrypted, ""},
		{"/srv/btrfs/practice", folderOn{major: 0, minor: 45}, Encrypted, ""},
		{"/media/anna/Clinic Drive/Needlelog", folderOn{major: 259, minor: 2}, NotEncrypted, "the drive /dev/nvme0n1p2 has no disk encryption"},
		{"/home/anna/Private/Needlelog", folderOn{major: 0, minor: 50}, Encrypted, ""},
		{"/home/anna/Vault", folderOn{major: 0, minor: 54}, Encrypted, ""},
		{"/home/anna/Needlelog", folderOn{major: 8, minor: 1, fscrypt: true}, Encrypted, ""},
		{"/tmp/practice", folderOn{major: 0, minor: 51}, Unknown, "it is in memory (tmpfs)"},
		{"/mnt/practice", folderOn{major: 0, minor: 52}, Unknown, "it is on a network file system (nfs4)"},
		{"/var/lib/docker/overlay2/x/merged/data", folderOn{major: 0, minor: 53}, Unknown, "it is on an overlay file system"},
		{"/home/anna/Remote/p", folderOn{major: 0, minor: 55}, Unknown, "it is on a network file system (fuse.sshfs)"},
		{"/tank/practice", folderOn{major: 0, minor: 56}, Unknown, "it is on ZFS"},
		{"/srv/gone", folderOn{major: 0, minor: 57}, Unknown, "the system does not say which drive holds its btrfs file system"},
	} {
		got := l.status(c.dir, c.on, device)
		got.Path = c.dir
		if got.State != c.state || !strings.Contains(got.Line(), c.says) {
			t.Errorf("%s %+v: got %+v (%q)", c.dir, c.on, got, got.Line())
		}
	}
	if got := (linuxSystem{sys: f.root}).status("/home/anna", folderOn{major: 8, minor: 1}, device); got.State != Unknown ||
		got.Why != "the system does not say which file system holds it" {
		t.Errorf("without a mount table: %+v", got)
	}
	if got := l.status("/opt/needlelog", folderOn{major: 253, minor: 1}, device); got.Mechanism != "LUKS" ||
		got.Volume != "/dev/mapper/vg-root on /dev/mapper/luks-1f2e" {
		t.Errorf("LVM on LUKS: %+v", got)
	}
	if got := l.status("/home/anna/Private/x", folderOn{major: 0, minor: 50}, device); got.Mechanism != "eCryptfs" {
		t.Errorf("eCryptfs: %+v", got)
	}
}

// TestThisComputersAnswerIsOneOfThree: on the machine the tests run on, a folder's answer is
// given without error, and a folder in memory is told apart as such.
func TestThisComputersAnswer(t *testing.T) {
	got := Status(filepath.Join(t.TempDir(), "not", "yet", "practice.db"))
	if got.State == Unknown && got.Why == "" || got.State == NotEncrypted && got.Why == "" || got.Path == "" {
		t.Errorf("a temporary folder: %+v", got)
	}
	if info, err := os.Stat("/dev/shm"); err == nil && info.IsDir() {
		if got := Status("/dev/shm"); got.State != Unknown || !strings.Contains(got.Why, "tmpfs") && !strings.Contains(got.Why, "overlay") {
			t.Errorf("/dev/shm: %+v", got)
		}
	}
}

// BenchmarkStatus: the whole look on Linux (statx, the mount table, the walk down sysfs), which
// the window makes off its own goroutine as a practice opens.
func BenchmarkStatus(b *testing.B) {
	dir := b.TempDir()
	for b.Loop() {
		Status(dir)
	}
}
