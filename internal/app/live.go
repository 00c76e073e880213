package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// LiveConfig is the live-events configuration: the webhook receiver, the
// event log's retention, the poller and the live sandbox.
type LiveConfig struct {
	// WebhookSecret turns the receiver on at /webhooks/leeloo/{secret}.
	WebhookSecret string
	// WebhookListen is the receiver's own loopback listener on stdio.
	WebhookListen string
	MaxEvents     int
	MaxAge        time.Duration
	// PollInterval is the poller's; 0 turns it off. Without a webhook it
	// polls while someone listens.
	PollInterval time.Duration
	// SandboxLive makes the sandbox's customers write and order every
	// SandboxInterval, delivered as webhooks.
	SandboxLive     bool
	SandboxInterval time.Duration
}

// Mode says how events arrive: "webhook", "poll" or "off".
func (l LiveConfig) Mode() string {
	switch {
	case l.WebhookSecret != "":
		return "webhook"
	case l.PollInterval > 0:
		return "poll"
	}
	return "off"
}

// MinWebhookSecret is the shortest secret accepted: the path is all there
// is to authenticate Leeloo, which signs nothing.
const MinWebhookSecret = 16

// parseLive reads the live-events flags.
func parseLive(c *Config, get func(string) string) error {
	l := &c.Live
	l.WebhookSecret = strings.TrimSpace(get("webhook-secret"))
	if l.WebhookSecret != "" && len(l.WebhookSecret) < MinWebhookSecret {
		return fmt.Errorf("--webhook-secret: at least %d characters (it is the only thing that tells Leeloo's webhooks from anyone's)", MinWebhookSecret)
	}
	if strings.ContainsAny(l.WebhookSecret, "/?#% ") {
		return fmt.Errorf("--webhook-secret: letters, digits, - and _ only (it is a URL path segment)")
	}
	l.WebhookListen = get("webhook-listen")
	if !isLoopback(l.WebhookListen) {
		return fmt.Errorf("--webhook-listen %s: the receiver's own listener binds loopback only (use --transport http behind a proxy for a public URL)", l.WebhookListen)
	}
	var err error
	if l.MaxEvents, err = parseInt("events-max", get("events-max")); err != nil || l.MaxEvents <= 0 {
		return fmt.Errorf("--events-max %q: want a positive whole number", get("events-max"))
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
		min  time.Duration
	}{{"events-max-age", &l.MaxAge, time.Second}, {"poll-interval", &l.PollInterval, 0}, {"sandbox-live-interval", &l.SandboxInterval, 100 * time.Millisecond}} {
		if *d.dst, err = time.ParseDuration(get(d.name)); err != nil || *d.dst < 0 || (*d.dst < d.min) {
			return fmt.Errorf("--%s %q: want a duration like 30s (at least %s)", d.name, get(d.name), d.min)
		}
	}
	if l.PollInterval > 0 && l.PollInterval < events.MinPollInterval {
		return fmt.Errorf("--poll-interval %s: at least %s (0 turns polling off), to stay within Leeloo's request budget", l.PollInterval, events.MinPollInterval)
	}
	if l.WebhookSecret != "" && c.perRequest() {
		return fmt.Errorf("--webhook-secret and --credentials per-request exclude each other: on a team server each account gets its own webhook URL (the webhook_url tool, or GET %s)", webhookURLPath)
	}
	if l.SandboxLive, err = parseBool("sandbox-live", get("sandbox-live")); err != nil {
		return err
	}
	if l.SandboxLive && !c.Sandbox {
		return fmt.Errorf("--sandbox-live needs the sandbox (--sandbox, or no LEELOO_API_TOKEN)")
	}
	if l.SandboxLive && l.WebhookSecret == "" {
		// The live sandbox posts real webhooks to its own receiver.
		l.WebhookSecret = rand.Text()
	}
	return nil
}

