package store

import (
	"context"
	"io"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
)

// Store is a practice's records, whatever engine keeps them.
type Store interface {
	Clients
	Sessions
	Outcomes
	Drafts
	Lists
	Photos
	Audit
	Accounts
	Settings
	Exports
	Today
	Insights

	// Batch runs fn in one transaction: all of its writes are kept, or none. The batch holds
	// the store's writing side until it ends: do reads before it, not inside fn through the Store.
	Batch(ctx context.Context, fn func(Batch) error) error
	// SetActor attributes the store's following writes, outside batches, to a practitioner
	// ("" to no one); data.WithActor on a context overrides it for one call.
	SetActor(practitionerID string)
	// Actor is the practitioner writes are attributed to by default.
	Actor() string
	// Now is the store's clock: the time it stamps records with.
	Now() time.Time
	// ReadOnly reports whether the store was opened to read only: its writes are refused.
	ReadOnly() bool
	// Writes is how many changes this store has committed since it was opened: screens and
	// backups compare it with the count they last saw to know whether anything changed.
	Writes() uint64
	// Counts gives the number of records of each kind, by table name.
	Counts(ctx context.Context) (map[string]int64, error)
	// Close releases the store; it is not used again.
	Close() error
}

// Batch is a group of writes that succeed or fail together, in one transaction (Store.Batch).
// When the batch's function returns an error, nothing it wrote is kept, and the records it was
// given may carry IDs or versions that were never saved: discard them.
type Batch interface {
	CreateClient(c *data.Client) error
	UpdateClient(c *data.Client) error
	CreateSession(se *data.Session) error
	UpdateSession(se *data.Session) error
	SignSession(id string, version int64) error
	AmendSession(updated data.Session, reason string) (data.Amendment, error)
	SaveOutcome(o *data.Outcome) error
	SafetyInputFor(se data.Session) (data.SafetyInput, error)
	ImportPhoto(clientID string, tags data.PhotoTags, f data.PhotoFile) (data.Photo, error)
	UpdatePhoto(p *data.Photo) error
	AddPhotoPin(pin *data.PhotoPin) error
	// DeleteDraft removes a draft with the batch's writes; "" removes none.
	DeleteDraft(id string) error
	// Catalog is every list at once, read inside the batch's transaction.
	Catalog() (data.Catalog, error)
	// SetActor attributes the batch's following writes to another practitioner.
	SetActor(practitionerID string)
	// SetSetting and SetSettingBytes store practice settings with the batch's writes.
	SetSetting(key, value string) error
	SetSettingBytes(key string, value []byte) error
}

// Clients are the practice's clients: their records, search, archive and deletion. Every change
// is audited.
type Clients interface {
	CreateClient(ctx context.Context, c *data.Client) error
	UpdateClient(ctx context.Context, c *data.Client) error
	Client(ctx context.Context, id string) (data.Client, error)
	ListClients(ctx context.Context, q data.ClientQuery) ([]data.ClientSummary, error)
	CountClients(ctx context.Context, q data.ClientQuery) (int, error)
	ArchiveClient(ctx context.Context, id string) error
	RestoreClient(ctx context.Context, id string) error
	// DeleteClient removes a client with everything recorded of them; the audit log keeps why.
	DeleteClient(ctx context.Context, id, reason string) error
	ImportClients(ctx context.Context, rows []data.CSVRow, m data.ClientMapping) (data.ClientImportResult, error)
	ImportClientsCSV(ctx context.Context, r io.Reader) (data.ClientImportResult, data.ClientMapping, error)
	// Timeline is a client's sessions, newest first, as the client page lists them.
	Timeline(ctx context.Context, clientID string) ([]data.TimelineEntry, error)
}

// Sessions are treatment sessions: saved and validated, signed (then frozen), amended with the
// differences kept, and their side effects.
type Sessions interface {
	// SaveSession creates or updates the session and removes its draft (draftID, "" for none) in
	// the same transaction.
	SaveSession(ctx context.Context, se *data.Session, draftID string) error
	CreateSession(ctx context.Context, se *data.Session) error
	UpdateSession(ctx context.Context, se *data.Session) error
	Session(ctx context.Context, id string) (data.Session, error)
	SignSession(ctx context.Context, id string, version int64) error
	AmendSession(ctx context.Context, updated data.Session, reason string) (data.Amendment, error)
	Amendments(ctx context.Context, sessionID string) ([]data.Amendment, error)
	// OriginalSession is a session as it was signed, before any amendment.
	OriginalSession(ctx context.Context, id string) (data.Session, error)
	// SessionVersion is a session as it stood after its n-th amendment (0: as signed).
	SessionVersion(ctx context.Context, id string, n int) (data.Session, error)
	SafetyInputFor(ctx context.Context, se data.Session) (data.SafetyInput, error)
	// BeforePhotos counts the session's before photos.
	BeforePhotos(ctx context.Context, sessionID string) (int, error)
	AddSideEffect(ctx context.Context, e *data.SideEffect) error
	UpdateSideEffect(ctx context.Context, e *data.SideEffect) error
	SideEffects(ctx context.Context, sessionID string) ([]data.SideEffect, error)
}

