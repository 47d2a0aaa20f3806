package insights

import (
	"time"

	"needlelog.app/needlelog/data"
)

// Query chooses the sessions insights read.
type Query struct {
	From, To       data.Date // sessions started on these days (the practice's time zone), both included; zero: no limit
	PractitionerID string    // only this practitioner's sessions; "" for all
	// BeyondExpected counts only the side effects beyond the expected ones (those the practice's
	// list files as usually gone within 72 h: erythema, swelling, pinpoint bleeding…), which follow
	// most sessions and would otherwise hide a rarer problem's rate.
	BeyondExpected bool
}

// Fact is what insights need of one session, read compactly by the store.
type Fact struct {
	SessionID, ClientID string
	Started             time.Time
	ClientFirst         time.Time // the client's first session ever, by anyone
	Previous            time.Time // the client's session before this one, zero when none
	SeriesN, SeriesOf   int
	IntervalDays        int // the series' planned interval
	Practitioner        string
	Device              string
	Fitzpatrick         int // the client's type, 1–6; 0 when not recorded
	PriceCents          data.Optional[int64]
	Zones               []ZoneFact
	Products            []ProductFact
	Lots                []LotFact // cartridge, anaesthetic and product lots
	SideEffects         []SideEffectFact
	Concerns            []string  // the concerns the session treated, as recorded
	Result              data.GAIS // the latest result assessed after this session; "" when none
}

// ZoneFact is one treated zone.
type ZoneFact struct {
	Zone    string
	DepthMM float64
}

// ProductFact is one product applied.
type ProductFact struct {
	Product string
}

// LotFact is one lot used, with the item it belongs to.
type LotFact struct {
	Lot, Item string
}

// SideEffectFact is one side effect of the session, whenever it began.
type SideEffectFact struct {
	Kind            string
	Onset, Resolved data.Date // Resolved zero while it lasts
	Expected        bool      // of a kind the practice's list files as expected (usually gone within 72 h)
}
