package app

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
)

// ready answers /readyz: 200 while the state store answers and the server
// is not draining, 503 otherwise, so a load balancer sends no new work to a
// replica that would refuse every mutation or is shutting down. (/healthz
// only says the process is alive.)
func (e *env) ready(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if e.obs != nil && e.obs.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "draining\n")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	// A read of a key nobody writes: it creates nothing (the file store not
	// even its file) and fails when the store is unreachable.
	if _, _, err := e.store.Get(ctx, guard.Namespace("readyz")+"probe"); err != nil {
		if e.obs != nil {
			e.obs.storeErrs.Inc()
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "state store unavailable\n")
		return
	}
	_, _ = io.WriteString(w, "ready\n")
}

// pendingWaiting counts the actions waiting for approval, at scrape time.
func (e *env) pendingWaiting() float64 {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	count := func(g *guard.Guard) float64 {
		ps, err := g.PendingActions(ctx)
		if err != nil {
			return 0
		}
		n := 0.0
		for _, p := range ps {
			if p.State == guard.PendingWaiting {
				n++
			}
		}
		return n
	}
	if e.tenants == nil {
		return count(e.guard)
	}
	n := 0.0
	e.tenants.each(func(t *tenant) { n += count(t.guard) })
	return n
}
