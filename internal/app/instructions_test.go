package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
)

// TestInstructionsSayTheGuardsDuplicateWindow: the server instructions say
// the duplicate window of the guard that serves them, not a default.
func TestInstructionsSayTheGuardsDuplicateWindow(t *testing.T) {
	g, err := guard.New(guard.Config{DuplicateWindow: 30 * time.Minute})
	require.NoError(t, err)
	got := instructions(&Config{}, g)
	assert.Contains(t, got, "An identical send within 30 minutes is refused unless allow_duplicate: true.")
	assert.Equal(t, SandboxInstructions+got, instructions(&Config{Sandbox: true}, g))
}
