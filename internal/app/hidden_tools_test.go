package app

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestHiddenToolsExplainThemselves: a tool the configuration does not serve
// says why and how to get it, never a bare "not found".
func TestHiddenToolsExplainThemselves(t *testing.T) {
	r := runApp(t, nil, "call", "log_call", "{}")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "log_call is in the opt-in calls toolset")
	assert.Contains(t, r.stderr, "--toolsets all")

	r = runApp(t, nil, "--read-only", "call", "send_message", `{"account_id":"65d1c0a8e4b0a1000c000102","text":"hi"}`)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "send_message changes data or reaches a customer, and the server runs read-only (--read-only")

	r = runApp(t, nil, "--exclude-tools", "add_tag", "call", "add_tag", addTagArgs)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "add_tag is left out by --exclude-tools")

	r = runApp(t, nil, "call", "nope")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "no tool nope")
	assert.Contains(t, r.stderr, "leeloo-mcp tools")

	r = runApp(t, nil, "--read-only", "--tools", "send_message", "tools")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "warning: no tool is served")
	assert.Contains(t, r.stderr, "send_message")
	r = runApp(t, nil, "--read-only", "--tools", "send_message,list_tags", "tools")
	assert.Contains(t, r.stderr, "warning: --read-only leaves out send_message")
	assert.Contains(t, r.stdout, "list_tags")
}
