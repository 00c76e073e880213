package leeloo_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// countingLimiter is a RateLimiter that records what the client asks.
type countingLimiter struct {
	mu     sync.Mutex
	waits  int
	blocks []time.Time
}

func (l *countingLimiter) Wait(context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waits++
	return nil
}

func (l *countingLimiter) Block(until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.blocks = append(l.blocks, until)
}

// TestClientUsesTheGivenRateLimiter: every attempt waits on the limiter the
// caller gave (one shared by replicas), and a 429 blocks it for everyone.
func TestClientUsesTheGivenRateLimiter(t *testing.T) {
	f := newFake(t, failThen(1,
		serveText(http.StatusTooManyRequests, tooMany, map[string]string{"Retry-After": "1"}),
		serveBytes(http.StatusOK, fixture(t, "list_tags.json"))))
	rl := &countingLimiter{}
	c, err := leeloo.NewClient(leeloo.Options{BaseURL: f.baseURL(), Token: testToken, RateLimiter: rl})
	require.NoError(t, err)
	start := time.Now()
	_, _, err = c.Tags.List(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 2, rl.waits, "one wait per attempt")
	require.Len(t, rl.blocks, 1, "the 429 was reported to the limiter")
	assert.WithinDuration(t, start.Add(time.Second), rl.blocks[0], 500*time.Millisecond)
}

// TestLocalRateLimiterBlock: the default limiter honours a block too.
func TestLocalRateLimiterBlock(t *testing.T) {
	l := leeloo.NewRateLimiter(6000, 10)
	l.Block(time.Now().Add(300 * time.Millisecond))
	start := time.Now()
	require.NoError(t, l.Wait(t.Context()))
	assert.GreaterOrEqual(t, time.Since(start), 250*time.Millisecond)
	ctx, cancel := context.WithCancel(t.Context())
	l.Block(time.Now().Add(time.Hour))
	cancel()
	assert.ErrorIs(t, l.Wait(ctx), context.Canceled)
}
