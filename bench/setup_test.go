// Package bench measures leeloo-mcp against the targets in BENCHMARKS.md:
// the cost of a tool call through the MCP layer (in process, over stdio, over
// Streamable HTTP) next to a plain HTTP call to the same sandbox API, and,
// in TestReport (run by bench/run), start-up time, RSS, server CPU per call
// and the size of tools/list.
//
// Nothing here runs in a plain `go test ./...`: the benchmarks need -bench
// and TestReport needs LEELOO_BENCH_REPORT=1.
package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/internal/app"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

const (
	token           = sandbox.DefaultToken
	protocolVersion = "2025-06-18"
	// The tool call measured everywhere: GET /tags behind list_tags.
	toolCall = `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"list_tags","arguments":{}}}`
)

// benchFlags lift the client's request rate limit, the per-session and
// per-client call limits and the sessions per client far above anything a
// benchmark reaches, so none throttles; the middlewares still run on every
// call.
var benchFlags = []string{"--rate-limit", "1000000000", "--calls-per-minute", "1000000000",
	"--calls-per-minute-per-client", "1000000000", "--max-sessions-per-client", "1000"}

// serverArgs are the flags of a server whose Leeloo API is the sandbox at
// apiURL (token mode, as in production, not --sandbox).
func serverArgs(apiURL string, extra ...string) []string {
	return append(append([]string{"--base-url", apiURL}, benchFlags...), extra...)
}

func getenv(k string) string {
	if k == "LEELOO_API_TOKEN" {
		return token
	}
	return ""
}

// ---- the sandbox API on loopback ----

var (
	apiOnce sync.Once
	apiSrv  *httptest.Server
)

// api is the sandbox served by an httptest.Server on loopback, shared by every
// benchmark of the process. It returns the API root (…/api/v2).
func api() string {
	apiOnce.Do(func() { apiSrv = httptest.NewServer(sandbox.New(sandbox.Options{})) })
	return apiSrv.URL + sandbox.Prefix
}

// directClient is a plain net/http client with keep-alive, as a caller of the
// REST API without MCP would use.
func directClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: 32, MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second}}
}

// directGet is one GET /tags read to the end.
func directGet(c *http.Client, url string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set(sandbox.AuthHeader, token)
	req.Header.Set("Accept", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /tags: HTTP %d", res.StatusCode)
	}
	return err
}

// ---- the in-process server ----

// newInProcess builds the server as app.Run does and opens an initialized
// in-process session on it. It returns the server and the session context.
func newInProcess(tb testing.TB, args ...string) (*app.BenchServer, context.Context) {
	tb.Helper()
	bs, err := app.NewServerForBench(args, getenv)
	if err != nil {
		tb.Fatal(err)
	}
	sess := server.NewInProcessSession("bench-"+strconv.FormatInt(time.Now().UnixNano(), 36), nil)
	ctx := context.Background()
	if err := bs.MCP.RegisterSession(ctx, sess); err != nil {
		tb.Fatal(err)
	}
	ctx = bs.MCP.WithContext(ctx, sess)
	initMsg := `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"` + protocolVersion +
		`","capabilities":{},"clientInfo":{"name":"bench","version":"0"}}}`
	if _, ok := bs.MCP.HandleMessage(ctx, []byte(initMsg)).(mcp.JSONRPCResponse); !ok {
		tb.Fatal("initialize failed")
	}
	bs.MCP.HandleMessage(ctx, []byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`))
	return bs, ctx
}

// inProcessCall is one tools/call through HandleMessage, its reply encoded as
// a transport would write it.
func inProcessCall(ctx context.Context, s *server.MCPServer, msg []byte) ([]byte, error) {
	resp := s.HandleMessage(ctx, msg)
	b, err := json.Marshal(resp)
	if err != nil {
		return nil, err
	}
	return b, checkReply(b)
}

// checkReply rejects an error reply or a tool error, cheaply.
func checkReply(b []byte) error {
	if bytes.Contains(b, []byte(`"isError":true`)) || !bytes.Contains(b, []byte(`"result"`)) {
		return fmt.Errorf("call failed: %.300s", b)
	}
	return nil
}

// ---- the binary ----

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary is the leeloo-mcp binary: $LEELOO_BENCH_BIN, or built once.
func binary(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		if p := os.Getenv("LEELOO_BENCH_BIN"); p != "" {
			binPath = p
			return
		}
		dir, err := os.MkdirTemp("", "leeloo-bench")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "leeloo-mcp")
		cmd := exec.Command("go", "build", "-trimpath", "-o", binPath, "..")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // the release build (README)
		out, err := cmd.CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

// childEnv is this process's environment without LEELOO_ variables, plus
// extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LEELOO_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// child is a process serving MCP over stdio.
type child struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr bytes.Buffer
	id     int
	buf    []byte
}

// startChild spawns the binary, with LEELOO_API_TOKEN set when withToken;
// it serves stdio until closed.
func startChild(bin string, withToken bool, args ...string) (*child, error) {
	var extra []string
	if withToken {
		extra = append(extra, "LEELOO_API_TOKEN="+token)
	}
	return startChildEnv(bin, extra, args...)
}

// startChildEnv spawns bin with extra environment variables.
func startChildEnv(bin string, extraEnv []string, args ...string) (*child, error) {
	c := &child{cmd: exec.Command(bin, args...)}
	c.cmd.Env = childEnv(extraEnv...)
	c.cmd.Stderr = &c.stderr
	var err error
	if c.in, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c.out = bufio.NewReaderSize(out, 1<<20)
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	return c, nil
}

// send writes one message line.
func (c *child) send(msg []byte) error {
	c.buf = append(append(c.buf[:0], msg...), '\n')
	_, err := c.in.Write(c.buf)
	return err
}

// reply reads lines until a response (a line with an id and no method); the
// slice is valid until the next read.
func (c *child) reply() ([]byte, error) {
	for {
		line, err := c.out.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			rest, err2 := c.out.ReadBytes('\n')
			line, err = append(slices.Clone(line), rest...), err2
		}
		if err != nil {
			return nil, fmt.Errorf("reading stdout: %w (stderr: %s)", err, c.stderr.String())
		}
		if !bytes.HasPrefix(line, []byte(`{"jsonrpc":"2.0","method"`)) {
			return line, nil
		}
	}
}

// request sends a request with the next id and returns its reply.
func (c *child) request(method, params string) ([]byte, error) {
	c.id++
	msg := `{"jsonrpc":"2.0","id":` + strconv.Itoa(c.id) + `,"method":"` + method + `"`
	if params != "" {
		msg += `,"params":` + params
	}
	if err := c.send([]byte(msg + "}")); err != nil {
		return nil, err
	}
	return c.reply()
}

// initialize runs the MCP handshake.
func (c *child) initialize() error {
	r, err := c.request("initialize", `{"protocolVersion":"`+protocolVersion+`","capabilities":{},"clientInfo":{"name":"bench","version":"0"}}`)
	if err != nil {
		return err
	}
	if !bytes.Contains(r, []byte(`"serverInfo"`)) {
		return fmt.Errorf("initialize: %.300s", r)
	}
	return c.send([]byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`))
}

// callTool runs one list_tags call.
func (c *child) callTool() error {
	c.id++
	if err := c.send(fmt.Appendf(nil, toolCall, c.id)); err != nil {
		return err
	}
	r, err := c.reply()
	if err != nil {
		return err
	}
	return checkReply(r)
}

// close ends stdin and waits for the child to exit.
func (c *child) close() error {
	_ = c.in.Close()
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		_ = c.cmd.Process.Kill()
		return <-done
	}
}

