//lint:file-ignore SA1019 the legacy protocol era (resources/subscribe, the GET stream) is tested on purpose

package app

import (
	"context"
	"encoding/json"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

const liveSecret = "live-test-secret-0123456789"

// postWebhook posts body to base's receiver with secret, as Leeloo does: no
// bearer token, and here a foreign Origin, neither of which may matter.
func postWebhook(t *testing.T, base, secret, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/webhooks/leeloo/"+secret, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://leeloo.example")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	return res.StatusCode
}

func messageWebhook(account, id string) string {
	return `{"type":"INCOMING_MESSAGE","data":{"account_id":"` + account + `","message_id":"` + id + `","text":"Is the course still available?"}}`
}

// updates collects notifications/resources/updated by URI.
type updates struct {
	mu  sync.Mutex
	got map[string][]time.Time
	ch  chan string
}

func watch(c *client.Client) *updates {
	u := &updates{got: map[string][]time.Time{}, ch: make(chan string, 16)}
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method != mcp.MethodNotificationResourceUpdated {
			return
		}
		uri, _ := n.Params.AdditionalFields["uri"].(string)
		u.mu.Lock()
		u.got[uri] = append(u.got[uri], time.Now())
		u.mu.Unlock()
		u.ch <- uri
	})
	return u
}

// drain forgets the updates received so far (a new subscriber may hear of
// an event stored just before it came).
func (u *updates) drain() {
	for {
		select {
		case <-u.ch:
		default:
			return
		}
	}
}

// await waits for an update of uri and returns how long after since it came.
func (u *updates) await(t *testing.T, uri string, since time.Time, limit time.Duration) time.Duration {
	t.Helper()
	deadline := time.After(limit)
	for {
		select {
		case got := <-u.ch:
			if got == uri {
				return time.Since(since)
			}
		case <-deadline:
			t.Fatalf("no notifications/resources/updated for %s within %s", uri, limit)
			return 0
		}
	}
}

func readText(t *testing.T, ctx context.Context, c *client.Client, uri string) string {
	t.Helper()
	var req mcp.ReadResourceRequest
	req.Params.URI = uri
	res, err := c.ReadResource(ctx, req)
	require.NoError(t, err)
	return res.Contents[0].(mcp.TextResourceContents).Text
}

