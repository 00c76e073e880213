package leeloo

import "context"

// LeadgenService covers lead-generation tools (links, QR codes, widgets that
// bring people into a tunnel) and their traffic sources.
type LeadgenService service

// Leadgen tool types.
const (
	LeadgenLink    = "LINK"
	LeadgenQR      = "QR"
	LeadgenWidget  = "WIDGET"
	LeadgenPopup   = "POPUP"
	LeadgenForm    = "FORM"
	LeadgenFBAd    = "FB_AD"
	LeadgenDefault = "DEFAULT"
)

// Leadgentool is a lead-generation tool of a tunnel.
type Leadgentool struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// CreateTrafficSourceRequest is the body of create-traffic-source.
type CreateTrafficSourceRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// TrafficSource is a labelled entry point of a leadgen tool.
type TrafficSource struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Description   string `json:"description"`
	Type          string `json:"type"`
	Hash          string `json:"hash"`
	LeadgentoolID string `json:"leadgentool_id"`
	TunnelID      string `json:"tunnel_id"`
	Disabled      bool   `json:"disabled"`
	CreatedAt     Time   `json:"createdAt,omitzero"`
	UpdatedAt     Time   `json:"updatedAt,omitzero"`
}

// CreateTrafficSource adds a traffic source to a leadgen tool.
//
// API: POST /leadgentools/{leadgentool_id}/create-traffic-source
func (s *LeadgenService) CreateTrafficSource(ctx context.Context, leadgentoolID string, req CreateTrafficSourceRequest) (*TrafficSource, *Response, error) {
	return oneCall[TrafficSource](ctx, s.client, &request{
		method: "POST", path: "/leadgentools/" + pathEscape(leadgentoolID) + "/create-traffic-source", body: req,
	})
}
