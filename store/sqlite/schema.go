package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlstore"
)

// schemaObject is a row of sqlite_schema: a table, index, trigger or view.
type schemaObject struct {
	kind, name, table string
	sql               string // normalised (normalSQL); "" for SQLite's own indexes, which have none
	hasSQL            bool
	rawSQL            string // as stored, to make the object again
}

// key is how objects are matched: SQLite's names are case-insensitive.
func (o schemaObject) key() string { return strings.ToLower(o.name) }

// what names an object as a sentence does: `trigger "x"`.
func (o schemaObject) what() string { return fmt.Sprintf("%s %q", o.kind, o.name) }

// sqliteTables are SQLite's bookkeeping tables, by name, with the definitions SQLite gives them
// (normalised): SQLite makes them by itself (ANALYZE, a PRAGMA optimize from any SQLite tool,
// AUTOINCREMENT), and they only steer the query planner or hold counters: they act on no record.
var sqliteTables = map[string]string{
	"sqlite_stat1":    normalSQL("CREATE TABLE sqlite_stat1(tbl,idx,stat)"),
	"sqlite_stat2":    normalSQL("CREATE TABLE sqlite_stat2(tbl,idx,sampleno,sample)"),
	"sqlite_stat3":    normalSQL("CREATE TABLE sqlite_stat3(tbl,idx,neq,nlt,ndlt,sample)"),
	"sqlite_stat4":    normalSQL("CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)"),
	"sqlite_sequence": normalSQL("CREATE TABLE sqlite_sequence(name,seq)"),
}

// ignoredObject is true of SQLite's own bookkeeping tables only: a table of exactly such a name
// and definition. Anything else of such a name (a trigger written straight into sqlite_schema,
// say) is compared like any other object.
func ignoredObject(o schemaObject) bool {
	def, ok := sqliteTables[o.name]
	return ok && o.kind == "table" && o.table == o.name && o.hasSQL && o.sql == def
}

