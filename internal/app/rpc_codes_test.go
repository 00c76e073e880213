package app

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawStdio speaks newline-delimited JSON-RPC to Run over stdio, as a client
// sees the wire.
type rawStdio struct {
	s     *stdioRun
	lines chan string
	id    int
}

func newRawStdio(t *testing.T, env map[string]string, args ...string) *rawStdio {
	t.Helper()
	r := &rawStdio{s: startStdio(t, env, args...), lines: make(chan string, 16)}
	go func() {
		sc := bufio.NewScanner(r.s.stdoutR)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			r.lines <- sc.Text()
		}
		close(r.lines)
	}()
	r.request(t, "initialize", map[string]any{"protocolVersion": "2025-06-18", "capabilities": map[string]any{}, "clientInfo": map[string]any{"name": "t", "version": "0"}})
	return r
}

// request sends one request and returns its reply.
func (r *rawStdio) request(t *testing.T, method string, params any) map[string]any {
	t.Helper()
	r.id++
	raw, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": r.id, "method": method, "params": params})
	require.NoError(t, err)
	_, err = r.s.stdinW.Write(append(raw, '\n'))
	require.NoError(t, err)
	for {
		select {
		case line, ok := <-r.lines:
			require.True(t, ok, "stdout closed; stderr:\n%s", r.s.stderr.String())
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(line), &m), line)
			if m["id"] == float64(r.id) {
				return m
			}
		case <-time.After(waitLimit):
			t.Fatalf("no reply; stderr:\n%s", r.s.stderr.String())
		}
	}
}

// rpcError sends one request and returns the JSON-RPC error's code and
// message (0 and "" when it succeeded).
func rpcError(t *testing.T, r *rawStdio, method string, params any) (int, string) {
	t.Helper()
	m := r.request(t, method, params)
	e, ok := m["error"].(map[string]any)
	if !ok {
		return 0, ""
	}
	msg, _ := e["message"].(string)
	return int(e["code"].(float64)), msg
}

// TestJSONRPCCodes: bad resource and prompt arguments are invalid params
// (-32602), an unknown resource is resource-not-found (-32002), never an
// internal error (-32603); the id hint is said once.
func TestJSONRPCCodes(t *testing.T) {
	e := newRawStdio(t, nil)
	missing := "0123456789abcdef01234567"
	for _, tc := range []struct {
		name, method string
		params       map[string]any
		code         int
	}{
		{"malformed resource id", "resources/read", map[string]any{"uri": "leeloo://people/abc"}, -32602},
		{"unknown person", "resources/read", map[string]any{"uri": "leeloo://people/" + missing}, -32002},
		{"unknown chat", "resources/read", map[string]any{"uri": "leeloo://chats/" + missing}, -32002},
		{"unknown resource", "resources/read", map[string]any{"uri": "leeloo://nothing"}, -32002},
		{"prompt without its required argument", "prompts/get", map[string]any{"name": "summarize_chat", "arguments": map[string]any{}}, -32602},
		{"prompt with a malformed id", "prompts/get", map[string]any{"name": "summarize_chat", "arguments": map[string]any{"account_id": "abc"}}, -32602},
		{"unknown prompt", "prompts/get", map[string]any{"name": "nope"}, -32602},
	} {
		code, msg := rpcError(t, e, tc.method, tc.params)
		assert.Equal(t, tc.code, code, "%s: %s", tc.name, msg)
		assert.NotContains(t, msg, "Internal error", tc.name)
	}
	_, msg := rpcError(t, e, "resources/read", map[string]any{"uri": "leeloo://people/" + missing})
	assert.Equal(t, 1, strings.Count(msg, "come from"), "the hint once: %s", msg)
}

// TestJSONRPCCodesOverHTTP: Streamable HTTP answers the same codes.
func TestJSONRPCCodesOverHTTP(t *testing.T) {
	s := startHTTP(t, nil, "--transport", "http", "--sandbox")
	post := func(session, body string) (*http.Response, string) {
		req, err := http.NewRequest(http.MethodPost, s.base+"/mcp", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res, string(b)
	}
	res, _ := post("", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`)
	session := res.Header.Get("Mcp-Session-Id")
	require.NotEmpty(t, session)
	_, body := post(session, `{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"leeloo://people/abc"}}`)
	assert.Contains(t, body, `"code":-32602`)
	_, body = post(session, `{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"leeloo://people/0123456789abcdef01234567"}}`)
	assert.Contains(t, body, `"code":-32002`)
}
