package diskcrypt

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"needlelog.app/needlelog/internal/mountinfo"
)

// linuxSystem is what Linux tells of a folder's drive: its sysfs (root "/sys"; a fake tree in
// tests) and the mount table (/proc/self/mountinfo's text).
type linuxSystem struct {
	sys       string
	mountinfo string
}

// folderOn is what stat told of the folder: the device number of its file system, and whether
// fscrypt encrypts the folder itself (statx's STATX_ATTR_ENCRYPTED).
type folderOn struct {
	major, minor uint32
	fscrypt      bool
}

// sourceDevice finds the device number of a mount's source ("/dev/mapper/root"): a btrfs file
// system's own number is an anonymous one, not its drive's.
type sourceDevice func(source string) (major, minor uint32, ok bool)

// status tells whether the folder dir, which is on f, sits on an encrypted drive.
func (l linuxSystem) status(dir string, f folderOn, device sourceDevice) Result {
	if f.fscrypt {
		return Result{State: Encrypted, Mechanism: "fscrypt", Volume: dir}
	}
	m, ok := mountinfo.Holding(l.mountinfo, dir)
	if !ok {
		return Result{Why: "the system does not say which file system holds it"}
	}
	if r, decided := byFileSystem(m); decided {
		return r
	}
	major, minor := f.major, f.minor
	if major == 0 { // an anonymous device (btrfs, a subvolume): its drive is the mount's source
		var found bool
		if major, minor, found = device(m.Source); !found {
			return Result{Why: fmt.Sprintf("the system does not say which drive holds its %s file system", m.FSType)}
		}
	}
	return l.block(major, minor)
}

// encryptingFileSystems encrypt the files they hold whatever drive they are on.
var encryptingFileSystems = map[string]string{
	"ecryptfs":       "eCryptfs",
	"fuse.gocryptfs": "gocryptfs",
	"fuse.cryfs":     "CryFS",
	"fuse.encfs":     "EncFS",
	"fuse.securefs":  "securefs",
}

// networkFileSystems keep their files on another computer.
var networkFileSystems = map[string]bool{
	"nfs": true, "nfs4": true, "cifs": true, "smb3": true, "smbfs": true, "ncpfs": true, "afs": true,
	"ceph": true, "glusterfs": true, "fuse.glusterfs": true, "lustre": true, "9p": true, "virtiofs": true,
	"fuse.sshfs": true, "fuse.rclone": true, "davfs": true, "fuse.davfs2": true,
}

// byFileSystem decides from the kind of file system alone, when it can: one that encrypts,
// one in memory, one over other file systems, one over the network.
func byFileSystem(m mountinfo.Mount) (Result, bool) {
	t := m.FSType
	switch {
	case encryptingFileSystems[t] != "":
		return Result{State: Encrypted, Mechanism: encryptingFileSystems[t], Volume: m.Point}, true
	case networkFileSystems[t]:
		return Result{Volume: m.Source, Why: fmt.Sprintf("it is on a network file system (%s): whether its drive "+
			"is encrypted is for the computer that serves it to say", t)}, true
	case t == "tmpfs" || t == "ramfs":
		return Result{Volume: m.Point, Why: fmt.Sprintf("it is in memory (%s), not on a drive, and is lost when the "+
			"computer stops", t)}, true
	case t == "overlay" || t == "aufs":
		return Result{Volume: m.Point, Why: fmt.Sprintf("it is on an %s file system, such as a container's, which "+
			"hides the drive beneath", t)}, true
	case t == "zfs":
		return Result{Volume: m.Source, Why: "it is on ZFS, whose encryption the system does not tell programs"}, true
	case strings.HasPrefix(t, "fuse.") || t == "fuse":
		return Result{Volume: m.Source, Why: fmt.Sprintf("it is on a FUSE file system (%s), which can keep its "+
			"files anywhere", strings.TrimPrefix(t, "fuse."))}, true
	}
	return Result{}, false
}

// maxLayers bounds the walk down a stack of block devices: a loop in a damaged or fake tree
// must not run forever.
const maxLayers = 16

