package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// initializeApps runs the handshake as an MCP Apps host does: declaring the
// io.modelcontextprotocol/ui extension.
func initializeApps(t *testing.T, ctx context.Context, c *client.Client, version string) {
	t.Helper()
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = version
	req.Params.ClientInfo = clientInfo
	req.Params.Capabilities.Extensions = map[string]any{guard.UIExtension: map[string]any{"mimeTypes": []any{guard.UIMimeType}}}
	_, err := c.Initialize(ctx, req)
	require.NoError(t, err)
}

func toolByName(ts []mcp.Tool, name string) *mcp.Tool {
	i := slices.IndexFunc(ts, func(t mcp.Tool) bool { return t.Name == name })
	if i < 0 {
		return nil
	}
	return &ts[i]
}

// TestApprovalCard: a client that declares MCP Apps sees the cards on the
// tools and the app-only approval_decide; a waiting result carries the
// card's secret in _meta only (never in what the model reads); the card's
// approval with that secret executes once, a wrong secret or a second
// approval nothing. A client without the extension sees neither the cards
// nor approval_decide, and cannot call it.
func TestApprovalCard(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--sandbox", "--toolsets", "all", "--transport", "http")
	for version, tag := range map[string]string{"2025-06-18": "Wholesale", "": "Newsletter"} {
		t.Run("protocol "+version, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			c := streamableClient(t, ctx, s.base, nil)
			initializeApps(t, ctx, c, version)
			list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
			require.NoError(t, err)
			decide := toolByName(list.Tools, "approval_decide")
			require.NotNil(t, decide, "an Apps host lists the app-only tool")
			require.NotNil(t, decide.Meta)
			assert.Equal(t, map[string]any{"visibility": []any{"app"}}, decide.Meta.AdditionalFields["ui"])
			for name, uri := range map[string]string{"add_tag": tools.ApprovalCardURI, "send_message": tools.ApprovalCardURI, "get_tunnel_stats": tools.FunnelCardURI, "get_tunnels_stats": tools.FunnelCardURI} {
				tl := toolByName(list.Tools, name)
				require.NotNil(t, tl, name)
				require.NotNil(t, tl.Meta, name)
				assert.Equal(t, map[string]any{"resourceUri": uri}, tl.Meta.AdditionalFields["ui"], name)
			}
			assert.Nil(t, toolByName(list.Tools, "list_tags").Meta, "a read tool without a card has no _meta")

			for _, uri := range []string{tools.ApprovalCardURI, tools.FunnelCardURI} {
				rr := mcp.ReadResourceRequest{}
				rr.Params.URI = uri
				res, err := c.ReadResource(ctx, rr)
				require.NoError(t, err)
				require.Len(t, res.Contents, 1)
				tc, ok := res.Contents[0].(mcp.TextResourceContents)
				require.True(t, ok)
				assert.Equal(t, guard.UIMimeType, tc.MIMEType)
				assert.Contains(t, tc.Text, "Content-Security-Policy")
			}

			args := `{"person_id":"` + sandboxPerson + `","tag":"` + tag + `"}`
			res := callTool(t, ctx, c, "add_tag", args)
			require.False(t, res.IsError, text(res))
			require.NotNil(t, res.Meta, "the waiting result carries the card's data")
			card, _ := res.Meta.AdditionalFields[guard.CardMetaKey].(map[string]any)
			id, _ := card["id"].(string)
			secret, _ := card["secret"].(string)
			require.NotEmpty(t, id)
			require.NotEmpty(t, secret)
			sc, _ := json.Marshal(res.StructuredContent)
			assert.NotContains(t, text(res), secret, "the model's text never holds the secret")
			assert.NotContains(t, string(sc), secret, "nor the structured content")
			assert.Contains(t, text(res), "/approve/"+id, "the page link stays as a fallback")

			// A secret one character off (never the real one, whatever it
			// starts with).
			forged := "x" + secret[1:]
			if secret[0] == 'x' {
				forged = "y" + secret[1:]
			}
			wrong := callTool(t, ctx, c, "approval_decide", `{"id":"`+id+`","secret":"`+forged+`","decision":"approve"}`)
			assert.True(t, wrong.IsError)
			assert.Contains(t, text(wrong), "does not match")

			ok := callTool(t, ctx, c, "approval_decide", `{"id":"`+id+`","secret":"`+secret+`","decision":"approve"}`)
			require.False(t, ok.IsError, text(ok))
			assert.Contains(t, text(ok), `added to person`)
			again := callTool(t, ctx, c, "approval_decide", `{"id":"`+id+`","secret":"`+secret+`","decision":"approve"}`)
			assert.True(t, again.IsError)
			assert.Contains(t, text(again), "Already decided (executed)")

			status := callTool(t, ctx, c, "add_tag", args)
			assert.Contains(t, text(status), "Approved by the user and executed")
		})
	}

	t.Run("client without MCP Apps", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		c := streamableClient(t, ctx, s.base, nil)
		initialize(t, ctx, c, "2025-06-18")
		list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
		require.NoError(t, err)
		assert.Nil(t, toolByName(list.Tools, "approval_decide"))
		assert.Nil(t, toolByName(list.Tools, "add_tag").Meta)
		res := callTool(t, ctx, c, "add_tag", `{"person_id":"`+sandboxPerson+`","tag":"Webinar"}`)
		assert.Nil(t, res.Meta, "no card secret for a client that cannot show the card")
		req := mcp.CallToolRequest{}
		req.Params.Name = "approval_decide"
		req.Params.Arguments = map[string]any{"id": "x", "secret": "y", "decision": "approve"}
		r, err := c.CallTool(ctx, req)
		if err == nil {
			assert.True(t, r.IsError, "approval_decide is not callable without MCP Apps")
		}
	})
}

