package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/catalog"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
	"github.com/leeloo-mcp/leeloo-mcp/web"
)

// Run is the whole program: main only calls it. It returns the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && args[0] == "user" {
		return userAdd(stdout, stderr, args[1:])
	}
	cmd, args := splitSubcommand(args)
	var cmdArgs []string
	var markdown, stats bool
	if cmd != "" {
		args, cmdArgs, markdown, stats = splitCommandArgs(cmd, args)
	}
	cfg, fs, err := parseConfig(args, getenv, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errVersion):
		fmt.Fprintln(stdout, "leeloo-mcp", Version)
		return 0
	case err != nil:
		if fs != nil && !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "leeloo-mcp:", err)
		}
		return 2
	}
	if cmd == "" && fs.NArg() > 0 {
		fmt.Fprintf(stderr, "leeloo-mcp: unexpected argument %q (subcommands: tools, call; see --help)\n", fs.Arg(0))
		return 2
	}
	log := newLogger(stderr, cfg.LogLevel)
	env, err := newEnv(cfg, log, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "leeloo-mcp:", err)
		if errors.As(err, new(configError)) {
			return 2
		}
		return 1
	}
	defer env.close()
	warnSelection(stderr, cfg, env.tools)

	// One line on stderr says what is running: a newcomer's `go run .` must
	// not sit silent, and the sandbox is never a surprise.
	note := ""
	if cfg.Sandbox {
		note = fmt.Sprintf("serving the SANDBOX (%s): demo data, nothing is real and nothing reaches a real Leeloo account. Set LEELOO_API_TOKEN to use yours.", cfg.sandboxReason)
	}
	switch {
	case cmd == "" && cfg.Transport == "stdio":
		line := "leeloo-mcp: waiting for an MCP client on stdin (run it from an MCP client, or see --help)"
		if note != "" {
			line += "; " + note
		} else {
			line += "."
		}
		fmt.Fprintln(stderr, line)
	case note != "" && cmd != "tools":
		fmt.Fprintln(stderr, "leeloo-mcp: "+note)
	}
	if cfg.Confirm == guard.ModePreview && cmd != "tools" {
		fmt.Fprintln(stderr, "leeloo-mcp: WARNING: --confirm preview lets the model confirm its own sends and changes with the confirm_token it is given; use it only for trusted automations without a human. The default (auto) asks a human.")
	}
	switch cmd {
	case "tools":
		return printCatalog(stdout, stderr, env, markdown, stats)
	case "call":
		if cfg.perRequest() {
			fmt.Fprintln(stderr, "leeloo-mcp: call needs LEELOO_API_TOKEN: --credentials per-request serves HTTP requests only")
			return 2
		}
		return callOnce(ctx, stdout, stderr, env, cmdArgs)
	}
	if err := serve(ctx, cfg, env, stdin, stdout, stderr, log); err != nil {
		fmt.Fprintln(stderr, "leeloo-mcp:", err)
		return 1
	}
	return 0
}

// splitSubcommand takes the subcommand out of args: the first word that is
// not a flag or a flag's value, so flags may also come before it
// ("leeloo-mcp --read-only call ...").
func splitSubcommand(args []string) (string, []string) {
	if !slices.Contains(args, "tools") && !slices.Contains(args, "call") {
		return "", args // no flag set to build: the server's start-up
	}
	fs := declaredFlags()
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if len(a) > 1 && a[0] == '-' {
			if takesValue(fs, a) {
				i++
			}
			continue
		}
		if a == "tools" || a == "call" {
			return a, append(append([]string{}, args[:i]...), args[i+1:]...)
		}
		break
	}
	return "", args
}

