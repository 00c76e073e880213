package guard

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Stream ids are "ms-seq", as Redis Streams makes them: the memory and file
// stores make the same, so every backend's ids compare alike.

// ParseStreamID splits a stream id into its milliseconds and sequence.
func ParseStreamID(id string) (ms, seq uint64, ok bool) {
	a, b, found := strings.Cut(id, "-")
	if !found {
		return 0, 0, false
	}
	ms, err1 := strconv.ParseUint(a, 10, 64)
	seq, err2 := strconv.ParseUint(b, 10, 64)
	return ms, seq, err1 == nil && err2 == nil
}

// StreamIDLess reports whether stream id a comes before b. An id that does
// not parse comes before every id that does.
func StreamIDLess(a, b string) bool {
	am, as, aok := ParseStreamID(a)
	bm, bs, bok := ParseStreamID(b)
	switch {
	case !aok || !bok:
		return !aok && bok
	case am != bm:
		return am < bm
	default:
		return as < bs
	}
}

// StreamIDTime is when the entry with id was appended (the zero time for an
// id that does not parse).
func StreamIDTime(id string) time.Time {
	ms, _, ok := ParseStreamID(id)
	if !ok {
		return time.Time{}
	}
	return time.UnixMilli(int64(ms)).UTC()
}

func streamID(ms, seq uint64) string {
	return strconv.FormatUint(ms, 10) + "-" + strconv.FormatUint(seq, 10)
}

// localStream is a stream kept as one value of a kvEngine: the last id ever
// made (so ids keep increasing after a trim) and the entries, oldest first.
type localStream struct {
	Last    string        `json:"last"`
	Entries []streamEntry `json:"entries"`
}

type streamEntry struct {
	ID    string `json:"id"`
	Value []byte `json:"v"`
}

func (s *localStore) Append(ctx context.Context, key string, val []byte, now time.Time, maxLen int, maxAge time.Duration) (string, error) {
	var id string
	err := s.kv.update(ctx, key, func(cur []byte, _ time.Time, ok bool) ([]byte, time.Time, bool) {
		var st localStream
		if ok {
			_ = json.Unmarshal(cur, &st)
		}
		ms, seq := uint64(max(now.UnixMilli(), 0)), uint64(0)
		if lm, ls, ok := ParseStreamID(st.Last); ok && lm >= ms {
			ms, seq = lm, ls+1
		}
		id = streamID(ms, seq)
		st.Last = id
		st.Entries = append(st.Entries, streamEntry{ID: id, Value: append([]byte(nil), val...)})
		cut := 0
		if maxLen > 0 && len(st.Entries) > maxLen {
			cut = len(st.Entries) - maxLen
		}
		if maxAge > 0 {
			cutoff := now.Add(-maxAge)
			for cut < len(st.Entries) && StreamIDTime(st.Entries[cut].ID).Before(cutoff) {
				cut++
			}
		}
		st.Entries = st.Entries[cut:]
		b, _ := json.Marshal(st)
		var exp time.Time
		if maxAge > 0 {
			exp = now.Add(maxAge)
		}
		return b, exp, true
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

func (s *localStore) Since(ctx context.Context, key, after string, limit int) ([]StreamEntry, error) {
	cur, ok, err := s.kv.get(ctx, key)
	if err != nil || !ok {
		return nil, err
	}
	var st localStream
	if json.Unmarshal(cur, &st) != nil {
		return nil, nil
	}
	var out []StreamEntry
	for _, e := range st.Entries {
		if after != "" && !StreamIDLess(after, e.ID) {
			continue
		}
		out = append(out, StreamEntry(e))
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}
