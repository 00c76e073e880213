package app

import (
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// extraServerOptions are the server options resources and prompts need.
func extraServerOptions(_ *leeloo.Client) []server.ServerOption { return nil }

// registerExtras registers resources, resource templates and prompts.
func registerExtras(_ *server.MCPServer, _ *leeloo.Client) {}