// TestLiveWebhookNotifiesBothEras: with a webhook secret and a bearer token,
// a webhook (no bearer, a foreign Origin) for an account reaches a client
// subscribed to that account's chat within a second, through
// resources/subscribe (2025-06-18) and through subscriptions/listen
// (2026-07-28); the event then reads from leeloo://events.
func TestLiveWebhookNotifiesBothEras(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	s := startHTTP(t, map[string]string{"LEELOO_WEBHOOK_SECRET": liveSecret, "LEELOO_HTTP_TOKEN": "bearer-0123456789"},
		"--sandbox", "--transport", "http", "--state", "memory")
	auth := map[string]string{"Authorization": "Bearer bearer-0123456789"}
	chat := "leeloo://chats/" + sandbox.DemoAccountID

	assert.Equal(t, http.StatusNotFound, postWebhook(t, s.base, "wrong-secret-0123456789", messageWebhook(sandbox.DemoAccountID, "x")))
	assert.Contains(t, s.stderr.String(), "live events: webhook", "start-up says which mode is on")
	assert.NotContains(t, s.stderr.String(), liveSecret, "the secret is never printed")

	t.Run("2025-06-18 resources/subscribe", func(t *testing.T) {
		tr, err := transport.NewStreamableHTTP(s.base+"/mcp", transport.WithHTTPHeaders(auth), transport.WithContinuousListening())
		require.NoError(t, err)
		c := client.NewClient(tr)
		require.NoError(t, c.Start(ctx))
		defer c.Close()
		u := watch(c)
		init := initialize(t, ctx, c, "2025-06-18")
		require.NotNil(t, init.Capabilities.Resources)
		assert.True(t, init.Capabilities.Resources.Subscribe, "subscribe is declared: the webhook can deliver")
		var sub mcp.SubscribeRequest
		sub.Params.URI = chat
		require.NoError(t, c.Subscribe(ctx, sub))
		time.Sleep(300 * time.Millisecond) // the GET stream is open
		u.drain()

		start := time.Now()
		require.Equal(t, http.StatusOK, postWebhook(t, s.base, liveSecret, messageWebhook(sandbox.DemoAccountID, "m-legacy")))
		d := u.await(t, chat, start, time.Second)
		t.Logf("webhook -> notifications/resources/updated (2025-06-18): %s", d)

		events := readText(t, ctx, c, "leeloo://events")
		assert.Contains(t, events, "INCOMING_MESSAGE account "+sandbox.DemoAccountID)
		assert.Contains(t, events, "<untrusted-customer-text>Is the course still available?</untrusted-customer-text>")

		var unsub mcp.UnsubscribeRequest
		unsub.Params.URI = chat
		require.NoError(t, c.Unsubscribe(ctx, unsub))
		require.Equal(t, http.StatusOK, postWebhook(t, s.base, liveSecret, messageWebhook(sandbox.DemoAccountID, "m-after")))
		select {
		case uri := <-u.ch:
			if uri == chat {
				t.Errorf("an update after unsubscribing")
			}
		case <-time.After(500 * time.Millisecond):
		}
	})

	t.Run("2026-07-28 subscriptions/listen", func(t *testing.T) {
		c := streamableClient(t, ctx, s.base, auth)
		u := watch(c)
		init := initialize(t, ctx, c, "")
		require.Equal(t, mcp.ProtocolVersion20260728, init.ProtocolVersion)
		require.True(t, init.Capabilities.Resources.Subscribe)
		stop, err := c.ListenAsync(ctx, mcp.SubscriptionFilter{ResourceSubscriptions: []string{chat}}, func(err error) { t.Errorf("listen: %v", err) })
		require.NoError(t, err)
		defer stop()
		time.Sleep(300 * time.Millisecond) // the listen stream is open
		u.drain()

		start := time.Now()
		require.Equal(t, http.StatusOK, postWebhook(t, s.base, liveSecret, messageWebhook(sandbox.DemoAccountID, "m-modern")))
		d := u.await(t, chat, start, time.Second)
		t.Logf("webhook -> notifications/resources/updated (2026-07-28): %s", d)
		assert.Contains(t, readText(t, ctx, c, "leeloo://events/INCOMING_MESSAGE"), sandbox.DemoAccountID)
	})

	t.Run("redelivery", func(t *testing.T) {
		c := streamableClient(t, ctx, s.base, auth)
		initialize(t, ctx, c, "")
		before := strings.Count(readText(t, ctx, c, "leeloo://events"), "\n")
		require.Equal(t, http.StatusOK, postWebhook(t, s.base, liveSecret, messageWebhook(sandbox.DemoAccountID, "m-modern")))
		assert.Equal(t, before, strings.Count(readText(t, ctx, c, "leeloo://events"), "\n"), "a redelivered event is stored once")
	})
}

// TestWaitForEvents: wait_for_events returns nothing at its timeout, and an
// event as soon as a webhook brings one.
func TestWaitForEvents(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	s := startHTTP(t, map[string]string{"LEELOO_WEBHOOK_SECRET": liveSecret}, "--sandbox", "--transport", "http", "--state", "memory")
	c := streamableClient(t, ctx, s.base, nil)
	initialize(t, ctx, c, "")

	start := time.Now()
	res := callTool(t, ctx, c, "wait_for_events", `{"timeout_seconds":1}`)
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "No new events within 1s")
	assert.Less(t, time.Since(start), 3*time.Second, "returns within its timeout")

	go func() {
		time.Sleep(200 * time.Millisecond)
		postWebhook(t, s.base, liveSecret, `{"type":"SALE","data":{"order_id":"o-1","account_id":"`+sandbox.DemoAccountID+`","offer_name":"Course","price":49,"currency":"USD","payment_method":"card"}}`)
	}()
	start = time.Now()
	res = callTool(t, ctx, c, "wait_for_events", `{"types":["sale"],"timeout_seconds":30}`)
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "1 new events")
	assert.Contains(t, text(res), `SALE account `+sandbox.DemoAccountID+` order o-1 "Course" 49 USD paid by card`)
	assert.Less(t, time.Since(start), 2*time.Second, "returns as soon as the event is there")
}

// TestSubscribeDeclaredOnlyWhenDeliverable: without a webhook and with
// polling off, the server does not declare subscribe.
func TestSubscribeDeclaredOnlyWhenDeliverable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	for _, tc := range []struct {
		args []string
		want bool
		mode string
	}{
		{[]string{"--poll-interval", "0"}, false, "live events: off"},
		{nil, true, "live events: polling"},
	} {
		s := startHTTP(t, nil, append([]string{"--sandbox", "--transport", "http", "--state", "memory"}, tc.args...)...)
		c := streamableClient(t, ctx, s.base, nil)
		init := initialize(t, ctx, c, "2025-06-18")
		assert.Equal(t, tc.want, init.Capabilities.Resources != nil && init.Capabilities.Resources.Subscribe, "%v", tc.args)
		assert.Contains(t, s.stderr.String(), tc.mode)
		assert.Equal(t, http.StatusNotFound, postWebhook(t, s.base, "any-secret-0123456789", messageWebhook(sandbox.DemoAccountID, "x")), "no receiver without a secret")
	}
}

