package practice

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"needlelog.app/needlelog/internal/mountinfo"
	"needlelog.app/needlelog/store/photolib"
)

// LocationWarning returns "" when the database at path and its photo folder sit on this
// computer's own disk, or else one sentence telling the practitioner that one of them sits in a
// cloud-synced folder or on a network file system, and why that is risky. The file need not exist
// yet: its folder, or the nearest folder above that exists, is what is looked at. The photo folder
// normally sits beside the database, but a link (a symbolic link, a junction) can put it elsewhere,
// so it is judged where it really is.
//
// Sync clients copy a SQLite file while it is being written, and network file systems do not
// keep SQLite's locks reliably: either can leave a damaged database, or two computers' copies
// overwriting each other. Sync clients also take files off the computer to free space and delete
// them when another computer does, which loses photos. Backups, on the other hand, are whole files
// written once, and are safe to keep there.
func LocationWarning(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	if r := riskOf(filepath.Dir(abs)); r.where != "" {
		return r.warning()
	}
	if r := riskOf(photolib.Beside(abs)); r.where != "" {
		return r.photoWarning(photolib.Beside(abs))
	}
	return ""
}

// locationRisk is why a folder is a risky place for a practice's files.
type locationRisk struct {
	where   string // "a Dropbox folder (/home/anna/Dropbox)", "the network share \\nas\clinic"
	service string // the sync service, for a cloud folder
}

// riskOf judges the folder dir, which need not exist yet, both as named and where links in it lead.
func riskOf(dir string) locationRisk {
	dirs := []string{dir}
	if real, err := realLocation(existingFolder(dir)); err == nil && real != existingFolder(dir) {
		dirs = append(dirs, real)
	}
	for _, d := range dirs {
		if service, folder := cloudFolder(d); service != "" {
			return locationRisk{where: "a " + service + " folder (" + folder + ")", service: service}
		}
		if share := uncShare(d); share != "" {
			return locationRisk{where: "the network share " + share}
		}
	}
	// The system's answer already follows links.
	if remote := networkFS(existingFolder(dir)); remote != "" {
		return locationRisk{where: remote}
	}
	return locationRisk{}
}

func (r locationRisk) warning() string {
	if r.service != "" {
		return "The database is in " + r.where + ", which copies files while they are " +
			"being written and can damage a database or let another computer's copy overwrite it: keep the " +
			"database on this computer's own disk, and let the backups go to the " + r.service + " folder instead."
	}
	return "The database is on " + r.where + ", where a file being written can be damaged by a dropped " +
		"connection or by another computer writing at the same time: keep the database on this computer's " +
		"own disk, and let the backups go to the network drive instead."
}

// photoWarning warns of the photo folder photos, which sits somewhere riskier than its database.
func (r locationRisk) photoWarning(photos string) string {
	if r.service != "" {
		return "The photo folder " + photos + " is in " + r.where + ", whose sync can take photos off this " +
			"computer to free space or delete them when another computer does: keep the photo folder beside " +
			"the database on this computer's own disk, and let the backups go to the " + r.service + " folder instead."
	}
	return "The photo folder " + photos + " is on " + r.where + ", where photos cannot be read when the " +
		"connection drops and a file being written can be damaged: keep the photo folder beside the database " +
		"on this computer's own disk, and let the backups go to the network drive instead."
}

// moveRefusal says in one sentence why a practice may not be moved into the folder dir, or "".
func moveRefusal(dir string) string {
	r := riskOf(dir)
	switch {
	case r.where == "":
		return ""
	case r.service != "":
		return dir + " is in " + r.where + ", whose sync copies files while they are being written and can " +
			"damage the database or lose photos: choose a folder on this computer's own disk or on a drive plugged into it."
	}
	return dir + " is on " + r.where + ", where a dropped connection or another computer writing at the same " +
		"time can damage the database: choose a folder on this computer's own disk or on a drive plugged into it."
}

