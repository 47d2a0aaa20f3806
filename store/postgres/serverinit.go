package postgres

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"needlelog.app/needlelog/data"
)

// Least privilege on the clinic's server. InitServer, run once by the server's administrator,
// splits the practice between two roles:
//
//   - the owner role owns the database, its schema and every table, trigger and function, and
//     cannot log in: only the administrator acts as it (SET ROLE), to bring the schema up to date;
//   - the application role is what each PC connects as: it reads and writes records but cannot
//     alter or drop a table, drop or disable a trigger, truncate, make tables, or change or remove
//     a line of the audit log, whatever a program on a PC sends.
//
// Later migrations: the application role cannot change the schema, so a PC whose Needlelog is
// newer than the practice's schema does not try; Open says ErrServerInitNeeded, and the
// administrator runs server init again, which applies the new migrations as the owner and gives
// the application role its rights on what they made (default privileges cover new tables, and
// the rights below are set again on every run).

// InitOptions says how to set up a practice on the clinic's server.
type InitOptions struct {
	// Database is the practice's database, made when missing: "needlelog" when empty.
	Database string
	// OwnerRole owns the practice and cannot log in: Database + "_owner" when empty.
	OwnerRole string
	// AppRole is the role each PC connects as: Database + "_app" when empty.
	AppRole string
	// AppPassword is the application role's password when the role is made: printable ASCII,
	// at least minAppPassword characters. When empty, one is generated and returned once in
	// InitResult. An application role that exists already keeps its password.
	AppPassword string
	// AdminPassword is the administrator's password when adminURL has none; without it the
	// password comes from NEEDLELOG_DB_PASSWORD, then PGPASSWORD, then the password file.
	AdminPassword string
	// Address is the server's name or address as the clinic's PCs reach it, HOST or HOST:PORT
	// (192.168.1.10, clinic-server.local:5433; see SplitAddress): the PCs' URL names it, with
	// its port or else adminURL's. When empty, the URL names adminURL's host.
	Address string
}

// InitResult says what InitServer found and did.
type InitResult struct {
	Database, OwnerRole, AppRole string
	// AppURL is the URL each PC connects with: the server at Address (else at adminURL's host),
	// the application role, the practice's database and the TLS the server offers (sslmode), and
	// nothing of the administrator's: no password, no password file.
	AppURL string
	// AddressNeeded says that no Address was given and adminURL names this computer (localhost,
	// a loopback address, a Unix socket): AppURL works on the server itself only, and PCURL
	// holds AddressPlaceholder where the server's network address goes.
	AddressNeeded bool
	// PCURL is the URL to set up on each PC: AppURL, or AppURL with AddressPlaceholder for its
	// host when AddressNeeded.
	PCURL string
	// TLS says the server has TLS on (ssl = on): AppURL asks for it (sslmode=require, or the
	// verification adminURL asked for). When off, AppURL says sslmode=disable: records cross the
	// network unencrypted.
	TLS bool
	// AppPassword is the application role's password when this run generated it: to be shown
	// to the administrator once and kept nowhere else. Empty otherwise.
	AppPassword string
	// SchemaVersion is the practice's schema version after the run.
	SchemaVersion int
	// Changes says, a sentence each, what this run changed; none when the server was already
	// set up as it should be.
	Changes []string
	// Notes says what was left as it was and worth knowing.
	Notes []string
}

// String says what the run did, without the password.
func (r InitResult) String() string {
	var b strings.Builder
	if len(r.Changes) == 0 {
		fmt.Fprintf(&b, "the practice %q on the clinic's server was already set up: nothing was changed", r.Database)
	} else {
		b.WriteString(strings.Join(r.Changes, "; "))
	}
	for _, n := range r.Notes {
		b.WriteString("; " + n)
	}
	return b.String()
}

const minAppPassword = 12

