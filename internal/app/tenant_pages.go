package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"io"
	"net/http"
	"regexp"
	"sync"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/web"
)

// tenantPages serves the approval pages of a team server. A pending action's
// id starts with its tenant ("TENANT.ID"), so any replica finds it in the
// store; approving only marks it approved (guard.Config.DeferApproved): the
// asker's next identical call, which brings the tenant's Leeloo token,
// executes it once. No page can execute anything itself, so none needs a
// token.
type tenantPages struct {
	e  *env
	mu sync.Mutex
	m  map[string]http.Handler
}

// tenantActionRE is compiled on first use (a team server's page), like
// userName.
var tenantActionRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^/approve/([0-9a-f]{24})\.[A-Z2-7]{26}$`)
})

func (p *tenantPages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/approve/style.css", r.URL.Path == "/signin":
		p.handler("").ServeHTTP(w, r)
		return
	}
	m := tenantActionRE().FindStringSubmatch(r.URL.Path)
	if m == nil {
		http.Error(w, "Not found: open the approval link the assistant gave you (on a team server each action has its own link; there is no list of everyone's actions).", http.StatusNotFound)
		return
	}
	p.handler(m[1]).ServeHTTP(w, r)
}

// handler is the pages of one tenant, over a guard that only reads and
// decides its pending actions.
func (p *tenantPages) handler(tenant string) http.Handler {
	p.mu.Lock()
	defer p.mu.Unlock()
	if h := p.m[tenant]; h != nil {
		return h
	}
	if len(p.m) >= maxTenants {
		p.m = map[string]http.Handler{} // rebuilt on demand: they hold nothing
	}
	g, err := guard.New(guard.Config{Mode: p.e.cfg.Confirm, Store: p.e.store, Tenant: tenant, TenantLabel: tenant, DeferApproved: true,
		Audit: auditWriter(p.e), Logger: p.e.log})
	if err != nil {
		return http.NotFoundHandler()
	}
	h := web.New(g, pageOptions(p.e.cfg))
	p.m[tenant] = h
	return h
}

// pageOptions are the approval pages' options: sign-in with a users file,
// and a form key the replicas share.
func pageOptions(cfg *Config) web.Options {
	m := hmac.New(sha256.New, cfg.serverKey)
	m.Write([]byte("leeloo-mcp page forms"))
	return web.Options{Sandbox: cfg.Sandbox, Hosts: publicHosts(cfg.PublicURL), Users: pageUsersFor(cfg), Key: m.Sum(nil)}
}

func auditWriter(e *env) io.Writer {
	if e.audit == nil {
		return nil
	}
	return e.audit
}
