package guard

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisTimeout bounds every Redis command: a Redis that is down or
// slow makes a mutation fail closed quickly instead of hanging the call.
const DefaultRedisTimeout = 500 * time.Millisecond

// redisPrefix starts every key the server writes to Redis.
const redisPrefix = "leeloo-mcp:"

// NewRedisStore is a Store in Redis (redis:// or rediss:// URL), shared by
// replicas: SET NX PXAT claims, Lua scripts for swaps and windows, and keys
// (prefixed leeloo-mcp:) that expire by themselves. Nothing connects here;
// the first command dials, with timeout (DefaultRedisTimeout when zero) on
// dial, read and write and no retry.
func NewRedisStore(rawURL string, timeout time.Duration) (Store, error) {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		// The URL may hold a password: never repeat it.
		return nil, errors.New("--state: not a valid redis:// or rediss:// URL")
	}
	if timeout <= 0 {
		timeout = DefaultRedisTimeout
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout, opt.PoolTimeout = timeout, timeout, timeout, timeout
	opt.MaxRetries = -1
	opt.DisableIdentity = true
	return &redisStore{c: redis.NewClient(opt), timeout: timeout}, nil
}

type redisStore struct {
	c       *redis.Client
	timeout time.Duration
}

func (s *redisStore) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

func redisErr(err error) error {
	if err == nil || errors.Is(err, redis.Nil) {
		return nil
	}
	return fmt.Errorf("redis: %w", err)
}

// ms is t in unix milliseconds; 0 for the zero time (no expiry).
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func (s *redisStore) Claim(ctx context.Context, key string, val []byte, exp time.Time) (bool, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	res, err := s.c.SetArgs(ctx, redisPrefix+key, val, redis.SetArgs{Mode: "NX", ExpireAt: exp}).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, redisErr(err)
	}
	return res == "OK", nil
}

func (s *redisStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return found(s.c.Get(ctx, redisPrefix+key).Bytes())
}

// found reads a value reply: redis.Nil is "no value", not an error.
func found(b []byte, err error) ([]byte, bool, error) {
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, redisErr(err)
	}
	return b, true, nil
}

var swapScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if cur ~= ARGV[2] then return 0 end
elseif cur then
  return 0
end
if ARGV[3] == '1' and ARGV[5] == '0' then
  redis.call('SET', KEYS[1], ARGV[4])
elseif ARGV[3] == '1' then
  redis.call('SET', KEYS[1], ARGV[4], 'PXAT', ARGV[5])
else
  redis.call('DEL', KEYS[1])
end
return 1`)

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (s *redisStore) Swap(ctx context.Context, key string, old, val []byte, exp time.Time) (bool, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	n, err := swapScript.Run(ctx, s.c, []string{redisPrefix + key},
		flag(old != nil), old, flag(val != nil), val, ms(exp)).Int()
	if err != nil {
		return false, redisErr(err)
	}
	return n == 1, nil
}

func (s *redisStore) Take(ctx context.Context, key string) ([]byte, bool, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return found(s.c.GetDel(ctx, redisPrefix+key).Bytes())
}

// globEscape escapes the glob characters of a MATCH pattern.
func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`).Replace(s)
}

func (s *redisStore) List(ctx context.Context, prefix string) ([]Entry, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var keys []string
	iter := s.c.Scan(ctx, 0, globEscape(redisPrefix+prefix)+"*", 256).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return nil, redisErr(err)
	}
	var out []Entry
	for _, k := range sortedUnique(keys) {
		pipe := s.c.Pipeline()
		get := pipe.Get(ctx, k)
		ttl := pipe.PExpireTime(ctx, k)
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return nil, redisErr(err)
		}
		b, err := get.Bytes()
		if err != nil {
			continue // gone (expired or taken) since the scan
		}
		e := Entry{Key: strings.TrimPrefix(k, redisPrefix), Value: b}
		if d := ttl.Val(); d > 0 {
			e.Expires = time.UnixMilli(int64(d / time.Millisecond))
		}
		out = append(out, e)
	}
	return out, nil
}