// TestSandboxLivePostsWebhooks: --sandbox-live's customers reach a
// subscriber of leeloo://events through real webhooks.
func TestSandboxLivePostsWebhooks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	s := startHTTP(t, nil, "--sandbox", "--sandbox-live", "--sandbox-live-interval", "200ms", "--transport", "http", "--state", "memory")
	c := streamableClient(t, ctx, s.base, nil)
	initialize(t, ctx, c, "")
	res := callTool(t, ctx, c, "wait_for_events", `{"timeout_seconds":10}`)
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "new events")
	assert.Contains(t, text(res), `"source":"webhook"`)
}

// TestStdioSandboxLive: on stdio, --sandbox-live posts real webhooks to the
// loopback receiver, and a client subscribed to leeloo://events over stdio
// hears of them.
func TestStdioSandboxLive(t *testing.T) {
	s := startStdio(t, nil, "--sandbox", "--sandbox-live", "--sandbox-live-interval", "200ms", "--state", "memory")
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c := client.NewClient(transport.NewIO(s.stdoutR, s.stdinW, nil))
	require.NoError(t, c.Start(ctx))
	u := watch(c)
	init := initialize(t, ctx, c, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	require.True(t, init.Capabilities.Resources.Subscribe)
	var sub mcp.SubscribeRequest
	sub.Params.URI = "leeloo://events"
	require.NoError(t, c.Subscribe(ctx, sub))
	u.await(t, "leeloo://events", time.Now(), 5*time.Second)
	assert.Contains(t, readText(t, ctx, c, "leeloo://events"), "events, newest first")
	assert.Regexp(t, `--sandbox-live: demo customers post webhooks to the loopback receiver at http://127\.0\.0\.1:\d+/webhooks/leeloo/`, s.stderr.String())
	s.cancel()
	assert.Equal(t, 0, s.wait(t))
	_ = c.Close()
}

// TestPollingWithoutWebhook: against a Leeloo whose customer writes, with no
// webhook, a client subscribed to that chat hears of it within one polling
// interval; nobody listening, the poller sends Leeloo nothing.
func TestPollingWithoutWebhook(t *testing.T) {
	box := sandbox.New(sandbox.Options{})
	hs := httptest.NewServer(box)
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	s := startHTTP(t, map[string]string{"LEELOO_API_TOKEN": sandbox.DefaultToken, "LEELOO_BASE_URL": hs.URL + sandbox.Prefix},
		"--transport", "http", "--state", "memory", "--poll-interval", "5s")
	assert.Contains(t, s.stderr.String(), "live events: polling the inbox every 5s")

	// A customer writes (the sandbox's live step; no webhook is posted).
	account := liveCustomerWrites(t, box, mrand.New(mrand.NewPCG(3, 4)))
	box.ResetRequests()
	time.Sleep(5500 * time.Millisecond)
	assert.Empty(t, box.Requests(), "nobody listens: no poll")

	c := streamableClient(t, ctx, s.base, nil)
	init := initialize(t, ctx, c, "")
	require.True(t, init.Capabilities.Resources.Subscribe, "the poller can deliver: subscribe is declared")
	u := watch(c)
	chat := "leeloo://chats/" + account
	stop, err := c.ListenAsync(ctx, mcp.SubscriptionFilter{ResourceSubscriptions: []string{chat}}, nil)
	require.NoError(t, err)
	defer stop()
	d := u.await(t, chat, time.Now(), 6*time.Second)
	t.Logf("subscribed -> update by polling: %s (interval 5s)", d)
	n := 0
	for _, q := range box.Requests() {
		if q.Method == http.MethodGet {
			n++
		}
	}
	assert.LessOrEqual(t, n, 1+events.MaxChecksPerPoll, "one poll: a list and at most a few chat checks")
	assert.Contains(t, readText(t, ctx, c, "leeloo://events"), "INCOMING_MESSAGE account "+account)
}

// liveCustomerWrites runs the sandbox's live step until a customer writes
// (no webhook is posted) and returns that customer's account.
func liveCustomerWrites(t *testing.T, box *sandbox.Server, r *mrand.Rand) string {
	t.Helper()
	for {
		var ev struct {
			Type string `json:"type"`
			Data struct {
				AccountID string `json:"account_id"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(box.LiveEvent(r), &ev))
		if ev.Type == sandbox.LiveMessage {
			return ev.Data.AccountID
		}
	}
}
