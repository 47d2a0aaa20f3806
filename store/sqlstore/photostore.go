package sqlstore

// PhotoStore is where a practice's photo files are kept, each named by its SHA-256 (photolib's
// content addressing): a folder beside a SQLite file, or the clinic's server.
type PhotoStore interface {
	// Put keeps b as the file named sum (its SHA-256), made durable before it returns; a file
	// already kept is left as it is.
	Put(sum string, b []byte) error
	// Read returns the file named sum, checked against its name where the store can.
	Read(sum string) ([]byte, error)
	// Has reports whether the file named sum is kept.
	Has(sum string) bool
}

// PhotoStore is where this practice's photo files are kept: what copies a practice to another
// store reads them from and writes them to.
func (s *Store) PhotoStore() PhotoStore { return s.lib }