// narrowGrants are the tables of history: the application role adds to them and reads them, and
// never removes (or, but for a key's seal and retirement, changes) a row. Their triggers refuse
// too; the grants say it first. The photo files are never changed either, only added and, once
// no photo names them, collected. Every other table of the practice is a record table: SELECT,
// INSERT, UPDATE, DELETE.
var narrowGrants = map[string]string{
	"needlelog_schema":   "SELECT", // changed only by migrations, as the owner
	"audit_log":          "SELECT, INSERT",
	"audit_signatures":   "SELECT, INSERT",
	"session_amendments": "SELECT, INSERT",
	"amendment_records":  "SELECT, INSERT",
	"practitioner_keys":  "SELECT, INSERT, UPDATE",
	"peer_audit_log":     "SELECT, INSERT",
	"peer_keys":          "SELECT, INSERT, UPDATE",
	"photo_files":        "SELECT, INSERT, DELETE", // files never change; unused ones are collected
}

const recordGrants = "SELECT, INSERT, UPDATE, DELETE"

// roleName is the form of the names InitServer makes: a plain lower-case SQL name, which needs
// no quoting anywhere (URLs, .pgpass, pg_hba.conf).
var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// InitServer sets up a practice on the clinic's server, connected at adminURL (any database
// there, usually postgres) as a role that may make roles and databases: it makes what is missing
// of the owner role, the application role and the practice's database, brings the schema up to
// this build's version as the owner (the migrations Open applies), and gives the application
// role exactly the rights the app needs. Run again, it changes nothing and says so, or applies
// what a newer Needlelog brings. A database that belongs to another role or holds another
// program's tables, and roles of those names with other rights, are refused with nothing changed.
func InitServer(ctx context.Context, adminURL string, o InitOptions) (InitResult, error) {
	ms, err := embeddedMigrations()
	if err != nil {
		return InitResult{}, err
	}
	return initServer(ctx, adminURL, o, ms)
}

func initServer(ctx context.Context, adminURL string, o InitOptions, ms []migration) (InitResult, error) {
	if err := o.complete(); err != nil {
		return InitResult{}, err
	}
	res := InitResult{Database: o.Database, OwnerRole: o.OwnerRole, AppRole: o.AppRole}
	cfg, err := poolConfig(adminURL, Options{Password: o.AdminPassword})
	if err != nil {
		return res, err
	}
	addr := serverAddr(cfg.ConnConfig)
	admin, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return res, connectError(ctx, addr, cfg.ConnConfig, err)
	}
	defer admin.Close(context.Background())
	in := &initRun{o: o, res: &res, addr: addr, adminURL: adminURL, adminHost: cfg.ConnConfig.Host, adminPort: strconv.Itoa(int(cfg.ConnConfig.Port))}
	if err := in.run(ctx, admin, ms); err != nil {
		var se *serverError
		switch {
		case errors.As(err, &se), errors.Is(err, data.ErrNotDatabase), errors.Is(err, data.ErrNewerSchema), ctx.Err() != nil:
			return res, err
		case isConnectionLost(err):
			return res, connectError(ctx, addr, cfg.ConnConfig, err)
		}
		return res, &serverError{fmt.Sprintf("the practice could not be set up on the clinic's server at %s", addr), nil, err}
	}
	return res, nil
}

// complete fills in the defaults and checks the names and the password.
func (o *InitOptions) complete() error {
	if o.Database == "" {
		o.Database = "needlelog"
	}
	if o.OwnerRole == "" {
		o.OwnerRole = o.Database + "_owner"
	}
	if o.AppRole == "" {
		o.AppRole = o.Database + "_app"
	}
	for _, n := range []struct{ what, name string }{{"database", o.Database}, {"owner role", o.OwnerRole}, {"application role", o.AppRole}} {
		if !roleName.MatchString(n.name) {
			return fmt.Errorf("the %s's name %q is not one server init makes: use up to 63 lower-case letters, digits and _, not starting with a digit", n.what, n.name)
		}
	}
	if o.OwnerRole == o.AppRole {
		return fmt.Errorf("the owner role and the application role must differ (both are %q)", o.OwnerRole)
	}
	if o.Address != "" {
		if _, _, err := SplitAddress(o.Address); err != nil {
			return err
		}
	}
	if p := o.AppPassword; p != "" {
		// Printable ASCII is the same before and after SASLprep, so the verifier made here
		// matches what the server and pgx compute at login.
		for _, r := range p {
			if r < 0x20 || r > 0x7e {
				return errors.New("the application role's password must be letters, digits, spaces and ASCII punctuation only")
			}
		}
		if len(p) < minAppPassword {
			return fmt.Errorf("the application role's password must be at least %d characters long", minAppPassword)
		}
	}
	return nil
}

