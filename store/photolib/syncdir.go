package photolib

// SyncDir makes a rename in dir durable (see syncDir): one rule for the library and for the
// practice's other files.
func SyncDir(dir string) error { return syncDir(dir) }
