package leeloo

import "context"

// UsersService covers platform users: the company's managers and operators.
type UsersService service

// User is a platform user (manager).
type User struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt Time   `json:"createdAt,omitzero"`
	UpdatedAt Time   `json:"updatedAt,omitzero"`
}

// List lists platform users.
//
// API: GET /users
func (s *UsersService) List(ctx context.Context, opts *ListOptions) ([]User, *Response, error) {
	return listCall[User](ctx, s.client, &request{method: "GET", path: "/users", query: listQuery(opts)}, "items")
}

// Get returns one platform user.
//
// API: GET /users/{user_id}
func (s *UsersService) Get(ctx context.Context, userID string) (*User, *Response, error) {
	return oneCall[User](ctx, s.client, &request{method: "GET", path: "/users/" + pathEscape(userID)})
}
