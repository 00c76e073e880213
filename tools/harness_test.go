package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// harnessStart is where every test's clock starts: the sandbox lays its seed
// out relative to it, and the guard and the tools read the same clock.
var harnessStart = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// harness is one MCP server, built from exactly what ships (tools.All behind
// tools.ServerTools, the guard executing through them), talking through a
// real leeloo.Client and HTTP to a sandbox Leeloo, with one clock for the
// sandbox, the guard and the tools, and the guard's audit log in a buffer.
// A test speaks to it on the wire (rpc, call, ok, fail) or through a real
// mcp-go client (client).
type harness struct {
	t     testing.TB
	clock *testutil.Clock
	sb    *sandbox.Server // nil when harnessOpts.Leeloo is set
	deps  *tools.Deps
	all   []tools.Tool
	guard *guard.Guard
	audit *testutil.Buffer
	srv   *server.MCPServer
	calls int
}

// harnessOpts configures a harness; the zero value is the guard in auto mode
// against a fresh sandbox.
type harnessOpts struct {
	Mode            guard.Mode // "" is guard.ModeAuto
	Key             []byte
	MaxSendsPerHour int
	ReadOnly        bool
	// NoRecovery leaves panics unrecovered, so a fuzzed panic fails loudly.
	NoRecovery bool
	// Leeloo is the base URL of another Leeloo than the sandbox.
	Leeloo string
	// Events is the event hub; nil is an empty in-memory one.
	Events *events.Hub
}

// testWebhook is a team tenant's webhook URL, as the server gives it.
func testWebhook(context.Context) (string, error) {
	return "https://mcp.example.com/webhooks/leeloo/0123456789abcdef0123456789abcdef01234567", nil
}

// guardApprovalBase is the approval page's link prefix in these tests.
const guardApprovalBase = "http://127.0.0.1:9/approve/"

// newHarness serves every tool against a fresh sandbox (or o.Leeloo) on a
// fresh clock.
func newHarness(t testing.TB, o harnessOpts) *harness {
	t.Helper()
	clock := testutil.NewClock(harnessStart)
	if o.Leeloo != "" {
		return newHarnessOn(t, nil, clock, o)
	}
	return newHarnessOn(t, sandbox.New(sandbox.Options{Now: clock.Now}), clock, o)
}

// newHarnessOn builds the guard, the tools and the server on an existing
// sandbox and clock: two of them on one sandbox are two server processes of
// one deployment.
func newHarnessOn(t testing.TB, sb *sandbox.Server, clock *testutil.Clock, o harnessOpts) *harness {
	t.Helper()
	base := o.Leeloo
	if sb != nil {
		hs := httptest.NewServer(sb)
		t.Cleanup(hs.Close)
		base = hs.URL + sandbox.Prefix
	}
	client, err := leeloo.NewClient(leeloo.Options{
		BaseURL: base, Token: sandbox.DefaultToken, RequestsPerMinute: -1,
		BackoffBase: time.Millisecond, BackoffCap: time.Millisecond,
	})
	require.NoError(t, err)
	mode := o.Mode
	if mode == "" {
		mode = guard.ModeAuto
	}
	audit := &testutil.Buffer{}
	g, err := guard.New(guard.Config{
		Mode: mode, Key: o.Key, MaxSendsPerHour: o.MaxSendsPerHour, ReadOnly: o.ReadOnly,
		Audit: audit, ErrorResult: tools.ErrorResult, Now: clock.Now,
		ApprovalURL: func(id string) (string, error) { return guardApprovalBase + id, nil },
	})
	require.NoError(t, err)
	hub := o.Events
	if hub == nil {
		hub = &events.Hub{Log: events.NewLog(guard.NewMemoryStore(nil), events.LogOptions{})}
	}
	deps := &tools.Deps{Client: client, Guard: g, Now: clock.Now, Events: hub, Webhook: testWebhook}
	all := tools.All(deps)
	g.SetExecutor(tools.Executor(all))
	h := &harness{t: t, clock: clock, sb: sb, deps: deps, all: all, guard: g, audit: audit,
		srv: newServer(tools.ServerTools(all), o.NoRecovery)}
	h.rpc("initialize", map[string]any{
		"protocolVersion": "2025-06-18", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "tools-test", "version": "0"},
	})
	if sb != nil {
		sb.ResetRequests()
	}
	return h
}

