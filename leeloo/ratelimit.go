package leeloo

import (
	"context"
	"sync"
	"time"
)

// limiter is a token bucket that spaces requests to a per-minute rate.
type limiter struct {
	mu       sync.Mutex
	interval time.Duration // time to earn one token
	burst    float64
	tokens   float64
	last     time.Time
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
	if l.tokens >= 0 {
		return 0
	}
	return time.Duration(-l.tokens * float64(l.interval))
}

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
