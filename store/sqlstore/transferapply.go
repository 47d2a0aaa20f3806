package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/transfer"
)

// ApplyOptions say how a bundle is applied.
type ApplyOptions struct {
	Schema     int    // this practice's schema version: a bundle from a newer one is refused
	DeviceName string // how this device is named to the others; "" keeps the name it has
	// New makes this practice from the bundle: it holds no records yet, and takes the bundle's
	// practice as its own.
	New bool
	// Say is told, a sentence each, how far the applying is; nil says nothing.
	Say func(format string, a ...any)
}

// ApplyResult says what a bundle brought.
type ApplyResult struct {
	Device, DeviceName string         // the device that made the bundle
	Sum                string         // the bundle's SHA-256, as the audit entry of its import names it
	Made               string         // when it was made, as it says
	Records            int            // records read
	Created, Updated   int            // records made here, and records changed here
	CreatedBy          map[string]int // records made here by kind ("client", "session", "photo"…)
	Deleted            int            // records deleted here as they were there
	Signed, Amended    int            // signed sessions and amendments that came in
	Photos             int            // photo files that came in (those already here not counted)
	Lines              int            // audit chain lines that came in
	Conflicts          []Conflict
	// AlreadyApplied is a bundle applied here before: nothing was changed.
	AlreadyApplied bool
}

// Conflict is a value that lost a merge (or a change that could not be applied), kept to be seen
// and settled by the practitioner.
type Conflict struct {
	ID, Entity, EntityID, ClientID, Field string
	Ours, Theirs                          string // JSON
	Kept                                  string // "ours", "theirs" or "both"
	Device, DeviceName                    string // where theirs came from
	Bundle, FoundAt                       string
	ResolvedAt, ResolvedBy, Resolution    string
}

// ErrOtherPractice is a bundle made by another practice's copy.
var ErrOtherPractice = errors.New("this bundle was made by another practice: bundles go only between copies of the same practice")

// ErrMadeForAnother is a bundle made for a copy that holds records this one does not: it leaves
// them out, taking them to be here.
var ErrMadeForAnother = errors.New("this bundle was made for a copy of the practice that holds more records than this one")

// ErrOwnBundle is a bundle this very copy made, brought back to it.
var ErrOwnBundle = errors.New("this bundle was made by this very copy of the practice: apply it on the other computer; nothing was changed")

var errAlreadyApplied = errors.New("applied before")

// ApplyBundle reads a bundle from r, opens it with u and applies it in one transaction: nothing is
// written unless the whole bundle is read, checked and applied.
func (s *Store) ApplyBundle(ctx context.Context, r io.Reader, u transfer.Unlock, o ApplyOptions) (ApplyResult, error) {
	var res ApplyResult
	say := o.Say
	if say == nil {
		say = func(string, ...any) {}
	}
	adopted := ""
	err := s.batch(ctx, func(b *Batch) error {
		res, adopted = ApplyResult{CreatedBy: map[string]int{}}, ""
		st, err := b.loadTransferState(o.DeviceName)
		if err != nil {
			return err
		}
		if err := st.stampAll(); err != nil {
			return err
		}
		if !s.PostgreSQL() {
			// A large bundle writes more than SQLite's page cache holds (2 MB): spilling it to the
			// log mid-transaction doubles the writing. A larger cache for this transaction only.
			if _, err := b.tx.ExecContext(b.ctx, `PRAGMA cache_size = -131072`); err != nil {
				return fmt.Errorf("prepare to apply the bundle: %w", mapError(err))
			}
			defer b.tx.ExecContext(context.WithoutCancel(b.ctx), `PRAGMA cache_size = -2000`) //nolint:errcheck // the default again
		}
		a := &applier{b: b, st: st, o: o, res: &res, say: say, cols: map[string][]string{}, chainHeads: map[string]data.AuditMark{}}
		sum, err := transfer.Read(r, u, a)
		if err != nil {
			return err
		}
		res.Sum = sum
		adopted = a.adopted
		return a.finish()
	})
	if err == nil && adopted != "" {
		// A file's photo folder names the practice it belongs to: this one, from now on.
		if !s.PostgreSQL() {
			if err := photolib.Mark(s.PhotoDir(), adopted); err != nil {
				return res, err
			}
		}
		s.SetPracticeID(adopted)
	}
	if errors.Is(err, errAlreadyApplied) {
		return ApplyResult{Sum: res.Sum, Device: res.Device, DeviceName: res.DeviceName, Made: res.Made, AlreadyApplied: true}, nil
	}
	return res, err
}

