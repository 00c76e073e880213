package leeloo

import (
	"context"
	"sync"
	"time"
)

// RateLimiter paces the client's requests to Leeloo, which allows 300 per
// minute per account. The default (NewRateLimiter) is this process's own
// token bucket; one shared through a store lets several processes or
// replicas keep one account's limit together.
type RateLimiter interface {
	// Wait blocks until one more request may be sent, or ctx ends.
	Wait(ctx context.Context) error
	// Block holds every request until until: Leeloo answered 429.
	Block(until time.Time)
}

// NewRateLimiter is a token bucket in this process: perMinute requests a
// minute, burst of them at once.
func NewRateLimiter(perMinute, burst int) RateLimiter { return newLimiter(perMinute, burst) }

// DefaultRateLimiterBurst is the burst of the default rate limiter.
const DefaultRateLimiterBurst = defaultRateLimiterBurst

// limiter is a token bucket that spaces requests to a per-minute rate.
type limiter struct {
	mu       sync.Mutex
	interval time.Duration // time to earn one token
	burst    float64
	tokens   float64
	last     time.Time
	blocked  time.Time // no request before (a 429)
}

func newLimiter(perMinute, burst int) *limiter {
	return &limiter{
		interval: time.Minute / time.Duration(perMinute),
		burst:    float64(burst),
		tokens:   float64(burst),
		last:     time.Now(),
	}
}

// reserve takes a token and says how long to wait before using it.
func (l *limiter) reserve(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens += float64(now.Sub(l.last)) / float64(l.interval)
	if l.tokens > l.burst {
		l.tokens = l.burst
	}
	l.last = now
	l.tokens--
	var d time.Duration
	if l.tokens < 0 {
		d = time.Duration(-l.tokens * float64(l.interval))
	}
	if b := l.blocked.Sub(now); b > d {
		d = b
	}
	return d
}

// Block holds every request until until.
func (l *limiter) Block(until time.Time) {
	l.mu.Lock()
	if until.After(l.blocked) {
		l.blocked = until
	}
	l.mu.Unlock()
}

// Wait blocks until the request may go, or ctx ends.
func (l *limiter) Wait(ctx context.Context) error { return l.wait(ctx) }

// cancel gives back a token reserved by a caller that stopped waiting.
func (l *limiter) cancel() {
	l.mu.Lock()
	l.tokens++
	l.mu.Unlock()
}

// wait blocks until the request may go, or ctx ends.
func (l *limiter) wait(ctx context.Context) error {
	d := l.reserve(time.Now())
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		l.cancel()
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
