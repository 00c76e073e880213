package app

import (
	"context"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
)

// TestSandboxUnmistakable: with no token the sandbox says on every surface a
// model or a human sees that nothing is real: the server's title and
// instructions, every mutating preview and result, a resource, and the
// start-up line on stderr.
func TestSandboxUnmistakable(t *testing.T) {
	s := startStdio(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c := client.NewClient(transport.NewIO(s.stdoutR, s.stdinW, nil))
	require.NoError(t, c.Start(ctx))
	init := initialize(t, ctx, c, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	assert.Equal(t, "leeloo-mcp", init.ServerInfo.Name)
	assert.Contains(t, init.ServerInfo.Title, "SANDBOX")
	assert.True(t, strings.HasPrefix(init.Instructions, "SANDBOX"), init.Instructions)
	assert.Contains(t, init.Instructions, "nothing is real")

	preview := callTool(t, ctx, c, "add_tag", addTagArgs)
	assert.Contains(t, text(preview), "SANDBOX", "the preview says it")
	dry := callTool(t, ctx, c, "send_message", `{"account_id":"65d1c0a8e4b0a1000c000102","text":"hi","dry_run":true}`)
	assert.Contains(t, text(dry), "SANDBOX")

	res, err := c.ReadResource(ctx, mcp.ReadResourceRequest{Params: mcp.ReadResourceParams{URI: "leeloo://sandbox"}})
	require.NoError(t, err)
	require.Len(t, res.Contents, 1)
	tc, ok := res.Contents[0].(mcp.TextResourceContents)
	require.True(t, ok)
	assert.Contains(t, tc.Text, "nothing is real")
	assert.Contains(t, tc.Text, "LEELOO_API_TOKEN")

	s.cancel()
	assert.Equal(t, 0, s.wait(t))
	require.NoError(t, c.Close())
	assert.Contains(t, s.stderr.String(), "waiting for an MCP client on stdin")

	// An executed mutation says so as well.
	r := runApp(t, nil, "--confirm", "off", "call", "add_tag", addTagArgs)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "SANDBOX")
}

// TestRealAccountNotMarked: with a token none of the sandbox marks appear.
func TestRealAccountNotMarked(t *testing.T) {
	s := startStdio(t, map[string]string{"LEELOO_API_TOKEN": "t", "LEELOO_BASE_URL": "http://127.0.0.1:1/api/v2"})
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c := client.NewClient(transport.NewIO(s.stdoutR, s.stdinW, nil))
	require.NoError(t, c.Start(ctx))
	init := initialize(t, ctx, c, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	assert.NotContains(t, init.ServerInfo.Title, "SANDBOX")
	assert.Equal(t, Instructions(guard.DefaultDuplicateWindow), init.Instructions)
	list, err := c.ListResources(ctx, mcp.ListResourcesRequest{})
	require.NoError(t, err)
	for _, r := range list.Resources {
		assert.NotEqual(t, "leeloo://sandbox", r.URI)
	}
	s.cancel()
	s.wait(t)
	require.NoError(t, c.Close())
	assert.Contains(t, s.stderr.String(), "waiting for an MCP client on stdin")
	assert.NotContains(t, s.stderr.String(), "SANDBOX")
}
