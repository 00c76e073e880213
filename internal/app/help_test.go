package app

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestHelpMarksSSEDeprecated: --help steers users from legacy SSE, which the
// MCP spec deprecates, to Streamable HTTP.
func TestHelpMarksSSEDeprecated(t *testing.T) {
	r := runApp(t, nil, "--help")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "sse (legacy HTTP+SSE at /sse and /message: deprecated by the MCP spec, use http)")
}
