package diskcrypt

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// status asks diskutil, which needs no administrator, whether FileVault protects the volume
// holding dir (fdesetup speaks of the startup volume only).
func status(dir string) Result {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return Result{Why: "the system did not say where it is (" + err.Error() + ")"}
	}
	point := cString(st.Mntonname[:])
	switch fs := strings.ToLower(cString(st.Fstypename[:])); fs {
	case "nfs", "smbfs", "afpfs", "webdav", "cifs", "ftp":
		return Result{Volume: point, Why: fmt.Sprintf("it is on a network file system (%s): whether its drive "+
			"is encrypted is for the computer that serves it to say", fs)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/usr/sbin/diskutil", "info", "-plist", point)
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	switch {
	case ctx.Err() != nil:
		return Result{Volume: point, Why: fmt.Sprintf("macOS did not say within %s whether FileVault protects %s", Timeout, point)}
	case err != nil:
		return Result{Volume: point, Why: "macOS could not say whether FileVault protects " + point}
	}
	return fileVault(point, string(out))
}

// cString is the text of a NUL-ended byte array.
func cString(b []byte) string {
	s, _, _ := bytes.Cut(b, []byte{0})
	return string(s)
}
