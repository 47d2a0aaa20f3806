package sqlstore

import (
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/transfer"
)

// Settings of this copy's own, kept out of bundles.
const (
	settingDeviceID   = "device.id"
	settingDeviceName = "device.name"
	settingClock      = "transfer.clock" // the device's hybrid logical clock, as last read
	settingKnows      = "transfer.knows" // what this copy holds (knowledge)
)

// Pseudo-fields of a record's clocks: its fixed part, a signed session's record, its deletion.
const (
	fieldFixed   = "_fixed"
	fieldSigned  = "_signed"
	fieldDeleted = "_deleted"
)

// knowledge is what a copy holds: each device's latest change (clocks) and each device's audit
// chain up to an entry (chains).
type knowledge struct {
	Clocks transfer.Knowledge `json:"clocks"`
	Chains map[string]int64   `json:"chains"`
}

func newKnowledge() knowledge {
	return knowledge{Clocks: transfer.Knowledge{}, Chains: map[string]int64{}}
}

// holds reports whether k holds everything o says it holds.
func (k knowledge) holds(o knowledge) (bool, string) {
	for d, c := range o.Clocks {
		if !k.Clocks.Knows(c) {
			return false, d
		}
	}
	for d, n := range o.Chains {
		if k.Chains[d] < n {
			return false, d
		}
	}
	return true, ""
}

func (k knowledge) merge(o knowledge) {
	for _, c := range o.Clocks {
		k.Clocks.Add(c)
	}
	for d, n := range o.Chains {
		k.Chains[d] = max(k.Chains[d], n)
	}
}

// meet is what both hold.
func (k knowledge) meet(o knowledge) knowledge {
	out := knowledge{Clocks: k.Clocks.Meet(o.Clocks), Chains: map[string]int64{}}
	for d, n := range k.Chains {
		if m, ok := o.Chains[d]; ok {
			out.Chains[d] = min(n, m)
		}
	}
	return out
}

// fieldClock is one field's digest and the clock of its latest change.
type fieldClock [2]string

// recordClocks are what this copy knows of one record's changes (a row of transfer_clocks).
type recordClocks struct {
	digest string
	clock  transfer.Clock
	fields map[string]fieldClock
	known  bool // the row exists
}

func (rc *recordClocks) deleted() bool { return rc.digest == fieldDeleted }

// latest is the latest clock of any field.
func (rc *recordClocks) latest() transfer.Clock {
	var c transfer.Clock
	for _, f := range rc.fields {
		c = max(c, transfer.Clock(f[1]))
	}
	return c
}

func (rc *recordClocks) summarize() {
	h := sha256.New()
	names := make([]string, 0, len(rc.fields))
	for f := range rc.fields {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, f := range names {
		h.Write([]byte(f + "=" + rc.fields[f][0] + ";"))
	}
	if rc.digest != fieldDeleted {
		rc.digest = hex.EncodeToString(h.Sum(nil)[:8])
	}
	rc.clock = rc.latest()
}

// digestOf is a value's digest: the same value read from either engine gives the same. 48 bits
// tell a changed field from the same one but for a chance in 10^14.
func digestOf(v any) string {
	b, _ := json.Marshal(jsonValue(v))
	s := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(s[:6])
}

// fieldClocksText is how a record's field clocks are kept: each field's digest, and the clocks
// once each ("c"), a field naming by its index the clock it has when it is not the first.
// Most records' fields share one or two clocks: kept once, they take a third of the room.
type fieldClocksText struct {
	C []string          `json:"c"`
	F map[string]string `json:"f"`
}

func encodeFieldClocks(fields map[string]fieldClock) []byte {
	count := map[string]int{}
	for _, f := range fields {
		count[f[1]]++
	}
	clocks := make([]string, 0, len(count))
	for c := range count {
		clocks = append(clocks, c)
	}
	slices.SortFunc(clocks, func(a, b string) int {
		if count[a] != count[b] {
			return count[b] - count[a]
		}
		return strings.Compare(a, b)
	})
	index := make(map[string]int, len(clocks))
	for i, c := range clocks {
		index[c] = i
	}
	t := fieldClocksText{C: clocks, F: make(map[string]string, len(fields))}
	for name, f := range fields {
		if i := index[f[1]]; i > 0 {
			t.F[name] = f[0] + ":" + strconv.Itoa(i)
		} else {
			t.F[name] = f[0]
		}
	}
	b, _ := json.Marshal(t)
	return b
}

func decodeFieldClocks(text string) (map[string]fieldClock, error) {
	var t fieldClocksText
	if err := json.Unmarshal([]byte(text), &t); err != nil {
		return nil, err
	}
	out := make(map[string]fieldClock, len(t.F))
	for name, v := range t.F {
		d, is, _ := strings.Cut(v, ":")
		i := 0
		if is != "" {
			n, err := strconv.Atoi(is)
			if err != nil {
				return nil, err
			}
			i = n
		}
		if i < 0 || i >= len(t.C) {
			return nil, fmt.Errorf("field %s names clock %d of %d", name, i, len(t.C))
		}
		out[name] = fieldClock{d, t.C[i]}
	}
	return out, nil
}

// jsonValue is how a column's value travels: text for bytes (settings on the server), the
// rest as the driver gives it.
func jsonValue(v any) any {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case time.Time:
		return data.TimeText(x)
	}
	return v
}

