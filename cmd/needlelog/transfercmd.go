package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/transfer"
	"needlelog.app/needlelog/wording"
)

// runTransfer is "needlelog transfer export|import": records carried between copies of the
// practice that have no network between them (practice.MakeBundle, practice.ApplyBundle).
func runTransfer(ctx context.Context, args []string, out, errOut io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "export":
			return runTransferExport(ctx, args[1:], out, errOut)
		case "import":
			return runTransferImport(ctx, args[1:], out, errOut)
		}
	}
	fmt.Fprintf(errOut, "Usage: %s transfer export --db PATH -o FILE --passphrase-file PF [--full] [--for DEVICE]\n"+
		"       %[1]s transfer import --db PATH --passphrase-file PF FILE\n\n"+
		"Run '%[1]s transfer export -h' or '%[1]s transfer import -h' for what each does.\n", prog)
	if len(args) == 0 {
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		return 0
	}
	fmt.Fprintf(errOut, "needlelog transfer: there is no transfer command %q; there are export and import\n", args[0])
	return 2
}

const transferExportAbout = `Writes a bundle of the practice's records for another copy of it (a laptop that treats clients
away from the clinic, or the clinic it comes back to): a file to carry on a USB stick or send by any
channel, encrypted with the passphrase on the first line of --passphrase-file (or to the devices'
public keys given with --to, age1…). It holds what the other copies may lack: every record, photo
and audit entry changed since their last bundle came here, or everything with --full (a laptop
taking the practice for the first time). Apply it there with 'needlelog transfer import'.`

func runTransferExport(ctx context.Context, args []string, out, errOut io.Writer) int {
	const name = "transfer export"
	fs := newFlags(name, "--db PATH -o FILE (--passphrase-file PF | --to age1…) [--full] [--for DEVICE] [--name NAME]", transferExportAbout, errOut)
	db := fs.String("db", "", "path of the database file, or the URL of the practice on the clinic's server")
	dst := fs.String("o", "", "the bundle to write")
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase to lock the bundle with")
	to := fs.String("to", "", "lock it to these devices' public keys instead (age1…, separated by commas)")
	full := fs.Bool("full", false, "carry everything, for a copy that has nothing yet")
	forDevice := fs.String("for", "", "carry what this device (its ID, or its name) lacks; default: what the least up to date copy lacks")
	deviceName := fs.String("name", "", "how this computer is named to the others (default: its name)")
	positional, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	usageErr := usageError(errOut, name)
	switch {
	case len(positional) > 0:
		return usageErr("unexpected %s: the bundle is written to -o FILE", quote(positional[0]))
	case *db == "":
		return usageErr("give the practice with --db PATH")
	case *dst == "":
		return usageErr("say where to write the bundle with -o FILE")
	case (*passFile == "") == (*to == ""):
		return usageErr("lock the bundle with --passphrase-file PF, or to devices' keys with --to age1…")
	case *full && *forDevice != "":
		return usageErr("--full carries everything; --for carries what one device lacks: give one of them")
	}
	var lock transfer.Lock
	if *passFile != "" {
		pass, err := readPassphrase(*passFile)
		if err != nil {
			return usageErr("%s", visible(err.Error()))
		}
		lock.Passphrase = pass
	} else {
		for _, k := range strings.Split(*to, ",") {
			lock.Recipients = append(lock.Recipients, strings.TrimSpace(k))
		}
	}
	s, release, err := openToWrite(ctx, *db)
	if err != nil {
		return failToWrite(errOut, name, *db, "wait until it is closed. Nothing was written", err)
	}
	defer release()
	device := *forDevice
	if device != "" {
		peers, err := practice.TransferPeers(ctx, s)
		if err != nil {
			return fail(errOut, name, err)
		}
		found := false
		for _, p := range peers {
			if p.Device == device || strings.EqualFold(p.Name, device) {
				device, found = p.Device, true
				break
			}
		}
		if !found {
			return usageErr("no bundle from a device %s was ever applied here: give --full for a copy that has nothing yet", quote(device))
		}
	}
	res, err := practice.MakeBundle(ctx, s, *dst, practice.BundleOptions{Lock: lock, Full: *full, For: device, DeviceName: *deviceName,
		Progress: func(s string) { fmt.Fprintf(out, "  %s\n", visible(s)) }})
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(errOut, "needlelog %s: stopped; no bundle was written\n", name)
		return 1
	}
	if err != nil {
		return fail(errOut, name, err)
	}
	what := "what the other copies may lack"
	if res.Full {
		what = "everything"
	}
	fmt.Fprintf(out, "Wrote %s from %s: %s, %s.\n", quote(*dst), visible(res.DeviceName), what, wording.BundleCarried(res.Records, res.Photos, res.Deleted))
	fmt.Fprintf(out, "Apply it on the other computer: %s transfer import --db PATH --passphrase-file PF %s\n", prog, quote(*dst))
	return 0
}

