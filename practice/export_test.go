package practice

import (
	"context"
	"fmt"
	"time"
)

// Backups lists the backups in dir of the practice at dbPath, by the identity read from its file
// (see BackupsOf).
func Backups(dir, dbPath string) ([]Backup, error) {
	id, _ := PracticeIDOf(context.Background(), dbPath)
	return BackupsOf(dir, dbPath, id)
}

// Prune runs the pruning BackupTo does after each backup, with a clock and a retention of the
// test's own, for the practice at dbPath.
func Prune(dir, dbPath string, now time.Time, keep Retention) ([]string, error) {
	id, err := PracticeIDOf(context.Background(), dbPath)
	if err != nil {
		return nil, fmt.Errorf("prune backups in %s: tell this practice's backups from others: %w", dir, err)
	}
	return prune(dir, dbPath, id, now, keep, "")
}
