package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/internal/app"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// cleanups run after every test and benchmark of the process.
var (
	cleanupMu sync.Mutex
	cleanups  []func()
)

func atExit(f func()) {
	cleanupMu.Lock()
	cleanups = append(cleanups, f)
	cleanupMu.Unlock()
}

func TestMain(m *testing.M) {
	runHelper() // serves stdio and exits when this binary runs as a helper
	code := m.Run()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	if apiSrv != nil {
		apiSrv.Close()
	}
	os.Exit(code)
}

// BenchmarkDirectHTTP is the baseline: GET /api/v2/tags against the sandbox on
// loopback with a plain net/http client, body read to the end.
func BenchmarkDirectHTTP(b *testing.B) {
	url := api() + "/tags"
	c := directClient()
	if err := directGet(c, url); err != nil {
		b.Fatal(err)
	}
	lat := make(latencies, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU(0)
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := directGet(c, url); err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(t0)
	}
	b.StopTimer()
	cpu.report(b)
	lat.report(b)
}

var (
	inProcOnce sync.Once
	inProcSrv  *app.BenchServer
	inProcCtx  context.Context
)

// BenchmarkToolInProcess is the same data through the MCP layer, in process:
// a tools/call of list_tags through HandleMessage of a server built as Run
// builds it, whose Leeloo client calls the same sandbox over loopback HTTP;
// the reply is JSON-encoded as a transport would.
func BenchmarkToolInProcess(b *testing.B) {
	inProcOnce.Do(func() { inProcSrv, inProcCtx = newInProcess(b, serverArgs(api())...) })
	msgs := make([][]byte, b.N)
	for i := range msgs {
		msgs[i] = fmt.Appendf(nil, toolCall, i+1)
	}
	if _, err := inProcessCall(inProcCtx, inProcSrv.MCP, msgs[0]); err != nil {
		b.Fatal(err)
	}
	lat := make(latencies, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU(0)
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := inProcessCall(inProcCtx, inProcSrv.MCP, msgs[i]); err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(t0)
	}
	b.StopTimer()
	cpu.report(b)
	lat.report(b)
}

var (
	stdioOnce  sync.Once
	stdioChild *child
	stdioErr   error
)

// BenchmarkToolStdio is the same call over stdio to the real binary, spawned
// once with --base-url at the sandbox: one JSON-RPC line written to its
// stdin, one read from its stdout, per op.
func BenchmarkToolStdio(b *testing.B) {
	stdioOnce.Do(func() {
		stdioChild, stdioErr = startChild(binary(b), true, serverArgs(api())...)
		if stdioErr == nil {
			stdioErr = stdioChild.initialize()
			atExit(func() { _ = stdioChild.close() })
		}
	})
	if stdioErr != nil {
		b.Fatal(stdioErr)
	}
	if err := stdioChild.callTool(); err != nil {
		b.Fatal(err)
	}
	lat := make(latencies, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU(stdioChild.cmd.Process.Pid)
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := stdioChild.callTool(); err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(t0)
	}
	b.StopTimer()
	cpu.report(b)
	lat.report(b)
}

// sessions is how many concurrent clients the throughput benchmarks run.
const sessions = 8

// concurrent runs b.N calls spread over `sessions` workers, each with its
// own call function, and reports the throughput.
func concurrent(b *testing.B, calls []func() error) {
	var next atomic.Int64
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU(0)
	for _, call := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				if err := call(); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	cpu.report(b)
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

// BenchmarkSessions8DirectHTTP is 8 concurrent plain HTTP clients (one
// connection each) calling GET /tags.
func BenchmarkSessions8DirectHTTP(b *testing.B) {
	url := api() + "/tags"
	calls := make([]func() error, sessions)
	for i := range calls {
		c := directClient()
		if err := directGet(c, url); err != nil {
			b.Fatal(err)
		}
		calls[i] = func() error { return directGet(c, url) }
	}
	concurrent(b, calls)
}

var (
	mcpHTTPOnce sync.Once
	mcpHTTPURL  string
)

// BenchmarkSessions8StreamableHTTP is 8 concurrent Streamable HTTP sessions
// (one connection each) calling list_tags on the server's HTTP transport
// (routes, guards and mcp-go's StreamableHTTPServer, as `--transport http`
// serves them) on loopback; its Leeloo client calls the sandbox over loopback.
func BenchmarkSessions8StreamableHTTP(b *testing.B) {
	mcpHTTPOnce.Do(func() {
		bs, err := app.NewServerForBench(serverArgs(api(), "--transport", "http"), getenv)
		if err != nil {
			b.Fatal(err)
		}
		ts := httptest.NewUnstartedServer(nil)
		ts.Config.Handler = bs.HTTPHandler(ts.Listener.Addr().String())
		ts.Start()
		atExit(ts.Close)
		mcpHTTPURL = ts.URL + "/mcp"
	})
	calls := make([]func() error, sessions)
	for i := range calls {
		c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
		s, err := newHTTPSession(c, mcpHTTPURL)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.callTool(); err != nil {
			b.Fatal(err)
		}
		calls[i] = s.callTool
	}
	concurrent(b, calls)
}

// ---- attribution: the same call without sockets ----

// BenchmarkSandboxHandler is the fake API's own work for GET /tags, served
// in process as --sandbox serves it (no socket): the part of the sandboxed
// call below that is not leeloo-mcp's.
func BenchmarkSandboxHandler(b *testing.B) {
	h := sandbox.New(sandbox.Options{})
	req := httptest.NewRequest(http.MethodGet, "http://sandbox.invalid"+sandbox.Prefix+"/tags", nil)
	req.Header.Set(sandbox.AuthHeader, token)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU(0)
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		_, _ = io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusOK {
			b.Fatal(res.Status)
		}
	}
	b.StopTimer()
	cpu.report(b)
}

var (
	sandboxedOnce sync.Once
	sandboxedSrv  *app.BenchServer
	sandboxedCtx  context.Context
)

// BenchmarkToolInProcessSandboxed is BenchmarkToolInProcess with --sandbox:
// the Leeloo API answered in process (handlerTransport), so no socket, no
// kernel and no second goroutine: leeloo-mcp's own CPU and allocations per
// call plus BenchmarkSandboxHandler's.
func BenchmarkToolInProcessSandboxed(b *testing.B) {
	sandboxedOnce.Do(func() { sandboxedSrv, sandboxedCtx = newInProcess(b, append([]string{"--sandbox"}, benchFlags...)...) })
	msg := fmt.Appendf(nil, toolCall, 1)
	if _, err := inProcessCall(sandboxedCtx, sandboxedSrv.MCP, msg); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU(0)
	for i := 0; i < b.N; i++ {
		if _, err := inProcessCall(sandboxedCtx, sandboxedSrv.MCP, msg); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu.report(b)
}
