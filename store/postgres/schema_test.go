package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// freshDB is an empty UTF-8 database of the test's own on the test server (testkit.PostgresWith).
func freshDB(t *testing.T) string {
	t.Helper()
	return freshDBWith(t, "ENCODING 'UTF8' TEMPLATE template0")
}

func freshDBWith(t *testing.T, options string) string {
	t.Helper()
	return testkit.PostgresWith(t, options)
}

// testServer is the test server's superuser URL; the test fails without it.
func testServer(t *testing.T) string {
	t.Helper()
	server := os.Getenv(testkit.PostgresEnv)
	if server == "" {
		testkit.Postgres(t) // fails the test, saying how to give it a server
	}
	return server
}

// schemaFile is the migrations under test, 0007_init.sql and each later one, in order: the
// schema a practice made by this build has.
func schemaFile(t *testing.T) string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(names) == 0 {
		t.Fatalf("migrations: %v %v", names, err)
	}
	slices.Sort(names)
	var all strings.Builder
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
		all.WriteString("\n")
	}
	return all.String()
}

// schemaVersion is the version the last migration brings the schema to.
func schemaVersion(t *testing.T) int {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join("migrations", "*.sql"))
	slices.Sort(names)
	v, err := strconv.Atoi(filepath.Base(names[len(names)-1])[:4])
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// practiceDB is a fresh database with the schema applied in one transaction, as the migrator
// applies it, and a connection to it.
func practiceDB(t *testing.T) *pgx.Conn {
	t.Helper()
	return applySchema(t, freshDB(t))
}

