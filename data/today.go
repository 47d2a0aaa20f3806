package data

import (
	"time"
)

// TodayLimit is how many rows each of the day's lists holds at most; the counts say how many
// there are in all.
const TodayLimit = 100

// TodayList is the day's work.
type TodayList struct {
	Today   Date
	WeekEnd Date // the last day of the week Due covers: six days on

	Due      []ClientSummary // due from today to the end of the week (six days on), by date
	DueCount int

	Overdue      []ClientSummary // due before today, the most recently overdue first
	OverdueCount int

	Unsigned      []LooseSession // saved, not signed: the signed-in practitioner's first, then the newest
	UnsignedCount int

	SideEffects     []OpenSideEffect // not resolved yet, the newest onset first
	SideEffectCount int

	Drafts     []OpenDraft // session forms left open, the most recently typed in first
	DraftCount int
}

// LooseSession is a saved session that is not signed yet.
type LooseSession struct {
	SessionID        string
	ClientID         string
	ClientName       string
	StartedAt        time.Time
	PractitionerID   string // "" when none was recorded
	PractitionerName string
}

// OpenSideEffect is a side effect that has no resolution date yet: it awaits a follow-up.
type OpenSideEffect struct {
	ID         string
	SessionID  string
	ClientID   string
	ClientName string
	Kind       string
	Severity   string
	Onset      Date
}

// OpenDraft is a session form that was typed in and neither saved nor discarded.
type OpenDraft struct {
	DraftID    string
	ClientID   string
	ClientName string
	SessionID  string // the saved session it edits; "" for a new session
	UpdatedAt  time.Time
}

// SetupProgress says which of a new practice's first steps are done.
type SetupProgress struct {
	Clinic       bool // the clinic's name is set, for the reports' heading
	Practitioner bool // at least one practitioner is listed
	Passphrase   bool // and one of them has a passphrase, so the practice can lock
	Device       bool // a device was added or its details checked: the defaults are generic
	Product      bool // a product was added or checked, or a lot of one entered
}

// Done reports whether every step is done.
func (p SetupProgress) Done() bool {
	return p.Clinic && p.Practitioner && p.Passphrase && p.Device && p.Product
}
