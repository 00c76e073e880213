package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
)

// defaultWait is how long wait_for_events waits without timeout_seconds, in
// seconds; the longest is the schema's maximum.
const defaultWait = 30

type waitArgs struct {
	Types   []string `json:"types,omitempty"`
	Since   string   `json:"since,omitempty"`
	Timeout *int     `json:"timeout_seconds,omitempty" jsonschema:"minimum=0,maximum=60"`
}

// WaitForEvents is wait_for_events: new orders, sales and incoming messages
// from the event log (webhook or polling), waiting up to the timeout.
func WaitForEvents(d *Deps) Tool {
	return readTool(meta{
		name: "wait_for_events", title: "Wait for events", toolset: "events", endpoint: "webhooks / GET /communication-channels",
		desc: fmt.Sprintf("Waits (%d s) for new ORDER, SALE, INCOMING_MESSAGE events; since: last next_since.", defaultWait),
	}, func(ctx context.Context, a *waitArgs) (*mcp.CallToolResult, error) {
		if d.Events == nil {
			return nil, errors.New("live events are off on this server: it has neither a webhook (--webhook-secret) nor polling (--poll-interval)")
		}
		timeout := defaultWait
		if a.Timeout != nil {
			timeout = *a.Timeout
		}
		types := make([]string, 0, len(a.Types))
		for _, t := range a.Types {
			if n := events.NormalizeType(t); n != "" {
				types = append(types, n)
			}
		}
		evs, next, err := d.Events.Wait(ctx, a.Since, types, time.Duration(timeout)*time.Second)
		if err != nil {
			return nil, err
		}
		out := struct {
			Events    []events.View `json:"events"`
			NextSince string        `json:"next_since"`
		}{Events: events.Views(evs), NextSince: next}
		if len(evs) == 0 {
			return jsonResult(fmt.Sprintf("No new events within %ds. Call again with since=%q to keep waiting.", timeout, next), out), nil
		}
		lines := make([]string, len(evs))
		for i, ev := range evs {
			lines[i] = events.Line(ev)
		}
		head := fmt.Sprintf("%d new events, oldest first (next_since %s). %s\n%s", len(evs), next, render.UntrustedNote, strings.Join(lines, "\n"))
		return jsonResult(head, out), nil
	})
}

// WebhookURL is webhook_url: the account's own webhook URL on a team server,
// to paste into Leeloo so that its events arrive as they happen.
func WebhookURL(d *Deps) Tool {
	return readTool(meta{
		name: "webhook_url", title: "Webhook URL", toolset: "events", endpoint: "webhooks",
		desc: "This account's webhook URL to set in Leeloo (settings, Leeloo API) for live events; team servers.",
	}, func(ctx context.Context, _ *noArgs) (*mcp.CallToolResult, error) {
		if d.Webhook == nil {
			return nil, errors.New("this server serves one account, whose webhook its operator sets (--webhook-secret): ask them for the URL; only a team server (--credentials per-request) gives each account its own")
		}
		u, err := d.Webhook(ctx)
		if err != nil {
			return nil, fmt.Errorf("the server's state store did not answer (%v): try again", err)
		}
		out := struct {
			URL    string   `json:"webhook_url"`
			Events []string `json:"events_to_tick"`
		}{u, []string{"ORDER", "SALE", "SUBSCRIPTION", "Incoming Message"}}
		note := ""
		if !strings.HasPrefix(u, "https://") {
			note = " Leeloo must reach it over the internet: this is the server's own address, so its operator sets --public-url to its public https origin."
		}
		return jsonResult("Set this URL in Leeloo: settings, Leeloo API, webhook URL; tick ORDER, SALE, SUBSCRIPTION and Incoming Message. "+
			"It is this account's secret: whoever has it can post events into this account's live events, so share it with no one. "+
			"Events then reach leeloo://events, subscriptions and wait_for_events within a second."+note+"\n"+u, out), nil
	})
}
