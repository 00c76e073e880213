package app

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
)

// observer is what an operator of the HTTP transports sees: Prometheus
// metrics on /metrics, one info log line per tool call, and the calls in
// flight (for draining on SIGTERM). Only the HTTP transports build one: a
// stdio server registers no metric and starts nothing (start-up cost, see
// BENCHMARKS.md). Labels hold tool names, outcomes and HTTP statuses only:
// never a token, a tenant, a user or customer data.
type observer struct {
	log *slog.Logger
	reg *prometheus.Registry

	calls      *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	upstream   *prometheus.CounterVec
	retries    prometheus.Counter
	outcomes   *prometheus.CounterVec
	storeErrs  prometheus.Counter
	inflightGa prometheus.Gauge

	mu       sync.Mutex
	inflight map[uint64]inflightCall
	next     atomic.Uint64
	draining atomic.Bool
}

type inflightCall struct {
	tool, user, tenant string
	start              time.Time
}

func newObserver(log *slog.Logger) *observer {
	o := &observer{log: log, reg: prometheus.NewRegistry(), inflight: map[uint64]inflightCall{}}
	f := func(c prometheus.Collector) { o.reg.MustRegister(c) }
	o.calls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leeloo_mcp_tool_calls_total", Help: "Tool calls by tool and outcome (ok, error, or the guard's outcome: executed, refused, preview, asked, ...)."}, []string{"tool", "outcome"})
	o.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "leeloo_mcp_tool_call_duration_seconds", Help: "Tool call latency by tool.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"tool"})
	o.upstream = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leeloo_mcp_upstream_requests_total", Help: "Requests to Leeloo by HTTP status (0: no answer)."}, []string{"status"})
	o.retries = prometheus.NewCounter(prometheus.CounterOpts{Name: "leeloo_mcp_upstream_retries_total", Help: "Retried requests to Leeloo."})
	o.outcomes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leeloo_mcp_guard_outcomes_total", Help: "Guard outcomes (as in the audit log) by tool and outcome."}, []string{"tool", "outcome"})
	o.storeErrs = prometheus.NewCounter(prometheus.CounterOpts{Name: "leeloo_mcp_store_errors_total", Help: "Mutations refused because the state store failed, and failed readiness checks."})
	o.inflightGa = prometheus.NewGauge(prometheus.GaugeOpts{Name: "leeloo_mcp_tool_calls_in_flight", Help: "Tool calls running now."})
	for _, c := range []prometheus.Collector{o.calls, o.latency, o.upstream, o.retries, o.outcomes, o.storeErrs, o.inflightGa} {
		f(c)
	}
	return o
}

// gauge registers a gauge read at scrape time (sessions open, pending
// approvals): nothing is counted on the hot path.
func (o *observer) gauge(name, help string, read func() float64) {
	if o == nil {
		return
	}
	o.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, read))
}

// upstreamAttempt counts one answered attempt (leeloo.Options.Observe).
func (o *observer) upstreamAttempt(ctx context.Context, attempt, status int) {
	if o == nil {
		return
	}
	o.upstream.WithLabelValues(strconv.Itoa(status)).Inc()
	if attempt > 0 {
		o.retries.Inc()
	}
	if s, ok := ctx.Value(upstreamKey{}).(*int); ok {
		*s = status
	}
}

// guardOutcome counts one outcome the guard recorded (guard.Config.Observe).
func (o *observer) guardOutcome(r guard.AuditRecord) {
	if o == nil {
		return
	}
	o.outcomes.WithLabelValues(r.Tool, r.Outcome).Inc()
	if r.Outcome == guard.OutcomeRefused && strings.Contains(r.Reason, "shared state (--state) is unavailable") {
		o.storeErrs.Inc()
	}
}

type upstreamKey struct{}

// middleware logs and measures every tool call, and refuses new ones once
// the server drains.
func (o *observer) middleware(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		tool := req.Params.Name
		if o.draining.Load() {
			return mcp.NewToolResultError("The server is shutting down and takes no new calls. Nothing was done; call again (another replica answers)."), nil
		}
		user := guard.UserFrom(ctx)
		tenant, _ := ctx.Value(tenantKey{}).(string)
		start := time.Now()
		id := o.next.Add(1)
		o.mu.Lock()
		o.inflight[id] = inflightCall{tool: tool, user: user, tenant: tenant, start: start}
		o.mu.Unlock()
		o.inflightGa.Inc()
		ctx, outcome := guard.WithOutcome(ctx)
		status := new(int)
		ctx = context.WithValue(ctx, upstreamKey{}, status)
		res, err := next(ctx, req)
		d := time.Since(start)
		o.mu.Lock()
		delete(o.inflight, id)
		o.mu.Unlock()
		o.inflightGa.Dec()
		out := *outcome
		if out == "" {
			out = "ok"
			if err != nil || res == nil || res.IsError {
				out = "error"
			}
		}
		o.calls.WithLabelValues(tool, out).Inc()
		o.latency.WithLabelValues(tool).Observe(d.Seconds())
		o.log.Info("tool call", "tool", tool, "user", user, "tenant", tenant, "ms", d.Milliseconds(),
			"upstream_status", *status, "outcome", out)
		return res, err
	}
}

// drain stops new calls and waits until the calls in flight end or ctx
// does; it logs each call that did not finish.
func (o *observer) drain(ctx context.Context) {
	o.draining.Store(true)
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		o.mu.Lock()
		n := len(o.inflight)
		o.mu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-ctx.Done():
			o.mu.Lock()
			defer o.mu.Unlock()
			for _, c := range o.inflight {
				o.log.Error("shutdown: tool call did not finish within --drain-timeout; its outcome is in the audit log (an intent without an outcome may have reached Leeloo)",
					"tool", c.tool, "user", c.user, "tenant", c.tenant, "running_ms", time.Since(c.start).Milliseconds())
			}
			return
		case <-t.C:
		}
	}
}

// handler serves /metrics, behind --metrics-token when set.
func (o *observer) handler(token string) http.Handler {
	h := promhttp.HandlerFor(o.reg, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="leeloo-mcp metrics"`)
				http.Error(w, "Unauthorized: send Authorization: Bearer <--metrics-token>", http.StatusUnauthorized)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

type tenantKey struct{}
