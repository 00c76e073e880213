package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// TestDrainOnShutdown: on SIGTERM (Run's context ends) /readyz says
// draining, new tool calls are refused, a call in flight finishes within
// --drain-timeout; one that does not is logged.
func TestDrainOnShutdown(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	release := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/tags") {
			<-release
		}
		sb.ServeHTTP(w, r)
	}))
	defer up.Close()
	env := map[string]string{"LEELOO_API_TOKEN": sandbox.DefaultToken, "LEELOO_BASE_URL": up.URL + "/api/v2", "LEELOO_STATE": "memory"}

	run := func(drain string) (*httpServer, chan string) {
		s := startHTTP(t, env, "--transport", "http", "--drain-timeout", drain)
		ctx := context.Background()
		c := streamableClient(t, ctx, s.base, nil)
		initialize(t, ctx, c, "")
		got := make(chan string, 1)
		go func() {
			req := mcp.CallToolRequest{}
			req.Params.Name = "list_tags"
			res, err := c.CallTool(ctx, req)
			if err != nil {
				got <- err.Error()
				return
			}
			got <- text(res)
		}()
		require.Eventually(t, func() bool { return inFlight(s.base) }, waitLimit, 5*time.Millisecond)
		return s, got
	}

	s, got := run("5s")
	go s.cancel()
	require.Eventually(t, func() bool {
		res, err := http.Get(s.base + "/readyz")
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		return res.StatusCode == http.StatusServiceUnavailable && string(b) == "draining\n"
	}, waitLimit, 5*time.Millisecond)
	release <- struct{}{}
	assert.Contains(t, <-got, "VIP", "the call in flight finished")
	assert.Equal(t, 0, s.stop(t))

	s, _ = run("200ms")
	s.stop(t)
	assert.Contains(t, s.stderr.String(), "tool call did not finish within --drain-timeout")
	assert.Contains(t, s.stderr.String(), "tool=list_tags")
	close(release)
}

// inFlight reads leeloo_mcp_tool_calls_in_flight from /metrics.
func inFlight(base string) bool {
	res, err := http.Get(base + "/metrics")
	if err != nil {
		return false
	}
	b, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	return strings.Contains(string(b), "leeloo_mcp_tool_calls_in_flight 1")
}
