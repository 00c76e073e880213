package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/bench/floor"
	"github.com/leeloo-mcp/leeloo-mcp/internal/app"
)

// The Pair benchmarks run each measurement twice in a row, leeloo-mcp
// (server=leeloo) then the floor (server=floor, package floor), so that
// every round of bench/run gives one ratio of two neighbouring runs.
var pairServers = []string{"leeloo", "floor"}

// sessionCounts are the Streamable HTTP concurrencies measured.
var sessionCounts = []int{1, 8, 32, 64}

// itemCounts are the result sizes of the size curve.
var itemCounts = []int{10, 100, 1000}

// openSession opens an initialized in-process session on s.
func openSession(tb testing.TB, s *server.MCPServer) context.Context {
	tb.Helper()
	sess := server.NewInProcessSession("bench-"+strconv.FormatInt(time.Now().UnixNano(), 36), nil)
	ctx := context.Background()
	if err := s.RegisterSession(ctx, sess); err != nil {
		tb.Fatal(err)
	}
	ctx = s.WithContext(ctx, sess)
	initMsg := `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"` + protocolVersion +
		`","capabilities":{},"clientInfo":{"name":"bench","version":"0"}}}`
	if _, ok := s.HandleMessage(ctx, []byte(initMsg)).(mcp.JSONRPCResponse); !ok {
		tb.Fatal("initialize failed")
	}
	s.HandleMessage(ctx, []byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`))
	return ctx
}

// pairServer builds the named server against the API at apiURL.
func pairServer(tb testing.TB, name, apiURL string, extra ...string) *server.MCPServer {
	tb.Helper()
	if name == "floor" {
		return floor.New(apiURL, token)
	}
	bs, err := app.NewServerForBench(serverArgs(apiURL, extra...), getenv)
	if err != nil {
		tb.Fatal(err)
	}
	atExit(bs.Close)
	return bs.MCP
}

// tagsAPI serves GET …/tags with n tags in Leeloo's envelope, precomputed,
// so that the size curve measures the MCP servers, not the fake API.
var tagsAPIs sync.Map // n -> URL

func tagsAPI(n int) string {
	if u, ok := tagsAPIs.Load(n); ok {
		return u.(string)
	}
	var b strings.Builder
	b.WriteString(`{"status":1,"data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"65d1c0a8e4b0a1%010d","name":"Tag number %d"}`, i, i)
	}
	b.WriteString(`]}`)
	body := []byte(b.String())
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/tags") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	atExit(ts.Close)
	u, _ := tagsAPIs.LoadOrStore(n, ts.URL+"/api/v2")
	return u.(string)
}

// inProcessPair measures one in-process call per op on each server against
// apiURL: CPU, allocations (whole process, the fake API's included alike)
// and the bytes of each encoded reply.
func inProcessPair(b *testing.B, apiURL string) {
	for _, name := range pairServers {
		b.Run("server="+name, func(b *testing.B) {
			s := pairServer(b, name, apiURL)
			ctx := openSession(b, s)
			msg := fmt.Appendf(nil, toolCall, 1)
			reply, err := inProcessCall(ctx, s, msg)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU(0)
			for i := 0; i < b.N; i++ {
				if _, err := inProcessCall(ctx, s, msg); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cpu.report(b)
			b.ReportMetric(float64(len(reply)), "B/result")
		})
	}
}

// BenchmarkPairInProcess: list_tags (the sandbox's 9 tags over loopback).
func BenchmarkPairInProcess(b *testing.B) { inProcessPair(b, api()) }

// BenchmarkPairItems: the size curve, list_tags of 10, 100 and 1,000 tags.
func BenchmarkPairItems(b *testing.B) {
	for _, n := range itemCounts {
		b.Run("items="+strconv.Itoa(n), func(b *testing.B) { inProcessPair(b, tagsAPI(n)) })
	}
}

var (
	pairStdio   = map[string]*child{}
	pairStdioMu sync.Mutex
)

// BenchmarkPairStdio: list_tags over stdio to each binary, spawned once.
func BenchmarkPairStdio(b *testing.B) {
	for _, name := range pairServers {
		b.Run("server="+name, func(b *testing.B) {
			pairStdioMu.Lock()
			c := pairStdio[name]
			if c == nil {
				bin, args := binary(b), serverArgs(api())
				if name == "floor" {
					bin, args = floorBinary(b, false), []string{"--base-url", api()}
				}
				var err error
				if c, err = startChild(bin, true, args...); err == nil {
					err = c.initialize()
				}
				if err != nil {
					pairStdioMu.Unlock()
					b.Fatal(err)
				}
				pairStdio[name] = c
				atExit(func() { _ = c.close() })
			}
			pairStdioMu.Unlock()
			if err := c.callTool(); err != nil {
				b.Fatal(err)
			}
			lat := make(latencies, b.N)
			b.ResetTimer()
			cpu := startCPU(c.cmd.Process.Pid)
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if err := c.callTool(); err != nil {
					b.Fatal(err)
				}
				lat[i] = time.Since(t0)
			}
			b.StopTimer()
			cpu.report(b)
			lat.report(b)
		})
	}
}

var pairHTTP sync.Map // server name -> /mcp URL

// BenchmarkPairHTTP: list_tags over Streamable HTTP from 1, 8, 32 and 64
// concurrent sessions (one connection each), in process on loopback:
// leeloo-mcp's whole HTTP handler (routes, guards) and the floor's bare
// StreamableHTTPServer.
func BenchmarkPairHTTP(b *testing.B) {
	for _, n := range sessionCounts {
		b.Run("sessions="+strconv.Itoa(n), func(b *testing.B) {
			for _, name := range pairServers {
				b.Run("server="+name, func(b *testing.B) {
					u, ok := pairHTTP.Load(name)
					if !ok {
						ts := httptest.NewUnstartedServer(nil)
						if name == "floor" {
							ts.Config.Handler = server.NewStreamableHTTPServer(floor.New(api(), token))
						} else {
							bs, err := app.NewServerForBench(serverArgs(api(), "--transport", "http"), getenv)
							if err != nil {
								b.Fatal(err)
							}
							ts.Config.Handler = bs.HTTPHandler(ts.Listener.Addr().String())
						}
						ts.Start()
						atExit(ts.Close)
						u, _ = pairHTTP.LoadOrStore(name, ts.URL+"/mcp")
					}
					calls := make([]func() error, n)
					for i := range calls {
						c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
						s, err := newHTTPSession(c, u.(string))
						if err != nil {
							b.Fatal(err)
						}
						if err := s.callTool(); err != nil {
							b.Fatal(err)
						}
						calls[i] = s.callTool
						atExit(c.CloseIdleConnections)
					}
					concurrent(b, calls)
				})
			}
		})
	}
}

var (
	floorOnce sync.Map // deps bool -> *floorBuild
)

type floorBuild struct {
	once sync.Once
	path string
	err  error
}

// floorBinary is the floor's static binary ($LEELOO_BENCH_FLOOR, or built
// once); with deps, the floordeps build ($LEELOO_BENCH_FLOOR_DEPS).
func floorBinary(tb testing.TB, deps bool) string {
	tb.Helper()
	v, _ := floorOnce.LoadOrStore(deps, &floorBuild{})
	fb := v.(*floorBuild)
	fb.once.Do(func() {
		env, tags := "LEELOO_BENCH_FLOOR", ""
		if deps {
			env, tags = "LEELOO_BENCH_FLOOR_DEPS", "floordeps"
		}
		if p := os.Getenv(env); p != "" {
			fb.path = p
			return
		}
		dir, err := os.MkdirTemp("", "leeloo-bench-floor")
		if err != nil {
			fb.err = err
			return
		}
		fb.path = filepath.Join(dir, "floor")
		cmd := exec.Command("go", "build", "-trimpath", "-tags", tags, "-o", fb.path, "./floor/cmd/floor")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			fb.err = fmt.Errorf("go build floor: %v\n%s", err, out)
		}
	})
	if fb.err != nil {
		tb.Fatal(fb.err)
	}
	return fb.path
}
