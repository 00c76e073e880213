package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// ListConnections is list_connections: GET /connections.
func ListConnections(d *Deps) Tool {
	return readTool(meta{
		name: "list_connections", title: "List connections", toolset: "connections", endpoint: "GET /connections",
		desc: "List messenger connections (bots, pages, SMS gateways).",
	}, func(ctx context.Context, _ *noArgs) (*mcp.CallToolResult, error) {
		cs, _, err := d.Client.Connections.List(ctx)
		if err != nil {
			return nil, err
		}
		out := struct {
			Connections []leeloo.Connection `json:"connections"`
		}{cs}
		return jsonResult(fmt.Sprintf("%d connections.", len(cs)), out), nil
	})
}
