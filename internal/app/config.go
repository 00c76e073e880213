// Package app wires the leeloo-mcp server together: configuration from flags
// and environment, the Leeloo client (or the in-process sandbox), the guard,
// the MCP server with its tools, resources and prompts, the transports and
// the command-line subcommands. main.go only calls Run.
package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// Config is everything a run needs. Secrets are kept out of String.
type Config struct {
	Token           string
	BaseURL         string
	Sandbox         bool
	Transport       string
	Listen          string
	HTTPToken       string
	AllowedOrigins  []string
	Confirm         guard.Mode
	ConfirmKey      string
	MaxSendsPerHour int
	AuditLog        string
	State           string
	ReadOnly        bool
	Toolsets        []string
	Tools           []string
	ExcludeTools    []string
	Timeout         time.Duration
	RateLimit       int
	CallsPerMinute  int
	// ClientCallsPerMinute caps tool calls per HTTP client across its
	// sessions.
	ClientCallsPerMinute int
	LogLevel             string
	MaxBodyBytes         int64

	// HTTP transport limits.
	SessionIdleTimeout   time.Duration
	MaxSessionsPerClient int
	MaxConnections       int
	HTTPBodyTimeout      time.Duration
	HTTPIdleTimeout      time.Duration

	// ApprovalListen is the approval page's own loopback listener (stdio,
	// call, and HTTP with --http-token); PublicURL is the origin users
	// reach the pages at, behind a proxy.
	ApprovalListen string
	PublicURL      string
	// ApprovalTTL is how long an action waits for approval.
	ApprovalTTL time.Duration
	// Catalog is the account catalog file (--catalog); "" for none.
	Catalog string
	// Live configures webhooks, the event log and polling (live.go).
	Live LiveConfig

	// Team server and fleet (team.go).
	Team

	// sandboxReason says why the sandbox is on, for the start-up notice.
	sandboxReason string
	// state is --state resolved: memory, file:ABSPATH, redis:// or rediss://.
	state string
}

// String describes the configuration without secrets.
func (c Config) String() string {
	return fmt.Sprintf("transport=%s listen=%s sandbox=%v base_url=%s confirm=%s read_only=%v toolsets=%v",
		c.Transport, c.Listen, c.Sandbox, c.BaseURL, c.Confirm, c.ReadOnly, c.Toolsets)
}

// envFlag is one flag with the variable that also sets it.
type envFlag struct {
	name, env, usage string
}

