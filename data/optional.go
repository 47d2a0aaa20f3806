package data

// Optional is a value that may be missing, such as a pain score not asked for.
type Optional[T any] struct {
	V     T
	Valid bool // V was recorded
}