// transferState is a batch's view of the clocks while it makes or applies a bundle.
type transferState struct {
	b      *Batch
	device string
	name   string
	hlc    *transfer.HLC
	knows  knowledge
}

// loadTransferState reads (and on first use makes) the device's identity, clock and knowledge.
func (b *Batch) loadTransferState(deviceName string) (*transferState, error) {
	get := func(key string) (string, error) { return setting[string](b.ctx, b.q(), key) }
	device, err := get(settingDeviceID)
	if err != nil {
		return nil, err
	}
	if device == "" {
		device = newID()
		if err := b.putSetting(settingDeviceID, device); err != nil {
			return nil, err
		}
	}
	name, err := get(settingDeviceName)
	if err != nil {
		return nil, err
	}
	if deviceName != "" && deviceName != name {
		name = deviceName
		if err := b.putSetting(settingDeviceName, name); err != nil {
			return nil, err
		}
	}
	last, err := get(settingClock)
	if err != nil {
		return nil, err
	}
	k := newKnowledge()
	if raw, err := get(settingKnows); err != nil {
		return nil, err
	} else if raw != "" {
		if err := json.Unmarshal([]byte(raw), &k); err != nil {
			return nil, fmt.Errorf("this practice's record of what it holds from other copies is damaged: %v", err)
		}
		if k.Clocks == nil {
			k.Clocks = transfer.Knowledge{}
		}
		if k.Chains == nil {
			k.Chains = map[string]int64{}
		}
	}
	st := &transferState{b: b, device: device, name: name, hlc: transfer.NewHLC(device, transfer.Clock(last)), knows: k}
	head, err := b.auditHead()
	if err != nil {
		return nil, err
	}
	k.Chains[device] = head.Seq
	return st, nil
}

func (b *Batch) auditHead() (data.AuditMark, error) {
	var m data.AuditMark
	err := b.tx.QueryRowContext(b.ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&m.Seq, &m.Hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("read the audit log: %w", mapError(err))
	}
	return m, nil
}

// putSetting writes one of this copy's own settings, unaudited: bookkeeping, not a record.
func (b *Batch) putSetting(key, value string) error {
	if _, err := b.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, b.store.d.settingArg(value)); err != nil {
		return fmt.Errorf("save setting %s: %w", key, err)
	}
	return nil
}

// save keeps the clock and the knowledge for the next bundle.
func (st *transferState) save() error {
	st.knows.Clocks.Add(st.hlc.Last())
	head, err := st.b.auditHead()
	if err != nil {
		return err
	}
	st.knows.Chains[st.device] = head.Seq
	raw, err := json.Marshal(st.knows)
	if err != nil {
		return err
	}
	if err := st.b.putSetting(settingClock, string(st.hlc.Last())); err != nil {
		return err
	}
	return st.b.putSetting(settingKnows, string(raw))
}

