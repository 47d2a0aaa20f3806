package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"needlelog.app/needlelog/store"
)

// Live updates. The record tables' triggers (the end of 0007_init.sql) send a notification on
// changesChannel for each change, "kind client-id", which the server delivers to every listening
// PC when the change commits, and never for a change rolled back. Within one transaction the
// server sends an identical notification once, and the triggers stop at a few distinct ones and
// send "all" instead, so an import of thousands of clients sends a few dozen notifications, not
// thousands.

// changesChannel is the channel the triggers notify on.
const changesChannel = "needlelog_changes"

// allChanged is the notification of a transaction that changed too much to say change by change.
const allChanged = "all"

// listenerName is the application_name of the listening connection, which the server's
// administrator sees beside it.
const listenerName = "Needlelog live updates"

// Retrying after a loss: at once, then each wait doubled up to watchRetryMax.
var (
	watchRetryFirst = 250 * time.Millisecond
	watchRetryMax   = 4 * time.Second
)

// watchPing is how long the listener waits for a notification before it checks that the server
// is still there: a cable pulled out sends nothing, so only asking finds it. watchPingTimeout
// bounds the answer.
var (
	watchPing        = 10 * time.Second
	watchPingTimeout = 5 * time.Second
)

var _ store.Watcher = (*Store)(nil)

// Watch calls changed for each change to the practice committed by any PC, this one included,
// until ctx ends, and returns ctx's error then (store.Watcher). It listens on a connection of its
// own, outside the store's pool. Once it listens it calls changed(Change{All: true}): what changed
// before (since the caller read what it shows) is not known. When that connection is lost it
// calls changed(Change{Lost: true}) once, tries again at growing intervals up to a few seconds,
// and once listening again calls changed(Change{All: true}).
func (s *Store) Watch(ctx context.Context, changed func(store.Change)) error {
	cfg := s.pool.Config().ConnConfig // a copy
	cfg.RuntimeParams["application_name"] = listenerName
	lost := true // not yet listening: what changed before is not known
	wait := watchRetryFirst
	for {
		conn, err := listen(ctx, cfg)
		if err == nil {
			if lost {
				lost = false
				wait = watchRetryFirst
				changed(store.Change{All: true})
			}
			err = receive(ctx, conn, changed)
			closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
			conn.Close(closeCtx)
			cancel()
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !lost {
			lost = true
			changed(store.Change{Lost: true})
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, watchRetryMax)
	}
}

// listen connects and listens on changesChannel.
func listen(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// receive passes on conn's notifications until ctx ends or the connection is lost.
func receive(ctx context.Context, conn *pgx.Conn, changed func(store.Change)) error {
	for {
		waitCtx, cancel := context.WithTimeout(ctx, watchPing)
		n, err := conn.WaitForNotification(waitCtx)
		cancel()
		if n != nil {
			changed(parseChange(n.Payload))
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !errors.Is(err, context.DeadlineExceeded) || conn.IsClosed() {
			return err
		}
		// Quiet for a while: ask the server, which a lost network does not answer.
		pingCtx, cancel := context.WithTimeout(ctx, watchPingTimeout)
		err = conn.Ping(pingCtx)
		cancel()
		if err != nil {
			return err
		}
	}
}

// parseChange reads a notification's payload: "kind client-id", "kind" or "all".
func parseChange(payload string) store.Change {
	if payload == allChanged {
		return store.Change{All: true}
	}
	kind, client, _ := strings.Cut(payload, " ")
	return store.Change{Kind: kind, ClientID: client}
}
