package app

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const toolsListBody = `{"jsonrpc":"2.0","id":3,"method":"tools/list"}`

// TestHTTPDeletedAndUnknownSessions: a session id stops working once its
// client DELETEs it, and an id the server never issued is not one.
func TestHTTPDeletedAndUnknownSessions(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--transport", "http", "--sandbox")
	h := legacySession(t, s.base)

	res, err := httpDo("POST", s.base+"/mcp", h, strings.NewReader(toolsListBody))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, res.body)

	res, err = httpDo("DELETE", s.base+"/mcp", h, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, res.body)
	res, err = httpDo("POST", s.base+"/mcp", h, strings.NewReader(toolsListBody))
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "a deleted session is gone: %s", res.body)

	forged := jsonHeaders("Mcp-Session-Id", "mcp-session-6f1c5b1e-0c4e-4f43-9b8e-2d5b8f0a7c11", "Mcp-Protocol-Version", legacyVersion)
	res, err = httpDo("POST", s.base+"/mcp", forged, strings.NewReader(toolsListBody))
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "a never-issued id is not a session: %s", res.body)
}

// TestHTTPIdleSessionsExpire: an idle session is dropped after
// --session-idle-timeout; an active one is kept.
func TestHTTPIdleSessionsExpire(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--transport", "http", "--sandbox", "--session-idle-timeout", "2s")
	idle := legacySession(t, s.base)
	busy := legacySession(t, s.base)
	deadline := time.Now().Add(6 * time.Second)
	for time.Now().Before(deadline) {
		res, err := httpDo("POST", s.base+"/mcp", busy, strings.NewReader(toolsListBody))
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode, "an active session is kept")
		time.Sleep(300 * time.Millisecond)
	}
	res, err := httpDo("POST", s.base+"/mcp", idle, strings.NewReader(toolsListBody))
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "the idle session expired")
}

// TestHTTPSessionsPerClientCapped: a client that keeps opening sessions keeps
// at most --max-sessions-per-client of them; the oldest go first.
func TestHTTPSessionsPerClientCapped(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--transport", "http", "--sandbox", "--max-sessions-per-client", "3")
	var hs []map[string]string
	for range 6 {
		hs = append(hs, legacySession(t, s.base))
	}
	var codes []int
	for _, h := range hs {
		res, err := httpDo("POST", s.base+"/mcp", h, strings.NewReader(toolsListBody))
		require.NoError(t, err)
		codes = append(codes, res.StatusCode)
	}
	assert.Equal(t, []int{404, 404, 404, 200, 200, 200}, codes)
}

