package sqlstore

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
)

// recordValues is one record as this copy holds it, column by column.
type recordValues struct {
	id       string
	fixed    map[string]any
	fields   map[string]any // with each of its children's lists (as []map[string]any)
	touched  time.Time
	signed   bool   // a signed session: carried whole (transferSignedSession)
	recordOf string // a signed session's record hash
}

// digests are the record's field digests, with its fixed part's as fieldFixed; a signed session
// has only its record hash, as fieldSigned.
func (rv *recordValues) digests() map[string]string {
	if rv.signed {
		return map[string]string{fieldSigned: digestOf(rv.recordOf)}
	}
	out := make(map[string]string, len(rv.fields)+1)
	for f, v := range rv.fields {
		out[f] = digestOf(v)
	}
	if len(rv.fixed) > 0 {
		out[fieldFixed] = digestOf(rv.fixed)
	}
	return out
}

func quoteList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quoteIdent(c)
	}
	return strings.Join(q, ", ")
}

// scanRecords calls fn with each record of kind e (where: a condition on its table, "" for all),
// its children read with it. Records are read a page at a time, and fn called once the page's
// reading is done: fn may read and write in the batch (the server's connection runs one statement
// at a time), and a large practice is never held whole.
func (b *Batch) scanRecords(e transferEntity, where string, args []any, fn func(*recordValues) error) error {
	return b.scanRecordPages(e, where, args, func(page []*recordValues) error {
		for _, rv := range page {
			if err := fn(rv); err != nil {
				return err
			}
		}
		return nil
	})
}

// scanRecordPages is scanRecords a page at a time, for work done for many records at once.
func (b *Batch) scanRecordPages(e transferEntity, where string, args []any, fn func([]*recordValues) error) error {
	if e.name == "setting" {
		return b.scanSettings(func(rv *recordValues) error { return fn([]*recordValues{rv}) })
	}
	const pageSize = 1000
	after := ""
	for {
		page, err := b.recordPage(e, where, args, after, pageSize)
		if err != nil {
			return err
		}
		if len(page) > 0 {
			if err := fn(page); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = page[len(page)-1].id
	}
}

// recordPage reads up to n records of kind e after the ID after, with their children.
func (b *Batch) recordPage(e transferEntity, where string, args []any, after string, n int) ([]*recordValues, error) {
	cols := append(append([]string{"id"}, e.fixed...), e.fields...)
	if e.touched != "" {
		cols = append(cols, e.touched)
	}
	if e.name == "session" {
		cols = append(cols, "status", "record_hash")
	}
	q := `SELECT ` + quoteList(cols) + ` FROM ` + e.table + ` WHERE id > ?`
	if where != "" {
		q += ` AND (` + where + `)`
	}
	q += ` ORDER BY id LIMIT ` + fmt.Sprint(n)
	rows, err := b.tx.QueryContext(b.ctx, q, append([]any{after}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", e.table, mapError(err))
	}
	var page []*recordValues
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read %s: %w", e.table, mapError(err))
		}
		rv := &recordValues{id: fmt.Sprint(jsonValue(vals[0])), fixed: map[string]any{}, fields: map[string]any{}}
		i := 1
		for _, c := range e.fixed {
			rv.fixed[c] = jsonValue(vals[i])
			i++
		}
		for _, c := range e.fields {
			rv.fields[c] = jsonValue(vals[i])
			i++
		}
		if e.touched != "" {
			if s, ok := jsonValue(vals[i]).(string); ok {
				rv.touched, _ = data.ParseTime(s)
			}
			i++
		}
		if e.name == "session" {
			status, _ := jsonValue(vals[i]).(string)
			rv.signed = status == string(data.StatusSigned)
			rv.recordOf, _ = jsonValue(vals[i+1]).(string)
		}
		page = append(page, rv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", e.table, mapError(err))
	}
	// A signed session's parts travel with its whole record (transferSignedSession).
	var ids []string
	for _, rv := range page {
		if !rv.signed {
			ids = append(ids, rv.id)
		}
	}
	if len(e.children) == 0 || len(ids) == 0 {
		return page, nil
	}
	children, err := b.readChildren(e, ids)
	if err != nil {
		return nil, err
	}
	for _, rv := range page {
		if rv.signed {
			continue
		}
		for _, ch := range e.children {
			list := children[ch.field][rv.id]
			if list == nil {
				list = []map[string]any{}
			}
			rv.fields[ch.field] = list
		}
	}
	return page, nil
}

// readChildren reads the children of the records ids, by field and record.
func (b *Batch) readChildren(e transferEntity, ids []string) (map[string]map[string][]map[string]any, error) {
	out := map[string]map[string][]map[string]any{}
	for _, ch := range e.children {
		byParent := map[string][]map[string]any{}
		cols := append([]string{ch.of}, ch.columns...)
		q := `SELECT ` + quoteList(cols) + ` FROM ` + ch.table + ` WHERE ` + ch.of + ` IN (` + placeholders(len(ids)) + `)
			ORDER BY ` + ch.of + `, ` + ch.order + `, id`
		rows, err := b.tx.QueryContext(b.ctx, q, anys(ids)...)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", ch.table, mapError(err))
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read %s: %w", ch.table, mapError(err))
			}
			m := make(map[string]any, len(ch.columns))
			for i, c := range ch.columns {
				m[c] = jsonValue(vals[i+1])
			}
			parent := fmt.Sprint(jsonValue(vals[0]))
			byParent[parent] = append(byParent[parent], m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", ch.table, mapError(err))
		}
		out[ch.field] = byParent
	}
	return out, nil
}

// scanSettings gives the practice's shared settings as one record, "practice".
func (b *Batch) scanSettings(fn func(*recordValues) error) error {
	rv := &recordValues{id: "practice", fields: map[string]any{}}
	for _, k := range transferSettings {
		v, err := setting[string](b.ctx, b.q(), k)
		if err != nil {
			return err
		}
		rv.fields[k] = v
	}
	return fn(rv)
}

// writeChildren replaces a record's children of one kind with list.
func (b *Batch) writeChildren(ch transferChildren, parent string, list []map[string]any) error {
	if _, err := b.exec(`DELETE FROM `+ch.table+` WHERE `+ch.of+` = ?`, parent); err != nil {
		return fmt.Errorf("write %s: %w", ch.table, err)
	}
	cols := append([]string{"id", ch.of}, ch.columns...)
	q := `INSERT INTO ` + ch.table + ` (` + quoteList(cols) + `) VALUES (` + placeholders(len(cols)) + `)`
	for _, m := range list {
		args := []any{newID(), parent}
		for _, c := range ch.columns {
			args = append(args, m[c])
		}
		if _, err := b.exec(q, args...); err != nil {
			return fmt.Errorf("write %s: %w", ch.table, err)
		}
	}
	return nil
}

// columnsOfEntity are every column a kind of record's table has, as the transfer knows them.
func (e transferEntity) columns() []string {
	return slices.Concat([]string{"id"}, e.fixed, e.fields, e.derived, e.local)
}
