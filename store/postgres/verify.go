package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlstore"
)

// Verify checks the practice from one snapshot: the audit log's chain and signatures, every
// signed session, the server's triggers and their functions against those the migrations make,
// and says which guarantees the server gives as this connection's role has it (doc.go's table).
// What it finds wrong is in the report; an error means the check could not be made.
func (s *Store) Verify(ctx context.Context) (store.VerifyReport, error) {
	var rep store.VerifyReport
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var version int
		if err := tx.QueryRowContext(ctx, `SELECT version FROM needlelog_schema`).Scan(&version); err != nil {
			return fmt.Errorf("read schema version: %w", sqlstore.MapError(err))
		}
		if version < SchemaVersion() {
			return fmt.Errorf("schema version %d is older than %d: %w", version, SchemaVersion(), ErrServerInitNeeded)
		}
		if err := s.VerifyRecords(ctx, tx, &rep); err != nil {
			return err
		}
		if err := checkTriggers(ctx, tx, &rep); err != nil {
			return fmt.Errorf("compare the server's triggers with Needlelog's: %w", sqlstore.MapError(err))
		}
		f, err := readRole(ctx, tx)
		if err != nil {
			return fmt.Errorf("read this connection's rights: %w", sqlstore.MapError(err))
		}
		gives, lacks := f.guarantees()
		rep.Gives = append(rep.Gives, gives...)
		rep.Lacks = append(rep.Lacks, lacks...)
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	return rep, ctx.Err()
}

// CheckSchema compares the server's triggers and their functions with those the migrations make,
// as Verify does, and says each difference in a sentence: none when the schema is as Needlelog
// made it. An error means the comparison could not be made.
func (s *Store) CheckSchema(ctx context.Context) ([]string, error) {
	var rep store.VerifyReport
	if err := s.readTx(ctx, func(tx *sql.Tx) error { return checkTriggers(ctx, tx, &rep) }); err != nil {
		return nil, fmt.Errorf("compare the server's triggers with Needlelog's: %w", sqlstore.MapError(err))
	}
	return rep.Breaks, ctx.Err()
}

// roleFacts is what this connection's role may do to the practice, as the server says.
type roleFacts struct {
	role        string
	super       bool
	owns        string // the tables' owner when this role is, or may act as, that role
	create      bool   // CREATE on the schema
	auditWrite  bool   // UPDATE or DELETE on audit_log, audit_signatures or other devices' chains (peer_audit_log)
	keptWrite   bool   // UPDATE or DELETE on the amendments, DELETE on the keys (this device's or others')
	truncate    []string
	publicReach bool // PUBLIC may connect to the database or use the schema
}

func readRole(ctx context.Context, tx *sql.Tx) (roleFacts, error) {
	var f roleFacts
	var truncate string
	err := tx.QueryRowContext(ctx, `SELECT current_user::text,
		coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false),
		coalesce((SELECT string_agg(DISTINCT pg_get_userbyid(c.relowner)::text, ', ') FROM pg_class c
			WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
			AND pg_has_role(current_user, c.relowner, 'MEMBER')), ''),
		has_schema_privilege('public', 'CREATE'),
		has_table_privilege('audit_log', 'UPDATE') OR has_table_privilege('audit_log', 'DELETE')
			OR has_table_privilege('audit_signatures', 'UPDATE') OR has_table_privilege('audit_signatures', 'DELETE')
			OR has_table_privilege('peer_audit_log', 'UPDATE') OR has_table_privilege('peer_audit_log', 'DELETE'),
		has_table_privilege('session_amendments', 'UPDATE') OR has_table_privilege('session_amendments', 'DELETE')
			OR has_table_privilege('amendment_records', 'UPDATE') OR has_table_privilege('amendment_records', 'DELETE')
			OR has_table_privilege('practitioner_keys', 'DELETE') OR has_table_privilege('peer_keys', 'DELETE'),
		coalesce((SELECT string_agg(c.relname::text, ', ' ORDER BY c.relname) FROM pg_class c
			WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND has_table_privilege(c.oid, 'TRUNCATE')), ''),
		has_database_privilege('public', current_database(), 'CONNECT') OR has_schema_privilege('public', 'public', 'USAGE')`).
		Scan(&f.role, &f.super, &f.owns, &f.create, &f.auditWrite, &f.keptWrite, &truncate, &f.publicReach)
	if truncate != "" {
		f.truncate = strings.Split(truncate, ", ")
	}
	return f, err
}

