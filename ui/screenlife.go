package ui

import (
	"context"
	"errors"
	"sync"
	"time"
)

// life is a screen's time on screen. Its context is made when the screen opens and ends when
// the screen closes (or the main window switches practice, or the app stops), so the store
// reads and background work the screen starts stop with it.
type life struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// newLife starts a screen's life within parent's: a screen inside another (the photo viewer in
// the photo screen) ends with it. A nil parent is the app's whole run.
func newLife(parent context.Context) life {
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	return life{ctx: ctx, cancel: cancel}
}

// end ends the screen's context; ending it again does nothing.
func (l life) end() {
	if l.cancel != nil {
		l.cancel()
	}
}

// lasting is the context of work that must finish even when the screen closes first: a write
// the practitioner asked for, a draft. It keeps the screen's values but not its end.
func (l life) lasting() context.Context { return context.WithoutCancel(l.ctx) }

// gone reports whether err only says that the screen closed while its work was under way: no one
// is left to tell.
func (l life) gone(err error) bool { return l.ctx.Err() != nil && errors.Is(err, context.Canceled) }

// writesUnderWay counts, for each open store, the lasting work started on it and not yet done,
// so that closing the practice waits for a write asked for rather than cutting it off.
var writesUnderWay sync.Map // store → *sync.WaitGroup

func writesOn(store any) *sync.WaitGroup {
	wg, _ := writesUnderWay.LoadOrStore(store, new(sync.WaitGroup))
	return wg.(*sync.WaitGroup)
}

// lastingWrite runs work with l's lasting context off the UI goroutine, then done on it. It
// counts from now against store, so closing the practice waits for it even before it begins.
func lastingWrite[T any](l life, store any, work func(context.Context) (T, error), done func(T, error)) {
	wg, ctx := writesOn(store), l.lasting()
	wg.Add(1)
	async(func() (T, error) {
		defer wg.Done()
		return work(ctx)
	}, done)
}

// waitForWrites waits up to limit for the lasting work on store to finish, and forgets the store;
// it reports whether all did. A stuck write must not keep the app from quitting.
func waitForWrites(store any, limit time.Duration) bool {
	wg := writesOn(store)
	defer writesUnderWay.Delete(store)
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
		return true
	case <-time.After(limit):
		return false
	}
}
