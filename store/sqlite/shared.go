package sqlite

import "needlelog.app/needlelog/store/sqlstore"

// The shared store's types and names, as callers of this engine know them.
type (
	ExportQuery      = sqlstore.ExportQuery
	ExportColumn     = sqlstore.ExportColumn
	ExportTable      = sqlstore.ExportTable
	MissingPhotos    = sqlstore.MissingPhotos
	PhotoFileRef     = sqlstore.PhotoFileRef
	PhotoFilesReport = sqlstore.PhotoFilesReport
)

const (
	ExportSessions        = sqlstore.ExportSessions
	ExportZones           = sqlstore.ExportZones
	ExportProductsApplied = sqlstore.ExportProductsApplied
	ExportSideEffects     = sqlstore.ExportSideEffects
	ExportResults         = sqlstore.ExportResults
	ExportClients         = sqlstore.ExportClients

	ColumnText   = sqlstore.ColumnText
	ColumnNumber = sqlstore.ColumnNumber
	ColumnDate   = sqlstore.ColumnDate
	ColumnTime   = sqlstore.ColumnTime
)

// ExportTables lists the tables ExportRows gives, in order.
var ExportTables = sqlstore.ExportTables

// KeyFingerprint is the SHA-256 of a public key's bytes, in hexadecimal (data.KeyFingerprint).
func KeyFingerprint(publicHex string) string { return sqlstore.KeyFingerprint(publicHex) }
