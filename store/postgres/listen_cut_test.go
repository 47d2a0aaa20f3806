package postgres

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

// cable stands between the PCs and the server as a network does, and can be pulled: while it is
// out, nothing passes either way and nothing is closed, as when a cable is pulled or a switch
// dies, so only a question left unanswered shows the loss.
type cable struct {
	ln  net.Listener
	out atomic.Bool
	wg  sync.WaitGroup
}

func newCable(t *testing.T, server string) *cable {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cable{ln: ln}
	t.Cleanup(func() {
		c.out.Store(false) // what is held passes, and each end's close with it
		ln.Close()
		c.wg.Wait()
	})
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for {
			pc, err := ln.Accept()
			if err != nil {
				return
			}
			sc, err := net.Dial("tcp", server)
			if err != nil {
				pc.Close()
				continue
			}
			c.wg.Add(2)
			go c.pass(pc, sc)
			go c.pass(sc, pc)
		}
	}()
	return c
}

// pass copies from one end to the other, holding what it read while the cable is out.
func (c *cable) pass(from, to net.Conn) {
	defer c.wg.Done()
	defer from.Close()
	defer to.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := from.Read(buf)
		for c.out.Load() {
			time.Sleep(10 * time.Millisecond)
		}
		if n > 0 {
			if _, err := to.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// A connection that goes silent, the server's end never closed, is found lost by the question
// Watch asks when it has heard nothing for a while; when the network is back, All is said and
// changes arrive again.
func TestWatchFindsASilentNetworkLost(t *testing.T) {
	c := newClinic(t)
	ping, pingTimeout := watchPing, watchPingTimeout
	watchPing, watchPingTimeout = 200*time.Millisecond, time.Second
	t.Cleanup(func() { watchPing, watchPingTimeout = ping, pingTimeout })

	u := mustParse(t, c.appURL)
	cab := newCable(t, u.Host)
	u.Host = cab.ln.Addr().String()
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	viaCable, err := Open(context.Background(), u.String(), Options{Password: c.appPassword})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { viaCable.Close() })
	onB := watch(t, viaCable)
	c.awaitListeners(t, 1)

	cab.out.Store(true)
	onB.await(t, store.Change{Lost: true})
	cab.out.Store(false)
	if before := onB.await(t, store.Change{All: true}); len(before) != 0 {
		t.Errorf("changes between the loss and the return: %+v, want none", before)
	}
	client := testkit.CreateClient(t, c.a, "Cable", "Back")
	onB.await(t, store.Change{Kind: "client", ClientID: client.ID})
}
