package leeloo_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// templateCases are the endpoint cases of templates.go.
func templateCases() []endpointCase {
	return []endpointCase{
		{
			name: "list_template_categories",
			want: get("/categories/templates"),
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Templates.ListCategories(ctx)
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				assert.Equal(t, []leeloo.TemplateCategory{
					{ID: "5e3bf3fdb70492000f72cd6c", Name: "Category 1"},
					{ID: "5e18a2a3ed0b7a000d6c948f", Name: "Category 2"},
				}, as[[]leeloo.TemplateCategory](t, got))
				assert.Nil(t, resp.Meta, "the doc's reply has no meta")
			},
		},
		{
			name: "list_templates",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/categories/templates/" + in.CategoryID}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Templates.List(ctx, in.CategoryID)
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				assert.Equal(t, []leeloo.Template{
					{ID: "5e42be758d4fff000cafe6ef", MessageName: "test template 2"},
					{ID: "5e42be688d4fff000cafe5cc", MessageName: "test template 1"},
				}, as[[]leeloo.Template](t, got))
			},
		},
	}
}
