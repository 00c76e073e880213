package leeloo_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// userCases are the endpoint cases of users.go.
func userCases() []endpointCase {
	return []endpointCase{
		{
			name: "list_users",
			want: getPage("/users"),
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Users.List(ctx, &leeloo.ListOptions{Limit: 20})
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				us := as[[]leeloo.User](t, got)
				require.Len(t, us, 2)
				assert.Equal(t, "445f5d522a934035decc093d", us[0].ID)
				assert.Equal(t, "Igor", us[0].Name)
				assert.Equal(t, "Alexey", us[1].Name)
				assertTime(t, "2015-04-02T14:20:00Z", us[1].CreatedAt, "createdAt")
				require.NotNil(t, resp.Meta)
				assert.Equal(t, 1, resp.Meta.TotalCount, "the doc's sample says 1 with two users; kept as sent")
			},
		},
		{
			name: "get_user",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/users/" + in.UserID}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Users.Get(ctx, in.UserID)
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				assert.Equal(t, &leeloo.User{
					ID: "632af797bd3cc466fe1af584", Name: "John Mack",
					CreatedAt: leeloo.Time{Time: time.Date(2022, 9, 21, 11, 37, 59, 353_000_000, time.UTC)},
					UpdatedAt: leeloo.Time{Time: time.Date(2022, 9, 27, 12, 26, 12, 786_000_000, time.UTC)},
				}, as[*leeloo.User](t, got))
			},
		},
	}
}
