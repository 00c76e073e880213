package leeloo

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	cases := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"seconds", map[string]string{"Retry-After": "1"}, time.Second},
		{"seconds with spaces", map[string]string{"Retry-After": " 30 "}, 30 * time.Second},
		{"zero", map[string]string{"Retry-After": "0"}, 0},
		{"HTTP date", map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second},
		{"HTTP date in the past", map[string]string{"Retry-After": now.Add(-time.Minute).Format(http.TimeFormat)}, 0},
		{"RFC 850 date", map[string]string{"Retry-After": now.Add(time.Minute).Format(time.RFC850)}, time.Minute},
		{"Retry-After wins", map[string]string{"Retry-After": "5", "X-RateLimit-Reset": "60"}, 5 * time.Second},
		{"reset seconds", map[string]string{"X-RateLimit-Reset": "60"}, time.Minute},
		{"reset unix time", map[string]string{"X-RateLimit-Reset": strconv.FormatInt(now.Add(45*time.Second).Unix(), 10)}, 45 * time.Second},
		{"reset unix time in the past", map[string]string{"X-RateLimit-Reset": strconv.FormatInt(now.Add(-time.Hour).Unix(), 10)}, 0},
		{"garbage falls back to reset", map[string]string{"Retry-After": "soon", "X-RateLimit-Reset": "7"}, 7 * time.Second},
		{"negative", map[string]string{"Retry-After": "-3"}, defaultRetryAfter},
		{"garbage", map[string]string{"Retry-After": "soon", "X-RateLimit-Reset": "later"}, defaultRetryAfter},
		{"none", nil, defaultRetryAfter},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			assert.Equal(t, tc.want, retryAfter(h, now))
		})
	}
}

// newTestLimiter is a limiter whose clock starts at t0 with a full bucket.
func newTestLimiter(perMinute, burst int, t0 time.Time) *limiter {
	l := newLimiter(perMinute, burst)
	l.last = t0
	return l
}

func TestLimiterReserve(t *testing.T) {
	t0 := time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	l := newTestLimiter(600, 10, t0) // one token every 100ms

	for i := range 10 {
		assert.Zero(t, l.reserve(t0), "request %d is in the burst", i+1)
	}
	assert.Equal(t, 100*time.Millisecond, l.reserve(t0), "11th waits one interval")
	assert.Equal(t, 200*time.Millisecond, l.reserve(t0), "12th waits two")

	// 350ms later 3.5 tokens were earned against a debt of 2: the next
	// request may go at once, the one after waits the missing half.
	t1 := t0.Add(350 * time.Millisecond)
	assert.Zero(t, l.reserve(t1))
	assert.Equal(t, 50*time.Millisecond, l.reserve(t1))

	// A long pause refills the bucket only up to the burst.
	t2 := t1.Add(time.Hour)
	for i := range 10 {
		assert.Zero(t, l.reserve(t2), "request %d after a pause", i+1)
	}
	assert.Equal(t, 100*time.Millisecond, l.reserve(t2))

	// A caller that gives up returns its token.
	l.cancel()
	assert.Equal(t, 100*time.Millisecond, l.reserve(t2))
}

func TestLimiterReserveSteadyRate(t *testing.T) {
	t0 := time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	l := newTestLimiter(60, 1, t0) // one a second, no burst

	assert.Zero(t, l.reserve(t0))
	assert.Equal(t, time.Second, l.reserve(t0))
	// Requests arriving at the rate keep the one-slot debt: each waits one
	// interval, never more.
	now := t0
	for range 5 {
		now = now.Add(time.Second)
		assert.Equal(t, time.Second, l.reserve(now))
	}
}

func TestDefaultLimiterIsUnderTheVendorsLimit(t *testing.T) {
	c, err := NewClient(Options{Token: "t"})
	require.NoError(t, err)
	require.NotNil(t, c.limiter)
	assert.Equal(t, time.Minute/DefaultRequestsPerMin, c.limiter.(*limiter).interval)
	assert.LessOrEqual(t, DefaultRequestsPerMin, 300)

	c, err = NewClient(Options{Token: "t", RequestsPerMinute: -1})
	require.NoError(t, err)
	assert.Nil(t, c.limiter, "negative means unlimited")
}

func TestBackoffIsCappedWithJitter(t *testing.T) {
	c, err := NewClient(Options{Token: "t", BackoffBase: 100 * time.Millisecond, BackoffCap: time.Second})
	require.NoError(t, err)
	for attempt, max := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		max *= time.Millisecond
		for range 50 {
			d := c.backoff(attempt)
			assert.GreaterOrEqual(t, d, max/2, "attempt %d", attempt)
			assert.LessOrEqual(t, d, max, "attempt %d", attempt)
		}
	}
	// Shifts that overflow fall back to the cap.
	d := c.backoff(80)
	assert.LessOrEqual(t, d, time.Second)
	assert.GreaterOrEqual(t, d, 500*time.Millisecond)
}
