package app

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// flagCase is one flag: a value to pass as the flag, another through its
// variable, its default, and how to read the parsed value back.
type flagCase struct {
	flag, env, def string
	get            func(*Config) string
}

func flagCases() map[string]flagCase {
	list := func(s []string) string { return strings.Join(s, ",") }
	return map[string]flagCase{
		"base-url":                    {"http://flag.example/api/v2", "http://env.example/api/v2", leeloo.DefaultBaseURL, func(c *Config) string { return c.BaseURL }},
		"sandbox":                     {"false", "true", "false", func(c *Config) string { return strconv.FormatBool(c.Sandbox) }},
		"transport":                   {"sse", "http", "stdio", func(c *Config) string { return c.Transport }},
		"listen":                      {"127.0.0.1:1111", "localhost:2222", defaultListen, func(c *Config) string { return c.Listen }},
		"http-token":                  {"flag-token", "env-token", "", func(c *Config) string { return c.HTTPToken }},
		"allowed-origins":             {"https://flag.example", "https://a.example, https://b.example", "", func(c *Config) string { return list(c.AllowedOrigins) }},
		"confirm":                     {"preview", "elicit", "auto", func(c *Config) string { return string(c.Confirm) }},
		"max-sends-per-hour":          {"5", "-1", strconv.Itoa(guard.DefaultMaxSendsPerHour), func(c *Config) string { return strconv.Itoa(c.MaxSendsPerHour) }},
		"audit-log":                   {"/tmp/flag-audit.jsonl", "/tmp/env-audit.jsonl", "", func(c *Config) string { return c.AuditLog }},
		"read-only":                   {"false", "true", "false", func(c *Config) string { return strconv.FormatBool(c.ReadOnly) }},
		"toolsets":                    {"people", "tags,orders", list(tools.DefaultToolsets()), func(c *Config) string { return list(c.Toolsets) }},
		"tools":                       {"list_tags", "get_person,get_order", "", func(c *Config) string { return list(c.Tools) }},
		"exclude-tools":               {"send_message", "add_tag,remove_tag", "", func(c *Config) string { return list(c.ExcludeTools) }},
		"timeout":                     {"5s", "1m0s", leeloo.DefaultTimeout.String(), func(c *Config) string { return c.Timeout.String() }},
		"rate-limit":                  {"10", "20", strconv.Itoa(leeloo.DefaultRequestsPerMin), func(c *Config) string { return strconv.Itoa(c.RateLimit) }},
		"calls-per-minute":            {"3", "-1", strconv.Itoa(defaultCallsPerMinute), func(c *Config) string { return strconv.Itoa(c.CallsPerMinute) }},
		"calls-per-minute-per-client": {"7", "-1", strconv.Itoa(defaultClientCallsPerMinute), func(c *Config) string { return strconv.Itoa(c.ClientCallsPerMinute) }},
		"log-level":                   {"debug", "warn", "info", func(c *Config) string { return c.LogLevel }},
		"session-idle-timeout":        {"5m0s", "1h0m0s", defaultSessionIdleTimeout.String(), func(c *Config) string { return c.SessionIdleTimeout.String() }},
		"max-sessions-per-client":     {"4", "8", strconv.Itoa(defaultMaxSessionsPerClient), func(c *Config) string { return strconv.Itoa(c.MaxSessionsPerClient) }},
		"max-connections":             {"10", "20", strconv.Itoa(defaultMaxConnections), func(c *Config) string { return strconv.Itoa(c.MaxConnections) }},
		"http-body-timeout":           {"5s", "10s", defaultHTTPBodyTimeout.String(), func(c *Config) string { return c.HTTPBodyTimeout.String() }},
		"http-idle-timeout":           {"15s", "20s", defaultHTTPIdleTimeout.String(), func(c *Config) string { return c.HTTPIdleTimeout.String() }},
		"approval-ttl":                {"30s", "2m0s", guard.DefaultApprovalTTL.String(), func(c *Config) string { return c.ApprovalTTL.String() }},
		"approval-listen":             {"127.0.0.1:7001", "localhost:7002", "127.0.0.1:0", func(c *Config) string { return c.ApprovalListen }},
		"public-url":                  {"https://flag.example", "https://env.example", "", func(c *Config) string { return c.PublicURL }},
		"state":                       {"file:/tmp/flag-state.db", "redis://127.0.0.1:6379/0", "", func(c *Config) string { return c.State }},
		"catalog":                     {"/tmp/flag-catalog.json", "/tmp/env-catalog.json", "", func(c *Config) string { return c.Catalog }},
		"webhook-secret":              {"flag-secret-0123456789", "env-secret-0123456789", "", func(c *Config) string { return c.Live.WebhookSecret }},
		"webhook-listen":              {"127.0.0.1:7101", "localhost:7102", "127.0.0.1:0", func(c *Config) string { return c.Live.WebhookListen }},
		"events-max":                  {"10", "20", strconv.Itoa(events.DefaultMaxEvents), func(c *Config) string { return strconv.Itoa(c.Live.MaxEvents) }},
		"events-max-age":              {"1h0m0s", "2h0m0s", events.DefaultMaxAge.String(), func(c *Config) string { return c.Live.MaxAge.String() }},
		"poll-interval":               {"10s", "0s", events.DefaultPollInterval.String(), func(c *Config) string { return c.Live.PollInterval.String() }},
		// true needs the sandbox: TestLiveConfig.
		"sandbox-live":          {"false", "false", "false", func(c *Config) string { return strconv.FormatBool(c.Live.SandboxLive) }},
		"sandbox-live-interval": {"1s", "2s", "20s", func(c *Config) string { return c.Live.SandboxInterval.String() }},
		"credentials":           {"env", "env", "env", func(c *Config) string { return c.Credentials }},
		"users-file":            {usersFile("flag"), usersFile("env"), "", func(c *Config) string { return c.UsersFile }},
		"metrics-token":         {"flag-metrics", "env-metrics", "", func(c *Config) string { return c.MetricsToken }},
		"replica-id":            {"r1", "r2", "", func(c *Config) string { return c.ReplicaID }},
		"drain-timeout":         {"5s", "1m0s", defaultDrainTimeout.String(), func(c *Config) string { return c.DrainTimeout.String() }},
	}
}

