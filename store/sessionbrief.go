package store

import "time"

// SessionBrief is one session as a list of many clients' sessions shows it: the sessions a figure
// of the practice's insights counts, opened from its bar or row.
type SessionBrief struct {
	SessionID, ClientID string
	ClientName          string
	StartedAt           time.Time
	Practitioner        string   // "" when not recorded
	Device              string   // the device's model; "" when not recorded
	Zones               []string // in the order treated
	DeepestMM           float64  // 0 when no zone
	SideEffects         []string // the kinds recorded, by onset
}
