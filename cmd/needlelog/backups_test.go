package main

import (
	"context"

	"needlelog.app/needlelog/practice"
)

// backupsOf lists the backups in dir of the practice at dbPath, by the identity read from its file.
func backupsOf(dir, dbPath string) ([]practice.Backup, error) {
	id, _ := practice.PracticeIDOf(context.Background(), dbPath)
	return practice.BackupsOf(dir, dbPath, id)
}