// usersFile writes a one-user users file named after which and returns its
// path.
func usersFile(which string) string {
	p := filepath.Join(os.TempDir(), "leeloo-mcp-test-users-"+which)
	_ = os.WriteFile(p, []byte("anna sha256:"+strings.Repeat("ab", 32)+"\n"), 0o600)
	return p
}

func parse(t *testing.T, env map[string]string, args ...string) (*Config, error) {
	t.Helper()
	c, _, err := parseConfig(args, envOf(env), io.Discard)
	return c, err
}

// TestConfigPrecedence checks every flag and its variable: the flag beats the
// variable, which beats the default.
func TestConfigPrecedence(t *testing.T) {
	cases := flagCases()
	for _, f := range options(&Config{}, new(string)) {
		tc, ok := cases[f.name]
		if !assert.Truef(t, ok, "flag --%s has no test case", f.name) {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			// A token keeps the sandbox off unless asked for.
			base := map[string]string{"LEELOO_API_TOKEN": "api-token"}
			withEnv := map[string]string{"LEELOO_API_TOKEN": "api-token", f.env: tc.env}

			c, err := parse(t, withEnv, "--"+f.name+"="+tc.flag)
			require.NoError(t, err)
			assert.Equal(t, tc.flag, tc.get(c), "flag beats %s", f.env)

			c, err = parse(t, withEnv)
			require.NoError(t, err)
			want := tc.env
			if f.name == "allowed-origins" {
				want = "https://a.example,https://b.example"
			}
			assert.Equal(t, want, tc.get(c), "%s beats the default", f.env)

			c, err = parse(t, base)
			require.NoError(t, err)
			assert.Equal(t, tc.def, tc.get(c), "default")
		})
	}
	assert.Len(t, cases, len(options(&Config{}, new(string))), "a test case for a flag that no longer exists")
}

