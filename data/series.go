package data

import (
	"fmt"
	"slices"
	"time"
)

// NextSessionDefaults is a new session's defaults: now, the next in the client's series, the
// client's concerns, the devices of last time, the full aftercare checklist (aftercare, with the
// sheet's version). last is the client's latest session, nil when there is none. Who treats is
// not taken from last time: the editor fills in who is signed in.
func NextSessionDefaults(client Client, last *Session, now time.Time, aftercare []string, sheet string) Session {
	s := Session{ClientID: client.ID, StartedAt: now.Truncate(time.Minute), SeriesN: 1,
		IntervalDays: DefaultIntervalDays, Concerns: slices.Clone(client.Concerns), Modality: "None",
		Aftercare: slices.Clone(aftercare), AftercareSheet: sheet, Status: StatusDraft}
	if last != nil {
		s.DeviceID = last.DeviceID
		s.HandpieceSerial = last.HandpieceSerial
		s.Cartridge.CartridgeID = last.Cartridge.CartridgeID
		s.IntervalDays = last.IntervalDays
		s.Modality = last.Modality
		if len(last.Concerns) > 0 {
			s.Concerns = slices.Clone(last.Concerns)
		}
		s.SeriesN, s.SeriesOf = NextInSeries(*last)
	}
	s.NextDue = SuggestNextDue(s)
	return s
}

// NextInSeries is the place in the series of the session after last: the next of its series, or,
// once that series is complete, the first of a new one planned like it.
func NextInSeries(last Session) (n, of int) {
	if last.SeriesOf == 0 || last.SeriesN < last.SeriesOf {
		return last.SeriesN + 1, last.SeriesOf
	}
	return 1, last.SeriesOf
}

// SuggestNextDue is the series interval after the session, unless the series ends with it.
func SuggestNextDue(s Session) Date {
	d, _ := NextDueSuggestion(s)
	return d
}

// NextDueSuggestion is SuggestNextDue, or, when there is none to suggest, why not, in a sentence.
func NextDueSuggestion(s Session) (due Date, whyNone string) {
	switch {
	case s.SeriesOf > 0 && s.SeriesN >= s.SeriesOf:
		return Date{}, fmt.Sprintf("This is the last session of the series (%d of %d): no next session to suggest.",
			s.SeriesN, s.SeriesOf)
	case s.StartedAt.IsZero():
		return Date{}, "Enter the session's date first: the next is due the series interval after it."
	case s.IntervalDays <= 0:
		return Date{}, "Enter the interval in days first: the next session is due that long after this one."
	}
	return DateOf(s.StartedAt).AddDays(s.IntervalDays), ""
}
