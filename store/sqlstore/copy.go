package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"math"
	"slices"
	"strconv"
	"strings"

	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/wording"
)

// Copying a whole practice between two stores of any engine (a file to the clinic's server as a
// practice grows, the server to a file as a portable snapshot): every row of every table as it is
// (ids, versions, signatures, the audit log with its hashes), and every photo file. The target is
// written in one transaction, as the application itself writes (a signed session goes in unsigned,
// then is signed, then amended, as the triggers allow), so a role that may not disable triggers
// can copy, and a copy cut short leaves nothing. Before the transaction commits, every table is
// read back and compared with what was read from the source.

// ErrNotEmpty is a target that holds records already: a copy goes only into an empty practice.
var ErrNotEmpty = errors.New("the target already holds records: a practice is copied only into an empty one, so that no records mix")

// CopyOptions says how to copy a practice's records.
type CopyOptions struct {
	// Say is told, a sentence each, what was copied so far; nil says nothing.
	Say func(format string, a ...any)
	// MissingPhotosAllowed copies a practice whose photo store lacks some files, counting them
	// (a backup keeps what there is); without it such a copy is refused, naming the first.
	MissingPhotosAllowed bool
	// BytesSettings are the settings kept as bytes (SetSettingBytes); every other is text.
	BytesSettings map[string]bool
}

// CopyResult says what a copy copied.
type CopyResult struct {
	Rows          map[string]int64 // rows by table
	PhotoFiles    int              // photo files written to the target (those it had already are not counted)
	MissingPhotos int              // photo files the source lacked (only with MissingPhotosAllowed)
	Head          string           // the audit log's last hash, the same on both
	AuditEntries  int              // as the target's verify counts them
}

// copyTable is one table of the practice, in an order that every foreign key and trigger accepts,
// with the columns that order its rows.
type copyTable struct {
	name, key string
}

var copyTables = []copyTable{
	{"settings", "key"}, {"practitioners", "id"}, {"list_items", "id"}, {"zones", "id"}, {"devices", "id"},
	{"cartridges", "id"}, {"cartridge_lots", "id"}, {"products", "id"}, {"product_lots", "id"},
	{"contraindication_rules", "id"}, {"clients", "id"}, {"client_history", "id"},
	{"sessions", "id"}, {"session_zones", "id"}, {"session_products", "id"}, {"side_effects", "id"},
	{"session_overrides", "id"}, {"sealed_side_effects", "side_effect_id"},
	{"session_amendments", "id"}, {"amendment_records", "session_id, n"}, {"outcome_assessments", "id"},
	{"photos", "id"}, {"photo_originals", "photo_id"}, {"photo_renditions", "photo_id"}, {"photo_thumbnails", "photo_id"},
	{"photo_pins", "id"}, {"drafts", "id"},
	{"audit_log", "seq"}, {"practitioner_keys", "id"}, {"audit_signatures", "seq"},
	{"transfer_clocks", "entity, id"}, {"transfer_peers", "device_id"}, {"transfer_conflicts", "id"},
	{"peer_audit_log", "device_id, seq"}, {"peer_keys", "device_id, id"},
}

// seededTables are what a new practice holds before anything is written to it (the default lists
// and settings): the copy replaces them with the source's, children first.
var seededTables = []string{"cartridge_lots", "product_lots", "list_items", "zones", "devices", "cartridges",
	"products", "contraindication_rules", "settings"}

// recordTables are those whose rows make a practice more than new: a target holding any is not empty.
var recordTables = []string{"practitioners", "clients", "sessions", "outcome_assessments", "photos", "drafts", "audit_log", "practitioner_keys"}

// recordLabels say recordTables' rows in words.
var recordLabels = map[string]string{"practitioners": "practitioners", "clients": "clients", "sessions": "sessions",
	"outcome_assessments": "outcome assessments", "photos": "photos", "drafts": "drafts", "audit_log": "audit entries", "practitioner_keys": "signing keys"}

// derivedColumns are made by the engine from other columns, never written.
var derivedColumns = map[string]bool{"clients.search_text": true}