// Outcomes are assessments of treatments' results (data.Outcome), each following one of the
// client's sessions. Every change is audited.
type Outcomes interface {
	// SaveOutcome creates the assessment when it has no ID, else updates it: an update fails with
	// data.ErrConflict when the assessment was changed elsewhere since o was read.
	SaveOutcome(ctx context.Context, o *data.Outcome) error
	// Outcomes is a client's assessments, oldest first.
	Outcomes(ctx context.Context, clientID string) ([]data.Outcome, error)
	// DeleteOutcome removes an assessment; the audit log keeps why.
	DeleteOutcome(ctx context.Context, id, reason string) error
}

// Drafts are sessions being written, kept continuously so that nothing typed is lost.
type Drafts interface {
	SaveDraft(ctx context.Context, d *data.Draft) error
	Drafts(ctx context.Context, clientID string) ([]data.Draft, error)
	DeleteDraft(ctx context.Context, id string) error
}

// Lists are the practice's own lists: zones, devices, cartridges, products and their lots,
// practitioners, safety rules and the simple pick lists. Items are retired, never deleted, so the
// records that name them keep their names.
type Lists interface {
	// Catalog is every list at once, retired entries included, each in its display order.
	Catalog(ctx context.Context) (data.Catalog, error)
	ListItems(ctx context.Context, kind data.ListKind, includeRetired bool) ([]data.ListItem, error)
	SaveListItem(ctx context.Context, it *data.ListItem) error
	Zones(ctx context.Context, includeRetired bool) ([]data.Zone, error)
	SaveZone(ctx context.Context, z *data.Zone) error
	Devices(ctx context.Context, includeRetired bool) ([]data.Device, error)
	SaveDevice(ctx context.Context, d *data.Device) error
	Cartridges(ctx context.Context, includeRetired bool) ([]data.Cartridge, error)
	SaveCartridge(ctx context.Context, c *data.Cartridge) error
	Products(ctx context.Context, kind string, includeRetired bool) ([]data.Product, error)
	SaveProduct(ctx context.Context, p *data.Product) error
	Practitioners(ctx context.Context, includeRetired bool) ([]data.Practitioner, error)
	SavePractitioner(ctx context.Context, p *data.Practitioner) error
	Rules(ctx context.Context, includeRetired bool) ([]data.Rule, error)
	SaveRule(ctx context.Context, r *data.Rule) error
	ProductLots(ctx context.Context, productID string) ([]data.Lot, error)
	CartridgeLots(ctx context.Context, cartridgeID string) ([]data.Lot, error)
	// AllLots gives every lot, by the ID of its product or cartridge.
	AllLots(ctx context.Context) (map[string][]data.Lot, error)
	SaveProductLot(ctx context.Context, l *data.Lot) error
	SaveCartridgeLot(ctx context.Context, l *data.Lot) error
	// LotRecall finds the sessions that used a lot, for a recall.
	LotRecall(ctx context.Context, lot string) ([]data.RecallRow, error)
}

// Photos are a client's photos: their rows, images, kinds and pins. Where an engine keeps the
// image bytes is its own affair.
type Photos interface {
	ImportPhoto(ctx context.Context, clientID string, tags data.PhotoTags, f data.PhotoFile) (data.Photo, error)
	UpdatePhoto(ctx context.Context, p *data.Photo) error
	DeletePhoto(ctx context.Context, id, reason string) error
	Photo(ctx context.Context, id string) (data.Photo, error)
	PhotoPreview(ctx context.Context, id string) ([]byte, error)
	PhotoOriginal(ctx context.Context, id string) ([]byte, error)
	ListPhotos(ctx context.Context, q data.PhotoQuery) ([]data.PhotoThumb, error)
	// SuggestPhoto suggests a photo's kind and session from when it was taken.
	SuggestPhoto(ctx context.Context, clientID string, takenAt time.Time) (data.PhotoSuggestion, error)
	// SessionStart is when one of a client's sessions started, for reading a photo's kind
	// against; an error wrapping data.ErrNotFound when the client has no such session.
	SessionStart(ctx context.Context, clientID, sessionID string) (time.Time, error)
	// PhotoStoredFor names the client a photo with f's bytes is stored for, "" when none.
	PhotoStoredFor(ctx context.Context, f data.PhotoFile) (clientID string, err error)
	AddPhotoPin(ctx context.Context, pin *data.PhotoPin) error
	UpdatePhotoPin(ctx context.Context, pin *data.PhotoPin) error
	DeletePhotoPin(ctx context.Context, id string) error
	PhotoPins(ctx context.Context, photoID string) ([]data.PhotoPin, error)
}

