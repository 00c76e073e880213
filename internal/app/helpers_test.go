package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
)

// waitLimit bounds every wait in these tests; it guards against hangs and is
// never asserted as a speed.
const waitLimit = 20 * time.Second

// envOf is a getenv over a fixed map: the test process's own environment
// never leaks in.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// ran is the outcome of one Run.
type ran struct {
	code           int
	stdout, stderr string
}

// runApp runs the program once with an empty stdin.
func runApp(t *testing.T, env map[string]string, args ...string) ran {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, envOf(env))
	return ran{code, stdout.String(), stderr.String()}
}

// listeningRE finds the address in the start-up line serveHTTP prints.
var listeningRE = regexp.MustCompile(`listening on http://(127\.0\.0\.1:\d+)`)

// httpServer is Run serving HTTP in a goroutine.
type httpServer struct {
	base   string // http://127.0.0.1:PORT
	addr   string // 127.0.0.1:PORT
	stderr *testutil.Buffer
	cancel context.CancelFunc
	done   chan int
}

// startHTTP runs the program with args plus --listen 127.0.0.1:0, learns the
// port from its start-up line and waits for /healthz. The server is stopped
// at the end of the test and must exit 0.
func startHTTP(t *testing.T, env map[string]string, args ...string) *httpServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &httpServer{stderr: &testutil.Buffer{}, cancel: cancel, done: make(chan int, 1)}
	args = append(args, "--listen", "127.0.0.1:0")
	go func() {
		s.done <- Run(ctx, args, strings.NewReader(""), io.Discard, s.stderr, envOf(env))
	}()
	t.Cleanup(func() { s.stop(t) })

	deadline := time.Now().Add(waitLimit)
	for s.addr == "" {
		if m := listeningRE.FindStringSubmatch(s.stderr.String()); m != nil {
			s.addr = m[1]
			break
		}
		select {
		case code := <-s.done:
			s.done <- code
			t.Fatalf("server exited with %d before listening:\n%s", code, s.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never printed its address:\n%s", s.stderr.String())
		}
	}
	s.base = "http://" + s.addr
	for {
		res, err := http.Get(s.base + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				require.Equal(t, "ok\n", string(body))
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never answered: %v\n%s", err, s.stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stop cancels the run and returns its exit code (0 expected).
func (s *httpServer) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code // later calls see the same code
		if code != 0 {
			t.Errorf("Run exited %d, want 0; stderr:\n%s", code, s.stderr.String())
		}
		return code
	case <-time.After(waitLimit):
		t.Fatalf("Run did not return after cancel; stderr:\n%s", s.stderr.String())
		return -1
	}
}

// clientInfo is what the test clients call themselves.
var clientInfo = mcp.Implementation{Name: "leeloo-mcp-test", Version: "1.0.0"}

// initialize runs the handshake; version "" lets the client pick (the
// stateless 2026 protocol over Streamable HTTP).
func initialize(t *testing.T, ctx context.Context, c *client.Client, version string) *mcp.InitializeResult {
	t.Helper()
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = version
	req.Params.ClientInfo = clientInfo
	res, err := c.Initialize(ctx, req)
	require.NoError(t, err)
	return res
}

// streamableClient is mcp-go's Go client over Streamable HTTP at base/mcp.
func streamableClient(t *testing.T, ctx context.Context, base string, headers map[string]string) *client.Client {
	t.Helper()
	tr, err := transport.NewStreamableHTTP(base+"/mcp", transport.WithHTTPHeaders(headers))
	require.NoError(t, err)
	c := client.NewClient(tr)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// sseClient is mcp-go's Go client over the legacy HTTP+SSE transport.
func sseClient(t *testing.T, ctx context.Context, base string, headers map[string]string) *client.Client {
	t.Helper()
	// Quiet: a stream ended by a stopping server is expected here.
	c, err := client.NewSSEMCPClient(base+"/sse", transport.WithHeaders(headers),
		transport.WithSSELogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// callTool calls name with args (a JSON object).
func callTool(t *testing.T, ctx context.Context, c *client.Client, name, args string) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(args), &m))
	req.Params.Arguments = m
	res, err := c.CallTool(ctx, req)
	require.NoError(t, err)
	return res
}

// text joins a result's text contents.
func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := mcp.AsTextContent(c); ok {
			b.WriteString(tc.Text)
			b.WriteString("\n")
		}
	}
	return b.String()
}

// toolNames lists the names of tools.
func toolNames(ts []mcp.Tool) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name
	}
	return out
}

// roundTrip does tools/list and tools/call list_tags on an initialized client.
func roundTrip(t *testing.T, ctx context.Context, c *client.Client) {
	t.Helper()
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	require.NoError(t, err)
	require.Contains(t, toolNames(list.Tools), "list_tags")
	require.Contains(t, toolNames(list.Tools), "send_message")
	res := callTool(t, ctx, c, "list_tags", `{}`)
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), "VIP")
}

// auditLines reads the outcome lines of an audit log (none when it is
// absent), leaving out the intent records written before each upstream call.
func auditLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		if m["outcome"] == "intent" {
			continue
		}
		out = append(out, m)
	}
	require.NoError(t, sc.Err())
	return out
}

// Sandbox fixtures: a seeded person and a tag she does not have.
const (
	sandboxPerson = "65d1c0a8e4b0a1000c000101"
	sandboxNewTag = "Webinar"
	addTagArgs    = `{"person_id":"` + sandboxPerson + `","tag":"` + sandboxNewTag + `"}`
)

// newUser runs `leeloo-mcp user add name` and returns the token it shows
// once and the line it gives for the users file.
func newUser(t *testing.T, name string) (token, line string) {
	t.Helper()
	var out bytes.Buffer
	require.Equal(t, 0, userAdd(&out, io.Discard, []string{"add", name}))
	ls := strings.Split(out.String(), "\n")
	require.Greater(t, len(ls), 3, out.String())
	token, line = strings.TrimSpace(ls[1]), strings.TrimSpace(ls[3])
	require.True(t, strings.HasPrefix(line, name+" sha256:"), out.String())
	return token, line
}

// writeUsersFile writes lines as dir/users and returns its path.
func writeUsersFile(t *testing.T, dir string, lines ...string) string {
	t.Helper()
	p := filepath.Join(dir, "users")
	require.NoError(t, os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	return p
}

// withConfirmToken is the JSON arguments args with the confirm_token of
// preview, a --confirm preview answer, added.
func withConfirmToken(t *testing.T, args string, preview *mcp.CallToolResult) string {
	t.Helper()
	tok, _ := preview.StructuredContent.(map[string]any)["confirm_token"].(string)
	require.NotEmpty(t, tok, text(preview))
	return strings.TrimSuffix(args, "}") + `,"confirm_token":"` + tok + `"}`
}
