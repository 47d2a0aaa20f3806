package sqlstore

// What a transfer bundle carries of each kind of record, and how each merges (package transfer).
// Every column of every table a bundle touches is named here once: carried as set once when the
// record was made (fixed), merged field by field (fields), made again from the others (derived),
// or this copy's own bookkeeping (local). TestTransferSpecsNameEveryColumn holds the schema to it,
// so that a column added later is not silently left behind.

// transferEntity is one kind of record as bundles carry it.
type transferEntity struct {
	name, table string
	fixed       []string // set once, when the record is made
	fields      []string // merged one by one, each by its clock
	derived     []string // made from the other columns as the record is written
	local       []string // this copy's own: not carried
	// children are rows kept with their record and merged as one field each (a client's medical
	// history, an unsigned session's zones), because saves write them anew.
	children []transferChildren
	// unique are the columns another record of the same kind may not share: a record that arrives
	// with the same is renamed (uniqueRename), or numbered on (uniqueNumber).
	unique       []string
	uniqueRename string
	uniqueNumber string
	// touched is the column a write stamps with its time, read as when its fields changed.
	touched string
	// parent names the record a change is shown under in the conflicts ("client_id").
	parent string
}

// transferChildren are the rows of table that belong to a record through column of, in order.
type transferChildren struct {
	field, table, of, order string
	columns                 []string // carried, but for id and of
}

// transferEntities are in the order a bundle carries them: each after the records it names.
var transferEntities = []transferEntity{
	{name: "practitioner", table: "practitioners", fixed: []string{"created_at"},
		fields: []string{"name", "credentials", "role", "retired"}, local: []string{"passphrase_hash", "updated_at"}, touched: "updated_at"},
	{name: "list_item", table: "list_items", fixed: []string{"kind"}, fields: []string{"name", "category", "position", "retired"},
		unique: []string{"kind", "name"}, uniqueRename: "name"},
	{name: "zone", table: "zones", fields: []string{"name", "region", "map_key", "typical_min", "typical_max", "warn_above", "position", "retired"},
		unique: []string{"name"}, uniqueRename: "name"},
	{name: "device", table: "devices", fixed: []string{"created_at"},
		fields: []string{"model", "kind", "speed_unit", "max_depth", "evaluated_depth", "depth_step", "retired"},
		local:  []string{"updated_at"}, unique: []string{"model"}, uniqueRename: "model", touched: "updated_at"},
	{name: "cartridge", table: "cartridges", fields: []string{"name", "needles", "retired"}, unique: []string{"name"}, uniqueRename: "name"},
	{name: "cartridge_lot", table: "cartridge_lots", fixed: []string{"cartridge_id"}, fields: []string{"lot", "expiry"},
		unique: []string{"cartridge_id", "lot"}, uniqueRename: "lot"},
	{name: "product", table: "products", fields: []string{"name", "kind", "needled_skin_ok", "notes", "retired"},
		unique: []string{"name"}, uniqueRename: "name"},
	{name: "product_lot", table: "product_lots", fixed: []string{"product_id"}, fields: []string{"lot", "expiry"},
		unique: []string{"product_id", "lot"}, uniqueRename: "lot"},
	{name: "rule", table: "contraindication_rules", fields: []string{"condition", "action", "window_days", "message", "position", "retired"},
		unique: []string{"condition"}, uniqueRename: "condition"},
	{name: "client", table: "clients", fixed: []string{"created_at"},
		fields: []string{"first_name", "last_name", "date_of_birth", "phone", "email", "fitzpatrick", "concerns", "medications",
			"allergies", "medical_notes", "consent_form", "consent_version", "consent_signed", "photo_consent", "notes", "archived_at"},
		derived: []string{"num", "sort_key", "phone_digits", "last_session", "next_due", "search_text"},
		local:   []string{"updated_at", "version"}, touched: "updated_at", parent: "id",
		children: []transferChildren{{field: "history", table: "client_history", of: "client_id", order: "position",
			columns: []string{"position", "condition", "since", "until", "notes"}}}},
	// A session while unsigned; once signed on either side it travels whole (transferSignedSession).
	{name: "session", table: "sessions", fixed: []string{"client_id", "created_at"},
		fields: []string{"practitioner_id", "started_at", "series_n", "series_of", "series_interval_days", "concerns", "modality",
			"anaesthetic_product_id", "anaesthetic_lot", "anaesthetic_minutes", "device_id", "handpiece_serial", "cartridge_id",
			"cartridge_lot", "cartridge_expiry", "pain_score", "no_side_effects", "aftercare", "aftercare_sheet", "price_cents",
			"next_due", "notes", "photo_refusal"},
		local:   []string{"status", "signed_at", "signed_by", "record_hash", "updated_at", "version"},
		touched: "updated_at", parent: "client_id",
		children: []transferChildren{
			{field: "zones", table: "session_zones", of: "session_id", order: "position",
				columns: []string{"position", "zone", "depth_mm", "speed", "passes", "pattern", "endpoint"}},
			{field: "products", table: "session_products", of: "session_id", order: "position",
				columns: []string{"position", "product_id", "lot", "expiry", "phase", "amount"}},
			{field: "overrides", table: "session_overrides", of: "session_id", order: "at, rule",
				columns: []string{"rule", "reason", "practitioner_id", "at"}},
		}},
	{name: "side_effect", table: "side_effects", fixed: []string{"session_id", "created_at"},
		fields: []string{"kind", "severity", "during_session", "onset", "resolved", "treatment", "notes"},
		local:  []string{"updated_at"}, touched: "updated_at"},
	{name: "outcome", table: "outcome_assessments", fixed: []string{"client_id", "created_at"},
		fields: []string{"session_id", "assessed_at", "practitioner_id", "gais", "satisfaction", "scar_baseline", "scar_now", "from_photos", "notes"},
		local:  []string{"updated_at", "version"}, touched: "updated_at", parent: "client_id"},
	{name: "photo", table: "photos", fixed: []string{"client_id", "taken_at", "file_name", "mime", "width", "height", "byte_size", "sha256", "preview_sha256", "created_at"},
		fields: []string{"session_id", "kind", "zone", "view", "note", "consent_scope"},
		local:  []string{"updated_at", "version"}, touched: "updated_at", parent: "client_id", unique: []string{"sha256"}},
	{name: "photo_pin", table: "photo_pins", fixed: []string{"photo_id"}, fields: []string{"n", "x", "y", "note"},
		unique: []string{"photo_id", "n"}, uniqueNumber: "n"},
	{name: "setting", table: "settings"}, // the practice's shared settings by key: transferSettings
}

// transferSettings are the settings a bundle carries, each a field of the record "practice";
// every other (the device's identity, its backups, its lock) stays where it is.
var transferSettings = []string{"clinic.name", "clinic.address", "clinic.phone", "currency", "aftercare.sheet_version", "dates.order"}

// transferTables are the tables of signed sessions, carried whole with them, and of history, carried
// as chains: named so that the schema check knows them.
var transferWholeTables = []string{"sealed_side_effects", "session_amendments", "amendment_records", "photo_originals",
	"photo_renditions", "photo_thumbnails", "audit_log", "audit_signatures", "practitioner_keys"}

// transferLocalTables are this copy's own: never carried.
var transferLocalTables = []string{"drafts", "insight_facts", "transfer_clocks", "transfer_peers", "transfer_conflicts",
	"peer_audit_log", "peer_keys", "needlelog_schema", "photo_files"}

func transferEntityNamed(name string) (transferEntity, bool) {
	for _, e := range transferEntities {
		if e.name == name {
			return e, true
		}
	}
	return transferEntity{}, false
}
