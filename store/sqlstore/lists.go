package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strings"

	"needlelog.app/needlelog/data"
)

// query runs a list query on the store and scans each row with scan.
func query[T any](ctx context.Context, s *Store, what, q string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	return queryOn(ctx, s.db, what, q, args, scan)
}

// queryOn runs a list query through q, the store's pool or a batch's transaction.
func queryOn[T any](ctx context.Context, qr querier, what, q string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	rows, err := qr.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, mapError(err))
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, fmt.Errorf("list %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list %s: %w", what, mapError(err))
	}
	return out, nil
}

func retiredClause(includeRetired bool) string {
	if includeRetired {
		return "TRUE"
	}
	return "retired = 0"
}

// save runs one upsert as a batch of one, auditing it, and gives the entry an ID first if needed.
func (s *Store) save(ctx context.Context, entity string, id *string, validate func() error, stmt string, args func() []any) error {
	if err := validate(); err != nil {
		return err
	}
	action := data.ActionUpdate
	fresh := *id == ""
	if fresh {
		action = data.ActionCreate
		*id = newID()
	}
	err := s.batch(ctx, func(b *Batch) error {
		if _, err := b.exec(stmt, args()...); err != nil {
			return err
		}
		return b.audit(action, entity, *id, "")
	})
	if err != nil {
		if fresh {
			*id = ""
		}
		return fmt.Errorf("save %s: %w", strings.ReplaceAll(entity, "_", " "), err)
	}
	return nil
}

// Catalog reads the practice's lists, retired entries included, each in its display order.
func (s *Store) Catalog(ctx context.Context) (data.Catalog, error) {
	return loadCatalog(ctx, s.db)
}

// Catalog is Store.Catalog inside the batch: it sees the batch's own writes.
func (b *Batch) Catalog() (data.Catalog, error) {
	return loadCatalog(b.ctx, b.q())
}

// loadCatalog reads the practice's lists through q, the store's pool or a batch's transaction.
func loadCatalog(ctx context.Context, q querier) (data.Catalog, error) {
	var c data.Catalog
	var items []data.ListItem
	err := first(
		func() (err error) { c.Practitioners, err = practitioners(ctx, q, true); return },
		func() (err error) { c.Devices, err = devices(ctx, q, true); return },
		func() (err error) { c.Cartridges, err = cartridges(ctx, q, true); return },
		func() (err error) { c.Products, err = products(ctx, q, "", true); return },
		func() (err error) { c.Zones, err = zones(ctx, q, true); return },
		func() (err error) { c.Rules, err = rules(ctx, q, true); return },
		func() (err error) { items, err = listItems(ctx, q, "", true); return },
		func() (err error) { c.Lots, err = allLots(ctx, q); return },
	)
	if err != nil {
		return data.Catalog{}, fmt.Errorf("read the practice's lists: %w", err)
	}
	c.Items = map[data.ListKind][]data.ListItem{}
	for _, it := range items {
		c.Items[it.Kind] = append(c.Items[it.Kind], it)
	}
	return c, nil
}

