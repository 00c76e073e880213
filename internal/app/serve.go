package app

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/web"
)

// serve runs the configured transport until ctx ends.
func serve(ctx context.Context, cfg *Config, e *env, stdin io.Reader, stdout, stderr io.Writer, log *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	e.startLive(ctx, stderr)
	if cfg.Transport == "stdio" {
		if err := startStdioWebhook(ctx, cfg, e, stderr, log); err != nil {
			return err
		}
		s := server.NewStdioServer(e.srv)
		s.SetErrorLogger(slog.NewLogLogger(log.Handler(), slog.LevelError))
		out := &lockedWriter{w: stdout}
		err := s.Listen(ctx, newLineCap(stdin, int(cfg.MaxBodyBytes), out), out)
		if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) {
			return nil
		}
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", cfg.Listen, err)
	}
	return serveHTTP(ctx, cfg, e, limitListener(ln, cfg.MaxConnections), stderr, log)
}

// serveHTTP serves Streamable HTTP at /mcp (http transport) and legacy SSE at
// /sse and /message (both transports) on ln, behind the HTTP guards.
func serveHTTP(ctx context.Context, cfg *Config, e *env, ln net.Listener, stderr io.Writer, log *slog.Logger) error {
	h, closeStreams := httpRoutes(cfg, e, ln.Addr().String())
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       cfg.HTTPIdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	paths := "/sse and /message (legacy SSE)"
	if cfg.Transport == "http" {
		paths = "/mcp (Streamable HTTP), " + paths
	}
	fmt.Fprintf(stderr, "leeloo-mcp: listening on http://%s: %s\n", ln.Addr(), paths)
	e.live.served("http://" + ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Draining: /readyz says so, new tool calls are refused, calls in
	// flight finish within --drain-timeout; what did not is logged.
	grace := shutdownGrace
	if e.obs != nil {
		grace = cfg.DrainTimeout
		dctx, dcancel := context.WithTimeout(context.Background(), cfg.DrainTimeout)
		e.obs.drain(dctx)
		dcancel()
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	// Open SSE streams never go idle: end them once the listener is closed,
	// or Shutdown waits out the grace period and leaves them open.
	hs.RegisterOnShutdown(func() { closeStreams(sctx) })
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
	}
	return nil
}

// httpHandler builds the routes and wraps them in the guards.
func httpHandler(cfg *Config, e *env, addr string) http.Handler {
	h, _ := httpRoutes(cfg, e, addr)
	return h
}

// httpRoutes is httpHandler plus a function that ends the open SSE and
// Streamable HTTP streams, for shutdown.
func httpRoutes(cfg *Config, e *env, addr string) (http.Handler, func(context.Context)) {
	mux := http.NewServeMux()
	var closeStreams func(context.Context)
	if e.tenants != nil {
		// A team server: each request is served by its token's tenant.
		e.tenants.addr = addr
		for _, p := range []string{"/mcp", "/sse", "/message"} {
			mux.Handle(p, e.tenants)
		}
		closeStreams = e.tenants.closeStreams
		webhookRoute(mux, e.tenants.teamReceiver())
		mux.HandleFunc(webhookURLPath, e.tenants.serveWebhookURL)
		if cfg.HTTPToken == "" {
			for _, p := range web.Paths {
				mux.Handle(p, e.page.handler)
			}
			e.page.useListener(addr)
		}
		e.obs.gauge("leeloo_mcp_sessions_open", "Streamable HTTP sessions open in this process.", func() float64 { return float64(e.tenants.sessionsOpen()) })
	} else {
		var h http.Handler
		var ids *sessions
		h, ids, closeStreams = mcpHandlers(cfg, e.srv, addr, withClientAddr)
		for _, p := range []string{"/mcp", "/sse", "/message"} {
			mux.Handle(p, h)
		}
		e.obs.gauge("leeloo_mcp_sessions_open", "Streamable HTTP sessions open in this process.", func() float64 { return float64(ids.open()) })
		// The approval pages share the listener unless HTTP clients need a
		// bearer token, which a browser does not send: then they keep their
		// own loopback listener, as on stdio. With a users file the pages
		// sign their users in themselves (a cookie) and share it.
		if cfg.HTTPToken == "" && e.page != nil && e.page.handler != nil {
			for _, p := range web.Paths {
				mux.Handle(p, e.page.handler)
			}
			e.page.useListener(addr)
		}
	}
	webhookRoute(mux, e.live.receiver())
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/readyz", e.ready)
	if e.obs != nil {
		e.obs.gauge("leeloo_mcp_pending_approvals", "Actions waiting for approval, of the tenants this process serves.", e.pendingWaiting)
		mux.Handle("/metrics", e.obs.handler(cfg.MetricsToken))
	}
	return guardHTTP(cfg, withRPCCodes(mux)), closeStreams
}

// mcpHandlers serves srv as Streamable HTTP at /mcp (http transport) and
// legacy SSE at /sse and /message; ids are the Streamable HTTP sessions.
func mcpHandlers(cfg *Config, srv *server.MCPServer, addr string, ctxFunc func(context.Context, *http.Request) context.Context) (http.Handler, *sessions, func(context.Context)) {
	mux := http.NewServeMux()
	ids := newSessions(cfg.MaxSessionsPerClient)
	if cfg.ReplicaID != "" {
		ids.prefix = sessionPrefix + cfg.ReplicaID + "."
	}
	var streamable *server.StreamableHTTPServer
	if cfg.Transport == "http" {
		streamable = server.NewStreamableHTTPServer(srv, server.WithEndpointPath("/mcp"), server.WithHTTPContextFunc(ctxFunc),
			server.WithSessionIdManagerResolver(ids), server.WithSessionIdleTTL(cfg.SessionIdleTimeout))
		ids.evict = evictVia(streamable, "/mcp")
		mux.Handle("/mcp", streamable)
	}
	sse := server.NewSSEServer(srv, server.WithSSEEndpoint("/sse"), server.WithMessageEndpoint("/message"), server.WithSSEContextFunc(ctxFunc),
		server.WithBaseURL("http://"+addr), server.WithKeepAlive(true))
	mux.Handle("/sse", sse.SSEHandler())
	mux.Handle("/message", sse.MessageHandler())
	closeStreams := func(ctx context.Context) {
		sse.CloseSessions()
		if streamable != nil {
			streamable.CloseSessions(ctx)
		}
	}
	return mux, ids, closeStreams
}

// guardHTTP applies, in order: the Origin check (DNS rebinding and browser
// pages), the bearer token when configured, and the request body cap and
// deadline (the body is read whole before any handler runs).
func guardHTTP(cfg *Config, next http.Handler) http.Handler {
	token := []byte(cfg.HTTPToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz", "/readyz":
			next.ServeHTTP(w, r)
			return
		case "/metrics":
			if cfg.MetricsToken != "" { // its own token, checked by its handler
				next.ServeHTTP(w, r)
				return
			}
		}
		// The approval pages check the browser's Sec-Fetch-Site (and Origin)
		// themselves: their form posts carry "Origin: null" (no-referrer).
		// Leeloo's webhooks are server-to-server POSTs that cannot carry our
		// bearer token: the secret in their path authenticates them, and the
		// body cap below still applies.
		webhook, page := strings.HasPrefix(r.URL.Path, events.WebhookPath), isPagePath(r.URL.Path)
		if o := r.Header.Get("Origin"); o != "" && !webhook && !page && !originAllowed(o, cfg.AllowedOrigins) {
			http.Error(w, "Forbidden: origin "+o+" is not allowed (see --allowed-origins)", http.StatusForbidden)
			return
		}
		// The approval pages sign their users in themselves (web.Users): a
		// browser sends no bearer token. (--users-file excludes --http-token.)
		if cfg.users != nil && !page && !webhook {
			got, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			u, ok := cfg.users.byToken(strings.TrimSpace(got))
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="leeloo-mcp"`)
				http.Error(w, "Unauthorized: send Authorization: Bearer <your token from leeloo-mcp user add>", http.StatusUnauthorized)
				return
			}
			r = r.WithContext(guard.WithUser(r.Context(), u.name))
		} else if len(token) > 0 && !webhook {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), token) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="leeloo-mcp"`)
				http.Error(w, "Unauthorized: send Authorization: Bearer <--http-token>", http.StatusUnauthorized)
				return
			}
		}
		if r.Body != nil && r.ContentLength > cfg.MaxBodyBytes {
			http.Error(w, fmt.Sprintf("Request body too large (limit %d bytes)", cfg.MaxBodyBytes), http.StatusRequestEntityTooLarge)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			body, code, err := readBody(w, r, cfg.MaxBodyBytes, cfg.HTTPBodyTimeout)
			if err != nil {
				if code == http.StatusRequestEntityTooLarge {
					http.Error(w, "Request body too large (limit "+fmt.Sprint(cfg.MaxBodyBytes)+" bytes)", code)
				} else {
					http.Error(w, "Bad request: "+err.Error(), code)
				}
				return
			}
			replaceBody(r, body)
		}
		next.ServeHTTP(w, r)
	})
}

// isPagePath reports whether path is one of the approval pages'.
func isPagePath(path string) bool {
	return strings.HasPrefix(path, "/approve/") || path == "/pending" || path == "/signin"
}

// originAllowed accepts loopback origins and the configured ones.
func originAllowed(origin string, allowed []string) bool {
	for _, a := range allowed {
		if a == "*" || strings.EqualFold(strings.TrimRight(a, "/"), origin) {
			return true
		}
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type clientKey struct{}

// withClientAddr records who the request counts against (clientIdentity:
// its bearer token's hash, else its address) for the per-client limits.
func withClientAddr(ctx context.Context, r *http.Request) context.Context {
	return context.WithValue(ctx, clientKey{}, clientIdentity(r))
}
