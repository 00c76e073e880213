package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// The guard tests run the shipped tools (tools.All) behind a real mcp-go
// server, against the sandbox Leeloo, and assert what the sandbox received.
// Every helper here is prefixed with guard so it cannot collide with the
// other tools tests of this package.

// guardStart is the fixed "now" of the guard tests.
var guardStart = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// guardClock is an injected clock shared by the sandbox, the tools and the guard.
type guardClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *guardClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *guardClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// guardAudit is a concurrency-safe audit sink that records each line.
type guardAudit struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (a *guardAudit) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.buf.Write(p)
}

// Lines decodes every audit line as a JSON object, leaving out the intent
// records written before each upstream call (guard's own tests cover them):
// these tests count outcomes.
func (a *guardAudit) Lines(t *testing.T) []map[string]any {
	t.Helper()
	a.mu.Lock()
	raw := a.buf.String()
	a.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimRight(raw, "\n"), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), "audit line is not JSON: %s", l)
		if m["outcome"] == guard.OutcomeIntent {
			continue
		}
		out = append(out, m)
	}
	return out
}

// Outcomes lists the outcome of every audit line, in order.
func (a *guardAudit) Outcomes(t *testing.T) []string {
	var out []string
	for _, l := range a.Lines(t) {
		out = append(out, l["outcome"].(string))
	}
	return out
}

// guardHandlerTransport serves HTTP requests from the in-process sandbox.
type guardHandlerTransport struct{ h http.Handler }

func (g guardHandlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	g.h.ServeHTTP(rec, r)
	res := rec.Result()
	res.Request = r
	return res, nil
}

// guardOpts configures a guardEnv.
type guardOpts struct {
	Mode            guard.Mode
	Key             []byte
	MaxSendsPerHour int
	ReadOnly        bool
	// NoRecovery leaves panics unrecovered, so a fuzzed panic fails loudly.
	NoRecovery bool
}

// guardEnv is a sandbox, a guard and an MCP server with every tool.
type guardEnv struct {
	sb    *sandbox.Server
	clock *guardClock
	audit *guardAudit
	guard *guard.Guard
	srv   *server.MCPServer
}

func newGuardEnv(t testing.TB, o guardOpts) *guardEnv {
	t.Helper()
	clock := &guardClock{t: guardStart}
	sb := sandbox.New(sandbox.Options{Now: clock.Now, People: 20})
	return newGuardEnvOn(t, sb, clock, o)
}

// newGuardEnvOn builds a guard and a server on an existing sandbox and clock:
// two of them on one sandbox are two server processes of one deployment.
func newGuardEnvOn(t testing.TB, sb *sandbox.Server, clock *guardClock, o guardOpts) *guardEnv {
	t.Helper()
	lc, err := leeloo.NewClient(leeloo.Options{
		BaseURL:           "http://sandbox.invalid/api/v2",
		Token:             sandbox.DefaultToken,
		HTTPClient:        &http.Client{Transport: guardHandlerTransport{sb}},
		RequestsPerMinute: -1,
		BackoffBase:       time.Millisecond,
		BackoffCap:        time.Millisecond,
	})
	require.NoError(t, err)
	audit := &guardAudit{}
	mode := o.Mode
	if mode == "" {
		mode = guard.ModeAuto
	}
	g, err := guard.New(guard.Config{
		Mode: mode, Key: o.Key, MaxSendsPerHour: o.MaxSendsPerHour, ReadOnly: o.ReadOnly,
		Audit: audit, ErrorResult: tools.ErrorResult, Now: clock.Now,
		ApprovalURL: func(id string) (string, error) { return guardApprovalBase + id, nil },
	})
	require.NoError(t, err)
	deps := &tools.Deps{Client: lc, Guard: g, Now: clock.Now}
	g.SetExecutor(tools.Executor(tools.All(deps)))
	opts := []server.ServerOption{
		server.WithToolCapabilities(false),
		server.WithElicitation(),
	}
	if !o.NoRecovery {
		opts = append(opts, server.WithRecovery())
	}
	srv := server.NewMCPServer("leeloo-mcp-guard-test", "0.0.0", opts...)
	srv.AddTools(tools.ServerTools(tools.All(deps))...)
	return &guardEnv{sb: sb, clock: clock, audit: audit, guard: g, srv: srv}
}

// guardApprovalBase is the approval page's link prefix in these tests.
const guardApprovalBase = "http://127.0.0.1:9/approve/"

// Protocol eras a test client can speak.
const (
	guardModern = "modern" // 2026-07-28: input_required results, the client retries
	guardLegacy = "legacy" // 2025-11-25: the server sends elicitation/create itself
)

// guardEras lists both eras for table tests.
var guardEras = []string{guardModern, guardLegacy}

