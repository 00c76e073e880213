package app

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