// guarantees says, a sentence each, what the server guarantees the records as this role has it
// (doc.go's table), and what it does not. A superuser or the tables' owner could undo every
// trigger, so the server then gives what a SQLite file gives: triggers only.
func (f roleFacts) guarantees() (gives, lacks []string) {
	full := !f.super && f.owns == ""
	switch {
	case f.super:
		lacks = append(lacks, fmt.Sprintf("Connected as a superuser (%s): this connection could drop or disable the triggers, rewrite the audit log and alter the tables, "+
			"so the server guarantees no more than a SQLite file's triggers: connect each PC as the application role that server init made.", f.role))
	case f.owns != "":
		lacks = append(lacks, fmt.Sprintf("Connected as the tables' owner (%s): triggers could be dropped or disabled and the tables altered through this connection, "+
			"so the server guarantees no more than a SQLite file's triggers: connect each PC as the application role that server init made.", f.owns))
	}
	if full {
		gives = append(gives, fmt.Sprintf("Signed sessions are read-only: the server's triggers refuse any change, and this PC's role (%s) cannot drop or disable them, as it owns no table.", f.role))
	} else {
		gives = append(gives, "Signed sessions are read-only by the server's triggers.")
	}
	switch {
	case full && !f.auditWrite:
		gives = append(gives, "The audit log is append-only: the server's triggers refuse a change, and this PC's role may only read it and add to it.")
	case full:
		gives = append(gives, "The audit log is append-only by the server's triggers.")
		lacks = append(lacks, fmt.Sprintf("This PC's role (%s) has the right to change or remove lines of the audit log, which only the triggers stop: run server init again to take it away.", f.role))
	default:
		gives = append(gives, "The audit log is append-only by the server's triggers.")
	}
	switch {
	case full && !f.keptWrite:
		gives = append(gives, "Amendments and practitioners' signing keys are kept: the server's triggers refuse their removal, and this PC's role has no right to remove them.")
	case full:
		gives = append(gives, "Amendments and practitioners' signing keys are kept by the server's triggers.")
		lacks = append(lacks, fmt.Sprintf("This PC's role (%s) has the right to change or remove amendments or signing keys, which only the triggers stop: run server init again to take it away.", f.role))
	default:
		gives = append(gives, "Amendments and practitioners' signing keys are kept by the server's triggers.")
	}
	switch {
	case full && len(f.truncate) == 0:
		gives = append(gives, "No table can be truncated: this PC's role has the right to truncate none, and the tables of history refuse it by triggers besides.")
	case full:
		gives = append(gives, "The tables of history refuse truncation by triggers.")
		lacks = append(lacks, fmt.Sprintf("This PC's role (%s) may truncate %s: of these only the tables of history refuse it, by triggers; run server init again to take the right away.",
			f.role, strings.Join(f.truncate, ", ")))
	default:
		gives = append(gives, "The tables of history refuse truncation by triggers.")
	}
	switch {
	case full && !f.create:
		gives = append(gives, "The schema is as Needlelog made it: this PC's role owns nothing and may not create in the schema; only the owner role, which cannot log in, alters tables.")
	case full:
		lacks = append(lacks, fmt.Sprintf("This PC's role (%s) may create tables and functions in the practice's schema, which only the owner role should: run server init again to take the right away.", f.role))
	}
	if f.publicReach {
		lacks = append(lacks, "Every role on the clinic's server may connect to the practice's database or use its schema: run server init again to keep them to the practice's roles.")
	} else {
		gives = append(gives, "Only the practice's roles reach the records: no other role on the server may connect to its database or use its schema.")
	}
	gives = append(gives, "A rewritten history is found: verify recomputes the audit log's hash chain.")
	return gives, lacks
}

// wantTrigger is a trigger as the migrations make it.
type wantTrigger struct {
	name, table string
	def         string // timing, events, level, function and arguments, as triggerDef says them
}

// wantSchema is the triggers and the functions with a text body ($$…$$) the migrations leave,
// by name (triggers by table and name).
type wantSchema struct {
	triggers  map[string]wantTrigger // "table.name"
	functions map[string]string      // name → body
}