// AddressPlaceholder stands in PCURL for the server's network address, when server init was
// not told it.
const AddressPlaceholder = "SERVER-ADDRESS"

var (
	portDigits = regexp.MustCompile(`^[0-9]{1,5}$`)
	// hostName is a DNS name (clinic-server.local) or a computer's name on the network (the
	// underscore, which some Windows names have, is allowed).
	hostName   = regexp.MustCompile(`^(?i)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$`)
	digitsOnly = regexp.MustCompile(`^[0-9.]+$`)
)

// SplitAddress checks the server's address as the clinic's PCs reach it, HOST or HOST:PORT
// (an IPv6 address with a port in brackets, [fd00::10]:5432), and splits it; port is empty
// when none was given. A URL, a path, spaces or an IP address bound to one computer's network
// interface (fe80::1%eth0) are refused with a sentence.
func SplitAddress(address string) (host, port string, err error) {
	bad := fmt.Errorf("the server's address %q is not a host name or an IP address, with a port if need be (such as 192.168.1.10, clinic-server.local or clinic-server.local:5433)", address)
	host = address
	if h, p, err := net.SplitHostPort(address); err == nil {
		if n, _ := strconv.Atoi(p); !portDigits.MatchString(p) || n < 1 || n > 65535 {
			return "", "", bad
		}
		host, port = h, p
	} else if strings.HasPrefix(address, "[") && strings.HasSuffix(address, "]") {
		host = address[1 : len(address)-1]
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return "", "", bad
		}
		return host, port, nil
	}
	if len(host) > 253 || !hostName.MatchString(host) || digitsOnly.MatchString(host) {
		return "", "", bad
	}
	return host, port, nil
}

