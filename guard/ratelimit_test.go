package guard

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pacingStore fails Pace and Block while down.
type pacingStore struct {
	Store
	down bool
}

func (p *pacingStore) Pace(ctx context.Context, k string, now time.Time, iv time.Duration, burst int) (time.Duration, error) {
	if p.down {
		return 0, errStoreDown
	}
	return p.Store.Pace(ctx, k, now, iv, burst)
}

func (p *pacingStore) Block(ctx context.Context, k string, until time.Time) error {
	if p.down {
		return errStoreDown
	}
	return p.Store.Block(ctx, k, until)
}

// TestSharedRateLimiter: two processes' limiters on one store share the
// account's rate and a 429's block; a store that fails falls back to this
// process's own bucket instead of failing reads.
func TestSharedRateLimiter(t *testing.T) {
	ctx := context.Background()
	st := &pacingStore{Store: NewMemoryStore(nil)}
	log := slog.New(slog.DiscardHandler)
	a := NewSharedRateLimiter(st, "", "token-1", 600, 2, log) // one per 100ms, burst 2
	b := NewSharedRateLimiter(st, "", "token-1", 600, 2, log)
	other := NewSharedRateLimiter(st, "", "token-2", 600, 2, log)

	start := time.Now()
	require.NoError(t, a.Wait(ctx))
	require.NoError(t, b.Wait(ctx))
	assert.Less(t, time.Since(start), 80*time.Millisecond, "the burst")
	require.NoError(t, a.Wait(ctx))
	assert.GreaterOrEqual(t, time.Since(start), 90*time.Millisecond, "the third request of the account waits, whoever sends it")
	s2 := time.Now()
	require.NoError(t, other.Wait(ctx))
	assert.Less(t, time.Since(s2), 50*time.Millisecond, "another account has its own rate")

	b.Block(time.Now().Add(300 * time.Millisecond))
	s3 := time.Now()
	require.NoError(t, a.Wait(ctx))
	assert.GreaterOrEqual(t, time.Since(s3), 250*time.Millisecond, "a 429 seen by one process holds the other")

	st.down = true
	s4 := time.Now()
	require.NoError(t, a.Wait(ctx), "store down: paced locally, not failed")
	assert.Less(t, time.Since(s4), 2*time.Second)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	st.down = false
	a.Block(time.Now().Add(time.Hour))
	assert.ErrorIs(t, a.Wait(cctx), context.Canceled)
}