// live is the running events machinery of one process.
type live struct {
	cfg    LiveConfig
	log    *events.Log
	hub    *events.Hub
	poller *events.Poller
	subs   *subscriptions
	logger *slog.Logger
	// webhookURL is where the receiver listens (base URL + path), once
	// served: the live sandbox posts there.
	webhookURL chan string
	// tenantURL is a team tenant's own webhook URL (the webhook_url tool),
	// registering it on first use; nil on a server of one account, whose
	// webhook its operator sets (--webhook-secret).
	tenantURL func(ctx context.Context) (string, error)
	// pollsDuringWait says the poller runs only while a wait_for_events
	// call is open (a team tenant: its token is at hand only during its own
	// requests), and then only while the tenant has no webhook (registered
	// reports it).
	pollsDuringWait bool
	registered      func(ctx context.Context) (bool, error)
}

func newLive(cfg *Config, store guard.Store, client *leeloo.Client, log *slog.Logger) *live {
	return newTenantLive(cfg, store, client, log, stateTenant(cfg))
}

// newTenantLive is the events machinery of tenant's own log.
func newTenantLive(cfg *Config, store guard.Store, client *leeloo.Client, log *slog.Logger, tenant string) *live {
	l := &live{cfg: cfg.Live, logger: log, webhookURL: make(chan string, 1)}
	l.log = events.NewLog(store, events.LogOptions{Tenant: tenant, MaxLen: cfg.Live.MaxEvents, MaxAge: cfg.Live.MaxAge})
	l.subs = newSubscriptions()
	l.hub = &events.Hub{Log: l.log, OnEvent: l.subs.deliver, Logger: log}
	l.subs.hub = l.hub
	if cfg.Live.WebhookSecret == "" && cfg.Live.PollInterval > 0 {
		l.poller = &events.Poller{Client: client, Hub: l.hub, Interval: cfg.Live.PollInterval, Logger: log}
	}
	return l
}

// canDeliver says whether resource updates reach subscribers: the server
// declares subscribe only then.
func (l *live) canDeliver() bool { return l != nil && (l.tenantURL != nil || l.cfg.Mode() != "off") }

// duringWait polls the inbox while a team tenant's wait_for_events call is
// open (ctx), unless the tenant has a webhook: that call's tenant client
// holds the token the request brought.
func (l *live) duringWait(ctx context.Context) {
	if l == nil || !l.pollsDuringWait || l.poller == nil {
		return
	}
	if on, err := l.registered(ctx); err != nil || on {
		return
	}
	l.poller.During(ctx)
}

// pollDuringWait is the tool middleware of a team tenant: its inbox is
// polled while its wait_for_events call is open.
func (l *live) pollDuringWait(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if req.Params.Name != "wait_for_events" {
			return next(ctx, req)
		}
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go l.duringWait(pctx)
		return next(ctx, req)
	}
}

// receiver is the webhook handler, or nil when the webhook is off.
func (l *live) receiver() http.Handler {
	if l == nil || l.cfg.WebhookSecret == "" {
		return nil
	}
	return &events.Receiver{Resolve: events.SingleTenant(l.cfg.WebhookSecret, l.log), Stored: func(*events.Log, events.Event) { l.hub.Kick() }, Logger: l.logger}
}

// served records the base URL the receiver is reachable at.
func (l *live) served(base string) {
	if l == nil || l.cfg.WebhookSecret == "" {
		return
	}
	select {
	case l.webhookURL <- base + events.WebhookPath + l.cfg.WebhookSecret:
	default:
	}
}

// run starts the hub and the poller until ctx ends.
func (l *live) run(ctx context.Context) {
	if l == nil {
		return
	}
	go l.hub.Run(ctx)
	if l.poller != nil {
		go l.poller.Run(ctx)
	}
}

