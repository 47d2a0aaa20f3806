package diskcrypt

import (
	"strings"
)

// bitLockerScript reads the drive's BitLocker protection through the Shell, as Explorer shows it
// on the drive's icon: no administrator rights needed (manage-bde and Get-BitLockerVolume need
// them). %s is the drive, "C:".
const bitLockerScript = `(New-Object -ComObject Shell.Application).NameSpace('%s\').Self.ExtendedProperty('System.Volume.BitLockerProtection')`

// bitLocker reads the Shell's System.Volume.BitLockerProtection for drive ("C:"), as the script
// printed it: 1 on, 3 encrypting, 6 on and locked; 2 off, 4 decrypting, 5 suspended (the key is
// kept on the drive in the clear, so anyone can read it), 8 waiting for activation (the same);
// 0 or nothing when Windows does not say.
func bitLocker(drive, out string) Result {
	r := Result{Volume: drive}
	switch strings.TrimSpace(out) {
	case "1", "6":
		r.State, r.Mechanism = Encrypted, "BitLocker"
	case "3":
		r.State, r.Mechanism = Encrypted, "BitLocker, still encrypting"
	case "2":
		r.State, r.Why = NotEncrypted, "BitLocker is off for "+drive
	case "4":
		r.State, r.Why = NotEncrypted, "BitLocker is being turned off for "+drive
	case "5":
		r.State, r.Why = NotEncrypted, "BitLocker is suspended for "+drive+", which leaves its key readable on the drive"
	case "8":
		r.State, r.Why = NotEncrypted, "BitLocker on "+drive+" is waiting to be turned on, which leaves its key readable on the drive"
	case "0":
		r.Why = "Windows says BitLocker cannot protect " + drive
	case "":
		r.Why = "Windows did not say whether BitLocker protects " + drive
	default:
		r.Why = "Windows gave an answer Needlelog does not know for " + drive + " (" + strings.TrimSpace(out) + ")"
	}
	return r
}
