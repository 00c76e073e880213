package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
)

// waitLimit bounds every wait; it guards against hangs and is never asserted
// as a speed.
const waitLimit = 20 * time.Second

// binary is the leeloo-mcp built once for these tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "leeloo-mcp-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "leeloo-mcp")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "go build:", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// cleanEnv is the test's environment without any LEELOO_ variable.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LEELOO_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// proc is a running leeloo-mcp.
type proc struct {
	cmd    *exec.Cmd
	stderr *testutil.Buffer
	exited chan struct{}
	err    error
}

func start(t *testing.T, cmd *exec.Cmd) *proc {
	t.Helper()
	p := &proc{cmd: cmd, stderr: &testutil.Buffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	require.NoError(t, cmd.Start())
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// terminate sends SIGTERM and returns the exit code.
func (p *proc) terminate(t *testing.T) int {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.exited:
	case <-time.After(waitLimit):
		t.Fatalf("no exit after SIGTERM; stderr:\n%s", p.stderr.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

var listeningRE = regexp.MustCompile(`listening on http://(127\.0\.0\.1:\d+)`)

// baseURL waits for an HTTP transport's "listening on" line and returns
// its base URL.
func (p *proc) baseURL(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		if m := listeningRE.FindStringSubmatch(p.stderr.String()); m != nil {
			return "http://" + m[1]
		}
		select {
		case <-p.exited:
			t.Fatalf("exited before listening: %v\n%s", p.err, p.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		require.False(t, time.Now().After(deadline), "never listened:\n%s", p.stderr.String())
	}
}

func TestBinaryVersionAndBadFlag(t *testing.T) {
	out, err := exec.Command(binary, "--version").Output()
	require.NoError(t, err)
	assert.Regexp(t, `^leeloo-mcp \S+\n$`, string(out))

	cmd := exec.Command(binary, "--transport", "carrier-pigeon")
	cmd.Env = cleanEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Contains(t, stderr.String(), `--transport "carrier-pigeon"`)
}

func TestBinaryStdio(t *testing.T) {
	cmd := exec.Command(binary, "--sandbox", "--log-level", "debug")
	cmd.Env = cleanEnv()
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	p := start(t, cmd)

	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	send := func(msg string) {
		t.Helper()
		_, err := io.WriteString(stdin, msg+"\n")
		require.NoError(t, err)
	}
	// await reads stdout up to the reply to id; every line must be JSON-RPC.
	await := func(id int) map[string]any {
		t.Helper()
		for {
			select {
			case line, ok := <-lines:
				require.True(t, ok, "stdout closed; stderr:\n%s", p.stderr.String())
				var m map[string]any
				require.NoError(t, json.Unmarshal([]byte(line), &m), "stdout carries only JSON-RPC, got %q", line)
				require.Equal(t, "2.0", m["jsonrpc"], line)
				if m["id"] == float64(id) {
					require.Nil(t, m["error"], line)
					return m["result"].(map[string]any)
				}
			case <-time.After(waitLimit):
				t.Fatalf("no reply to id %d; stderr:\n%s", id, p.stderr.String())
			}
		}
	}

	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"binary-test","version":"1"}}}`)
	init := await(1)
	assert.Equal(t, "2025-06-18", init["protocolVersion"])
	assert.Equal(t, "leeloo-mcp", init["serverInfo"].(map[string]any)["name"])
	assert.Contains(t, init["instructions"], "Leeloo.ai")
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)

	send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	var names []string
	for _, tl := range await(2)["tools"].([]any) {
		names = append(names, tl.(map[string]any)["name"].(string))
	}
	assert.Contains(t, names, "list_tags")
	assert.Contains(t, names, "send_message")

	send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_tags","arguments":{}}}`)
	res := await(3)
	assert.Nil(t, res["isError"])
	b, _ := json.Marshal(res["content"])
	assert.Contains(t, string(b), "VIP")

	send(`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_person","arguments":{"person_id":"bad"}}}`)
	res = await(4)
	assert.Equal(t, true, res["isError"])
	b, _ = json.Marshal(res["content"])
	assert.Contains(t, string(b), "search_people")

	// Logs and the notice went to stderr.
	assert.Contains(t, p.stderr.String(), "serving the SANDBOX (--sandbox)")
	assert.Contains(t, p.stderr.String(), "tool call")

	assert.Equal(t, 0, p.terminate(t), p.stderr.String())
}

// TestBinaryStdioEOF: the end of stdin ends the server with 0.
func TestBinaryStdioEOF(t *testing.T) {
	cmd := exec.Command(binary)
	cmd.Env = cleanEnv()
	cmd.Stdin = strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}` + "\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	assert.Contains(t, stderr.String(), "serving the SANDBOX (LEELOO_API_TOKEN is not set)")
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if line != "" {
			assert.True(t, json.Valid([]byte(line)), line)
		}
	}
}

func TestBinaryHTTP(t *testing.T) {
	cmd := exec.Command(binary, "--transport", "http", "--listen", "127.0.0.1:0")
	cmd.Env = cleanEnv("LEELOO_SANDBOX=true")
	var stdout testutil.Buffer
	cmd.Stdout = &stdout
	p := start(t, cmd)

	base := p.baseURL(t)
	deadline := time.Now().Add(waitLimit)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		require.False(t, time.Now().After(deadline), "/healthz never answered: %v", err)
		time.Sleep(5 * time.Millisecond)
	}

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	for _, version := range []string{"", mcp.LATEST_LEGACY_PROTOCOL_VERSION} {
		tr, err := transport.NewStreamableHTTP(base + "/mcp")
		require.NoError(t, err)
		c := client.NewClient(tr)
		require.NoError(t, c.Start(ctx))
		req := mcp.InitializeRequest{}
		req.Params.ProtocolVersion = version
		req.Params.ClientInfo = mcp.Implementation{Name: "binary-test", Version: "1"}
		init, err := c.Initialize(ctx, req)
		require.NoError(t, err, version)
		assert.Equal(t, "leeloo-mcp", init.ServerInfo.Name)

		list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
		require.NoError(t, err)
		assert.NotEmpty(t, list.Tools)

		call := mcp.CallToolRequest{}
		call.Params.Name = "list_tags"
		res, err := c.CallTool(ctx, call)
		require.NoError(t, err)
		require.False(t, res.IsError)
		tc, ok := mcp.AsTextContent(res.Content[0])
		require.True(t, ok)
		assert.Contains(t, tc.Text, "VIP")
		_ = c.Close()
	}

	// A client still connected over SSE does not hold up SIGTERM.
	sse, err := client.NewSSEMCPClient(base+"/sse", transport.WithSSELogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	require.NoError(t, sse.Start(ctx))
	defer sse.Close()
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "binary-test", Version: "1"}
	_, err = sse.Initialize(ctx, req)
	require.NoError(t, err)

	assert.Equal(t, 0, p.terminate(t), p.stderr.String())
	assert.Empty(t, stdout.String(), "logs go to stderr")
	assert.Contains(t, p.stderr.String(), "serving the SANDBOX (--sandbox)")
}
