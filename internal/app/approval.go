package app

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
)

// approvalPage serves the approval pages: on the HTTP transports under the
// same listener, on stdio (and for `call`) on a loopback listener of its
// own, started when the first action needs approval, never before.
type approvalPage struct {
	cfg     *Config
	handler http.Handler
	stderr  io.Writer

	mu   sync.Mutex
	base string // the pages' origin, e.g. http://127.0.0.1:43127
	srv  *http.Server
	err  error
}

// url returns the link of the pending action id, starting the listener on
// first use.
func (a *approvalPage) url(id string) (string, error) {
	base, err := a.origin()
	if err != nil {
		return "", err
	}
	return base + "/approve/" + id, nil
}

func (a *approvalPage) origin() (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.base != "" || a.err != nil {
		return a.base, a.err
	}
	ln, err := net.Listen("tcp", a.cfg.ApprovalListen)
	if err != nil {
		a.err = fmt.Errorf("--approval-listen %s: %w", a.cfg.ApprovalListen, err)
		return "", a.err
	}
	a.srv = &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: a.cfg.HTTPIdleTimeout}
	go func() { _ = a.srv.Serve(limitListener(ln, a.cfg.MaxConnections)) }()
	a.base = a.cfg.PublicURL
	if a.base == "" {
		a.base = "http://" + ln.Addr().String()
	}
	fmt.Fprintf(a.stderr, "leeloo-mcp: approval page at %s/pending\n", a.base)
	return a.base, nil
}

// useListener makes the pages part of an HTTP transport's listener at addr.
func (a *approvalPage) useListener(addr string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.base = a.cfg.PublicURL
	if a.base == "" {
		a.base = "http://" + addr
	}
}

func (a *approvalPage) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		_ = a.srv.Shutdown(ctx)
	}
}

// publicHosts are the Host headers of --public-url, accepted by the pages.
func publicHosts(publicURL string) []string {
	if publicURL == "" {
		return nil
	}
	u, err := url.Parse(publicURL)
	if err != nil || u.Host == "" {
		return nil
	}
	return []string{u.Host}
}

// awaitApproval keeps `call` alive while its action waits on the approval
// page, and returns what became of it.
func awaitApproval(ctx context.Context, e *env, res *mcp.CallToolResult, stdout, stderr io.Writer) (*mcp.CallToolResult, bool) {
	sc, _ := res.StructuredContent.(map[string]any)
	link, _ := sc["approval_url"].(string)
	if link == "" {
		return res, false
	}
	printText(stdout, res)
	id := link[strings.LastIndex(link, "/")+1:]
	fmt.Fprintf(stderr, "leeloo-mcp: waiting for approval at %s (Ctrl-C to give up; nothing is sent without it)\n", link)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return mcp.NewToolResultError("Gave up waiting for approval. Nothing was sent or changed."), true
		case <-t.C:
		}
		p, ok, err := e.guard.PendingAction(ctx, id)
		if err != nil {
			continue // the store may come back; the action waits
		}
		if !ok {
			return mcp.NewToolResultError(guard.ErrNoSuchAction.Error()), true
		}
		switch p.State {
		case guard.PendingWaiting, guard.PendingRunning:
			continue
		case guard.PendingExecuted:
			return mcp.NewToolResultText(p.Result), true
		}
		return mcp.NewToolResultError(strings.TrimSpace(string(p.State) + ": " + p.Result)), true
	}
}