// newServer builds an MCP server the way internal/app does, with panic
// recovery (unless noRecovery) and elicitation, serving ts; the tools
// validate their own arguments.
func newServer(ts []server.ServerTool, noRecovery bool) *server.MCPServer {
	opts := []server.ServerOption{
		server.WithToolCapabilities(false),
		server.WithElicitation(),
	}
	if !noRecovery {
		opts = append(opts, server.WithRecovery())
	}
	srv := server.NewMCPServer("leeloo-mcp", "test", opts...)
	srv.AddTools(ts...)
	return srv
}

// rpcWire is a JSON-RPC response as a client decodes it off the wire.
type rpcWire struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      any             `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// rpc sends one JSON-RPC request and returns the response as marshalled on the wire.
func (h *harness) rpc(method string, params any) rpcWire {
	h.t.Helper()
	h.calls++
	msg := map[string]any{"jsonrpc": "2.0", "id": h.calls, "method": method}
	if params != nil {
		msg["params"] = params
	}
	raw, err := json.Marshal(msg)
	require.NoError(h.t, err)
	return handleWire(h.t, h.srv, raw)
}

func handleWire(t testing.TB, srv *server.MCPServer, raw []byte) rpcWire {
	t.Helper()
	resp := srv.HandleMessage(context.Background(), raw)
	require.NotNil(t, resp, "no response to %s", raw)
	b, err := json.Marshal(resp)
	require.NoError(t, err, "marshalling the response")
	var w rpcWire
	require.NoError(t, json.Unmarshal(b, &w), "decoding %s", b)
	return w
}

// toolResult is a tools/call result as the model receives it.
type toolResult struct {
	Content []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
	StructuredContent json.RawMessage `json:"structuredContent"`
	IsError           bool            `json:"isError"`

	raw json.RawMessage
}

// Text is every text content joined by newlines.
func (r toolResult) Text() string {
	var b bytes.Buffer
	for i, c := range r.Content {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(c.Text)
	}
	return b.String()
}

// Doc decodes the result's JSON document into a generic map: the
// structured content where the tool sends one (writes, previews, the
// funnel card's figures), else the JSON a read carries in its text after
// the head line.
func (r toolResult) Doc(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if len(r.StructuredContent) > 0 {
		require.NoError(t, json.Unmarshal(r.StructuredContent, &m))
		return m
	}
	require.NoError(t, json.Unmarshal(r.TextJSON(t), &m), "the text's JSON in %s", r.raw)
	return m
}

// TextJSON is the JSON document in a read's text: everything after the
// one-line head.
func (r toolResult) TextJSON(t *testing.T) json.RawMessage {
	t.Helper()
	return testutil.TextJSON(t, r.Text())
}

// call calls a tool through the MCP layer. Any JSON-RPC error fails the
// test: the model must always get a tool result.
func (h *harness) call(name string, args map[string]any) toolResult {
	h.t.Helper()
	if args == nil {
		args = map[string]any{}
	}
	w := h.rpc("tools/call", map[string]any{"name": name, "arguments": args})
	require.Nil(h.t, w.Error, "tools/call %s %v answered a JSON-RPC error", name, args)
	var r toolResult
	require.NoError(h.t, json.Unmarshal(w.Result, &r), "decoding %s", w.Result)
	r.raw = w.Result
	require.NotEmpty(h.t, r.Content, "a result without content: %s", w.Result)
	for _, c := range r.Content {
		require.Equal(h.t, "text", c.Type)
	}
	return r
}

// ok calls a tool and requires a successful result.
func (h *harness) ok(name string, args map[string]any) toolResult {
	h.t.Helper()
	r := h.call(name, args)
	require.False(h.t, r.IsError, "%s failed: %s", name, r.Text())
	return r
}

// fail calls a tool and requires an error result.
func (h *harness) fail(name string, args map[string]any) toolResult {
	h.t.Helper()
	r := h.call(name, args)
	require.True(h.t, r.IsError, "%s succeeded, want an error: %s", name, r.Text())
	return r
}

// upstream is one request the sandbox recorded, reduced to what a test asserts.
type upstream struct {
	Method, Path, Query string
}

func (h *harness) upstream() []upstream {
	var out []upstream
	for _, r := range h.sb.Requests() {
		out = append(out, upstream{r.Method, r.Path, r.RawQuery})
	}
	return out
}

// writes returns the bodies of the non-GET requests the sandbox received.
func (h *harness) writes() []sandbox.Request { return h.sb.Writes() }

// writesTo lists the method and path of every mutating request the sandbox
// received.
func (h *harness) writesTo() []string {
	var out []string
	for _, r := range h.sb.Writes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// auditLines decodes every audit line as a JSON object, leaving out the
// intent records written before each upstream call (guard's own tests cover
// them): these tests count outcomes.
func (h *harness) auditLines(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimRight(h.audit.String(), "\n"), "\n") {
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

// auditOutcomes lists the outcome of every audit line, in order.
func (h *harness) auditOutcomes(t testing.TB) []string {
	var out []string
	for _, l := range h.auditLines(t) {
		out = append(out, l["outcome"].(string))
	}
	return out
}

// Protocol eras a client can speak.
const (
	guardModern = "modern" // 2026-07-28: input_required results, the client retries
	guardLegacy = "legacy" // 2025-11-25: the server sends elicitation/create itself
)

// guardEras lists both eras for table tests.
var guardEras = []string{guardModern, guardLegacy}

// client connects a real mcp-go client in-process; el nil means a client
// without the elicitation capability.
func (h *harness) client(t testing.TB, era string, el client.ElicitationHandler) *client.Client {
	t.Helper()
	var opts []client.ClientOption
	if el != nil {
		opts = append(opts, client.WithElicitationHandler(el))
	}
	if era == guardLegacy {
		opts = append(opts, client.WithProtocolVersion(mcp.LATEST_LEGACY_PROTOCOL_VERSION))
	}
	c, err := client.NewInProcessClientWithOptions(h.srv, opts...)
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

// toolsList returns the tools/list result bytes exactly as marshalled on the wire.
func toolsList(t *testing.T, srv *server.MCPServer) []byte {
	t.Helper()
	w := handleWire(t, srv, []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	require.Nil(t, w.Error)
	return w.Result
}

// snapDir holds the tool schema snapshots.
var snapDir = filepath.Join("..", "testdata", "toolsnaps")

// assertSnapshot compares got with testdata/toolsnaps/name. UPDATE_GOLDEN=1
// rewrites it; a missing snapshot fails, and is created unless CI=true.
func assertSnapshot(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(snapDir, name)
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		require.NoError(t, os.MkdirAll(snapDir, 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("snapshot %s is missing; run UPDATE_GOLDEN=1 go test ./tools/ and commit it", path)
		}
		require.NoError(t, os.MkdirAll(snapDir, 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		t.Errorf("snapshot %s was missing and has been created: review it, commit it and run the tests again", path)
		return
	}
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "snapshot %s differs; if the change is intended run UPDATE_GOLDEN=1 go test ./tools/", path)
}

// indentJSON indents raw JSON without reordering it.
func indentJSON(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, json.Indent(&b, raw, "", "  "))
	b.WriteByte('\n')
	return b.Bytes()
}

// jsonEq asserts that a recorded body is exactly the JSON want.
func jsonEq(t *testing.T, want string, body []byte, msgAndArgs ...any) {
	t.Helper()
	assert.JSONEq(t, want, string(body), msgAndArgs...)
}

// mustJSON marshals v.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func toolNames(ts []tools.Tool) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Tool.Name
	}
	return out
}
