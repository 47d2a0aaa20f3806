package diskcrypt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/windows"
)

// status asks the Shell, through PowerShell, whether BitLocker protects the drive holding dir.
func status(dir string) Result {
	vol := filepath.VolumeName(dir)
	if strings.HasPrefix(vol, `\\`) {
		return Result{Volume: vol, Why: "it is on the network share " + vol + ": whether its drive is encrypted is for the computer that serves it to say"}
	}
	if len(vol) != 2 || vol[1] != ':' || !isLetter(vol[0]) {
		return Result{Volume: vol, Why: "it is on no drive letter"}
	}
	vol = strings.ToUpper(vol)
	if root, err := windows.UTF16PtrFromString(vol + `\`); err == nil && windows.GetDriveType(root) == windows.DRIVE_REMOTE {
		return Result{Volume: vol, Why: "it is on the network drive " + vol + ": whether its drive is encrypted is for the computer that serves it to say"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, powerShell(), "-NoProfile", "-NonInteractive", "-Command", fmt.Sprintf(bitLockerScript, vol))
	// No console window flashes up over the app while it runs.
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: windows.CREATE_NO_WINDOW}
	cmd.WaitDelay = time.Second // a child left holding the output must not hold this up
	out, err := cmd.Output()
	switch {
	case ctx.Err() != nil:
		return Result{Volume: vol, Why: fmt.Sprintf("Windows did not say within %s whether BitLocker protects %s", Timeout, vol)}
	case err != nil:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return Result{Volume: vol, Why: "Windows could not say whether BitLocker protects " + vol}
		}
		return Result{Volume: vol, Why: "PowerShell, which Needlelog asks about BitLocker, could not be run"}
	}
	return bitLocker(vol, string(out))
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// powerShell is Windows PowerShell in the system's own folder, not whatever "powershell.exe" the
// search path finds first.
func powerShell() string {
	if root := os.Getenv("SystemRoot"); root != "" {
		p := filepath.Join(root, "System32", "WindowsPowerShell", "v1.0", "powershell.exe")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "powershell.exe"
}