// client connects a real mcp-go client in-process; el nil means a client
// without the elicitation capability.
func (e *guardEnv) client(t testing.TB, era string, el client.ElicitationHandler) *client.Client {
	t.Helper()
	var opts []client.ClientOption
	if el != nil {
		opts = append(opts, client.WithElicitationHandler(el))
	}
	if era == guardLegacy {
		opts = append(opts, client.WithProtocolVersion(mcp.LATEST_LEGACY_PROTOCOL_VERSION))
	}
	c, err := client.NewInProcessClientWithOptions(e.srv, opts...)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Close() })
	var init mcp.InitializeRequest
	init.Params.ClientInfo = mcp.Implementation{Name: "guard-test", Version: "1"}
	res, err := c.Initialize(ctx, init)
	require.NoError(t, err)
	if era == guardLegacy {
		require.False(t, mcp.IsModernProtocol(res.ProtocolVersion), "negotiated %s", res.ProtocolVersion)
	} else {
		require.True(t, mcp.IsModernProtocol(res.ProtocolVersion), "negotiated %s", res.ProtocolVersion)
	}
	return c
}

// writes counts the mutating requests the sandbox received.
func (e *guardEnv) writes() int { return len(e.sb.Writes()) }

// writesTo lists the paths of the mutating requests the sandbox received.
func (e *guardEnv) writesTo() []string {
	var out []string
	for _, r := range e.sb.Writes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// guardCall calls a tool and fails the test on a JSON-RPC error: every
// outcome the model can act on must be a tool result.
func guardCall(t testing.TB, c *client.Client, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	var req mcp.CallToolRequest
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(context.Background(), req)
	require.NoError(t, err, "tools/call %s must not be a JSON-RPC error", name)
	require.NotNil(t, res)
	return res
}

// guardText joins a result's text contents.
func guardText(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// guardToken returns the confirm_token of a preview result.
func guardToken(t testing.TB, res *mcp.CallToolResult) string {
	t.Helper()
	require.False(t, res.IsError, "preview failed: %s", guardText(res))
	sc, ok := res.StructuredContent.(map[string]any)
	require.True(t, ok, "preview has no structured content: %#v", res.StructuredContent)
	tok, _ := sc["confirm_token"].(string)
	require.NotEmpty(t, tok, "preview has no confirm_token: %s", guardText(res))
	require.Contains(t, guardText(res), "confirm_token: "+tok)
	return tok
}

// guardWith returns a copy of args with extra keys set.
func guardWith(args map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(args)+len(kv)/2)
	for k, v := range args {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// guardElicitor is a client's confirmation dialog: it records what it was
// shown and answers with a fixed action.
type guardElicitor struct {
	action  mcp.ElicitationResponseAction
	content any

	mu       sync.Mutex
	messages []string
	schemas  []any
}

func (g *guardElicitor) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	g.mu.Lock()
	g.messages = append(g.messages, req.Params.Message)
	g.schemas = append(g.schemas, req.Params.RequestedSchema)
	g.mu.Unlock()
	res := &mcp.ElicitationResult{}
	res.Action = g.action
	res.Content = g.content
	return res, nil
}

func (g *guardElicitor) Messages() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.messages...)
}

func guardAccepting() *guardElicitor {
	return &guardElicitor{action: mcp.ElicitationResponseActionAccept, content: map[string]any{"confirm": true}}
}

// guardSendArgs is a send_message to the demo customer (Telegram, open chat).
func guardSendArgs(text string) map[string]any {
	return map[string]any{"account_id": sandbox.DemoAccountID, "text": text}
}

// guardMutatingArgs holds valid arguments for each mutating tool
// against the sandbox seed.
func guardMutatingArgs() map[string]map[string]any {
	return map[string]map[string]any{
		"create_person":         {"name": "Ірина Шевченко", "phone": "+380501112233", "email": "iryna@example.com", "leadgentool_id": sandbox.LeadgentoolID},
		"update_person":         {"person_id": sandbox.DemoPersonID, "email": "olena.new@example.com"},
		"add_comment":           {"person_id": sandbox.DemoPersonID, "comment": "Called back, wants the moisturising set."},
		"send_message":          guardSendArgs("Добрий день! ТТН надішлемо сьогодні."),
		"send_template":         {"account_id": sandbox.DemoAccountID, "template_id": sandbox.TemplateID, "variables": map[string]any{"name": "Олена", "discount": "10%"}},
		"create_order":          {"person_id": sandbox.DemoPersonID, "offer_id": sandbox.OfferID, "payment_credits_id": sandbox.PaymentCreditsID, "notify_customer": true},
		"update_manual_order":   {"order_id": sandbox.ManualOrderID, "status": "RESOLVED", "price": 49, "currency": "USD"},
		"add_tag":               {"person_id": sandbox.DemoPersonID, "tag": "Lead"},
		"remove_tag":            {"person_id": sandbox.DemoPersonID, "tag": sandbox.VIPTagName},
		"subscribe_to_tunnel":   {"account_id": sandbox.DemoAccountID, "tunnel_id": sandbox.TunnelID, "tunnel_block_id": "65d1c0a8e4b0a1000c000f01"},
		"create_traffic_source": {"leadgentool_id": sandbox.LeadgentoolID, "name": "Instagram stories, March"},
		"add_sms_contacts": {"contacts": []any{map[string]any{"name": "Taras", "phone": "+380931234567"}},
			"connection_id": sandbox.SMSConnectionID, "leadgentool_id": sandbox.LeadgentoolID, "tags": []any{"Lead"}},
		"log_call": {"user_id": sandbox.UserID, "account_id": sandbox.DemoAccountID, "from": "+380441234567", "to": "+380671234567",
			"date": "2026-03-02T09:30:00Z", "duration_seconds": 95, "status": "SUCCESS", "type": "OUTBOUND"},
	}
}
