package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/postgres"
)

// runServer dispatches "needlelog server KIND": for now only init.
func runServer(ctx context.Context, args []string, out, errOut io.Writer) int {
	if len(args) > 0 && args[0] == "init" {
		return runServerInit(ctx, args[1:], out, errOut)
	}
	if len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		return runServerInit(ctx, args, out, errOut) // its one command's help
	}
	fmt.Fprintf(errOut, "Usage: %s server init --db ADMIN_URL [--address HOST[:PORT]] [--database NAME] [--owner-role NAME] [--app-role NAME]\n\n"+
		"Run '%[1]s server init -h' for what it does.\n", prog)
	if len(args) == 0 {
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		return 0
	}
	fmt.Fprintf(errOut, "needlelog server: there is no server command %q; the one there is is init\n", args[0])
	return 2
}

// serverInitAbout is what needlelog server init -h says the command does.
const serverInitAbout = `Sets up the practice on the clinic's PostgreSQL server, once, as the server's administrator: run it
on the server or on any PC that reaches it, with ADMIN_URL naming a user who may make roles and
databases (postgres://postgres@HOST:5432/postgres). It makes what is missing of:

  - the owner role (--owner-role, default DATABASE_owner), which owns the practice's tables and
    triggers and cannot log in;
  - the application role (--app-role, default DATABASE_app), which each PC connects as: it reads
    and writes records but cannot alter or drop a table, drop or disable a trigger, or change the
    audit log;
  - the practice's database (--database, default needlelog), with Needlelog's schema in it;

and gives the application role exactly the rights the app needs. It prints what it did and the URL
each PC connects with, and, when it made the application role, that role's password, shown this
once and kept nowhere else: put it in each PC's password file (.pgpass, as the line printed) or in
the variable NEEDLELOG_DB_PASSWORD. Run again (after updating Needlelog, say) it brings the schema
up to date, changes nothing else, and says so. A database or role of those names that is not
Needlelog's, or has other rights, is refused with nothing changed.

The PCs' URL names the server as --address gives it, by its name or address on the clinic's
network (192.168.1.10, clinic-server.local): give it when ADMIN_URL says localhost, as on the
server itself, since on a PC localhost is the PC. The URL asks for TLS (sslmode=require) when the
server has it on; when it is off, records cross the network unencrypted, and server init says how
to turn it on.

The administrator's password is never given in the URL: it comes from NEEDLELOG_DB_PASSWORD, the
password file (.pgpass, or the file PGPASSFILE names), or is asked for when the server wants one.`