var (
	createTrigger  = regexp.MustCompile(`(?is)\bCREATE\s+TRIGGER\s+(\w+)\s+(BEFORE|AFTER|INSTEAD\s+OF)\s+(.+?)\s+ON\s+(\w+)\s+FOR\s+EACH\s+(ROW|STATEMENT)\s+EXECUTE\s+(?:FUNCTION|PROCEDURE)\s+(\w+)\s*\(([^)]*)\)`)
	dropTrigger    = regexp.MustCompile(`(?is)\bDROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(\w+)\s+ON\s+(\w+)`)
	createFunction = regexp.MustCompile(`(?is)\bCREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(\w+)\s*\([^)]*\)\s+RETURNS\s+\w+\b[^$;]*?\bAS\s+\$(\w*)\$`)
	dropFunction   = regexp.MustCompile(`(?is)\bDROP\s+FUNCTION\s+(?:IF\s+EXISTS\s+)?(\w+)`)
	dollarTag      = regexp.MustCompile(`^\$\w*\$`)
	orWord         = regexp.MustCompile(`(?i)\s+OR\s+`)
)

// schemaOfMigrations is migrationSchema, read once.
var schemaOfMigrations = sync.OnceValues(migrationSchema)

// migrationSchema reads wantSchema from the embedded migrations, in order.
func migrationSchema() (wantSchema, error) {
	ms, err := embeddedMigrations()
	if err != nil {
		return wantSchema{}, err
	}
	w := wantSchema{triggers: map[string]wantTrigger{}, functions: map[string]string{}}
	for _, m := range ms {
		body := stripComments(m.body)
		type found struct {
			at int
			do func()
		}
		var steps []found
		for _, g := range createTrigger.FindAllStringSubmatchIndex(body, -1) {
			s := func(i int) string { return body[g[2*i]:g[2*i+1]] }
			name, table := s(1), s(4)
			def := triggerDef(strings.ToUpper(strings.Join(strings.Fields(s(2)), " ")), parseEvents(s(3)), strings.EqualFold(s(5), "ROW"), s(6), parseArgs(s(7)))
			steps = append(steps, found{g[0], func() { w.triggers[table+"."+name] = wantTrigger{name, table, def} }})
		}
		for _, g := range dropTrigger.FindAllStringSubmatchIndex(body, -1) {
			key := body[g[4]:g[5]] + "." + body[g[2]:g[3]]
			steps = append(steps, found{g[0], func() { delete(w.triggers, key) }})
		}
		for _, g := range createFunction.FindAllStringSubmatchIndex(body, -1) {
			name, tag := body[g[2]:g[3]], "$"+body[g[4]:g[5]]+"$"
			rest := body[g[1]:]
			end := strings.Index(rest, tag)
			if end < 0 {
				return w, fmt.Errorf("migration %s: the body of %s does not end", m.name, name)
			}
			src := rest[:end]
			steps = append(steps, found{g[0], func() { w.functions[name] = src }})
		}
		for _, g := range dropFunction.FindAllStringSubmatchIndex(body, -1) {
			name := body[g[2]:g[3]]
			steps = append(steps, found{g[0], func() { delete(w.functions, name) }})
		}
		sort.Slice(steps, func(i, j int) bool { return steps[i].at < steps[j].at })
		for _, s := range steps {
			s.do()
		}
	}
	return w, nil
}

// stripComments takes the -- comments out of SQL outside quotes and dollar-quoted bodies, which
// are kept as they are: the server keeps a function's body byte for byte.
func stripComments(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		switch {
		case q[i] == '\'':
			end := strings.IndexByte(q[i+1:], '\'')
			if end < 0 {
				end = len(q) - i - 1
			}
			b.WriteString(q[i : i+end+2])
			i += end + 1
		case q[i] == '$':
			tag := dollarTag.FindString(q[i:])
			if tag == "" {
				b.WriteByte('$')
				continue
			}
			end := strings.Index(q[i+len(tag):], tag)
			if end < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			n := len(tag) + end + len(tag)
			b.WriteString(q[i : i+n])
			i += n - 1
		case q[i] == '-' && i+1 < len(q) && q[i+1] == '-':
			end := strings.IndexByte(q[i:], '\n')
			if end < 0 {
				return b.String()
			}
			i += end - 1
		default:
			b.WriteByte(q[i])
		}
	}
	return b.String()
}