// readSchema reads a database's tables, indexes, triggers and views in the order they were made.
func readSchema(ctx context.Context, q sqlstore.Querier) ([]schemaObject, error) {
	rows, err := q.QueryContext(ctx, `SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []schemaObject
	for rows.Next() {
		var kind, name, table, text sql.NullString
		if err := rows.Scan(&kind, &name, &table, &text); err != nil {
			return nil, err
		}
		o := schemaObject{kind: kind.String, name: name.String, table: table.String, hasSQL: text.Valid, rawSQL: text.String}
		if text.Valid {
			o.sql = normalSQL(text.String)
		}
		if !ignoredObject(o) {
			out = append(out, o)
		}
	}
	return out, rows.Err()
}

// references caches referenceSchema's answers per version: the embedded migrations do not change
// while running.
var references sync.Map

// referenceSchema is what readSchema gives for a database Needlelog made at a schema version: the
// migrations up to it, applied to an empty database in memory.
func referenceSchema(ctx context.Context, version int) ([]schemaObject, error) {
	if v, ok := references.Load(version); ok {
		return v.([]schemaObject), nil
	}
	db, err := sql.Open("sqlite", "file:reference-schema?mode=memory")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // every connection to a memory database is a database of its own
	names := migrationNames()
	for _, name := range names[:max(0, min(version, len(names)))] {
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if _, err := db.ExecContext(ctx, string(body)); err != nil {
			return nil, fmt.Errorf("apply %s in memory: %w", filepath.Base(name), err)
		}
	}
	objects, err := readSchema(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("read the schema made in memory: %w", err)
	}
	references.Store(version, objects)
	return objects, nil
}

// schemaDiff is one way a file's schema differs from Needlelog's at its version.
type schemaDiff struct {
	// got is the file's object ("" kind when missing); want is Needlelog's ("" kind when extra).
	got, want schemaObject
}

func (d schemaDiff) extra() bool { return d.want.kind == "" }

// object is the file's object, or Needlelog's when the file lacks it.
func (d schemaDiff) object() schemaObject {
	if d.missing() {
		return d.want
	}
	return d.got
}

func (d schemaDiff) missing() bool { return d.got.kind == "" }

// String says the difference in a clause.
func (d schemaDiff) String() string {
	switch {
	case d.missing():
		return fmt.Sprintf("%s is missing", d.want.what())
	case d.extra() && (d.got.kind == "trigger" || d.got.kind == "index"):
		return fmt.Sprintf("an extra %s on table %q that Needlelog did not make", d.got.what(), d.got.table)
	case d.extra():
		return fmt.Sprintf("a %s that Needlelog did not make", d.got.what())
	case d.got.kind != d.want.kind:
		return fmt.Sprintf("%q is a %s where Needlelog has a %s", d.got.name, d.got.kind, d.want.kind)
	}
	return fmt.Sprintf("%s differs from Needlelog's", d.got.what())
}

// compareSchema compares a database's tables, indexes, triggers and views with those Needlelog's
// migrations make at version, by kind, table and definition: an object of Needlelog's name with
// another body is as foreign as one of another name. Needlelog's missing or changed objects come
// first, in the order the migrations make them, then the extra ones in the file's order.
func compareSchema(ctx context.Context, q sqlstore.Querier, version int) ([]schemaDiff, error) {
	want, err := referenceSchema(ctx, version)
	if err != nil {
		return nil, err
	}
	got, err := readSchema(ctx, q)
	if err != nil {
		return nil, err
	}
	have := make(map[string]schemaObject, len(got))
	for _, o := range got {
		have[o.key()] = o
	}
	known := make(map[string]bool, len(want))
	var diffs []schemaDiff
	for _, w := range want {
		known[w.key()] = true
		g, ok := have[w.key()]
		switch {
		case !ok:
			diffs = append(diffs, schemaDiff{want: w})
		case g.kind != w.kind || !strings.EqualFold(g.table, w.table) || g.hasSQL != w.hasSQL || g.sql != w.sql:
			diffs = append(diffs, schemaDiff{got: g, want: w})
		}
	}
	for _, g := range got {
		if !known[g.key()] {
			diffs = append(diffs, schemaDiff{got: g})
		}
	}
	// The indexes SQLite makes for a table's UNIQUE and PRIMARY KEY follow from its definition:
	// beside a table found missing, extra or changed they say nothing more.
	tables := map[string]bool{}
	for _, d := range diffs {
		if o := d.object(); o.kind == "table" {
			tables[o.key()] = true
		}
	}
	return slices.DeleteFunc(diffs, func(d schemaDiff) bool {
		o := d.object()
		return strings.HasPrefix(o.key(), "sqlite_autoindex_") && tables[strings.ToLower(o.table)]
	}), nil
}

// schemaDifferences is compareSchema said in clauses; none when the file's schema is Needlelog's.
func schemaDifferences(ctx context.Context, q sqlstore.Querier, version int) ([]string, error) {
	diffs, err := compareSchema(ctx, q, version)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(diffs))
	for i, d := range diffs {
		out[i] = d.String()
	}
	return out, nil
}

// normalSQL is a definition with what does not change its meaning taken out: comments, the
// spacing, the case of keywords and names, the quotes around a name, and an IF NOT EXISTS after
// CREATE. String literals are kept as they are. Tokens are joined by one space.
func normalSQL(s string) string {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				i = len(s)
			} else {
				i += end + 4
			}
		case c == '\'':
			j := quotedEnd(s, i, '\'')
			toks = append(toks, s[i:j])
			i = j
		case c == '"' || c == '`' || c == '[':
			closing := c
			if c == '[' {
				closing = ']'
			}
			j := quotedEnd(s, i, closing)
			name := s[i+1 : max(i+1, j-1)]
			if closing != ']' {
				name = strings.ReplaceAll(name, string([]byte{closing, closing}), string(closing))
			}
			toks = append(toks, quotedName(name))
			i = j
		case isWordByte(c):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			toks = append(toks, strings.ToLower(s[i:j]))
			i = j
		default:
			toks = append(toks, s[i:i+1])
			i++
		}
	}
	// CREATE [UNIQUE|VIRTUAL] kind IF NOT EXISTS name: the clause only says what to do when it is there.
	if n := len(toks); n >= 6 && toks[0] == "create" {
		k := 2
		if toks[1] == "unique" || toks[1] == "virtual" {
			k = 3
		}
		if k+3 <= n && toks[k] == "if" && toks[k+1] == "not" && toks[k+2] == "exists" {
			toks = append(toks[:k], toks[k+3:]...)
		}
	}
	return strings.Join(toks, " ")
}

// quotedEnd is the index just past the quoted text starting at s[i], a doubled closing quote
// standing for the quote itself (not within [...]); len(s) when it is not closed.
func quotedEnd(s string, i int, closing byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] != closing {
			continue
		}
		if closing != ']' && j+1 < len(s) && s[j+1] == closing {
			j++
			continue
		}
		return j + 1
	}
	return len(s)
}

