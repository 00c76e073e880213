package leeloo

import "context"

// TagsService lists tags. Tagging a person is on PeopleService (by tag id);
// people list tags by name.
type TagsService service

// Tag labels people.
type Tag struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// List lists every tag of the account.
//
// API: GET /tags
func (s *TagsService) List(ctx context.Context) ([]Tag, *Response, error) {
	return listCall[Tag](ctx, s.client, &request{method: "GET", path: "/tags"}, "tags")
}
