package sqlite

import "needlelog.app/needlelog/store"

// Store is the embedded engine behind the store boundary. What only this engine has (its file,
// VACUUM INTO, its schema version and checks, the WAL) stays on the concrete type.
var _ store.Store = (*Store)(nil)
