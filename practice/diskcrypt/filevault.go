package diskcrypt

import (
	"regexp"
)

// fileVaultKey finds the FileVault entry of `diskutil info -plist`: <key>FileVault</key><true/>.
var fileVaultKey = regexp.MustCompile(`<key>FileVault</key>\s*<(true|false)\s*/>`)

// fileVault reads diskutil's answer for the volume mounted at point. Only its FileVault entry
// counts: its Encryption entry is true on every internal drive of a Mac with a T2 or Apple chip,
// whose key that hardware gives to anyone who starts the Mac, FileVault off or on.
func fileVault(point, plist string) Result {
	m := fileVaultKey.FindStringSubmatch(plist)
	switch {
	case m == nil:
		return Result{Volume: point, Why: "macOS did not say whether FileVault protects the volume " + point}
	case m[1] == "true":
		return Result{State: Encrypted, Mechanism: "FileVault", Volume: point}
	}
	return Result{State: NotEncrypted, Volume: point, Why: "FileVault is off for the volume " + point}
}
