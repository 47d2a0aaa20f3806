package report

import (
	"context"
	"io"
	"time"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
)

// Source is what the reports read from a practice: the part of the store boundary they use, so
// that any engine's store will do. LogExport is its one write: an export is audited.
type Source interface {
	Now() time.Time
	Client(ctx context.Context, id string) (data.Client, error)
	Timeline(ctx context.Context, clientID string) ([]data.TimelineEntry, error)
	Session(ctx context.Context, id string) (data.Session, error)
	Amendments(ctx context.Context, sessionID string) ([]data.Amendment, error)
	Outcomes(ctx context.Context, clientID string) ([]data.Outcome, error)
	LotRecall(ctx context.Context, lot string) ([]data.RecallRow, error)
	ListPhotos(ctx context.Context, q data.PhotoQuery) ([]data.PhotoThumb, error)
	PhotoPreview(ctx context.Context, id string) ([]byte, error)
	PhotoOriginal(ctx context.Context, id string) ([]byte, error)
	ListClients(ctx context.Context, q data.ClientQuery) ([]data.ClientSummary, error)
	Catalog(ctx context.Context) (data.Catalog, error)
	Setting(ctx context.Context, key string) (string, error)
	SettingBytes(ctx context.Context, key string) ([]byte, error)
	AuditHead(ctx context.Context) (data.AuditMark, error)
	SigningKeys(ctx context.Context) ([]data.KeyPrint, error)
	ExportRows(ctx context.Context, q nlstore.ExportQuery, fn func(t *nlstore.ExportTable) error) error
	LogExport(ctx context.Context, what, id string) error
}

// Every engine's store is a Source.
var _ Source = nlstore.Store(nil)

// ArchiveSource is a practice an archive can be written from (WriteArchive).
type ArchiveSource interface {
	Now() time.Time
	// Folder is where the snapshot's temporary folder goes ("" for the system's temporary folder):
	// beside the practice, on the same disk.
	Folder() string
	// Snapshot writes a consistent, checked copy of the practice's database to path while the
	// practice goes on working, and opens it to read, its clock stopped at now. Health is the
	// copy's check. The copy's file goes into the archive as it is.
	Snapshot(ctx context.Context, path string, now time.Time) (nlstore.Store, data.Health, error)
}

// PhotoLibrary is a store whose photos' images are files in a photo library beside its database
// (the embedded engine's, store/photolib). An archive copies those files as they are, so that its
// database and its photo folder together are the whole practice.
type PhotoLibrary interface {
	// PhotoFiles lists the files the store's photos name, by SHA-256.
	PhotoFiles(ctx context.Context) ([]string, error)
	// OpenPhotoFile opens one of them to read.
	OpenPhotoFile(sum string) (io.ReadCloser, error)
}
