package ui

import (
	"context"

	ondisk "needlelog.app/needlelog/practice"
)

// backupsOf lists the backups in dir of the practice at dbPath, by the identity read from its file.
func backupsOf(dir, dbPath string) ([]ondisk.Backup, error) {
	id, _ := ondisk.PracticeIDOf(context.Background(), dbPath)
	return ondisk.BackupsOf(dir, dbPath, id)
}