func runServerInit(ctx context.Context, args []string, out, errOut io.Writer) int {
	const name = "server init"
	fs := newFlags(name, "--db ADMIN_URL [--address HOST[:PORT]] [--database NAME] [--owner-role NAME] [--app-role NAME] [--app-password-file FILE]",
		serverInitAbout, errOut)
	db := fs.String("db", "", "the server's URL as its administrator, postgres://USER@HOST:PORT/postgres")
	var o postgres.InitOptions
	fs.StringVar(&o.Address, "address", "", "the server's name or address as the clinic's PCs reach it, HOST or HOST:PORT\n"+
		"(such as 192.168.1.10 or clinic-server.local); default ADMIN_URL's host and port")
	fs.StringVar(&o.Database, "database", "", "the practice's database (default needlelog)")
	fs.StringVar(&o.OwnerRole, "owner-role", "", "the role that owns the practice (default DATABASE_owner)")
	fs.StringVar(&o.AppRole, "app-role", "", "the role each PC connects as (default DATABASE_app)")
	passFile := fs.String("app-password-file", "", "file whose first line is the password to give the application role when it\n"+
		"is made (at least 12 characters); without it, one is made and printed once")
	if code, ok := parseNoArgs(fs, args, db, errOut); !ok {
		return code
	}
	usageErr := usageError(errOut, name)
	if !practice.IsServer(*db) {
		return usageErr("--db is the server's URL as its administrator, such as postgres://postgres@HOST:5432/postgres, not %s", quote(*db))
	}
	if hasPassword(*db) {
		return usageErr("%s", errPasswordInURL)
	}
	if o.Address != "" {
		if _, _, err := postgres.SplitAddress(o.Address); err != nil {
			return usageErr("%s", err)
		}
	}
	if *passFile != "" {
		b, err := os.ReadFile(*passFile)
		if err != nil {
			return usageErr("--app-password-file %s cannot be read", quote(*passFile))
		}
		o.AppPassword, _, _ = strings.Cut(strings.TrimRight(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n"), "\n")
	}
	res, err := postgres.InitServer(ctx, *db, o)
	if errors.Is(err, postgres.ErrLoginRefused) && os.Getenv(postgres.PasswordEnv) == "" && stdinIsTerminal() {
		user := "the administrator"
		if u, perr := url.Parse(*db); perr == nil && u.User != nil {
			user = fmt.Sprintf("%q", u.User.Username())
		}
		if o.AdminPassword, err = readPassword(fmt.Sprintf("Password of %s on the clinic's server: ", user)); err != nil {
			return fail(errOut, name, fmt.Errorf("read the password: %w", err))
		}
		res, err = postgres.InitServer(ctx, *db, o)
	}
	if res.AppPassword != "" {
		// Said even when a later step failed: the role was made with it, and keeps it.
		defer printAppPassword(out, res)
	}
	if err != nil {
		return fail(errOut, name, err)
	}
	if len(res.Changes) == 0 {
		fmt.Fprintf(out, "%s.\n", upperFirst(res.String()))
	} else {
		fmt.Fprintf(out, "Set up the practice %q on the clinic's server:\n", res.Database)
		for _, c := range res.Changes {
			fmt.Fprintf(out, "  %s\n", c)
		}
		for _, n := range res.Notes {
			fmt.Fprintf(out, "  %s\n", n)
		}
	}
	fmt.Fprintf(out, "%-22s %d\n", "Schema version:", res.SchemaVersion)
	fmt.Fprintf(out, "%-22s %s\n", "Each PC connects with:", postgres.Redacted(res.PCURL))
	if res.AddressNeeded {
		fmt.Fprintf(out, "A PC reaches the server by its name or address on the clinic's network, which --db does not give (it names this computer): "+
			"put that in place of %s, or run server init again with --address HOST (such as 192.168.1.10 or clinic-server.local) to have it printed.\n",
			postgres.AddressPlaceholder)
	}
	if !res.TLS {
		fmt.Fprintf(out, "The server has TLS off, so records would cross the clinic's network unencrypted (sslmode=disable): "+
			"turn it on with ssl = on and a certificate (ssl_cert_file, ssl_key_file) in the server's postgresql.conf, reload the server, and run server init again.\n")
	}
	if res.AppPassword == "" {
		fmt.Fprintf(out, "The role %q logs in with the password it was given when it was made (server init never shows or changes it); "+
			"each PC reads it from NEEDLELOG_DB_PASSWORD or its password file (.pgpass).\n", res.AppRole)
	}
	return 0
}

// printAppPassword says, once, the application role's password made by this run, and where each
// PC keeps it.
func printAppPassword(out io.Writer, res postgres.InitResult) {
	fmt.Fprintf(out, "The password of %q, made now and shown only this once: %s\n", res.AppRole, res.AppPassword)
	fmt.Fprintf(out, "Keep it on each PC in its password file (%s), as the line\n  %s\nor in the variable %s.\n",
		pgpassPlace(), pgpassLine(res), postgres.PasswordEnv)
}

// pgpassPlace is where this system's password file is.
func pgpassPlace() string {
	if p := os.Getenv("PGPASSFILE"); p != "" {
		return quote(p)
	}
	if os.PathSeparator == '\\' {
		return `%APPDATA%\postgresql\pgpass.conf`
	}
	return "~/.pgpass, readable by its owner only"
}

// pgpassLine is the password file's line for the application role: host:port:database:user:password.
// Where server init does not know the server's network address, any host (*) does.
func pgpassLine(res postgres.InitResult) string {
	host, port := "*", "*"
	if u, err := url.Parse(res.PCURL); err == nil {
		if h := u.Hostname(); h != "" && h != postgres.AddressPlaceholder {
			host = h
		}
		if p := u.Port(); p != "" {
			port = p
		}
	}
	esc := strings.NewReplacer(`\`, `\\`, `:`, `\:`)
	return strings.Join([]string{esc.Replace(host), port, esc.Replace(res.Database), esc.Replace(res.AppRole), esc.Replace(res.AppPassword)}, ":")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
