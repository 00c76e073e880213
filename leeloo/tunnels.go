package leeloo

import "context"

// TunnelsService covers tunnels (chat-bot sales funnels) and their statistics.
type TunnelsService service

// Tunnel is a chat-bot sales funnel.
type Tunnel struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt Time   `json:"createdAt,omitzero"`
	UpdatedAt Time   `json:"updatedAt,omitzero"`
	// Leadgentools are the tunnel's lead-generation tools (Get only).
	Leadgentools []Leadgentool `json:"leadgentools,omitempty"`
}

// TunnelStats are a tunnel's (or all tunnels') funnel figures. TotalSale is
// in USD.
type TunnelStats struct {
	Shows           int     `json:"shows"`
	UniqShows       int     `json:"uniqShows"`
	Visits          int     `json:"visits"`
	UniqVisits      int     `json:"uniqVisits"`
	Subscribers     int     `json:"subscribers"`
	UniqSubscribers int     `json:"uniqSubscribers"`
	Orders          int     `json:"orders"`
	Sales           int     `json:"sales"`
	UniqSales       int     `json:"uniqSales"`
	TotalSale       float64 `json:"totalSale"`
	TotalExpenses   float64 `json:"totalExpenses"`
}

// Add sums two stats.
func (s TunnelStats) Add(o TunnelStats) TunnelStats {
	s.Shows += o.Shows
	s.UniqShows += o.UniqShows
	s.Visits += o.Visits
	s.UniqVisits += o.UniqVisits
	s.Subscribers += o.Subscribers
	s.UniqSubscribers += o.UniqSubscribers
	s.Orders += o.Orders
	s.Sales += o.Sales
	s.UniqSales += o.UniqSales
	s.TotalSale += o.TotalSale
	s.TotalExpenses += o.TotalExpenses
	return s
}

// List lists tunnels.
//
// API: GET /tunnels
func (s *TunnelsService) List(ctx context.Context, opts *ListOptions) ([]Tunnel, *Response, error) {
	return listCall[Tunnel](ctx, s.client, &request{method: "GET", path: "/tunnels", query: listQuery(opts)}, "items")
}

// Get returns a tunnel with its leadgen tools.
//
// API: GET /tunnels/{tunnel_id}?include=leadgentools
func (s *TunnelsService) Get(ctx context.Context, tunnelID string) (*Tunnel, *Response, error) {
	req := &request{method: "GET", path: "/tunnels/" + pathEscape(tunnelID), query: map[string][]string{"include": {"leadgentools"}}}
	env, resp, err := s.client.call(ctx, req)
	if err != nil {
		return nil, resp, err
	}
	t, err := decodeOne[Tunnel](env.Data)
	if err == nil {
		var side struct {
			Leadgentools []Leadgentool `json:"leadgentools"`
		}
		extra := env.Linked
		if len(extra) == 0 {
			extra = env.Included
		}
		if err = decodeExtra(extra, &side); err == nil {
			t.Leadgentools = side.Leadgentools
		}
	}
	if err != nil {
		return nil, resp, s.client.shapeError(req, resp, err)
	}
	return t, resp, nil
}

// Stats returns the statistics of all tunnels.
//
// API: GET /tunnels/stats
func (s *TunnelsService) Stats(ctx context.Context) ([]TunnelStats, *Response, error) {
	return listCall[TunnelStats](ctx, s.client, &request{method: "GET", path: "/tunnels/stats"}, "stats")
}

// TunnelStats returns one tunnel's statistics.
//
// API: GET /tunnels/{tunnel_id}/stats
func (s *TunnelsService) TunnelStats(ctx context.Context, tunnelID string) ([]TunnelStats, *Response, error) {
	return listCall[TunnelStats](ctx, s.client, &request{method: "GET", path: "/tunnels/" + pathEscape(tunnelID) + "/stats"}, "stats")
}
