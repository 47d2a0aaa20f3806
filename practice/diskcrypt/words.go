package diskcrypt

import (
	"fmt"
	"runtime"
)

// Line says the result in one line for needlelog check, after "disk encryption:":
// "on (LUKS, /dev/mapper/luks-1f2e) for /home/anna/Needlelog",
// "not encrypted for /home/anna/Needlelog: the drive /dev/sda2 has no disk encryption",
// "cannot tell for /srv/practice: it is on a network file system (nfs), …".
func (r Result) Line() string {
	switch r.State {
	case Encrypted:
		if r.Volume == "" {
			return fmt.Sprintf("on (%s) for %s", r.Mechanism, r.Path)
		}
		return fmt.Sprintf("on (%s, %s) for %s", r.Mechanism, r.Volume, r.Path)
	case NotEncrypted:
		return fmt.Sprintf("not encrypted for %s: %s", r.Path, r.Why)
	}
	return fmt.Sprintf("cannot tell for %s: %s", r.Path, r.Why)
}

// Summary says the result in a sentence for Settings: "The drive holding this practice is
// encrypted (LUKS, /dev/mapper/luks-1f2e).", "… is not encrypted: the drive /dev/sda2 has no disk
// encryption.", "Needlelog cannot tell whether …: …".
func (r Result) Summary() string {
	switch r.State {
	case Encrypted:
		if r.Volume == "" {
			return "The drive holding this practice is encrypted (" + r.Mechanism + ")."
		}
		return "The drive holding this practice is encrypted (" + r.Mechanism + ", " + r.Volume + ")."
	case NotEncrypted:
		return "The drive holding this practice is not encrypted: " + r.Why + "."
	}
	return "Needlelog cannot tell whether the drive holding this practice is encrypted: " + r.Why + "."
}

// breach is why it matters, in the practitioner's terms.
const breach = "If this computer is lost or stolen, anyone can read your clients' records and photos: in most " +
	"countries, a breach you must report."

// Notice is what the window says of a drive not known to be encrypted; "" for an encrypted one.
func (r Result) Notice() string {
	switch r.State {
	case Encrypted:
		return ""
	case NotEncrypted:
		return "This practice's records are on a drive that is not encrypted (" + r.Why + "). " + breach +
			" Turn on " + TurnOn(runtime.GOOS) + "."
	}
	return "Needlelog cannot tell whether this practice's records are on an encrypted drive (" + r.Why + "). " +
		"If it is not and this computer is lost or stolen, anyone can read your clients' records and photos: " +
		"in most countries, a breach you must report. Make sure " + TurnOn(runtime.GOOS) + " is on."
}

// TurnOn names the disk encryption of the system goos ("windows", "darwin", "linux"), as its
// settings name it.
func TurnOn(goos string) string {
	switch goos {
	case "windows":
		return "BitLocker (or Device encryption)"
	case "darwin":
		return "FileVault"
	case "linux":
		return "disk encryption (LUKS)"
	}
	return "disk encryption"
}

// How says, step by step, how to encrypt the drive on the system goos.
func How(goos string) string {
	const key = "Keep the recovery key it gives you somewhere other than this computer: without it, a " +
		"forgotten password or a repaired computer can lock you out of your own records."
	switch goos {
	case "windows":
		return "Windows 11 and 10 Pro: open Start › Settings › Privacy & security › Device encryption, or " +
			"Control Panel › System and Security › BitLocker Drive Encryption, and turn BitLocker on for the " +
			"drive holding the practice (usually C:). Windows Home: Settings › Privacy & security › Device " +
			"encryption, where the computer offers it; where it does not, BitLocker needs Windows Pro.\n\n" +
			"Turning it on needs an administrator of this computer. Windows encrypts in the background: " +
			"you can go on working.\n\n" + key
	case "darwin":
		return "Open Apple menu › System Settings › Privacy & Security › FileVault, and click Turn On " +
			"(on older macOS: System Preferences › Security & Privacy › FileVault).\n\n" +
			"It needs an administrator of this Mac. The Mac encrypts in the background: you can go on working.\n\n" + key
	case "linux":
		return "Linux encrypts a drive when the system is installed: the installer's \"Encrypt the disk\" " +
			"(LUKS) choice. A system installed without it is encrypted by backing up, then installing again " +
			"with that choice; or keep the practice on a drive encrypted with LUKS (the Disks tool's " +
			"\"Password protect volume\" when formatting) and move it there with File › Move practice…. " +
			"Whoever looks after this computer can do either.\n\n" +
			"Back up the practice to another drive before you start."
	}
	return "Turn on the system's disk encryption for the drive holding the practice, or keep the practice " +
		"on an encrypted drive.\n\n" + key
}