func TestConfigBoolFlagsAndEnv(t *testing.T) {
	env := map[string]string{"LEELOO_API_TOKEN": "x"}
	c, err := parse(t, env, "--sandbox", "--read-only")
	require.NoError(t, err)
	assert.True(t, c.Sandbox)
	assert.True(t, c.ReadOnly)

	c, err = parse(t, map[string]string{"LEELOO_API_TOKEN": "x", "LEELOO_SANDBOX": "1", "LEELOO_READ_ONLY": "TRUE"})
	require.NoError(t, err)
	assert.True(t, c.Sandbox)
	assert.True(t, c.ReadOnly)
}

func TestConfigToolsAloneSelectsExactlyThose(t *testing.T) {
	env := map[string]string{"LEELOO_API_TOKEN": "x"}
	c, err := parse(t, env, "--tools", "list_tags")
	require.NoError(t, err)
	assert.Empty(t, c.Toolsets, "--tools alone")

	// The variable behaves like its flag.
	c, err = parse(t, map[string]string{"LEELOO_API_TOKEN": "x", "LEELOO_TOOLS": "list_tags"})
	require.NoError(t, err)
	assert.Empty(t, c.Toolsets, "LEELOO_TOOLS alone")

	c, err = parse(t, env, "--tools", "list_tags", "--toolsets", "people")
	require.NoError(t, err)
	assert.Equal(t, []string{"people"}, c.Toolsets)
	c, err = parse(t, map[string]string{"LEELOO_API_TOKEN": "x", "LEELOO_TOOLSETS": "people"}, "--tools", "list_tags")
	require.NoError(t, err)
	assert.Equal(t, []string{"people"}, c.Toolsets)

	r := runApp(t, map[string]string{"LEELOO_TOOLS": "list_tags"}, "tools")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 1, strings.Count(r.stdout, "\n"), r.stdout)
}

func TestConfigInvalid(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"transport", nil, []string{"--transport", "carrier-pigeon"}, `--transport "carrier-pigeon": want stdio, sse or http`},
		{"transport env", map[string]string{"LEELOO_TRANSPORT": "grpc"}, nil, `--transport "grpc": want stdio, sse or http`},
		{"listen without port", nil, []string{"--listen", "127.0.0.1"}, `--listen "127.0.0.1": want host:port`},
		{"confirm", nil, []string{"--confirm", "nope"}, `--confirm: unknown confirmation mode "nope" (want auto, elicit, page, preview or off)`},
		{"negative timeout", nil, []string{"--timeout", "-1s"}, `--timeout "-1s": want a positive duration`},
		{"zero timeout", nil, []string{"--timeout", "0s"}, `--timeout "0s": want a positive duration`},
		{"timeout env", map[string]string{"LEELOO_TIMEOUT": "soon"}, nil, `--timeout "soon": want a positive duration`},
		{"log level", nil, []string{"--log-level", "x"}, `--log-level "x": want debug, info, warn or error`},
		{"max sends 0", nil, []string{"--max-sends-per-hour", "0"}, `--max-sends-per-hour must not be 0`},
		{"max sends text", nil, []string{"--max-sends-per-hour", "many"}, `--max-sends-per-hour "many": want a whole number`},
		{"rate limit", nil, []string{"--rate-limit", "fast"}, `--rate-limit "fast": want a whole number`},
		{"calls per minute", nil, []string{"--calls-per-minute", "1.5"}, `--calls-per-minute "1.5": want a whole number`},
		{"bool env", map[string]string{"LEELOO_READ_ONLY": "maybe"}, nil, `--read-only "maybe": want true or false`},
		{"unknown flag", nil, []string{"--no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{"non-loopback http", nil, []string{"--transport", "http", "--listen", "0.0.0.0:0"}, "--listen 0.0.0.0:0 is not a loopback address: set --http-token"},
		{"non-loopback sse", nil, []string{"--transport", "sse", "--listen", "[::]:0"}, "is not a loopback address"},
		{"all interfaces", map[string]string{"LEELOO_TRANSPORT": "http", "LEELOO_LISTEN": ":8080"}, nil, "is not a loopback address"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runApp(t, tc.env, tc.args...)
			assert.Equal(t, 2, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.want)
			assert.Empty(t, r.stdout)
		})
	}
}

