package main

import (
	"sync/atomic"
	"testing"
	"time"
)

// An app that has not stopped a while after its window closed has its practice closed, then ends.
func TestAnAppThatDoesNotStopIsEnded(t *testing.T) {
	var stopped atomic.Int32
	code := make(chan int, 1)
	start := time.Now()
	exitIfStuck(20*time.Millisecond, func() { stopped.Add(1) }, func(c int) {
		if stopped.Load() != 1 {
			t.Error("the process ended before its practice was closed")
		}
		code <- c
	})
	if got := <-code; got != 0 || time.Since(start) < 20*time.Millisecond {
		t.Fatalf("ended with %d after %v, want 0 after the wait", got, time.Since(start))
	}
}