func (s *redisStore) Delete(ctx context.Context, key string) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return redisErr(s.c.Del(ctx, redisPrefix+key).Err())
}

// windowAddScript: KEYS[1] a sorted set of members scored by the time they
// were taken (ms); ARGV now, window, max, member.
var windowAddScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(first[2])}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], tonumber(last[2]) + win)
return {1, 0}`)

func (s *redisStore) WindowAdd(ctx context.Context, key, member string, now time.Time, window time.Duration, max int) (bool, time.Time, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	res, err := windowAddScript.Run(ctx, s.c, []string{redisPrefix + key}, ms(now), window.Milliseconds(), max, member).Int64Slice()
	if err != nil {
		return false, time.Time{}, redisErr(err)
	}
	if len(res) != 2 {
		return false, time.Time{}, fmt.Errorf("redis: unexpected window reply %v", res)
	}
	if res[0] == 1 {
		return true, time.Time{}, nil
	}
	return false, time.UnixMilli(res[1]).UTC(), nil
}

func (s *redisStore) WindowCount(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	zs, err := s.c.ZRangeByScoreWithScores(ctx, redisPrefix+key, &redis.ZRangeBy{
		Min: "(" + strconv.FormatInt(ms(now)-window.Milliseconds(), 10), Max: "+inf",
	}).Result()
	if err != nil {
		return 0, time.Time{}, redisErr(err)
	}
	if len(zs) == 0 {
		return 0, time.Time{}, nil
	}
	return len(zs), time.UnixMilli(int64(zs[0].Score)).UTC(), nil
}

func (s *redisStore) WindowRemove(ctx context.Context, key, member string) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return redisErr(s.c.ZRem(ctx, redisPrefix+key, member).Err())
}

// readPace is the Lua both pace scripts start with: the "tat:blocked" (ms)
// value under KEYS[1] read into tat and blocked (0 when absent).
const readPace = `
local tat, blocked = 0, 0
local v = redis.call('GET', KEYS[1])
if v then
  local a, b = string.match(v, '^(%-?%d+):(%-?%d+)$')
  tat, blocked = tonumber(a) or 0, tonumber(b) or 0
end
`

// paceScript keeps "tat:blocked" (ms) under KEYS[1]; ARGV now, interval,
// burst, ttl; the same algorithm as pace() in store_local.go.
var paceScript = redis.NewScript(readPace + `local now, iv, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local nxt = math.max(tat, now, blocked) + iv
local at = math.max(nxt - burst * iv, now, blocked)
redis.call('SET', KEYS[1], string.format('%d:%d', nxt, blocked), 'PXAT', math.max(nxt, blocked) + tonumber(ARGV[4]))
return at - now`)

// blockScript raises blocked to ARGV[1] (ms) unless it is already later;
// ARGV[2] is the ttl.
var blockScript = redis.NewScript(readPace + `local u = tonumber(ARGV[1])
if u <= blocked then return 0 end
redis.call('SET', KEYS[1], string.format('%d:%d', tat, u), 'PXAT', math.max(tat, u) + tonumber(ARGV[2]))
return 1`)

func (s *redisStore) Pace(ctx context.Context, key string, now time.Time, interval time.Duration, burst int) (time.Duration, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	n, err := paceScript.Run(ctx, s.c, []string{redisPrefix + key}, ms(now), interval.Milliseconds(), burst, paceTTL.Milliseconds()).Int64()
	if err != nil {
		return 0, redisErr(err)
	}
	return time.Duration(n) * time.Millisecond, nil
}

func (s *redisStore) Block(ctx context.Context, key string, until time.Time) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return redisErr(blockScript.Run(ctx, s.c, []string{redisPrefix + key}, ms(until), paceTTL.Milliseconds()).Err())
}

func (s *redisStore) Close() error { return s.c.Close() }

func sortedUnique(keys []string) []string {
	seen := map[string]bool{}
	out := keys[:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