// isThisComputer says whether host, as pgx reads it from a URL, can only be reached from the
// server itself: a Unix socket's folder, localhost, a loopback address.
func isThisComputer(host string) bool {
	if host == "" || strings.HasPrefix(host, "/") {
		return true
	}
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// appURL is the URL of the application role on the practice's database at host and port, with
// only what a PC needs of adminURL's options: the TLS it asks for. That is sslmode=require when
// the server has TLS on and disable when it has not, unless adminURL asks for more (require,
// or verify-ca or verify-full with the certificate to verify the server with, sslrootcert).
// The administrator's password, password file and other options stay out: they are the
// administrator's, on this computer.
func appURL(adminURL, host, port string, tls bool, o InitOptions) string {
	q := url.Values{}
	mode := "disable"
	if tls {
		mode = "require"
	}
	if a, err := url.Parse(adminURL); err == nil {
		switch m := a.Query().Get("sslmode"); m {
		case "require":
			mode = m
		case "verify-ca", "verify-full":
			mode = m
			if c := a.Query().Get("sslrootcert"); c != "" {
				q.Set("sslrootcert", c)
			}
		}
	}
	q.Set("sslmode", mode)
	u := url.URL{Scheme: "postgres", User: url.User(o.AppRole), Path: "/" + o.Database}
	if strings.HasPrefix(host, "/") {
		// A Unix socket's folder goes in the options, as pgx and libpq read it.
		q.Set("host", host)
		q.Set("port", port)
	} else {
		u.Host = net.JoinHostPort(host, port)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// urls sets the result's URLs, once the server has said whether it has TLS on.
func (in *initRun) urls(tls bool) {
	host, port := in.adminHost, in.adminPort
	if in.o.Address != "" {
		h, p, _ := SplitAddress(in.o.Address) // checked by complete
		host = h
		if p != "" {
			port = p
		}
	}
	r := in.res
	r.TLS = tls
	r.AppURL = appURL(in.adminURL, host, port, tls, in.o)
	r.PCURL = r.AppURL
	r.AddressNeeded = in.o.Address == "" && isThisComputer(host)
	if r.AddressNeeded {
		r.PCURL = appURL(in.adminURL, AddressPlaceholder, port, tls, in.o)
	}
}

type initRun struct {
	o                    InitOptions
	res                  *InitResult
	addr                 string
	adminURL             string
	adminHost, adminPort string // as pgx reads them from adminURL
	super                bool   // the administrator is a superuser
}

func (in *initRun) changed(format string, args ...any) {
	in.res.Changes = append(in.res.Changes, fmt.Sprintf(format, args...))
}

func (in *initRun) refuse(format string, args ...any) error {
	return &serverError{fmt.Sprintf(format, args...), nil, nil}
}

func (in *initRun) run(ctx context.Context, admin *pgx.Conn, ms []migration) error {
	o := in.o
	// Everything is looked at before anything is made, so a refusal leaves the server as it was.
	var ssl string
	if err := admin.QueryRow(ctx, `SHOW ssl`).Scan(&ssl); err != nil {
		return err
	}
	in.urls(ssl == "on")
	var user string
	var createRole, createDB bool
	if err := admin.QueryRow(ctx, `SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user`).
		Scan(&user, &in.super, &createRole, &createDB); err != nil {
		return err
	}
	if !in.super && !(createRole && createDB) {
		return in.refuse("the user %q on the clinic's server at %s may not make roles and databases: run server init as the server's administrator (postgres, or a user with CREATEROLE and CREATEDB)", user, in.addr)
	}
	if user == o.OwnerRole || user == o.AppRole {
		return in.refuse("server init cannot make the role it is run as (%q): run it as the server's administrator", user)
	}
	ownerExists, err := in.checkRole(ctx, admin, o.OwnerRole, false)
	if err != nil {
		return err
	}
	appExists, err := in.checkRole(ctx, admin, o.AppRole, true)
	if err != nil {
		return err
	}
	var dbOwner string
	err = admin.QueryRow(ctx, `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1`, o.Database).Scan(&dbOwner)
	dbExists := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if dbExists && dbOwner != o.OwnerRole {
		return in.refuse("the database %q on the clinic's server at %s exists already and belongs to %q, not to the owner role %q: server init leaves it as it is; choose another database name",
			o.Database, in.addr, dbOwner, o.OwnerRole)
	}
	if dbExists {
		if err := in.inspect(ctx, ms); err != nil {
			return err
		}
	}

	if !ownerExists {
		if _, err := admin.Exec(ctx, `CREATE ROLE `+ident(o.OwnerRole)+` NOLOGIN`); err != nil {
			return err
		}
		in.changed("made the role %q, which owns the practice and cannot log in", o.OwnerRole)
	}
	if !in.super {
		// Only a member of the owner role may give it a database and act as it. (Tested on
		// PostgreSQL 15. From 16 on, a CREATEROLE user's roles come with ADMIN but without SET,
		// which this check takes for membership: such a server is set up as a superuser.)
		var member bool
		if err := admin.QueryRow(ctx, `SELECT pg_has_role(current_user, $1, 'MEMBER')`, o.OwnerRole).Scan(&member); err != nil {
			return err
		}
		if !member {
			if _, err := admin.Exec(ctx, `GRANT `+ident(o.OwnerRole)+` TO CURRENT_USER`); err != nil {
				return err
			}
			in.changed("let %q act as %q, to bring the practice's schema up to date", user, o.OwnerRole)
		}
	}
	if !appExists {
		password := o.AppPassword
		if password == "" {
			password = newPassword()
		}
		// The server is sent the password's SCRAM verifier, never the password: a statement
		// may end up in the server's log.
		if _, err := admin.Exec(ctx, `CREATE ROLE `+ident(o.AppRole)+` LOGIN PASSWORD '`+scramVerifier(password)+`'`); err != nil {
			return err
		}
		if o.AppPassword == "" {
			// Given back even if a later step fails: the role keeps it, and a later run
			// leaves an existing role's password as it is.
			in.res.AppPassword = password
		}
		in.changed("made the role %q, which each PC connects as", o.AppRole)
	} else if o.AppPassword != "" {
		in.res.Notes = append(in.res.Notes, fmt.Sprintf("the role %q existed already: its password was left as it was", o.AppRole))
	}
	if !dbExists {
		// Collation and character classes never depend on the database's locale (every column
		// is COLLATE "C", search folds with ICU), so "C", which every platform has, is taken.
		if _, err := admin.Exec(ctx, `CREATE DATABASE `+ident(o.Database)+` OWNER `+ident(o.OwnerRole)+
			` TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'`); err != nil {
			return err
		}
		in.changed("made the database %q, owned by %q", o.Database, o.OwnerRole)
	}
	return in.practice(ctx, ms)
}

// checkRole says whether the role exists, and refuses one with rights or memberships beyond
// those InitServer gives it: a role of that name made for something else.
func (in *initRun) checkRole(ctx context.Context, admin *pgx.Conn, name string, login bool) (bool, error) {
	var canLogin, super, createRole, createDB, replication, bypassRLS bool
	var memberOf []string
	err := admin.QueryRow(ctx, `SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
			ARRAY(SELECT b.rolname::text FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid WHERE m.member = r.oid ORDER BY 1)
		FROM pg_roles r WHERE rolname = $1`, name).Scan(&canLogin, &super, &createRole, &createDB, &replication, &bypassRLS, &memberOf)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var why []string
	switch {
	case login && !canLogin:
		why = append(why, "cannot log in")
	case !login && canLogin:
		why = append(why, "can log in")
	}
	for _, a := range []struct {
		has  bool
		says string
	}{{super, "is a superuser"}, {createRole, "may make roles"}, {createDB, "may make databases"}, {replication, "may replicate the server"}, {bypassRLS, "bypasses row security"}} {
		if a.has {
			why = append(why, a.says)
		}
	}
	if len(memberOf) > 0 {
		why = append(why, "is a member of "+strings.Join(memberOf, ", "))
	}
	if len(why) > 0 {
		what := "owner role"
		if login {
			what = "application role"
		}
		return true, in.refuse("the role %q exists already on the clinic's server at %s and %s, so it cannot be the practice's %s: choose another name",
			name, in.addr, strings.Join(why, " and "), what)
	}
	return true, nil
}

// practice works inside the practice's database as the owner role: the schema, then the rights.
func (in *initRun) practice(ctx context.Context, ms []migration) error {
	o := in.o
	cfg, err := poolConfig(in.adminURL, Options{Password: o.AdminPassword})
	if err != nil {
		return err
	}
	cfg.ConnConfig.Database = o.Database
	cfg.MaxConns = 1
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, `SET ROLE `+ident(o.OwnerRole))
		return err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	// PostgreSQL 14 and older give the public schema to the bootstrap superuser, with CREATE for
	// everyone: it must be the owner role's before its rights can be set.
	var schemaOwner string
	if err := pool.QueryRow(ctx, `SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'`).Scan(&schemaOwner); err != nil {
		return err
	}
	if schemaOwner != o.OwnerRole && schemaOwner != "pg_database_owner" {
		if !in.super {
			return in.refuse("the schema public of the database %q belongs to %q: run server init as a superuser, which gives it to %q", o.Database, schemaOwner, o.OwnerRole)
		}
		if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `SET LOCAL ROLE NONE; ALTER SCHEMA public OWNER TO `+ident(o.OwnerRole))
			return err
		}); err != nil {
			return err
		}
		in.changed("gave the schema public of %q to %q", o.Database, o.OwnerRole)
	}

	before, err := practiceVersion(ctx, pool)
	if err != nil {
		return err
	}
	if err := migrate(ctx, pool, ms); err != nil {
		if errors.Is(err, ErrServerInitNeeded) {
			// Said to a PC as "run server init"; here it is the owner role that lacks a right.
			return &serverError{fmt.Sprintf("the practice's schema could not be brought to version %d as the owner role %q, which lacks a right it needs (on a server that lets only superusers add the pg_trgm extension, a superuser must first run CREATE EXTENSION pg_trgm in the database %q)",
				ms[len(ms)-1].version, o.OwnerRole, o.Database), nil, errors.Unwrap(err)}
		}
		return err
	}
	after, err := practiceVersion(ctx, pool)
	if err != nil {
		return err
	}
	in.res.SchemaVersion = after
	switch {
	case before == 0:
		in.changed("made the practice's schema, version %d", after)
	case after != before:
		in.changed("brought the practice's schema from version %d to %d", before, after)
	}
	return in.grant(ctx, pool)
}

