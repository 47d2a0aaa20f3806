package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"needlelog.app/needlelog/data"
)

// seedDefaults writes the default lists into a new database, inside its first migration.
func seedDefaults(ctx context.Context, tx *sql.Tx, now time.Time) error {
	ts := data.TimeText(now)
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	for i, z := range data.DefaultZones {
		if err := exec(`INSERT INTO zones (id, name, region, map_key, typical_min, typical_max, warn_above, position)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, newID(), z.Name, z.Region, z.MapKey, z.TypicalMin, z.TypicalMax, z.WarnAbove, i); err != nil {
			return err
		}
	}
	for _, kind := range data.ListKinds {
		for i, it := range data.DefaultListItems[kind] {
			if err := exec(`INSERT INTO list_items (id, kind, name, category, position) VALUES (?, ?, ?, ?, ?)`,
				newID(), kind, it.Name, it.Category, i); err != nil {
				return err
			}
		}
	}
	for _, d := range data.DefaultDevices {
		if err := exec(`INSERT INTO devices (id, model, kind, speed_unit, max_depth, evaluated_depth, depth_step, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, newID(), d.Model, d.Kind, d.SpeedUnit, d.MaxDepth, d.EvaluatedDepth, d.DepthStep, ts, ts); err != nil {
			return err
		}
	}
	for _, c := range data.DefaultCartridges {
		if err := exec(`INSERT INTO cartridges (id, name, needles) VALUES (?, ?, ?)`, newID(), c.Name, c.Needles); err != nil {
			return err
		}
	}
	for _, p := range data.DefaultProducts {
		if err := exec(`INSERT INTO products (id, name, kind, needled_skin_ok, notes) VALUES (?, ?, ?, ?, ?)`,
			newID(), p.Name, p.Kind, p.NeedledSkinOK, p.Notes); err != nil {
			return err
		}
	}
	for i, r := range data.DefaultRules {
		if err := exec(`INSERT INTO contraindication_rules (id, condition, action, window_days, message, position)
			VALUES (?, ?, ?, ?, ?, ?)`, newID(), r.Condition, r.Action, r.WindowDays, r.Message, i); err != nil {
			return err
		}
	}
	return exec(`INSERT INTO settings (key, value) VALUES (?, ?)`, data.SettingAftercareSheet, "1")
}
