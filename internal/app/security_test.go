package app

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// httpResult is a response with its body read.
type httpResult struct {
	StatusCode int
	Header     http.Header
	body       string
}

var rawClient = &http.Client{Timeout: waitLimit}

// clientFrom is an HTTP client whose connections come from the loopback
// address ip, a second client as far as the server can tell.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Timeout: waitLimit, Transport: &http.Transport{DialContext: d.DialContext}}
}

// httpDo sends one request; a "Host" header sets the Host line.
func httpDo(method, url string, headers map[string]string, body io.Reader) (*httpResult, error) {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return nil, err
	}
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := rawClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return &httpResult{res.StatusCode, res.Header, string(b)}, err
}

func httpGet(url string) (*httpResult, error) { return httpDo("GET", url, nil, nil) }

// jsonHeaders are what a Streamable HTTP POST carries, plus extra pairs.
func jsonHeaders(kv ...string) map[string]string {
	h := map[string]string{"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
	for i := 0; i+1 < len(kv); i += 2 {
		h[kv[i]] = kv[i+1]
	}
	return h
}

const (
	legacyVersion = "2025-06-18"
	initBody      = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"` + legacyVersion + `","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`
	addTagCall    = `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add_tag","arguments":` + addTagArgs + `}}`
)

// rpcBody is the JSON-RPC message in a JSON or an SSE response body.
func rpcBody(t *testing.T, res *httpResult) map[string]any {
	t.Helper()
	raw := res.body
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		raw = ""
		sc := bufio.NewScanner(strings.NewReader(res.body))
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				raw = d
			}
		}
	}
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &m), res.body)
	return m
}

