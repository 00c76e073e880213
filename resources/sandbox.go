package resources

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// SandboxURI is served only by the sandbox.
const SandboxURI = "leeloo://sandbox"

// SandboxText is what leeloo://sandbox says.
const SandboxText = `This server serves the SANDBOX: an in-process demo Leeloo, not a real account.
The customers, chats, orders, tags and tunnels are demo data and nothing is real: no message reaches
anyone, no order or card change reaches Leeloo, and every change is lost when the server stops.
It is served because LEELOO_API_TOKEN is not set (or --sandbox / LEELOO_SANDBOX is on).
To use a real account, set LEELOO_API_TOKEN (Leeloo → settings → API) in the server's configuration
(for example the "env" of claude_desktop_config.json) and restart the server.
The sandbox's ids are the same on every start, and it ships an account catalog (offers, payment
systems, tunnel blocks, template variables) like the one --catalog reads for a real account.`

// Sandbox is the leeloo://sandbox resource: a plain statement that nothing
// is real and how to use a real account.
func Sandbox() server.ServerResource {
	return server.ServerResource{
		Resource: mcp.NewResource(SandboxURI, "sandbox", mcp.WithResourceTitle("SANDBOX: demo data, nothing is real"),
			mcp.WithResourceDescription("Served only by the sandbox: why it is served, that nothing is real, and how to use a real account."),
			mcp.WithMIMEType(mimeText)),
		Handler: func(_ context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: mimeText, Text: SandboxText}}, nil
		},
	}
}
