package app

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
)

// stdioRun is Run serving stdio over pipes. Not parallel: mcp-go keeps the
// stdio session in a package variable.
type stdioRun struct {
	stdinW  *io.PipeWriter
	stdoutR *io.PipeReader
	stderr  *testutil.Buffer
	cancel  context.CancelFunc
	done    chan int
}

func startStdio(t *testing.T, env map[string]string, args ...string) *stdioRun {
	t.Helper()
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	s := &stdioRun{stdinW: stdinW, stdoutR: stdoutR, stderr: &testutil.Buffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		code := Run(ctx, args, stdinR, stdoutW, s.stderr, envOf(env))
		_ = stdoutW.Close()
		s.done <- code
	}()
	t.Cleanup(func() {
		cancel()
		_ = stdinW.Close()
		// Drain rather than close stdout: a reader still running gets EOF
		// once Run ends, and Run never blocks on a write nobody reads.
		go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	})
	return s
}

func (s *stdioRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-s.done:
		return code
	case <-time.After(waitLimit):
		t.Fatalf("Run did not return; stderr:\n%s", s.stderr.String())
		return -1
	}
}

func TestStdioInProcess(t *testing.T) {
	s := startStdio(t, nil, "--log-level", "debug")
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()

	c := client.NewClient(transport.NewIO(s.stdoutR, s.stdinW, nil))
	require.NoError(t, c.Start(ctx))
	init := initialize(t, ctx, c, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	assert.Equal(t, "leeloo-mcp", init.ServerInfo.Name)
	assert.Equal(t, Version, init.ServerInfo.Version)
	assert.Equal(t, SandboxInstructions+Instructions(guard.DefaultDuplicateWindow), init.Instructions, "no token: the sandbox")
	roundTrip(t, ctx, c)

	// Cancelling the context is how main stops on a signal.
	s.cancel()
	assert.Equal(t, 0, s.wait(t))
	require.NoError(t, c.Close())
	assert.Contains(t, s.stderr.String(), "serving the SANDBOX")
	assert.Contains(t, s.stderr.String(), "tool call", "debug logs go to stderr")
}

// TestStdioRawLines speaks newline-delimited JSON-RPC and checks that every
// line on stdout is JSON-RPC; the end of stdin ends the run with 0.
func TestStdioRawLines(t *testing.T) {
	s := startStdio(t, nil, "--sandbox", "--calls-per-minute", "2", "--log-level", "debug")
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(s.stdoutR)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	send := func(msg string) {
		_, err := io.WriteString(s.stdinW, msg+"\n")
		require.NoError(t, err)
	}
	await := func(id int) map[string]any {
		t.Helper()
		for {
			select {
			case line, ok := <-lines:
				require.True(t, ok, "stdout closed; stderr:\n%s", s.stderr.String())
				var m map[string]any
				require.NoError(t, json.Unmarshal([]byte(line), &m), "stdout carries only JSON-RPC: %q", line)
				require.Equal(t, "2.0", m["jsonrpc"], line)
				if m["id"] == float64(id) {
					return m
				}
			case <-time.After(waitLimit):
				t.Fatalf("no reply to %d; stderr:\n%s", id, s.stderr.String())
			}
		}
	}

	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	init := await(1)
	assert.Equal(t, "leeloo-mcp", init["result"].(map[string]any)["serverInfo"].(map[string]any)["name"])
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	list := await(2)
	assert.Contains(t, mustJSON(t, list), `"name":"list_tags"`)

	call := func(id int) map[string]any {
		send(`{"jsonrpc":"2.0","id":` + strconv.Itoa(id) + `,"method":"tools/call","params":{"name":"list_tags","arguments":{}}}`)
		return await(id)["result"].(map[string]any)
	}
	assert.Nil(t, call(3)["isError"])
	assert.Nil(t, call(4)["isError"])
	third := call(5)
	assert.Equal(t, true, third["isError"], "the third call in a minute is over --calls-per-minute 2")
	assert.Contains(t, mustJSON(t, third), "Too many tool calls")

	require.NoError(t, s.stdinW.Close())
	assert.Equal(t, 0, s.wait(t))
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestHTTPTransports(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--transport", "http", "--sandbox")
	assert.Contains(t, s.stderr.String(), "/mcp (Streamable HTTP), /sse and /message (legacy SSE)")
	assert.Contains(t, s.stderr.String(), "serving the SANDBOX (--sandbox)")
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()

	t.Run("streamable HTTP, stateless protocol", func(t *testing.T) {
		c := streamableClient(t, ctx, s.base, nil)
		res := initialize(t, ctx, c, "")
		assert.Equal(t, "leeloo-mcp", res.ServerInfo.Name)
		assert.Equal(t, SandboxInstructions+Instructions(guard.DefaultDuplicateWindow), res.Instructions)
		roundTrip(t, ctx, c)
	})
	t.Run("streamable HTTP, session protocol", func(t *testing.T) {
		c := streamableClient(t, ctx, s.base, nil)
		res := initialize(t, ctx, c, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
		assert.Equal(t, mcp.LATEST_LEGACY_PROTOCOL_VERSION, res.ProtocolVersion)
		assert.NotEmpty(t, c.GetSessionId())
		roundTrip(t, ctx, c)
	})
	t.Run("legacy SSE", func(t *testing.T) {
		c := sseClient(t, ctx, s.base, nil)
		res := initialize(t, ctx, c, "")
		assert.Equal(t, "leeloo-mcp", res.ServerInfo.Name)
		assert.Equal(t, "http://"+s.addr+"/message", client.GetEndpoint(c).Scheme+"://"+client.GetEndpoint(c).Host+client.GetEndpoint(c).Path)
		roundTrip(t, ctx, c)
	})
	t.Run("a failing call is a tool error", func(t *testing.T) {
		c := streamableClient(t, ctx, s.base, nil)
		initialize(t, ctx, c, "")
		res := callTool(t, ctx, c, "get_person", `{"person_id":"bad"}`)
		assert.True(t, res.IsError)
		assert.Contains(t, text(res), "search_people")
	})
	assert.Equal(t, 0, s.stop(t))
}

func TestSSETransportServesNoStreamableHTTP(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--transport", "sse")
	assert.Contains(t, s.stderr.String(), "listening on http://"+s.addr+": /sse and /message (legacy SSE)\n")
	res, err := httpDo("POST", s.base+"/mcp", jsonHeaders(), strings.NewReader(initBody))
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, res.StatusCode)

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c := sseClient(t, ctx, s.base, nil)
	initialize(t, ctx, c, "")
	roundTrip(t, ctx, c)
	assert.Equal(t, 0, s.stop(t))
}

// TestHTTPShutdownWithOpenStreams: cancelling ends open SSE streams, so a
// connected client neither holds the shutdown for the whole grace period
// nor keeps a stream to a stopped server.
func TestHTTPShutdownWithOpenStreams(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--transport", "http", "--sandbox")

	// A raw legacy SSE stream, left open.
	req, err := http.NewRequest("GET", s.base+"/sse", nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	r := bufio.NewReader(res.Body)
	line, err := r.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "event: endpoint\n", line)

	// And a Go client over SSE, connected.
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c := sseClient(t, ctx, s.base, nil)
	initialize(t, ctx, c, "")
	lost := make(chan struct{})
	c.OnConnectionLost(func(error) { close(lost) })

	require.Equal(t, 0, s.stop(t))

	// The stream ends; keep-alive pings would keep it going otherwise.
	ended := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, r)
		ended <- err
	}()
	select {
	case <-ended:
	case <-time.After(waitLimit):
		t.Fatal("the SSE stream outlived the server")
	}
	select {
	case <-lost:
	case <-time.After(waitLimit):
		t.Fatal("the SSE client was not disconnected")
	}
}

func TestHTTPListenError(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--transport", "http")
	r := runApp(t, nil, "--transport", "http", "--listen", s.addr)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "--listen "+s.addr+":")
}
