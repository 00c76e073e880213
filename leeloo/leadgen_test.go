package leeloo_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// leadgenCases are the endpoint cases of leadgen.go.
func leadgenCases() []endpointCase {
	return []endpointCase{
		{
			name: "create_traffic_source",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/leadgentools/" + in.LeadgentoolID + "/create-traffic-source",
					Body: `{"name": "some ts", "description": "some ts description"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Leadgen.CreateTrafficSource(ctx, in.LeadgentoolID, leeloo.CreateTrafficSourceRequest{
					Name: "some ts", Description: "some ts description",
				})
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				ts := as[*leeloo.TrafficSource](t, got)
				assert.Equal(t, "5e32d0ed28faf61fc396f6b0", ts.ID)
				assert.Equal(t, "some ts", ts.Name)
				assert.Equal(t, "some ts description", ts.Description)
				assert.Equal(t, "normal", ts.Type)
				assert.Equal(t, "nn7n15", ts.Hash)
				assert.Equal(t, "5e1f119d6c384804b31e945e", ts.LeadgentoolID)
				assert.Equal(t, "5e1f11566c384804b31e9457", ts.TunnelID)
				assert.False(t, ts.Disabled)
				assertTime(t, "2020-01-30T12:49:49.273Z", ts.CreatedAt, "createdAt")
				assertTime(t, "2020-01-30T12:49:49.273Z", ts.UpdatedAt, "updatedAt")
			},
		},
	}
}
