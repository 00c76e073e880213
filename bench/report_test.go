package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// TestReport is bench/run's second half: it measures the spawned binary
// (start-up, RSS, CPU per call, stdio latencies), the size of tools/list,
// reads the benchmark results bench/run collected, and prints one table.
//
// Environment: LEELOO_BENCH_REPORT=1 to run at all; LEELOO_BENCH_RESULTS, the
// `go test -bench` output; LEELOO_BENCH_BIN, the CGO_ENABLED=0 release binary (LEELOO_BENCH_BIN_CGO,
// a plain cgo build, optional); LEELOO_BENCH_CALLS
// (2000) and LEELOO_BENCH_STARTS (25); LEELOO_BENCH_LOAD, the load average
// when the run began.
func TestReport(t *testing.T) {
	if os.Getenv("LEELOO_BENCH_REPORT") == "" {
		t.Skip("run by bench/run (LEELOO_BENCH_REPORT=1)")
	}
	bin := binary(t)
	calls := envInt("LEELOO_BENCH_CALLS", 2000)
	starts := envInt("LEELOO_BENCH_STARTS", 25)
	r := &report{}

	// Start-up: token mode (what a user runs) and --sandbox (demo data).
	apiArgs := serverArgs(api())
	st := startup(t, bin, true, apiArgs, starts)
	sst := startup(t, bin, false, []string{"--sandbox"}, starts)

	// One long stdio session per mode: idle RSS, then `calls` calls.
	tok := stdioRun(t, bin, true, apiArgs, calls)
	sbx := stdioRun(t, bin, false, append([]string{"--sandbox"}, benchFlags...), calls)

	// Where stdio's time goes: the same call through ever more of the stack.
	echo := helperRun(t, "echo", calls)
	echoHTTP := helperRun(t, "echo-http", calls)
	noop := helperRun(t, "mcp-noop", calls)

	// The other build, when bench/run made one (LEELOO_BENCH_BIN is the
	// CGO_ENABLED=0 release build; this one is plain go build).
	var cgo startupStats
	var cgoRun stdioStats
	if b := os.Getenv("LEELOO_BENCH_BIN_CGO"); b != "" {
		cgo = startup(t, b, true, apiArgs, starts)
		cgoRun = stdioRun(t, b, true, apiArgs, calls)
	}

	// tools/list.
	def := listStats(t, bin, nil, apiArgs)
	all := listStats(t, bin, []string{"--toolsets", "all"}, append(apiArgs, "--toolsets", "all"))

	// Go benchmarks.
	res := parseBench(t, os.Getenv("LEELOO_BENCH_RESULTS"))

	us := func(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d.Nanoseconds())/1e3) }

	r.row("start-up: spawn → initialize + tools/list over stdio, median of "+strconv.Itoa(starts),
		ms(st.median)+" (p90 "+ms(st.p90)+")", "≤ 30 ms", st.median <= 30*time.Millisecond)
	r.info("start-up with --sandbox (demo data seeded on the first call)", ms(sst.median)+" (p90 "+ms(sst.p90)+")")
	if cgo.median > 0 {
		r.info("start-up / idle RSS / RSS after calls, plain go build (cgo)", ms(cgo.median)+" / "+mb(cgoRun.idleRSS)+" / "+mb(cgoRun.afterRSS))
	}
	r.row("idle RSS after tools/list", mb(tok.idleRSS), "≤ 12 MB", tok.idleRSS <= 12e6)
	r.row(fmt.Sprintf("RSS after %d calls (peak %s)", calls, mb(tok.peakRSS)), mb(tok.afterRSS), "≤ 18 MB", tok.afterRSS <= 18e6)
	r.info("idle RSS / after calls with --sandbox", mb(sbx.idleRSS)+" / "+mb(sbx.afterRSS))

	r.info(fmt.Sprintf("tools/list result, default set (%d tools)", def.tools), fmt.Sprintf("%d B ≈ %d tokens", def.bytes, def.bytes/4))
	r.row("tools/list bytes per tool, default set", fmt.Sprintf("%d B", def.bytes/def.tools), "≤ 450 B", def.bytes/def.tools <= 450)
	r.info("  model-visible (name+description+inputSchema) per tool, default", fmt.Sprintf("%d B (%d B, ≈ %d tokens in all)", def.visible/def.tools, def.visible, def.visible/4))
	r.info(fmt.Sprintf("tools/list result, --toolsets all (%d tools)", all.tools), fmt.Sprintf("%d B ≈ %d tokens; %d B per tool, %d B model-visible", all.bytes, all.bytes/4, all.bytes/all.tools, all.visible/all.tools))

	direct := res.get("DirectHTTP", "ns/op")
	inproc := res.get("ToolInProcess", "ns/op")
	r.info("direct HTTP GET /tags (Go bench, median of runs)", fmt.Sprintf("%s/op; p50 %s, p99 %s", usF(direct), usF(res.get("DirectHTTP", "p50-us")*1e3), usF(res.get("DirectHTTP", "p99-us")*1e3)))
	r.info("tool call in process (HandleMessage, loopback API)", fmt.Sprintf("%s/op; p50 %s, p99 %s", usF(inproc), usF(res.get("ToolInProcess", "p50-us")*1e3), usF(res.get("ToolInProcess", "p99-us")*1e3)))
	ratio := res.ratio("ToolInProcess", "DirectHTTP", "ns/op")
	r.rowIf(ratio > 0, "in process ÷ direct HTTP (ns/op)", fmt.Sprintf("%.2f×", ratio), "≤ 1.35×", ratio <= 1.35)
	r.info("tool call over stdio to the binary (Go bench)", fmt.Sprintf("%s/op; p50 %s, p99 %s", usF(res.get("ToolStdio", "ns/op")), usF(res.get("ToolStdio", "p50-us")*1e3), usF(res.get("ToolStdio", "p99-us")*1e3)))
	sr := res.ratio("ToolStdio", "DirectHTTP", "p50-us")
	r.rowIf(sr > 0, "stdio ÷ direct HTTP (p50)", fmt.Sprintf("%.2f×", sr), "≤ 3×", sr <= 3)
	r.info(fmt.Sprintf("stdio latency over the %d calls of the RSS run", calls), fmt.Sprintf("p50 %s, p99 %s", us(tok.p50), us(tok.p99)))
	step := func(s stdioStats) string { return fmt.Sprintf("p50 %s, server CPU %s", us(s.p50), us(s.cpuPerCall)) }
	r.info("  stdio floor: a Go process echoing a canned reply", step(echo))
	r.info("  same floor plus one plain GET /tags to the API (no MCP)", step(echoHTTP))
	r.info("  + mcp-go stdio server, no-op list_tags (canned result)", step(noop))
	r.info("  + leeloo-mcp --sandbox (real tool, API in process)", step(sbx))
	r.info("  + API over loopback HTTP (leeloo-mcp as users run it)", step(tok))
	if echoHTTP.p50 > 0 {
		r.info("  stdio tool call ÷ that floor with one GET (p50, the RSS run)", fmt.Sprintf("%.2f×", float64(tok.p50)/float64(echoHTTP.p50)))
	}
	allocs := res.get("ToolInProcess", "allocs/op")
	r.rowIf(allocs > 0, "allocations per call (in-process bench, whole process)", fmt.Sprintf("%.0f", allocs), "≤ 180", allocs <= 180)
	own := res.get("ToolInProcessSandboxed", "allocs/op") - res.get("SandboxHandler", "allocs/op")
	ownCPU := res.get("ToolInProcessSandboxed", "cpu-us/op") - res.get("SandboxHandler", "cpu-us/op")
	r.info("  of which leeloo-mcp's own (--sandbox in process, less the fake API's handler)", fmt.Sprintf("%.0f allocs, %.0f µs CPU", own, ownCPU))
	r.info("  loopback HTTP + fake API (direct HTTP bench)", fmt.Sprintf("%.0f allocs", res.get("DirectHTTP", "allocs/op")))
	r.info(fmt.Sprintf("server CPU per call (stdio child, getrusage over %d calls)", calls), fmt.Sprintf("%s user+sys (Go bench: %.0f µs)", us(tok.cpuPerCall), res.get("ToolStdio", "server-cpu-us/op")))
	r.info("CPU per call in the bench process: direct HTTP / in process (client+API, all goroutines)", fmt.Sprintf("%.0f / %.0f µs", res.get("DirectHTTP", "cpu-us/op"), res.get("ToolInProcess", "cpu-us/op")))
	dt, mt := res.get("Sessions8DirectHTTP", "calls/s"), res.get("Sessions8StreamableHTTP", "calls/s")
	r.info("8 concurrent clients: direct HTTP / Streamable HTTP", fmt.Sprintf("%.0f / %.0f calls/s", dt, mt))
	tr := res.ratio("Sessions8StreamableHTTP", "Sessions8DirectHTTP", "calls/s")
	r.rowIf(tr > 0, "8-session Streamable HTTP ÷ direct HTTP throughput", fmt.Sprintf("%.2f", tr), "≥ 0.33", tr >= 1.0/3)

	fmt.Println()
	fmt.Println(machineLine())
	fmt.Println()
	r.print()
	floorTable(t, res, bin, starts)
}