// first runs each step in turn until one fails.
func first(steps ...func() error) error {
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// ListItems returns the entries of one vocabulary in their display order; kind "" lists every one.
func (s *Store) ListItems(ctx context.Context, kind data.ListKind, includeRetired bool) ([]data.ListItem, error) {
	return listItems(ctx, s.db, kind, includeRetired)
}

// listItems reads one vocabulary, or every one when kind is "", each in its display order.
func listItems(ctx context.Context, q querier, kind data.ListKind, includeRetired bool) ([]data.ListItem, error) {
	return queryOn(ctx, q, cmp.Or(string(kind), "lists"), `SELECT id, kind, name, category, position, retired FROM list_items
		WHERE (? = '' OR kind = ?) AND `+retiredClause(includeRetired)+` ORDER BY position, name`, []any{kind, kind},
		func(r *sql.Rows, v *data.ListItem) error {
			return r.Scan(&v.ID, &v.Kind, &v.Name, &v.Category, &v.Position, &v.Retired)
		})
}

// SaveListItem adds or changes a vocabulary entry. Renaming one leaves past records as they were.
func (s *Store) SaveListItem(ctx context.Context, it *data.ListItem) error {
	it.Name = strings.TrimSpace(it.Name)
	return s.save(ctx, "list_item", &it.ID, it.Validate, `INSERT INTO list_items (id, kind, name, category, position, retired) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category,
		position = excluded.position, retired = excluded.retired`,
		func() []any { return []any{it.ID, it.Kind, it.Name, it.Category, it.Position, it.Retired} })
}

// Zones returns the treatable zones in map order.
func (s *Store) Zones(ctx context.Context, includeRetired bool) ([]data.Zone, error) {
	return zones(ctx, s.db, includeRetired)
}

func zones(ctx context.Context, q querier, includeRetired bool) ([]data.Zone, error) {
	return queryOn(ctx, q, "zones", `SELECT id, name, region, map_key, typical_min, typical_max, warn_above, position, retired
		FROM zones WHERE `+retiredClause(includeRetired)+` ORDER BY position, name`, nil,
		func(r *sql.Rows, z *data.Zone) error {
			return r.Scan(&z.ID, &z.Name, &z.Region, &z.MapKey, &z.TypicalMin, &z.TypicalMax, &z.WarnAbove, &z.Position, &z.Retired)
		})
}

// SaveZone adds or changes a zone.
func (s *Store) SaveZone(ctx context.Context, z *data.Zone) error {
	z.Name = strings.TrimSpace(z.Name)
	return s.save(ctx, "zone", &z.ID, z.Validate,
		`INSERT INTO zones (id, name, region, map_key, typical_min, typical_max, warn_above, position, retired)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, region = excluded.region, map_key = excluded.map_key,
		typical_min = excluded.typical_min, typical_max = excluded.typical_max, warn_above = excluded.warn_above,
		position = excluded.position, retired = excluded.retired`,
		func() []any {
			return []any{z.ID, z.Name, z.Region, z.MapKey, z.TypicalMin, z.TypicalMax, z.WarnAbove, z.Position, z.Retired}
		})
}

// Devices returns the practice's devices by model.
func (s *Store) Devices(ctx context.Context, includeRetired bool) ([]data.Device, error) {
	return devices(ctx, s.db, includeRetired)
}

func devices(ctx context.Context, q querier, includeRetired bool) ([]data.Device, error) {
	return queryOn(ctx, q, "devices", `SELECT id, model, kind, speed_unit, max_depth, evaluated_depth, depth_step, retired
		FROM devices WHERE `+retiredClause(includeRetired)+` ORDER BY model`, nil,
		func(r *sql.Rows, d *data.Device) error {
			return r.Scan(&d.ID, &d.Model, &d.Kind, &d.SpeedUnit, &d.MaxDepth, &d.EvaluatedDepth, &d.DepthStep, &d.Retired)
		})
}

// SaveDevice adds or changes a device.
func (s *Store) SaveDevice(ctx context.Context, d *data.Device) error {
	d.Model = strings.TrimSpace(d.Model)
	now := data.TimeText(s.now())
	return s.save(ctx, "device", &d.ID, d.Validate,
		`INSERT INTO devices (id, model, kind, speed_unit, max_depth, evaluated_depth, depth_step, retired, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET model = excluded.model, kind = excluded.kind, speed_unit = excluded.speed_unit,
		max_depth = excluded.max_depth, evaluated_depth = excluded.evaluated_depth, depth_step = excluded.depth_step,
		retired = excluded.retired, updated_at = excluded.updated_at`,
		func() []any {
			return []any{d.ID, d.Model, d.Kind, d.SpeedUnit, d.MaxDepth, d.EvaluatedDepth, d.DepthStep, d.Retired, now, now}
		})
}

// Cartridges returns the kinds of needle cartridge by name.
func (s *Store) Cartridges(ctx context.Context, includeRetired bool) ([]data.Cartridge, error) {
	return cartridges(ctx, s.db, includeRetired)
}

func cartridges(ctx context.Context, q querier, includeRetired bool) ([]data.Cartridge, error) {
	return queryOn(ctx, q, "cartridges", `SELECT id, name, needles, retired FROM cartridges
		WHERE `+retiredClause(includeRetired)+` ORDER BY needles, name`, nil,
		func(r *sql.Rows, c *data.Cartridge) error { return r.Scan(&c.ID, &c.Name, &c.Needles, &c.Retired) })
}

// SaveCartridge adds or changes a kind of cartridge.
func (s *Store) SaveCartridge(ctx context.Context, c *data.Cartridge) error {
	c.Name = strings.TrimSpace(c.Name)
	return s.save(ctx, "cartridge", &c.ID, c.Validate,
		`INSERT INTO cartridges (id, name, needles, retired) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, needles = excluded.needles, retired = excluded.retired`,
		func() []any { return []any{c.ID, c.Name, c.Needles, c.Retired} })
}

// Products returns the practice's products by name; kind "" lists every kind.
func (s *Store) Products(ctx context.Context, kind string, includeRetired bool) ([]data.Product, error) {
	return products(ctx, s.db, kind, includeRetired)
}

func products(ctx context.Context, q querier, kind string, includeRetired bool) ([]data.Product, error) {
	return queryOn(ctx, q, "products", `SELECT id, name, kind, needled_skin_ok, notes, retired FROM products
		WHERE (? = '' OR kind = ?) AND `+retiredClause(includeRetired)+` ORDER BY name`, []any{kind, kind},
		func(r *sql.Rows, p *data.Product) error {
			return r.Scan(&p.ID, &p.Name, &p.Kind, &p.NeedledSkinOK, &p.Notes, &p.Retired)
		})
}

// SaveProduct adds or changes a product.
func (s *Store) SaveProduct(ctx context.Context, p *data.Product) error {
	p.Name = strings.TrimSpace(p.Name)
	return s.save(ctx, "product", &p.ID, p.Validate,
		`INSERT INTO products (id, name, kind, needled_skin_ok, notes, retired) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
		needled_skin_ok = excluded.needled_skin_ok, notes = excluded.notes, retired = excluded.retired`,
		func() []any { return []any{p.ID, p.Name, p.Kind, p.NeedledSkinOK, p.Notes, p.Retired} })
}

// lotTables maps what a lot belongs to onto its table and the column naming its item.
var lotTables = map[string][2]string{
	"product":   {"product_lots", "product_id"},
	"cartridge": {"cartridge_lots", "cartridge_id"},
}

// ProductLots returns the lots in stock of a product, newest expiry first.
func (s *Store) ProductLots(ctx context.Context, productID string) ([]data.Lot, error) {
	return s.lots(ctx, "product", productID)
}

// CartridgeLots returns the lots in stock of a kind of cartridge, newest expiry first.
func (s *Store) CartridgeLots(ctx context.Context, cartridgeID string) ([]data.Lot, error) {
	return s.lots(ctx, "cartridge", cartridgeID)
}

func (s *Store) lots(ctx context.Context, of, itemID string) ([]data.Lot, error) {
	t := lotTables[of]
	return query(ctx, s, of+" lots", `SELECT id, `+t[1]+`, lot, expiry FROM `+t[0]+` WHERE `+t[1]+` = ?
		ORDER BY expiry DESC, lot`, []any{itemID},
		func(r *sql.Rows, l *data.Lot) error { return r.Scan(&l.ID, &l.ItemID, &l.Lot, dateCol{&l.Expiry}) })
}

// AllLots returns every lot in stock, of products and of cartridges, by the ID of what it is a lot
// of (product and cartridge IDs never collide), newest expiry first: one query for a whole form.
func (s *Store) AllLots(ctx context.Context) (map[string][]data.Lot, error) {
	return allLots(ctx, s.db)
}

func allLots(ctx context.Context, q querier) (map[string][]data.Lot, error) {
	out := map[string][]data.Lot{}
	for _, of := range []string{"product", "cartridge"} {
		t := lotTables[of]
		lots, err := queryOn(ctx, q, of+" lots", `SELECT id, `+t[1]+`, lot, expiry FROM `+t[0]+`
			ORDER BY `+t[1]+`, expiry DESC, lot`, nil,
			func(r *sql.Rows, l *data.Lot) error { return r.Scan(&l.ID, &l.ItemID, &l.Lot, dateCol{&l.Expiry}) })
		if err != nil {
			return nil, err
		}
		for _, l := range lots {
			out[l.ItemID] = append(out[l.ItemID], l)
		}
	}
	return out, nil
}

// SaveProductLot adds or changes a lot of a product.
func (s *Store) SaveProductLot(ctx context.Context, l *data.Lot) error {
	return s.saveLot(ctx, "product", l)
}

// SaveCartridgeLot adds or changes a lot of a kind of cartridge.
func (s *Store) SaveCartridgeLot(ctx context.Context, l *data.Lot) error {
	return s.saveLot(ctx, "cartridge", l)
}

func (s *Store) saveLot(ctx context.Context, of string, l *data.Lot) error {
	t := lotTables[of]
	l.Lot = strings.TrimSpace(l.Lot)
	return s.save(ctx, of+"_lot", &l.ID, l.Validate,
		`INSERT INTO `+t[0]+` (id, `+t[1]+`, lot, expiry) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET lot = excluded.lot, expiry = excluded.expiry`,
		func() []any { return []any{l.ID, l.ItemID, l.Lot, l.Expiry.String()} })
}

// Practitioners returns the practice's practitioners by name.
func (s *Store) Practitioners(ctx context.Context, includeRetired bool) ([]data.Practitioner, error) {
	return practitioners(ctx, s.db, includeRetired)
}

func practitioners(ctx context.Context, q querier, includeRetired bool) ([]data.Practitioner, error) {
	return queryOn(ctx, q, "practitioners", `SELECT id, name, credentials, role, retired FROM practitioners
		WHERE `+retiredClause(includeRetired)+` ORDER BY name`, nil,
		func(r *sql.Rows, p *data.Practitioner) error {
			return r.Scan(&p.ID, &p.Name, &p.Credentials, &p.Role, &p.Retired)
		})
}

// SavePractitioner adds or changes a practitioner. Passphrases are set elsewhere.
func (s *Store) SavePractitioner(ctx context.Context, p *data.Practitioner) error {
	p.Name = strings.TrimSpace(p.Name)
	if p.Role == "" {
		p.Role = data.RolePractitioner
	}
	now := data.TimeText(s.now())
	return s.save(ctx, "practitioner", &p.ID, p.Validate, `INSERT INTO practitioners (id, name, credentials, role, retired, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, credentials = excluded.credentials, role = excluded.role,
		retired = excluded.retired, updated_at = excluded.updated_at`,
		func() []any { return []any{p.ID, p.Name, p.Credentials, p.Role, p.Retired, now, now} })
}

// Rules returns the contraindication rules in display order.
func (s *Store) Rules(ctx context.Context, includeRetired bool) ([]data.Rule, error) {
	return rules(ctx, s.db, includeRetired)
}

func rules(ctx context.Context, q querier, includeRetired bool) ([]data.Rule, error) {
	return queryOn(ctx, q, "contraindication rules", `SELECT id, condition, action, window_days, message, position, retired
		FROM contraindication_rules WHERE `+retiredClause(includeRetired)+` ORDER BY position, condition`, nil,
		func(r *sql.Rows, v *data.Rule) error {
			return r.Scan(&v.ID, &v.Condition, &v.Action, &v.WindowDays, &v.Message, &v.Position, &v.Retired)
		})
}

// SaveRule adds or changes a contraindication rule.
func (s *Store) SaveRule(ctx context.Context, r *data.Rule) error {
	r.Condition = strings.TrimSpace(r.Condition)
	return s.save(ctx, "contraindication_rule", &r.ID, r.Validate,
		`INSERT INTO contraindication_rules (id, condition, action, window_days, message, position, retired)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET condition = excluded.condition, action = excluded.action,
		window_days = excluded.window_days, message = excluded.message, position = excluded.position,
		retired = excluded.retired`,
		func() []any {
			return []any{r.ID, r.Condition, r.Action, r.WindowDays, r.Message, r.Position, r.Retired}
		})
}

// SettingBytes returns a practice setting held as bytes, such as the logo; nil when it is not set.
func (s *Store) SettingBytes(ctx context.Context, key string) ([]byte, error) {
	return setting[[]byte](ctx, s.db, key)
}

// setting reads a practice setting as text or bytes; the zero value when it is not set.
func setting[T string | []byte](ctx context.Context, q querier, key string) (T, error) {
	var v T
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		var none T
		return none, nil
	}
	if err != nil {
		var none T
		return none, fmt.Errorf("setting %s: %w", key, mapError(err))
	}
	return v, nil
}

