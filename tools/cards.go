package tools

import (
	"context"
	"errors"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
)

// MCP App cards: the ui:// resources a host renders next to a tool's result.
const (
	// ApprovalCardURI shows a waiting action's preview with Approve and Reject.
	ApprovalCardURI = "ui://leeloo-mcp/approval"
	// FunnelCardURI draws a tunnel's funnel.
	FunnelCardURI = "ui://leeloo-mcp/funnel"
)

// CardOf returns the card a tool's result is shown in, if any: every
// mutating tool gets the approval card, the statistics tools the funnel.
func CardOf(t Tool) string {
	switch {
	case t.Mutating:
		return ApprovalCardURI
	case t.Tool.Name == "get_tunnel_stats" || t.Tool.Name == "get_tunnels_stats":
		return FunnelCardURI
	}
	return ""
}

// AppTools are the tools only the cards call: hosts hide them from the
// model (visibility "app"), and the server lists them only to clients that
// render MCP Apps.
func AppTools(d *Deps) []server.ServerTool { return []server.ServerTool{ApprovalDecide(d)} }

type decideArgs struct {
	ID       string `json:"id" jsonschema:"minLength=1,maxLength=64"`
	Secret   string `json:"secret" jsonschema:"minLength=1,maxLength=128"`
	Decision string `json:"decision" jsonschema:"enum=approve,enum=reject"`
}

// ApprovalDecide is approval_decide, the approval card's buttons: it
// approves or rejects a waiting action given the card's secret, which the
// model never receives (guard.CardSecret).
func ApprovalDecide(d *Deps) server.ServerTool {
	m := meta{name: "approval_decide", title: "Approval card decision", desc: "Approval card buttons only.", destructive: true, idempotent: true}
	schema := schemaOf[decideArgs]()
	v := newValidator(m.name, schema)
	t := newTool(m, schema, false, func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		a := new(decideArgs)
		if err := v.bind(req, a); err != nil {
			return errorResult(err), nil
		}
		if !d.Guard.CheckCardSecret(a.ID, a.Secret) {
			return mcp.NewToolResultError("Refused: this card's secret does not match the action; nothing was sent."), nil
		}
		decide := d.Guard.Approve
		if a.Decision == "reject" {
			decide = d.Guard.Reject
		}
		p, err := decide(ctx, a.ID, "card", "")
		switch {
		case errors.Is(err, guard.ErrActionSettled):
			return cardResult(p, "Already decided ("+string(p.State)+"); nothing more was done.", true), nil
		case err != nil:
			return mcp.NewToolResultError(err.Error()), nil
		case p.State == guard.PendingRejected:
			return cardResult(p, "Rejected. Nothing was sent or changed.", false), nil
		}
		return cardResult(p, p.Result, p.State != guard.PendingExecuted), nil
	})
	t.Tool.Meta = mcp.NewMetaFromMap(map[string]any{"ui": map[string]any{"visibility": []string{"app"}}})
	return t.ServerTool
}

func cardResult(p guard.Pending, text string, isError bool) *mcp.CallToolResult {
	res := mcp.NewToolResultText(text)
	res.StructuredContent = map[string]any{"state": string(p.State)}
	res.IsError = isError
	return res
}