// CopyFrom copies every record and photo file of the practice in from into s, which must hold
// no records (ErrNotEmpty), in one transaction on s, compared table by table with what was read
// from one snapshot of from before it commits. Verifying either side is the caller's.
func (s *Store) CopyFrom(ctx context.Context, from *Store, o CopyOptions) (CopyResult, error) {
	res := CopyResult{Rows: map[string]int64{}}
	say := o.Say
	if say == nil {
		say = func(string, ...any) {}
	}
	c := &copier{from: from, to: s, o: o, say: say, res: &res}
	err := from.ReadSnapshot(ctx, func(rtx *sql.Tx) error {
		c.rtx = rtx
		if err := c.readSource(ctx); err != nil {
			return err
		}
		if !s.PostgreSQL() {
			// A file's photo folder names the practice it belongs to: this one, from now on.
			if err := photolib.Mark(s.PhotoDir(), c.practiceID); err != nil {
				return err
			}
		}
		return s.InTx(ctx, func(wtx *sql.Tx) error {
			c.wtx = wtx
			return c.copyAll(ctx)
		})
	})
	return res, err
}

type copier struct {
	from, to   *Store
	rtx, wtx   *sql.Tx
	o          CopyOptions
	say        func(string, ...any)
	res        *CopyResult
	practiceID string
	columns    map[string][]string // the columns copied, by table
	digests    map[string][]byte   // the source's rows, by table, as digest says them
	amended    map[string][]string // session → its amendment_records' prev_hash, in order
	signed     []string            // sessions signed in the source, written unsigned first
	clientsAt  map[string][2]string
}

// readSource checks what the source holds against what the copy knows, and reads what the copy
// of the sessions needs first.
func (c *copier) readSource(ctx context.Context) error {
	if err := c.rtx.QueryRowContext(ctx, `SELECT coalesce((SELECT `+settingTextSQL(c.from)+` FROM settings WHERE key = 'practice.id'), '')`).
		Scan(&c.practiceID); err != nil {
		return fmt.Errorf("read the practice's identity: %w", MapError(err))
	}
	tables, err := tableNames(ctx, c.rtx, c.from)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if !slices.ContainsFunc(copyTables, func(ct copyTable) bool { return ct.name == t }) {
			return fmt.Errorf("the practice to copy holds a table this version of Needlelog does not know (%s): copy it with the version that made it", t)
		}
	}
	c.amended = map[string][]string{}
	rows, err := c.rtx.QueryContext(ctx, `SELECT session_id, prev_hash FROM amendment_records ORDER BY session_id, n`)
	if err != nil {
		return fmt.Errorf("read the amendments: %w", MapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id, prev string
		if err := rows.Scan(&id, &prev); err != nil {
			return fmt.Errorf("read the amendments: %w", MapError(err))
		}
		c.amended[id] = append(c.amended[id], prev)
	}
	return rows.Err()
}

func settingTextSQL(s *Store) string {
	if s.PostgreSQL() {
		return `convert_from(value, 'UTF8')`
	}
	return `CAST(value AS TEXT)`
}

// tableNames lists the practice's tables, but for the engine's own (the schema version, SQLite's
// search index).
func tableNames(ctx context.Context, tx *sql.Tx, s *Store) ([]string, error) {
	// insight_facts is derived from the records, made again by the target's own triggers as the
	// records are copied.
	q := `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		AND name NOT LIKE 'clients\_fts%' ESCAPE '\' AND name <> 'insight_facts'`
	if s.PostgreSQL() {
		// photo_files is the server's photo store, copied file by file through PhotoStore.
		q = `SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('needlelog_schema', 'photo_files')`
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list the practice's tables: %w", MapError(err))
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("list the practice's tables: %w", MapError(err))
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

func (c *copier) copyAll(ctx context.Context) error {
	if err := c.checkEmpty(ctx); err != nil {
		return err
	}
	for _, t := range seededTables {
		if _, err := c.wtx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
			return fmt.Errorf("clear the new practice's default %s: %w", t, MapError(err))
		}
	}
	c.columns, c.digests = map[string][]string{}, map[string][]byte{}
	for _, t := range copyTables {
		if err := c.copyTable(ctx, t); err != nil {
			return err
		}
		switch t.name {
		case "clients":
			if err := c.continueClientNumbers(ctx); err != nil {
				return err
			}
		case "sealed_side_effects":
			// Every child of every session is in: sign those the source has signed.
			if err := c.signSessions(ctx); err != nil {
				return err
			}
		case "amendment_records":
			if err := c.restoreLatest(ctx); err != nil {
				return err
			}
		}
	}
	if err := c.rtx.QueryRowContext(ctx, `SELECT coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '')`).Scan(&c.res.Head); err != nil {
		return fmt.Errorf("read the audit log's head: %w", MapError(err))
	}
	return c.compare(ctx)
}

// CheckEmpty refuses, with ErrNotEmpty, a practice that holds records: only its default lists
// and settings, as a new practice has, may be there.
func (s *Store) CheckEmpty(ctx context.Context) error {
	return s.ReadSnapshot(ctx, func(tx *sql.Tx) error { return checkEmpty(ctx, tx) })
}

// checkEmpty refuses a target that holds records.
func (c *copier) checkEmpty(ctx context.Context) error { return checkEmpty(ctx, c.wtx) }

func checkEmpty(ctx context.Context, tx *sql.Tx) error {
	var held []string
	for _, t := range recordTables {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return fmt.Errorf("look into the target: %w", MapError(err))
		}
		if n > 0 {
			held = append(held, fmt.Sprintf("%d %s", n, recordLabels[t]))
		}
	}
	if len(held) > 0 {
		return fmt.Errorf("%w (it holds %s); nothing was changed", ErrNotEmpty, strings.Join(held, ", "))
	}
	return nil
}