// ---- Streamable HTTP ----

// httpSession is one Streamable HTTP session driven with raw POSTs.
type httpSession struct {
	c   *http.Client
	url string
	sid string
	id  int
}

func newHTTPSession(c *http.Client, url string) (*httpSession, error) {
	s := &httpSession{c: c, url: url}
	r, h, err := s.post(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"` + protocolVersion +
		`","capabilities":{},"clientInfo":{"name":"bench","version":"0"}}}`)
	if err != nil {
		return nil, err
	}
	if s.sid = h.Get(server.HeaderKeySessionID); s.sid == "" {
		return nil, fmt.Errorf("initialize: no session id: %.300s", r)
	}
	if _, _, err := s.post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *httpSession) post(body string) ([]byte, http.Header, error) {
	req, err := http.NewRequest(http.MethodPost, s.url, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if s.sid != "" {
		req.Header.Set(server.HeaderKeySessionID, s.sid)
		req.Header.Set(server.HeaderKeyProtocolVersion, protocolVersion)
	}
	res, err := s.c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, nil, err
	}
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusAccepted {
		return nil, nil, fmt.Errorf("HTTP %d: %.300s", res.StatusCode, b)
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		// The last data: line is the response.
		for _, line := range bytes.Split(b, []byte("\n")) {
			if d, ok := bytes.CutPrefix(line, []byte("data: ")); ok {
				b = d
			}
		}
	}
	return b, res.Header, nil
}

func (s *httpSession) callTool() error {
	s.id++
	b, _, err := s.post(fmt.Sprintf(toolCall, s.id))
	if err != nil {
		return err
	}
	return checkReply(b)
}

// ---- CPU time ----

// processCPU is the CPU time (user+sys) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuMeter reports CPU time per op: robust against waiting for a busy
// machine's cores, unlike ns/op.
type cpuMeter struct {
	self  time.Duration
	child int // pid whose CPU is also reported, 0 for none
	kid   time.Duration
}

func startCPU(childPid int) *cpuMeter {
	m := &cpuMeter{self: processCPU(), child: childPid}
	if childPid != 0 {
		m.kid = threadsCPU(childPid)
	}
	return m
}

// report adds cpu-us/op (this process) and, with a child, server-cpu-us/op.
func (m *cpuMeter) report(b *testing.B) {
	n := float64(b.N)
	b.ReportMetric(float64((processCPU()-m.self).Nanoseconds())/1e3/n, "cpu-us/op")
	if m.child != 0 {
		b.ReportMetric(float64((threadsCPU(m.child)-m.kid).Nanoseconds())/1e3/n, "server-cpu-us/op")
	}
}

// threadsCPU is the CPU time another process's threads have used so far,
// from the scheduler's per-thread counters (ns).
func threadsCPU(pid int) time.Duration {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var sum int64
	for _, p := range tasks {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // a thread that just exited
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			sum += n
		}
	}
	return time.Duration(sum)
}

// ---- latencies ----

// latencies records one duration per call.
type latencies []time.Duration

func (l latencies) percentile(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := int(float64(len(s)-1)*p + 0.5)
	return s[i]
}

// report adds p50 and p99 in microseconds to the benchmark's metrics.
func (l latencies) report(b *testing.B) {
	b.ReportMetric(float64(l.percentile(0.50).Nanoseconds())/1e3, "p50-us")
	b.ReportMetric(float64(l.percentile(0.99).Nanoseconds())/1e3, "p99-us")
}