// splitCommandArgs separates a subcommand's own arguments from the flags.
func splitCommandArgs(cmd string, args []string) (flags, positional []string, markdown, stats bool) {
	fs := declaredFlags()
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case cmd == "tools" && (a == "--markdown" || a == "-markdown"):
			markdown = true
		case cmd == "tools" && (a == "--stats" || a == "-stats"):
			stats = true
		case len(a) > 1 && a[0] == '-':
			flags = append(flags, a)
			if i+1 < len(args) && takesValue(fs, a) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			positional = append(positional, a)
		}
	}
	return flags, positional, markdown, stats
}

// declaredFlags is the flag set, for asking which flags take a value.
func declaredFlags() *flag.FlagSet {
	fs, _ := newFlagSet(options(&Config{}, new(string)), io.Discard)
	return fs
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// env is a configured client, guard and server.
type env struct {
	cfg    *Config
	client *leeloo.Client
	guard  *guard.Guard
	tools  []tools.Tool
	audit  *os.File
	store  guard.Store
	sb     func() *sandbox.Server // the in-process sandbox, seeded on first use
	srv    *server.MCPServer
	page   *approvalPage
	live   *live
	log    *slog.Logger
	cat    *catalog.Catalog
	// obs measures and logs the HTTP transports' calls; nil on stdio.
	obs *observer
	// tenants serve --credentials per-request; nil otherwise.
	tenants *tenants
	procKey []byte
}

func (e *env) close() {
	if e.page != nil {
		e.page.close()
	}
	if e.store != nil {
		_ = e.store.Close()
	}
	if e.audit != nil {
		_ = e.audit.Close()
	}
}

func newEnv(cfg *Config, log *slog.Logger, stderr io.Writer) (*env, error) {
	e := &env{cfg: cfg, log: log, page: &approvalPage{cfg: cfg, stderr: stderr}}
	if cfg.Transport != "stdio" {
		e.obs = newObserver(log)
	}
	if cfg.Sandbox {
		// The demo data is seeded on the first API call, not at start-up:
		// initialize and tools/list need none of it (seeding is ~25% of a
		// --sandbox start-up and ~3 MB of RSS; see BENCHMARKS.md).
		e.sb = sync.OnceValue(func() *sandbox.Server { return sandbox.New(sandbox.Options{}) })
	}
	store, err := newStore(cfg, log)
	if err != nil {
		return nil, err
	}
	e.store = store
	if cfg.AuditLog != "" {
		f, err := os.OpenFile(cfg.AuditLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			e.close()
			return nil, fmt.Errorf("--audit-log: %w", err)
		}
		e.audit = f
	}
	if e.cat, err = loadCatalog(cfg); err != nil {
		e.close()
		return nil, err
	}
	token, tenant := cfg.Token, stateTenant(cfg)
	if cfg.perRequest() {
		// The server has no token of its own: this tenant only lists the
		// tools (tools, --help); requests are served by their own tenants.
		token, tenant = "per-request", "per-request"
		e.tenants = newTenants(e)
	}
	t, err := e.newTenant(token, tenant)
	if err != nil {
		e.close()
		return nil, err
	}
	e.client, e.guard, e.srv, e.tools, e.live = t.client, t.guard, t.srv, t.tools, t.live
	if cfg.perRequest() {
		e.page.handler = &tenantPages{e: e, m: map[string]http.Handler{}}
	} else {
		g := e.guard
		e.page.handler = lazyHandler(sync.OnceValue(func() http.Handler { return web.New(g, pageOptions(cfg)) }))
	}
	return e, nil
}

// lazyHandler builds its handler on the first request: the approval pages'
// routes are registered when a page is first asked for, not at every
// start-up of a server that may never show one.
type lazyHandler func() http.Handler

func (h lazyHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h().ServeHTTP(w, r) }

// builtTenant is one account's client, guard and MCP server.
type builtTenant struct {
	client *leeloo.Client
	guard  *guard.Guard
	srv    *server.MCPServer
	tools  []tools.Tool
	live   *live
}

// newTenant builds the client, guard and server of the Leeloo account
// behind token, its guard state under tenant in the shared store.
func (e *env) newTenant(token, tenant string) (*builtTenant, error) {
	cfg, log := e.cfg, e.log
	opts := leeloo.Options{
		BaseURL: cfg.BaseURL, Token: token, Timeout: cfg.Timeout, RequestsPerMinute: cfg.RateLimit,
		UserAgent: "leeloo-mcp/" + Version,
	}
	if e.obs != nil {
		opts.Observe = e.obs.upstreamAttempt
	}
	account := cfg.BaseURL + "\x00" + token
	if cfg.Sandbox {
		opts.Token = sandbox.DefaultToken
		opts.BaseURL = "http://sandbox.invalid/api/v2"
		opts.HTTPClient = &http.Client{Transport: handlerTransport{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			e.sb().ServeHTTP(w, r)
		})}}
		opts.RequestsPerMinute = -1
	}
	key := []byte(cfg.ConfirmKey)
	label := ""
	if cfg.perRequest() {
		// Never the token, even hashed without a key: the tenant id is the
		// token's keyed hash already.
		account, label = cfg.BaseURL+"\x00"+tenant, tenant
		if len(key) == 0 {
			if e.procKey == nil {
				e.procKey = processKey()
			}
			key = e.procKey
		}
		key = tenantConfirmKey(key, tenant)
	}
	opts.RateLimiter = sharedRateLimiter(cfg, e.store, tenant, account, log)
	client, err := leeloo.NewClient(opts)
	if err != nil {
		return nil, err
	}
	// Live events: the server's own account's, or on a team server each
	// tenant's own log, fed by its own webhook URL (webhooks.go) or by
	// polling during its wait_for_events calls. The "per-request" stand-in
	// (tools, --help) has none.
	var lv *live
	switch {
	case !cfg.perRequest():
		lv = newLive(cfg, e.store, client, log)
	case e.tenants != nil && tenant != "per-request":
		lv = newTenantLive(cfg, e.store, client, log, tenant)
		hooks := e.tenants.hooks
		lv.tenantURL = func(ctx context.Context) (string, error) { return e.tenants.webhookURL(ctx, tenant, false) }
		lv.pollsDuringWait = true
		lv.registered = func(ctx context.Context) (bool, error) { return hooks.registered(ctx, tenant) }
	}
	gcfg := guard.Config{
		Mode: cfg.Confirm, Key: key, MaxSendsPerHour: cfg.MaxSendsPerHour,
		ReadOnly: cfg.ReadOnly, ErrorResult: tools.ErrorResult, Logger: log,
		Store: e.store, Tenant: tenant, TenantLabel: label, ApprovalTTL: cfg.ApprovalTTL,
		// A write is sent once, bounded by --timeout: an in-flight claim older
		// than that (and a margin) belongs to a process that died mid-send.
		SendLease: max(guard.DefaultSendLease, cfg.Timeout+time.Minute),
	}
	gcfg.ApprovalURL = e.page.url
	if cfg.perRequest() {
		// The page marks an approval; the tenant's next identical call
		// executes it (tenant_pages.go).
		gcfg.DeferApproved, gcfg.IDPrefix = true, tenant+"."
	}
	if e.obs != nil {
		gcfg.Observe = e.obs.guardOutcome
	}
	if e.audit != nil {
		gcfg.Audit = e.audit
	}
	g, err := guard.New(gcfg)
	if err != nil {
		return nil, err
	}
	srv, selected, err := buildServer(cfg, client, g, e.cat, log, e.obs, lv)
	if err != nil {
		return nil, err
	}
	g.SetExecutor(tools.Executor(selected))
	return &builtTenant{client: client, guard: g, srv: srv, tools: selected, live: lv}, nil
}

// handlerTransport serves HTTP requests from an in-process handler: the
// sandbox needs no socket.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	res := rec.Result()
	res.Request = r
	return res, nil
}

// shutdownGrace bounds a graceful HTTP shutdown.
const shutdownGrace = 5 * time.Second
