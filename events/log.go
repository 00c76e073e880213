package events

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
)

// Retention defaults (--events-max, --events-max-age).
const (
	DefaultMaxEvents = 500
	DefaultMaxAge    = 24 * time.Hour
)

// Log is a tenant's recent events on the state store: every process (and
// replica) sharing the store sees the same log.
type Log struct {
	store  guard.Store
	ns     string
	maxLen int
	maxAge time.Duration
	now    func() time.Time
}

// LogOptions configures a Log; zero values take the defaults.
type LogOptions struct {
	// Tenant is the tenant whose events these are ("" the default one).
	Tenant string
	MaxLen int
	MaxAge time.Duration
	Now    func() time.Time
}

// NewLog is the event log of opts.Tenant on store.
func NewLog(store guard.Store, opts LogOptions) *Log {
	l := &Log{store: store, ns: guard.Namespace(opts.Tenant), maxLen: opts.MaxLen, maxAge: opts.MaxAge, now: opts.Now}
	if l.maxLen <= 0 {
		l.maxLen = DefaultMaxEvents
	}
	if l.maxAge <= 0 {
		l.maxAge = DefaultMaxAge
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l
}

func (l *Log) stream() string { return l.ns + "events/log" }

// Add appends ev unless an event with the same dedupe key was added within
// the retention age (a redelivery): then it reports dup. Of concurrent adds
// of one key, in any process, exactly one appends.
func (l *Log) Add(ctx context.Context, ev Event, dedupeKey string) (Event, bool, error) {
	now := l.now()
	sum := sha256.Sum256([]byte(dedupeKey))
	dupKey := l.ns + "events/dup/" + hex.EncodeToString(sum[:16])
	won, err := l.store.Claim(ctx, dupKey, []byte{1}, now.Add(l.maxAge))
	if err != nil {
		return ev, false, err
	}
	if !won {
		return ev, true, nil
	}
	ev.ID = ""
	b, err := json.Marshal(ev)
	if err != nil {
		_ = l.store.Delete(ctx, dupKey)
		return ev, false, err
	}
	id, err := l.store.Append(ctx, l.stream(), b, now, l.maxLen, l.maxAge)
	if err != nil {
		// Not stored: a redelivery must be able to try again.
		_ = l.store.Delete(ctx, dupKey)
		return ev, false, err
	}
	ev.ID = id
	return ev, false, nil
}

// Since returns the events after id after ("" from the oldest kept) whose
// type is one of types (none: every type), oldest first, at most limit (0:
// all).
func (l *Log) Since(ctx context.Context, after string, types []string, limit int) ([]Event, error) {
	entries, err := l.store.Since(ctx, l.stream(), after, 0)
	if err != nil {
		return nil, err
	}
	cutoff := l.now().Add(-l.maxAge)
	var out []Event
	for _, e := range entries {
		if guard.StreamIDTime(e.ID).Before(cutoff) {
			continue
		}
		var ev Event
		if json.Unmarshal(e.Value, &ev) != nil {
			continue
		}
		ev.ID = e.ID
		if len(types) > 0 && !slices.Contains(types, ev.Type) {
			continue
		}
		out = append(out, ev)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// Recent returns up to limit of the newest events of types, newest first.
func (l *Log) Recent(ctx context.Context, types []string, limit int) ([]Event, error) {
	all, err := l.Since(ctx, "", types, 0)
	if err != nil {
		return nil, err
	}
	slices.Reverse(all)
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	return all, nil
}

// Last is the id of the newest event kept ("" when there is none).
func (l *Log) Last(ctx context.Context) (string, error) {
	entries, err := l.store.Since(ctx, l.stream(), "", 0)
	if err != nil || len(entries) == 0 {
		return "", err
	}
	return entries[len(entries)-1].ID, nil
}

// MaxAge is how long events are kept.
func (l *Log) MaxAge() time.Duration { return l.maxAge }

// Store is the state store the log is on.
func (l *Log) Store() guard.Store { return l.store }

// Namespace is the tenant's key prefix on the store.
func (l *Log) Namespace() string { return l.ns }
