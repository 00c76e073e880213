package leeloo_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// tunnelCases are the endpoint cases of tunnels.go.
func tunnelCases() []endpointCase {
	return []endpointCase{
		{
			name: "list_tunnels",
			want: getPage("/tunnels"),
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Tunnels.List(ctx, &leeloo.ListOptions{Limit: 20})
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				ts := as[[]leeloo.Tunnel](t, got)
				require.Len(t, ts, 1)
				assert.Equal(t, "595f5d522a934035decc093d", ts[0].ID)
				assert.Equal(t, "My tunnel", ts[0].Name)
				assertTime(t, "2015-04-02T14:20:00Z", ts[0].CreatedAt, "createdAt")
				assertTime(t, "2015-04-02T14:20:00Z", ts[0].UpdatedAt, "updatedAt")
				require.NotNil(t, resp.Meta)
				assert.Equal(t, 1, resp.Meta.TotalCount)
			},
		},
		{
			name: "get_tunnel",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/tunnels/" + in.TunnelID,
					Query: url.Values{"include": {"leadgentools"}}}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Tunnels.Get(ctx, in.TunnelID)
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				tn := as[*leeloo.Tunnel](t, got)
				assert.Equal(t, "595f5d522a934035decc093d", tn.ID)
				assert.Equal(t, "My tunnel", tn.Name)
				assertTime(t, "2015-04-02T14:20:00Z", tn.CreatedAt, "createdAt")
				assert.Equal(t, []leeloo.Leadgentool{{ID: "222f5d522a934035decc093d", Name: "LGT1", Type: leeloo.LeadgenLink}}, tn.Leadgentools)
			},
		},
		{
			name: "get_tunnels_stats",
			want: get("/tunnels/stats"),
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Tunnels.Stats(ctx)
			},
			check: checkDocStats,
		},
		{
			name: "get_tunnel_stats",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/tunnels/" + in.TunnelID + "/stats"}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Tunnels.TunnelStats(ctx, in.TunnelID)
			},
			check: checkDocStats,
		},
	}
}

func checkDocStats(t *testing.T, got any, resp *leeloo.Response) {
	t.Helper()
	assert.Equal(t, []leeloo.TunnelStats{{
		Subscribers: 10, UniqSubscribers: 2, Orders: 4, Sales: 3, UniqSales: 2,
		Visits: 14, UniqVisits: 5, Shows: 5, UniqShows: 3, TotalSale: 200, TotalExpenses: 100,
	}}, as[[]leeloo.TunnelStats](t, got))
	assert.Nil(t, resp.Meta)
}