// TestFunnelCardStructuredContent: the stats tools carry their figures as
// structured content, with an outputSchema, only for a client that renders
// MCP Apps (the funnel card draws them); any other client gets the text
// alone, and neither the schema nor a second copy of the figures.
func TestFunnelCardStructuredContent(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--sandbox", "--transport", "http")
	var schema struct {
		Properties map[string]struct {
			Type string `json:"type"`
		} `json:"properties"`
		Required             []string `json:"required"`
		AdditionalProperties *bool    `json:"additionalProperties"`
	}
	require.NoError(t, json.Unmarshal(tools.FunnelOutputSchema(), &schema))
	require.Contains(t, schema.Required, "shows", "the card's first figure is required")
	for _, apps := range []bool{true, false} {
		t.Run(map[bool]string{true: "MCP Apps host", false: "plain client"}[apps], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			c := streamableClient(t, ctx, s.base, nil)
			if apps {
				initializeApps(t, ctx, c, "2025-06-18")
			} else {
				initialize(t, ctx, c, "2025-06-18")
			}
			list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
			require.NoError(t, err)
			raw, err := json.Marshal(list)
			require.NoError(t, err)
			for _, name := range []string{"get_tunnels_stats", "get_tunnel_stats"} {
				tl := toolByName(list.Tools, name)
				require.NotNil(t, tl, name)
				b, err := json.Marshal(tl)
				require.NoError(t, err)
				var wire struct {
					OutputSchema json.RawMessage `json:"outputSchema"`
				}
				require.NoError(t, json.Unmarshal(b, &wire))
				if apps {
					assert.JSONEq(t, string(tools.FunnelOutputSchema()), string(wire.OutputSchema), name)
				} else {
					assert.Empty(t, wire.OutputSchema, name)
				}
			}
			if !apps {
				assert.NotContains(t, string(raw), "outputSchema", "no tool lists an outputSchema to a plain client")
			}

			res := callTool(t, ctx, c, "get_tunnels_stats", `{}`)
			require.False(t, res.IsError, text(res))
			body := text(res)
			figures := body[strings.Index(body, "\n")+1:]
			if !apps {
				assert.Nil(t, res.StructuredContent)
				return
			}
			sc, err := json.Marshal(res.StructuredContent)
			require.NoError(t, err)
			assert.JSONEq(t, figures, string(sc), "the card draws what the model reads")
			var got map[string]any
			require.NoError(t, json.Unmarshal(sc, &got))
			for _, k := range schema.Required {
				assert.Contains(t, got, k)
			}
			for k, v := range got {
				p, ok := schema.Properties[k]
				if assert.True(t, ok, "%s is not in the outputSchema", k) {
					_, isNum := v.(float64)
					assert.True(t, isNum && (p.Type == "integer" || p.Type == "number"), "%s: %v is not a %s", k, v, p.Type)
				}
			}
			require.NotNil(t, schema.AdditionalProperties)
			assert.False(t, *schema.AdditionalProperties)
		})
	}
}
