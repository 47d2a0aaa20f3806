package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"

	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/wording"
)

// hexHash is an audit entry's hash as printed: 64 hexadecimal digits.
var hexHash = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// listFlag is a flag that may be given more than once.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// verifyAbout is what needlelog verify -h says the command does.
const verifyAbout = `Checks that the records can be trusted, without changing the file: that the audit log's hash chain
is whole (no entry changed, removed or moved), that every entry written by a practitioner with a
passphrase carries their signature and matches the key this file holds for them, that each key is
the one the entry that made it names, that every client and session was made by an entry of the
log, that every signed session and every amendment still matches the hash it was signed with and
is in the log, and that the database's protections of signed records are in place. Keys replaced
and entries removed from the end of the log show only against something kept elsewhere: --against
an earlier backup of the practice (its log must be the start of this one, its signing keys still
here), or --head the audit log head printed on an earlier session record. Prints OK with the
counts and the keys' fingerprints, or each break found, and exits 1 on any; also says which
guarantees the practice's engine gives (the file's triggers, or what the clinic's server enforces
for the role connected), which it lacks (practitioners without a passphrase) and clocks set back.
Records a transfer bundle brought from another device are held against that device's audit chain,
which came with them and is checked alike; each import must name a head that chain holds. Then it
prints a line for each device's chain and how many clients and sessions each device made.
On the clinic's server (--db postgres://user@host/database), it checks the practice there alike.`

func runVerify(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs := newFlags("verify", "--db PATH|URL [--against BACKUP]... [--head HASH]...", verifyAbout, errOut)
	db := fs.String("db", "", "path of the database file, or the URL of the practice on the clinic's server")
	var against, heads listFlag
	fs.Var(&against, "against", "an earlier backup of the practice whose audit log this one must extend (may repeat)")
	fs.Var(&heads, "head", "a head hash printed on a session record, which the audit log must still hold (may repeat)")
	rest, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if !requireDB(fs, *db, errOut) || len(rest) > 0 {
		if len(rest) > 0 {
			fmt.Fprintf(errOut, "needlelog verify: unexpected argument %q\n", rest[0])
		}
		return 2
	}
	for _, h := range heads {
		if !hexHash.MatchString(strings.TrimSpace(h)) {
			fmt.Fprintf(errOut, "needlelog verify: --head %q is not an audit log hash: it is 64 letters and digits (0-9, a-f), as printed after \"Audit log head:\"\n", h)
			return 2
		}
	}
	s, err := openToRead(ctx, *db)
	if err != nil {
		return fail(errOut, "verify", err)
	}
	defer s.Close()
	rep, err := s.Verify(ctx)
	if err != nil {
		return fail(errOut, "verify", err)
	}
	breaks := rep.Breaks
	var notes []string
	for _, path := range against {
		f, err := fileOf(s, "verify --against", "make a backup of it (needlelog backup --db URL --to FOLDER) and verify that "+
			"backup's file --against the earlier one, or use --head")
		if err != nil {
			return usageError(errOut, "verify")("%s", err)
		}
		ac, err := f.VerifyAgainst(ctx, path)
		if err != nil {
			return fail(errOut, "verify", fmt.Errorf("--against %s: %w", quote(path), err))
		}
		breaks = append(breaks, ac.Breaks...)
		if len(ac.Breaks) == 0 {
			notes = append(notes, fmt.Sprintf("The log extends the backup of %s (%s, %d entries): %d entries added since.",
				stamp(ac.At), quote(path), ac.Head.Seq, ac.Added))
		}
	}
	for _, h := range heads {
		hc, err := s.VerifyHead(ctx, h)
		if err != nil {
			return fail(errOut, "verify", err)
		}
		if !hc.Found {
			breaks = append(breaks, hc.Break)
			continue
		}
		notes = append(notes, fmt.Sprintf("Head %s… is entry %d, of %s: %d entries added since.", hc.Entry.Hash[:12], hc.Entry.Seq,
			stamp(hc.At), hc.Added))
	}
	if len(breaks) > 0 {
		fmt.Fprintf(out, "%s: %d break(s) found; the records cannot be trusted as they are:\n", named(s, *db), len(breaks))
		for _, b := range breaks {
			fmt.Fprintf(out, "  %s\n", b)
		}
		printChains(out, rep)
		printSentences(out, "Also found:", rep.Findings)
		printSentences(out, givesTitle, rep.Gives)
		printSentences(out, "What this practice's log cannot show:", rep.Lacks)
		return 1
	}
	fmt.Fprintf(out, "OK: %s\n", named(s, *db))
	fmt.Fprintf(out, "%-18s %d, each chained to the one before\n", "audit entries:", rep.AuditEntries)
	fmt.Fprintf(out, "%-18s %d, each matching its practitioner's signing key as the practice holds it\n", "signed entries:", rep.SignedEntries)
	fmt.Fprintf(out, "%-18s %d, each matching its record hash\n", "signed sessions:", rep.SignedSessions)
	fmt.Fprintf(out, "%-18s %d, each matching its hashes\n", "amendments:", rep.Amendments)
	if rep.Head != "" {
		// Kept elsewhere, this shows later whether entries were cut off the end of the log.
		fmt.Fprintf(out, "%-18s %s\n", "last entry's hash:", rep.Head)
	}
	for _, k := range rep.Keys {
		// Kept elsewhere too, these show later whether a key was replaced in the file.
		fmt.Fprintf(out, "%-18s %s (SHA-256) %s\n", "signing key:", k.Fingerprint, visible(k.Practitioner))
	}
	printChains(out, rep)
	for _, n := range notes {
		fmt.Fprintf(out, "%s\n", n)
	}
	printSentences(out, "Found:", rep.Findings)
	printSentences(out, givesTitle, rep.Gives)
	lacks := rep.Lacks
	if len(against) == 0 && len(heads) == 0 && rep.AuditEntries > 0 {
		lacks = append(lacks, "Entries removed from the end of the log leave no trace in it: check with --against an earlier backup, "+
			"or --head the audit log head printed on an earlier session record.")
	}
	if len(against) == 0 && len(heads) == 0 && rep.SignedEntries > 0 {
		lacks = append(lacks, "The signatures are checked against the keys the practice holds: "+rep.Holder+" who replaced every key, "+
			"signed the entries again and rewrote the entries that made the keys would pass this check; only --against a backup "+
			"kept elsewhere, or --head a head printed on an earlier record, shows keys replaced, as do fingerprints above that differ "+
			"from those printed on an earlier record.")
	}
	printSentences(out, "What this check cannot show:", lacks)
	return 0
}

