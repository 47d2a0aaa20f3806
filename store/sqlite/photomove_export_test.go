package sqlite

import "testing"

// SetReclaimAtLeast lowers the unused space worth giving back, for the test's run, so that a
// test's small practice is reclaimed as a real one is; the space worth giving back when no photo
// moved becomes 2n.
func SetReclaimAtLeast(tb testing.TB, n int64) {
	old, oldLarge := reclaimAtLeast, reclaimLarge
	reclaimAtLeast, reclaimLarge = n, 2*n
	tb.Cleanup(func() { reclaimAtLeast, reclaimLarge = old, oldLarge })
}

// ReclaimSpace gives back the database's unused space as MovePhotos does once every photo moved.
func (s *Store) ReclaimSpace(tb testing.TB) int64 {
	tb.Helper()
	n, err := s.reclaimSpace(tb.Context())
	if err != nil {
		tb.Fatalf("reclaim space: %v", err)
	}
	return n
}