func TestConfigLoopbackRule(t *testing.T) {
	// With a token a non-loopback address is accepted (only parsed here:
	// these tests never listen beyond 127.0.0.1).
	c, err := parse(t, nil, "--transport", "http", "--listen", "0.0.0.0:0", "--http-token", "t")
	require.NoError(t, err)
	assert.Equal(t, "0.0.0.0:0", c.Listen)
	_, err = parse(t, map[string]string{"LEELOO_HTTP_TOKEN": "t"}, "--transport", "sse", "--listen", "0.0.0.0:0")
	require.NoError(t, err)

	// stdio does not listen, so the address does not matter.
	_, err = parse(t, nil, "--listen", "0.0.0.0:0")
	require.NoError(t, err)

	// The default is loopback.
	c, err = parse(t, nil, "--transport", "http")
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", c.Listen)
	assert.True(t, isLoopback(c.Listen))

	for addr, want := range map[string]bool{
		"127.0.0.1:0": true, "127.5.6.7:80": true, "localhost:1": true, "LOCALHOST:1": true, "[::1]:9": true,
		"0.0.0.0:0": false, "[::]:0": false, ":8080": false, "10.0.0.1:80": false, "example.com:80": false, "127.0.0.1": false,
	} {
		assert.Equal(t, want, isLoopback(addr), addr)
	}
}

func TestVersion(t *testing.T) {
	r := runApp(t, nil, "--version")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, "leeloo-mcp "+Version+"\n", r.stdout)
	assert.Empty(t, r.stderr)
}

// Distinctive secrets that must never be printed.
const (
	secretAPI     = "sekret-api-7f3a9e"
	secretHTTP    = "sekret-http-9c1b2d"
	secretConfirm = "sekret-confirm-4d5e6f"
)

func secretEnv() map[string]string {
	return map[string]string{
		"LEELOO_API_TOKEN": secretAPI, "LEELOO_HTTP_TOKEN": secretHTTP, "LEELOO_CONFIRM_KEY": secretConfirm,
	}
}

func assertNoSecrets(t *testing.T, out string) {
	t.Helper()
	for _, s := range []string{secretAPI, secretHTTP, secretConfirm, "sekret"} {
		assert.NotContains(t, out, s)
	}
}

func TestHelpListsEveryFlagAndNoSecret(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		r := runApp(t, secretEnv(), arg)
		assert.Equal(t, 0, r.code)
		out := r.stdout + r.stderr
		assertNoSecrets(t, out)
		for _, f := range options(&Config{}, new(string)) {
			assert.Regexp(t, `(?m)^  -`+f.name+`( |$)`, out, f.name)
			assert.Contains(t, out, "(env "+f.env+")", f.name)
		}
		for _, s := range []string{"-version", "LEELOO_API_TOKEN", "LEELOO_CONFIRM_KEY", "tools [--markdown|--stats]", "call TOOL"} {
			assert.Contains(t, out, s)
		}
	}
}

func TestNoSecretInAnyOutput(t *testing.T) {
	env := secretEnv()
	for _, args := range [][]string{
		{"--version"},
		{"--log-level", "x"},
		{"--transport", "http", "--listen", "0.0.0.0:0", "--http-token", ""},
		{"--no-such-flag"},
		{"tools"},
		{"tools", "--stats"},
		{"--sandbox", "call", "list_tags"},
		{"--sandbox", "call", "get_person", `{"person_id":"bad"}`},
		{"--log-level", "debug"}, // serves stdio until its empty stdin ends
	} {
		r := runApp(t, env, args...)
		assertNoSecrets(t, r.stdout+r.stderr)
	}

	s := startHTTP(t, env, "--transport", "http", "--sandbox", "--log-level", "debug")
	res, err := httpGet(s.base + "/sse")
	require.NoError(t, err)
	assert.Equal(t, 401, res.StatusCode)
	assertNoSecrets(t, res.body)
	s.stop(t)
	assertNoSecrets(t, s.stderr.String())
}

func TestConfigStringHasNoSecrets(t *testing.T) {
	c, err := parse(t, secretEnv(), "--transport", "http", "--listen", "0.0.0.0:0")
	require.NoError(t, err)
	assert.Equal(t, secretAPI, c.Token)
	assert.Equal(t, secretHTTP, c.HTTPToken)
	assert.Equal(t, secretConfirm, c.ConfirmKey)
	s := c.String()
	assertNoSecrets(t, s)
	assert.Contains(t, s, "transport=http")
	assert.Contains(t, s, "listen=0.0.0.0:0")
	assert.Contains(t, s, "sandbox=false")
}