// printChains says, when records came from other devices, each device's audit chain as verify
// found it and how many clients and sessions each chain made; nothing on a practice that never
// exchanged records.
func printChains(out io.Writer, rep store.VerifyReport) {
	if len(rep.Chains) == 0 {
		return
	}
	made := func(m store.Made) string {
		return wording.Plural(m.Clients, "1 client", "%d clients") + ", " + wording.Plural(m.Sessions, "1 session", "%d sessions")
	}
	from := []string{"this device " + made(rep.MadeHere)}
	for _, c := range rep.Chains {
		state := "intact"
		if !c.Intact {
			state = "broken (see above)"
		}
		head := ""
		if c.Head != "" {
			head = fmt.Sprintf(", head entry %d %s", c.HeadSeq, c.Head)
		}
		fmt.Fprintf(out, "Chain of %s: %s (%s signed), %s%s\n", c.Said(), wording.Plural(c.Entries, "1 entry", "%d entries"),
			wording.Thousands(c.SignedEntries), state, head)
		from = append(from, cmp.Or(c.Name, c.DeviceID)+" "+made(c.Made))
	}
	fmt.Fprintf(out, "Records came from: %s.\n", strings.Join(from, "; "))
}

// givesTitle heads the guarantees the practice's engine gives (VerifyReport.Gives).
const givesTitle = "What keeps these records whole where they are kept:"

func printSentences(out io.Writer, title string, ss []string) {
	if len(ss) == 0 {
		return
	}
	fmt.Fprintf(out, "%s\n", title)
	for _, s := range ss {
		fmt.Fprintf(out, "  %s\n", s)
	}
}
