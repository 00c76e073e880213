package sandbox

import "net/http"

type userView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
}

func (u *user) view() userView {
	return userView{ID: u.id, Name: u.name, CreatedAt: jsTime(u.createdAt), UpdatedAt: jsTime(u.updatedAt)}
}

// listUsers serves GET /users, newest first.
func (s *Server) listUsers(r *http.Request) (any, *apiError) {
	pg, err := parsePage(r.URL.Query())
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	all := s.db.users
	start, end := pg.bounds(len(all))
	out := make([]userView, 0, end-start)
	for _, u := range all[start:end] {
		out = append(out, u.view())
	}
	return pg.list(out, len(out), len(all)), nil
}

// getUser serves GET /users/{user_id}.
func (s *Server) getUser(r *http.Request) (any, *apiError) {
	id, err := pathID(r, "user_id")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := s.db.userByID[id]
	if u == nil {
		return nil, notFound("user_id")
	}
	return single(u.view()), nil
}