// applySchema applies the schema to the database at dbURL in one transaction and returns a
// connection to it.
func applySchema(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Conn().PgConn().Exec(ctx, schemaFile(t)).ReadAll(); err != nil {
		t.Fatalf("apply the migrations: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return conn
}

func exec(t *testing.T, conn *pgx.Conn, q string, args ...any) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// refused runs q and wants it refused with the SQLSTATE code; the statement's changes are undone
// by PostgreSQL, the connection stays usable (no transaction is open).
func refused(t *testing.T, conn *pgx.Conn, code, q string, args ...any) {
	t.Helper()
	_, err := conn.Exec(context.Background(), q, args...)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != code {
		t.Errorf("%s: got %v, want SQLSTATE %s", q, err, code)
	}
}

const (
	codeSigned   = "NL001" // → data.ErrSigned
	codeAudit    = "NL002" // the audit log is append-only
	codeKeys     = "NL003" // practitioner keys are kept for ever
	codeCheck    = "23514"
	codeNotNull  = "23502"
	codeUnique   = "23505"
	codeBadRef   = "23503"
	someTime     = "2026-03-01T10:00:00.000000000Z"
	laterTime    = "2026-03-02T10:00:00.000000000Z"
	signedHash   = "hash-signed"
	amendedHash  = "hash-amended"
	signedClient = "c-signed"
)

// sqliteSchema is a SQLite practice made by the SQLite engine at its current schema version,
// opened raw to read its schema.
func sqliteSchema(t *testing.T) *sql.DB {
	t.Helper()
	if v, pg := sqlite.SchemaVersion(), schemaVersion(t); v != pg {
		t.Fatalf("SQLite's schema is at version %d; the PostgreSQL schema is at version %d: add its migration %04d", v, pg, max(v, pg))
	}
	path := filepath.Join(t.TempDir(), "practice.db")
	sqlitetest.OpenStoreAt(t, path, nil)
	db := sqlitetest.OpenRaw(t, path)
	t.Cleanup(func() { db.Close() })
	return db
}

type column struct {
	name, typ, dflt string
	notNull         bool
}

// sqliteToPG is the PostgreSQL type of each SQLite column type.
var sqliteToPG = map[string]string{"TEXT": "text", "INTEGER": "bigint", "REAL": "double precision", "BLOB": "bytea", "ANY": "bytea"}

// pgOnlyColumns and pgOnlyIndexes are the search's folded text and trigram indexes, in place of
// SQLite's clients_fts.
var pgOnlyColumns = []string{"clients.search_text"}

var pgOnlyIndexes = []string{"clients_phone_digits", "clients_search"}

// pgOnlyTables are the photo files, which SQLite keeps in a folder beside its file and PostgreSQL
// on the server, in the form photoFilesForm says.
var pgOnlyTables = []string{"photo_files"}

// SQLite alone keeps its sessions' figures for the insights in a table of their own (insight_facts,
// made by the view insight_fact_rows and kept by the triggers insight_facts_*): PostgreSQL reads
// the records fast enough where they are.
const sqliteOnlyTable, sqliteOnlyView = "insight_facts", "insight_fact_rows"

// photoFilesForm is photo_files' columns (name, type, NOT NULL, default), its primary key and its
// number of CHECKs.
var photoFilesForm = struct {
	columns []column
	key     string
	checks  int
}{[]column{
	{name: "sha256", typ: "text", notNull: true}, {name: "bytes", typ: "bytea", notNull: true},
	{name: "size", typ: "bigint", notNull: true}, {name: "added_at", typ: "text", notNull: true},
}, "sha256", 2}

func sqliteTables(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT name, sql FROM sqlite_schema WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE 'clients\_fts%' ESCAPE '\' AND name <> ?`, sqliteOnlyTable)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		out[name] = def
	}
	return out
}

func sqliteStrings(t *testing.T, db *sql.DB, q string, args ...any) [][]string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		cells := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cells))
		for i := range cells {
			ptrs[i] = &cells[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cells))
		for i, c := range cells {
			row[i] = c.String
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func pgStrings(t *testing.T, conn *pgx.Conn, q string, args ...any) [][]string {
	t.Helper()
	rows, err := conn.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			if v != nil {
				row[i] = fmt.Sprint(v)
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// triggerEvent reads a SQLite trigger's timing and event.
var triggerEvent = regexp.MustCompile(`(?is)\b(BEFORE|AFTER)\s+(INSERT|UPDATE|DELETE)\b`)

// pgDefault turns PostgreSQL's spelling of a column default into SQLite's: '[]'::text → '[]'.
var castSuffix = regexp.MustCompile(`::[a-z ]+$`)

func pgDefault(d string) string { return castSuffix.ReplaceAllString(d, "") }

// TestSchemaMatchesSQLite keeps the two engines' schemas alike: every table and column SQLite has
// at its schema version (in order, with its type, NOT NULL and default), its number of CHECKs, its
// foreign keys, unique constraints and named indexes are PostgreSQL's, and PostgreSQL has no more
// than SQLite but its trigram search indexes.
func TestSchemaMatchesSQLite(t *testing.T) {
	lite := sqliteSchema(t)
	pg := practiceDB(t)
	ctx := context.Background()

	tables := sqliteTables(t, lite)
	var pgTables []string
	for _, r := range pgStrings(t, pg, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`) {
		if !slices.Contains(pgOnlyTables, r[0]) {
			pgTables = append(pgTables, r[0])
		}
	}
	for _, table := range pgOnlyTables {
		var got []column
		for _, r := range pgStrings(t, pg, `SELECT column_name, data_type, is_nullable = 'NO', coalesce(column_default, '')
			FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
			ORDER BY ordinal_position`, table) {
			got = append(got, column{name: r[0], typ: r[1], notNull: r[2] == "true", dflt: pgDefault(r[3])})
		}
		if !slices.Equal(got, photoFilesForm.columns) {
			t.Errorf("columns of %s: %+v, want %+v", table, got, photoFilesForm.columns)
		}
		var key string
		var checks int
		if err := pg.QueryRow(ctx, `SELECT
				coalesce((SELECT string_agg(a.attname, ',') FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
					WHERE i.indrelid = $1::regclass AND i.indisprimary), ''),
				(SELECT count(*) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c')`, table).Scan(&key, &checks); err != nil {
			t.Fatal(err)
		}
		if key != photoFilesForm.key || checks != photoFilesForm.checks {
			t.Errorf("%s: primary key %q and %d CHECKs, want %q and %d", table, key, checks, photoFilesForm.key, photoFilesForm.checks)
		}
	}
	var liteNames []string
	for name := range tables {
		liteNames = append(liteNames, name)
	}
	slices.Sort(liteNames)
	if !slices.Equal(pgTables, liteNames) {
		t.Fatalf("tables:\nPostgreSQL %q\nSQLite     %q", pgTables, liteNames)
	}

	checkWord := regexp.MustCompile(`(?i)\bCHECK\s*\(`)
	for _, table := range liteNames {
		// Columns, in order.
		var want []column
		for _, r := range sqliteStrings(t, lite, `SELECT name, type, "notnull" OR pk > 0, coalesce(dflt_value, '')
			FROM pragma_table_info(?) ORDER BY cid`, table) {
			want = append(want, column{name: r[0], typ: sqliteToPG[r[1]], notNull: r[2] == "1", dflt: r[3]})
		}
		var got []column
		for _, r := range pgStrings(t, pg, `SELECT column_name, data_type, is_nullable = 'NO', coalesce(column_default, '')
			FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
			ORDER BY ordinal_position`, table) {
			if slices.Contains(pgOnlyColumns, table+"."+r[0]) {
				continue
			}
			got = append(got, column{name: r[0], typ: r[1], notNull: r[2] == "true", dflt: pgDefault(r[3])})
		}
		for i := range max(len(got), len(want)) {
			var g, w column
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Errorf("column %d of %s: PostgreSQL %+v, SQLite %+v", i+1, table, g, w)
			}
		}

		// CHECKs: as many, each written alike (the refusals below try them).
		wantChecks := len(checkWord.FindAllString(tables[table], -1))
		var gotChecks int
		if err := pg.QueryRow(ctx, `SELECT count(*) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c'`,
			table).Scan(&gotChecks); err != nil {
			t.Fatal(err)
		}
		if gotChecks != wantChecks {
			t.Errorf("%s has %d CHECKs on PostgreSQL, %d on SQLite", table, gotChecks, wantChecks)
		}

		// Foreign keys: column → table (column), on delete.
		var wantFK []string
		for _, r := range sqliteStrings(t, lite, `SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?)`, table) {
			wantFK = append(wantFK, fmt.Sprintf("%s → %s (%s) on delete %s", r[0], r[1], r[2], strings.ToLower(r[3])))
		}
		var gotFK []string
		for _, r := range pgStrings(t, pg, `SELECT a.attname, f.relname, fa.attname,
				CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null'
					WHEN 'r' THEN 'restrict' WHEN 'd' THEN 'set default' END
			FROM pg_constraint c
			JOIN pg_class f ON f.oid = c.confrelid
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
			JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
			WHERE c.conrelid = $1::regclass AND c.contype = 'f'`, table) {
			gotFK = append(gotFK, fmt.Sprintf("%s → %s (%s) on delete %s", r[0], r[1], r[2], r[3]))
		}
		slices.Sort(wantFK)
		slices.Sort(gotFK)
		if !slices.Equal(gotFK, wantFK) {
			t.Errorf("foreign keys of %s:\nPostgreSQL %q\nSQLite     %q", table, gotFK, wantFK)
		}

		// Unique column sets (primary keys included; a partial one says so).
		wantUnique := map[string]bool{}
		for _, r := range sqliteStrings(t, lite, `SELECT group_concat(name, ',') FROM pragma_table_info(?) WHERE pk > 0`, table) {
			if r[0] != "" {
				wantUnique[r[0]] = true
			}
		}
		for _, r := range sqliteStrings(t, lite, `SELECT l.partial, (SELECT group_concat(name, ',') FROM
				(SELECT name FROM pragma_index_info(l.name) ORDER BY seqno))
			FROM pragma_index_list(?) l WHERE l."unique"`, table) {
			wantUnique[uniqueKey(r[1], r[0] == "1")] = true
		}
		gotUnique := map[string]bool{}
		for _, r := range pgStrings(t, pg, `SELECT i.indpred IS NOT NULL,
				(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
				 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)
			FROM pg_index i WHERE i.indrelid = $1::regclass AND i.indisunique`, table) {
			gotUnique[uniqueKey(r[1], r[0] == "true")] = true
		}
		if !maps.Equal(gotUnique, wantUnique) {
			t.Errorf("unique keys of %s:\nPostgreSQL %v\nSQLite     %v", table, gotUnique, wantUnique)
		}
	}

	// Named indexes: name, table, columns and whether partial.
	var wantIdx []string
	for _, r := range sqliteStrings(t, lite, `SELECT s.name, s.tbl_name, l.partial, (SELECT group_concat(name, ',') FROM
			(SELECT name FROM pragma_index_info(s.name) ORDER BY seqno))
		FROM sqlite_schema s JOIN pragma_index_list(s.tbl_name) l ON l.name = s.name
		WHERE s.type = 'index' AND s.sql IS NOT NULL AND s.tbl_name <> ?`, sqliteOnlyTable) {
		wantIdx = append(wantIdx, fmt.Sprintf("%s on %s (%s) partial=%v", r[0], r[1], r[3], r[2] == "1"))
	}
	var gotIdx []string
	for _, r := range pgStrings(t, pg, `SELECT c.relname, t.relname, i.indpred IS NOT NULL,
			(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
			 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
		JOIN pg_namespace ns ON ns.oid = t.relnamespace
		WHERE ns.nspname = current_schema()
		AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`) {
		if slices.Contains(pgOnlyIndexes, r[0]) {
			continue
		}
		gotIdx = append(gotIdx, fmt.Sprintf("%s on %s (%s) partial=%s", r[0], r[1], r[3], r[2]))
	}
	slices.Sort(wantIdx)
	slices.Sort(gotIdx)
	if !slices.Equal(gotIdx, wantIdx) {
		t.Errorf("indexes:\nPostgreSQL %q\nSQLite     %q", gotIdx, wantIdx)
	}
	for _, name := range pgOnlyIndexes {
		var n int
		if err := pg.QueryRow(ctx, `SELECT count(*) FROM pg_class WHERE relname = $1 AND relkind = 'i'`, name).Scan(&n); err != nil || n != 1 {
			t.Errorf("search index %s: %d (%v)", name, n, err)
		}
	}

	// Triggers: PostgreSQL guards every table and event SQLite does (its search index's triggers
	// aside: search_text is a generated column), and TRUNCATE of the tables of history besides.
	var wantTrig []string
	for _, r := range sqliteStrings(t, lite, `SELECT tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' AND name NOT LIKE 'clients\_fts\_%' ESCAPE '\'
		AND name NOT LIKE 'insight\_facts\_%' ESCAPE '\'`) {
		event := triggerEvent.FindStringSubmatch(r[1])
		if event == nil {
			t.Fatalf("cannot read the event of SQLite's trigger %s", r[1])
		}
		wantTrig = append(wantTrig, strings.ToLower(event[1]+" "+event[2]+" on "+r[0]))
	}
	var gotTrig []string
	// The live updates' triggers (…_notify) are PostgreSQL's alone: SQLite has one PC.
	for _, r := range pgStrings(t, pg, `SELECT action_timing, event_manipulation, event_object_table FROM information_schema.triggers
		WHERE trigger_schema = current_schema() AND trigger_name NOT LIKE '%\_notify'`) {
		gotTrig = append(gotTrig, strings.ToLower(r[0]+" "+r[1]+" on "+r[2]))
	}
	for _, r := range pgStrings(t, pg, `SELECT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
		WHERE NOT g.tgisinternal AND g.tgtype & 32 <> 0`) { // TRUNCATE triggers are not in information_schema
		gotTrig = append(gotTrig, "before truncate on "+r[0])
	}
	slices.Sort(wantTrig)
	wantTrig = slices.Compact(wantTrig)
	slices.Sort(gotTrig)
	gotTrig = slices.Compact(gotTrig)
	var missing []string
	for _, w := range wantTrig {
		if !slices.Contains(gotTrig, w) {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		t.Errorf("PostgreSQL has no trigger for SQLite's %q", missing)
	}
	for _, g := range gotTrig {
		if !slices.Contains(wantTrig, g) && !strings.HasPrefix(g, "before truncate") {
			t.Errorf("PostgreSQL has a trigger SQLite lacks: %s", g)
		}
	}

	// No views on either side.
	var views int
	if err := pg.QueryRow(ctx, `SELECT count(*) FROM information_schema.views WHERE table_schema = current_schema()`).Scan(&views); err != nil || views != 0 {
		t.Errorf("PostgreSQL views: %d (%v)", views, err)
	}
	if r := sqliteStrings(t, lite, `SELECT count(*) FROM sqlite_schema WHERE type = 'view' AND name <> ?`, sqliteOnlyView); r[0][0] != "0" {
		t.Errorf("SQLite has views (%s): give them to PostgreSQL", r[0][0])
	}

	for _, c := range pgOnlyColumns {
		table, col, _ := strings.Cut(c, ".")
		var generated string
		if err := pg.QueryRow(ctx, `SELECT is_generated FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`, table, col).Scan(&generated); err != nil || generated != "ALWAYS" {
			t.Errorf("%s: generated %q (%v); a column SQLite lacks must be made by PostgreSQL, never written", c, generated, err)
		}
	}

	// Every text column orders bytewise, as SQLite's do.
	for _, r := range pgStrings(t, pg, `SELECT table_name, column_name, coalesce(collation_name, '') FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type = 'text' AND coalesce(collation_name, '') <> 'C'`) {
		t.Errorf("%s.%s orders by collation %q, not C", r[0], r[1], r[2])
	}
}

func uniqueKey(cols string, partial bool) string {
	if partial {
		return cols + " (partial)"
	}
	return cols
}

// TestSchemaAppliesInOneTransaction: the file runs inside the migrator's transaction (nothing in
// it commits or needs to run outside one), once: a second run fails and is rolled back whole,
// so a migrator that lost count is told, and the practice keeps its one identity.
func TestSchemaAppliesInOneTransaction(t *testing.T) {
	conn := practiceDB(t)
	ctx := context.Background()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Conn().PgConn().Exec(ctx, schemaFile(t)).ReadAll(); err == nil {
		t.Fatal("the schema applied twice")
	}
	tx.Rollback(ctx)
	var ids int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM settings WHERE key = 'practice.id'
		AND convert_from(value, 'UTF8') ~ '^[0-9a-f]{32}$'`).Scan(&ids); err != nil || ids != 1 {
		t.Fatalf("practice.id settings: %d (%v)", ids, err)
	}
}

// base writes a practitioner, a client, a product, a device and a draft session "s1" with a zone,
// a product and an override.
func base(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	exec(t, conn, `INSERT INTO practitioners (id, name, created_at, updated_at) VALUES ('p1', 'Dr Lee', $1, $1)`, someTime)
	exec(t, conn, `INSERT INTO clients (id, first_name, last_name, created_at, updated_at) VALUES ($1, 'Ann', 'Lee', $2, $2)`, signedClient, someTime)
	exec(t, conn, `INSERT INTO products (id, name, kind) VALUES ('pr1', 'HA serum', 'Hyaluronic acid')`)
	exec(t, conn, `INSERT INTO devices (id, model, kind, max_depth, evaluated_depth, created_at, updated_at)
		VALUES ('d1', 'Pen', 'pen', 2.5, 2.0, $1, $1)`, someTime)
	exec(t, conn, `INSERT INTO sessions (id, client_id, practitioner_id, started_at, next_due, created_at, updated_at)
		VALUES ('s1', $1, 'p1', $2, '2026-03-29', $2, $2)`, signedClient, someTime)
	exec(t, conn, `INSERT INTO session_zones (id, session_id, zone, depth_mm, passes) VALUES ('z1', 's1', 'Cheeks', 1.5, 4)`)
	exec(t, conn, `INSERT INTO session_products (id, session_id, product_id, phase) VALUES ('sp1', 's1', 'pr1', 'during')`)
	exec(t, conn, `INSERT INTO session_overrides (id, session_id, rule, reason, at) VALUES ('o1', 's1', 'r', 'asked', $1)`, someTime)
	exec(t, conn, `INSERT INTO side_effects (id, session_id, kind, severity, onset, created_at, updated_at)
		VALUES ('e1', 's1', 'Erythema', 'mild', '2026-03-01', $1, $1)`, someTime)
}

// TestChecksRefuseWhatSQLiteRefuses tries one bad value against each kind of CHECK SQLite has.
func TestChecksRefuseWhatSQLiteRefuses(t *testing.T) {
	conn := practiceDB(t)
	base(t, conn)
	for _, q := range []string{
		`INSERT INTO practitioners (id, name, created_at, updated_at) VALUES ('p2', '', 'x', 'x')`,
		`INSERT INTO practitioners (id, name, role, created_at, updated_at) VALUES ('p2', 'X', 'owner', 'x', 'x')`,
		`INSERT INTO practitioners (id, name, retired, created_at, updated_at) VALUES ('p2', 'X', 2, 'x', 'x')`,
		`INSERT INTO list_items (id, kind, name) VALUES ('l1', 'concern', '')`,
		`INSERT INTO list_items (id, kind, name, retired) VALUES ('l1', 'concern', 'Acne', -1)`,
		`INSERT INTO zones (id, name, region, typical_min, typical_max, warn_above) VALUES ('zz', '', 'face', 0.5, 1, 2)`,
		`INSERT INTO zones (id, name, region, typical_min, typical_max, warn_above, retired) VALUES ('zz', 'Chin', 'face', 0.5, 1, 2, 9)`,
		`INSERT INTO devices (id, model, kind, max_depth, evaluated_depth, created_at, updated_at) VALUES ('d2', '', 'pen', 1, 1, 'x', 'x')`,
		`INSERT INTO cartridges (id, name, retired) VALUES ('k1', 'Nano', 2)`,
		`INSERT INTO cartridge_lots (id, cartridge_id, lot) VALUES ('kl1', 'nothing-yet', '')`,
		`INSERT INTO products (id, name, kind) VALUES ('pr2', '', 'Serum')`,
		`INSERT INTO product_lots (id, product_id, lot) VALUES ('pl1', 'pr1', '')`,
		`INSERT INTO contraindication_rules (id, condition, action) VALUES ('r1', '', 'warn')`,
		`INSERT INTO side_effects (id, session_id, kind, severity, onset, created_at, updated_at) VALUES ('e9', 's1', '', 'mild', 'x', 'x', 'x')`,
		`INSERT INTO zones (id, name, region, typical_min, typical_max, warn_above) VALUES ('zz', 'Chin', 'arm', 0.5, 1, 2)`,
		`INSERT INTO zones (id, name, region, typical_min, typical_max, warn_above) VALUES ('zz', 'Chin', 'face', 1.5, 1, 2)`,
		`INSERT INTO devices (id, model, kind, max_depth, evaluated_depth, created_at, updated_at) VALUES ('d2', 'R', 'laser', 1, 1, 'x', 'x')`,
		`INSERT INTO devices (id, model, kind, max_depth, evaluated_depth, created_at, updated_at) VALUES ('d2', 'R', 'pen', 1, 2, 'x', 'x')`,
		`INSERT INTO cartridges (id, name) VALUES ('k1', '')`,
		`INSERT INTO products (id, name, kind, needled_skin_ok) VALUES ('pr2', 'X', 'Serum', 5)`,
		`INSERT INTO contraindication_rules (id, condition, action) VALUES ('r1', 'Acne', 'ignore')`,
		`INSERT INTO contraindication_rules (id, condition, action, window_days) VALUES ('r1', 'Acne', 'warn', -1)`,
		`INSERT INTO clients (id, created_at, updated_at) VALUES ('c2', 'x', 'x')`,
		`INSERT INTO clients (id, first_name, fitzpatrick, created_at, updated_at) VALUES ('c2', 'A', 7, 'x', 'x')`,
		`INSERT INTO clients (id, first_name, photo_consent, created_at, updated_at) VALUES ('c2', 'A', 'all', 'x', 'x')`,
		`INSERT INTO client_history (id, client_id, condition) VALUES ('h1', 'c-signed', '')`,
		`UPDATE sessions SET series_n = 0 WHERE id = 's1'`,
		`UPDATE sessions SET series_of = -1 WHERE id = 's1'`,
		`UPDATE sessions SET series_interval_days = 0 WHERE id = 's1'`,
		`UPDATE sessions SET pain_score = 11 WHERE id = 's1'`,
		`UPDATE sessions SET no_side_effects = 2 WHERE id = 's1'`,
		`UPDATE sessions SET price_cents = -1 WHERE id = 's1'`,
		`UPDATE sessions SET status = 'final' WHERE id = 's1'`,
		`UPDATE session_zones SET depth_mm = 3.01 WHERE id = 'z1'`,
		`UPDATE session_zones SET depth_mm = 0.09 WHERE id = 'z1'`,
		`UPDATE session_zones SET passes = 41 WHERE id = 'z1'`,
		`UPDATE session_zones SET speed = -1 WHERE id = 'z1'`,
		`UPDATE session_zones SET zone = '' WHERE id = 'z1'`,
		`UPDATE session_products SET phase = 'later' WHERE id = 'sp1'`,
		`UPDATE side_effects SET severity = 'fatal' WHERE id = 'e1'`,
		`UPDATE side_effects SET during_session = 3 WHERE id = 'e1'`,
		`UPDATE session_overrides SET reason = '' WHERE id = 'o1'`,
		`INSERT INTO session_amendments (id, session_id, at, reason) VALUES ('a1', 's1', 'x', '')`,
		`INSERT INTO photos (id, client_id, kind, taken_at, mime, width, height, byte_size, sha256, created_at, updated_at)
			VALUES ('ph1', 'c-signed', 'during', 'x', 'image/jpeg', 1, 1, 1, 'h', 'x', 'x')`,
		`INSERT INTO photos (id, client_id, kind, taken_at, mime, width, height, byte_size, sha256, created_at, updated_at, consent_scope)
			VALUES ('ph1', 'c-signed', 'before', 'x', 'image/jpeg', 1, 1, 1, 'h', 'x', 'x', 'public')`,
	} {
		refused(t, conn, codeCheck, q)
	}
	exec(t, conn, `INSERT INTO photos (id, client_id, kind, taken_at, mime, width, height, byte_size, sha256, created_at, updated_at)
		VALUES ('ph1', 'c-signed', 'before', 'x', 'image/jpeg', 1, 1, 1, 'h', 'x', 'x')`)
	refused(t, conn, codeCheck, `INSERT INTO photo_pins (id, photo_id, n, x, y) VALUES ('pin', 'ph1', 1, 1.5, 0)`)
	refused(t, conn, codeCheck, `INSERT INTO photo_pins (id, photo_id, n, x, y) VALUES ('pin', 'ph1', 1, 0, -0.1)`)
	refused(t, conn, codeNotNull, `INSERT INTO clients (id, first_name, created_at) VALUES ('c3', 'A', 'x')`)
	refused(t, conn, codeUnique, `INSERT INTO products (id, name, kind) VALUES ('pr9', 'HA serum', 'Serum')`)
	refused(t, conn, codeUnique, `INSERT INTO session_zones (id, session_id, zone, depth_mm, passes) VALUES ('z9', 's1', 'Cheeks', 1, 1)`)
	refused(t, conn, codeBadRef, `INSERT INTO sessions (id, client_id, started_at, created_at, updated_at) VALUES ('s9', 'nobody', 'x', 'x', 'x')`)
	for _, values := range []string{
		`'better', NULL, NULL, NULL, 0`, `'improved', 11, NULL, NULL, 0`, `'improved', -1, NULL, NULL, 0`,
		`'improved', NULL, 0, NULL, 0`, `'improved', NULL, NULL, 5, 0`, `'improved', NULL, NULL, NULL, 2`,
	} {
		refused(t, conn, codeCheck, `INSERT INTO outcome_assessments (id, client_id, session_id, assessed_at, gais, satisfaction,
			scar_baseline, scar_now, from_photos, created_at, updated_at) VALUES ('oa1', 'c-signed', 's1', 'x', `+values+`, 'x', 'x')`)
	}
	refused(t, conn, codeBadRef, `INSERT INTO outcome_assessments (id, client_id, session_id, assessed_at, gais, created_at, updated_at)
		VALUES ('oa1', 'c-signed', 'nothing', 'x', 'worse', 'x', 'x')`)
}

// TestResultsSayTheirClientChanged: a result recorded on one PC tells the others whose records changed.
func TestResultsSayTheirClientChanged(t *testing.T) {
	conn := practiceDB(t)
	base(t, conn)
	ctx := context.Background()
	exec(t, conn, `LISTEN needlelog_changes`)
	exec(t, conn, `INSERT INTO outcome_assessments (id, client_id, session_id, assessed_at, gais, created_at, updated_at)
		VALUES ('oa1', 'c-signed', 's1', 'x', 'much_improved', 'x', 'x')`)
	waitCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	n, err := conn.WaitForNotification(waitCtx)
	if err != nil || n.Payload != "session c-signed" {
		t.Fatalf("notified %+v %v, want the session kind for client c-signed", n, err)
	}
}

// TestSignedSessionIsReadOnly: a draft and its rows change freely; once signed, the session, its
// zones, products, overrides and sealed side effects are refused with NL001, except through a
// pending amendment, and amendments themselves never change.
func TestSignedSessionIsReadOnly(t *testing.T) {
	conn := practiceDB(t)
	base(t, conn)

	// A draft changes freely.
	exec(t, conn, `UPDATE sessions SET notes = 'draft note', version = version + 1 WHERE id = 's1'`)
	exec(t, conn, `UPDATE session_zones SET depth_mm = 1.0 WHERE id = 'z1'`)
	exec(t, conn, `INSERT INTO session_zones (id, session_id, zone, depth_mm, passes) VALUES ('z2', 's1', 'Chin', 1, 2)`)
	exec(t, conn, `DELETE FROM session_zones WHERE id = 'z2'`)
	exec(t, conn, `UPDATE session_products SET lot = 'L1' WHERE id = 'sp1'`)
	exec(t, conn, `INSERT INTO sealed_side_effects (side_effect_id) VALUES ('e1')`)

	refused(t, conn, codeSigned, `INSERT INTO sessions (id, client_id, started_at, status, created_at, updated_at)
		VALUES ('s2', $1, $2, 'signed', $2, $2)`, signedClient, someTime)
	exec(t, conn, `UPDATE sessions SET status = 'signed', signed_at = $1, signed_by = 'p1', record_hash = $2 WHERE id = 's1'`,
		laterTime, signedHash)

	for _, q := range []string{
		`UPDATE sessions SET notes = 'changed' WHERE id = 's1'`,
		`UPDATE sessions SET status = 'draft' WHERE id = 's1'`,
		`UPDATE sessions SET record_hash = 'forged' WHERE id = 's1'`,
		`DELETE FROM sessions WHERE id = 's1'`,
		`UPDATE session_zones SET depth_mm = 2.0 WHERE id = 'z1'`,
		`DELETE FROM session_zones WHERE id = 'z1'`,
		`INSERT INTO session_zones (id, session_id, zone, depth_mm, passes) VALUES ('z3', 's1', 'Neck', 1, 2)`,
		`UPDATE session_products SET lot = 'L2' WHERE id = 'sp1'`,
		`DELETE FROM session_products WHERE id = 'sp1'`,
		`INSERT INTO session_products (id, session_id, product_id, phase) VALUES ('sp2', 's1', 'pr1', 'after')`,
		`UPDATE session_overrides SET reason = 'other' WHERE id = 'o1'`,
		`DELETE FROM session_overrides WHERE id = 'o1'`,
		`UPDATE side_effects SET severity = 'severe' WHERE id = 'e1'`,
		`DELETE FROM side_effects WHERE id = 'e1'`,
		`DELETE FROM sealed_side_effects WHERE side_effect_id = 'e1'`,
		`TRUNCATE sessions CASCADE`,
		`TRUNCATE session_zones`,
	} {
		refused(t, conn, codeSigned, q)
	}
	// The follow-up fields of a sealed side effect, and side effects logged later, stay free.
	exec(t, conn, `UPDATE side_effects SET resolved = '2026-03-05', treatment = 'Cool compress' WHERE id = 'e1'`)
	exec(t, conn, `INSERT INTO side_effects (id, session_id, kind, severity, onset, created_at, updated_at)
		VALUES ('e2', 's1', 'Dryness', 'mild', '2026-03-03', $1, $1)`, laterTime)
	exec(t, conn, `UPDATE side_effects SET severity = 'moderate' WHERE id = 'e2'`)
	refused(t, conn, codeSigned, `INSERT INTO sealed_side_effects (side_effect_id) VALUES ('e2')`)

	// An amendment out of turn is refused; one that follows the record opens it until the
	// session takes the amendment's hash.
	exec(t, conn, `INSERT INTO session_amendments (id, session_id, practitioner_id, at, reason) VALUES ('a1', 's1', 'p1', $1, 'typo')`, laterTime)
	refused(t, conn, codeSigned, `INSERT INTO amendment_records (amendment_id, session_id, n, prev_hash, record_hash, record_before)
		VALUES ('a1', 's1', 1, 'not-the-hash', $1, '{}')`, amendedHash)
	refused(t, conn, codeSigned, `INSERT INTO amendment_records (amendment_id, session_id, n, prev_hash, record_hash, record_before)
		VALUES ('a1', 's1', 2, $1, $2, '{}')`, signedHash, amendedHash)
	exec(t, conn, `INSERT INTO amendment_records (amendment_id, session_id, n, prev_hash, record_hash, record_before)
		VALUES ('a1', 's1', 1, $1, $2, '{}')`, signedHash, amendedHash)
	exec(t, conn, `UPDATE session_zones SET depth_mm = 1.25 WHERE id = 'z1'`)
	refused(t, conn, codeSigned, `UPDATE sessions SET signed_by = NULL, record_hash = $1 WHERE id = 's1'`, amendedHash)
	exec(t, conn, `UPDATE sessions SET notes = 'amended', record_hash = $1 WHERE id = 's1'`, amendedHash)
	refused(t, conn, codeSigned, `UPDATE session_zones SET depth_mm = 1.5 WHERE id = 'z1'`)
	refused(t, conn, codeSigned, `UPDATE session_amendments SET reason = 'other' WHERE id = 'a1'`)
	refused(t, conn, codeSigned, `DELETE FROM session_amendments WHERE id = 'a1'`)
	refused(t, conn, codeSigned, `UPDATE amendment_records SET record_before = '' WHERE amendment_id = 'a1'`)
	refused(t, conn, codeSigned, `DELETE FROM amendment_records WHERE amendment_id = 'a1'`)

	var notes string
	var depth float64
	if err := conn.QueryRow(context.Background(), `SELECT notes, (SELECT depth_mm FROM session_zones WHERE id = 'z1')
		FROM sessions WHERE id = 's1'`).Scan(&notes, &depth); err != nil || notes != "amended" || depth != 1.25 {
		t.Fatalf("signed session after the refusals: %q, depth %v (%v)", notes, depth, err)
	}

	// A signed session goes with its client once the client is archived, its rows with it.
	exec(t, conn, `UPDATE clients SET archived_at = $1 WHERE id = $2`, laterTime, signedClient)
	exec(t, conn, `DELETE FROM sessions WHERE id = 's1'`)
	var left int
	if err := conn.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM session_zones) + (SELECT count(*) FROM session_products)
		+ (SELECT count(*) FROM session_amendments) + (SELECT count(*) FROM amendment_records)
		+ (SELECT count(*) FROM sealed_side_effects)`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("rows left of the deleted session: %d (%v)", left, err)
	}
}

// TestAuditLogIsAppendOnly: entries and their signatures are added, never changed or removed;
// practitioner keys change only their seal while in force.
func TestAuditLogIsAppendOnly(t *testing.T) {
	conn := practiceDB(t)
	base(t, conn)
	exec(t, conn, `INSERT INTO audit_log (seq, at, action, entity, entity_id, prev_hash, hash) VALUES (1, $1, 'create', 'client', 'c', '', 'h1')`, someTime)
	exec(t, conn, `INSERT INTO practitioner_keys (id, practitioner_id, public_key, created_at, created_seq) VALUES ('k1', 'p1', 'pub', $1, 1)`, someTime)
	exec(t, conn, `INSERT INTO audit_signatures (seq, key_id, signature) VALUES (1, 'k1', 'sig')`)
	exec(t, conn, `INSERT INTO audit_log (seq, at, action, entity, entity_id, prev_hash, hash) VALUES (2, $1, 'update', 'client', 'c', 'h1', 'h2')`, someTime)
	for _, q := range []string{
		`UPDATE audit_log SET detail = 'x' WHERE seq = 1`,
		`DELETE FROM audit_log WHERE seq = 2`,
		`TRUNCATE audit_log CASCADE`,
		`UPDATE audit_signatures SET signature = 'forged'`,
		`DELETE FROM audit_signatures`,
	} {
		refused(t, conn, codeAudit, q)
	}
	exec(t, conn, `UPDATE practitioner_keys SET sealed_key = 'new seal' WHERE id = 'k1'`)
	refused(t, conn, codeKeys, `UPDATE practitioner_keys SET public_key = 'other' WHERE id = 'k1'`)
	refused(t, conn, codeKeys, `DELETE FROM practitioner_keys WHERE id = 'k1'`)
	exec(t, conn, `UPDATE practitioner_keys SET retired_seq = 2, retired_at = $1 WHERE id = 'k1'`, laterTime)
	refused(t, conn, codeKeys, `UPDATE practitioner_keys SET sealed_key = 'later seal' WHERE id = 'k1'`)
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE detail = ''`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("audit entries as written: %d (%v)", n, err)
	}
}

// TestClientsFollowTheirLatestSession: the client's last session and next due date follow its
// sessions as they are added, moved and removed, as SQLite's triggers keep them.
func TestClientsFollowTheirLatestSession(t *testing.T) {
	conn := practiceDB(t)
	base(t, conn)
	latest := func() string {
		var last, due string
		if err := conn.QueryRow(context.Background(), `SELECT last_session, next_due FROM clients WHERE id = $1`, signedClient).Scan(&last, &due); err != nil {
			t.Fatal(err)
		}
		return last + " " + due
	}
	if got := latest(); got != someTime+" 2026-03-29" {
		t.Fatalf("after the first session: %q", got)
	}
	exec(t, conn, `INSERT INTO sessions (id, client_id, started_at, next_due, created_at, updated_at) VALUES ('s0', $1, '2026-01-01T09:00:00.000000000Z', '2026-01-29', $2, $2)`, signedClient, someTime)
	if got := latest(); got != someTime+" 2026-03-29" {
		t.Fatalf("after an older session: %q", got)
	}
	exec(t, conn, `UPDATE sessions SET started_at = '2026-04-01T09:00:00.000000000Z' WHERE id = 's0'`)
	if got := latest(); got != "2026-04-01T09:00:00.000000000Z 2026-01-29" {
		t.Fatalf("after moving it later: %q", got)
	}
	exec(t, conn, `DELETE FROM sessions WHERE id = 's0'`)
	if got := latest(); got != someTime+" 2026-03-29" {
		t.Fatalf("after removing it: %q", got)
	}
}

// searchTerms is the SQLite engine's reading of what a person typed (store/sqlite/clients.go): the
// words, each matched by its beginning, and the digits when the text looks like a phone number.
func searchTerms(text string) (words []string, digits string) {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || r == '"' || r == '*' || r == '(' || r == ')' || r == ':' || r == '^'
	}) {
		if strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			words = append(words, w)
		}
	}
	if d := data.DigitsOf(text); len(d) >= 3 && strings.Trim(text, "+0123456789 ()-./") == "" {
		digits = d
	}
	return words, digits
}

// pgSearch lists the IDs of the clients the schema's search expressions find for text, by sort key.
func pgSearch(t *testing.T, conn *pgx.Conn, text string) []string {
	t.Helper()
	words, digits := searchTerms(text)
	if len(words) == 0 && digits == "" {
		return nil
	}
	var and []string
	var args []any
	for _, w := range words {
		args = append(args, w)
		and = append(and, fmt.Sprintf(`search_text LIKE client_search_pattern($%d)`, len(args)))
	}
	var or []string
	if len(and) > 0 {
		or = append(or, "("+strings.Join(and, " AND ")+")")
	}
	if digits != "" {
		args = append(args, "%"+digits+"%")
		or = append(or, fmt.Sprintf(`phone_digits LIKE $%d`, len(args)))
	}
	var ids []string
	for _, r := range pgStrings(t, conn, `SELECT id FROM clients WHERE archived_at = '' AND (`+strings.Join(or, " OR ")+`)
		ORDER BY sort_key, id`, args...) {
		ids = append(ids, r[0])
	}
	return ids
}

func insertClient(t *testing.T, conn *pgx.Conn, c data.Client) {
	t.Helper()
	exec(t, conn, `INSERT INTO clients (id, first_name, last_name, sort_key, phone, phone_digits, email, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
		c.ID, c.FirstName, c.LastName, data.ClientNameKey(c.FirstName, c.LastName), c.Phone, data.DigitsOf(c.Phone), c.Email, someTime)
}

// TestSearchFindsAsSQLiteDoes runs the conformance suite's search cases (store/storetest) on the
// schema's search expressions.
func TestSearchFindsAsSQLiteDoes(t *testing.T) {
	conn := practiceDB(t)
	names := map[string]string{}
	for i, c := range []data.Client{
		{FirstName: "Zoë", LastName: "Ångström", Phone: "07700 900123", Email: "zoe.a@example.com"},
		{FirstName: "Анна", LastName: "Иванова", Phone: "+7 912 345 67 89"},
		{FirstName: "Σοφία", LastName: "Παπαδοπούλου", Email: "sofia@example.gr"},
		{FirstName: "Anna", LastName: "Smith", Phone: "020 7946 0958", Email: "anna.smith@example.co.uk"},
		{FirstName: "Annabel", LastName: "Jones", Email: "ajones@example.com"},
		{FirstName: "Joanna", LastName: "Anders"},
		{FirstName: "Siobhán", LastName: "O'Neill-Ødegård", Phone: "(087) 765-4321", Email: "S.ONeill@Example.ie"},
	} {
		c.ID = fmt.Sprintf("c%d", i)
		insertClient(t, conn, c)
		names[c.ID] = c.FirstName + " " + c.LastName
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"ann", []string{"Annabel Jones", "Anna Smith"}},
		{"anna smi", []string{"Anna Smith"}},
		{"zoe", []string{"Zoë Ångström"}},
		{"Zoe", []string{"Zoë Ångström"}},
		{"zo", []string{"Zoë Ångström"}},
		{"ZOË", []string{"Zoë Ångström"}},
		{"ANGSTR", []string{"Zoë Ångström"}},
		{"анн", []string{"Анна Иванова"}},
		{"σοφ", []string{"Σοφία Παπαδοπούλου"}},
		{"sofia@example", []string{"Σοφία Παπαδοπούλου"}},
		{"anna.smith@", []string{"Anna Smith"}},
		{"anna.smith@example.co", []string{"Anna Smith"}},
		{"smith@example", []string{"Anna Smith"}},                  // its words in a row, within the email, as FTS5's phrase
		{"example.com", []string{"Zoë Ångström", "Annabel Jones"}}, // by last name: Ångström, Jones
		{"0770", []string{"Zoë Ångström"}},
		{"07700900123", []string{"Zoë Ångström"}},
		{"07700 900 123", []string{"Zoë Ångström"}},
		{"(077) 00-900.123", []string{"Zoë Ångström"}},
		{"345 67", []string{"Анна Иванова"}},
		{"+7 912", []string{"Анна Иванова"}},
		{"7946", []string{"Anna Smith"}},
		{"0877654321", []string{"Siobhán O'Neill-Ødegård"}},
		{"087 765", []string{"Siobhán O'Neill-Ødegård"}},
		{"o'neill", []string{"Siobhán O'Neill-Ødegård"}},
		{"neill", []string{"Siobhán O'Neill-Ødegård"}},
		{"siobhan", []string{"Siobhán O'Neill-Ødegård"}},
		{"s.oneill@example", []string{"Siobhán O'Neill-Ødegård"}},
		{"ødeg", []string{"Siobhán O'Neill-Ødegård"}},
		{"nobody", nil},
		{`"*()`, nil},
		{`an"na`, nil},
		{"%", nil},
		{"a_n", nil},
		{"smith zoe", nil}, // every word must match
		{"zoe ångström", []string{"Zoë Ångström"}},
		{"lee smith", nil},
	} {
		var got []string
		for _, id := range pgSearch(t, conn, tc.text) {
			got = append(got, names[id])
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("search %q: got %q, want %q", tc.text, got, tc.want)
		}
	}
	// A renamed client is found by the new name only.
	exec(t, conn, `UPDATE clients SET last_name = 'García' WHERE id = 'c5'`)
	if got := pgSearch(t, conn, "anders"); len(got) != 0 {
		t.Errorf("old name still found: %v", got)
	}
	if got := pgSearch(t, conn, "garcia"); !slices.Equal(got, []string{"c5"}) {
		t.Errorf("new name found as %v", got)
	}
}

// searchCorpus is a practice's worth of hard names, emails and phone numbers: accents composed and
// not, other scripts, apostrophes, hyphens, dots, plus signs, digits in names.
var searchCorpus = []data.Client{
	{FirstName: "Zoë", LastName: "Ångström", Phone: "07700 900123", Email: "zoe.a@example.com"},
	{FirstName: "Zoe", LastName: "Angstrom", Phone: "+44 7700 900124", Email: "zoe_angstrom@example.org"},
	{FirstName: "Zoé", LastName: "Zöllner", Email: "zz+clinic@example.de"},
	{FirstName: "Anna", LastName: "Smith", Phone: "020 7946 0958", Email: "anna.smith@example.co.uk"},
	{FirstName: "Anna-Lena", LastName: "Müller-Lüdenscheidt", Phone: "0049 (0)30 1234567"},
	{FirstName: "Annabel", LastName: "Jones", Email: "ajones@example.com"},
	{FirstName: "Joanna", LastName: "Anders"},
	{FirstName: "Siobhán", LastName: "O'Neill", Phone: "+353 87 123 4567", Email: "siobhan@example.ie"},
	{FirstName: "Seán", LastName: "Ó Briain", Phone: "087-765-4321"},
	{FirstName: "François", LastName: "Lefèvre", Email: "f.lefevre@exemple.fr"},
	{FirstName: "Çağla", LastName: "Şahin", Phone: "+90 532 000 11 22"},
	{FirstName: "Nguyễn", LastName: "Thị Minh Khai", Email: "minh.khai@example.vn"},
	{FirstName: "Łukasz", LastName: "Żółć"},
	{FirstName: "Søren", LastName: "Kierkegaard", Email: "soren@example.dk"},
	{FirstName: "Anaïs", LastName: "Nin"},
	{FirstName: "Анна", LastName: "Иванова", Phone: "+7 912 345 67 89"},
	{FirstName: "Йосиф", LastName: "Ёлкин"},
	{FirstName: "Σοφία", LastName: "Παπαδοπούλου", Email: "sofia@example.gr"},
	{FirstName: "Ana", LastName: "de la Peña", Phone: "612.345.678"},
	{FirstName: "Mary", LastName: "Smith-Jones", Email: "mary.smith-jones@example.com"},
	{FirstName: "Jo", LastName: "Lee", Phone: "555 0100", Email: "jo@lee.example"},
	{FirstName: "Li", LastName: "Wei 2", Email: "li.wei2@example.cn"},
	{FirstName: "José", LastName: "Garcia", Email: "JOSE.GARCIA@EXAMPLE.ES"},
	{FirstName: "Jose\u0301", LastName: "Garci\u0301a"}, // decomposed accents
	{FirstName: "Renée", LastName: "D’Arcy", Phone: "01632 960 001"},
}

// searchQueries are what people type: every prefix of every word of the corpus, folded and not,
// plus phone fragments and odd punctuation.
func searchQueries() []string {
	seen := map[string]bool{}
	var out []string
	add := func(q string) {
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	for _, c := range searchCorpus {
		for _, field := range []string{c.FirstName, c.LastName, c.Email, c.Phone} {
			for _, w := range strings.Fields(field) {
				r := []rune(w)
				for n := 1; n <= len(r); n++ {
					add(string(r[:n]))
					add(data.Fold(string(r[:n])))
					add(strings.ToUpper(string(r[:n])))
				}
			}
			if field != "" {
				add(field)
			}
		}
		add(c.FirstName + " " + c.LastName)
		add(data.Fold(c.LastName + " " + c.FirstName))
		if d := data.DigitsOf(c.Phone); len(d) > 4 {
			add(d[2:])
			add(d[1:4] + " " + d[4:])
		}
	}
	for _, q := range []string{"o'n", "o’n", "d'arcy", "d’arcy", "smith-j", "@example", ".com", "a.s", "-", "'", "a b",
		"ö", "oe", "ss", "ae", "ł", "l", "ё", "е", "й", "и", "ί", "ι", "2", "wei2", "0", "00", "(0)", "+44", "zz+", "thi minh", "minh thi", "soren", "lodz", "zolc", "ΣΟΦΊΑ", "σοφία", "ёлкин", "йосиф"} {
		add(q)
	}
	return out
}

// TestSearchFindsWhatSQLiteFinds compares, query for query, the clients SQLite's FTS5 search
// finds in a corpus of hard names with those the PostgreSQL expressions find.
func TestSearchFindsWhatSQLiteFinds(t *testing.T) {
	compareSearch(t, practiceDB(t))
}

// TestSearchIsTheSameInEveryLocale: the server's locale ("C" above, a UTF-8 one, ICU) changes
// neither what search finds nor the order of the list.
func TestSearchIsTheSameInEveryLocale(t *testing.T) {
	for _, options := range []string{
		"ENCODING 'UTF8' TEMPLATE template0 LOCALE 'C.UTF-8'",
		"ENCODING 'UTF8' TEMPLATE template0 LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'",
	} {
		t.Run(options, func(t *testing.T) {
			compareSearch(t, applySchema(t, freshDBWith(t, options)))
		})
	}
}

func compareSearch(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	lite, _ := sqlitetest.OpenStore(t)
	ctx := context.Background()
	for i := range searchCorpus {
		c := &searchCorpus[i]
		c.ID = ""
		if err := lite.CreateClient(ctx, c); err != nil {
			t.Fatalf("SQLite refuses %s %s: %v", c.FirstName, c.LastName, err)
		}
		insertClient(t, conn, *c)
	}
	queries := searchQueries()
	var differ int
	for _, q := range queries {
		list, err := lite.ListClients(ctx, data.ClientQuery{Text: q, Limit: 1000})
		if err != nil {
			t.Fatalf("SQLite search %q: %v", q, err)
		}
		var want []string
		for _, c := range list {
			want = append(want, c.ID)
		}
		got := pgSearch(t, conn, q)
		if !slices.Equal(got, want) {
			differ++
			t.Errorf("search %q: PostgreSQL finds %v, SQLite %v", q, clientNames(got), clientNames(want))
		}
	}
	t.Logf("%d queries over %d clients; %d differ", len(queries), len(searchCorpus), differ)
}

func clientNames(ids []string) []string {
	var out []string
	for _, id := range ids {
		for _, c := range searchCorpus {
			if c.ID == id {
				out = append(out, c.FirstName+" "+c.LastName)
			}
		}
	}
	return out
}

// TestSchemaNeedsNoSuperuser applies the schema as the database's owner, a role with no other
// power, as `server init` does; the triggers then hold for that role too.
func TestSchemaNeedsNoSuperuser(t *testing.T) {
	ctx := context.Background()
	server := testServer(t)
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("connect to the test server: %v", err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 8)
	rand.Read(b)
	role, password := "needlelog_owner_"+hex.EncodeToString(b), hex.EncodeToString(b)+"-pw"
	if _, err := admin.Exec(ctx, "CREATE ROLE "+role+" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '"+password+"'"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // after the database's own cleanup, which runs first
		c, err := pgx.Connect(context.Background(), server)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP ROLE "+role); err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})
	u, err := url.Parse(freshDBWith(t, "ENCODING 'UTF8' TEMPLATE template0 OWNER "+role))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(role, password)
	conn := applySchema(t, u.String())
	var super bool
	if err := conn.QueryRow(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super); err != nil || super {
		t.Fatalf("applied as a superuser (%v)", err)
	}
	exec(t, conn, `INSERT INTO audit_log (seq, at, action, entity, entity_id, prev_hash, hash) VALUES (1, $1, 'create', 'client', 'c', '', 'h1')`, someTime)
	refused(t, conn, codeAudit, `DELETE FROM audit_log`)
}
