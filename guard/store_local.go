package guard

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"time"
)

// kvEngine is what the memory and file stores implement: one atomic
// read-modify-write of one key, a read and a prefix listing. localStore
// builds the Store on it, so both share every rule but their storage.
type kvEngine interface {
	// update runs fn on the live value under key (expired counts as absent)
	// and, when fn says so, stores next until exp (nil next deletes), all in
	// one atomic step that also sweeps expired entries.
	update(ctx context.Context, key string, fn updateFunc) error
	get(ctx context.Context, key string) ([]byte, bool, error)
	list(ctx context.Context, prefix string) ([]Entry, error)
	close() error
}

// updateFunc sees the live value under a key (ok false: none) and its
// expiry, and returns the next value (nil deletes), its expiry and whether to
// write at all.
type updateFunc func(cur []byte, curExp time.Time, ok bool) (next []byte, exp time.Time, write bool)

// localStore is a Store over a kvEngine.
type localStore struct{ kv kvEngine }

func (s *localStore) Claim(ctx context.Context, key string, val []byte, exp time.Time) (bool, error) {
	won := false
	err := s.kv.update(ctx, key, func(_ []byte, _ time.Time, ok bool) ([]byte, time.Time, bool) {
		if ok {
			return nil, time.Time{}, false
		}
		won = true
		return val, exp, true
	})
	return won && err == nil, err
}

func (s *localStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	return s.kv.get(ctx, key)
}

func (s *localStore) Swap(ctx context.Context, key string, old, val []byte, exp time.Time) (bool, error) {
	swapped := false
	err := s.kv.update(ctx, key, func(cur []byte, _ time.Time, ok bool) ([]byte, time.Time, bool) {
		if ok != (old != nil) || (ok && !bytes.Equal(cur, old)) {
			return nil, time.Time{}, false
		}
		swapped = true
		return val, exp, true
	})
	return swapped && err == nil, err
}

func (s *localStore) Take(ctx context.Context, key string) ([]byte, bool, error) {
	var got []byte
	taken := false
	err := s.kv.update(ctx, key, func(cur []byte, _ time.Time, ok bool) ([]byte, time.Time, bool) {
		if !ok {
			return nil, time.Time{}, false
		}
		got, taken = append([]byte(nil), cur...), true
		return nil, time.Time{}, true
	})
	if err != nil {
		return nil, false, err
	}
	return got, taken, nil
}

func (s *localStore) List(ctx context.Context, prefix string) ([]Entry, error) {
	return s.kv.list(ctx, prefix)
}

func (s *localStore) Delete(ctx context.Context, key string) error {
	return s.kv.update(ctx, key, func(_ []byte, _ time.Time, ok bool) ([]byte, time.Time, bool) {
		return nil, time.Time{}, ok
	})
}

// A window is encoded as records of 8 bytes unix nanoseconds, one byte
// member length and the member, oldest first.
type windowSlot struct {
	at     time.Time
	member string
}

func decodeWindow(b []byte) []windowSlot {
	var out []windowSlot
	for len(b) >= 9 {
		n := int(b[8])
		if len(b) < 9+n {
			break
		}
		out = append(out, windowSlot{time.Unix(0, int64(binary.BigEndian.Uint64(b[:8]))).UTC(), string(b[9 : 9+n])})
		b = b[9+n:]
	}
	return out
}

func encodeWindow(slots []windowSlot) []byte {
	var b []byte
	for _, s := range slots {
		b = binary.BigEndian.AppendUint64(b, uint64(s.at.UnixNano()))
		m := s.member
		if len(m) > 255 {
			m = m[:255]
		}
		b = append(b, byte(len(m)))
		b = append(b, m...)
	}
	return b
}

// liveSlots drops the slots taken window or longer before now.
func liveSlots(slots []windowSlot, now time.Time, window time.Duration) []windowSlot {
	cut := 0
	for cut < len(slots) && now.Sub(slots[cut].at) >= window {
		cut++
	}
	return slots[cut:]
}