// parseEvents reads "INSERT OR UPDATE OF a, b OR DELETE" as the events in triggerDef's order.
func parseEvents(s string) []string {
	var ins, del, upd, trunc string
	for _, e := range orWord.Split(strings.TrimSpace(s), -1) {
		fields := strings.Fields(strings.ToUpper(e))
		switch {
		case len(fields) == 0:
		case fields[0] == "INSERT":
			ins = "INSERT"
		case fields[0] == "DELETE":
			del = "DELETE"
		case fields[0] == "TRUNCATE":
			trunc = "TRUNCATE"
		case fields[0] == "UPDATE":
			upd = "UPDATE"
			if _, cols, ok := strings.Cut(strings.ToLower(e), " of "); ok {
				var cs []string
				for _, c := range strings.Split(cols, ",") {
					cs = append(cs, strings.TrimSpace(c))
				}
				upd += " OF " + sortedList(cs)
			}
		}
	}
	var out []string
	for _, e := range []string{ins, del, upd, trunc} {
		if e != "" {
			out = append(out, e)
		}
	}
	return out
}

// parseArgs reads a trigger's arguments, 'a', 'b', as the server keeps them.
func parseArgs(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		out = append(out, strings.ReplaceAll(strings.Trim(a, "'"), "''", "'"))
	}
	return out
}

func sortedList(s []string) string {
	s = slices.Clone(s)
	slices.Sort(s)
	return strings.Join(s, ",")
}

// triggerDef says a trigger in one canonical form, for the migrations' and the server's alike.
func triggerDef(timing string, events []string, row bool, function string, args []string) string {
	level := "STATEMENT"
	if row {
		level = "ROW"
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + a + "'"
	}
	return fmt.Sprintf("%s %s FOR EACH %s EXECUTE FUNCTION %s(%s)", timing, strings.Join(events, " OR "), level, function, strings.Join(quoted, ", "))
}

// pg_trigger.tgtype's bits.
const (
	tgRow      = 1 << 0
	tgBefore   = 1 << 1
	tgInsert   = 1 << 2
	tgDelete   = 1 << 3
	tgUpdate   = 1 << 4
	tgTruncate = 1 << 5
	tgInstead  = 1 << 6
)

// serverTrigger is a trigger as the server has it.
type serverTrigger struct {
	name, table, enabled, function string
	def                            string
	when                           bool // it has a WHEN condition, which no migration gives
}

