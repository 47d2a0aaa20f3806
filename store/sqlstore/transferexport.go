package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"needlelog.app/needlelog/data"

	"needlelog.app/needlelog/transfer"
)

// BundleOptions say what a bundle carries.
type BundleOptions struct {
	Schema     int    // this practice's schema version, written in the bundle
	DeviceName string // how this device is named to the others; "" keeps the name it has
	// Full carries everything, whatever the other copies are known to hold: for a laptop taking
	// the practice for the first time.
	Full bool
	// For is the device the bundle is made for ("" for any of those known: what the least
	// up to date may lack).
	For string
	// Say is told, a sentence each, how far the bundle is; nil says nothing.
	Say func(format string, a ...any)
}

// BundleResult says what a bundle carried.
type BundleResult struct {
	Device, DeviceName string
	Records, Photos    int
	Deleted            int  // deletions carried
	Lines              int  // audit chain lines
	Full               bool // everything was carried (no other copy is known, or Full was asked)
}

// TransferPeer is another copy this one has exchanged bundles with.
type TransferPeer struct {
	Device, Name string
	LastAt       string // when its last bundle was applied here
}

// TransferPeers are the copies this one has applied bundles from, most recent first.
func (s *Store) TransferPeers(ctx context.Context) ([]TransferPeer, error) {
	return query(ctx, s, "the practice's other copies", `SELECT device_id, name, last_at FROM transfer_peers ORDER BY last_at DESC`, nil,
		func(r *sql.Rows, p *TransferPeer) error { return r.Scan(&p.Device, &p.Name, &p.LastAt) })
}

// WriteBundle writes to w (encrypted by the caller) a bundle of what the other copies may lack.
func (s *Store) WriteBundle(ctx context.Context, w io.Writer, o BundleOptions) (BundleResult, error) {
	var res BundleResult
	say := o.Say
	if say == nil {
		say = func(string, ...any) {}
	}
	err := s.batch(ctx, func(b *Batch) error {
		res = BundleResult{}
		st, err := b.loadTransferState(o.DeviceName)
		if err != nil {
			return err
		}
		res.Device, res.DeviceName = st.device, st.name
		say("looking for what changed since the last bundle")
		if err := st.stampAll(); err != nil {
			return err
		}
		since, err := b.bundleSince(o)
		if err != nil {
			return err
		}
		res.Full = len(since.Clocks) == 0 && len(since.Chains) == 0
		practiceID, err := setting[string](b.ctx, b.q(), settingPracticeID)
		if err != nil {
			return err
		}
		head, err := b.auditHead()
		if err != nil {
			return err
		}
		if err := st.save(); err != nil {
			return err
		}
		bw, err := transfer.NewWriter(w, transfer.Header{Schema: o.Schema, PracticeID: practiceID, Device: st.device,
			DeviceName: st.name, Head: transfer.Head{Seq: head.Seq, Hash: head.Hash}, Made: s.now().UTC(), Clock: st.hlc.Last(),
			Knows: st.knows.Clocks, Chains: st.knows.Chains, Since: since.Clocks, SinceChains: since.Chains})
		if err != nil {
			return err
		}
		photos, err := st.planEntity(transferEntities[slices.IndexFunc(transferEntities, func(e transferEntity) bool { return e.name == "photo" })], since)
		if err != nil {
			return err
		}
		if err := st.writePhotos(bw, photos, say, &res); err != nil {
			return err
		}
		for _, e := range transferEntities {
			// One kind at a time: a large practice's clocks are never all held at once.
			plan, err := st.planEntity(e, since)
			if err != nil {
				return err
			}
			if err := st.writeRecords(bw, e, plan, since, say, &res); err != nil {
				return err
			}
		}
		if err := st.writeChains(bw, since, &res); err != nil {
			return err
		}
		return bw.Close()
	})
	return res, err
}

