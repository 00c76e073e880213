package leeloo_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// TestWriteRetriedOnlyWhenNotDelivered ties the retry of a write to
// MaybeDelivered, the one answer to "can this failed write have reached
// Leeloo?": for every kind of failure, a write is sent again exactly when
// MaybeDelivered says it cannot have, and Leeloo gave no answer the caller
// must act on (a rejection or a rate limit). A cancelled call is never
// retried.
func TestWriteRetriedOnlyWhenNotDelivered(t *testing.T) {
	cases := []struct {
		name           string
		handler        http.HandlerFunc // nil: nothing listens
		cancelAfter    time.Duration    // > 0: the caller cancels then
		timeout        time.Duration
		maybeDelivered bool
		retried        bool
	}{
		{name: "dial fails", maybeDelivered: false, retried: true},
		{name: "timeout after sending", handler: hang, timeout: 50 * time.Millisecond, maybeDelivered: true},
		{name: "body stalls", handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"status": 1, "da`))
			w.(http.Flusher).Flush()
			hang(w, r)
		}, timeout: 100 * time.Millisecond, maybeDelivered: true},
		{name: "cancelled while sent", handler: hang, cancelAfter: 50 * time.Millisecond, maybeDelivered: true},
		{name: "500", handler: serveText(http.StatusInternalServerError, "Internal Server Error", nil), maybeDelivered: true},
		{name: "502", handler: serveBytes(http.StatusBadGateway, []byte(`{}`)), maybeDelivered: true},
		{name: "2xx not JSON", handler: serveText(http.StatusOK, "<html>ok</html>", nil), maybeDelivered: true},
		{name: "2xx without status", handler: serveBytes(http.StatusOK, []byte(`{"data":{}}`)), maybeDelivered: true},
		{name: "redirect", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.1:1/elsewhere", http.StatusTemporaryRedirect)
		}, maybeDelivered: true},
		{name: "429", handler: serveText(http.StatusTooManyRequests, tooMany, map[string]string{"Retry-After": "0"}), maybeDelivered: false},
		{name: "400 validation", handler: serveBytes(http.StatusBadRequest, []byte(`{"status":0,"error":{"code":"VALIDATION_ERROR","fields":{"text":"REQUIRED"}}}`)), maybeDelivered: false},
		{name: "404", handler: serveBytes(http.StatusNotFound, []byte(`{"status":0,"error":{"code":"NOT_FOUND"}}`)), maybeDelivered: false},
		{name: "401", handler: serveText(http.StatusUnauthorized, "", nil), maybeDelivered: false},
		{name: "200 with status 0", handler: serveBytes(http.StatusOK, []byte(`{"status":0,"error":{"code":"NOT_FOUND"}}`)), maybeDelivered: false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var base string
			var f *fakeLeeloo
			if tc.handler == nil {
				f = newFake(t, serveBytes(http.StatusOK, nil))
				base = f.baseURL()
				f.Close() // nothing listens on the port any more
			} else {
				f = newFake(t, tc.handler)
				base = f.baseURL()
			}
			c := newClient(t, base, func(o *leeloo.Options) {
				o.MaxRetries = 3
				if tc.timeout > 0 {
					o.Timeout = tc.timeout
				}
			})
			ctx := t.Context()
			if tc.cancelAfter > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				time.AfterFunc(tc.cancelAfter, cancel)
			}

			resp, err := writes["send_message"](ctx, c)
			require.Error(t, err)
			retried := resp.Attempts > 1
			assert.Equal(t, tc.maybeDelivered, leeloo.MaybeDelivered(err), "MaybeDelivered(%v)", err)
			assert.Equal(t, tc.retried, retried, "retried (%d attempts): %v", resp.Attempts, err)

			// The rule itself: retried iff certainly not delivered and
			// unanswered (a *NetworkError), never after a cancel.
			var ne *leeloo.NetworkError
			unanswered := errors.As(err, &ne) && !errors.Is(err, context.Canceled)
			assert.Equal(t, !leeloo.MaybeDelivered(err) && unanswered, retried, "%v", err)
			if tc.handler != nil && !retried {
				assert.Equal(t, 1, f.count(), "sent exactly once")
			}
		})
	}
}
