// Package mountinfo reads Linux's /proc/self/mountinfo: which mount holds a folder, of what file
// system type, from what source. The practice's location guards and the drive-encryption check
// both ask it.
package mountinfo

import "strings"

// Mount is one line of the table: where it is mounted, its file system type and its source
// (a device such as /dev/mapper/luks-1f2e, or "server:/export").
type Mount struct{ Point, FSType, Source string }

// Holding finds, in a mountinfo text, the mount holding dir: the one whose mount point is the
// longest leading part of dir (a later mount over the same point hides an earlier one).
func Holding(mountinfo, dir string) (Mount, bool) {
	var best Mount
	found := false
	for line := range strings.Lines(mountinfo) {
		// 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
		fields := strings.Fields(line)
		sep := -1
		for i, f := range fields {
			if f == "-" && i >= 6 {
				sep = i
				break
			}
		}
		if sep < 0 || sep+1 >= len(fields) {
			continue
		}
		point := unescape(fields[4])
		inside := dir == point || point == "/" || strings.HasPrefix(dir, strings.TrimSuffix(point, "/")+"/")
		if inside && (!found || len(point) >= len(best.Point)) {
			best, found = Mount{Point: point, FSType: fields[sep+1]}, true
			if sep+2 < len(fields) {
				best.Source = unescape(fields[sep+2])
			}
		}
	}
	return best, found
}

// unescape undoes the table's octal escapes of space, tab, newline and backslash.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