// flagSpecs lists every flag, its variable and its help, in --help order.
var flagSpecs = []envFlag{
	{"base-url", "LEELOO_BASE_URL", "Leeloo API root"},
	{"sandbox", "LEELOO_SANDBOX", "serve an in-process sandbox Leeloo with demo data (the default when LEELOO_API_TOKEN is unset)"},
	{"transport", "LEELOO_TRANSPORT", "stdio, http (Streamable HTTP at /mcp; legacy SSE alongside) or sse (legacy HTTP+SSE at /sse and /message: deprecated by the MCP spec, use http)"},
	{"listen", "LEELOO_LISTEN", "address for the sse and http transports; a non-loopback address requires --http-token"},
	{"http-token", "LEELOO_HTTP_TOKEN", "bearer token HTTP clients must send (Authorization: Bearer ...); prefer the variable: a flag's value is visible to other users in ps"},
	{"allowed-origins", "LEELOO_ALLOWED_ORIGINS", "comma-separated browser Origins allowed besides loopback ones"},
	{"confirm", "LEELOO_CONFIRM", "how mutations are confirmed: auto (elicitation where the client has it, else the approval page), elicit, page, preview (the model confirms its own actions: trusted automations only) or off"},
	{"approval-listen", "LEELOO_APPROVAL_LISTEN", "address of the approval page's own listener (stdio, call, and HTTP with --http-token); port 0 picks a free one"},
	{"approval-ttl", "LEELOO_APPROVAL_TTL", "how long an action waits for approval (page or card) before it expires"},
	{"public-url", "LEELOO_PUBLIC_URL", "origin users open the approval page at, when a proxy stands in front (e.g. https://mcp.example.com)"},
	{"max-sends-per-hour", "LEELOO_MAX_SENDS_PER_HOUR", "cap on customer-facing actions per hour (negative: no cap)"},
	{"audit-log", "LEELOO_AUDIT_LOG", "append one JSON line per mutation outcome to this file"},
	{"state", "LEELOO_STATE", "where the guard keeps state shared by processes and restarts: a file path or file:PATH (default: leeloo-mcp/guard.db under $XDG_STATE_HOME or ~/.local/state; memory with --sandbox), redis://... or rediss://... for replicas, or memory"},
	{"read-only", "LEELOO_READ_ONLY", "serve no tool that changes data"},
	{"toolsets", "LEELOO_TOOLSETS", "comma-separated toolsets, or all: " + tools.ToolsetsHelp()},
	{"tools", "LEELOO_TOOLS", "comma-separated tool names to serve in addition to --toolsets"},
	{"exclude-tools", "LEELOO_EXCLUDE_TOOLS", "comma-separated tool names to leave out"},
	{"timeout", "LEELOO_TIMEOUT", "timeout of each attempt of a request to Leeloo; a read is retried, and all its attempts and waits take at most twice this"},
	{"rate-limit", "LEELOO_RATE_LIMIT", "requests per minute to Leeloo (the vendor allows 300)"},
	{"calls-per-minute", "LEELOO_CALLS_PER_MINUTE", "tool calls per minute per MCP session (negative: no cap)"},
	{"calls-per-minute-per-client", "LEELOO_CALLS_PER_MINUTE_PER_CLIENT", "tool calls per minute per HTTP client (its bearer token, else its address) across all its sessions (negative: no cap)"},
	{"session-idle-timeout", "LEELOO_SESSION_IDLE_TIMEOUT", "Streamable HTTP sessions idle this long are ended (the client re-initialises)"},
	{"max-sessions-per-client", "LEELOO_MAX_SESSIONS_PER_CLIENT", "open Streamable HTTP sessions per client; a new one ends the least recently used"},
	{"max-connections", "LEELOO_MAX_CONNECTIONS", "HTTP connections served at once; more wait to be accepted"},
	{"http-body-timeout", "LEELOO_HTTP_BODY_TIMEOUT", "time an HTTP client has to send a request body"},
	{"http-idle-timeout", "LEELOO_HTTP_IDLE_TIMEOUT", "idle keep-alive HTTP connections are closed after this"},
	{"log-level", "LEELOO_LOG_LEVEL", "debug, info, warn or error (logs go to stderr)"},
	{"credentials", "LEELOO_CREDENTIALS", "whose Leeloo token calls use: env (LEELOO_API_TOKEN, one account) or per-request (HTTP transports: every request sends its own in X-Leeloo-AuthToken; a team server)"},
	{"users-file", "LEELOO_USERS_FILE", "file of the HTTP users, one per line: NAME sha256:HEX [approver] (leeloo-mcp user add NAME prints one); replaces --http-token"},
	{"metrics-token", "LEELOO_METRICS_TOKEN", "bearer token /metrics requires (HTTP transports); without it /metrics is open to whoever reaches the listener"},
	{"replica-id", "LEELOO_REPLICA_ID", "this replica's name in its Streamable HTTP session ids (mcp-session-NAME.…), by which a load balancer routes a session to the replica that holds it (README: Run it for a team)"},
	{"drain-timeout", "LEELOO_DRAIN_TIMEOUT", "on SIGTERM, how long calls in flight may take to finish before the server stops"},
	{"catalog", "LEELOO_CATALOG", "account catalog JSON file: offers, payment systems, tunnel blocks and template variables by id and name, which the API cannot list (the sandbox ships its own)"},
	{"webhook-secret", "LEELOO_WEBHOOK_SECRET", "turns on the Leeloo webhook receiver at /webhooks/leeloo/<secret> (16+ characters; set that URL in Leeloo's API settings); prefer the variable"},
	{"webhook-listen", "LEELOO_WEBHOOK_LISTEN", "on stdio, the loopback address of the webhook receiver's own listener"},
	{"events-max", "LEELOO_EVENTS_MAX", "events kept in the event log (on --state)"},
	{"events-max-age", "LEELOO_EVENTS_MAX_AGE", "how long events are kept"},
	{"poll-interval", "LEELOO_POLL_INTERVAL", "without a webhook, poll the inbox for new messages this often while a client is subscribed or waiting (0: never)"},
	{"sandbox-live", "LEELOO_SANDBOX_LIVE", "the sandbox's demo customers write messages and place orders now and then, delivered as real webhooks"},
	{"sandbox-live-interval", "LEELOO_SANDBOX_LIVE_INTERVAL", "how often a --sandbox-live customer does something"},
}