// ---- the table ----

type report struct{ rows [][4]string }

func (r *report) row(metric, value, target string, pass bool) {
	v := "FAIL"
	if pass {
		v = "pass"
	}
	r.rows = append(r.rows, [4]string{metric, value, target, v})
}

// rowIf is row, or n/a when the value could not be measured.
func (r *report) rowIf(have bool, metric, value, target string, pass bool) {
	if !have {
		r.rows = append(r.rows, [4]string{metric, "n/a", target, "n/a"})
		return
	}
	r.row(metric, value, target, pass)
}

func (r *report) info(metric, value string) {
	r.rows = append(r.rows, [4]string{metric, value, "", ""})
}

func (r *report) print() {
	tableHeader("metric", "value", "target", "pass/fail")
	for _, x := range r.rows {
		tableRow(x[:]...)
	}
}

// tableHeader prints a Markdown table's header row and its separator.
func tableHeader(cols ...string) {
	tableRow(cols...)
	fmt.Println("|" + strings.Repeat("---|", len(cols)))
}

// tableRow prints one row of a Markdown table.
func tableRow(cells ...string) {
	fmt.Println("| " + strings.Join(cells, " | ") + " |")
}

// ms shows a duration in milliseconds, one decimal.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1e3) }

func usF(ns float64) string { return fmt.Sprintf("%.0f µs", ns/1e3) }

