package leeloo_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

const tooMany = "Too many requests, please try again later."

// failThen answers the first n requests with fail and the rest with ok.
func failThen(n int, fail, ok http.HandlerFunc) http.HandlerFunc {
	var seen atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if int(seen.Add(1)) <= n {
			fail(w, r)
			return
		}
		ok(w, r)
	}
}

// hang blocks until the client gives up (or the test ends).
func hang(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}

func TestReadRetriedAfter429HonoursRetryAfter(t *testing.T) {
	f := newFake(t, failThen(1,
		serveText(http.StatusTooManyRequests, tooMany, map[string]string{"Retry-After": "1"}),
		serveBytes(http.StatusOK, fixture(t, "list_tags.json"))))
	c := newClient(t, f.baseURL())

	start := time.Now()
	tags, resp, err := c.Tags.List(t.Context())
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "waited for Retry-After: 1")
	assert.Len(t, tags, 1)
	assert.Equal(t, 2, resp.Attempts)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 2, f.count())
}

func TestReadRetriedAfter5xx(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusRequestTimeout} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			f := newFake(t, failThen(2,
				serveText(status, "Service Unavailable", nil),
				serveBytes(http.StatusOK, fixture(t, "get_user.json"))))
			c := newClient(t, f.baseURL())

			u, resp, err := c.Users.Get(t.Context(), "632af797bd3cc466fe1af584")
			require.NoError(t, err)
			assert.Equal(t, "John Mack", u.Name)
			assert.Equal(t, 3, resp.Attempts)
			assert.Equal(t, 3, f.count())
		})
	}
}

func TestReadGivesUpAfterMaxRetries(t *testing.T) {
	f := newFake(t, serveText(http.StatusServiceUnavailable, "down", nil))
	c := newClient(t, f.baseURL(), func(o *leeloo.Options) { o.MaxRetries = 2 })

	_, resp, err := c.Orders.List(t.Context(), nil)
	var ae *leeloo.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusServiceUnavailable, ae.HTTPStatus)
	assert.Equal(t, 3, resp.Attempts)
	assert.Equal(t, 3, f.count())

	f2 := newFake(t, serveText(http.StatusServiceUnavailable, "down", nil))
	_, resp, err = newClient(t, f2.baseURL()).Orders.List(t.Context(), nil)
	require.Error(t, err)
	assert.Equal(t, 1+leeloo.DefaultMaxRetries, resp.Attempts, "default retries")

	f3 := newFake(t, serveText(http.StatusServiceUnavailable, "down", nil))
	_, resp, err = newClient(t, f3.baseURL(), noRetry).Orders.List(t.Context(), nil)
	require.Error(t, err)
	assert.Equal(t, 1, resp.Attempts, "negative MaxRetries: no retry")
}

func TestReadNotRetriedOnClientErrors(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusBadRequest, []byte(`{"status": 0, "error": {"code": "FORMAT_ERROR"}}`)))
	c := newClient(t, f.baseURL())

	_, resp, err := c.Tags.List(t.Context())
	require.Error(t, err)
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, 1, f.count())
}

// writes are the mutating endpoints a retry could duplicate.
var writes = map[string]func(ctx context.Context, c *leeloo.Client) (*leeloo.Response, error){
	"send_message": func(ctx context.Context, c *leeloo.Client) (*leeloo.Response, error) {
		return c.Messages.Send(ctx, leeloo.SendMessageRequest{AccountID: "a1", Text: "hi"})
	},
	"create_order": func(ctx context.Context, c *leeloo.Client) (*leeloo.Response, error) {
		_, resp, err := c.Orders.Create(ctx, leeloo.CreateOrderRequest{
			PaymentCreditsID: "pc", OfferID: "of", PersonID: "p1", TransactionDate: time.Now(),
		})
		return resp, err
	},
	"add_tag": func(ctx context.Context, c *leeloo.Client) (*leeloo.Response, error) {
		return c.People.AddTag(ctx, "p1", "t1")
	},
}