// bundleSince is what the bundle takes the other side to hold.
func (b *Batch) bundleSince(o BundleOptions) (knowledge, error) {
	if o.Full {
		return newKnowledge(), nil
	}
	var peers []knowledge
	err := scanAll(b.ctx, b.tx, `SELECT device_id, knows FROM transfer_peers`, nil, func(r *sql.Rows) error {
		var device, raw string
		if err := r.Scan(&device, &raw); err != nil {
			return err
		}
		if o.For != "" && device != o.For {
			return nil
		}
		k := newKnowledge()
		if err := json.Unmarshal([]byte(raw), &k); err != nil {
			return fmt.Errorf("what this practice knows of device %s is damaged: %v", device, err)
		}
		peers = append(peers, k)
		return nil
	})
	if err != nil {
		return knowledge{}, err
	}
	if len(peers) == 0 {
		if o.For != "" {
			return knowledge{}, fmt.Errorf("no bundle from device %s was ever applied here: make a bundle of everything", o.For)
		}
		return newKnowledge(), nil
	}
	k := peers[0]
	for _, p := range peers[1:] {
		k = k.meet(p)
	}
	if k.Clocks == nil {
		k.Clocks = transfer.Knowledge{}
	}
	if k.Chains == nil {
		k.Chains = map[string]int64{}
	}
	return k, nil
}

// entityPlan is which records of one kind a bundle carries, and which photos with their files.
type entityPlan struct {
	ids       []string
	clocks    map[string]*recordClocks
	newPhotos map[string]bool
}

func (st *transferState) planEntity(e transferEntity, since knowledge) (*entityPlan, error) {
	kept, err := st.clocksOf(e.name)
	if err != nil {
		return nil, err
	}
	p := &entityPlan{clocks: kept, newPhotos: map[string]bool{}}
	for id, rc := range kept {
		unknown := false
		for _, f := range rc.fields {
			if !since.Clocks.Knows(transfer.Clock(f[1])) {
				unknown = true
				break
			}
		}
		if !unknown {
			delete(kept, id)
			continue
		}
		p.ids = append(p.ids, id)
		if e.name == "photo" && !rc.deleted() && !since.Clocks.Knows(transfer.Clock(rc.fields[fieldFixed][1])) {
			p.newPhotos[id] = true
		}
	}
	slices.Sort(p.ids)
	return p, nil
}

