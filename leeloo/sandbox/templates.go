package sandbox

import "net/http"

type categoryView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type templateView struct {
	ID          string `json:"id"`
	MessageName string `json:"message_name"`
}

// listCategories serves GET /categories/templates: data.categories, no meta.
func (s *Server) listCategories(*http.Request) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]categoryView, 0, len(s.db.categories))
	for _, c := range s.db.categories {
		out = append(out, categoryView{ID: c.id, Name: c.name})
	}
	return single(map[string]any{"categories": out}), nil
}

// listTemplates serves GET /categories/templates/{category_id}: data.templates, no meta.
func (s *Server) listTemplates(r *http.Request) (any, *apiError) {
	id, err := pathID(r, "category_id")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.db.categoryByID[id]
	if c == nil {
		return nil, notFound("category_id")
	}
	out := make([]templateView, 0, len(c.templates))
	for _, tid := range c.templates {
		out = append(out, templateView{ID: tid, MessageName: s.db.templates[tid].name})
	}
	return single(map[string]any{"templates": out}), nil
}
