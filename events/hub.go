package events

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
)

// DefaultTail is how often a hub reads the log while someone listens: an
// event another process (or replica) stored reaches this one's listeners
// within it. An event this process stores is seen at once (Kick).
const DefaultTail = 200 * time.Millisecond

// Hub tells this process's listeners (resource subscriptions, waiting
// wait_for_events calls) of new events in the log, wherever they were
// received: it reads the log while anyone listens, so it costs nothing when
// nobody does.
type Hub struct {
	Log *Log
	// Tail is the read interval; DefaultTail when zero.
	Tail time.Duration
	// OnEvent is called once per new event, in log order, from the hub's
	// goroutine.
	OnEvent func(Event)
	// Logger reports a store that cannot be read; nil for none.
	Logger *slog.Logger

	mu        sync.Mutex
	listeners int
	last      string
	primed    bool
	// since is when listeners went 0 -> 1: events stored from a moment
	// before it on are handed out, so none that raced the first listener is
	// lost.
	since     time.Time
	changed   chan struct{} // closed and replaced on every new event
	kick      chan struct{}
	listening chan struct{} // closed and replaced when listeners go 0 -> 1
}

func (h *Hub) init() {
	if h.kick == nil {
		h.kick = make(chan struct{}, 1)
		h.changed = make(chan struct{})
		h.listening = make(chan struct{})
	}
}

// Listen registers a listener until release is called; while any is
// registered the hub reads the log.
func (h *Hub) Listen() (release func()) {
	h.mu.Lock()
	h.init()
	h.listeners++
	if h.listeners == 1 {
		h.since = time.Now().Add(-primeGrace)
		close(h.listening)
		h.listening = make(chan struct{})
	}
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			h.listeners--
			if h.listeners == 0 {
				h.primed = false
			}
			h.mu.Unlock()
		})
	}
}

// Listening reports whether anyone listens.
func (h *Hub) Listening() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.listeners > 0
}

// Kick makes the hub read the log now (this process stored an event).
func (h *Hub) Kick() {
	h.mu.Lock()
	h.init()
	h.mu.Unlock()
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// Run reads the log while anyone listens, until ctx ends.
func (h *Hub) Run(ctx context.Context) {
	h.mu.Lock()
	h.init()
	h.mu.Unlock()
	tail := h.Tail
	if tail <= 0 {
		tail = DefaultTail
	}
	t := time.NewTicker(tail)
	defer t.Stop()
	h.poll(ctx) // listeners that came before Run
	for {
		h.mu.Lock()
		idle, listening := h.listeners == 0, h.listening
		h.mu.Unlock()
		if idle {
			select {
			case <-ctx.Done():
				return
			case <-listening:
			case <-h.kick:
			}
		} else {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-h.kick:
			}
		}
		h.poll(ctx)
	}
}

// primeGrace is how far before the first listener came the hub still hands
// out events (clocks of replicas and Redis differ a little).
const primeGrace = time.Second

// poll reads the events after the last one seen and hands them out. The
// first read after the hub went idle notes where the log ends and hands out
// only what came from just before the first listener on: a new listener
// hears of new events, not of old ones.
func (h *Hub) poll(ctx context.Context) {
	h.mu.Lock()
	if h.listeners == 0 {
		h.mu.Unlock()
		return
	}
	primed, after, since := h.primed, h.last, h.since
	h.mu.Unlock()
	var evs []Event
	var err error
	if !primed {
		all, err := h.Log.Since(ctx, "", nil, 0)
		if err != nil {
			h.warn(err)
			return
		}
		last := ""
		for _, ev := range all {
			last = ev.ID
			if !guard.StreamIDTime(ev.ID).Before(since) {
				evs = append(evs, ev)
			}
		}
		h.mu.Lock()
		h.last, h.primed = last, true
		h.mu.Unlock()
		if len(evs) == 0 {
			h.signal()
			return
		}
	} else if evs, err = h.Log.Since(ctx, after, nil, 0); err != nil {
		h.warn(err)
		return
	}
	if len(evs) == 0 {
		return
	}
	for _, ev := range evs {
		if h.OnEvent != nil {
			h.OnEvent(ev)
		}
	}
	h.mu.Lock()
	h.last = evs[len(evs)-1].ID
	h.mu.Unlock()
	h.signal()
}

func (h *Hub) signal() {
	h.mu.Lock()
	close(h.changed)
	h.changed = make(chan struct{})
	h.mu.Unlock()
}

func (h *Hub) warn(err error) {
	if h.Logger != nil {
		h.Logger.Warn("events: reading the event log", "err", err)
	}
}

// Wait returns the events of types after id after, waiting up to timeout
// for the first when there is none yet; after "" means after the newest
// event at the time of the call. next is the id to pass as after next time.
func (h *Hub) Wait(ctx context.Context, after string, types []string, timeout time.Duration) (evs []Event, next string, err error) {
	release := h.Listen()
	defer release()
	if after == "" {
		if after, err = h.Log.Last(ctx); err != nil {
			return nil, "", err
		}
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	// The log is also read on a tick of its own: a process whose hub does
	// not run (leeloo-mcp call) still sees events other processes store.
	tail := h.Tail
	if tail <= 0 {
		tail = DefaultTail
	}
	tick := time.NewTicker(tail)
	defer tick.Stop()
	next = after
	for {
		h.mu.Lock()
		h.init()
		changed := h.changed
		h.mu.Unlock()
		all, err := h.Log.Since(ctx, next, nil, 0)
		if err != nil {
			return nil, next, err
		}
		if len(all) > 0 {
			next = all[len(all)-1].ID
		}
		for _, ev := range all {
			if len(types) == 0 || contains(types, ev.Type) {
				evs = append(evs, ev)
			}
		}
		if len(evs) > 0 {
			return evs, next, nil
		}
		select {
		case <-ctx.Done():
			return nil, next, nil
		case <-deadline.C:
			return nil, next, nil
		case <-changed:
		case <-tick.C:
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