// applier applies a bundle's parts, in the batch, as transfer.Read hands them over.
type applier struct {
	b          *Batch
	st         *transferState
	o          ApplyOptions
	res        *ApplyResult
	say        func(string, ...any)
	h          *transfer.Header
	before     knowledge // what this copy held before the bundle
	theirs     knowledge // what the sender held
	cols       map[string][]string
	conflicts  []Conflict
	chainHeads map[string]data.AuditMark // each other device's chain as held, while lines come in
	adopted    string                    // the practice this new one became
}

func (a *applier) damaged(format string, args ...any) error { return transfer.Damaged(format, args...) }

func (a *applier) columns(table string) ([]string, error) {
	if c, ok := a.cols[table]; ok {
		return c, nil
	}
	c, err := columnsOf(a.b.ctx, a.b.tx, table)
	if err != nil {
		return nil, fmt.Errorf("read the columns of %s: %w", table, err)
	}
	a.cols[table] = c
	return c, nil
}

// arg is a bundle's JSON value as a statement's argument.
func (a *applier) arg(v any) any {
	switch x := normalize(v).(type) {
	case float64:
		if x == float64(int64(x)) && x < 1<<53 && x > -(1<<53) {
			return int64(x)
		}
		return x
	case map[string]any, []any:
		b, _ := json.Marshal(x)
		return string(b)
	default:
		return x
	}
}

func decodeValue(raw json.RawMessage) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return normalize(v), nil
}

// normalize turns decoded numbers into the values the engines give, so digests agree.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = normalize(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = normalize(x[k])
		}
	}
	return v
}

func (a *applier) Header(h *transfer.Header) error {
	a.h = h
	a.res.Device, a.res.DeviceName, a.res.Made = h.Device, h.DeviceName, data.TimeText(h.Made)
	if h.Schema > a.o.Schema {
		return fmt.Errorf("%w (its records are of schema %d; this one has %d); nothing was changed", transfer.ErrNewer, h.Schema, a.o.Schema)
	}
	if h.Device == a.st.device {
		return ErrOwnBundle
	}
	ours, err := setting[string](a.b.ctx, a.b.q(), settingPracticeID)
	if err != nil {
		return err
	}
	if ours != h.PracticeID {
		if !a.o.New {
			return fmt.Errorf("%w; nothing was changed", ErrOtherPractice)
		}
		if err := a.adopt(h.PracticeID); err != nil {
			return err
		}
	}
	since := knowledge{Clocks: h.Since, Chains: h.SinceChains}
	if ok, device := a.st.knows.holds(since); !ok {
		return fmt.Errorf("%w (%s's, which this one has not received yet): on the other computer, make a bundle of everything "+
			"(Take records on the road… › Everything, or transfer export --full); nothing was changed", ErrMadeForAnother, a.deviceName(device))
	}
	a.before = newKnowledge()
	a.before.merge(a.st.knows)
	a.theirs = knowledge{Clocks: h.Knows, Chains: h.Chains}
	if a.theirs.Clocks == nil {
		a.theirs.Clocks = transfer.Knowledge{}
	}
	if a.theirs.Chains == nil {
		a.theirs.Chains = map[string]int64{}
	}
	a.st.hlc.Observe(h.Clock)
	a.say("applying the bundle of %s", cmpOr(h.DeviceName, h.Device))
	return nil
}

