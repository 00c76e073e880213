package leeloo_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// tagCases are the endpoint cases of tags.go.
func tagCases() []endpointCase {
	return []endpointCase{
		{
			name: "list_tags",
			want: get("/tags"),
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Tags.List(ctx)
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				assert.Equal(t, []leeloo.Tag{{ID: "595f5d522a934035decc093d", Name: "Tag #1"}}, as[[]leeloo.Tag](t, got))
				assert.Nil(t, resp.Meta)
			},
		},
	}
}
