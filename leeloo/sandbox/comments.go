package sandbox

import "net/http"

// Comment is a comment on a person, as PUT /people/{person_id}/add-comment answers it.
type Comment struct {
	// CreatedBy is the user the token belongs to (UserID in the sandbox).
	CreatedBy string `json:"created_by"`
	// CompanyID is the company, CompanyID in the sandbox.
	CompanyID string `json:"company_id"`
	// Text is the comment.
	Text string `json:"text"`
	// EntityID is the person's id.
	EntityID string `json:"entity_id"`
	// EntityType is "PERSON".
	EntityType string `json:"entity_type"`
	// CreatedAt is the creation date (RFC 3339 with milliseconds).
	CreatedAt string `json:"created_at"`
	// UpdatedAt is the last update date.
	UpdatedAt string `json:"updated_at"`
	// ID is the comment's id.
	ID string `json:"id"`
}

// Comments returns the comments on a person, oldest first. The API has no
// endpoint that reads comments back; tests use this.
func (s *Server) Comments(personID string) []Comment {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Comment
	for _, c := range s.db.comments {
		if c.EntityID == personID {
			out = append(out, *c)
		}
	}
	return out
}

// addComment serves PUT /people/{person_id}/add-comment.
func (s *Server) addComment(r *http.Request) (any, *apiError) {
	personID, err := pathID(r, "person_id")
	if err != nil {
		return nil, err
	}
	b, err := jsonBody(r)
	if err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	text := b.requiredString(fe, "comment")
	if err := fe.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db.people[personID] == nil {
		return nil, notFound("person_id")
	}
	now := s.clock()
	c := &Comment{
		CreatedBy: UserID, CompanyID: CompanyID, Text: text, EntityID: personID, EntityType: "PERSON",
		CreatedAt: jsTime(now), UpdatedAt: jsTime(now), ID: s.db.newID(now),
	}
	s.db.comments = append(s.db.comments, c)
	return single(*c), nil
}