func TestWriteSentOnceOn5xx(t *testing.T) {
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, serveText(http.StatusInternalServerError, "Internal Server Error", nil))
			c := newClient(t, f.baseURL(), func(o *leeloo.Options) { o.MaxRetries = 5 })

			resp, err := write(t.Context(), c)
			var ae *leeloo.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, http.StatusInternalServerError, ae.HTTPStatus)
			assert.Equal(t, 1, f.count(), "sent exactly once")
			assert.Equal(t, 1, resp.Attempts)
		})
	}
}

func TestWriteSentOnceOn429(t *testing.T) {
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, serveText(http.StatusTooManyRequests, tooMany, map[string]string{"Retry-After": "1"}))
			c := newClient(t, f.baseURL())

			resp, err := write(t.Context(), c)
			var rl *leeloo.RateLimitError
			require.ErrorAs(t, err, &rl)
			assert.Equal(t, time.Second, rl.RetryAfter)
			assert.Equal(t, 1, f.count(), "sent exactly once")
			assert.Equal(t, 1, resp.Attempts)
		})
	}
}

func TestWriteSentOnceOnTimeout(t *testing.T) {
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, hang)
			c := newClient(t, f.baseURL(), func(o *leeloo.Options) { o.Timeout = 50 * time.Millisecond })

			resp, err := write(t.Context(), c)
			var ne *leeloo.NetworkError
			require.ErrorAs(t, err, &ne)
			assert.True(t, ne.Timeout())
			assert.False(t, ne.NotSent())
			assert.Contains(t, err.Error(), "timed out")
			assert.Equal(t, 1, f.count(), "sent exactly once")
			assert.Equal(t, 1, resp.Attempts)
		})
	}
}

func TestWriteSentOnceWhenTheBodyStalls(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"status": 1, "da`))
		w.(http.Flusher).Flush()
		hang(w, r)
	})
	c := newClient(t, f.baseURL(), func(o *leeloo.Options) { o.Timeout = 100 * time.Millisecond })

	resp, err := writes["create_order"](t.Context(), c)
	var ne *leeloo.NetworkError
	require.ErrorAs(t, err, &ne, "%v", err)
	assert.True(t, ne.Timeout(), "%v", err)
	assert.Equal(t, 1, f.count(), "sent exactly once")
	assert.Equal(t, 1, resp.Attempts)
}

func TestWriteMayRetryWhenDialFails(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, nil))
	base := f.baseURL()
	f.Close() // nothing listens on the port any more

	c := newClient(t, base)
	resp, err := writes["send_message"](t.Context(), c)
	var ne *leeloo.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.NotSent())
	assert.GreaterOrEqual(t, resp.Attempts, 1)
}

func TestReadTimeout(t *testing.T) {
	f := newFake(t, hang)
	c := newClient(t, f.baseURL(), func(o *leeloo.Options) {
		o.Timeout = 50 * time.Millisecond
		o.MaxRetries = 1
	})

	_, resp, err := c.People.List(t.Context(), nil)
	var ne *leeloo.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout())
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, "/people", ne.Path)
	assert.Equal(t, 2, resp.Attempts, "a read is retried after a timeout")
	assert.Equal(t, 2, f.count())
}

func TestRetryAfterBeyondMaxRetryWaitGivesUpAtOnce(t *testing.T) {
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	cases := map[string]struct {
		header map[string]string
		want   time.Duration
		slack  time.Duration
	}{
		"seconds":                {map[string]string{"Retry-After": "120"}, 120 * time.Second, 0},
		"HTTP date":              {map[string]string{"Retry-After": future}, time.Hour, 5 * time.Second},
		"X-RateLimit-Reset":      {map[string]string{"X-RateLimit-Reset": "90"}, 90 * time.Second, 0},
		"X-RateLimit-Reset unix": {map[string]string{"X-RateLimit-Reset": strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)}, time.Hour, 5 * time.Second},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, serveText(http.StatusTooManyRequests, tooMany, tc.header))
			c := newClient(t, f.baseURL(), func(o *leeloo.Options) { o.MaxRetryWait = 10 * time.Second })

			_, resp, err := c.Tags.List(t.Context())
			var rl *leeloo.RateLimitError
			require.ErrorAs(t, err, &rl)
			assert.InDelta(t, float64(tc.want), float64(rl.RetryAfter), float64(tc.slack))
			assert.Equal(t, 1, f.count(), "no retry when the wait is too long")
			assert.Equal(t, 1, resp.Attempts)
			assert.Equal(t, http.StatusTooManyRequests, rl.HTTPStatus)
			assert.Contains(t, rl.Message, "Too many requests")
			assert.Contains(t, err.Error(), "retry after")
		})
	}
}

