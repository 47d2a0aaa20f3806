package data

// Optional is a value that may be missing, such as a pain score not asked for.
type Optional[T any] struct {
	V     T
	Valid bool // V was recorded
}

// Some is an Optional holding v.
func Some[T any](v T) Optional[T] { return Optional[T]{V: v, Valid: true} }