// inspect looks into a practice database that exists already, as the administrator, before
// anything is made: it must be Needlelog's (or empty), at a version this build knows, and all
// the owner role's, or the application role's rights and the triggers would rest on a role server
// init does not control.
func (in *initRun) inspect(ctx context.Context, ms []migration) error {
	o := in.o
	cfg, err := poolConfig(in.adminURL, Options{Password: o.AdminPassword})
	if err != nil {
		return err
	}
	cfg.ConnConfig.Database = o.Database
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read only
	current, err := schemaVersion(ctx, tx)
	if errors.Is(err, data.ErrNotDatabase) {
		return &serverError{fmt.Sprintf("the database %q on the clinic's server at %s is not a Needlelog practice: server init leaves it as it is; choose another database name",
			o.Database, in.addr), data.ErrNotDatabase, err}
	}
	if err != nil {
		return err
	}
	if latest := ms[len(ms)-1].version; current > latest {
		return fmt.Errorf("%w (the practice on the clinic's server is at schema version %d; this version reads up to %d): run server init with an up-to-date Needlelog",
			data.ErrNewerSchema, current, latest)
	}
	var foreign int
	var example string
	if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(min(name), '') FROM (
			SELECT c.relname::text AS name, c.relowner AS owner, 'pg_class'::regclass AS cls, c.oid FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
			UNION ALL
			SELECT p.proname::text, p.proowner, 'pg_proc'::regclass, p.oid FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
		) o WHERE o.owner <> $1::regrole
		AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.cls AND d.objid = o.oid AND d.deptype = 'e')`,
		o.OwnerRole).Scan(&foreign, &example); err != nil {
		return err
	}
	if foreign > 0 {
		return in.refuse("the database %q on the clinic's server at %s holds %d tables or functions (%s among them) that do not belong to %q: server init leaves it as it is",
			o.Database, in.addr, foreign, example, o.OwnerRole)
	}
	return nil
}

// practiceVersion is the schema version, 0 for a database without one.
func practiceVersion(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	var v int
	err := pool.QueryRow(ctx, `SELECT CASE WHEN to_regclass('needlelog_schema') IS NULL THEN 0
		ELSE (SELECT coalesce(max(version), 0) FROM needlelog_schema) END`).Scan(&v)
	if err != nil && isUndefinedTable(err) {
		return 0, nil
	}
	return v, err
}

func isUndefinedTable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42P01"
}

// grant sets the application role's rights, as the owner: what is listed here and nothing else,
// whatever it had. The statements are idempotent; the rights are compared before and after,
// and when nothing differs the transaction is rolled back, so a second run changes nothing.
func (in *initRun) grant(ctx context.Context, pool *pgxpool.Pool) error {
	o := in.o
	db, owner, app := ident(o.Database), ident(o.OwnerRole), ident(o.AppRole)
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	before, err := rights(ctx, tx, o.OwnerRole)
	if err != nil {
		return err
	}
	statements := []string{
		`REVOKE ALL ON DATABASE ` + db + ` FROM PUBLIC`,
		`REVOKE ALL ON DATABASE ` + db + ` FROM ` + app,
		`GRANT CONNECT ON DATABASE ` + db + ` TO ` + app,
		`REVOKE ALL ON SCHEMA public FROM PUBLIC`,
		`REVOKE ALL ON SCHEMA public FROM ` + app,
		`GRANT USAGE ON SCHEMA public TO ` + app,
		`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ` + app,
		`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ` + app,
		`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ` + app,
		// Tables made by later migrations get the record tables' rights; the next run of
		// server init narrows them where narrowGrants says.
		`ALTER DEFAULT PRIVILEGES FOR ROLE ` + owner + ` IN SCHEMA public GRANT ` + recordGrants + ` ON TABLES TO ` + app,
		`ALTER DEFAULT PRIVILEGES FOR ROLE ` + owner + ` IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ` + app,
		`ALTER DEFAULT PRIVILEGES FOR ROLE ` + owner + ` IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO ` + app,
	}
	tables, err := collect(ctx, tx, `SELECT relname::text FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm') ORDER BY 1`)
	if err != nil {
		return err
	}
	for _, t := range tables {
		g, ok := narrowGrants[t]
		if !ok {
			g = recordGrants
		}
		statements = append(statements, `GRANT `+g+` ON TABLE `+ident(t)+` TO `+app)
	}
	// The practice's own functions (search, the triggers' helpers), not pg_trgm's, which are
	// not the owner's to grant.
	functions, err := collect(ctx, tx, `SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
		AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') ORDER BY 1`)
	if err != nil {
		return err
	}
	for _, f := range functions {
		statements = append(statements, `REVOKE ALL ON FUNCTION `+f+` FROM `+app, `GRANT EXECUTE ON FUNCTION `+f+` TO `+app)
	}
	for _, s := range statements {
		if _, err := tx.Exec(ctx, s); err != nil {
			return err
		}
	}
	after, err := rights(ctx, tx, o.OwnerRole)
	if err != nil {
		return err
	}
	if after == before {
		return nil // rolled back: nothing to change
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	in.changed("set the rights of %q: it reads and writes records and adds to the audit log, and cannot change the schema or the log", o.AppRole)
	return nil
}

