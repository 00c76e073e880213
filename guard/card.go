package guard

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"slices"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// MCP Apps (the official extension, io.modelcontextprotocol/ui): a host that
// declares it renders a tool's ui:// resource next to the tool's result.
const (
	// UIExtension is the extension's id in the client's capabilities.
	UIExtension = "io.modelcontextprotocol/ui"
	// UIMimeType is the type of an MCP App resource.
	UIMimeType = "text/html;profile=mcp-app"
	// CardMetaKey names, in a waiting result's _meta, the pending action's
	// id and the approval card's secret. A host passes _meta to the card and
	// never to the model (see CardSecret).
	CardMetaKey = "leeloo-mcp/approval"
)

// ClientShowsApps reports whether the client behind ctx declared the MCP
// Apps extension with its HTML resource type.
func ClientShowsApps(ctx context.Context) bool {
	var caps *mcp.ClientCapabilities
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		caps = info.ClientCapabilities
	} else if s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo); ok {
		c := s.GetClientCapabilities()
		caps = &c
	}
	if caps == nil {
		return false
	}
	ext, ok := caps.Extensions[UIExtension].(map[string]any)
	if !ok {
		return false
	}
	types, _ := ext["mimeTypes"].([]any)
	return slices.Contains(types, any(UIMimeType))
}

// CardSecret is the secret the approval card of pending action id sends
// back to approve or reject it: an HMAC of the id under the guard's key, so
// any process sharing LEELOO_CONFIRM_KEY checks it and none stores it. It
// travels only in the waiting result's _meta, which MCP Apps hosts give the
// card and keep out of the model's context; the model gets the preview, the
// page link and no secret.
func (g *Guard) CardSecret(id string) string {
	m := hmac.New(sha256.New, g.tokens.key)
	m.Write([]byte("approval-card\x00" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCardSecret reports, in constant time, whether secret is the card
// secret of id.
func (g *Guard) CheckCardSecret(id, secret string) bool {
	return id != "" && hmac.Equal([]byte(secret), []byte(g.CardSecret(id)))
}

// withCard adds, for a client that renders MCP Apps, what the approval card
// needs and the model must not see to a waiting result.
func (g *Guard) withCard(ctx context.Context, res *mcp.CallToolResult, id string) *mcp.CallToolResult {
	if !ClientShowsApps(ctx) {
		return res
	}
	res.Meta = mcp.NewMetaFromMap(map[string]any{CardMetaKey: map[string]any{"id": id, "secret": g.CardSecret(id)}})
	return res
}