func TestSandboxNotice(t *testing.T) {
	const notice = "serving the SANDBOX"

	// No token: the sandbox, said on stderr; stdout stays JSON-RPC only.
	r := runApp(t, nil)
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, notice+" (LEELOO_API_TOKEN is not set)")
	assert.Empty(t, r.stdout)

	c, err := parse(t, nil)
	require.NoError(t, err)
	assert.True(t, c.Sandbox)

	// Blank counts as unset.
	c, err = parse(t, map[string]string{"LEELOO_API_TOKEN": "  "})
	require.NoError(t, err)
	assert.True(t, c.Sandbox)

	// --sandbox wins over a token.
	r = runApp(t, map[string]string{"LEELOO_API_TOKEN": "t"}, "--sandbox")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, notice+" (--sandbox)")

	// With a token there is no sandbox and no notice.
	r = runApp(t, map[string]string{"LEELOO_API_TOKEN": "t"})
	assert.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stderr, notice)
	c, err = parse(t, map[string]string{"LEELOO_API_TOKEN": "t"})
	require.NoError(t, err)
	assert.False(t, c.Sandbox)

	// A one-off call against the sandbox says so too: nothing reached an
	// account.
	r = runApp(t, nil, "call", "list_tags")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, notice)
	assert.NotContains(t, r.stdout, notice)
}

func TestLiveConfig(t *testing.T) {
	tok := map[string]string{"LEELOO_API_TOKEN": "x"}
	c, err := parse(t, tok)
	require.NoError(t, err)
	assert.Equal(t, "poll", c.Live.Mode(), "without a webhook the poller is the mode")
	c, err = parse(t, tok, "--poll-interval", "0")
	require.NoError(t, err)
	assert.Equal(t, "off", c.Live.Mode())
	c, err = parse(t, map[string]string{"LEELOO_API_TOKEN": "x", "LEELOO_WEBHOOK_SECRET": "a-long-enough-secret"})
	require.NoError(t, err)
	assert.Equal(t, "webhook", c.Live.Mode())
	assert.NotContains(t, c.String(), "a-long-enough-secret", "the secret is never printed")

	c, err = parse(t, nil, "--sandbox-live")
	require.NoError(t, err)
	assert.True(t, c.Live.SandboxLive)
	assert.GreaterOrEqual(t, len(c.Live.WebhookSecret), MinWebhookSecret, "the live sandbox makes its own secret")

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--sandbox-live"}, "needs the sandbox"},
		{[]string{"--webhook-secret", "short"}, "at least 16"},
		{[]string{"--webhook-secret", "has/a/slash-0123456789"}, "path segment"},
		{[]string{"--poll-interval", "1s"}, "at least 5s"},
		{[]string{"--webhook-listen", "0.0.0.0:9000"}, "loopback only"},
		{[]string{"--events-max", "0"}, "positive"},
	} {
		_, err := parse(t, tok, bad.args...)
		if assert.Error(t, err, "%v", bad.args) {
			assert.Contains(t, err.Error(), bad.want)
		}
	}
}

// TestTakesValueAsksTheFlagSet: a subcommand after a boolean flag is found
// because the flag set says the flag takes no value.
func TestTakesValueAsksTheFlagSet(t *testing.T) {
	fs := declaredFlags()
	for _, a := range []string{"--sandbox", "-read-only", "--sandbox-live", "--version", "--help", "-h", "--timeout=5s"} {
		assert.False(t, takesValue(fs, a), a)
	}
	for _, a := range []string{"--timeout", "-toolsets", "--no-such-flag"} {
		assert.True(t, takesValue(fs, a), a)
	}
	cmd, rest := splitSubcommand([]string{"--sandbox-live", "--timeout", "5s", "call", "list_tags"})
	assert.Equal(t, "call", cmd)
	assert.Equal(t, []string{"--sandbox-live", "--timeout", "5s", "list_tags"}, rest)
}