// deviceName is how a device is named to this copy: by its own bundles, or those that came
// through it; "another copy" when none named it.
func (a *applier) deviceName(device string) string {
	if device == a.h.Device && a.h.DeviceName != "" {
		return a.h.DeviceName
	}
	var name string
	if err := a.b.q().QueryRowContext(a.b.ctx, `SELECT name FROM transfer_peers WHERE device_id = ?`, device).Scan(&name); err == nil && name != "" {
		return name
	}
	if device == a.st.device {
		return "this copy"
	}
	return "another copy"
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// adopt makes this new practice the bundle's: only a practice that holds no records yet.
func (a *applier) adopt(practiceID string) error {
	if err := checkEmpty(a.b.ctx, a.b.tx); err != nil {
		return fmt.Errorf("the bundle is another practice's, and this one already holds records: %w", err)
	}
	for _, t := range seededTables {
		if t == "settings" {
			continue
		}
		if _, err := a.b.exec(`DELETE FROM ` + t); err != nil {
			return fmt.Errorf("clear the new practice's default lists: %w", err)
		}
	}
	// What this copy was made with (its default lists and settings) is no change of its own.
	if _, err := a.b.exec(`DELETE FROM transfer_clocks`); err != nil {
		return fmt.Errorf("clear the new practice's clocks: %w", err)
	}
	a.st.knows = newKnowledge()
	if err := a.b.putSetting(settingPracticeID, practiceID); err != nil {
		return err
	}
	a.adopted = practiceID // the photo folder is marked once the bundle is in
	return nil
}

func (a *applier) Photo(sum string, b []byte) error {
	if err := a.b.ctx.Err(); err != nil {
		return err
	}
	lib := a.b.store.lib
	if lib.Has(sum) {
		return nil
	}
	if err := lib.Put(sum, b); err != nil {
		return fmt.Errorf("write a photo file of the bundle: %w", err)
	}
	a.res.Photos++
	if a.res.Photos%50 == 0 {
		a.say("photo files: %d", a.res.Photos)
	}
	return nil
}

func (a *applier) Record(rec *transfer.Record) error {
	if err := a.b.ctx.Err(); err != nil {
		return err
	}
	a.res.Records++
	if a.res.Records%5000 == 0 {
		a.say("records: %d", a.res.Records)
	}
	e, ok := transferEntityNamed(rec.Entity)
	if !ok {
		return a.damaged("a record of an unknown kind %q", rec.Entity)
	}
	switch {
	case e.name == "setting":
		return a.applySettings(rec)
	case rec.Body != nil:
		if e.name != "session" {
			return a.damaged("a whole record of kind %q", rec.Entity)
		}
		var sb signedBody
		d := json.NewDecoder(bytes.NewReader(rec.Body))
		d.DisallowUnknownFields()
		d.UseNumber()
		if err := d.Decode(&sb); err != nil || sb.Session == nil {
			return a.damaged("signed session %s does not read", rec.ID)
		}
		normalizeBody(&sb)
		if err := a.applySigned(rec.ID, &sb); err != nil {
			return err
		}
		return a.keepSignedClock(rec)
	case rec.Deleted:
		return a.applyDeletion(e, rec)
	}
	return a.applyFields(e, rec)
}

func normalizeBody(sb *signedBody) {
	normalize(sb.Session)
	for _, l := range [][]map[string]any{sb.Zones, sb.Products, sb.Overrides, sb.SideEffects} {
		for _, m := range l {
			normalize(m)
		}
	}
	for _, am := range sb.Amendments {
		normalize(am.Amendment)
		normalize(am.Record)
	}
}

// keepSignedClock notes the signed session as this copy now holds it, with the clock it came with.
func (a *applier) keepSignedClock(rec *transfer.Record) error {
	var hash string
	err := a.b.tx.QueryRowContext(a.b.ctx, `SELECT record_hash FROM sessions WHERE id = ?`, rec.ID).Scan(&hash)
	if isNoRows(err) {
		return nil // not kept here (a conflict says why)
	}
	if err != nil {
		return fmt.Errorf("read session %s: %w", rec.ID, mapError(err))
	}
	rc, err := a.st.clockOf("session", rec.ID)
	if err != nil {
		return err
	}
	var theirs string
	if err := json.Unmarshal(rec.Fields[fieldSigned].V, &theirs); err != nil {
		return a.damaged("signed session %s without its record hash", rec.ID)
	}
	old, had := rc.fields[fieldSigned]
	var c string
	switch {
	case hash == theirs:
		// The same record on both sides now: the later of the two clocks.
		c = max(string(rec.Fields[fieldSigned].C), old[1])
	case had && old[0] == digestOf(hash):
		c = old[1] // this copy's record stands, as it was: the other side has yet to see it
	default:
		c = string(a.st.hlc.Next(a.b.store.now())) // this copy's record stands, and is news to the other side
	}
	rc.fields = map[string]fieldClock{fieldSigned: {digestOf(hash), c}}
	rc.digest = ""
	return a.st.putClocks("session", rec.ID, rc)
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// conflict keeps a value that lost, or a change that could not be made, for the practitioner.
func (a *applier) conflict(entity, id, client, field string, ours, theirs any, kept string) error {
	str := func(v any) string {
		if s, ok := v.(string); ok && json.Valid([]byte(s)) && (strings.HasPrefix(s, "[") || strings.HasPrefix(s, "{")) {
			return s
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	if client == "" && entity == "side_effect" {
		// Shown under the client of its session.
		a.b.tx.QueryRowContext(a.b.ctx, `SELECT s.client_id FROM side_effects e JOIN sessions s ON s.id = e.session_id WHERE e.id = ?`, id).Scan(&client) //nolint:errcheck // "" when gone
	}
	a.conflicts = append(a.conflicts, Conflict{ID: newID(), Entity: entity, EntityID: id, ClientID: client, Field: field,
		Ours: str(ours), Theirs: str(theirs), Kept: kept, Device: a.h.Device, DeviceName: a.h.DeviceName})
	return nil
}

// rowExists reports whether a record of e with id is here.
func (a *applier) rowExists(e transferEntity, id string) (bool, error) {
	var n int
	if err := a.b.q().QueryRowContext(a.b.ctx, `SELECT count(*) FROM `+e.table+` WHERE id = ?`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("read %s %s: %w", e.name, id, mapError(err))
	}
	return n > 0, nil
}

// fieldValue decodes one field of a record, refusing a field its kind does not have.
func (a *applier) fieldValue(e transferEntity, f string, raw json.RawMessage) (any, error) {
	if !slices.Contains(e.fields, f) && !slices.ContainsFunc(e.children, func(c transferChildren) bool { return c.field == f }) {
		return nil, a.damaged("%s has no field %q", e.name, f)
	}
	v, err := decodeValue(raw)
	if err != nil {
		return nil, a.damaged("the field %q of a %s does not read", f, e.name)
	}
	if ci := slices.IndexFunc(e.children, func(c transferChildren) bool { return c.field == f }); ci >= 0 {
		list, ok := v.([]any)
		if !ok {
			return nil, a.damaged("the field %q of a %s is not a list", f, e.name)
		}
		out := make([]map[string]any, 0, len(list))
		for _, it := range list {
			m, ok := it.(map[string]any)
			if !ok {
				return nil, a.damaged("the field %q of a %s holds something that is not a row", f, e.name)
			}
			for k := range m {
				if !slices.Contains(e.children[ci].columns, k) {
					return nil, a.damaged("the field %q of a %s names a column %q", f, e.name, k)
				}
			}
			out = append(out, m)
		}
		return out, nil
	}
	switch v.(type) {
	case nil, string, int64, float64:
		return v, nil
	}
	return nil, a.damaged("the field %q of a %s holds a value no column holds", f, e.name)
}

// applyFields merges a record kept field by field: each field takes the value of the later
// change; a change made here that the sender had not seen, overtaken or not, is a conflict.
func (a *applier) applyFields(e transferEntity, rec *transfer.Record) error {
	rc, err := a.st.clockOf(e.name, rec.ID)
	if err != nil {
		return err
	}
	exists, err := a.rowExists(e, rec.ID)
	if err != nil {
		return err
	}
	if !exists {
		return a.insertRecord(e, rec, rc)
	}
	var ours *recordValues
	if err := a.b.scanRecords(e, "id = ?", []any{rec.ID}, func(rv *recordValues) error { ours = rv; return nil }); err != nil {
		return err
	}
	if ours == nil {
		return fmt.Errorf("read %s %s: %w", e.name, rec.ID, data.ErrNotFound)
	}
	client := a.clientOf(e, ours)
	changes := map[string]any{}
	names := make([]string, 0, len(rec.Fields))
	for f := range rec.Fields {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, f := range names {
		tf := rec.Fields[f]
		if strings.HasPrefix(f, "_") {
			if f != fieldFixed {
				return a.damaged("%s %s carries %q", e.name, rec.ID, f)
			}
			// What it was made with is the same here (a side effect sealed with the signed
			// session that came before it): known here by the other side's clock.
			if oc, had := rc.fields[f]; !ours.signed && (!had || tf.C.After(transfer.Clock(oc[1]))) && a.sameFixed(e, rec, ours) {
				rc.fields[f] = fieldClock{digestOf(ours.fixed), string(tf.C)}
			}
			continue
		}
		v, err := a.fieldValue(e, f, tf.V)
		if err != nil {
			return err
		}
		td := digestOf(v)
		if ours.signed {
			// Signed here: the record stands. A change made there it had not seen is kept to be seen.
			if a.before.Clocks.Knows(tf.C) {
				continue
			}
			if od := digestOf(ours.fields[f]); od != td {
				if err := a.conflict(e.name, rec.ID, client, f, ours.fields[f], v, "ours"); err != nil {
					return err
				}
			}
			continue
		}
		oc, had := rc.fields[f]
		if digestOf(ours.fields[f]) == td {
			if !had || tf.C.After(transfer.Clock(oc[1])) {
				rc.fields[f] = fieldClock{td, string(tf.C)}
			}
			continue
		}
		ourUnseen := had && !a.theirs.Clocks.Knows(transfer.Clock(oc[1]))
		theirUnseen := !a.before.Clocks.Knows(tf.C)
		if !had || tf.C.After(transfer.Clock(oc[1])) {
			if ourUnseen && theirUnseen {
				if err := a.conflict(e.name, rec.ID, client, f, ours.fields[f], v, "theirs"); err != nil {
					return err
				}
			}
			changes[f] = v
			rc.fields[f] = fieldClock{td, string(tf.C)}
		} else if ourUnseen && theirUnseen {
			if err := a.conflict(e.name, rec.ID, client, f, ours.fields[f], v, "ours"); err != nil {
				return err
			}
		}
	}
	if ours.signed {
		return nil
	}
	if len(changes) > 0 {
		if err := a.writeFields(e, rec.ID, changes, ours); err != nil {
			return err
		}
		a.res.Updated++
	}
	return a.st.putClocks(e.name, rec.ID, rc)
}

// sameFixed reports whether the record as it came was made as ours was: the same fixed columns
// (true when it came without them, the other side taking this copy to have it).
func (a *applier) sameFixed(e transferEntity, rec *transfer.Record, ours *recordValues) bool {
	if len(rec.Fixed) == 0 {
		return true
	}
	theirs := map[string]any{}
	for _, c := range e.fixed {
		raw, ok := rec.Fixed[c]
		if !ok {
			return false
		}
		v, err := decodeValue(raw)
		if err != nil {
			return false
		}
		theirs[c] = v
	}
	return digestOf(theirs) == digestOf(ours.fixed)
}

// clientOf is the client a record is shown under in the conflicts.
func (a *applier) clientOf(e transferEntity, rv *recordValues) string {
	switch e.parent {
	case "id":
		return rv.id
	case "":
		return ""
	}
	if s, ok := rv.fixed[e.parent].(string); ok {
		return s
	}
	return ""
}

// writeFields writes changed fields of a record, its children and what is made from them.
func (a *applier) writeFields(e transferEntity, id string, changes map[string]any, ours *recordValues) error {
	row := map[string]any{}
	for f, v := range changes {
		if ci := slices.IndexFunc(e.children, func(c transferChildren) bool { return c.field == f }); ci >= 0 {
			if err := a.b.writeChildren(e.children[ci], id, v.([]map[string]any)); err != nil {
				return err
			}
			continue
		}
		row[f] = v
	}
	a.derive(e, row, ours)
	for {
		c, err := a.missingParent(e, row)
		if err != nil {
			return err
		}
		if c == "" {
			break
		}
		if err := a.conflict(e.name, id, a.clientOf(e, ours), c, ours.fields[c], row[c], "ours"); err != nil {
			return err
		}
		delete(row, c)
	}
	if slices.Contains(e.local, "updated_at") {
		row["updated_at"] = data.TimeText(a.b.store.now())
	}
	if err := a.checkUnique(e, id, row); err != nil {
		return err
	}
	if len(row) > 0 {
		if err := a.updateRow(e.table, "id", id, row); err != nil {
			return err
		}
	}
	if slices.Contains(e.local, "version") {
		// A form open on the record elsewhere in this copy is told it changed.
		if _, err := a.b.exec(`UPDATE `+e.table+` SET version = version + 1 WHERE id = ?`, id); err != nil {
			return fmt.Errorf("write %s %s: %w", e.name, id, err)
		}
	}
	return nil
}

// derive fills the columns made from others (a client's sort key and phone digits).
func (a *applier) derive(e transferEntity, row map[string]any, ours *recordValues) {
	if e.name != "client" {
		return
	}
	get := func(f string) string {
		if v, ok := row[f]; ok {
			s, _ := v.(string)
			return s
		}
		if ours != nil {
			s, _ := ours.fields[f].(string)
			return s
		}
		return ""
	}
	_, fn := row["first_name"]
	_, ln := row["last_name"]
	if fn || ln || ours == nil {
		row["sort_key"] = sortKey(get("first_name"), get("last_name"))
	}
	if _, ok := row["phone"]; ok || ours == nil {
		row["phone_digits"] = data.DigitsOf(get("phone"))
	}
}

// checkUnique makes room for a record whose unique name another record here holds already: the
// newcomer is renamed after its device (a conflict the practitioner settles), or numbered on.
func (a *applier) checkUnique(e transferEntity, id string, row map[string]any) error {
	if len(e.unique) == 0 || (e.uniqueRename == "" && e.uniqueNumber == "") {
		return nil
	}
	touches := false
	for _, c := range e.unique {
		if _, ok := row[c]; ok {
			touches = true
		}
	}
	if !touches {
		return nil
	}
	vals := make([]any, 0, len(e.unique)+1)
	conds := make([]string, 0, len(e.unique))
	for _, c := range e.unique {
		v, ok := row[c]
		if !ok {
			if err := a.b.tx.QueryRowContext(a.b.ctx, `SELECT `+quoteIdent(c)+` FROM `+e.table+` WHERE id = ?`, id).Scan(&v); err != nil {
				return nil // not here yet, and the row names it: nothing to compare
			}
			v = jsonValue(v)
		}
		vals = append(vals, a.arg(v))
		conds = append(conds, quoteIdent(c)+` = ?`)
	}
	vals = append(vals, id)
	var other string
	err := a.b.tx.QueryRowContext(a.b.ctx, `SELECT id FROM `+e.table+` WHERE `+strings.Join(conds, " AND ")+` AND id <> ?`, vals...).Scan(&other)
	if isNoRows(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", e.table, mapError(err))
	}
	if e.uniqueNumber != "" {
		var top int64
		if err := a.b.tx.QueryRowContext(a.b.ctx, `SELECT coalesce(max(`+e.uniqueNumber+`), 0) FROM `+e.table+` WHERE photo_id = ?`, row["photo_id"]).Scan(&top); err != nil {
			return fmt.Errorf("read %s: %w", e.table, mapError(err))
		}
		row[e.uniqueNumber] = top + 1
		return nil
	}
	name, _ := row[e.uniqueRename].(string)
	renamed := fmt.Sprintf("%s (%s)", name, cmpOr(a.h.DeviceName, "other copy"))
	for i := 2; ; i++ {
		var n int
		if err := a.b.tx.QueryRowContext(a.b.ctx, `SELECT count(*) FROM `+e.table+` WHERE `+quoteIdent(e.uniqueRename)+` = ?`, renamed).Scan(&n); err != nil {
			return fmt.Errorf("read %s: %w", e.table, mapError(err))
		}
		if n == 0 {
			break
		}
		renamed = fmt.Sprintf("%s (%s %d)", name, cmpOr(a.h.DeviceName, "other copy"), i)
	}
	row[e.uniqueRename] = renamed
	return a.conflict(e.name, id, "", e.uniqueRename, other, name, "both")
}

// transferParents are the columns of records that name another record, and its table: a record
// that names one this copy does not have (deleted here, say) cannot be written as it is.
var transferParents = map[string]string{
	"client_id": "clients", "session_id": "sessions", "photo_id": "photos", "practitioner_id": "practitioners",
	"product_id": "products", "anaesthetic_product_id": "products", "cartridge_id": "cartridges", "device_id": "devices",
}

// missingParent is the first column of row that names a record this copy does not have, "" when
// every one is here.
func (a *applier) missingParent(e transferEntity, row map[string]any) (string, error) {
	cols := make([]string, 0, len(row))
	for c := range row {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		table, ok := transferParents[c]
		if !ok || (c == "client_id" && e.name == "client") {
			continue
		}
		id, ok := row[c].(string)
		if !ok || id == "" {
			continue // none named
		}
		var n int
		if err := a.b.q().QueryRowContext(a.b.ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
			return "", fmt.Errorf("read %s: %w", table, mapError(err))
		}
		if n == 0 {
			return c, nil
		}
	}
	return "", nil
}

// insertRecord makes here a record that came from the other side.
func (a *applier) insertRecord(e transferEntity, rec *transfer.Record, rc *recordClocks) error {
	if _, whole := rec.Fields[fieldFixed]; !whole && len(e.fixed) > 0 || e.name != "setting" && len(rec.Fields) == 0 {
		// Only its latest changes came: the sender took this copy to have it.
		if rc.known && rc.deleted() {
			return a.conflict(e.name, rec.ID, "", "deleted", "deleted here", "changed there after", "ours")
		}
		return a.damaged("%s %s came without what it was made with, though this copy never had it", e.name, rec.ID)
	}
	if rc.known && rc.deleted() {
		// Deleted here: it comes back only with changes made there that this copy had not seen.
		fresh := false
		for f, tf := range rec.Fields {
			if !strings.HasPrefix(f, "_") && !a.before.Clocks.Knows(tf.C) {
				fresh = true
			}
		}
		if !fresh {
			return nil
		}
		if err := a.conflict(e.name, rec.ID, "", "deleted", "deleted here", "changed there after", "theirs"); err != nil {
			return err
		}
		delete(rc.fields, fieldDeleted)
		rc.digest = ""
	}
	row := map[string]any{"id": rec.ID}
	for c, raw := range rec.Fixed {
		if c == "thumbnail" && e.name == "photo" || c == "account" && e.name == "practitioner" {
			continue
		}
		if !slices.Contains(e.fixed, c) {
			return a.damaged("%s has no fixed column %q", e.name, c)
		}
		v, err := decodeValue(raw)
		if err != nil {
			return a.damaged("%s %s's %q does not read", e.name, rec.ID, c)
		}
		row[c] = v
	}
	for _, c := range e.fixed {
		if _, ok := row[c]; !ok {
			return a.damaged("%s %s lacks %q", e.name, rec.ID, c)
		}
	}
	children := map[string][]map[string]any{}
	for f, tf := range rec.Fields {
		if strings.HasPrefix(f, "_") {
			if f != fieldFixed {
				return a.damaged("%s %s carries %q", e.name, rec.ID, f)
			}
			rc.fields[f] = fieldClock{digestOf(fixedOf(row, e)), string(tf.C)}
			continue
		}
		v, err := a.fieldValue(e, f, tf.V)
		if err != nil {
			return err
		}
		if list, ok := v.([]map[string]any); ok {
			children[f] = list
		} else {
			row[f] = v
		}
		rc.fields[f] = fieldClock{digestOf(v), string(tf.C)}
	}
	if e.name == "photo" {
		// The same photo already here under another record: kept once.
		var other string
		err := a.b.tx.QueryRowContext(a.b.ctx, `SELECT id FROM photos WHERE sha256 = ?`, row["sha256"]).Scan(&other)
		if err == nil {
			return a.conflict("photo", rec.ID, clientOfRow(row), "same photo", other, rec.ID, "ours")
		}
		for _, k := range []string{"sha256", "preview_sha256"} {
			if sum, _ := row[k].(string); !a.b.store.lib.Has(sum) {
				return a.damaged("photo %s came without its file", rec.ID)
			}
		}
	}
	now := data.TimeText(a.b.store.now())
	for _, c := range e.local {
		switch c {
		case "updated_at":
			row[c] = now
		case "version":
			row[c] = int64(1)
		}
	}
	if _, ok := row["created_at"]; !ok && slices.Contains(e.fixed, "created_at") {
		row["created_at"] = now
	}
	a.derive(e, row, nil)
	if c, err := a.missingParent(e, row); err != nil {
		return err
	} else if c != "" {
		// What it belongs to is not here (deleted here since): it stays out, to be seen.
		return a.conflict(e.name, rec.ID, clientOfRow(row), "deleted", "what it belongs to ("+strings.TrimSuffix(c, "_id")+") is not here", "made there", "ours")
	}
	if err := a.checkUnique(e, rec.ID, row); err != nil {
		return err
	}
	if err := a.insertRow(e.table, row, false); err != nil {
		return err
	}
	for _, ch := range e.children {
		if list, ok := children[ch.field]; ok {
			if err := a.b.writeChildren(ch, rec.ID, list); err != nil {
				return err
			}
		}
	}
	if raw, ok := rec.Fixed["thumbnail"]; ok && e.name == "photo" {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if thumb, err := base64.StdEncoding.DecodeString(s); err == nil && len(thumb) > 0 {
				if _, err := a.b.exec(`INSERT INTO photo_thumbnails (photo_id, thumbnail) VALUES (?, ?) ON CONFLICT DO NOTHING`, rec.ID, thumb); err != nil {
					return fmt.Errorf("write the thumbnail of photo %s: %w", rec.ID, err)
				}
			}
		}
	}
	if raw, ok := rec.Fixed["account"]; ok && e.name == "practitioner" {
		if err := a.adoptAccount(rec.ID, raw); err != nil {
			return err
		}
	}
	a.res.Created++
	a.res.CreatedBy[e.name]++
	rc.digest = ""
	return a.st.putClocks(e.name, rec.ID, rc)
}

func clientOfRow(row map[string]any) string { s, _ := row["client_id"].(string); return s }

func fixedOf(row map[string]any, e transferEntity) map[string]any {
	out := map[string]any{}
	for _, c := range e.fixed {
		out[c] = row[c]
	}
	return out
}

// applyDeletion deletes here what was deleted there, unless this copy changed it since (unseen by
// the sender) or it holds signed records: then it stays, and the deletion is a conflict.
func (a *applier) applyDeletion(e transferEntity, rec *transfer.Record) error {
	del, ok := rec.Fields[fieldDeleted]
	if !ok || !del.C.Valid() {
		return a.damaged("a deletion of %s %s without its clock", e.name, rec.ID)
	}
	rc, err := a.st.clockOf(e.name, rec.ID)
	if err != nil {
		return err
	}
	exists, err := a.rowExists(e, rec.ID)
	if err != nil {
		return err
	}
	tomb := func() error {
		rc.fields[fieldDeleted] = fieldClock{"1", string(del.C)}
		rc.digest = fieldDeleted
		return a.st.putClocks(e.name, rec.ID, rc)
	}
	if !exists {
		return tomb()
	}
	client := ""
	if e.name == "client" {
		client = rec.ID
	}
	// A change the other side had not seen, or made after the deletion (by the clocks: it could
	// not have been seen), keeps the record.
	unseen := func(c string) bool {
		return !a.theirs.Clocks.Knows(transfer.Clock(c)) || transfer.Clock(c).After(del.C)
	}
	for f, fc := range rc.fields {
		if !strings.HasPrefix(f, "_") && unseen(fc[1]) {
			return a.conflict(e.name, rec.ID, client, "deleted", "changed here after", "deleted there", "ours")
		}
	}
	var stmts []string
	switch e.name {
	case "client":
		var signed int
		if err := a.b.tx.QueryRowContext(a.b.ctx, `SELECT count(*) FROM sessions WHERE client_id = ? AND status = 'signed'`, rec.ID).Scan(&signed); err != nil {
			return mapError(err)
		}
		if signed > 0 {
			return a.conflict(e.name, rec.ID, client, "deleted", "holds "+strconv.Itoa(signed)+" signed sessions here", "deleted there", "ours")
		}
		// Records of the client made or changed here that the other side had not seen stay, with
		// their client.
		if n, err := a.unseenRecordsOf(rec.ID, unseen); err != nil {
			return err
		} else if n > 0 {
			return a.conflict(e.name, rec.ID, client, "deleted", "holds "+strconv.Itoa(n)+" records made or changed here since", "deleted there", "ours")
		}
		stmts = []string{`DELETE FROM photos WHERE client_id = ?`, `DELETE FROM drafts WHERE client_id = ?`,
			`DELETE FROM outcome_assessments WHERE client_id = ?`, `DELETE FROM sessions WHERE client_id = ?`, `DELETE FROM clients WHERE id = ?`}
	case "session":
		var status string
		if err := a.b.tx.QueryRowContext(a.b.ctx, `SELECT status FROM sessions WHERE id = ?`, rec.ID).Scan(&status); err != nil {
			return mapError(err)
		}
		if status == "signed" {
			return a.conflict(e.name, rec.ID, "", "deleted", "signed here", "deleted there", "ours")
		}
		stmts = []string{`DELETE FROM sessions WHERE id = ?`}
	case "photo", "outcome", "side_effect", "photo_pin":
		stmts = []string{`DELETE FROM ` + e.table + ` WHERE id = ?`}
	default:
		return a.conflict(e.name, rec.ID, "", "deleted", "kept here", "deleted there", "ours") // lists are retired, never deleted
	}
	for _, q := range stmts {
		if _, err := a.b.exec(q, rec.ID); err != nil {
			if errors.Is(err, data.ErrSigned) || strings.Contains(err.Error(), "read-only") {
				return a.conflict(e.name, rec.ID, client, "deleted", "signed here", "deleted there", "ours")
			}
			return fmt.Errorf("delete %s %s: %w", e.name, rec.ID, err)
		}
	}
	a.res.Deleted++
	return tomb()
}

// unseenRecordsOf counts a client's sessions, photos and results with a change unseen says the
// other side had not seen when it deleted the client.
func (a *applier) unseenRecordsOf(clientID string, unseen func(clock string) bool) (int, error) {
	n := 0
	for _, k := range []struct{ entity, table string }{{"session", "sessions"}, {"photo", "photos"}, {"outcome", "outcome_assessments"}} {
		var ids []string
		err := scanAll(a.b.ctx, a.b.tx, `SELECT id FROM `+k.table+` WHERE client_id = ?`, []any{clientID}, func(r *sql.Rows) error {
			var id string
			if err := r.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("read the client's %s: %w", k.table, mapError(err))
		}
		for _, id := range ids {
			rc, err := a.st.clockOf(k.entity, id)
			if err != nil {
				return 0, err
			}
			for _, f := range rc.fields {
				if unseen(f[1]) {
					n++
					break
				}
			}
		}
	}
	return n, nil
}

// applySettings merges the practice's shared settings, each a field.
func (a *applier) applySettings(rec *transfer.Record) error {
	rc, err := a.st.clockOf("setting", rec.ID)
	if err != nil {
		return err
	}
	if rec.ID != "practice" {
		return a.damaged("settings of %q", rec.ID)
	}
	for f, tf := range rec.Fields {
		if !slices.Contains(transferSettings, f) {
			return a.damaged("a setting %q", f)
		}
		v, err := decodeValue(tf.V)
		s, ok := v.(string)
		if err != nil || !ok {
			return a.damaged("the setting %q does not read", f)
		}
		td := digestOf(s)
		oc, had := rc.fields[f]
		if had && oc[0] == td {
			continue
		}
		ourUnseen := had && !a.theirs.Clocks.Knows(transfer.Clock(oc[1]))
		theirUnseen := !a.before.Clocks.Knows(tf.C)
		if !had || tf.C.After(transfer.Clock(oc[1])) {
			if ourUnseen && theirUnseen {
				cur, _ := setting[string](a.b.ctx, a.b.q(), f)
				if err := a.conflict("setting", f, "", f, cur, s, "theirs"); err != nil {
					return err
				}
			}
			if err := data.ValidateSetting(f, s); err != nil {
				return a.damaged("the setting %q: %v", f, err)
			}
			if err := a.b.putSetting(f, s); err != nil {
				return err
			}
			rc.fields[f] = fieldClock{td, string(tf.C)}
		} else if ourUnseen && theirUnseen {
			cur, _ := setting[string](a.b.ctx, a.b.q(), f)
			if err := a.conflict("setting", f, "", f, cur, s, "ours"); err != nil {
				return err
			}
		}
	}
	return a.st.putClocks("setting", rec.ID, rc)
}
