package leeloo_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

var sendReq = leeloo.SendMessageRequest{AccountID: "625946dd58505225f49f1b2c", Text: "hi"}

// TestRedirectsAreRefused: Leeloo's API has no reason to redirect. Neither
// a read nor a write follows one: the other host never sees a request (so
// never the token), a 307/308 does not replay a write, and a 302/303 answer
// to a write is a failure that may have been delivered, never "sent".
func TestRedirectsAreRefused(t *testing.T) {
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			elsewhere := newFake(t, serveBytes(http.StatusOK, []byte(`{"status":1,"data":[]}`)))
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, elsewhere.URL+r.URL.Path, code)
			})
			c := newClient(t, f.baseURL())

			_, _, err := c.Tags.List(t.Context())
			require.Error(t, err, "a redirected read is an error")
			assert.Contains(t, err.Error(), "redirect")
			assert.NotContains(t, err.Error(), testToken)
			assert.False(t, leeloo.MaybeDelivered(err), "a read delivers nothing")

			_, err = c.Messages.Send(t.Context(), sendReq)
			require.Error(t, err, "a redirected write is never reported as done")
			assert.True(t, leeloo.MaybeDelivered(err), "Leeloo may have processed the write before redirecting")
			assert.NotContains(t, err.Error(), testToken)

			assert.Empty(t, elsewhere.requests(), "the redirect target got nothing, so never the token")
			assert.Equal(t, 2, f.count(), "each request sent once: the write is not replayed")
		})
	}
}

// TestRedirectsAreRefusedWithACallersHTTPClient: a caller's own http.Client
// (which follows redirects by default) gets the same protection.
func TestRedirectsAreRefusedWithACallersHTTPClient(t *testing.T) {
	elsewhere := newFake(t, serveBytes(http.StatusOK, []byte(`{"status":1,"data":[]}`)))
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	own := &http.Client{}
	c := newClient(t, f.baseURL(), func(o *leeloo.Options) { o.HTTPClient = own })
	_, _, err := c.Tags.List(t.Context())
	require.Error(t, err)
	assert.Empty(t, elsewhere.requests())
	assert.Nil(t, own.CheckRedirect, "the caller's client is not modified")
}

// TestUnreadableReplyToAWriteMayHaveBeenDelivered: Leeloo answered 2xx, so it
// processed the write, but the reply cannot be read. That is "may have been
// delivered", never a refusal the model may simply repeat.
func TestUnreadableReplyToAWriteMayHaveBeenDelivered(t *testing.T) {
	cases := map[string]http.HandlerFunc{
		"not JSON":  serveText(http.StatusOK, "<html>ok</html>", nil),
		"cut off":   serveText(http.StatusOK, `{"status":1,"data":{"id":"62`, map[string]string{"Content-Type": "application/json"}),
		"no status": serveBytes(http.StatusOK, []byte(`{"data":{}}`)),
		"empty":     serveText(http.StatusOK, "", nil),
		"oversized": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"status":1,"data":"` + strings.Repeat("x", 17<<20) + `"}`))
		},
		"body stops": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"status":1`))
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, h)
			c := newClient(t, f.baseURL())
			_, err := c.Messages.Send(t.Context(), sendReq)
			require.Error(t, err)
			assert.True(t, leeloo.MaybeDelivered(err), "%v", err)
			assert.Equal(t, 1, f.count())
		})
	}
	// Clean refusals are certain: nothing was delivered.
	for name, h := range map[string]http.HandlerFunc{
		"400":                serveBytes(http.StatusBadRequest, []byte(`{"status":0,"error":{"code":"VALIDATION_ERROR","fields":{"text":"REQUIRED"}}}`)),
		"200 with status 0":  serveBytes(http.StatusOK, []byte(`{"status":0,"error":{"code":"NOT_FOUND"}}`)),
		"404":                serveBytes(http.StatusNotFound, []byte(`{"status":0,"error":{"code":"NOT_FOUND"}}`)),
		"429":                serveText(http.StatusTooManyRequests, "Too many requests", map[string]string{"Retry-After": "1"}),
		"401 without a body": serveText(http.StatusUnauthorized, "", nil),
	} {
		t.Run("certain "+name, func(t *testing.T) {
			f := newFake(t, h)
			c := newClient(t, f.baseURL())
			_, err := c.Messages.Send(t.Context(), sendReq)
			require.Error(t, err)
			assert.False(t, leeloo.MaybeDelivered(err), "%v", err)
		})
	}
	// A 5xx or a lost connection after sending stays uncertain.
	f := newFake(t, serveBytes(http.StatusBadGateway, []byte(`{}`)))
	_, err := newClient(t, f.baseURL()).Messages.Send(t.Context(), sendReq)
	assert.True(t, leeloo.MaybeDelivered(err))
}

// TestWriteHeldByTheRateLimiterWasNotSent: a write whose context ends while
// the client-side limiter holds it never left the process.
func TestWriteHeldByTheRateLimiterWasNotSent(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, fixture(t, "send_message.json")))
	c := newClient(t, f.baseURL(), func(o *leeloo.Options) { o.RequestsPerMinute = 1 })
	for range 10 {
		_, _, err := c.Tags.List(t.Context())
		require.NoError(t, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	resp, err := c.Messages.Send(ctx, sendReq)
	require.Error(t, err)
	assert.False(t, leeloo.MaybeDelivered(err), "held back, never sent: %v", err)
	var ne *leeloo.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.NotSent())
	assert.Contains(t, err.Error(), "rate limit")
	assert.Equal(t, 0, resp.Attempts)
	assert.Equal(t, 10, f.count(), "the write never reached Leeloo")
}
