package leeloo_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// connectionCases are the endpoint cases of connections.go.
func connectionCases() []endpointCase {
	return []endpointCase{
		{
			name: "list_connections",
			want: get("/connections"),
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Connections.List(ctx)
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				assert.Equal(t, []leeloo.Connection{
					{ID: "65cf48536d81f496d4f9a673", Type: "telegram", Name: "Telegram bot"},
					{ID: "65b3791a9af7b6ef6f4a8afd", Type: "sendGrid", Name: "Sendgrid bot"},
				}, as[[]leeloo.Connection](t, got))
			},
		},
	}
}
