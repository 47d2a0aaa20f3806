package transfer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Clock is a hybrid logical clock's reading: milliseconds of physical time, a counter for changes
// within one millisecond (or made while the clock ran ahead of the computer's), and the device that
// made the change. Readings compare as text ("0001765432100123.000002.device"): by time, then
// counter, then device, so two devices never give the same reading.
//
// A laptop whose clock is wrong still orders its changes after every change it has seen: the clock
// never reads earlier than the latest reading it observed (Observe), whatever the computer says.
type Clock string

const (
	msDigits      = 16
	counterDigits = 6
)

// MakeClock is the reading at ms milliseconds since 1970, counter c, on device.
func MakeClock(ms int64, c int, device string) Clock {
	return Clock(fmt.Sprintf("%0*d.%0*d.%s", msDigits, max(ms, 0), counterDigits, c, device))
}

// Parse splits a reading; ok is false for text that is not one.
func (c Clock) Parse() (ms int64, counter int, device string, ok bool) {
	s := string(c)
	if len(s) < msDigits+counterDigits+3 || s[msDigits] != '.' || s[msDigits+counterDigits+1] != '.' {
		return 0, 0, "", false
	}
	ms, err1 := strconv.ParseInt(s[:msDigits], 10, 64)
	n, err2 := strconv.Atoi(s[msDigits+1 : msDigits+counterDigits+1])
	device = s[msDigits+counterDigits+2:]
	if err1 != nil || err2 != nil || ms < 0 || n < 0 || device == "" || strings.ContainsAny(device, "\x00\n") {
		return 0, 0, "", false
	}
	return ms, n, device, true
}

// Valid reports whether c is a reading.
func (c Clock) Valid() bool { _, _, _, ok := c.Parse(); return ok }

// Device is the device that made the change.
func (c Clock) Device() string { _, _, d, _ := c.Parse(); return d }

// Time is the reading's physical part.
func (c Clock) Time() time.Time { ms, _, _, _ := c.Parse(); return time.UnixMilli(ms).UTC() }

// After reports whether c reads later than d ("" reads earliest).
func (c Clock) After(d Clock) bool { return c > d }

// HLC is one device's hybrid logical clock. It is not safe for use by several goroutines.
type HLC struct {
	device string
	last   Clock
}

// NewHLC is device's clock, which has read last before ("" for never).
func NewHLC(device string, last Clock) *HLC { return &HLC{device: device, last: last} }

// Last is the latest reading the clock gave or observed.
func (h *HLC) Last() Clock { return h.last }

// Next is a reading for a change made at physical time at: later than every reading before.
func (h *HLC) Next(at time.Time) Clock {
	ms := at.UnixMilli()
	lms, lc, _, ok := h.last.Parse()
	switch {
	case !ok || ms > lms:
		h.last = MakeClock(ms, 0, h.device)
	default:
		h.last = MakeClock(lms, lc+1, h.device)
	}
	return h.last
}

// Observe moves the clock past a reading received from another device.
func (h *HLC) Observe(c Clock) {
	if !c.Valid() || !c.After(h.last) {
		return
	}
	ms, n, _, _ := c.Parse()
	h.last = MakeClock(ms, n, h.device)
	if !h.last.After(c) { // same time and counter, a device that sorts earlier: step on
		h.last = MakeClock(ms, n+1, h.device)
	}
}

// Knowledge is what a practice's copy holds of each device's changes: the latest reading of each.
type Knowledge map[string]Clock

// Knows reports whether the change read c is among what k holds.
func (k Knowledge) Knows(c Clock) bool {
	if c == "" {
		return true
	}
	return !c.After(k[c.Device()])
}

// Add notes that a change read c is held.
func (k Knowledge) Add(c Clock) {
	if d := c.Device(); d != "" && c.After(k[d]) {
		k[d] = c
	}
}

// Meet is what both k and o hold for sure: for each device, the earlier of the two readings.
func (k Knowledge) Meet(o Knowledge) Knowledge {
	out := Knowledge{}
	for d, c := range k {
		if oc, ok := o[d]; ok {
			out[d] = min(c, oc)
		}
	}
	return out
}
