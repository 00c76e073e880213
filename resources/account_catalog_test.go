package resources_test

import (
	"context"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/mcptest"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/catalog"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
	"github.com/leeloo-mcp/leeloo-mcp/resources"
)

// TestAccountCatalog: leeloo://catalog shows the catalog, and the completer
// offers its offers, payment systems, blocks and templates by id or name.
func TestAccountCatalog(t *testing.T) {
	cat, err := catalog.Parse(sandbox.Catalog())
	require.NoError(t, err)
	comp := resources.NewCompleter(nil)
	comp.Catalog = cat
	srv := mcptest.NewUnstartedServer(t)
	srv.AddServerOptions(server.WithCompletions(), server.WithResourceCompletionProvider(comp), server.WithPromptCompletionProvider(comp))
	srv.AddResources(resources.Catalog(cat))
	require.NoError(t, srv.Start(context.Background()))
	t.Cleanup(srv.Close)
	c := srv.Client()

	m := readJSON(t, c, resources.CatalogURI)
	assert.Len(t, m["offers"], 5)
	assert.Contains(t, m["note"], "create_order")

	ref := mcp.PromptReference{Type: "ref/prompt", Name: "any"}
	r := complete(t, c, ref, "offer_id", "vitamin")
	require.Len(t, r.Completion.Values, 1, "by name")
	r = complete(t, c, ref, "tunnel_block_id", sandbox.TunnelBlockID[:18])
	assert.Contains(t, r.Completion.Values, sandbox.TunnelBlockID)
	r = complete(t, c, ref, "payment_credits_id", "way")
	assert.Len(t, r.Completion.Values, 1)
	r = complete(t, c, ref, "template_id", "вітання")
	assert.Contains(t, r.Completion.Values, sandbox.TemplateID)
}
