package testkit

import "time"

// Now is the fixed "now" of the tests: a Tuesday afternoon, in UTC.
var Now = time.Date(2026, 3, 10, 14, 30, 0, 0, time.UTC)

// LocalNow is Now's wall-clock time in the machine's own zone, for tests whose days follow the
// machine's calendar.
var LocalNow = time.Date(2026, 3, 10, 14, 30, 0, 0, time.Local)

// Clock is a settable test clock: pass its Now method as a store's clock.
type Clock struct{ T time.Time }

// NewClock is a clock standing at Now.
func NewClock() *Clock { return &Clock{T: Now} }

// Now is the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) { c.T = c.T.Add(d) }

// Fixed is a clock that always says t.
func Fixed(t time.Time) func() time.Time { return func() time.Time { return t } }
