package guard

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"
)

// NewMemoryStore is a Store in this process's memory (--state memory): for
// tests and single processes that accept forgetting on restart. now is the
// clock (time.Now when nil).
func NewMemoryStore(now func() time.Time) Store {
	if now == nil {
		now = time.Now
	}
	return &localStore{kv: &memoryKV{now: now, m: map[string]memoryEntry{}}}
}

type memoryEntry struct {
	val []byte
	exp time.Time
}

func (e memoryEntry) live(now time.Time) bool { return e.exp.IsZero() || !now.After(e.exp) }

// memoryKV is a map under a mutex; expired entries are swept every
// sweepEvery writes.
type memoryKV struct {
	now    func() time.Time
	mu     sync.Mutex
	m      map[string]memoryEntry
	writes int
}

const sweepEvery = 64

func (k *memoryKV) update(_ context.Context, key string, fn updateFunc) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	e, ok := k.m[key]
	ok = ok && e.live(now)
	next, exp, write := fn(e.val, e.exp, ok)
	if !write {
		return nil
	}
	if next == nil {
		delete(k.m, key)
	} else {
		k.m[key] = memoryEntry{append([]byte(nil), next...), exp}
	}
	if k.writes++; k.writes%sweepEvery == 0 {
		for key, e := range k.m {
			if !e.live(now) {
				delete(k.m, key)
			}
		}
	}
	return nil
}

func (k *memoryKV) get(_ context.Context, key string) ([]byte, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.m[key]
	if !ok || !e.live(k.now()) {
		return nil, false, nil
	}
	return append([]byte(nil), e.val...), true, nil
}

func (k *memoryKV) list(_ context.Context, prefix string) ([]Entry, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	var out []Entry
	for key, e := range k.m {
		if strings.HasPrefix(key, prefix) && e.live(now) {
			out = append(out, Entry{Key: key, Value: append([]byte(nil), e.val...), Expires: e.exp})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (k *memoryKV) close() error { return nil }