// mb shows bytes as decimal megabytes (the targets' unit) and MiB.
func mb(b int64) string { return fmt.Sprintf("%.1f MB (%.1f MiB)", float64(b)/1e6, float64(b)/(1<<20)) }

func envInt(k string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(k)); err == nil && n > 0 {
		return n
	}
	return def
}

func machineLine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	goVersion := runtime.Version()
	if out, err := exec.Command("go", "version").Output(); err == nil {
		goVersion = strings.TrimSpace(string(out))
	}
	return fmt.Sprintf("machine: nproc %d, %s, %s; load average at start %s, at end %s",
		runtime.NumCPU(), model, goVersion, os.Getenv("LEELOO_BENCH_LOAD"), load)
}

// ---- benchmark results ----

// benchResults holds every value of every unit per benchmark, in run order.
type benchResults map[string]map[string][]float64

func parseBench(t *testing.T, path string) benchResults {
	res := benchResults{}
	if path == "" {
		t.Log("LEELOO_BENCH_RESULTS not set: benchmark rows will be empty")
		return res
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 4 || !strings.HasPrefix(fs[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(fs[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i]
		}
		if res[name] == nil {
			res[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(fs); i += 2 {
			if v, err := strconv.ParseFloat(fs[i], 64); err == nil {
				res[name][fs[i+1]] = append(res[name][fs[i+1]], v)
			}
		}
	}
	return res
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (r benchResults) get(name, unit string) float64 { return median(r[name][unit]) }

// ratio is the median of the per-run ratios a/b when both ran equally often
// (bench/run interleaves the runs, so each pair shares the machine's state),
// else the ratio of the medians.
func (r benchResults) ratio(a, b, unit string) float64 {
	xa, xb := r[a][unit], r[b][unit]
	if len(xa) > 0 && len(xa) == len(xb) {
		rs := make([]float64, len(xa))
		for i := range xa {
			rs[i] = xa[i] / xb[i]
		}
		return median(rs)
	}
	if m := median(xb); m != 0 {
		return median(xa) / m
	}
	return 0
}

// ---- the spawned binary ----

type startupStats struct{ median, p90 time.Duration }

// listTools initializes c and lists its tools: a client's first requests.
func listTools(t *testing.T, c *child) {
	if err := c.initialize(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.request("tools/list", ""); err != nil {
		t.Fatal(err)
	}
}

// spawnListed starts bin and lists its tools, as a client starting it does.
func spawnListed(t *testing.T, bin string, withToken bool, args ...string) *child {
	c, err := startChild(bin, withToken, args...)
	if err != nil {
		t.Fatal(err)
	}
	listTools(t, c)
	return c
}

// startup times spawn → initialize → tools/list answered, n times.
func startup(t *testing.T, bin string, withToken bool, args []string, n int) startupStats {
	var lat latencies
	for i := 0; i < n+2; i++ {
		t0 := time.Now()
		c := spawnListed(t, bin, withToken, args...)
		d := time.Since(t0)
		_ = c.close()
		if i >= 2 { // the first two warm the page cache
			lat = append(lat, d)
		}
	}
	return startupStats{median: lat.percentile(0.5), p90: lat.percentile(0.9)}
}

type stdioStats struct {
	idleRSS, afterRSS, peakRSS int64
	p50, p99, cpuPerCall       time.Duration
}

// stdioRun opens one stdio session: RSS idle after tools/list, then n calls
// (their latencies, the server's CPU over them, RSS after).
func stdioRun(t *testing.T, bin string, withToken bool, args []string, n int) stdioStats {
	c, err := startChild(bin, withToken, args...)
	if err != nil {
		t.Fatal(err)
	}
	return measureStdio(t, c, true, n)
}

// measureStdio drives c: the handshake and tools/list when handshake, a pause,
// then n calls.
func measureStdio(t *testing.T, c *child, handshake bool, n int) stdioStats {
	if handshake {
		listTools(t, c)
	}
	pid := c.cmd.Process.Pid
	time.Sleep(200 * time.Millisecond)
	var s stdioStats
	s.idleRSS = procStatusKB(t, pid, "VmRSS") * 1024
	cpu0 := threadsCPU(pid)
	lat := make(latencies, n)
	for i := range lat {
		t0 := time.Now()
		if err := c.callTool(); err != nil {
			t.Fatal(err)
		}
		lat[i] = time.Since(t0)
	}
	s.afterRSS = procStatusKB(t, pid, "VmRSS") * 1024
	s.peakRSS = procStatusKB(t, pid, "VmHWM") * 1024
	s.p50, s.p99 = lat.percentile(0.5), lat.percentile(0.99)
	// getrusage of the child when it exits, less what it had used before
	// the calls (read from the scheduler's per-thread counters, in ns).
	if err := c.close(); err != nil {
		t.Fatalf("child exit: %v (stderr: %s)", err, c.stderr.String())
	}
	ru := c.cmd.ProcessState.SysUsage().(*syscall.Rusage)
	total := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	s.cpuPerCall = (total - cpu0) / time.Duration(n)
	return s
}

// helperRun measures a helper server (see helpers_test.go) like stdioRun.
func helperRun(t *testing.T, name string, n int) stdioStats {
	c, err := startHelper(name)
	if err != nil {
		t.Fatal(err)
	}
	return measureStdio(t, c, name == "mcp-noop", n)
}

// procStatusKB reads a kB field of /proc/PID/status.
func procStatusKB(t *testing.T, pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return n
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

type listStat struct{ tools, bytes, visible int }

// listStats is `leeloo-mcp tools --stats` plus the model-visible part of
// the same tools/list, computed in process.
func listStats(t *testing.T, bin string, cliArgs, serverArgs []string) listStat {
	out, err := exec.Command(bin, append([]string{"tools", "--stats"}, cliArgs...)...).Output()
	if err != nil {
		t.Fatalf("tools --stats: %v", err)
	}
	var s listStat
	for _, l := range strings.Split(string(out), "\n") {
		k, v, _ := strings.Cut(l, "\t")
		n, _ := strconv.Atoi(v)
		switch k {
		case "tools":
			s.tools = n
		case "tools/list bytes":
			s.bytes = n
		}
	}
	bs, ctx := newInProcess(t, serverArgs...)
	defer bs.Close()
	resp, ok := bs.MCP.HandleMessage(ctx, []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)).(mcp.JSONRPCResponse)
	if !ok {
		t.Fatal("tools/list failed")
	}
	whole, _ := json.Marshal(resp.Result)
	if len(whole) != s.bytes {
		t.Logf("note: tools/list in process is %d B, tools --stats says %d B", len(whole), s.bytes)
	}
	var list struct {
		Tools []struct {
			Name        string          `json:"name"`
			Description string          `json:"description"`
			InputSchema json.RawMessage `json:"inputSchema"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(whole, &list); err != nil {
		t.Fatal(err)
	}
	for _, tl := range list.Tools {
		b, _ := json.Marshal(tl)
		s.visible += len(b)
	}
	if s.tools == 0 {
		s.tools = len(list.Tools)
	}
	return s
}
