package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

type tunnelOut struct {
	ID           string           `json:"tunnel_id"`
	Name         string           `json:"name"`
	Created      string           `json:"created,omitempty"`
	Leadgentools []leadgentoolOut `json:"leadgentools,omitempty"`
}

// leadgentoolOut is a leadgen tool (link, QR code, widget) of a tunnel.
type leadgentoolOut struct {
	ID   string `json:"leadgentool_id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

type listTunnelsArgs struct{ Page }

// ListTunnels is list_tunnels: GET /tunnels.
func ListTunnels(d *Deps) Tool {
	return readTool(meta{
		name: "list_tunnels", title: "List tunnels", toolset: "tunnels", endpoint: "GET /tunnels",
		desc: "List tunnels (chat-bot sales funnels).",
	}, func(ctx context.Context, a *listTunnelsArgs) (*mcp.CallToolResult, error) {
		lo := a.options()
		ts, resp, err := d.Client.Tunnels.List(ctx, lo)
		if err != nil {
			return nil, err
		}
		out := struct {
			Tunnels []tunnelOut `json:"tunnels"`
			pageInfo
		}{Tunnels: make([]tunnelOut, 0, len(ts)), pageInfo: paging(lo, len(ts), resp)}
		for _, t := range ts {
			out.Tunnels = append(out.Tunnels, tunnelOut{ID: t.ID, Name: t.Name, Created: fmtTime(t.CreatedAt)})
		}
		return jsonResult(fmt.Sprintf("%d tunnels. %s", len(ts), out.line()), out), nil
	})
}

type tunnelArgs struct {
	TunnelID string `json:"tunnel_id"`
}

// GetTunnel is get_tunnel: GET /tunnels/{tunnel_id}?include=leadgentools.
func GetTunnel(d *Deps) Tool {
	return readTool(meta{
		name: "get_tunnel", title: "Get tunnel", toolset: "tunnels", endpoint: "GET /tunnels/{tunnel_id}",
		desc: "A tunnel and its leadgen tools (links, QR codes, widgets).",
	}, func(ctx context.Context, a *tunnelArgs) (*mcp.CallToolResult, error) {
		if err := checkID("tunnel_id", a.TunnelID, render.TunnelIDs); err != nil {
			return nil, err
		}
		t, _, err := d.Client.Tunnels.Get(ctx, a.TunnelID)
		if err != nil {
			return nil, err
		}
		out := tunnelOut{ID: t.ID, Name: t.Name, Created: fmtTime(t.CreatedAt)}
		for _, l := range t.Leadgentools {
			out.Leadgentools = append(out.Leadgentools, leadgentoolOut(l))
		}
		return jsonResult("Tunnel.", out), nil
	})
}

// statsOut is tunnel statistics with the funnel's conversion rates.
type statsOut struct {
	leeloo.TunnelStats
	VisitToSubscriber float64 `json:"visit_to_subscriber_pct"`
	SubscriberToOrder float64 `json:"subscriber_to_order_pct"`
	OrderToSale       float64 `json:"order_to_sale_pct"`
	ROI               float64 `json:"roi_pct,omitempty"`
}

func pct(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(a/b*1000) / 10
}

// statsResult is a stats tool's result. To a client that renders MCP Apps
// it also carries the figures as structured content, which the funnel card
// draws (FunnelOutputSchema); every other client gets the text alone.
func statsResult(ctx context.Context, label string, items []leeloo.TunnelStats) *mcp.CallToolResult {
	var sum leeloo.TunnelStats
	for _, s := range items {
		sum = sum.Add(s)
	}
	out := statsOut{
		TunnelStats:       sum,
		VisitToSubscriber: pct(float64(sum.Subscribers), float64(sum.Visits)),
		SubscriberToOrder: pct(float64(sum.Orders), float64(sum.Subscribers)),
		OrderToSale:       pct(float64(sum.Sales), float64(sum.Orders)),
	}
	if sum.TotalExpenses > 0 {
		out.ROI = pct(sum.TotalSale-sum.TotalExpenses, sum.TotalExpenses)
	}
	if guard.ClientShowsApps(ctx) {
		return structuredResult(label+" (totalSale in USD).", out)
	}
	return jsonResult(label+" (totalSale in USD).", out)
}

// FunnelOutputSchema is the outputSchema of the tools the funnel card
// draws, listed only to clients that render MCP Apps (the only ones given
// the structured content it describes).
func FunnelOutputSchema() json.RawMessage { return schemaOf[statsOut]() }

// GetTunnelsStats is get_tunnels_stats: GET /tunnels/stats.
func GetTunnelsStats(d *Deps) Tool {
	return readTool(meta{
		name: "get_tunnels_stats", title: "All tunnels' statistics", toolset: "tunnels", endpoint: "GET /tunnels/stats",
		desc: "All tunnels' funnel figures, with conversion rates.",
	}, func(ctx context.Context, _ *noArgs) (*mcp.CallToolResult, error) {
		st, _, err := d.Client.Tunnels.Stats(ctx)
		if err != nil {
			return nil, err
		}
		return statsResult(ctx, "All tunnels", st), nil
	})
}

// GetTunnelStats is get_tunnel_stats: GET /tunnels/{tunnel_id}/stats.
func GetTunnelStats(d *Deps) Tool {
	return readTool(meta{
		name: "get_tunnel_stats", title: "Tunnel statistics", toolset: "tunnels", endpoint: "GET /tunnels/{tunnel_id}/stats",
		desc: "One tunnel's funnel figures, with conversion rates.",
	}, func(ctx context.Context, a *tunnelArgs) (*mcp.CallToolResult, error) {
		if err := checkID("tunnel_id", a.TunnelID, render.TunnelIDs); err != nil {
			return nil, err
		}
		st, _, err := d.Client.Tunnels.TunnelStats(ctx, a.TunnelID)
		if err != nil {
			return nil, err
		}
		return statsResult(ctx, "Tunnel "+a.TunnelID, st), nil
	})
}

type subscribeArgs struct {
	AccountID     string `json:"account_id"`
	TunnelID      string `json:"tunnel_id"`
	TunnelBlockID string `json:"tunnel_block_id" jsonschema_description:"Leeloo: tunnel editor; or a name in leeloo://catalog."`
	guard.DuplicateControl
	controlsHolder
}

// SubscribeToTunnel is subscribe_to_tunnel: POST /communication-channels/{account_id}/manual-subscribe.
func SubscribeToTunnel(d *Deps) Tool {
	return writeTool(d, meta{
		name: "subscribe_to_tunnel", title: "Subscribe customer to tunnel", toolset: "tunnels",
		endpoint: "POST /communication-channels/{account_id}/manual-subscribe",
		desc:     "Start a tunnel's bot flow for a customer's account, at a block.",
		customer: true,
	}, func(ctx context.Context, a *subscribeArgs) (*guard.Action, error) {
		if err := checkID("account_id", a.AccountID, render.AccountIDs); err != nil {
			return nil, err
		}
		if err := checkID("tunnel_id", a.TunnelID, render.TunnelIDs); err != nil {
			return nil, err
		}
		block, err := d.resolveBlock(a.TunnelBlockID, a.TunnelID)
		if err != nil {
			return nil, err
		}
		a.TunnelBlockID = block.id
		r, err := d.lookupRecipient(ctx, a.AccountID, false)
		if err != nil {
			return nil, err
		}
		tunnel := "tunnel " + a.TunnelID
		t, _, err := d.Client.Tunnels.Get(ctx, a.TunnelID)
		switch {
		case isNotFound(err):
			return nil, argErrorf("no tunnel %s in this account; %s", a.TunnelID, render.IDsFrom(render.TunnelIDs))
		case err == nil:
			tunnel = fmt.Sprintf("tunnel %s (%s)", render.Quote(t.Name, 80), a.TunnelID)
		}
		for _, sb := range r.subs {
			if sb.TunnelID == a.TunnelID && (sb.AccountID == "" || sb.AccountID == a.AccountID) {
				r.warnings = append(r.warnings, "this account is already subscribed to the tunnel: subscribing again restarts its bot flow at this block, and the customer gets its messages again")
				break
			}
		}
		return &guard.Action{
			Preview:        fmt.Sprintf("Subscribe %s to %s at block %s: its bot flow starts messaging the customer.", r.label(), tunnel, block.label),
			Warnings:       r.warnings,
			DuplicateKey:   "subscribe_to_tunnel\x00" + a.AccountID + "\x00" + a.TunnelID + "\x00" + a.TunnelBlockID,
			AllowDuplicate: a.AllowDuplicate,
			Execute: func(ctx context.Context) (*guard.Outcome, error) {
				req := leeloo.SubscribeRequest{TunnelID: a.TunnelID, TunnelBlockID: a.TunnelBlockID}
				if _, err := d.Client.Channels.Subscribe(ctx, a.AccountID, req); err != nil {
					return nil, err
				}
				ids := map[string]string{"account_id": a.AccountID, "tunnel_id": a.TunnelID}
				return &guard.Outcome{Text: "Subscribed " + r.label() + " to " + tunnel + ".", Structured: ids, IDs: ids}, nil
			},
		}, nil
	})
}
