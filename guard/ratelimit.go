package guard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// NewSharedRateLimiter is a leeloo.RateLimiter whose pace lives in store,
// under the tenant's namespace and a hash of account (what identifies the
// Leeloo account, e.g. its token: never stored raw). Replicas sharing the
// store keep the account's perMinute together, and a 429 one of them sees
// slows them all. When the store fails, the process's own bucket paces
// instead: reads keep working while the store is down.
func NewSharedRateLimiter(store Store, tenant, account string, perMinute, burst int, logger *slog.Logger) leeloo.RateLimiter {
	if logger == nil {
		logger = slog.Default()
	}
	h := sha256.Sum256([]byte("leeloo-mcp account\x00" + account))
	return &sharedLimiter{
		store:    store,
		key:      Namespace(tenant) + keyRate + hex.EncodeToString(h[:12]),
		interval: time.Minute / time.Duration(perMinute),
		burst:    burst,
		fallback: leeloo.NewRateLimiter(perMinute, burst),
		logger:   logger,
	}
}

type sharedLimiter struct {
	store    Store
	key      string
	interval time.Duration
	burst    int
	fallback leeloo.RateLimiter
	logger   *slog.Logger
	warned   atomic.Bool
}

func (l *sharedLimiter) warn(err error) {
	if !l.warned.Swap(true) {
		l.logger.Warn("state store unavailable for the shared Leeloo rate limit; pacing this process alone", "err", err)
	}
}

// Wait reserves the account's next request slot and sleeps until it.
func (l *sharedLimiter) Wait(ctx context.Context) error {
	d, err := l.store.Pace(ctx, l.key, time.Now(), l.interval, l.burst)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l.warn(err)
		return l.fallback.Wait(ctx)
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Block holds every process's requests until until.
func (l *sharedLimiter) Block(until time.Time) {
	l.fallback.Block(until)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := l.store.Block(ctx, l.key, until); err != nil {
		l.warn(err)
	}
}