func readTriggers(ctx context.Context, tx *sql.Tx) ([]serverTrigger, error) {
	rows, err := tx.QueryContext(ctx, `SELECT t.tgname::text, c.relname::text, t.tgenabled::text, t.tgtype::int, p.proname::text, t.tgargs,
		coalesce((SELECT string_agg(a.attname::text, ',') FROM unnest(t.tgattr::int2[]) k (attnum)
			JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.attnum), ''),
		t.tgqual IS NOT NULL
		FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
		WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace
		ORDER BY c.relname, t.tgname`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []serverTrigger
	for rows.Next() {
		var t serverTrigger
		var tgtype int
		var args []byte
		var cols string
		if err := rows.Scan(&t.name, &t.table, &t.enabled, &tgtype, &t.function, &args, &cols, &t.when); err != nil {
			return nil, err
		}
		timing := "AFTER"
		switch {
		case tgtype&tgInstead != 0:
			timing = "INSTEAD OF"
		case tgtype&tgBefore != 0:
			timing = "BEFORE"
		}
		var events []string
		if tgtype&tgInsert != 0 {
			events = append(events, "INSERT")
		}
		if tgtype&tgDelete != 0 {
			events = append(events, "DELETE")
		}
		if tgtype&tgUpdate != 0 {
			if cols != "" {
				events = append(events, "UPDATE OF "+sortedList(strings.Split(cols, ",")))
			} else {
				events = append(events, "UPDATE")
			}
		}
		if tgtype&tgTruncate != 0 {
			events = append(events, "TRUNCATE")
		}
		var targs []string
		for _, a := range strings.SplitAfter(string(args), "\x00") {
			if a != "" {
				targs = append(targs, strings.TrimSuffix(a, "\x00"))
			}
		}
		t.def = triggerDef(timing, events, tgtype&tgRow != 0, t.function, targs)
		out = append(out, t)
	}
	return out, rows.Err()
}

// triggerPurpose says what the triggers calling a function keep, by the function's name.
func triggerPurpose(function string) string {
	switch function {
	case "sessions_signed", "session_child_signed", "side_effects_signed", "sealed_side_effects_signed", "session_locked":
		return "keeps signed sessions read-only"
	case "amendments_kept", "amendment_records_insert":
		return "keeps amendments as they were written"
	case "audit_append_only":
		return "keeps the audit log append-only"
	case "practitioner_keys_kept":
		return "keeps practitioners' signing keys"
	case "peer_keys_kept":
		return "keeps other devices' signing keys"
	case "history_no_truncate":
		return "stops the history from being truncated"
	case "sessions_latest":
		return "keeps each client's last session and next due date"
	case "notify_change", "say_change":
		return "tells the other PCs of each change"
	}
	return "Needlelog relies on"
}

// checkTriggers compares the server's triggers and the functions with a text body with those the
// migrations make: one dropped, disabled, redefined or rewritten no longer protects the records,
// and one added may change records as they are saved. Functions with an SQL-standard body (the
// server keeps them parsed) are checked by what they answer: session_locked for each signed
// session.
func checkTriggers(ctx context.Context, tx *sql.Tx, rep *store.VerifyReport) error {
	want, err := schemaOfMigrations()
	if err != nil {
		return err
	}
	have, err := readTriggers(ctx, tx)
	if err != nil {
		return err
	}
	breakf := func(format string, args ...any) { rep.Breaks = append(rep.Breaks, fmt.Sprintf(format, args...)) }
	seen := map[string]bool{}
	for _, h := range have {
		key := h.table + "." + h.name
		w, ok := want.triggers[key]
		seen[key] = ok
		if !ok {
			breakf("The server has a trigger %s on %s that Needlelog did not make: it may change records as they are saved, so they cannot be trusted.", h.name, h.table)
			continue
		}
		purpose := triggerPurpose(h.function)
		switch {
		case h.def != w.def || h.when:
			breakf("The server's trigger %s on %s, which %s, was changed outside Needlelog: it no longer does as Needlelog made it.", h.name, h.table, purpose)
		case h.enabled == "D":
			breakf("The server's trigger %s on %s, which %s, is disabled: the server no longer does so; only the tables' owner or a superuser can have disabled it.", h.name, h.table, purpose)
		case h.enabled == "R":
			breakf("The server's trigger %s on %s, which %s, is set to run only on a replica: the server no longer does so; only the tables' owner or a superuser can have set it.", h.name, h.table, purpose)
		}
	}
	var missing []wantTrigger
	for key, w := range want.triggers {
		if !seen[key] {
			missing = append(missing, w)
		}
	}
	sort.Slice(missing, func(i, j int) bool {
		return missing[i].table+"."+missing[i].name < missing[j].table+"."+missing[j].name
	})
	for _, w := range missing {
		breakf("The server's trigger %s on %s, which %s, has been removed: the server no longer does so; only the tables' owner or a superuser can have dropped it.",
			w.name, w.table, triggerPurpose(functionOf(w.def)))
	}

	rows, err := tx.QueryContext(ctx, `SELECT p.proname::text, p.prosrc FROM pg_proc p
		WHERE p.pronamespace = 'public'::regnamespace AND p.prosqlbody IS NULL`)
	if err != nil {
		return err
	}
	defer rows.Close()
	bodies := map[string]string{}
	for rows.Next() {
		var name, src string
		if err := rows.Scan(&name, &src); err != nil {
			return err
		}
		bodies[name] = src
	}
	if err := rows.Err(); err != nil {
		return err
	}
	names := make([]string, 0, len(want.functions))
	for name := range want.functions {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		src, ok := bodies[name]
		switch {
		case !ok:
			breakf("The server's function %s, which %s, has been removed or replaced outside Needlelog.", name, triggerPurpose(name))
		case src != want.functions[name]:
			breakf("The server's function %s, which %s, was rewritten outside Needlelog: what it does now is not known.", name, triggerPurpose(name))
		}
	}

	var unlocked int
	var example string
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(min(s.id), '') FROM sessions s WHERE s.status = 'signed'
		AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash)
		AND NOT session_locked(s.id)`).Scan(&unlocked, &example); err != nil {
		return err
	}
	if unlocked > 0 {
		breakf("The server's function session_locked, which keeps signed sessions read-only, no longer says %d signed sessions (%s among them) are: it was changed outside Needlelog.", unlocked, example)
	}
	return nil
}

// functionOf is the function a triggerDef calls.
func functionOf(def string) string {
	_, after, _ := strings.Cut(def, " EXECUTE FUNCTION ")
	name, _, _ := strings.Cut(after, "(")
	return name
}
