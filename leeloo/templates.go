package leeloo

import "context"

// TemplatesService reads message templates.
type TemplatesService service

// TemplateCategory groups message templates.
type TemplateCategory struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Template is a saved message that send_template delivers.
type Template struct {
	ID          string `json:"id"`
	MessageName string `json:"message_name"`
}

// ListCategories lists the template categories.
//
// API: GET /categories/templates
func (s *TemplatesService) ListCategories(ctx context.Context) ([]TemplateCategory, *Response, error) {
	return listCall[TemplateCategory](ctx, s.client, &request{method: "GET", path: "/categories/templates", wrapped: true}, "categories")
}

// List lists the templates in a category.
//
// API: GET /categories/templates/{category_id}
func (s *TemplatesService) List(ctx context.Context, categoryID string) ([]Template, *Response, error) {
	return listCall[Template](ctx, s.client, &request{method: "GET", path: "/categories/templates/" + pathEscape(categoryID), wrapped: true}, "templates")
}
