package resources

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
)

// Event resource URIs.
const (
	EventsURI       = "leeloo://events"
	EventsOfTypeURI = "leeloo://events/{type}"
	// EventsShown is how many of the newest events the resources show.
	EventsShown = 50
)

// Events is leeloo://events: the newest events, newest first.
func Events(log *events.Log) server.ServerResource {
	return server.ServerResource{
		Resource: mcp.NewResource(EventsURI, "events", mcp.WithResourceTitle("Recent events"),
			mcp.WithResourceDescription("The newest 50 events (orders, sales, subscriptions, incoming messages from Leeloo's webhook or the inbox poller), newest first. Subscribe to hear of new ones. "+customerDataMsg),
			mcp.WithMIMEType(mimeText)),
		Handler: func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			return eventsContents(ctx, log, req.Params.URI, nil)
		},
	}
}

// EventsOfType is leeloo://events/{type}: the newest events of one type.
func EventsOfType(log *events.Log) server.ServerResourceTemplate {
	return server.ServerResourceTemplate{
		Template: mcp.NewResourceTemplate(EventsOfTypeURI, "events_of_type",
			mcp.WithTemplateTitle("Recent events of a type"),
			mcp.WithTemplateDescription("The newest 50 events of one type (ORDER, SALE, SUBSCRIPTION, INCOMING_MESSAGE), newest first. "+customerDataMsg),
			mcp.WithTemplateMIMEType(mimeText)),
		Handler: func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			t := events.NormalizeType(arg(req, "type"))
			if t == "" {
				return nil, fmt.Errorf("%w: type is missing: ORDER, SALE, SUBSCRIPTION or INCOMING_MESSAGE", mcp.ErrInvalidParams)
			}
			return eventsContents(ctx, log, req.Params.URI, []string{t})
		},
	}
}

func eventsContents(ctx context.Context, log *events.Log, uri string, types []string) ([]mcp.ResourceContents, error) {
	evs, err := log.Recent(ctx, types, EventsShown)
	if err != nil {
		return nil, fmt.Errorf("reading the event log (--state): %v", err)
	}
	var b strings.Builder
	if len(evs) == 0 {
		b.WriteString("No events yet.")
	} else {
		fmt.Fprintf(&b, "%d events, newest first. %s\n", len(evs), render.UntrustedNote)
		for _, ev := range evs {
			b.WriteString(events.Line(ev))
			b.WriteByte('\n')
		}
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: mimeText, Text: b.String()}}, nil
}