// clocksOf reads the clocks kept of every record of one kind.
func (st *transferState) clocksOf(entity string) (map[string]*recordClocks, error) {
	out := map[string]*recordClocks{}
	err := scanAll(st.b.ctx, st.b.tx, `SELECT id, digest, clock, fields FROM transfer_clocks WHERE entity = ?`, []any{entity},
		func(r *sql.Rows) error {
			var id, digest, clock, fields string
			if err := r.Scan(&id, &digest, &clock, &fields); err != nil {
				return err
			}
			rc := &recordClocks{digest: digest, clock: transfer.Clock(clock), known: true}
			var err error
			if rc.fields, err = decodeFieldClocks(fields); err != nil {
				return fmt.Errorf("the clocks of %s %s are damaged: %v", entity, id, err)
			}
			if rc.fields == nil {
				rc.fields = map[string]fieldClock{}
			}
			out[id] = rc
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read the records' clocks: %w", mapError(err))
	}
	return out, nil
}

// clockOf reads one record's clocks; known is false when it has none.
func (st *transferState) clockOf(entity, id string) (*recordClocks, error) {
	var digest, clock, fields string
	err := st.b.q().QueryRowContext(st.b.ctx, `SELECT digest, clock, fields FROM transfer_clocks WHERE entity = ? AND id = ?`, entity, id).
		Scan(&digest, &clock, &fields)
	rc := &recordClocks{fields: map[string]fieldClock{}}
	if errors.Is(err, sql.ErrNoRows) {
		return rc, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the clocks of %s %s: %w", entity, id, mapError(err))
	}
	rc.digest, rc.clock, rc.known = digest, transfer.Clock(clock), true
	if rc.fields, err = decodeFieldClocks(fields); err != nil {
		return nil, fmt.Errorf("the clocks of %s %s are damaged: %v", entity, id, err)
	}
	if rc.fields == nil {
		rc.fields = map[string]fieldClock{}
	}
	return rc, nil
}

// putClocks keeps one record's clocks.
func (st *transferState) putClocks(entity, id string, rc *recordClocks) error {
	rc.summarize()
	raw := encodeFieldClocks(rc.fields)
	for _, f := range rc.fields {
		st.knows.Clocks.Add(transfer.Clock(f[1]))
	}
	_, err := st.b.exec(`INSERT INTO transfer_clocks (entity, id, digest, clock, fields) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (entity, id) DO UPDATE SET digest = excluded.digest, clock = excluded.clock, fields = excluded.fields`,
		entity, id, rc.digest, string(rc.clock), string(raw))
	if err != nil {
		return fmt.Errorf("keep the clocks of %s %s: %w", entity, id, err)
	}
	rc.known = true
	return nil
}

// stampAll gives every change made here since the last bundle its clock: each record whose field
// digests differ from those kept gets the changed fields stamped with the time of its last write
// (the clock never reads earlier than a change it has seen), and each record gone since gets its
// deletion stamped.
func (st *transferState) stampAll() error {
	for _, e := range transferEntities {
		if err := st.stampEntity(e); err != nil {
			return err
		}
	}
	return nil
}

func (st *transferState) stampEntity(e transferEntity) error {
	kept, err := st.clocksOf(e.name)
	if err != nil {
		return err
	}
	seen := make(map[string]bool, len(kept))
	now := st.b.store.now()
	err = st.b.scanRecords(e, "", nil, func(rv *recordValues) error {
		id, digests, touched := rv.id, rv.digests(), rv.touched
		seen[id] = true
		rc := kept[id]
		if rc == nil {
			rc = &recordClocks{fields: map[string]fieldClock{}}
		}
		var changed []string
		for f, d := range digests {
			if old, ok := rc.fields[f]; !ok || old[0] != d {
				changed = append(changed, f)
			}
		}
		for f := range rc.fields {
			if _, ok := digests[f]; !ok { // a field gone (a session signed since), or a deletion undone
				changed = append(changed, f)
			}
		}
		if len(changed) == 0 && !rc.deleted() {
			return nil
		}
		at := now
		if !touched.IsZero() && touched.Before(now) {
			at = touched
		}
		c := string(st.hlc.Next(at))
		for _, f := range changed {
			if d, ok := digests[f]; ok {
				rc.fields[f] = fieldClock{d, c}
			} else {
				delete(rc.fields, f)
			}
		}
		if rc.deleted() {
			rc.digest = ""
		}
		return st.putClocks(e.name, id, rc)
	})
	if err != nil {
		return err
	}
	for id, rc := range kept {
		if seen[id] || rc.deleted() {
			continue
		}
		rc.digest = fieldDeleted
		rc.fields[fieldDeleted] = fieldClock{"1", string(st.hlc.Next(now))}
		if err := st.putClocks(e.name, id, rc); err != nil {
			return err
		}
	}
	return nil
}