// Defaults.
const (
	defaultListen         = "127.0.0.1:8080"
	defaultCallsPerMinute = 120
	// A client may run a few sessions at once (several agents behind one
	// token); a fresh session per call still meets this cap.
	defaultClientCallsPerMinute = 4 * defaultCallsPerMinute
	defaultMaxBodyBytes         = 1 << 20

	defaultSessionIdleTimeout   = 30 * time.Minute
	defaultMaxSessionsPerClient = 32
	defaultMaxConnections       = 256
	defaultHTTPBodyTimeout      = 30 * time.Second
	defaultHTTPIdleTimeout      = 60 * time.Second
)

// parseConfig reads flags, falling back to the environment, then defaults.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (*Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet("leeloo-mcp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &Config{}
	str := map[string]*string{}
	boolean := map[string]*bool{}
	defaults := map[string]string{
		"base-url": leeloo.DefaultBaseURL, "transport": "stdio", "listen": defaultListen, "confirm": string(guard.ModeAuto),
		"max-sends-per-hour": strconv.Itoa(guard.DefaultMaxSendsPerHour), "toolsets": strings.Join(tools.DefaultToolsets(), ","),
		"timeout": leeloo.DefaultTimeout.String(), "rate-limit": strconv.Itoa(leeloo.DefaultRequestsPerMin),
		"calls-per-minute": strconv.Itoa(defaultCallsPerMinute), "calls-per-minute-per-client": strconv.Itoa(defaultClientCallsPerMinute), "log-level": "info", "sandbox": "false", "read-only": "false",
		"session-idle-timeout": defaultSessionIdleTimeout.String(), "max-sessions-per-client": strconv.Itoa(defaultMaxSessionsPerClient),
		"max-connections": strconv.Itoa(defaultMaxConnections), "http-body-timeout": defaultHTTPBodyTimeout.String(),
		"http-idle-timeout": defaultHTTPIdleTimeout.String(), "approval-listen": "127.0.0.1:0",
		"approval-ttl":   guard.DefaultApprovalTTL.String(),
		"webhook-listen": "127.0.0.1:0", "events-max": strconv.Itoa(events.DefaultMaxEvents), "events-max-age": events.DefaultMaxAge.String(),
		"poll-interval": events.DefaultPollInterval.String(), "sandbox-live": "false", "sandbox-live-interval": "20s",
		"credentials": credentialsEnv, "drain-timeout": defaultDrainTimeout.String(),
	}
	for _, f := range flagSpecs {
		usage := f.usage + " (env " + f.env + ")"
		switch f.name {
		case "sandbox", "read-only", "sandbox-live":
			boolean[f.name] = fs.Bool(f.name, false, usage)
		case "http-token", "webhook-secret", "metrics-token":
			// The default is never shown: it may be a secret from the environment.
			str[f.name] = fs.String(f.name, "", usage)
		default:
			str[f.name] = fs.String(f.name, defaults[f.name], usage)
		}
	}
	version := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() { usage(fs, stderr) }
	if err := fs.Parse(args); err != nil {
		return nil, fs, err
	}
	if *version {
		return nil, fs, errVersion
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	get := func(name string) string {
		if set[name] {
			if p, ok := str[name]; ok {
				return *p
			}
			return strconv.FormatBool(*boolean[name])
		}
		for _, f := range flagSpecs {
			if f.name == name {
				if v := strings.TrimSpace(getenv(f.env)); v != "" {
					return v
				}
			}
		}
		return defaults[name]
	}
	var err error
	c.Token = strings.TrimSpace(getenv("LEELOO_API_TOKEN"))
	c.ConfirmKey = getenv("LEELOO_CONFIRM_KEY")
	c.BaseURL = get("base-url")
	if c.Sandbox, err = parseBool("sandbox", get("sandbox")); err != nil {
		return nil, fs, err
	}
	if c.ReadOnly, err = parseBool("read-only", get("read-only")); err != nil {
		return nil, fs, err
	}
	c.Transport = strings.ToLower(get("transport"))
	if c.Transport != "stdio" && c.Transport != "sse" && c.Transport != "http" {
		return nil, fs, fmt.Errorf("--transport %q: want stdio, sse or http", c.Transport)
	}
	c.Listen = get("listen")
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return nil, fs, fmt.Errorf("--listen %q: want host:port, e.g. 127.0.0.1:8080", c.Listen)
	}
	c.HTTPToken = get("http-token")
	c.AllowedOrigins = splitList(get("allowed-origins"))
	if c.Confirm, err = guard.ParseMode(get("confirm")); err != nil {
		return nil, fs, fmt.Errorf("--confirm: %w", err)
	}
	if c.MaxSendsPerHour, err = parseInt("max-sends-per-hour", get("max-sends-per-hour")); err != nil {
		return nil, fs, err
	}
	if c.MaxSendsPerHour == 0 {
		return nil, fs, errors.New("--max-sends-per-hour must not be 0 (use a negative number for no cap)")
	}
	c.AuditLog = get("audit-log")
	c.State = get("state")
	c.Toolsets = splitList(get("toolsets"))
	c.Tools = splitList(get("tools"))
	c.ExcludeTools = splitList(get("exclude-tools"))
	given := func(name, env string) bool { return set[name] || strings.TrimSpace(getenv(env)) != "" }
	if given("tools", "LEELOO_TOOLS") && !given("toolsets", "LEELOO_TOOLSETS") {
		c.Toolsets = nil // --tools (or LEELOO_TOOLS) alone selects exactly those tools
	}
	if c.Timeout, err = time.ParseDuration(get("timeout")); err != nil || c.Timeout <= 0 {
		return nil, fs, fmt.Errorf("--timeout %q: want a positive duration like 30s", get("timeout"))
	}
	if c.RateLimit, err = parseInt("rate-limit", get("rate-limit")); err != nil {
		return nil, fs, err
	}
	if c.CallsPerMinute, err = parseInt("calls-per-minute", get("calls-per-minute")); err != nil {
		return nil, fs, err
	}
	if c.ClientCallsPerMinute, err = parseInt("calls-per-minute-per-client", get("calls-per-minute-per-client")); err != nil {
		return nil, fs, err
	}
	c.LogLevel = strings.ToLower(get("log-level"))
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return nil, fs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	c.MaxBodyBytes = defaultMaxBodyBytes
	c.ApprovalListen = get("approval-listen")
	if _, _, err := net.SplitHostPort(c.ApprovalListen); err != nil {
		return nil, fs, fmt.Errorf("--approval-listen %q: want host:port, e.g. 127.0.0.1:0", c.ApprovalListen)
	}
	if !isLoopback(c.ApprovalListen) {
		return nil, fs, fmt.Errorf("--approval-listen %s: the approval page's own listener binds loopback only (put a proxy in front and set --public-url)", c.ApprovalListen)
	}
	c.PublicURL = strings.TrimRight(get("public-url"), "/")
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fs, fmt.Errorf("--public-url %q: want an origin like https://mcp.example.com (no path)", c.PublicURL)
		}
	}
	c.Catalog = get("catalog")
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"session-idle-timeout", &c.SessionIdleTimeout}, {"http-body-timeout", &c.HTTPBodyTimeout}, {"http-idle-timeout", &c.HTTPIdleTimeout}, {"approval-ttl", &c.ApprovalTTL}} {
		if *d.dst, err = time.ParseDuration(get(d.name)); err != nil || *d.dst <= 0 {
			return nil, fs, fmt.Errorf("--%s %q: want a positive duration like 30s", d.name, get(d.name))
		}
	}
	for _, n := range []struct {
		name string
		dst  *int
	}{{"max-sessions-per-client", &c.MaxSessionsPerClient}, {"max-connections", &c.MaxConnections}} {
		if *n.dst, err = parseInt(n.name, get(n.name)); err != nil || *n.dst <= 0 {
			return nil, fs, fmt.Errorf("--%s %q: want a positive whole number", n.name, get(n.name))
		}
	}
	if err := parseTeam(c, get, getenv); err != nil {
		return nil, fs, err
	}
	if c.Transport != "stdio" && !isLoopback(c.Listen) && c.HTTPToken == "" && c.UsersFile == "" {
		return nil, fs, fmt.Errorf("--listen %s is not a loopback address: set --http-token (or LEELOO_HTTP_TOKEN) so only your clients can connect", c.Listen)
	}
	switch {
	case c.Sandbox:
		c.sandboxReason = "--sandbox"
	case c.Token == "" && c.Credentials != credentialsPerRequest:
		c.Sandbox, c.sandboxReason = true, "LEELOO_API_TOKEN is not set"
	}
	if c.state, err = resolveState(c.State, c.Sandbox, getenv); err != nil {
		return nil, fs, err
	}
	if err := parseLive(c, get); err != nil {
		return nil, fs, err
	}
	if err := checkTenantKey(c); err != nil {
		return nil, fs, err
	}
	return c, fs, nil
}

