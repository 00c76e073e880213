package bench

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"
)

// floorTable is TestReport's second table: every figure of issue 15 as
// leeloo-mcp's value, the floor's, and their ratio. The Go benchmark
// ratios are medians of per-round ratios (bench/run interleaves the
// rounds); start-up and RSS are measured here, the binaries alternating.
func floorTable(t *testing.T, res benchResults, bin string, starts int) {
	fl, deps := floorBinary(t, false), floorBinary(t, true)
	bins := []string{bin, fl, deps}
	args := [][]string{serverArgs(api()), {"--base-url", api()}, {"--base-url", api()}}

	// Start-up, interleaved: one spawn of each binary per round.
	lat := make([]latencies, len(bins))
	for i := 0; i < starts+2; i++ {
		for j, b := range bins {
			t0 := time.Now()
			c := spawnListed(t, b, true, args[j]...)
			d := time.Since(t0)
			_ = c.close()
			if i >= 2 {
				lat[j] = append(lat[j], d)
			}
		}
	}
	// Idle RSS after tools/list, 5 interleaved rounds, median.
	rss := make([][]float64, len(bins))
	for range 5 {
		for j, b := range bins {
			c := spawnListed(t, b, true, args[j]...)
			time.Sleep(200 * time.Millisecond)
			rss[j] = append(rss[j], float64(procStatusKB(t, c.cmd.Process.Pid, "VmRSS")*1024))
			_ = c.close()
		}
	}
	size := func(p string) float64 {
		st, err := os.Stat(p)
		if err != nil {
			return 0
		}
		return float64(st.Size())
	}

	fmt.Println()
	tableHeader("figure (leeloo-mcp vs the floor)", "leeloo-mcp", "floor", "ratio", "target")
	pair := func(fig, bench, unit, format, target string) {
		a, b := res.get(bench+"/server=leeloo", unit), res.get(bench+"/server=floor", unit)
		r := res.ratio(bench+"/server=leeloo", bench+"/server=floor", unit)
		tableRow(fig, fmt.Sprintf(format, a), fmt.Sprintf(format, b), fmt.Sprintf("%.2f×", r), target)
	}
	pair("server CPU per stdio call", "PairStdio", "server-cpu-us/op", "%.0f µs", "≤ 1.1×")
	pair("p50 latency per stdio call", "PairStdio", "p50-us", "%.0f µs", "≤ 1.1×")
	a, b := res.get("PairInProcess/server=leeloo", "allocs/op"), res.get("PairInProcess/server=floor", "allocs/op")
	tableRow("allocations per call (in process, whole process incl. the fake API)", fmt.Sprintf("%.0f", a), fmt.Sprintf("%.0f", b),
		fmt.Sprintf("%+.0f", a-b), "≤ floor + 20")
	pair("CPU per call in process (9 tags)", "PairInProcess", "cpu-us/op", "%.0f µs", "")
	for _, n := range sessionCounts {
		target := ""
		if n == 8 {
			target = "≥ 0.9×"
		}
		pair(fmt.Sprintf("Streamable HTTP, %d sessions, calls/s", n), "PairHTTP/sessions="+strconv.Itoa(n), "calls/s", "%.0f", target)
	}
	for _, n := range itemCounts {
		target := ""
		if n == 1000 {
			target = "≤ 1.3×"
		}
		pair(fmt.Sprintf("CPU per call, %d-item result (in process)", n), "PairItems/items="+strconv.Itoa(n), "cpu-us/op", "%.0f µs", target)
	}
	pair("bytes written per result (9 tags)", "PairInProcess", "B/result", "%.0f B", "≤ 1.0×")
	for _, n := range itemCounts {
		pair(fmt.Sprintf("  bytes per result, %d items", n), "PairItems/items="+strconv.Itoa(n), "B/result", "%.0f B", "")
	}
	ratios := func(x, y latencies) float64 {
		rs := make([]float64, len(x))
		for i := range x {
			rs[i] = float64(x[i]) / float64(y[i])
		}
		return median(rs)
	}
	tableRow(fmt.Sprintf("start-up: spawn → initialize + tools/list, median of %d, interleaved", starts),
		ms(lat[0].percentile(0.5)), ms(lat[1].percentile(0.5)), fmt.Sprintf("%.2f×", ratios(lat[0], lat[1])), "≤ 0.8×")
	tableRow("  the floor with go-redis and client_golang linked (-tags floordeps)", "", ms(lat[2].percentile(0.5)),
		fmt.Sprintf("%.2f× the floor", ratios(lat[2], lat[1])), "")
	mbs := func(v float64) string { return fmt.Sprintf("%.1f MB", v/1e6) }
	tableRow("idle RSS after tools/list (both static, CGO_ENABLED=0), median of 5", mbs(median(rss[0])), mbs(median(rss[1])),
		fmt.Sprintf("%.2f×", median(rss[0])/median(rss[1])), "≤ 1.0×")
	tableRow("  the floor with go-redis and client_golang linked", "", mbs(median(rss[2])), fmt.Sprintf("%.2f× the floor", median(rss[2])/median(rss[1])), "")
	tableRow("binary size", mbs(size(bin)), mbs(size(fl)), fmt.Sprintf("%.2f×", size(bin)/size(fl)), "")
	tableRow("  the floor with go-redis and client_golang linked", "", mbs(size(deps)), fmt.Sprintf("%.2f× the floor", size(deps)/size(fl)), "")
}
