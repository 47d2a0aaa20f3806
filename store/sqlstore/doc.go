// Package sqlstore is the store boundary's records written once in SQL for every engine: clients,
// sessions, signing, amendments, the audit log, photos, lists, exports, recall and verification of
// the records. An engine (store/sqlite) opens the database and gives what it does its own way
// (Engine: when writes may begin, the write lock, connections of their own, its checkpoint) and
// maps its driver's errors to the domain's (RegisterErrors), so no caller sees a driver's words.
package sqlstore