// columnsOf is the columns of table t as a query on tx sees them.
func columnsOf(ctx context.Context, tx *sql.Tx, t string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT * FROM `+t+` LIMIT 0`)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	return rows.Columns()
}

// copyColumns are the columns of t both sides have, refusing a table whose columns differ.
func (c *copier) copyColumns(ctx context.Context, t string) ([]string, error) {
	src, err := columnsOf(ctx, c.rtx, t)
	if err != nil {
		return nil, fmt.Errorf("read the columns of %s in the practice to copy: %w", t, err)
	}
	dst, err := columnsOf(ctx, c.wtx, t)
	if err != nil {
		return nil, fmt.Errorf("read the columns of %s in the target: %w", t, err)
	}
	var cols []string
	for _, col := range src {
		if derivedColumns[t+"."+col] {
			continue
		}
		if !slices.Contains(dst, col) {
			return nil, fmt.Errorf("the target's table %s has no column %s: both must be at the same schema version", t, col)
		}
		cols = append(cols, col)
	}
	for _, col := range dst {
		if !derivedColumns[t+"."+col] && !slices.Contains(cols, col) {
			return nil, fmt.Errorf("the practice to copy has no column %s in its table %s: both must be at the same schema version", col, t)
		}
	}
	return cols, nil
}

func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// copyTable copies every row of t, in batches of one statement each.
func (c *copier) copyTable(ctx context.Context, t copyTable) error {
	cols, err := c.copyColumns(ctx, t.name)
	if err != nil {
		return err
	}
	c.columns[t.name] = cols
	quoted := make([]string, len(cols))
	for i, col := range cols {
		quoted[i] = quoteIdent(col)
	}
	list := strings.Join(quoted, ", ")
	rows, err := c.rtx.QueryContext(ctx, `SELECT `+list+` FROM `+t.name+` ORDER BY `+t.key)
	if err != nil {
		return fmt.Errorf("read %s: %w", t.name, MapError(err))
	}
	defer rows.Close()
	fix, err := c.fixerFor(ctx, t.name, cols)
	if err != nil {
		return err
	}
	perBatch := max(1, min(200, 4000/len(cols)))
	h := sha256.New()
	var batch []any
	var n int64
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		k := len(batch) / len(cols)
		one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
		q := `INSERT INTO ` + t.name + ` (` + list + `) VALUES ` + strings.TrimSuffix(strings.Repeat(one+", ", k), ", ")
		if _, err := c.wtx.ExecContext(ctx, q, batch...); err != nil {
			return fmt.Errorf("write %s: %w", t.name, MapError(err))
		}
		batch = batch[:0]
		return nil
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", t.name, MapError(err))
		}
		digestRow(h, vals)
		if fix != nil {
			if err := fix(vals); err != nil {
				return err
			}
		}
		if t.name == "amendment_records" {
			// One at a time: each follows the record as the one before left it.
			if err := c.amend(ctx, list, cols, vals); err != nil {
				return err
			}
		} else {
			batch = append(batch, vals...)
			if len(batch)/len(cols) >= perBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", t.name, MapError(err))
	}
	if err := flush(); err != nil {
		return err
	}
	c.res.Rows[t.name] = n
	c.digests[t.name] = h.Sum(nil)
	if n > 0 {
		c.say("copied %s: %d", strings.ReplaceAll(t.name, "_", " "), n)
	}
	return nil
}

// fixerFor is what changes a row of table t on its way into the target, nil for nothing.
func (c *copier) fixerFor(ctx context.Context, t string, cols []string) (func([]any) error, error) {
	at := func(name string) int { return slices.Index(cols, name) }
	switch t {
	case "settings":
		key, value := at("key"), at("value")
		return func(v []any) error {
			// PostgreSQL keeps every setting as bytes; SQLite keeps text as text.
			switch x := v[value].(type) {
			case string:
				if c.to.PostgreSQL() {
					v[value] = []byte(x)
				}
			case []byte:
				if k, _ := v[key].(string); !c.to.PostgreSQL() && !c.o.BytesSettings[k] {
					v[value] = string(x)
				}
			}
			return nil
		}, nil
	case "sessions":
		id, status, hash := at("id"), at("status"), at("record_hash")
		return func(v []any) error {
			// A session goes in unsigned, as the record it was signed as: signSessions signs it
			// once its children are in, and its amendments then follow one by one.
			if s, _ := v[status].(string); s == "signed" {
				sid, _ := v[id].(string)
				v[status] = "draft"
				c.signed = append(c.signed, sid)
				if prev := c.amended[sid]; len(prev) > 0 {
					v[hash] = prev[0]
				}
			}
			return nil
		}, nil
	case "photos":
		sum, preview, name := at("sha256"), at("preview_sha256"), at("file_name")
		return func(v []any) error {
			p, _ := v[preview].(string)
			if p == "" {
				return nil // the bytes are still in the database's own tables, copied with them
			}
			s, _ := v[sum].(string)
			n, _ := v[name].(string)
			for _, f := range []struct{ sum, what string }{{s, "original"}, {p, "preview"}} {
				if err := c.copyPhotoFile(f.sum, f.what, n); err != nil {
					return err
				}
			}
			return nil
		}, nil
	}
	return nil, nil
}

// copyPhotoFile copies one file of the photo library, unless the target has it already.
func (c *copier) copyPhotoFile(sum, what, name string) error {
	to := c.to.PhotoStore()
	if to.Has(sum) {
		return nil
	}
	b, err := c.from.PhotoStore().Read(sum)
	if err != nil {
		if c.o.MissingPhotosAllowed && photolib.Lost(err) {
			c.res.MissingPhotos++
			return nil
		}
		return fmt.Errorf("the %s of the photo %s cannot be read from the practice to copy (%v): "+
			"needlelog check --photos names every photo affected", what, wording.Quoted(name), err)
	}
	if err := to.Put(sum, b); err != nil {
		return fmt.Errorf("write the %s of the photo %s: %w", what, wording.Quoted(name), err)
	}
	c.res.PhotoFiles++
	if c.res.PhotoFiles%100 == 0 {
		c.say("copied photo files: %d", c.res.PhotoFiles)
	}
	return nil
}

// signSessions signs the sessions the source has signed, each as it was first signed.
func (c *copier) signSessions(ctx context.Context) error {
	for ids := range slices.Chunk(c.signed, 500) {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		q := `UPDATE sessions SET status = 'signed' WHERE id IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + `)`
		if _, err := c.wtx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("sign the copied sessions: %w", MapError(err))
		}
	}
	return nil
}