// Audit is the practice's audit log: an append-only hash chain of every change, signed by the
// practitioner's key when they have one, and its check.
type Audit interface {
	// AuditLog is the entries about one record, oldest first.
	AuditLog(ctx context.Context, entityID string) ([]data.AuditEntry, error)
	AuditHead(ctx context.Context) (data.AuditMark, error)
	SigningKeys(ctx context.Context) ([]data.KeyPrint, error)
	// Verify checks that the records can be trusted; what it found wrong is in the report, an
	// error means the check could not be made.
	Verify(ctx context.Context) (VerifyReport, error)
	// VerifyHead looks for the entry whose hash is hash, as printed on a record.
	VerifyHead(ctx context.Context, hash string) (HeadCheck, error)
	// LogExport records that something was exported: what ("session", "csv"...) and of which record.
	LogExport(ctx context.Context, what, id string) error
	LogSignIn(ctx context.Context, practitionerID string) error
}

// Accounts are practitioners' passphrases and the idle lock.
type Accounts interface {
	Accounts(ctx context.Context) ([]data.Account, error)
	AnyPassphraseSet(ctx context.Context) (bool, error)
	SetPassphrase(ctx context.Context, practitionerID, old, new string) error
	CheckPassphrase(ctx context.Context, practitionerID, passphrase string) (bool, error)
	SignIn(ctx context.Context, practitionerID, passphrase string) error
	ResetPassphrase(ctx context.Context, practitionerID string) error
	IdleLockMinutes(ctx context.Context) (int, error)
	SetIdleLockMinutes(ctx context.Context, minutes int) error
}

// Settings are the practice's settings, by key (data.Setting...).
type Settings interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	SettingBytes(ctx context.Context, key string) ([]byte, error)
	SetSettingBytes(ctx context.Context, key string, value []byte) error
	// DateOrder is how the practice writes dates.
	DateOrder(ctx context.Context) data.DateOrder
	// PracticeID is the practice's own identity, the same in all its copies.
	PracticeID(ctx context.Context) (string, error)
}

// Exports read records as tables for CSV and spreadsheets.
type Exports interface {
	// ExportRows calls fn with each table of q.Tables in the order of ExportTables, all read in
	// one read transaction so that they agree with each other.
	ExportRows(ctx context.Context, q ExportQuery, fn func(t *ExportTable) error) error
}

// Insights read what the practice's figures are made of (package insights).
type Insights interface {
	// InsightFacts calls fn with each session started in q's period (its days in the practice's
	// time zone, both included, whatever the session's state) by q's practitioner, oldest first,
	// with its zones, products, lots and side effects (whenever they began), all read in one
	// snapshot. What is held meanwhile is one compact fact per session of the period; fn must not
	// keep the fact it is given after it returns.
	InsightFacts(ctx context.Context, q insights.Query, fn func(*insights.Fact) error) error
	// SessionBriefs are the sessions of ids for a list, oldest first; IDs of no session are left out.
	SessionBriefs(ctx context.Context, ids []string) ([]SessionBrief, error)
}

// Today is the day's view: the sessions due and recent, and how far the practice is set up.
type Today interface {
	Today(ctx context.Context, practitionerID string, limit int) (data.TodayList, error)
	SetupProgress(ctx context.Context) (data.SetupProgress, error)
}

// Watcher is a store that several PCs share (the clinic's server): it says when records change,
// so that open lists and client pages show another PC's work within seconds.
type Watcher interface {
	// Watch calls changed for each change committed to the practice, by any PC (this one
	// included), until ctx ends; it returns ctx's error then. Once it listens, it calls changed
	// with Change{All: true}: what changed before it listened is not known, so everything shown
	// is read again. While the server cannot be reached it keeps trying, and once it is back it
	// says Change{All: true} again. changed runs on Watch's goroutine and must not block.
	Watch(ctx context.Context, changed func(Change)) error
}

// Change is one change to the practice's records, as a Watcher says it.
type Change struct {
	// All is set when what changed is not known (the server came back): read everything again.
	All bool
	// Kind is what changed: "client", "session", "photo", "draft", "list" (zones, devices,
	// products, practitioners and other lists) or "setting".
	Kind string
	// ClientID is the client whose records changed, when the change is a client's ("" for lists
	// and settings).
	ClientID string
	// Lost is set while the server cannot be reached (changed is called once when it is lost;
	// the Change{All: true} that follows says it is back).
	Lost bool
}
