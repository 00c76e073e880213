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

// option is one flag, declared once: its name, the variable that sets it
// when the flag is not given, its typed value, its default and its help.
type option struct {
	name, env string
	value     flagValue
	def       string
	usage     string
}

// options declares every flag, in FlagEnv (README) order, with the Config
// field each one sets. A nil destination is a flag whose owner parses it
// from its text (parseTeam, parseLive).
func options(c *Config, confirm *string) []option {
	return []option{
		{"base-url", "LEELOO_BASE_URL", str(&c.BaseURL), leeloo.DefaultBaseURL,
			"Leeloo API root"},
		{"sandbox", "LEELOO_SANDBOX", boolean(&c.Sandbox), "false",
			"serve an in-process sandbox Leeloo with demo data (the default when LEELOO_API_TOKEN is unset)"},
		{"transport", "LEELOO_TRANSPORT", str(&c.Transport), "stdio",
			"stdio, http (Streamable HTTP at /mcp; legacy SSE alongside) or sse (legacy HTTP+SSE at /sse and /message: deprecated by the MCP spec, use http)"},
		{"listen", "LEELOO_LISTEN", str(&c.Listen), defaultListen,
			"address for the sse and http transports; a non-loopback address requires --http-token"},
		{"http-token", "LEELOO_HTTP_TOKEN", str(&c.HTTPToken), "",
			"bearer token HTTP clients must send (Authorization: Bearer ...); prefer the variable: a flag's value is visible to other users in ps"},
		{"allowed-origins", "LEELOO_ALLOWED_ORIGINS", list(&c.AllowedOrigins), "",
			"comma-separated browser Origins allowed besides loopback ones"},
		{"confirm", "LEELOO_CONFIRM", str(confirm), string(guard.ModeAuto),
			"how mutations are confirmed: auto (elicitation where the client has it, else the approval page), elicit, page, preview (the model confirms its own actions: trusted automations only) or off"},
		{"approval-listen", "LEELOO_APPROVAL_LISTEN", str(&c.ApprovalListen), "127.0.0.1:0",
			"address of the approval page's own listener (stdio, call, and HTTP with --http-token); port 0 picks a free one"},
		{"approval-ttl", "LEELOO_APPROVAL_TTL", duration(&c.ApprovalTTL), guard.DefaultApprovalTTL.String(),
			"how long an action waits for approval (page or card) before it expires"},
		{"public-url", "LEELOO_PUBLIC_URL", str(&c.PublicURL), "",
			"origin users open the approval page at, when a proxy stands in front (e.g. https://mcp.example.com)"},
		{"max-sends-per-hour", "LEELOO_MAX_SENDS_PER_HOUR", integer(&c.MaxSendsPerHour), strconv.Itoa(guard.DefaultMaxSendsPerHour),
			"cap on customer-facing actions per hour (negative: no cap)"},
		{"audit-log", "LEELOO_AUDIT_LOG", str(&c.AuditLog), "",
			"append one JSON line per mutation outcome to this file"},
		{"state", "LEELOO_STATE", str(&c.State), "",
			"where the guard keeps state shared by processes and restarts: a file path or file:PATH (default: leeloo-mcp/guard.db under $XDG_STATE_HOME or ~/.local/state; memory with --sandbox), redis://... or rediss://... for replicas, or memory"},
		{"read-only", "LEELOO_READ_ONLY", boolean(&c.ReadOnly), "false",
			"serve no tool that changes data"},
		{"toolsets", "LEELOO_TOOLSETS", list(&c.Toolsets), strings.Join(tools.DefaultToolsets(), ","),
			"comma-separated toolsets, or all: " + tools.ToolsetsHelp()},
		{"tools", "LEELOO_TOOLS", list(&c.Tools), "",
			"comma-separated tool names to serve in addition to --toolsets"},
		{"exclude-tools", "LEELOO_EXCLUDE_TOOLS", list(&c.ExcludeTools), "",
			"comma-separated tool names to leave out"},
		{"timeout", "LEELOO_TIMEOUT", duration(&c.Timeout), leeloo.DefaultTimeout.String(),
			"timeout of each attempt of a request to Leeloo; a read is retried, and all its attempts and waits take at most twice this"},
		{"rate-limit", "LEELOO_RATE_LIMIT", integer(&c.RateLimit), strconv.Itoa(leeloo.DefaultRequestsPerMin),
			"requests per minute to Leeloo (the vendor allows 300)"},
		{"calls-per-minute", "LEELOO_CALLS_PER_MINUTE", integer(&c.CallsPerMinute), strconv.Itoa(defaultCallsPerMinute),
			"tool calls per minute per MCP session (negative: no cap)"},
		{"calls-per-minute-per-client", "LEELOO_CALLS_PER_MINUTE_PER_CLIENT", integer(&c.ClientCallsPerMinute), strconv.Itoa(defaultClientCallsPerMinute),
			"tool calls per minute per HTTP client (its bearer token, else its address) across all its sessions (negative: no cap)"},
		{"session-idle-timeout", "LEELOO_SESSION_IDLE_TIMEOUT", duration(&c.SessionIdleTimeout), defaultSessionIdleTimeout.String(),
			"Streamable HTTP sessions idle this long are ended (the client re-initialises)"},
		{"max-sessions-per-client", "LEELOO_MAX_SESSIONS_PER_CLIENT", positive(&c.MaxSessionsPerClient), strconv.Itoa(defaultMaxSessionsPerClient),
			"open Streamable HTTP sessions per client; a new one ends the least recently used"},
		{"max-connections", "LEELOO_MAX_CONNECTIONS", positive(&c.MaxConnections), strconv.Itoa(defaultMaxConnections),
			"HTTP connections served at once; more wait to be accepted"},
		{"http-body-timeout", "LEELOO_HTTP_BODY_TIMEOUT", duration(&c.HTTPBodyTimeout), defaultHTTPBodyTimeout.String(),
			"time an HTTP client has to send a request body"},
		{"http-idle-timeout", "LEELOO_HTTP_IDLE_TIMEOUT", duration(&c.HTTPIdleTimeout), defaultHTTPIdleTimeout.String(),
			"idle keep-alive HTTP connections are closed after this"},
		{"log-level", "LEELOO_LOG_LEVEL", str(&c.LogLevel), "info",
			"debug, info, warn or error (logs go to stderr)"},
		{"credentials", "LEELOO_CREDENTIALS", str(nil), credentialsEnv,
			"whose Leeloo token calls use: env (LEELOO_API_TOKEN, one account) or per-request (HTTP transports: every request sends its own in X-Leeloo-AuthToken; a team server)"},
		{"users-file", "LEELOO_USERS_FILE", str(nil), "",
			"file of the HTTP users, one per line: NAME sha256:HEX [approver] (leeloo-mcp user add NAME prints one); replaces --http-token"},
		{"metrics-token", "LEELOO_METRICS_TOKEN", str(nil), "",
			"bearer token /metrics requires (HTTP transports); without it /metrics is open to whoever reaches the listener"},
		{"replica-id", "LEELOO_REPLICA_ID", str(nil), "",
			"this replica's name in its Streamable HTTP session ids (mcp-session-NAME.…), by which a load balancer routes a session to the replica that holds it (README: Run it for a team)"},
		{"drain-timeout", "LEELOO_DRAIN_TIMEOUT", duration(nil), defaultDrainTimeout.String(),
			"on SIGTERM, how long calls in flight may take to finish before the server stops"},
		{"catalog", "LEELOO_CATALOG", str(&c.Catalog), "",
			"account catalog JSON file: offers, payment systems, tunnel blocks and template variables by id and name, which the API cannot list (the sandbox ships its own)"},
		{"webhook-secret", "LEELOO_WEBHOOK_SECRET", str(nil), "",
			"turns on the Leeloo webhook receiver at /webhooks/leeloo/<secret> (16+ characters; set that URL in Leeloo's API settings); prefer the variable"},
		{"webhook-listen", "LEELOO_WEBHOOK_LISTEN", str(nil), "127.0.0.1:0",
			"on stdio, the loopback address of the webhook receiver's own listener"},
		{"events-max", "LEELOO_EVENTS_MAX", integer(nil), strconv.Itoa(events.DefaultMaxEvents),
			"events kept in the event log (on --state)"},
		{"events-max-age", "LEELOO_EVENTS_MAX_AGE", duration(nil), events.DefaultMaxAge.String(),
			"how long events are kept"},
		{"poll-interval", "LEELOO_POLL_INTERVAL", duration(nil), events.DefaultPollInterval.String(),
			"without a webhook, poll the inbox for new messages this often while a client is subscribed or waiting (0: never)"},
		{"sandbox-live", "LEELOO_SANDBOX_LIVE", boolean(nil), "false",
			"the sandbox's demo customers write messages and place orders now and then, delivered as real webhooks"},
		{"sandbox-live-interval", "LEELOO_SANDBOX_LIVE_INTERVAL", duration(nil), "20s",
			"how often a --sandbox-live customer does something"},
	}
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
	c := &Config{}
	var confirm string
	opts := options(c, &confirm)
	fs, version := newFlagSet(opts, stderr)
	if err := fs.Parse(args); err != nil {
		return nil, fs, err
	}
	if *version {
		return nil, fs, errVersion
	}
	texts, given, err := resolve(fs, opts, getenv)
	if err != nil {
		return nil, fs, err
	}
	get := func(name string) string { return texts[name] }
	c.Token = strings.TrimSpace(getenv("LEELOO_API_TOKEN"))
	c.ConfirmKey = getenv("LEELOO_CONFIRM_KEY")
	c.Transport = strings.ToLower(c.Transport)
	if c.Transport != "stdio" && c.Transport != "sse" && c.Transport != "http" {
		return nil, fs, fmt.Errorf("--transport %q: want stdio, sse or http", c.Transport)
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return nil, fs, fmt.Errorf("--listen %q: want host:port, e.g. 127.0.0.1:8080", c.Listen)
	}
	if c.Confirm, err = guard.ParseMode(confirm); err != nil {
		return nil, fs, fmt.Errorf("--confirm: %w", err)
	}
	if c.MaxSendsPerHour == 0 {
		return nil, fs, errors.New("--max-sends-per-hour must not be 0 (use a negative number for no cap)")
	}
	if given["tools"] && !given["toolsets"] {
		c.Toolsets = nil // --tools (or LEELOO_TOOLS) alone selects exactly those tools
	}
	c.LogLevel = strings.ToLower(c.LogLevel)
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return nil, fs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	c.MaxBodyBytes = defaultMaxBodyBytes
	if _, _, err := net.SplitHostPort(c.ApprovalListen); err != nil {
		return nil, fs, fmt.Errorf("--approval-listen %q: want host:port, e.g. 127.0.0.1:0", c.ApprovalListen)
	}
	if !isLoopback(c.ApprovalListen) {
		return nil, fs, fmt.Errorf("--approval-listen %s: the approval page's own listener binds loopback only (put a proxy in front and set --public-url)", c.ApprovalListen)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fs, fmt.Errorf("--public-url %q: want an origin like https://mcp.example.com (no path)", c.PublicURL)
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
	printFlags(fs, w)
}

// FlagEnv lists every flag with the environment variable that also sets it.
func FlagEnv() [][2]string {
	opts := options(&Config{}, new(string))
	out := make([][2]string, len(opts))
	for i, o := range opts {
		out[i] = [2]string{o.name, o.env}
	}
	return out
}
