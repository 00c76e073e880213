package guard

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// A stream in Redis is a Redis Stream: XADD (Redis makes the id), trimmed to
// maxLen and by MINID to maxAge, expiring maxAge after its last append;
// XRANGE reads it.

func (s *redisStore) Append(ctx context.Context, key string, val []byte, now time.Time, maxLen int, maxAge time.Duration) (string, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	k := redisPrefix + key
	pipe := s.c.TxPipeline()
	args := &redis.XAddArgs{Stream: k, Values: []any{"v", val}}
	if maxLen > 0 {
		args.MaxLen = int64(maxLen)
	}
	add := pipe.XAdd(ctx, args)
	if maxAge > 0 {
		pipe.XTrimMinID(ctx, k, strconv.FormatInt(now.Add(-maxAge).UnixMilli(), 10))
		pipe.PExpire(ctx, k, maxAge)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return "", redisErr(err)
	}
	return add.Val(), nil
}

func (s *redisStore) Since(ctx context.Context, key, after string, limit int) ([]StreamEntry, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	start := "-"
	if after != "" {
		if _, _, ok := ParseStreamID(after); ok {
			start = "(" + after
		}
	}
	var msgs []redis.XMessage
	var err error
	if limit > 0 {
		msgs, err = s.c.XRangeN(ctx, redisPrefix+key, start, "+", int64(limit)).Result()
	} else {
		msgs, err = s.c.XRange(ctx, redisPrefix+key, start, "+").Result()
	}
	if err != nil {
		return nil, redisErr(err)
	}
	out := make([]StreamEntry, 0, len(msgs))
	for _, m := range msgs {
		v, _ := m.Values["v"].(string)
		out = append(out, StreamEntry{ID: m.ID, Value: []byte(v)})
	}
	return out, nil
}