// quotedName is a quoted name as normalSQL gives it: bare and in lower case when that is how it
// could be written without quotes, so that "clients" and clients compare equal; a keyword keeps
// its quotes, which make it a name and not the keyword.
func quotedName(name string) string {
	lower := strings.ToLower(name)
	plain := lower != "" && !(lower[0] >= '0' && lower[0] <= '9')
	for i := 0; i < len(lower) && plain; i++ {
		plain = isWordByte(lower[i]) && lower[i] != '$'
	}
	if plain && !sqlKeywords[lower] {
		return lower
	}
	return `"` + strings.ReplaceAll(lower, `"`, `""`) + `"`
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// sqlKeywords are SQLite's keywords (sqlite.org/lang_keywords.html).
var sqlKeywords = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range strings.Fields(`abort action add after all alter always analyze and as asc attach
		autoincrement before begin between by cascade case cast check collate column commit conflict
		constraint create cross current current_date current_time current_timestamp database default
		deferrable deferred delete desc detach distinct do drop each else end escape except exclude
		exclusive exists explain fail filter first following for foreign from full generated glob group
		groups having if ignore immediate in index indexed initially inner insert instead intersect into
		is isnull join key last left like limit match materialized natural no not nothing notnull null
		nulls of offset on or order others outer over partition plan pragma preceding primary query raise
		range recursive references regexp reindex release rename replace restrict returning right
		rollback row rows savepoint select set table temp temporary then ties to transaction trigger
		unbounded union unique update using vacuum values view virtual when where window with without`) {
		m[k] = true
	}
	return m
}()

// PutBackSchema makes the schema of the database at path, a restored copy at version, the one
// Needlelog made, and says what it did, a sentence each: it drops the triggers, views, indexes
// and tables Needlelog did not make, and makes Needlelog's triggers, views and indexes that are
// missing or were changed again from their definitions. Leaving foreign objects out, rather than
// refusing the backup, keeps the practice's way back to its records: every backup made since such
// a trigger was added holds it, and the backup file itself keeps whatever was dropped. A Needlelog
// table of another shape cannot be put back without rebuilding it, and is refused. Nothing fires
// while this runs: triggers act on rows, and it only changes the schema.
func PutBackSchema(ctx context.Context, path string, version int) ([]string, error) {
	q := url.Values{"mode": {"rw"}}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "trusted_schema(0)")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	diffs, err := compareSchema(ctx, db, version)
	if err != nil {
		return nil, fmt.Errorf("compare the backup's tables with Needlelog's: %w", mapError(err))
	}
	var tables []string
	for _, d := range diffs {
		if o := d.object(); !d.extra() && (d.want.kind == "table" || strings.HasPrefix(o.key(), "sqlite_")) {
			tables = append(tables, d.String())
		}
	}
	if len(tables) > 0 {
		return nil, fmt.Errorf("%w; Needlelog can put back its triggers, indexes and views, but not its tables", &data.SchemaError{Differences: tables})
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, mapError(err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	var done []string
	// Triggers and views first, as they may name the rest; full-text tables before other tables,
	// as they drop their own tables with them.
	for _, kind := range []string{"trigger", "view", "index", "virtual table", "table"} {
		for _, d := range diffs {
			if d.missing() || dropKind(d.got) != kind {
				continue
			}
			dropped, err := dropObject(ctx, tx, d.got)
			if err != nil {
				return nil, fmt.Errorf("leave out %s: %w", d.got.what(), mapError(err))
			}
			if dropped && d.extra() {
				done = append(done, "left out "+d.String())
			}
		}
	}
	for _, d := range diffs { // in the order the migrations made them
		if d.extra() {
			continue
		}
		if _, err := tx.ExecContext(ctx, d.want.rawSQL); err != nil {
			return nil, fmt.Errorf("put back %s: %w", d.want.what(), mapError(err))
		}
		if d.missing() {
			done = append(done, fmt.Sprintf("made %s again, which was missing", d.want.what()))
		} else if d.got.kind == d.want.kind {
			done = append(done, fmt.Sprintf("put %s back as Needlelog made it", d.want.what()))
		} else {
			done = append(done, fmt.Sprintf("put %s back as Needlelog made it, in place of a %s of that name", d.want.what(), d.got.kind))
		}
	}
	if left, err := schemaDifferences(ctx, tx, version); err != nil || len(left) > 0 {
		return nil, fmt.Errorf("put back Needlelog's tables: %w", cmp.Or(mapError(err), error(&data.SchemaError{Differences: left})))
	}
	if err := tx.Commit(); err != nil {
		return nil, mapError(err)
	}
	return done, nil
}

// dropKind is how an object is dropped: a virtual table's is apart from other tables'.
func dropKind(o schemaObject) string {
	if o.kind == "table" && strings.HasPrefix(o.sql, "create virtual table") {
		return "virtual table"
	}
	return o.kind
}

// dropObject drops an object unless an earlier drop took it with it, and says whether it dropped it.
func dropObject(ctx context.Context, tx *sql.Tx, o schemaObject) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = ? AND name = ?`, o.kind, o.name).Scan(&n); err != nil || n == 0 {
		return false, err
	}
	_, err := tx.ExecContext(ctx, "DROP "+strings.ToUpper(o.kind)+` "`+strings.ReplaceAll(o.name, `"`, `""`)+`"`)
	return err == nil, err
}
