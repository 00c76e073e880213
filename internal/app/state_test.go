package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/redistest"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// TestConfigState: --state / LEELOO_STATE chooses the guard's store.
func TestConfigState(t *testing.T) {
	home := map[string]string{"LEELOO_API_TOKEN": "x", "HOME": "/home/ann"}
	xdg := map[string]string{"LEELOO_API_TOKEN": "x", "HOME": "/home/ann", "XDG_STATE_HOME": "/var/state"}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"default under ~/.local/state", home, nil, "file:/home/ann/.local/state/leeloo-mcp/guard.db"},
		{"default under XDG_STATE_HOME", xdg, nil, "file:/var/state/leeloo-mcp/guard.db"},
		{"relative XDG_STATE_HOME is ignored", map[string]string{"LEELOO_API_TOKEN": "x", "HOME": "/h", "XDG_STATE_HOME": "rel"}, nil, "file:/h/.local/state/leeloo-mcp/guard.db"},
		{"no home: this process only", map[string]string{"LEELOO_API_TOKEN": "x"}, nil, "memory-nohome"},
		{"sandbox default: memory", map[string]string{"HOME": "/home/ann"}, nil, "memory"},
		{"sandbox with a file", map[string]string{"HOME": "/home/ann"}, []string{"--state", "/tmp/s.db"}, "file:/tmp/s.db"},
		{"plain path", home, []string{"--state", "/srv/leeloo/state.db"}, "file:/srv/leeloo/state.db"},
		{"file: path", home, []string{"--state", "file:/srv/x.db"}, "file:/srv/x.db"},
		{"memory", home, []string{"--state", "memory"}, "memory"},
		{"redis", home, []string{"--state", "redis://10.0.0.5:6379/2"}, "redis://10.0.0.5:6379/2"},
		{"rediss", map[string]string{"LEELOO_API_TOKEN": "x", "LEELOO_STATE": "rediss://u:p@cache:6380/0"}, nil, "rediss://u:p@cache:6380/0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(t, tc.env, tc.args...)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.state)
		})
	}
	for _, bad := range []string{"postgres://db/x", "file:"} {
		_, err := parse(t, home, "--state", bad)
		assert.ErrorContains(t, err, "--state", bad)
	}
	r := runApp(t, map[string]string{"LEELOO_API_TOKEN": "x"}, "--state", "redis://:hunter2@[::1", "tools")
	assert.NotEqual(t, 0, r.code)
	assert.NotContains(t, r.stdout+r.stderr, "hunter2", "a Redis password is never printed")
}

// TestHTTPReplicasShareState: two HTTP replicas with one confirm key and
// one Redis agree: a token previewed on one executes once on the other and
// is refused when replayed on the first; the duplicate guard sees the other
// replica's send.
func TestHTTPReplicasShareState(t *testing.T) {
	redis := redistest.Start(t)
	sb := sandbox.New(sandbox.Options{})
	var sends atomic.Int32
	leeloo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages/send-message") {
			sends.Add(1)
		}
		sb.ServeHTTP(w, r)
	}))
	defer leeloo.Close()
	env := map[string]string{
		"LEELOO_API_TOKEN": sandbox.DefaultToken, "LEELOO_BASE_URL": leeloo.URL + "/api/v2",
		"LEELOO_CONFIRM_KEY": "replica-key-0123456789", "LEELOO_STATE": redis.URL,
		"LEELOO_CONFIRM": "preview",
	}
	a, b := startHTTP(t, env, "--transport", "http"), startHTTP(t, env, "--transport", "http")
	ctx := context.Background()
	ca, cb := streamableClient(t, ctx, a.base, nil), streamableClient(t, ctx, b.base, nil)
	initialize(t, ctx, ca, "")
	initialize(t, ctx, cb, "")
	send := `{"account_id":"` + sandbox.DemoAccountID + `","text":"Доставка завтра"}`

	prev := callTool(t, ctx, ca, "send_message", send)
	require.False(t, prev.IsError, text(prev))
	withTok := withConfirmToken(t, send, prev)
	res := callTool(t, ctx, cb, "send_message", withTok)
	require.False(t, res.IsError, text(res))
	res = callTool(t, ctx, ca, "send_message", withTok)
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), "already used")

	// The identical text previewed on the other replica is refused at once.
	res = callTool(t, ctx, cb, "send_message", `{"account_id":"`+sandbox.DemoAccountID+`","text":"доставка завтра "}`)
	assert.Contains(t, text(res), "an identical send_message was sent")
	assert.Equal(t, int32(1), sends.Load())
}

// TestRedisDownReadsWorkMutationsRefused: with the Redis state down, reads
// (and the shared rate limit, which falls back to this process) keep
// working; a send is refused with the reason and never reaches Leeloo.
func TestRedisDownReadsWorkMutationsRefused(t *testing.T) {
	redis := redistest.Start(t)
	redis.Kill()
	sb := sandbox.New(sandbox.Options{})
	var sends atomic.Int32
	leeloo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			sends.Add(1)
		}
		sb.ServeHTTP(w, r)
	}))
	defer leeloo.Close()
	env := map[string]string{
		"LEELOO_API_TOKEN": sandbox.DefaultToken, "LEELOO_BASE_URL": leeloo.URL + "/api/v2",
		"LEELOO_STATE": redis.URL, "LEELOO_CONFIRM": "off",
	}
	r := runApp(t, env, "call", "list_tags", `{}`)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "VIP")
	r = runApp(t, env, "call", "send_message", `{"account_id":"`+sandbox.DemoAccountID+`","text":"Привіт"}`)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "Refused: the guard's shared state (--state) is unavailable (duplicate guard: redis:")
	assert.Zero(t, sends.Load())
}