const transferImportAbout = `Applies a bundle made by another copy of the practice ('needlelog transfer export') in one go:
a bundle that the passphrase does not open, that was changed or cut short on its way, that another
practice made, or that a newer Needlelog made is refused, exit 1, with nothing written. Records
are merged: signed sessions, amendments, photos and audit entries are added; details changed on
both sides take the later change, and the other value is kept as a conflict, printed one per line
(conflict, record, ID, field, this copy's value, the other's) to settle in the app (File › Transfer
› Conflicts…). Applying the same bundle again changes nothing. With a --db that does not exist
yet, the practice is made from the bundle (a laptop taking the practice for the first time).`

func runTransferImport(ctx context.Context, args []string, out, errOut io.Writer) int {
	const name = "transfer import"
	fs := newFlags(name, "--db PATH (--passphrase-file PF | --key-file KF) [--name NAME] FILE", transferImportAbout, errOut)
	db := fs.String("db", "", "path of the database file (made when missing), or the URL of the practice on the clinic's server")
	passFile := fs.String("passphrase-file", "", "file whose first line is the bundle's passphrase")
	keyFile := fs.String("key-file", "", "this device's age key file (AGE-SECRET-KEY-1…), for a bundle locked to it")
	deviceName := fs.String("name", "", "how this computer is named to the others (default: the name it was given before, or the\ncomputer's name when it makes its first bundle)")
	positional, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	usageErr := usageError(errOut, name)
	switch {
	case len(positional) != 1:
		return usageErr("give one bundle file")
	case *db == "":
		return usageErr("give the practice with --db PATH")
	case (*passFile == "") == (*keyFile == ""):
		return usageErr("open the bundle with --passphrase-file PF, or with --key-file KF")
	}
	var unlock transfer.Unlock
	if *passFile != "" {
		pass, err := practice.ReadPassphraseFile(*passFile)
		if err != nil {
			return usageErr("%s", visible(err.Error()))
		}
		unlock.Passphrase = pass
	} else {
		b, err := os.ReadFile(*keyFile)
		if err != nil {
			return usageErr("cannot read the key file %s: %v", quote(*keyFile), err)
		}
		unlock.Identities = string(b)
	}
	bundle := positional[0]
	if _, err := os.Stat(bundle); errors.Is(err, os.ErrNotExist) {
		return fail(errOut, name, fmt.Errorf("there is no bundle %s: check the name and the folder; nothing was changed", quote(bundle)))
	} else if err != nil {
		return fail(errOut, name, fmt.Errorf("cannot open the bundle %s (%v); nothing was changed", quote(bundle), err))
	}
	isNew := false
	var s opened
	var done func(kept bool) bool
	if practice.IsServer(*db) {
		st, release, err := openToWrite(ctx, *db)
		if err != nil {
			return failToWrite(errOut, name, *db, "wait until it is closed. Nothing was changed", err)
		}
		s, done = st, func(bool) bool { release(); return true }
		isNew = practice.CheckEmpty(ctx, st) == nil
	} else {
		_, statErr := os.Stat(*db)
		isNew = errors.Is(statErr, os.ErrNotExist)
		st, d, err := openTarget(ctx, *db)
		if err != nil {
			return failToWrite(errOut, name, *db, "wait until it is closed. Nothing was changed", err)
		}
		s, done = st, d
	}
	res, err := practice.ApplyBundle(ctx, s, bundle, practice.ApplyOptions{Unlock: unlock, New: isNew, DeviceName: *deviceName,
		Progress: func(s string) { fmt.Fprintf(out, "  %s\n", visible(s)) }})
	done(err == nil)
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(errOut, "needlelog %s: stopped; nothing was changed\n", name)
		return 1
	case err != nil:
		return fail(errOut, name, err)
	}
	from := visible(res.DeviceName)
	if res.AlreadyApplied {
		fmt.Fprintf(out, "This bundle from %s was applied here before: nothing was changed.\n", from)
		return 0
	}
	for _, c := range res.Conflicts {
		fmt.Fprintf(out, "conflict\t%s\t%s\t%s\t%s\t%s\n", c.Entity, c.EntityID, c.Field, visible(c.Ours), visible(c.Theirs))
	}
	made := "Applied"
	if isNew {
		made = "Made " + quote(*db) + " from"
	}
	fmt.Fprintf(out, "%s the bundle from %s: %s.\n", made, from, wording.BundleBrought(res.Created, res.CreatedBy, res.Updated, res.Deleted,
		res.Amended, res.Photos, len(res.Conflicts)))
	return 0
}
