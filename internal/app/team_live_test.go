//lint:file-ignore SA1019 the legacy protocol era (resources/subscribe, the GET stream) is tested on purpose

package app

import (
	"context"
	"encoding/json"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// listeningClient is a Streamable HTTP client whose GET stream stays open
// (notifications of the 2025-06-18 era).
func listeningClient(t *testing.T, ctx context.Context, base string, headers map[string]string) *client.Client {
	t.Helper()
	tr, err := transport.NewStreamableHTTP(base+"/mcp", transport.WithHTTPHeaders(headers), transport.WithContinuousListening())
	require.NoError(t, err)
	c := client.NewClient(tr)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// webhookURLOf calls webhook_url and returns the URL it gives.
func webhookURLOf(t *testing.T, ctx context.Context, c *client.Client) string {
	t.Helper()
	res := callTool(t, ctx, c, "webhook_url", `{}`)
	require.False(t, res.IsError, text(res))
	u, _ := testutil.TextDoc(t, text(res))["webhook_url"].(string)
	require.NotEmpty(t, u, text(res))
	assert.Contains(t, text(res), "settings, Leeloo API")
	return u
}

// rotateWebhook rotates tok's webhook URL over HTTP and returns the new one.
func rotateWebhook(t *testing.T, base, tok string) string {
	t.Helper()
	res, err := httpDo("POST", base+webhookURLPath, map[string]string{leelooTokenHeader: tok}, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, res.body)
	var out struct {
		URL     string `json:"webhook_url"`
		Rotated bool   `json:"rotated"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.body), &out))
	assert.True(t, out.Rotated)
	return out.URL
}

func postTo(t *testing.T, url, body string) int {
	t.Helper()
	i := strings.Index(url, events.WebhookPath)
	require.Positive(t, i, url)
	return postWebhook(t, url[:i], url[i+len(events.WebhookPath):], body)
}

// TestPerRequestTenantWebhooks: on a team server each tenant gets its own
// webhook URL (webhook_url; the same on every call, another for B); a
// webhook to A's URL reaches A's subscriber and A's wait_for_events, and
// neither B's subscriber nor B's wait_for_events nor B's leeloo://events;
// an unknown secret is 404 and stores nothing; after a rotation (POST
// /webhook-url) the old URL is 404 and the new one works; no secret appears
// in the log, the metrics or the audit.
func TestPerRequestTenantWebhooks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	up := newTwoAccounts(t, "tok-a", "tok-b")
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	s := startHTTP(t, map[string]string{"LEELOO_BASE_URL": up.URL + "/api/v2", "LEELOO_STATE": "memory", "LEELOO_TENANT_KEY": "k"},
		"--transport", "http", "--credentials", "per-request", "--confirm", "preview", "--audit-log", audit, "--log-level", "debug")
	assert.Contains(t, s.stderr.String(), "live events: each account's own webhook")
	ca := listeningClient(t, ctx, s.base, map[string]string{leelooTokenHeader: "tok-a"})
	cb := listeningClient(t, ctx, s.base, map[string]string{leelooTokenHeader: "tok-b"})
	ua, ub := watch(ca), watch(cb)
	for _, c := range []*client.Client{ca, cb} {
		init := initialize(t, ctx, c, "2025-06-18")
		require.NotNil(t, init.Capabilities.Resources)
		assert.True(t, init.Capabilities.Resources.Subscribe, "a tenant's events can be delivered: subscribe is declared")
		var sub mcp.SubscribeRequest
		sub.Params.URI = "leeloo://events"
		require.NoError(t, c.Subscribe(ctx, sub))
	}
	time.Sleep(300 * time.Millisecond) // the GET streams are open

	urlA, urlB := webhookURLOf(t, ctx, ca), webhookURLOf(t, ctx, cb)
	assert.NotEqual(t, urlA, urlB)
	assert.Equal(t, urlA, webhookURLOf(t, ctx, ca), "the same URL on every call")
	assert.True(t, strings.HasPrefix(urlA, s.base+events.WebhookPath), urlA)
	secrets := []string{urlA[strings.LastIndexByte(urlA, '/')+1:], urlB[strings.LastIndexByte(urlB, '/')+1:]}

	for _, bad := range []string{strings.Repeat("0", 40), "nope", secrets[0][:39]} {
		assert.Equal(t, http.StatusNotFound, postWebhook(t, s.base, bad, messageWebhook(sandbox.DemoAccountID, "x")), bad)
	}
	for _, c := range []*client.Client{ca, cb} {
		assert.Equal(t, "No events yet.", readText(t, ctx, c, "leeloo://events"), "an unknown secret stores nothing")
	}
	ua.drain()
	ub.drain()

	waits := make(chan [2]string, 2)
	for i, c := range []*client.Client{ca, cb} {
		go func() {
			res := callTool(t, ctx, c, "wait_for_events", `{"timeout_seconds":3}`)
			waits <- [2]string{[]string{"A", "B"}[i], text(res)}
		}()
	}
	time.Sleep(300 * time.Millisecond) // both are waiting
	start := time.Now()
	require.Equal(t, http.StatusOK, postTo(t, urlA, messageWebhook(sandbox.DemoAccountID, "m-a")))
	d := ua.await(t, "leeloo://events", start, time.Second)
	t.Logf("A's webhook -> A's notifications/resources/updated: %s", d)
	for range 2 {
		w := <-waits
		if w[0] == "A" {
			assert.Contains(t, w[1], "1 new events", "A's wait_for_events gets A's event")
			assert.Contains(t, w[1], "INCOMING_MESSAGE account "+sandbox.DemoAccountID)
		} else {
			assert.Contains(t, w[1], "No new events within 3s", "B's wait_for_events does not")
		}
	}
	select {
	case uri := <-ub.ch:
		t.Fatalf("B was told of A's event (%s)", uri)
	default:
	}
	assert.Contains(t, readText(t, ctx, ca, "leeloo://events"), "Is the course still available?")
	assert.Equal(t, "No events yet.", readText(t, ctx, cb, "leeloo://events"), "B never sees A's events")

	// B's own webhook is B's.
	require.Equal(t, http.StatusOK, postTo(t, urlB, messageWebhook(sandbox.DemoAccountID, "m-b")))
	ub.await(t, "leeloo://events", time.Now(), time.Second)
	assert.Equal(t, 1, strings.Count(readText(t, ctx, ca, "leeloo://events"), "INCOMING_MESSAGE"), "A still has only its own")

	// Rotation: the old URL stops working, the new one works.
	res, err := httpDo("GET", s.base+webhookURLPath, map[string]string{leelooTokenHeader: "tok-a"}, nil)
	require.NoError(t, err)
	assert.Contains(t, res.body, urlA, "GET /webhook-url is the tool's URL")
	newA := rotateWebhook(t, s.base, "tok-a")
	assert.NotEqual(t, urlA, newA)
	secrets = append(secrets, newA[strings.LastIndexByte(newA, '/')+1:])
	assert.Equal(t, http.StatusNotFound, postTo(t, urlA, messageWebhook(sandbox.DemoAccountID, "m-old")), "the old URL is refused")
	assert.Equal(t, http.StatusOK, postTo(t, newA, messageWebhook(sandbox.DemoAccountID, "m-new")))
	assert.Equal(t, newA, webhookURLOf(t, ctx, ca), "the tool gives the new URL")
	assert.Equal(t, urlB, webhookURLOf(t, ctx, cb), "B's URL is untouched")
	noTok, err := httpDo("GET", s.base+webhookURLPath, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, noTok.StatusCode)

	// A confirmed write, so the audit has lines; then nothing anywhere
	// carries a secret.
	prev := callTool(t, ctx, ca, "add_tag", addTagArgs)
	done := callTool(t, ctx, ca, "add_tag", withConfirmToken(t, addTagArgs, prev))
	require.False(t, done.IsError, text(done))
	raw, err := os.ReadFile(audit)
	require.NoError(t, err)
	require.NotEmpty(t, raw)
	mr, err := http.Get(s.base + "/metrics")
	require.NoError(t, err)
	metrics, _ := io.ReadAll(mr.Body)
	_ = mr.Body.Close()
	assert.Contains(t, string(metrics), `leeloo_mcp_tool_calls_total{outcome="ok",tool="webhook_url"}`)
	for _, sec := range secrets {
		assert.NotContains(t, s.stderr.String(), sec, "no secret in the log")
		assert.NotContains(t, string(metrics), sec, "no secret in the metrics")
		assert.NotContains(t, string(raw), sec, "no secret in the audit")
	}
}

// TestPerRequestRefusesServerWebhookSecret: a team server has no account of
// its own, so no server-wide webhook secret.
func TestPerRequestRefusesServerWebhookSecret(t *testing.T) {
	r := runApp(t, map[string]string{"LEELOO_WEBHOOK_SECRET": liveSecret}, "--credentials", "per-request", "--transport", "http")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "webhook_url")
}

// TestPerRequestPollsOnlyDuringWait: a team tenant without a webhook has its
// inbox polled only while one of its wait_for_events calls is open (its
// token is at hand only then): nobody waiting, Leeloo gets no request; a
// wait brings the customer's new message; B's wait gets nothing of A's.
func TestPerRequestPollsOnlyDuringWait(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	boxA, boxB := sandbox.New(sandbox.Options{Token: "tok-a"}), sandbox.New(sandbox.Options{Token: "tok-b"})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get(leelooTokenHeader) {
		case "tok-a":
			boxA.ServeHTTP(w, r)
		case "tok-b":
			boxB.ServeHTTP(w, r)
		default:
			http.Error(w, `{"status":"error"}`, http.StatusUnauthorized)
		}
	}))
	defer up.Close()
	s := startHTTP(t, map[string]string{"LEELOO_BASE_URL": up.URL + sandbox.Prefix, "LEELOO_STATE": "memory", "LEELOO_TENANT_KEY": "k"},
		"--transport", "http", "--credentials", "per-request", "--poll-interval", "5s")
	assert.Contains(t, s.stderr.String(), "polling its inbox every 5s only while one of its wait_for_events calls is open")
	ca := streamableClient(t, ctx, s.base, map[string]string{leelooTokenHeader: "tok-a"})
	cb := streamableClient(t, ctx, s.base, map[string]string{leelooTokenHeader: "tok-b"})
	initialize(t, ctx, ca, "")
	initialize(t, ctx, cb, "")

	// The first wait notes where A's inbox is.
	res := callTool(t, ctx, ca, "wait_for_events", `{"timeout_seconds":1}`)
	require.False(t, res.IsError, text(res))
	account := liveCustomerWrites(t, boxA, mrand.New(mrand.NewPCG(5, 6)))
	boxA.ResetRequests()
	time.Sleep(5500 * time.Millisecond)
	assert.Empty(t, boxA.Requests(), "nobody waits: no poll")

	start := time.Now()
	res = callTool(t, ctx, ca, "wait_for_events", `{"timeout_seconds":10}`)
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "INCOMING_MESSAGE account "+account)
	assert.Contains(t, text(res), `"source":"poll"`)
	t.Logf("wait_for_events -> the customer's message by polling: %s", time.Since(start))
	res = callTool(t, ctx, cb, "wait_for_events", `{"timeout_seconds":1}`)
	assert.Contains(t, text(res), "No new events within 1s", "B sees nothing of A's")
}