// block tells whether the block device major:minor is encrypted, walking sysfs from it down
// through the devices it is built on (LVM, RAID, dm-crypt) to the drives.
func (l linuxSystem) block(major, minor uint32) Result {
	dir, err := filepath.EvalSymlinks(filepath.Join(l.sys, "dev", "block", fmt.Sprintf("%d:%d", major, minor)))
	if err != nil {
		return Result{Why: fmt.Sprintf("the system does not say which drive holds it (device %d:%d)", major, minor)}
	}
	top := deviceName(dir)
	w := walk(dir, 0)
	switch {
	case w.unknown != "":
		return Result{Volume: top, Why: w.unknown}
	case len(w.plain) > 0:
		return Result{State: NotEncrypted, Volume: top, Why: plainWhy(top, w.plain)}
	}
	vol := top
	if w.crypt != top {
		vol = top + " on " + w.crypt // LVM on LUKS: the volume, and the encrypted device it is on
	}
	return Result{State: Encrypted, Mechanism: w.mechanism, Volume: vol}
}

// plainWhy says which drives hold the files as they are.
func plainWhy(top string, plain []string) string {
	if len(plain) == 1 && plain[0] == top {
		return "the drive " + top + " has no disk encryption"
	}
	return top + " is on " + strings.Join(plain, " and ") + ", with no disk encryption"
}

// walked is what a walk down from one block device found.
type walked struct {
	crypt, mechanism string   // the encrypting device found, and how it encrypts (the first, if several)
	plain            []string // the drives reached with no encryption above them
	unknown          string   // why it cannot be told; "" when it can
}

// walk looks at the block device whose sysfs folder is dir: an encrypting device-mapper device
// encrypts all beneath it; another is as encrypted as every device it is built on (its slaves);
// a device built on none is a drive, or a partition of one, and is plain.
func walk(dir string, depth int) walked {
	name := deviceName(dir)
	if depth > maxLayers {
		return walked{unknown: "its drives are stacked deeper than Needlelog follows (" + name + ")"}
	}
	if uuid, err := os.ReadFile(filepath.Join(dir, "dm", "uuid")); err == nil {
		if mech, ok := cryptMechanism(strings.TrimSpace(string(uuid))); ok {
			return walked{crypt: name, mechanism: mech}
		}
	}
	if backing, err := os.ReadFile(filepath.Join(dir, "loop", "backing_file")); err == nil {
		return walked{unknown: fmt.Sprintf("it is on %s, a drive image kept in the file %s", name, strings.TrimSpace(string(backing)))}
	}
	slaves, err := os.ReadDir(filepath.Join(dir, "slaves"))
	if err != nil || len(slaves) == 0 {
		if _, dmErr := os.Stat(filepath.Join(dir, "dm")); dmErr == nil {
			return walked{unknown: "it is on " + name + ", a mapped device built on no drive the system names"}
		}
		return walked{plain: []string{name}}
	}
	var all walked
	for _, s := range slaves {
		below, err := filepath.EvalSymlinks(filepath.Join(dir, "slaves", s.Name()))
		if err != nil {
			return walked{unknown: "the system does not say what " + name + " is built on"}
		}
		w := walk(below, depth+1)
		if w.unknown != "" {
			return w
		}
		if all.crypt == "" {
			all.crypt, all.mechanism = w.crypt, w.mechanism
		}
		all.plain = append(all.plain, w.plain...)
	}
	return all
}

// cryptMechanism names the encryption of a dm-crypt device from its device-mapper UUID
// ("CRYPT-LUKS2-<uuid>-<name>", as cryptsetup makes it); ok is false for any other device.
func cryptMechanism(uuid string) (string, bool) {
	kind, ok := strings.CutPrefix(uuid, "CRYPT-")
	if !ok || strings.HasPrefix(kind, "SUBDEV") { // SUBDEV: dm-integrity beneath a LUKS2 device, not its encryption
		return "", false
	}
	kind, _, _ = strings.Cut(kind, "-")
	switch kind {
	case "LUKS1", "LUKS2", "LUKS":
		return "LUKS", true
	case "BITLK":
		return "BitLocker, through dm-crypt", true
	case "TCRYPT":
		return "VeraCrypt, through dm-crypt", true
	case "FVAULT2":
		return "FileVault, through dm-crypt", true
	}
	return "dm-crypt", true
}

// deviceName names the block device whose sysfs folder is dir as its users know it:
// "/dev/mapper/<name>" for a device-mapper device, "/dev/<name>" for any other.
func deviceName(dir string) string {
	if name, err := os.ReadFile(filepath.Join(dir, "dm", "name")); err == nil && strings.TrimSpace(string(name)) != "" {
		return "/dev/mapper/" + strings.TrimSpace(string(name))
	}
	return "/dev/" + filepath.Base(dir)
}