var errVersion = errors.New("version requested")

func parseBool(name, v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("--%s %q: want true or false", name, v)
	}
	return b, nil
}

func parseInt(name, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("--%s %q: want a whole number", name, v)
	}
	return n, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// isLoopback reports whether a listen address only accepts local clients.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, `leeloo-mcp %s — an MCP server for a Leeloo.ai account.

Usage:
  leeloo-mcp [flags]                 serve MCP (stdio by default)
  leeloo-mcp tools [--markdown|--stats] [flags]
                                     print the tool catalog
  leeloo-mcp call TOOL '{json}' [flags]
                                     call one tool and print its result; exit
                                     0  done
                                     1  an error result, or the tool is not served
                                     2  a usage or configuration error
                                     3  a preview or dry run: nothing was sent or changed
  leeloo-mcp user add NAME           print a new user's bearer token and their
                                     line for --users-file

Environment:
  LEELOO_API_TOKEN    the account's API token (never printed or logged);
                      without it the sandbox serves demo data
  LEELOO_CONFIRM_KEY  key for confirm tokens, shared by several server processes
  LEELOO_TENANT_KEY   key of the tenants of --credentials per-request (and of
                      approval-page sign-ins), the same on every replica

Flags:
`, Version)
	fs.PrintDefaults()
}

// FlagEnv lists every flag with the environment variable that also sets it.
func FlagEnv() [][2]string {
	out := make([][2]string, len(flagSpecs))
	for i, f := range flagSpecs {
		out[i] = [2]string{f.name, f.env}
	}
	return out
}
