package data

import (
	"time"
)

// What a recalled lot was used as in a session.
const (
	RecallCartridge   = "cartridge"
	RecallAnaesthetic = "anaesthetic"
	RecallProduct     = "product"
)

// RecallRow is one use of a lot in a session: who received it, when, what it was and who treated.
type RecallRow struct {
	ClientID       string
	ClientName     string
	Phone          string
	Email          string
	ClientArchived bool
	SessionID      string
	StartedAt      time.Time
	SessionStatus  SessionStatus
	Use            string // RecallCartridge, RecallAnaesthetic or RecallProduct
	Item           string // the cartridge's or product's name; "" when the session names none
	Phase          Phase  // for products: when it was applied
	Lot            string // as recorded in the session
	Expiry         Date   // as recorded in the session; zero when not recorded
	PractitionerID string
	Practitioner   string // the practitioner's name; "" when not recorded
}
