//lint:file-ignore SA1019 the legacy protocol era (resources/subscribe, the GET stream) is tested on purpose

package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/redistest"
	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// startReplica starts the binary over HTTP with env and returns its base URL.
func startReplica(t *testing.T, env ...string) (string, *proc) {
	t.Helper()
	cmd := exec.Command(binary, "--transport", "http", "--listen", "127.0.0.1:0")
	cmd.Env = cleanEnv(env...)
	p := start(t, cmd)
	return p.baseURL(t), p
}

// TestReplicasShareEvents: two processes of the binary on one Redis; a
// webhook posted to replica A reaches a client subscribed on replica B
// (both protocol eras) within a second, and B's leeloo://events shows it.
func TestReplicasShareEvents(t *testing.T) {
	srv := redistest.Start(t)
	const secret = "replica-secret-0123456789"
	env := []string{"LEELOO_SANDBOX=true", "LEELOO_STATE=" + srv.URL, "LEELOO_WEBHOOK_SECRET=" + secret}
	a, _ := startReplica(t, env...)
	b, _ := startReplica(t, env...)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	chat := "leeloo://chats/" + sandbox.DemoAccountID

	for i, era := range []string{mcp.LATEST_LEGACY_PROTOCOL_VERSION, ""} {
		opts := []transport.StreamableHTTPCOption{}
		if era != "" {
			opts = append(opts, transport.WithContinuousListening())
		}
		tr, err := transport.NewStreamableHTTP(b+"/mcp", opts...)
		require.NoError(t, err)
		c := client.NewClient(tr)
		require.NoError(t, c.Start(ctx))
		got := resourceUpdates(c)
		req := mcp.InitializeRequest{}
		req.Params.ProtocolVersion = era
		req.Params.ClientInfo = mcp.Implementation{Name: "replica-test", Version: "1"}
		init, err := c.Initialize(ctx, req)
		require.NoError(t, err)
		require.True(t, init.Capabilities.Resources.Subscribe)
		if era != "" {
			var sub mcp.SubscribeRequest
			sub.Params.URI = chat
			require.NoError(t, c.Subscribe(ctx, sub))
		} else {
			stop, err := c.ListenAsync(ctx, mcp.SubscriptionFilter{ResourceSubscriptions: []string{chat}}, nil)
			require.NoError(t, err)
			defer stop()
		}
		time.Sleep(400 * time.Millisecond) // the stream is open and B's hub primed
		// A new subscriber may hear of an event stored just before it came.
		drain(got)

		body := `{"type":"INCOMING_MESSAGE","data":{"account_id":"` + sandbox.DemoAccountID + `","message_id":"r` + string(rune('0'+i)) + `","text":"from replica A"}}`
		awaitUpdate(t, a+"/webhooks/leeloo/"+secret, body, got, chat, "webhook to A -> update on B ("+eraName(era)+")")
		var rr mcp.ReadResourceRequest
		rr.Params.URI = "leeloo://events"
		read, err := c.ReadResource(ctx, rr)
		require.NoError(t, err)
		assert.Contains(t, read.Contents[0].(mcp.TextResourceContents).Text, "from replica A")
		_ = c.Close()
	}
}

func eraName(version string) string {
	if version == "" {
		return mcp.ProtocolVersion20260728
	}
	return version
}