// TestHTTPCallsPerMinutePerClient: opening a fresh session per call does not
// escape --calls-per-minute: the client's identity is counted too.
func TestHTTPCallsPerMinutePerClient(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--transport", "http", "--sandbox", "--calls-per-minute-per-client", "3")
	var texts []string
	for i := range 5 {
		h := legacySession(t, s.base)
		body := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"list_tags","arguments":{}}}`, 10+i)
		res, err := httpDo("POST", s.base+"/mcp", h, strings.NewReader(body))
		require.NoError(t, err)
		texts = append(texts, res.body)
	}
	for i, tx := range texts {
		if i < 3 {
			assert.NotContains(t, tx, "Too many tool calls", "call %d", i)
		} else {
			assert.Contains(t, tx, "Too many tool calls from this client", "call %d", i)
		}
	}
}

// TestHTTPSlowBodyAndIdleConnections: a body dribbled slowly is cut off, an
// idle keep-alive connection is closed, and connections beyond
// --max-connections wait instead of taking descriptors.
func TestHTTPSlowBodyAndIdleConnections(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--transport", "http", "--sandbox", "--max-connections", "4", "--http-body-timeout", "1s", "--http-idle-timeout", "1s")

	// A body that never finishes is cut off after the body timeout.
	c, err := net.Dial("tcp", s.addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = fmt.Fprintf(c, "POST /mcp HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n{", s.addr)
	require.NoError(t, err)
	for range 10 {
		if _, err := c.Write([]byte(" ")); err != nil {
			break
		}
		time.Sleep(400 * time.Millisecond)
	}
	// The server answered 408 and closed the connection (the test's own
	// deadline is only a backstop).
	_ = c.SetReadDeadline(time.Now().Add(waitLimit))
	resp408, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err, "the server answers the dribbled body")
	assert.Equal(t, http.StatusRequestTimeout, resp408.StatusCode, "the dribbled body was cut off")
	assert.True(t, resp408.Close, "and the connection is closed")

	// An idle keep-alive connection is closed by the server.
	k, err := net.Dial("tcp", s.addr)
	require.NoError(t, err)
	defer k.Close()
	_, err = fmt.Fprintf(k, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", s.addr)
	require.NoError(t, err)
	br := bufio.NewReader(k)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	_ = resp.Body.Close()
	_ = k.SetReadDeadline(time.Now().Add(waitLimit))
	_, err = br.ReadByte()
	assert.ErrorIs(t, err, io.EOF, "the server closes an idle connection (not our backstop deadline)")

	// Four parked connections fill the cap; a fifth request waits until one
	// goes away, then is served.
	var parked []net.Conn
	for range 4 {
		p, err := net.Dial("tcp", s.addr)
		require.NoError(t, err)
		_, _ = fmt.Fprintf(p, "GET /healthz HTTP/1.1\r\nHost: %s\r\n", s.addr) // headers never end
		parked = append(parked, p)
	}
	time.Sleep(200 * time.Millisecond)
	got := make(chan int, 1)
	go func() {
		res, err := (&http.Client{Timeout: 20 * time.Second}).Get(s.base + "/healthz")
		if err != nil {
			got <- -1
			return
		}
		_ = res.Body.Close()
		got <- res.StatusCode
	}()
	select {
	case code := <-got:
		t.Fatalf("served beyond the connection cap: %d", code)
	case <-time.After(500 * time.Millisecond):
	}
	for _, p := range parked {
		_ = p.Close()
	}
	select {
	case code := <-got:
		assert.Equal(t, 200, code)
	case <-time.After(15 * time.Second):
		t.Fatal("the waiting request was never served")
	}
}

// TestStdioMessageSizeCap: one stdio line over 1 MiB is answered with a
// JSON-RPC error naming the limit, costs no more than the cap, and the
// session goes on.
func TestStdioMessageSizeCap(t *testing.T) {
	t.Parallel()
	s := startStdio(t, nil, "--sandbox")
	out := bufio.NewReader(s.stdoutR)
	send := func(line string) {
		_, err := s.stdinW.Write([]byte(line + "\n"))
		require.NoError(t, err)
	}
	readMsg := func() map[string]any {
		line, err := out.ReadString('\n')
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		return m
	}
	send(initBody)
	readMsg()
	huge := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"send_message","arguments":{"account_id":"x","text":"` + strings.Repeat("a", 2<<20) + `"}}}`
	go send(huge)
	m := readMsg()
	assert.EqualValues(t, 7, m["id"], "the error answers the oversized request: %v", m)
	e, _ := m["error"].(map[string]any)
	require.NotNil(t, e, "%v", m)
	assert.EqualValues(t, -32600, e["code"])
	assert.Contains(t, e["message"], "1 MiB")
	send(`{"jsonrpc":"2.0","id":8,"method":"ping"}`)
	m = readMsg()
	assert.EqualValues(t, 8, m["id"], "the session goes on")
	assert.Nil(t, m["error"])
	s.cancel()
	_ = s.stdinW.Close()
	s.wait(t)
}

// TestLongResourceURIRejectedFirst: an over-long resource URI is refused
// before any template is matched against it.
func TestLongResourceURIRejectedFirst(t *testing.T) {
	t.Parallel()
	s := startStdio(t, nil, "--sandbox")
	out := bufio.NewReader(s.stdoutR)
	_, err := s.stdinW.Write([]byte(initBody + "\n"))
	require.NoError(t, err)
	_, err = out.ReadString('\n')
	require.NoError(t, err)
	uri := "leeloo://chats/" + strings.Repeat("a", 512<<10)
	go func() {
		_, _ = s.stdinW.Write([]byte(`{"jsonrpc":"2.0","id":9,"method":"resources/read","params":{"uri":"` + uri + `"}}` + "\n"))
	}()
	line, err := out.ReadString('\n')
	require.NoError(t, err)
	assert.Contains(t, line, `"id":9`)
	assert.Contains(t, line, "URI longer than", "refused by the check that runs before any template is matched")
	s.cancel()
	_ = s.stdinW.Close()
	s.wait(t)
}
