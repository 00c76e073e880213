package app

import (
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/internal/catalog"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
	"github.com/leeloo-mcp/leeloo-mcp/prompts"
	"github.com/leeloo-mcp/leeloo-mcp/resources"
)

// extraServerOptions turn on completion of resource-template and prompt
// arguments (account, person and tunnel ids, tag names).
func extraServerOptions(c *leeloo.Client, cat *catalog.Catalog) []server.ServerOption {
	comp := resources.NewCompleter(c)
	comp.Catalog = cat
	return []server.ServerOption{
		server.WithCompletions(),
		server.WithResourceCompletionProvider(comp),
		server.WithPromptCompletionProvider(comp),
	}
}

// registerExtras registers the resources, resource templates and prompts.
// In the sandbox, leeloo://sandbox says that nothing is real.
func registerExtras(srv *server.MCPServer, c *leeloo.Client, cat *catalog.Catalog, sandbox bool) {
	res, templates := resources.All(c)
	res = append(res, resources.Catalog(cat))
	if sandbox {
		res = append(res, resources.Sandbox())
	}
	srv.AddResources(res...)
	srv.AddResourceTemplates(templates...)
	srv.AddPrompts(prompts.All()...)
}
