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
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
	"github.com/leeloo-mcp/leeloo-mcp/web"
)

// Run is the whole program: main only calls it. It returns the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
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
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if len(a) > 1 && a[0] == '-' {
			if !hasValue(a) && needsValue(a) {
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
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case cmd == "tools" && (a == "--markdown" || a == "-markdown"):
			markdown = true
		case cmd == "tools" && (a == "--stats" || a == "-stats"):
			stats = true
		case len(a) > 1 && a[0] == '-':
			flags = append(flags, a)
			if !hasValue(a) && i+1 < len(args) && needsValue(a) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			positional = append(positional, a)
		}
	}
	return flags, positional, markdown, stats
}

func hasValue(a string) bool {
	for _, c := range a {
		if c == '=' {
			return true
		}
	}
	return false
}

func needsValue(a string) bool {
	name := a
	for len(name) > 0 && name[0] == '-' {
		name = name[1:]
	}
	return name != "sandbox" && name != "read-only" && name != "sandbox-live" && name != "version" && name != "help" && name != "h"
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
	e := &env{cfg: cfg, page: &approvalPage{cfg: cfg, stderr: stderr}}
	opts := leeloo.Options{
		BaseURL: cfg.BaseURL, Token: cfg.Token, Timeout: cfg.Timeout, RequestsPerMinute: cfg.RateLimit,
		UserAgent: "leeloo-mcp/" + Version,
	}
	if cfg.Sandbox {
		// The demo data is seeded on the first API call, not at start-up:
		// initialize and tools/list need none of it (seeding is ~25% of a
		// --sandbox start-up and ~3 MB of RSS; see BENCHMARKS.md).
		e.sb = sync.OnceValue(func() *sandbox.Server { return sandbox.New(sandbox.Options{}) })
		opts.Token = sandbox.DefaultToken
		opts.BaseURL = "http://sandbox.invalid/api/v2"
		opts.HTTPClient = &http.Client{Transport: handlerTransport{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			e.sb().ServeHTTP(w, r)
		})}}
		opts.RequestsPerMinute = -1
	}
	store, err := newStore(cfg, log)
	if err != nil {
		return nil, err
	}
	e.store = store
	opts.RateLimiter = sharedRateLimiter(cfg, store, log)
	client, err := leeloo.NewClient(opts)
	if err != nil {
		e.close()
		return nil, err
	}
	e.client = client
	e.live = newLive(cfg, store, client, log)
	gcfg := guard.Config{
		Mode: cfg.Confirm, Key: []byte(cfg.ConfirmKey), MaxSendsPerHour: cfg.MaxSendsPerHour,
		ReadOnly: cfg.ReadOnly, ErrorResult: tools.ErrorResult, Logger: log,
		ApprovalURL: e.page.url, ApprovalTTL: cfg.ApprovalTTL,
		Store: store, Tenant: stateTenant(cfg),
		// A write is sent once, bounded by --timeout: an in-flight claim older
		// than that (and a margin) belongs to a process that died mid-send.
		SendLease: max(guard.DefaultSendLease, cfg.Timeout+time.Minute),
	}
	if cfg.AuditLog != "" {
		f, err := os.OpenFile(cfg.AuditLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			e.close()
			return nil, fmt.Errorf("--audit-log: %w", err)
		}
		e.audit, gcfg.Audit = f, f
	}
	if e.guard, err = guard.New(gcfg); err != nil {
		e.close()
		return nil, err
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		e.close()
		return nil, err
	}
	srv, selected, err := buildServer(cfg, client, e.guard, cat, log, e.live)
	if err != nil {
		e.close()
		return nil, err
	}
	e.tools = selected
	e.srv = srv
	e.guard.SetExecutor(tools.Executor(selected))
	e.page.handler = web.New(e.guard, web.Options{Sandbox: cfg.Sandbox, Hosts: publicHosts(cfg.PublicURL)})
	return e, nil
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
