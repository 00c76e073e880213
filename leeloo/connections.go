package leeloo

import "context"

// ConnectionsService lists the account's messenger connections (bots and
// gateways: a Telegram bot, a Facebook page, an SMS gateway, ...).
type ConnectionsService service

// Connection is one messenger bot or gateway of the account.
type Connection struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Name string `json:"name"`
}

// List lists the connections.
//
// API: GET /connections
func (s *ConnectionsService) List(ctx context.Context) ([]Connection, *Response, error) {
	return listCall[Connection](ctx, s.client, &request{method: "GET", path: "/connections", wrapped: true}, "connections")
}
