package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
)

// leelooTokenHeader carries a request's own Leeloo token under
// --credentials per-request (the header Leeloo's API itself takes).
const leelooTokenHeader = "X-Leeloo-AuthToken"

// maxTenants bounds the tenants one process keeps built at once; the least
// recently used goes (its open sessions are ended: their clients get 404 and
// re-initialise). Their guard state stays in the store.
const maxTenants = 256

// tenant is what one Leeloo token is served with: its own client (its own
// request rate, its own 429 wait), its own guard (confirm tokens, duplicate
// guard, budget and pending approvals in its own namespace of the store)
// and its own MCP server and sessions. The token lives only in the client's
// memory; the tenant is known by its keyed hash.
type tenant struct {
	id           string
	guard        *guard.Guard
	handler      http.Handler // /mcp, /sse and /message
	ids          *sessions
	closeStreams func(context.Context)
	last         time.Time
	// live is the tenant's events machinery; stop ends its hub.
	live *live
	stop context.CancelFunc
}

// tenants builds and keeps the tenants of a team server.
type tenants struct {
	e     *env
	addr  string
	hooks *webhooks
	// ctx bounds the tenants' event hubs (the server's run).
	ctx context.Context
	mu  sync.Mutex
	m   map[string]*tenant
}

func newTenants(e *env) *tenants {
	return &tenants{e: e, m: map[string]*tenant{}, ctx: context.Background(), hooks: &webhooks{cfg: e.cfg, store: e.store}}
}

// run makes ctx bound the event hubs of the tenants built from now on.
func (ts *tenants) run(ctx context.Context) {
	ts.mu.Lock()
	ts.ctx = ctx
	ts.mu.Unlock()
}

// get returns the tenant of token, building it on first use.
func (ts *tenants) get(token string) (*tenant, error) {
	id := ts.e.cfg.tenantOf(token)
	now := time.Now()
	ts.mu.Lock()
	if t := ts.m[id]; t != nil {
		t.last = now
		ts.mu.Unlock()
		return t, nil
	}
	ts.mu.Unlock()
	built, err := ts.e.newTenant(token, id)
	if err != nil {
		return nil, err
	}
	t := &tenant{id: id, guard: built.guard, last: now, live: built.live, stop: func() {}}
	t.handler, t.ids, t.closeStreams = mcpHandlers(ts.e.cfg, built.srv, ts.addr, func(ctx context.Context, r *http.Request) context.Context {
		return context.WithValue(withClientAddr(ctx, r), tenantKey{}, id)
	})
	var evicted *tenant
	ts.mu.Lock()
	if old := ts.m[id]; old != nil { // built twice at once: keep the first
		old.last = now
		ts.mu.Unlock()
		return old, nil
	}
	if len(ts.m) >= maxTenants {
		for _, c := range ts.m {
			if evicted == nil || c.last.Before(evicted.last) {
				evicted = c
			}
		}
		delete(ts.m, evicted.id)
	}
	ts.m[id] = t
	if t.live != nil {
		var hctx context.Context
		hctx, t.stop = context.WithCancel(ts.ctx)
		go t.live.hub.Run(hctx)
	}
	ts.mu.Unlock()
	if evicted != nil {
		evicted.stop()
		evicted.closeStreams(context.Background())
	}
	return t, nil
}

// ServeHTTP routes an MCP request to the tenant of its Leeloo token.
func (ts *tenants) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimSpace(r.Header.Get(leelooTokenHeader))
	if tok == "" {
		http.Error(w, "Unauthorized: this server serves each request with its own Leeloo API token (--credentials per-request): send it in the "+leelooTokenHeader+" header", http.StatusUnauthorized)
		return
	}
	t, err := ts.get(tok)
	if err != nil {
		http.Error(w, "Bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	t.handler.ServeHTTP(w, r)
}

// each calls f for every tenant built now.
func (ts *tenants) each(f func(*tenant)) {
	ts.mu.Lock()
	list := make([]*tenant, 0, len(ts.m))
	for _, t := range ts.m {
		list = append(list, t)
	}
	ts.mu.Unlock()
	for _, t := range list {
		f(t)
	}
}

// closeStreams ends every tenant's open streams (shutdown).
func (ts *tenants) closeStreams(ctx context.Context) {
	ts.each(func(t *tenant) { t.closeStreams(ctx) })
}

// sessionsOpen counts the Streamable HTTP sessions of every tenant.
func (ts *tenants) sessionsOpen() int {
	n := 0
	ts.each(func(t *tenant) { n += t.ids.open() })
	return n
}

// tenantConfirmKey is the confirm-token key of one tenant: a token issued
// for one tenant does not verify for another, even where the server's
// confirm key is shared by all.
func tenantConfirmKey(base []byte, id string) []byte {
	if len(base) == 0 {
		return nil
	}
	m := hmac.New(sha256.New, base)
	m.Write([]byte("leeloo-mcp confirm\x00" + id))
	return m.Sum(nil)
}

// processKey is a random key of this process, for confirm tokens when no
// LEELOO_CONFIRM_KEY is set.
func processKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}