// legacySession opens a session-protocol Streamable HTTP session by hand and
// returns the headers its later requests carry.
func legacySession(t *testing.T, base string, extra ...string) map[string]string {
	t.Helper()
	res, err := httpDo("POST", base+"/mcp", jsonHeaders(extra...), strings.NewReader(initBody))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, res.body)
	sid := res.Header.Get("Mcp-Session-Id")
	require.NotEmpty(t, sid)
	h := jsonHeaders(append([]string{"Mcp-Session-Id", sid, "Mcp-Protocol-Version", legacyVersion}, extra...)...)
	res, err = httpDo("POST", base+"/mcp", h, strings.NewReader(`{"jsonrpc":"2.0","method":"notifications/initialized"}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusAccepted, res.StatusCode, res.body)
	return h
}

func TestHTTPBearerToken(t *testing.T) {
	t.Parallel()
	const token = "the-http-token-123"
	s := startHTTP(t, map[string]string{"LEELOO_HTTP_TOKEN": token}, "--transport", "http", "--sandbox")

	for _, path := range []string{"/mcp", "/message?sessionId=x"} {
		for name, auth := range map[string]string{
			"none": "", "wrong": "Bearer wrong-token", "prefix": "Bearer " + token[:5], "longer": "Bearer " + token + "x",
			"no scheme": token, "basic": "Basic " + token,
		} {
			h := jsonHeaders()
			if auth != "" {
				h["Authorization"] = auth
			}
			res, err := httpDo("POST", s.base+path, h, strings.NewReader(initBody))
			require.NoError(t, err)
			assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s %s", path, name)
			assert.Equal(t, `Bearer realm="leeloo-mcp"`, res.Header.Get("WWW-Authenticate"))
			assert.NotContains(t, res.body, token)
		}
	}
	res, err := httpGet(s.base + "/sse")
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)

	// The health check needs no token.
	res, err = httpGet(s.base + "/healthz")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode)

	// The right token works, raw and with the Go clients on both transports.
	res, err = httpDo("POST", s.base+"/mcp", jsonHeaders("Authorization", "Bearer "+token), strings.NewReader(initBody))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode, res.body)
	assert.Contains(t, res.body, `"serverInfo"`)

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	auth := map[string]string{"Authorization": "Bearer " + token}
	c := streamableClient(t, ctx, s.base, auth)
	initialize(t, ctx, c, "")
	roundTrip(t, ctx, c)
	sc := sseClient(t, ctx, s.base, auth)
	initialize(t, ctx, sc, "")
	roundTrip(t, ctx, sc)

	// Without it the Go client fails.
	bad := streamableClient(t, ctx, s.base, map[string]string{"Authorization": "Bearer nope"})
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = clientInfo
	_, err = bad.Initialize(ctx, req)
	assert.Error(t, err)
}

func TestHTTPOrigin(t *testing.T) {
	t.Parallel()
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	s := startHTTP(t, nil, "--transport", "http", "--sandbox", "--confirm", "off", "--audit-log", audit,
		"--allowed-origins", "https://app.example")

	// A hostile page: refused before anything runs, on every endpoint.
	sess := legacySession(t, s.base)
	for _, path := range []string{"/mcp", "/sse", "/message?sessionId=x"} {
		method := "POST"
		if path == "/sse" {
			method = "GET"
		}
		for _, origin := range []string{"https://evil.example", "null", "http://localhost.evil.example", "https://app.example.evil"} {
			h := map[string]string{}
			for k, v := range sess {
				h[k] = v
			}
			h["Origin"] = origin
			res, err := httpDo(method, s.base+path, h, strings.NewReader(addTagCall))
			require.NoError(t, err)
			assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s %s", path, origin)
			assert.Contains(t, res.body, "is not allowed (see --allowed-origins)")
		}
	}
	assert.Empty(t, auditLines(t, audit), "a refused request ran nothing")

	// Loopback pages and the configured origin may connect.
	for _, origin := range []string{"http://localhost:3000", "http://127.0.0.1:5173", "http://[::1]:8080", "https://app.example", "HTTPS://APP.EXAMPLE"} {
		res, err := httpDo("POST", s.base+"/mcp", jsonHeaders("Origin", origin), strings.NewReader(initBody))
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", origin, res.body)
	}

	// The same call without the hostile Origin runs: the 403s above were the
	// Origin check, not a broken request.
	res, err := httpDo("POST", s.base+"/mcp", sess, strings.NewReader(addTagCall))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, res.body)
	m := rpcBody(t, res)
	assert.Contains(t, mustJSON(t, m["result"]), "added to person")
	lines := auditLines(t, audit)
	require.Len(t, lines, 1)
	assert.Equal(t, "executed", lines[0]["outcome"])
	assert.Equal(t, "add_tag", lines[0]["tool"])

	// With a Go client, through an allowed browser Origin.
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c := sseClient(t, ctx, s.base, map[string]string{"Origin": "https://app.example"})
	initialize(t, ctx, c, "")
	roundTrip(t, ctx, c)
}

// TestHTTPHostHeader: mcp-go's DNS-rebinding protection is on for the MCP
// endpoints of the loopback listener.
func TestHTTPHostHeader(t *testing.T) {
	t.Parallel()
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	s := startHTTP(t, nil, "--transport", "http", "--sandbox", "--confirm", "off", "--audit-log", audit)
	sess := legacySession(t, s.base)

	for _, path := range []string{"/mcp", "/sse", "/message?sessionId=x"} {
		method := "POST"
		if path == "/sse" {
			method = "GET"
		}
		for _, host := range []string{"evil.example", "evil.example:" + strings.Split(s.addr, ":")[1], "10.0.0.1"} {
			h := map[string]string{"Host": host}
			for k, v := range sess {
				h[k] = v
			}
			res, err := httpDo(method, s.base+path, h, strings.NewReader(addTagCall))
			require.NoError(t, err)
			assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s Host %s", path, host)
			assert.Contains(t, res.body, "invalid Host header")
		}
	}
	assert.Empty(t, auditLines(t, audit))

	// Loopback names are fine.
	for _, host := range []string{"localhost:" + strings.Split(s.addr, ":")[1], s.addr, "127.0.0.1"} {
		res, err := httpDo("POST", s.base+"/mcp", jsonHeaders("Host", host), strings.NewReader(initBody))
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.StatusCode, host)
	}
}

func TestHTTPBodyLimit(t *testing.T) {
	t.Parallel()
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	s := startHTTP(t, nil, "--transport", "http", "--sandbox", "--confirm", "off", "--audit-log", audit)
	sess := legacySession(t, s.base)

	// A valid call padded past 1 MiB with JSON whitespace.
	big := addTagCall[:len(addTagCall)-1] + strings.Repeat(" ", 1<<20) + "}"

	// With a Content-Length: 413 before anything is read.
	res, err := httpDo("POST", s.base+"/mcp", sess, strings.NewReader(big))
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)
	assert.Contains(t, res.body, "Request body too large (limit 1048576 bytes)")

	// Chunked (no Content-Length): the reader stops at the cap.
	res, err = httpDo("POST", s.base+"/mcp", sess, io.MultiReader(strings.NewReader(big)))
	require.NoError(t, err)
	assert.GreaterOrEqual(t, res.StatusCode, 400, res.body)

	// Legacy SSE's message endpoint too.
	res, err = httpDo("POST", s.base+"/message?sessionId=x", jsonHeaders(), strings.NewReader(big))
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)

	assert.Empty(t, auditLines(t, audit), "an oversized request ran nothing")

	// Just under the cap is served.
	fits := addTagCall[:len(addTagCall)-1] + strings.Repeat(" ", 1<<20-len(addTagCall)) + "}"
	require.Len(t, fits, 1<<20)
	res, err = httpDo("POST", s.base+"/mcp", sess, strings.NewReader(fits))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode, res.body)
	assert.Len(t, auditLines(t, audit), 1)
}

// TestHTTPCallsPerMinute: the third call in a session is refused with a tool
// error, the refused call runs nothing, and another session has its own
// allowance.
func TestHTTPCallsPerMinute(t *testing.T) {
	t.Parallel()
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	s := startHTTP(t, nil, "--transport", "http", "--sandbox", "--calls-per-minute", "2", "--calls-per-minute-per-client", "2", "--confirm", "off", "--audit-log", audit)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()

	a := sseClient(t, ctx, s.base, nil)
	initialize(t, ctx, a, "")
	for range 2 {
		res := callTool(t, ctx, a, "list_tags", `{}`)
		require.False(t, res.IsError, text(res))
	}
	res := callTool(t, ctx, a, "add_tag", addTagArgs)
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), "Too many tool calls in this session (limit 2 per minute, --calls-per-minute)")
	assert.Contains(t, text(res), "Nothing was done.")
	assert.Empty(t, auditLines(t, audit), "the refused call ran nothing")

	// A session of its own from the same client is limited too: the client
	// already spent its allowance.
	same := streamableClient(t, ctx, s.base, nil)
	initialize(t, ctx, same, legacyVersion)
	res = callTool(t, ctx, same, "list_tags", `{}`)
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), "Too many tool calls from this client")

	// Another client (another address) may call.
	tr, err := transport.NewStreamableHTTP(s.base+"/mcp", transport.WithHTTPBasicClient(clientFrom("127.0.0.2")))
	require.NoError(t, err)
	b := client.NewClient(tr)
	require.NoError(t, b.Start(ctx))
	t.Cleanup(func() { _ = b.Close() })
	initialize(t, ctx, b, legacyVersion)
	res = callTool(t, ctx, b, "add_tag", addTagArgs)
	assert.False(t, res.IsError, text(res))
	lines := auditLines(t, audit)
	require.Len(t, lines, 1)
	assert.Equal(t, "executed", lines[0]["outcome"])

	// The first session is still over its allowance.
	res = callTool(t, ctx, a, "list_tags", `{}`)
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), "Too many tool calls")
}
