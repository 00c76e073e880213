package guard

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// dedupe remembers recent customer-facing actions by key.
type dedupe struct {
	window time.Duration
	mu     sync.Mutex
	seen   map[string]dedupeEntry
}

type dedupeEntry struct {
	at        time.Time
	uncertain bool // the attempt failed in a way that may still have delivered it
	inFlight  bool
	// prev is the settled entry an allowed duplicate replaced while in
	// flight: restored if the duplicate is certainly not delivered, so the
	// earlier delivery is not forgotten.
	prev *dedupeEntry
}

// hashKey is the stored name of a duplicate key: its normalised text, hashed
// (customer text never sits in the guard's state).
func hashKey(k string) string {
	s := sha256.Sum256([]byte(normalizeDuplicateKey(k)))
	return hex.EncodeToString(s[:12])
}

// claim marks key as in flight unless a recent identical action exists.
// It returns the earlier entry when refusing.
func (d *dedupe) claim(key string, now time.Time, allow bool) (dedupeEntry, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for k, e := range d.seen {
		if !e.inFlight && now.Sub(e.at) > d.window {
			delete(d.seen, k)
		}
	}
	e, ok := d.seen[key]
	if ok && (e.inFlight || !allow) {
		return e, false
	}
	claimed := dedupeEntry{at: now, inFlight: true}
	if ok {
		claimed.prev = &e
	}
	d.seen[key] = claimed
	return dedupeEntry{}, true
}

// settle records how the claimed action ended: done (delivered), uncertain
// (may have been delivered) or released (certainly not delivered).
func (d *dedupe) settle(key string, now time.Time, delivered, uncertain bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !delivered && !uncertain {
		if e, ok := d.seen[key]; ok && e.prev != nil {
			d.seen[key] = *e.prev
		} else {
			delete(d.seen, key)
		}
		return
	}
	d.seen[key] = dedupeEntry{at: now, uncertain: uncertain}
}

// budget caps customer-facing actions in a sliding hour.
type budget struct {
	max int // <= 0: unlimited
	mu  sync.Mutex
	at  []time.Time
}

// take reserves a slot, or says when the oldest one frees.
func (b *budget) take(now time.Time) (time.Time, bool) {
	if b.max <= 0 {
		return time.Time{}, true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	cut := 0
	for cut < len(b.at) && now.Sub(b.at[cut]) >= time.Hour {
		cut++
	}
	b.at = b.at[cut:]
	if len(b.at) >= b.max {
		return b.at[0].Add(time.Hour), false
	}
	b.at = append(b.at, now)
	return time.Time{}, true
}

// give returns the slot taken at t (the action was certainly not sent).
func (b *budget) give(t time.Time) {
	if b.max <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.at) - 1; i >= 0; i-- {
		if b.at[i].Equal(t) {
			b.at = append(b.at[:i], b.at[i+1:]...)
			return
		}
	}
}
