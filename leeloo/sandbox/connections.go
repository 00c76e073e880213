package sandbox

import "net/http"

type connectionView struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Name string `json:"name"`
}

// listConnections serves GET /connections: data.connections, no meta.
func (s *Server) listConnections(*http.Request) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]connectionView, 0, len(s.db.connections))
	for _, c := range s.db.connections {
		out = append(out, connectionView{ID: c.id, Type: c.typ, Name: c.name})
	}
	return single(map[string]any{"connections": out}), nil
}
