package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
)

// ListConnections is list_connections: GET /connections.
func ListConnections(d *Deps) Tool {
	return readTool(meta{
		name: "list_connections", title: "List connections", toolset: "connections", endpoint: "GET /connections",
		desc: "Connections: bots, pages, SMS gateways.",
	}, func(ctx context.Context, _ *noArgs) (*mcp.CallToolResult, error) {
		cs, _, err := d.Client.Connections.List(ctx)
		if err != nil {
			return nil, err
		}
		type connOut struct {
			ID   string `json:"connection_id"`
			Type string `json:"type"`
			Name string `json:"name"`
		}
		out := struct {
			Connections []connOut `json:"connections"`
		}{make([]connOut, 0, len(cs))}
		for _, c := range cs {
			out.Connections = append(out.Connections, connOut{c.ID, c.Type, c.Name})
		}
		return jsonResult(fmt.Sprintf("%d connections.", len(cs)), out), nil
	})
}