// SetSettingBytes stores a practice setting held as bytes; nil removes it.
func (s *Store) SetSettingBytes(ctx context.Context, key string, value []byte) error {
	return s.batch(ctx, func(b *Batch) error { return b.SetSettingBytes(key, value) })
}

// SetSettingBytes is the store's SetSettingBytes within the batch.
func (b *Batch) SetSettingBytes(key string, value []byte) error {
	var err error
	if value == nil {
		_, err = b.exec(`DELETE FROM settings WHERE key = ?`, key)
	} else {
		_, err = b.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	}
	if err != nil {
		return fmt.Errorf("save setting %s: %w", key, err)
	}
	return b.audit(data.ActionUpdate, "setting", key, "")
}

// Setting returns a practice setting, or "" when it is not set.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	return setting[string](ctx, s.db, key)
}

// SetSetting stores a practice setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	return s.batch(ctx, func(b *Batch) error { return b.SetSetting(key, value) })
}

// SetSetting is the store's SetSetting within the batch.
func (b *Batch) SetSetting(key, value string) error {
	if err := data.ValidateSetting(key, value); err != nil {
		return err
	}
	if _, err := b.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, b.store.d.settingArg(value)); err != nil {
		return fmt.Errorf("save setting %s: %w", key, err)
	}
	return b.audit(data.ActionUpdate, "setting", key, "")
}