// existingFolder is dir, or the nearest folder above it that exists.
func existingFolder(dir string) string {
	for {
		if info, err := os.Stat(dir); err == nil && info.IsDir() || err != nil && !errors.Is(err, fs.ErrNotExist) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}

// cloudServices name the folders sync clients keep by default, as path components compared
// without regard to case. A name ending in "*" matches any component it begins, such as
// "OneDrive - Contoso" or macOS's "GoogleDrive-anna@example.com".
var cloudServices = []struct {
	service string
	names   []string
}{
	{"Dropbox", []string{"Dropbox", "Dropbox (*"}},
	{"OneDrive", []string{"OneDrive", "OneDrive - *", "OneDrive-*", "SkyDrive"}},
	// macOS keeps iCloud Drive under ~/Library/Mobile Documents; Windows in iCloudDrive.
	{"iCloud Drive", []string{"Mobile Documents", "iCloud Drive", "iCloudDrive", "com~apple~CloudDocs"}},
	{"Google Drive", []string{"Google Drive", "GoogleDrive", "GoogleDrive-*", "My Drive", "Shared drives"}},
	{"Box", []string{"Box", "Box Sync", "Box-Box"}},
	{"pCloud", []string{"pCloud", "pCloud Drive", "pCloudDrive"}},
	{"Nextcloud", []string{"Nextcloud"}},
	{"ownCloud", []string{"ownCloud"}},
	{"MEGA", []string{"MEGA", "MEGAsync"}},
	{"Sync", []string{"Sync"}}, // Sync.com's and Syncthing's default folder
	{"Tresorit", []string{"Tresorit"}},
	{"Yandex Disk", []string{"YandexDisk", "Yandex.Disk"}},
	{"Synology Drive", []string{"SynologyDrive"}},
	{"Seafile", []string{"Seafile"}},
}

// cloudFolder finds the first component of dir, a folder path with / or \ separators whatever
// the system, that a sync client keeps: it returns the service's name and the path up to and
// including that component, or "" and "". Folders that macOS's File Provider syncs, under
// ~/Library/CloudStorage, are all cloud folders, named for their service where it is known.
func cloudFolder(dir string) (service, folder string) {
	parts := strings.FieldsFunc(dir, func(r rune) bool { return r == '/' || r == '\\' })
	for i, part := range parts {
		if strings.EqualFold(part, "CloudStorage") && i > 0 && strings.EqualFold(parts[i-1], "Library") && i+1 < len(parts) {
			service := cloudService(parts[i+1])
			if service == "" {
				service = "cloud storage"
			}
			return service, upTo(dir, parts[i+1])
		}
		if service := cloudService(part); service != "" {
			return service, upTo(dir, part)
		}
	}
	return "", ""
}

// cloudService is the service whose sync folder is named name, or "".
func cloudService(name string) string {
	for _, c := range cloudServices {
		for _, pattern := range c.names {
			if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
				if len(name) > len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
					return c.service
				}
			} else if strings.EqualFold(name, pattern) {
				return c.service
			}
		}
	}
	return ""
}

// upTo is dir cut after the first component equal to part.
func upTo(dir, part string) string {
	for i := 0; i+len(part) <= len(dir); i++ {
		end := i + len(part)
		if dir[i:end] == part && (i == 0 || isSep(dir[i-1])) && (end == len(dir) || isSep(dir[end])) {
			return dir[:end]
		}
	}
	return dir
}

func isSep(c byte) bool { return c == '/' || c == '\\' }

// uncShare is the \\server\share a Windows UNC path names (//server/share too), or "". The
// \\?\ and \\.\ prefixes name local paths and devices, except \\?\UNC\server\share.
func uncShare(dir string) string {
	if len(dir) < 2 || !isSep(dir[0]) || !isSep(dir[1]) {
		return ""
	}
	parts := strings.FieldsFunc(dir[2:], func(r rune) bool { return r == '/' || r == '\\' })
	if len(parts) > 0 && (parts[0] == "?" || parts[0] == ".") {
		if len(parts) < 4 || !strings.EqualFold(parts[1], "UNC") {
			return ""
		}
		parts = parts[2:]
	}
	if len(parts) < 2 {
		return ""
	}
	return `\\` + parts[0] + `\` + parts[1]
}

// Linux file system magic numbers (statfs f_type) of network and user-space file systems.
var networkMagic = map[int64]string{
	0x6969:     "NFS",
	0x517b:     "SMB",
	0xff534d42: "SMB (CIFS)",
	0xfe534d42: "SMB",
	0x5346414f: "AFS",
	0x6b414653: "AFS",
	0x01021997: "9P",
	0x65735546: "FUSE",
	0x00c36400: "Ceph",
	0x73757245: "Coda",
	0x564c:     "NetWare (NCP)",
	0x0bd00bd0: "Lustre",
	0x47504653: "GPFS",
}

// linuxNetworkFS names a Linux file system from its magic number and, for FUSE, its type in
// /proc/self/mountinfo ("fuse.sshfs", "fuseblk"); "" for a local one. FUSE serves network
// stores (sshfs, rclone, s3fs) and local disks (ntfs-3g and exfat as "fuseblk"): a fuseblk
// file system is on a disk of this computer.
func linuxNetworkFS(magic int64, mountType string) string {
	name := networkMagic[magic]
	if name != "FUSE" {
		return name
	}
	switch sub, isFuse := strings.CutPrefix(mountType, "fuse."); {
	case mountType == "fuseblk":
		return ""
	case isFuse && sub != "":
		return sub + ", through FUSE"
	}
	return name
}

// darwinNetworkFS names a macOS file system from its statfs f_fstypename; "" for a local one.
func darwinNetworkFS(fstype string) string {
	switch strings.ToLower(fstype) {
	case "nfs":
		return "NFS"
	case "smbfs":
		return "SMB"
	case "afpfs":
		return "AFP"
	case "webdav":
		return "WebDAV"
	case "cifs":
		return "SMB (CIFS)"
	case "ftp":
		return "FTP"
	}
	if strings.HasPrefix(strings.ToLower(fstype), "macfuse") || strings.HasPrefix(strings.ToLower(fstype), "osxfuse") {
		return "FUSE"
	}
	return ""
}

// describeNetworkFS says where a database on network file system name is, for the warning.
func describeNetworkFS(name string) string {
	if name == "" {
		return ""
	}
	return "a network or remote file system (" + name + ")"
}

// mountType finds the file system type of the mount holding dir in a /proc/self/mountinfo
// text, or "".
func mountType(table, dir string) string {
	m, _ := mountinfo.Holding(table, dir)
	return m.FSType
}
