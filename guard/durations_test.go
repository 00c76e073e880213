package guard

import (
	"context"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// TestDurationsSaidAsConfigured: every window the guard tells the model of
// is the one it was configured with, said as render.Duration says it.
func TestDurationsSaidAsConfigured(t *testing.T) {
	t.Run("an expired confirmation", func(t *testing.T) {
		h := newHarness(t, Config{Mode: ModeElicit, TokenTTL: 3 * time.Minute})
		ctx := elicitingCtx(false)
		q := h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
		require.True(t, q.NeedsInput())
		h.clock.Advance(3*time.Minute + time.Second)
		res := h.g.Run(ctx, answer(q.RequestState, mcp.ElicitationResponseActionAccept, map[string]any{"confirm": true}), Controls{}, h.send("hi", false))
		assert.Contains(t, resultText(res), "the answer came back after more than 3 minutes;")
		assert.Zero(t, h.executions())
	})
	t.Run("a retry after a send that may have been delivered", func(t *testing.T) {
		h := newHarness(t, Config{Mode: ModeOff, DuplicateWindow: 30 * time.Minute})
		h.err = &leeloo.APIError{HTTPStatus: 502}
		res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
		assert.Contains(t, resultText(res), "a retry within 30 minutes needs allow_duplicate")
	})
	t.Run("the duplicate window others say", func(t *testing.T) {
		assert.Equal(t, 30*time.Minute, newHarness(t, Config{DuplicateWindow: 30 * time.Minute}).g.DuplicateWindow())
		assert.Equal(t, DefaultDuplicateWindow, newHarness(t, Config{}).g.DuplicateWindow())
	})
}