// rights is every grant in the practice's database as text: the database's, the schema's, the
// tables', sequences', functions' and the owner's default privileges.
func rights(ctx context.Context, tx pgx.Tx, owner string) (string, error) {
	var s string
	err := tx.QueryRow(ctx, `SELECT concat_ws(E'\n',
		(SELECT coalesce(datacl::text, '-') FROM pg_database WHERE datname = current_database()),
		(SELECT coalesce(nspacl::text, '-') FROM pg_namespace WHERE nspname = 'public'),
		(SELECT coalesce(string_agg(relname || ':' || coalesce(relacl::text, '-'), ' ' ORDER BY relname), '-')
			FROM pg_class WHERE relnamespace = 'public'::regnamespace),
		(SELECT coalesce(string_agg(oid::regprocedure::text || ':' || coalesce(proacl::text, '-'), ' ' ORDER BY oid::regprocedure::text), '-')
			FROM pg_proc WHERE pronamespace = 'public'::regnamespace),
		(SELECT coalesce(string_agg(defaclnamespace::text || defaclobjtype::text || ':' || defaclacl::text, ' ' ORDER BY defaclnamespace, defaclobjtype), '-')
			FROM pg_default_acl WHERE defaclrole = $1::regrole))`, owner).Scan(&s)
	return s, err
}

func collect(ctx context.Context, tx pgx.Tx, sql string) ([]string, error) {
	rows, err := tx.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// newPassword is 24 random bytes as base64url: 32 characters, none that needs quoting in a URL
// or a .pgpass line.
func newPassword() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// scramIterations is PostgreSQL's default (scram_iterations).
const scramIterations = 4096

// scramVerifier is what PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802, RFC 7677),
// made as libpq's PQencryptPasswordConn makes it, so that the password itself never reaches the
// server. The password is printable ASCII (checked), which SASLprep leaves as it is.
func scramVerifier(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	salted, err := pbkdf2.Key(sha256.New, password, salt, scramIterations, sha256.Size)
	if err != nil {
		panic(err) // only for parameters out of FIPS 140's bounds, which these are not
	}
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	stored := sha256.Sum256(mac(salted, "Client Key"))
	server := mac(salted, "Server Key")
	enc := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", scramIterations, enc(salt), enc(stored[:]), enc(server))
}
