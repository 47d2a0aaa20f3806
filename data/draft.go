package data

import (
	"time"
)

// Draft is a session form as it was typed, saved every few seconds while the editor is open so
// that a crash or a power cut loses at most seconds. Form is the editor's own encoding: the
// store keeps it and never reads it, so that half-typed, invalid values survive too.
type Draft struct {
	ID        string
	ClientID  string
	SessionID string // the session being edited; empty for a new one
	Form      []byte
	UpdatedAt time.Time
}
