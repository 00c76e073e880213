package sandbox

import (
	"net/http"
	"slices"
)

type tagView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// listTags serves GET /tags: every tag, no meta.
func (s *Server) listTags(*http.Request) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]tagView, 0, len(s.db.tags))
	for _, t := range s.db.tags {
		out = append(out, tagView{ID: t.id, Name: t.name})
	}
	return single(out), nil
}

// addTag serves PUT /people/{person_id}/add-tag; adding a tag the person has is a no-op.
func (s *Server) addTag(r *http.Request) (any, *apiError) {
	return s.changeTag(r, func(tags []string, id string) []string {
		if slices.Contains(tags, id) {
			return tags
		}
		return append(tags, id)
	})
}

// removeTag serves PUT /people/{person_id}/remove-tag; removing a tag the
// person lacks is a no-op.
func (s *Server) removeTag(r *http.Request) (any, *apiError) {
	return s.changeTag(r, func(tags []string, id string) []string {
		return slices.DeleteFunc(tags, func(t string) bool { return t == id })
	})
}

func (s *Server) changeTag(r *http.Request, change func(tags []string, id string) []string) (any, *apiError) {
	personID, err := pathID(r, "person_id")
	if err != nil {
		return nil, err
	}
	b, err := formOrJSONBody(r)
	if err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	tagID := b.requiredID(fe, "tag_id")
	if err := fe.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.db.people[personID]
	if p == nil {
		return nil, notFound("person_id")
	}
	if s.db.tagByID[tagID] == nil {
		return nil, notFound("tag_id")
	}
	before := len(p.tags)
	p.tags = change(p.tags, tagID)
	if len(p.tags) != before {
		p.updatedAt = s.clock()
	}
	return single(empty{}), nil
}