func TestContextCancellationStopsRetries(t *testing.T) {
	arrived := make(chan struct{}, 10)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		serveText(http.StatusServiceUnavailable, "down", nil)(w, r)
	})
	// A long backoff: the client would wait ~a minute between attempts.
	c := newClient(t, f.baseURL(), func(o *leeloo.Options) {
		o.BackoffBase = time.Minute
		o.BackoffCap = time.Minute
		o.MaxRetries = 5
	})

	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-arrived
		cancel()
	}()
	done := make(chan struct{})
	var resp *leeloo.Response
	var err error
	go func() {
		defer close(done)
		_, resp, err = c.Tags.List(ctx)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the call did not stop when its context was cancelled")
	}
	require.Error(t, err)
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, 1, f.count())
}

func TestContextCancelledDuringRequest(t *testing.T) {
	f := newFake(t, hang)
	c := newClient(t, f.baseURL(), func(o *leeloo.Options) { o.MaxRetries = 5 })

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, resp, err := c.Tags.List(ctx)
	var ne *leeloo.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.LessOrEqual(t, resp.Attempts, 2, "no retry loop once the caller's context is done")

	ctx2, cancel2 := context.WithCancel(t.Context())
	cancel2()
	_, _, err = c.Tags.List(ctx2)
	require.ErrorAs(t, err, &ne)
	assert.True(t, errors.Is(err, context.Canceled))
}

func TestClientRateLimiterSpacesRequests(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, fixture(t, "list_tags.json")))
	// 600 a minute is one every 100ms, after a burst of 10.
	c := newClient(t, f.baseURL(), func(o *leeloo.Options) { o.RequestsPerMinute = 600 })

	start := time.Now()
	for range 10 {
		_, _, err := c.Tags.List(t.Context())
		require.NoError(t, err)
	}
	burst := time.Since(start)
	for range 2 {
		_, _, err := c.Tags.List(t.Context())
		require.NoError(t, err)
	}
	// The 11th and 12th requests wait ~100ms each; allow for the burst
	// having refilled a little.
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond, "burst took %s", burst)
	assert.Equal(t, 12, f.count())
}

func TestClientRateLimiterHonoursContext(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, fixture(t, "list_tags.json")))
	c := newClient(t, f.baseURL(), func(o *leeloo.Options) { o.RequestsPerMinute = 1 })

	for range 10 {
		_, _, err := c.Tags.List(t.Context())
		require.NoError(t, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, resp, err := c.Tags.List(ctx)
	var ne *leeloo.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 0, resp.Attempts, "never sent")
	assert.Equal(t, 10, f.count())
}

// TestReadTotalTimeCapped: --timeout bounds each attempt, and a read's
// attempts and waits together stay within TotalTimeout (2 × Timeout by
// default): a 100 ms timeout with 5 retries does not take 600 ms.
func TestReadTotalTimeCapped(t *testing.T) {
	f := newFake(t, hang)
	c := newClient(t, f.baseURL(), func(o *leeloo.Options) {
		o.Timeout = 100 * time.Millisecond
		o.MaxRetries = 5
		o.BackoffBase, o.BackoffCap = time.Millisecond, time.Millisecond
	})
	start := time.Now()
	_, resp, err := c.People.List(t.Context(), nil)
	elapsed := time.Since(start)
	var ne *leeloo.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout())
	assert.GreaterOrEqual(t, resp.Attempts, 2, "still retried")
	assert.Less(t, elapsed, 350*time.Millisecond, "the read's total time is capped at 2 × the timeout")
}