func (st *transferState) writePhotos(bw *transfer.Writer, p *entityPlan, say func(string, ...any), res *BundleResult) error {
	ids := make([]string, 0, len(p.newPhotos))
	for id := range p.newPhotos {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	lib := st.b.store.lib
	written := map[string]bool{}
	for chunk := range slices.Chunk(ids, 500) {
		type files struct{ sum, preview, name string }
		found, err := queryOn(st.b.ctx, st.b.tx, "the photos' files", `SELECT sha256, preview_sha256, file_name FROM photos WHERE id IN (`+placeholders(len(chunk))+`)`,
			anys(chunk), func(r *sql.Rows, f *files) error { return r.Scan(&f.sum, &f.preview, &f.name) })
		if err != nil {
			return err
		}
		for _, f := range found {
			if f.preview == "" {
				return fmt.Errorf("the photo %q is still kept inside the practice's file: open the practice in Needlelog once to move it into the photo folder, then make the bundle", f.name)
			}
			for _, sum := range []string{f.sum, f.preview} {
				if written[sum] {
					continue
				}
				if err := st.b.ctx.Err(); err != nil {
					return err
				}
				bytes, err := lib.Read(sum)
				if err != nil {
					return fmt.Errorf("the photo %q cannot be read for the bundle (%v): needlelog check --photos names every photo affected", f.name, err)
				}
				if err := bw.Photo(sum, bytes); err != nil {
					return err
				}
				written[sum] = true
				res.Photos++
				if res.Photos%50 == 0 {
					say("photo files: %d", res.Photos)
				}
			}
		}
	}
	return nil
}

func (st *transferState) writeRecords(bw *transfer.Writer, e transferEntity, p *entityPlan, since knowledge, say func(string, ...any), res *BundleResult) error {
	{
		ids := p.ids
		kept := p.clocks
		live := ids[:0:0]
		for _, id := range ids {
			rc := kept[id]
			if rc.deleted() {
				if err := bw.Record(&transfer.Record{Entity: e.name, ID: id, Clock: rc.clock, Deleted: true,
					Fields: map[string]transfer.Field{fieldDeleted: {V: json.RawMessage(`true`), C: transfer.Clock(rc.fields[fieldDeleted][1])}}}); err != nil {
					return err
				}
				res.Records++
				res.Deleted++
				continue
			}
			live = append(live, id)
		}
		for chunk := range slices.Chunk(live, 500) {
			where, args := `id IN (`+placeholders(len(chunk))+`)`, anys(chunk)
			if e.name == "setting" {
				where, args = "", nil
			}
			err := st.b.scanRecordPages(e, where, args, func(page []*recordValues) error {
				var signed []string
				for _, rv := range page {
					if rv.signed {
						signed = append(signed, rv.id)
					}
				}
				var bodies map[string]*signedBody
				if len(signed) > 0 {
					var err error
					if bodies, err = st.b.readSignedBodies(signed); err != nil {
						return err
					}
				}
				for _, rv := range page {
					rc := kept[rv.id]
					if rc == nil {
						continue // made after the clocks were read: the next bundle carries it
					}
					rec, err := st.recordFor(e, rv, rc, since, bodies[rv.id])
					if err != nil {
						return err
					}
					res.Records++
					if res.Records%5000 == 0 {
						say("records: %d", res.Records)
					}
					if err := bw.Record(rec); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// recordFor is a record as the bundle carries it: all of it when the other side may not have it,
// else the fields it may lack.
func (st *transferState) recordFor(e transferEntity, rv *recordValues, rc *recordClocks, since knowledge, sb *signedBody) (*transfer.Record, error) {
	rec := &transfer.Record{Entity: e.name, ID: rv.id, Clock: rc.clock}
	if rv.signed {
		if sb == nil {
			return nil, fmt.Errorf("read signed session %s: %w", rv.id, data.ErrNotFound)
		}
		body, err := json.Marshal(sb)
		if err != nil {
			return nil, err
		}
		rec.Body = body
		rec.Fields = map[string]transfer.Field{fieldSigned: {V: jsonRaw(rv.recordOf), C: transfer.Clock(rc.fields[fieldSigned][1])}}
		return rec, nil
	}
	whole := !since.Clocks.Knows(transfer.Clock(rc.fields[fieldFixed][1]))
	if len(rv.fixed) > 0 || e.name == "practitioner" {
		rec.Fixed = map[string]json.RawMessage{}
		for c, v := range rv.fixed {
			rec.Fixed[c] = jsonRaw(v)
		}
		if e.name == "practitioner" && whole {
			acct, err := st.b.accountOf(rv.id)
			if err != nil {
				return nil, err
			}
			if acct != nil {
				rec.Fixed["account"] = jsonRaw(acct)
			}
		}
		if e.name == "photo" && whole {
			var thumb []byte
			err := st.b.tx.QueryRowContext(st.b.ctx, `SELECT thumbnail FROM photo_thumbnails WHERE photo_id = ?`, rv.id).Scan(&thumb)
			if err == nil {
				rec.Fixed["thumbnail"] = jsonRaw(base64.StdEncoding.EncodeToString(thumb))
			}
		}
	}
	rec.Fields = map[string]transfer.Field{}
	for f, v := range rv.fields {
		fc, ok := rc.fields[f]
		if !ok {
			continue // changed after the clocks were read: the next bundle carries it
		}
		if !whole && since.Clocks.Knows(transfer.Clock(fc[1])) {
			continue
		}
		rec.Fields[f] = transfer.Field{V: jsonRaw(v), C: transfer.Clock(fc[1])}
	}
	if fc, ok := rc.fields[fieldFixed]; ok {
		rec.Fields[fieldFixed] = transfer.Field{V: json.RawMessage(`true`), C: transfer.Clock(fc[1])}
	}
	return rec, nil
}

func jsonRaw(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`null`)
	}
	return b
}

// writeChains writes the audit chains this copy holds beyond what the other side holds: its own
// and those of the devices whose bundles it applied, each with its keys.
func (st *transferState) writeChains(bw *transfer.Writer, since knowledge, res *BundleResult) error {
	b := st.b
	line := func(l *transfer.ChainLine) error { res.Lines++; return bw.Chain(l) }
	// This device's own chain and keys.
	err := scanAll(b.ctx, b.tx, `SELECT id, practitioner_id, public_key, created_seq, retired_seq FROM practitioner_keys ORDER BY created_seq, id`, nil,
		func(r *sql.Rows) error {
			var k transfer.ChainKey
			if err := r.Scan(&k.ID, &k.PractitionerID, &k.Public, &k.CreatedSeq, &k.RetiredSeq); err != nil {
				return err
			}
			return line(&transfer.ChainLine{Device: st.device, Key: &k})
		})
	if err != nil {
		return fmt.Errorf("read the signing keys: %w", mapError(err))
	}
	err = scanAll(b.ctx, b.tx, `SELECT l.seq, l.at, l.practitioner_id, l.action, l.entity, l.entity_id, l.detail, l.prev_hash, l.hash,
		coalesce(s.key_id, ''), coalesce(s.signature, '') FROM audit_log l LEFT JOIN audit_signatures s ON s.seq = l.seq
		WHERE l.seq > ? ORDER BY l.seq`, []any{since.Chains[st.device]},
		func(r *sql.Rows) error {
			var e transfer.ChainEntry
			if err := r.Scan(&e.Seq, &e.At, &e.PractitionerID, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash, &e.KeyID, &e.Signature); err != nil {
				return err
			}
			return line(&transfer.ChainLine{Device: st.device, Entry: &e})
		})
	if err != nil {
		return fmt.Errorf("read the audit log: %w", mapError(err))
	}
	// The other devices' chains, as their bundles brought them.
	err = scanAll(b.ctx, b.tx, `SELECT device_id, id, practitioner_id, public_key, created_seq, retired_seq FROM peer_keys ORDER BY device_id, created_seq, id`, nil,
		func(r *sql.Rows) error {
			var d string
			var k transfer.ChainKey
			if err := r.Scan(&d, &k.ID, &k.PractitionerID, &k.Public, &k.CreatedSeq, &k.RetiredSeq); err != nil {
				return err
			}
			return line(&transfer.ChainLine{Device: d, Key: &k})
		})
	if err != nil {
		return fmt.Errorf("read the other devices' signing keys: %w", mapError(err))
	}
	var devices []string
	err = scanAll(b.ctx, b.tx, `SELECT DISTINCT device_id FROM peer_audit_log ORDER BY device_id`, nil, func(r *sql.Rows) error {
		var d string
		if err := r.Scan(&d); err != nil {
			return err
		}
		devices = append(devices, d)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read the other devices' audit chains: %w", mapError(err))
	}
	for _, d := range devices {
		err = scanAll(b.ctx, b.tx, `SELECT seq, at, practitioner_id, action, entity, entity_id, detail, prev_hash, hash, key_id, signature
			FROM peer_audit_log WHERE device_id = ? AND seq > ? ORDER BY seq`, []any{d, since.Chains[d]},
			func(r *sql.Rows) error {
				var e transfer.ChainEntry
				if err := r.Scan(&e.Seq, &e.At, &e.PractitionerID, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash, &e.KeyID, &e.Signature); err != nil {
					return err
				}
				return line(&transfer.ChainLine{Device: d, Entry: &e})
			})
		if err != nil {
			return fmt.Errorf("read the audit chain of device %s: %w", d, mapError(err))
		}
	}
	return nil
}
