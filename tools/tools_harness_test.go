package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

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

// toolsNow is the fixed clock of every test in this package: the sandbox lays
// its seed out relative to it, and the guard and the tools read it.
var toolsNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func toolsClock() time.Time { return toolsNow }

// toolsHarness is one MCP server, built from exactly what ships
// (tools.All behind tools.ServerTools), talking through a real leeloo.Client
// to a sandbox Leeloo behind an httptest.Server.
type toolsHarness struct {
	t     *testing.T
	sb    *sandbox.Server
	deps  *tools.Deps
	all   []tools.Tool
	srv   *server.MCPServer
	calls int
}

// testWebhook is a team tenant's webhook URL, as the server gives it.
func testWebhook(context.Context) (string, error) {
	return "https://mcp.example.com/webhooks/leeloo/0123456789abcdef0123456789abcdef01234567", nil
}

// newToolsHarness serves every tool with the guard in mode.
func newToolsHarness(t *testing.T, mode guard.Mode) *toolsHarness {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Now: toolsClock})
	hs := httptest.NewServer(sb)
	t.Cleanup(hs.Close)
	client, err := leeloo.NewClient(leeloo.Options{
		BaseURL: hs.URL + "/api/v2", Token: sandbox.DefaultToken, RequestsPerMinute: -1,
		BackoffBase: time.Millisecond, BackoffCap: time.Millisecond,
	})
	require.NoError(t, err)
	g, err := guard.New(guard.Config{Mode: mode, ErrorResult: tools.ErrorResult, Now: toolsClock})
	require.NoError(t, err)
	deps := &tools.Deps{Client: client, Guard: g, Now: toolsClock,
		Events: &events.Hub{Log: events.NewLog(guard.NewMemoryStore(nil), events.LogOptions{})}, Webhook: testWebhook}
	all := tools.All(deps)
	h := &toolsHarness{t: t, sb: sb, deps: deps, all: all, srv: newToolsServer(tools.ServerTools(all))}
	h.rpc("initialize", map[string]any{
		"protocolVersion": "2025-06-18", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "tools-test", "version": "0"},
	})
	sb.ResetRequests()
	return h
}

// newToolsServer builds an MCP server the way internal/app does, with panic
// recovery, serving ts; the tools validate their own arguments.
func newToolsServer(ts []server.ServerTool) *server.MCPServer {
	srv := server.NewMCPServer("leeloo-mcp", "test",
		server.WithToolCapabilities(false),
		server.WithRecovery(),
	)
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
func (h *toolsHarness) rpc(method string, params any) rpcWire {
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

func handleWire(t *testing.T, srv *server.MCPServer, raw []byte) rpcWire {
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
func (h *toolsHarness) call(name string, args map[string]any) toolResult {
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
func (h *toolsHarness) ok(name string, args map[string]any) toolResult {
	h.t.Helper()
	r := h.call(name, args)
	require.False(h.t, r.IsError, "%s failed: %s", name, r.Text())
	return r
}

// fail calls a tool and requires an error result.
func (h *toolsHarness) fail(name string, args map[string]any) toolResult {
	h.t.Helper()
	r := h.call(name, args)
	require.True(h.t, r.IsError, "%s succeeded, want an error: %s", name, r.Text())
	return r
}

// upstream is one request the sandbox recorded, reduced to what a test asserts.
type upstream struct {
	Method, Path, Query string
}

func (h *toolsHarness) upstream() []upstream {
	var out []upstream
	for _, r := range h.sb.Requests() {
		out = append(out, upstream{r.Method, r.Path, r.RawQuery})
	}
	return out
}

// writes returns the bodies of the non-GET requests the sandbox received.
func (h *toolsHarness) writes() []sandbox.Request { return h.sb.Writes() }

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
