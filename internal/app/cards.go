package app

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
	"github.com/leeloo-mcp/leeloo-mcp/web"
)

// registerCards serves the MCP App cards: their ui:// resources, the tools
// only the cards call, and a filter that shows both the cards' links on
// the tools and those app-only tools to clients that render MCP Apps, and
// neither to any other client (whose tools/list stays as it was).
func registerCards(srv *server.MCPServer, deps *tools.Deps, selected []tools.Tool) {
	cardOf := map[string]string{}
	mutating := false
	for _, t := range selected {
		if uri := tools.CardOf(t); uri != "" {
			cardOf[t.Tool.Name] = uri
		}
		mutating = mutating || t.Mutating
	}
	appOnly := map[string]bool{}
	if mutating {
		for _, t := range tools.AppTools(deps) {
			appOnly[t.Tool.Name] = true
			srv.AddTool(t.Tool, t.Handler)
		}
	}
	for _, c := range []struct{ uri, name, html string }{
		{tools.ApprovalCardURI, "Approval card", web.ApprovalCard},
		{tools.FunnelCardURI, "Funnel card", web.FunnelCard},
	} {
		html := c.html
		srv.AddResource(mcp.NewResource(c.uri, c.name, mcp.WithMIMEType(guard.UIMimeType)),
			func(context.Context, mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
				// No csp domains: the host's strictest policy, nothing
				// fetched from anywhere.
				return []mcp.ResourceContents{mcp.TextResourceContents{
					URI: c.uri, MIMEType: guard.UIMimeType, Text: html,
					Meta: map[string]any{"ui": map[string]any{"prefersBorder": true}},
				}}, nil
			})
	}
	funnelOutput := tools.FunnelOutputSchema()
	server.WithToolFilter(func(ctx context.Context, ts []mcp.Tool) []mcp.Tool {
		apps := guard.ClientShowsApps(ctx)
		out := make([]mcp.Tool, 0, len(ts))
		for _, t := range ts {
			if appOnly[t.Name] && !apps {
				continue
			}
			if uri := cardOf[t.Name]; uri != "" && apps {
				t.Meta = mcp.NewMetaFromMap(map[string]any{"ui": map[string]any{"resourceUri": uri}})
				if uri == tools.FunnelCardURI {
					t.RawOutputSchema = funnelOutput
				}
			}
			out = append(out, t)
		}
		return out
	})(srv)
}