// startLive runs the machinery and, with --sandbox-live, the demo
// customers, after saying on stderr which mode is on.
func (e *env) startLive(ctx context.Context, stderr io.Writer) {
	if e.tenants != nil {
		e.tenants.run(ctx)
		poll := "no polling (--poll-interval 0)"
		if e.cfg.Live.PollInterval > 0 {
			poll = fmt.Sprintf("without one, polling its inbox every %s only while one of its wait_for_events calls is open", e.cfg.Live.PollInterval)
		}
		fmt.Fprintf(stderr, "leeloo-mcp: live events: each account's own webhook at %s<its secret> (the webhook_url tool, or GET %s); %s\n", events.WebhookPath, webhookURLPath, poll)
		return
	}
	if e.live == nil {
		return
	}
	switch l := e.cfg.Live; l.Mode() {
	case "webhook":
		where := "on the HTTP listener"
		if e.cfg.Transport == "stdio" {
			where = "on its own loopback listener (--webhook-listen)"
		}
		fmt.Fprintf(stderr, "leeloo-mcp: live events: webhook at %s<secret> %s; set that URL in Leeloo (settings, Leeloo API)\n", events.WebhookPath, where)
	case "poll":
		fmt.Fprintf(stderr, "leeloo-mcp: live events: polling the inbox every %s while a client is subscribed or waiting (set --webhook-secret for Leeloo's webhooks)\n", l.PollInterval)
	default:
		fmt.Fprintln(stderr, "leeloo-mcp: live events: off (no --webhook-secret, --poll-interval 0)")
	}
	e.live.run(ctx)
	if e.live != nil && e.cfg.Live.SandboxLive && e.sb != nil {
		go runSandboxLive(ctx, e)
	}
}

// webhookRoute mounts the receiver on mux.
func webhookRoute(mux *http.ServeMux, h http.Handler) {
	if h != nil {
		mux.Handle("POST "+events.WebhookPath+"{secret}", h)
	}
}

