package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
)

// Batch is a group of writes that succeed or fail together, in one transaction. The Store's
// own write methods are batches of one; importers and the demo generator put thousands of
// records in one Batch, which is far faster than a transaction (and an fsync) each.
//
// When a Batch's function returns an error, nothing it wrote is kept, and the records it was
// given may carry IDs or versions that were never saved: discard them.
//
// The batch holds the store's only writing connection until it ends: calling the Store's own
// methods from inside the function would wait for it forever. Do reads before the batch.
type Batch struct {
	ctx   context.Context
	tx    *sql.Tx
	store *Store
	actor string
	key   *signingKey // the actor's key, when they are signed in with one: it signs their entries
	stmts map[string]*sql.Stmt

	auditLoaded bool
	auditSeq    int64
	auditHash   string
	keyless     map[string]bool // practitioners known to have no key in force

	catalog *data.Catalog // the practice's lists for safety checks, read once per batch
	saved   *data.Session // the session last written, as written: signing it need not read it back
}

// Batch runs fn in one transaction: all of its writes are kept, or none.
func (s *Store) Batch(ctx context.Context, fn func(store.Batch) error) error {
	return s.batch(ctx, func(b *Batch) error { return fn(b) })
}

// batch is Batch for the store's own methods, which use the batch's unexported helpers.
func (s *Store) batch(ctx context.Context, fn func(*Batch) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		b := &Batch{ctx: ctx, tx: tx, store: s, actor: cmp.Or(data.ActorFrom(ctx), s.defaultActor()), stmts: map[string]*sql.Stmt{}}
		b.key = s.keyOf(b.actor)
		defer b.close()
		return fn(b)
	})
}

func (b *Batch) close() {
	for _, st := range b.stmts {
		st.Close()
	}
}

// SetActor attributes the batch's following writes to another practitioner, for importers and
// the demo, which write on behalf of several; "" attributes them to no one.
func (b *Batch) SetActor(practitionerID string) {
	b.actor = practitionerID
	b.key = b.store.keyOf(practitionerID)
}

// stmt prepares a statement once per batch: bulk writes repeat the same few statements.
func (b *Batch) stmt(query string) (*sql.Stmt, error) {
	st, ok := b.stmts[query]
	if !ok {
		var err error
		st, err = b.tx.PrepareContext(b.ctx, query)
		if err != nil {
			return nil, mapError(err)
		}
		b.stmts[query] = st
	}
	return st, nil
}

// querier is what a read needs: the store's pool (*sql.DB), one connection (*sql.Conn), a
// transaction (*sql.Tx) or a batch (Batch.q). A read used both by the Store and inside a Batch is
// written once over it.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var (
	_ querier = (*sql.DB)(nil)
	_ querier = (*sql.Conn)(nil)
	_ querier = (*sql.Tx)(nil)
)

// batchQuerier reads inside a batch's transaction with statements prepared once per batch.
type batchQuerier struct{ b *Batch }

func (q batchQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := q.b.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (q batchQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := q.b.stmt(query)
	if err != nil {
		return q.b.tx.QueryRowContext(ctx, query, args...) // reports the same error on Scan
	}
	return st.QueryRowContext(ctx, args...)
}

func (b *Batch) q() querier { return batchQuerier{b} }

// exec runs a statement, prepared once per batch.
func (b *Batch) exec(query string, args ...any) (sql.Result, error) {
	st, err := b.stmt(query)
	if err != nil {
		return nil, err
	}
	res, err := st.ExecContext(b.ctx, args...)
	return res, mapError(err)
}

// audit appends an entry to the audit log, chained to the one before it.
func (b *Batch) audit(action, entity, id, detail string) error {
	if _, err := b.nextAuditSeq(); err != nil {
		return err
	}
	if err := b.mustSign(); err != nil {
		return err
	}
	e := data.AuditEntry{Seq: b.auditSeq + 1, At: b.store.now(), PractitionerID: b.actor, Action: action,
		Entity: entity, EntityID: id, Detail: detail, PrevHash: b.auditHash}
	e.Hash = auditHash(e)
	_, err := b.exec(`INSERT INTO audit_log (seq, at, practitioner_id, action, entity, entity_id, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, data.TimeText(e.At), e.PractitionerID, e.Action, e.Entity, e.EntityID, e.Detail, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("append to audit log: %w", err)
	}
	if b.key != nil && b.key.practitionerID == e.PractitionerID {
		if _, err := b.exec(`INSERT INTO audit_signatures (seq, key_id, signature) VALUES (?, ?, ?)`,
			e.Seq, b.key.id, hex.EncodeToString(b.key.sign(e.Hash))); err != nil {
			return fmt.Errorf("sign audit entry: %w", err)
		}
	}
	b.auditSeq, b.auditHash = e.Seq, e.Hash
	return nil
}

// nextAuditSeq is the number the next audit entry of the batch gets.
func (b *Batch) nextAuditSeq() (int64, error) {
	if !b.auditLoaded {
		err := b.tx.QueryRowContext(b.ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&b.auditSeq, &b.auditHash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			b.auditSeq, b.auditHash = 0, genesisHash
		case err != nil:
			return 0, fmt.Errorf("read audit log: %w", mapError(err))
		}
		b.auditLoaded = true
	}
	return b.auditSeq + 1, nil
}

// updated reports an UPDATE ... WHERE id = ? AND version = ? that changed nothing as the
// record being gone or changed since it was loaded.
func (b *Batch) updated(res sql.Result, table, id string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	var exists int
	if err := b.tx.QueryRowContext(b.ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&exists); err != nil {
		return mapError(err)
	}
	if exists == 0 {
		return data.ErrNotFound
	}
	return data.ErrConflict
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// jsonList stores a list of vocabulary picks as a JSON array; nil is stored as [].
func jsonList(v []string) string {
	if len(v) == 0 {
		return "[]"
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // a []string always marshals
	}
	return string(b)
}

// listCol scans a JSON array of strings, the stored list field names.
type listCol struct {
	v     *[]string
	field string // "aftercare", "allergies": how a damaged list is named
}

func (c listCol) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
		*c.v = nil
		return nil
	default:
		return &damagedList{field: c.field}
	}
	var out []string
	if err := json.Unmarshal(b, &out); err != nil {
		return &damagedList{field: c.field} // never the value: it may be 100 KB of anything
	}
	if len(out) == 0 {
		out = nil
	}
	*c.v = out
	return nil
}

// damagedList is a stored list that is not the JSON array of texts Needlelog writes: the file was
// damaged or changed outside Needlelog.
type damagedList struct{ field string }

func (e *damagedList) Error() string { return "a damaged " + e.field + " list" }

// damagedRecord is the DamagedRecordError for err, from scanning the row of record kind id, when
// a list in it is damaged; otherwise nil. It stands in place of database/sql's words, which
// quote the whole stored value.
func damagedRecord(err error, kind, id string) error {
	var d *damagedList
	if !errors.As(err, &d) {
		return nil
	}
	return &data.DamagedRecordError{Kind: kind, ID: id, Field: d.field}
}
