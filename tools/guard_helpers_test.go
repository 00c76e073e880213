package tools_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// The guard tests run the shipped tools through the harness
// (harness_test.go) and a real mcp-go client; these are their calls,
// arguments and confirmation dialogs. Every helper here is prefixed with
// guard so it cannot collide with the other tools tests of this package.

// guardCall calls a tool and fails the test on a JSON-RPC error: every
// outcome the model can act on must be a tool result.
func guardCall(t testing.TB, c *client.Client, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	var req mcp.CallToolRequest
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(context.Background(), req)
	require.NoError(t, err, "tools/call %s must not be a JSON-RPC error", name)
	require.NotNil(t, res)
	return res
}

// guardText joins a result's text contents.
func guardText(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// guardToken returns the confirm_token of a preview result.
func guardToken(t testing.TB, res *mcp.CallToolResult) string {
	t.Helper()
	require.False(t, res.IsError, "preview failed: %s", guardText(res))
	sc, ok := res.StructuredContent.(map[string]any)
	require.True(t, ok, "preview has no structured content: %#v", res.StructuredContent)
	tok, _ := sc["confirm_token"].(string)
	require.NotEmpty(t, tok, "preview has no confirm_token: %s", guardText(res))
	require.Contains(t, guardText(res), "confirm_token: "+tok)
	return tok
}

// guardWith returns a copy of args with extra keys set.
func guardWith(args map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(args)+len(kv)/2)
	for k, v := range args {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// guardElicitor is a client's confirmation dialog: it records what it was
// shown and answers with a fixed action.
type guardElicitor struct {
	action  mcp.ElicitationResponseAction
	content any

	mu       sync.Mutex
	messages []string
	schemas  []any
}

func (g *guardElicitor) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	g.mu.Lock()
	g.messages = append(g.messages, req.Params.Message)
	g.schemas = append(g.schemas, req.Params.RequestedSchema)
	g.mu.Unlock()
	res := &mcp.ElicitationResult{}
	res.Action = g.action
	res.Content = g.content
	return res, nil
}

func (g *guardElicitor) Messages() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.messages...)
}

func guardAccepting() *guardElicitor {
	return &guardElicitor{action: mcp.ElicitationResponseActionAccept, content: map[string]any{"confirm": true}}
}

// guardSendArgs is a send_message to the demo customer (Telegram, open chat).
func guardSendArgs(text string) map[string]any {
	return map[string]any{"account_id": sandbox.DemoAccountID, "text": text}
}

// guardMutatingArgs holds valid arguments for each mutating tool
// against the sandbox seed.
func guardMutatingArgs() map[string]map[string]any {
	return map[string]map[string]any{
		"create_person":         {"name": "Ірина Шевченко", "phone": "+380501112233", "email": "iryna@example.com", "leadgentool_id": sandbox.LeadgentoolID},
		"update_person":         {"person_id": sandbox.DemoPersonID, "email": "olena.new@example.com"},
		"add_comment":           {"person_id": sandbox.DemoPersonID, "comment": "Called back, wants the moisturising set."},
		"send_message":          guardSendArgs("Добрий день! ТТН надішлемо сьогодні."),
		"send_template":         {"account_id": sandbox.DemoAccountID, "template_id": sandbox.TemplateID, "variables": map[string]any{"name": "Олена", "discount": "10%"}},
		"create_order":          {"person_id": sandbox.DemoPersonID, "offer_id": sandbox.OfferID, "payment_credits_id": sandbox.PaymentCreditsID, "notify_customer": true},
		"update_manual_order":   {"order_id": sandbox.ManualOrderID, "status": "RESOLVED", "price": 49, "currency": "USD"},
		"add_tag":               {"person_id": sandbox.DemoPersonID, "tag": "Lead"},
		"remove_tag":            {"person_id": sandbox.DemoPersonID, "tag": sandbox.VIPTagName},
		"subscribe_to_tunnel":   {"account_id": sandbox.DemoAccountID, "tunnel_id": sandbox.TunnelID, "tunnel_block_id": "65d1c0a8e4b0a1000c000f01"},
		"create_traffic_source": {"leadgentool_id": sandbox.LeadgentoolID, "name": "Instagram stories, March"},
		"add_sms_contacts": {"contacts": []any{map[string]any{"name": "Taras", "phone": "+380931234567"}},
			"connection_id": sandbox.SMSConnectionID, "leadgentool_id": sandbox.LeadgentoolID, "tags": []any{"Lead"}},
		"log_call": {"user_id": sandbox.UserID, "account_id": sandbox.DemoAccountID, "from": "+380441234567", "to": "+380671234567",
			"date": "2026-03-02T09:30:00Z", "duration_seconds": 95, "status": "SUCCESS", "type": "OUTBOUND"},
	}
}