func (s *localStore) WindowAdd(ctx context.Context, key, member string, now time.Time, window time.Duration, max int) (bool, time.Time, error) {
	added, oldest := false, time.Time{}
	err := s.kv.update(ctx, key, func(cur []byte, _ time.Time, _ bool) ([]byte, time.Time, bool) {
		slots := liveSlots(decodeWindow(cur), now, window)
		if len(slots) >= max {
			oldest = slots[0].at
			return nil, time.Time{}, false
		}
		// Keep the slots in time order even if a caller's clock is behind.
		i := len(slots)
		for i > 0 && slots[i-1].at.After(now) {
			i--
		}
		slots = append(slots[:i], append([]windowSlot{{now, member}}, slots[i:]...)...)
		added = true
		return encodeWindow(slots), slots[len(slots)-1].at.Add(window), true
	})
	if err != nil {
		return false, time.Time{}, err
	}
	return added, oldest, nil
}

func (s *localStore) WindowCount(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error) {
	cur, _, err := s.kv.get(ctx, key)
	if err != nil {
		return 0, time.Time{}, err
	}
	slots := liveSlots(decodeWindow(cur), now, window)
	if len(slots) == 0 {
		return 0, time.Time{}, nil
	}
	return len(slots), slots[0].at, nil
}

func (s *localStore) WindowRemove(ctx context.Context, key, member string) error {
	return s.kv.update(ctx, key, func(cur []byte, exp time.Time, _ bool) ([]byte, time.Time, bool) {
		slots := decodeWindow(cur)
		for i := range slots {
			if slots[i].member == member {
				slots = append(slots[:i], slots[i+1:]...)
				if len(slots) == 0 {
					return nil, time.Time{}, true
				}
				return encodeWindow(slots), exp, true
			}
		}
		return nil, time.Time{}, false
	})
}

// A pace is 16 bytes: the next request's theoretical arrival time and the
// blocked-until time, unix nanoseconds.
func decodePace(b []byte) (tat, blocked time.Time) {
	if len(b) != 16 {
		return time.Time{}, time.Time{}
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(b[:8]))), time.Unix(0, int64(binary.BigEndian.Uint64(b[8:])))
}

func encodePace(tat, blocked time.Time) []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(tat.UnixNano()))
	return binary.BigEndian.AppendUint64(b, uint64(blocked.UnixNano()))
}

// pace is the generic cell rate algorithm with a block: the reservation
// starts no earlier than the last one, now or the block, whichever is
// latest; burst reservations may go at once.
func pace(tat, blocked, now time.Time, interval time.Duration, burst int) (next time.Time, wait time.Duration) {
	base := latest(tat, now, blocked)
	next = base.Add(interval)
	at := latest(next.Add(-time.Duration(burst)*interval), now, blocked)
	return next, at.Sub(now)
}

func latest(ts ...time.Time) time.Time {
	m := ts[0]
	for _, t := range ts[1:] {
		if t.After(m) {
			m = t
		}
	}
	return m
}

// paceTTL is how long a pace entry outlives its last reservation or block.
const paceTTL = time.Minute

func (s *localStore) Pace(ctx context.Context, key string, now time.Time, interval time.Duration, burst int) (time.Duration, error) {
	var wait time.Duration
	err := s.kv.update(ctx, key, func(cur []byte, _ time.Time, _ bool) ([]byte, time.Time, bool) {
		tat, blocked := decodePace(cur)
		var next time.Time
		next, wait = pace(tat, blocked, now, interval, burst)
		return encodePace(next, blocked), latest(next, blocked).Add(paceTTL), true
	})
	return wait, err
}

func (s *localStore) Block(ctx context.Context, key string, until time.Time) error {
	return s.kv.update(ctx, key, func(cur []byte, _ time.Time, _ bool) ([]byte, time.Time, bool) {
		tat, blocked := decodePace(cur)
		if !until.After(blocked) {
			return nil, time.Time{}, false
		}
		return encodePace(tat, until), latest(tat, until).Add(paceTTL), true
	})
}

func (s *localStore) Close() error { return s.kv.close() }

// errClosed is returned by a store used after Close.
var errClosed = errors.New("state store is closed")