// amend writes one amendment record and brings its session's record hash to it, as AmendSession does.
func (c *copier) amend(ctx context.Context, list string, cols []string, vals []any) error {
	q := `INSERT INTO amendment_records (` + list + `) VALUES (` + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + `)`
	if _, err := c.wtx.ExecContext(ctx, q, vals...); err != nil {
		return fmt.Errorf("write amendment_records: %w", MapError(err))
	}
	session, hash := vals[slices.Index(cols, "session_id")], vals[slices.Index(cols, "record_hash")]
	if _, err := c.wtx.ExecContext(ctx, `UPDATE sessions SET record_hash = ? WHERE id = ?`, hash, session); err != nil {
		return fmt.Errorf("amend the copied session: %w", MapError(err))
	}
	return nil
}

// restoreLatest gives each client the last session and next due date the source has: the
// triggers worked them out again as the sessions went in, in another order.
func (c *copier) restoreLatest(ctx context.Context) error {
	want := map[string][2]string{}
	rows, err := c.rtx.QueryContext(ctx, `SELECT id, last_session, next_due FROM clients`)
	if err != nil {
		return fmt.Errorf("read the clients' latest sessions: %w", MapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id, last, due string
		if err := rows.Scan(&id, &last, &due); err != nil {
			return fmt.Errorf("read the clients' latest sessions: %w", MapError(err))
		}
		want[id] = [2]string{last, due}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	have, err := c.wtx.QueryContext(ctx, `SELECT id, last_session, next_due FROM clients`)
	if err != nil {
		return fmt.Errorf("read the copied clients: %w", MapError(err))
	}
	var differ []string
	for have.Next() {
		var id, last, due string
		if err := have.Scan(&id, &last, &due); err != nil {
			have.Close()
			return fmt.Errorf("read the copied clients: %w", MapError(err))
		}
		if w, ok := want[id]; ok && w != [2]string{last, due} {
			differ = append(differ, id)
		}
	}
	have.Close()
	for _, id := range differ {
		w := want[id]
		if _, err := c.wtx.ExecContext(ctx, `UPDATE clients SET last_session = ?, next_due = ? WHERE id = ?`, w[0], w[1], id); err != nil {
			return fmt.Errorf("write the copied clients' latest sessions: %w", MapError(err))
		}
	}
	return nil
}

// continueClientNumbers makes the server number new clients after the copied ones. Its identity
// sequence is moved on with nextval, which the application role may call (setval needs a right
// it does not have).
func (c *copier) continueClientNumbers(ctx context.Context) error {
	if !c.to.PostgreSQL() {
		return nil // SQLite numbers a new row after the largest
	}
	var seq string
	var top, last int64
	var called bool
	if err := c.wtx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence('clients', 'num'), coalesce((SELECT max(num) FROM clients), 0)`).
		Scan(&seq, &top); err != nil {
		return fmt.Errorf("read how clients are numbered: %w", MapError(err))
	}
	if err := c.wtx.QueryRowContext(ctx, `SELECT last_value, is_called FROM `+seq).Scan(&last, &called); err != nil {
		return fmt.Errorf("read how clients are numbered: %w", MapError(err))
	}
	next := last
	if called {
		next = last + 1
	}
	if top < next {
		return nil
	}
	if top-next > math.MaxInt32 {
		return fmt.Errorf("the practice to copy numbers its clients up to %d, more than the server's numbering can follow", top)
	}
	var n int64
	if err := c.wtx.QueryRowContext(ctx, `SELECT count(nextval(?::regclass)) FROM generate_series(1, ?)`, seq, top-next+1).Scan(&n); err != nil {
		return fmt.Errorf("number the server's clients after the copied ones: %w", MapError(err))
	}
	return nil
}

// compare reads every table back from the target, inside the copy's transaction, and compares it
// row for row with what was read from the source.
func (c *copier) compare(ctx context.Context) error {
	for _, t := range copyTables {
		cols := c.columns[t.name]
		quoted := make([]string, len(cols))
		for i, col := range cols {
			quoted[i] = quoteIdent(col)
		}
		rows, err := c.wtx.QueryContext(ctx, `SELECT `+strings.Join(quoted, ", ")+` FROM `+t.name+` ORDER BY `+t.key)
		if err != nil {
			return fmt.Errorf("read back %s: %w", t.name, MapError(err))
		}
		h := sha256.New()
		var n int64
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return fmt.Errorf("read back %s: %w", t.name, MapError(err))
			}
			digestRow(h, vals)
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read back %s: %w", t.name, MapError(err))
		}
		if n != c.res.Rows[t.name] {
			return fmt.Errorf("the copy of %s holds %d rows, not %d as the practice copied; nothing was kept", t.name, n, c.res.Rows[t.name])
		}
		if string(h.Sum(nil)) != string(c.digests[t.name]) {
			return fmt.Errorf("the copy of %s differs from the practice copied; nothing was kept", t.name)
		}
	}
	c.say("compared every table of the copy with the practice copied: the same")
	return nil
}

// digestRow adds one row to h, each value by its kind and bytes, so that the same row read from
// either engine adds the same: text and bytes alike (a setting is text on SQLite, bytes on the server).
func digestRow(h hash.Hash, vals []any) {
	var buf [9]byte
	for _, v := range vals {
		switch x := v.(type) {
		case nil:
			h.Write([]byte{'n'})
		case int64:
			buf[0] = 'i'
			binary.BigEndian.PutUint64(buf[1:], uint64(x))
			h.Write(buf[:])
		case float64:
			h.Write([]byte("f" + strconv.FormatFloat(x, 'g', -1, 64) + "\x00"))
		case string:
			writeBytes(h, []byte(x))
		case []byte:
			writeBytes(h, x)
		case bool:
			buf[0] = 'i'
			binary.BigEndian.PutUint64(buf[1:], map[bool]uint64{false: 0, true: 1}[x])
			h.Write(buf[:])
		default:
			h.Write([]byte(fmt.Sprintf("?%T:%v\x00", x, x)))
		}
	}
}

func writeBytes(h hash.Hash, b []byte) {
	var buf [9]byte
	buf[0] = 's'
	binary.BigEndian.PutUint64(buf[1:], uint64(len(b)))
	h.Write(buf[:])
	h.Write(b)
}