// TestReplicasTenantWebhooks: two processes of the binary on one Redis as a
// team server (--credentials per-request, one LEELOO_TENANT_KEY). Tenant A
// gets its webhook URL from replica 1 (GET /webhook-url) and the same
// secret from replica 2's webhook_url tool; A's webhook posted to replica 1
// reaches A's subscriber on replica 2 within a second, and B's subscriber on
// replica 2 hears nothing; neither replica logs the secret.
func TestReplicasTenantWebhooks(t *testing.T) {
	srv := redistest.Start(t)
	accounts := map[string]*sandbox.Server{"tok-a": sandbox.New(sandbox.Options{Token: "tok-a"}), "tok-b": sandbox.New(sandbox.Options{Token: "tok-b"})}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sb := accounts[r.Header.Get("X-Leeloo-AuthToken")]
		if sb == nil {
			http.Error(w, `{"status":"error"}`, http.StatusUnauthorized)
			return
		}
		sb.ServeHTTP(w, r)
	}))
	defer up.Close()
	env := []string{"LEELOO_STATE=" + srv.URL, "LEELOO_TENANT_KEY=fleet-key", "LEELOO_CREDENTIALS=per-request", "LEELOO_BASE_URL=" + up.URL + sandbox.Prefix}
	r1, p1 := startReplica(t, env...)
	r2, p2 := startReplica(t, env...)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	chat := "leeloo://chats/" + sandbox.DemoAccountID

	subscriber := func(tok string) (*client.Client, chan string) {
		tr, err := transport.NewStreamableHTTP(r2+"/mcp", transport.WithHTTPHeaders(map[string]string{"X-Leeloo-AuthToken": tok}), transport.WithContinuousListening())
		require.NoError(t, err)
		c := client.NewClient(tr)
		require.NoError(t, c.Start(ctx))
		t.Cleanup(func() { _ = c.Close() })
		got := resourceUpdates(c)
		req := mcp.InitializeRequest{}
		req.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
		req.Params.ClientInfo = mcp.Implementation{Name: "replica-test", Version: "1"}
		init, err := c.Initialize(ctx, req)
		require.NoError(t, err)
		require.True(t, init.Capabilities.Resources.Subscribe)
		var sub mcp.SubscribeRequest
		sub.Params.URI = chat
		require.NoError(t, c.Subscribe(ctx, sub))
		return c, got
	}
	ca, gotA := subscriber("tok-a")
	_, gotB := subscriber("tok-b")

	req, _ := http.NewRequest(http.MethodGet, r1+"/webhook-url", nil)
	req.Header.Set("X-Leeloo-AuthToken", "tok-a")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var out struct {
		URL string `json:"webhook_url"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	_ = res.Body.Close()
	secret := out.URL[strings.LastIndexByte(out.URL, '/')+1:]
	require.Len(t, secret, 40, out.URL)

	var call mcp.CallToolRequest
	call.Params.Name = "webhook_url"
	tool, err := ca.CallTool(ctx, call)
	require.NoError(t, err)
	require.False(t, tool.IsError)
	u, _ := testutil.TextDoc(t, tool.Content[0].(mcp.TextContent).Text)["webhook_url"].(string)
	assert.Equal(t, r2+"/webhooks/leeloo/"+secret, u, "replica 2 gives A the same secret")

	time.Sleep(400 * time.Millisecond) // the streams are open and replica 2's hubs primed
	drain(gotA, gotB)
	body := `{"type":"INCOMING_MESSAGE","data":{"account_id":"` + sandbox.DemoAccountID + `","message_id":"tenant-a-1","text":"for tenant A"}}`
	awaitUpdate(t, r1+"/webhooks/leeloo/"+secret, body, gotA, chat, "A's webhook to replica 1 -> A's update on replica 2")
	select {
	case uri := <-gotB:
		t.Fatalf("B on replica 2 was told of A's event (%s)", uri)
	case <-time.After(500 * time.Millisecond):
	}
	var rr mcp.ReadResourceRequest
	rr.Params.URI = "leeloo://events"
	read, err := ca.ReadResource(ctx, rr)
	require.NoError(t, err)
	assert.Contains(t, read.Contents[0].(mcp.TextResourceContents).Text, "for tenant A")

	assert.Equal(t, http.StatusNotFound, postWebhook(t, r2+"/webhooks/leeloo/"+strings.Repeat("f", 40), body), "an unknown secret")
	assert.NotContains(t, p1.stderr.String(), secret)
	assert.NotContains(t, p2.stderr.String(), secret)
}

// postWebhook posts a Leeloo webhook body as Leeloo does and returns the
// receiver's status code.
func postWebhook(t *testing.T, url, body string) int {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	_ = res.Body.Close()
	return res.StatusCode
}

// resourceUpdates returns the URIs of the resources/updated notifications c
// receives.
func resourceUpdates(c *client.Client) chan string {
	got := make(chan string, 8)
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == mcp.MethodNotificationResourceUpdated {
			uri, _ := n.Params.AdditionalFields["uri"].(string)
			got <- uri
		}
	})
	return got
}

// drain empties chs of what they received so far.
func drain(chs ...chan string) {
	for _, ch := range chs {
		for len(ch) > 0 {
			<-ch
		}
	}
}

// awaitUpdate posts a webhook body to url and requires the update of uri on
// got within a second (waiting two for it); what names the route in the log.
func awaitUpdate(t *testing.T, url, body string, got chan string, uri, what string) {
	t.Helper()
	start := time.Now()
	require.Equal(t, http.StatusOK, postWebhook(t, url, body))
	select {
	case u := <-got:
		assert.Equal(t, uri, u)
		t.Logf("%s: %s", what, time.Since(start))
		assert.Less(t, time.Since(start), time.Second)
	case <-time.After(2 * time.Second):
		t.Fatalf("no update: %s", what)
	}
}
