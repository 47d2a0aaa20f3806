package data

import (
	"strings"
)

// Tidy trims what people type around values, and fills defaults.
func (c *Client) Tidy() {
	for _, p := range []*string{&c.FirstName, &c.LastName, &c.Phone, &c.Email, &c.Consent.Form, &c.Consent.Version} {
		*p = strings.TrimSpace(*p)
	}
	if c.PhotoConsent == "" {
		c.PhotoConsent = PhotoConsentNone
	}
	for i := range c.History {
		c.History[i].Condition = strings.TrimSpace(c.History[i].Condition)
	}
}

// Tidy trims what people type and fills defaults.
func (se *Session) Tidy() {
	if se.Status == "" {
		se.Status = StatusDraft
	}
	if se.SeriesN == 0 {
		se.SeriesN = 1
	}
	if se.IntervalDays == 0 {
		se.IntervalDays = DefaultIntervalDays
	}
	for i := range se.Zones {
		se.Zones[i].Zone = strings.TrimSpace(se.Zones[i].Zone)
	}
	for i := range se.SideEffects {
		e := &se.SideEffects[i]
		e.Kind = strings.TrimSpace(e.Kind)
		if e.DuringSession && e.Onset.IsZero() {
			e.Onset = DateOf(se.StartedAt)
		}
	}
	se.Cartridge.Lot = strings.TrimSpace(se.Cartridge.Lot)
	se.Anaesthetic.Lot = strings.TrimSpace(se.Anaesthetic.Lot)
}
