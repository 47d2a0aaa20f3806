package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"needlelog.app/needlelog/store/sqlstore"
)

// CreateAtVersion creates a database with only the first version migrations applied, as an older
// release wrote it: restoring or opening it must bring it up to date.
func CreateAtVersion(ctx context.Context, path string, version int) error {
	db, err := sql.Open("sqlite", dsn(path, false, true))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path, now: time.Now}
	s.Store = sqlstore.New(db, &engine{s}, nil, false, s.now)
	for i, name := range migrationNames()[:version] {
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return err
		}
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			if i == 0 {
				if err := sqlstore.SeedDefaults(ctx, tx, s.now()); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(i+1))
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}
