package ui

import (
	"fmt"
	"time"
)

// throttle slows down guessing: after a few wrong passphrases in a row, each try waits longer
// (1 s, 2 s, 4 s... up to 30 s). It only slows a person at the keyboard: the passphrase guards
// the screen, not the file.
type throttle struct {
	fails int
	until time.Time
}

const freeTries = 3

func (t *throttle) wait(now time.Time) time.Duration {
	if now.Before(t.until) {
		return t.until.Sub(now)
	}
	return 0
}

func (t *throttle) fail(now time.Time) {
	t.fails++
	if t.fails >= freeTries {
		t.until = now.Add(min(time.Second<<min(t.fails-freeTries, 5), 30*time.Second))
	}
}

func (t *throttle) succeed() { *t = throttle{} }

// waitSentence asks to wait d before another try.
func waitSentence(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	if s == 1 {
		return "Wait a second before trying again."
	}
	return fmt.Sprintf("Wait %d seconds before trying again.", s)
}