// serveWebhookLoopback serves the receiver on its own loopback listener
// (stdio), returning its base URL.
func serveWebhookLoopback(ctx context.Context, addr string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("--webhook-listen %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	webhookRoute(mux, h)
	hs := &http.Server{Handler: http.MaxBytesHandler(mux, events.MaxWebhookBytes), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	go func() {
		<-ctx.Done()
		_ = hs.Close()
	}()
	return "http://" + ln.Addr().String(), nil
}

// Resource URIs whose subscribers hear of events.
const (
	eventsURI     = "leeloo://events"
	eventsTypeURI = "leeloo://events/"
	chatURIPrefix = "leeloo://chats/"
)

// urisOf are the resources an event updates: the chat of the account that
// wrote, the event list and the event list of its type.
func urisOf(ev events.Event) []string {
	uris := []string{eventsURI, eventsTypeURI + ev.Type}
	if ev.AccountID != "" && ev.Type == events.TypeMessage {
		uris = append(uris, chatURIPrefix+ev.AccountID)
	}
	return uris
}

// subscriptions tracks this process's resource subscribers in both protocol
// eras: sessions that called resources/subscribe (before 2026-07-28, by
// session id) and open subscriptions/listen streams (from it). mcp-go
// v1.2.1's sessions record neither, so hooks do.
type subscriptions struct {
	srv *server.MCPServer
	hub *events.Hub

	mu     sync.Mutex
	legacy map[string]map[string]func() // session id -> uri -> release
	modern map[server.ClientSession]map[string]bool
	// modernRelease releases a listen stream's hub registration.
	modernRelease map[server.ClientSession]func()
}

func newSubscriptions() *subscriptions {
	return &subscriptions{legacy: map[string]map[string]func(){}, modern: map[server.ClientSession]map[string]bool{}, modernRelease: map[server.ClientSession]func(){}}
}

// hooks registers the subscription hooks on h.
func (s *subscriptions) hooks(h *server.Hooks) {
	h.AddAfterSubscribe(func(ctx context.Context, _ any, req *mcp.SubscribeRequest, _ *mcp.EmptyResult) {
		sess := server.ClientSessionFromContext(ctx)
		if sess == nil || sess.SessionID() == "" {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		m := s.legacy[sess.SessionID()]
		if m == nil {
			m = map[string]func(){}
			s.legacy[sess.SessionID()] = m
		}
		if _, ok := m[req.Params.URI]; !ok {
			m[req.Params.URI] = s.hub.Listen()
		}
	})
	h.AddAfterUnsubscribe(func(ctx context.Context, _ any, req *mcp.UnsubscribeRequest, _ *mcp.EmptyResult) {
		if sess := server.ClientSessionFromContext(ctx); sess != nil {
			s.drop(sess.SessionID(), req.Params.URI)
		}
	})
	h.AddOnUnregisterSession(func(_ context.Context, sess server.ClientSession) {
		s.drop(sess.SessionID(), "")
	})
	h.AddBeforeSubscriptionsListen(func(ctx context.Context, _ any, req *mcp.SubscriptionsListenRequest) {
		sess := server.ClientSessionFromContext(ctx)
		uris := req.Params.Notifications.ResourceSubscriptions
		if sess == nil || len(uris) == 0 {
			return
		}
		set := map[string]bool{}
		for _, u := range uris {
			set[u] = true
		}
		s.mu.Lock()
		s.modern[sess] = set
		s.modernRelease[sess] = s.hub.Listen()
		s.mu.Unlock()
		go func() {
			<-ctx.Done()
			s.mu.Lock()
			if rel := s.modernRelease[sess]; rel != nil {
				rel()
			}
			delete(s.modern, sess)
			delete(s.modernRelease, sess)
			s.mu.Unlock()
		}()
	})
}

// drop ends a legacy session's subscription to uri ("" all of them).
func (s *subscriptions) drop(id, uri string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.legacy[id]
	for u, rel := range m {
		if uri == "" || u == uri {
			rel()
			delete(m, u)
		}
	}
	if len(m) == 0 {
		delete(s.legacy, id)
	}
}

// deliver sends notifications/resources/updated for ev to every subscriber
// of a resource it updates.
func (s *subscriptions) deliver(ev events.Event) {
	uris := urisOf(ev)
	type target struct {
		id   string
		sess server.ClientSession
		uri  string
	}
	var ts []target
	s.mu.Lock()
	for id, m := range s.legacy {
		for _, u := range uris {
			if _, ok := m[u]; ok {
				ts = append(ts, target{id: id, uri: u})
			}
		}
	}
	for sess, set := range s.modern {
		for _, u := range uris {
			if set[u] {
				ts = append(ts, target{sess: sess, uri: u})
			}
		}
	}
	s.mu.Unlock()
	for _, t := range ts {
		params := map[string]any{"uri": t.uri}
		if t.sess == nil {
			if s.srv != nil {
				_ = s.srv.SendNotificationToSpecificClient(t.id, mcp.MethodNotificationResourceUpdated, params)
			}
			continue
		}
		n := mcp.JSONRPCNotification{JSONRPC: mcp.JSONRPC_VERSION, Notification: mcp.Notification{
			Method: mcp.MethodNotificationResourceUpdated, Params: mcp.NotificationParams{AdditionalFields: params},
		}}
		select {
		case t.sess.NotificationChannel() <- n:
		default: // a stream that does not read: the client re-reads on reconnect
		}
	}
}

// startStdioWebhook serves the receiver on its own loopback listener when
// the webhook is on over stdio (a tunnel or proxy can expose it; the live
// sandbox posts to it).
func startStdioWebhook(ctx context.Context, cfg *Config, e *env, stderr io.Writer, log *slog.Logger) error {
	h := e.live.receiver()
	if h == nil {
		return nil
	}
	base, err := serveWebhookLoopback(ctx, cfg.Live.WebhookListen, h)
	if err != nil {
		return err
	}
	e.live.served(base)
	if cfg.Live.SandboxLive {
		fmt.Fprintf(stderr, "leeloo-mcp: --sandbox-live: demo customers post webhooks to the loopback receiver at %s%s...\n", base, events.WebhookPath)
	} else {
		fmt.Fprintf(stderr, "leeloo-mcp: webhook receiver on %s%s<secret> (loopback: expose it through a tunnel or proxy for Leeloo)\n", base, events.WebhookPath)
	}
	return nil
}

// runSandboxLive makes a demo customer act every interval and posts the
// webhook to this server's own receiver over real HTTP, until ctx ends.
func runSandboxLive(ctx context.Context, e *env) {
	var url string
	select {
	case url = <-e.live.webhookURL:
	case <-ctx.Done():
		return
	}
	r := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 7))
	hc := &http.Client{Timeout: 5 * time.Second}
	t := time.NewTicker(e.cfg.Live.SandboxInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		body := e.sb().LiveEvent(r)
		if body == nil {
			continue
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := hc.Do(req)
		if err != nil {
			e.live.logger.Warn("sandbox-live: posting the webhook", "err", err)
			continue
		}
		_ = res.Body.Close()
	}
}
