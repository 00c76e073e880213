package sandbox

import (
	"net/http"
	"strings"
)

// TrafficSource is a traffic source of a leadgentool, as
// POST /leadgentools/{leadgentool_id}/create-traffic-source answers it.
type TrafficSource struct {
	// Type is "normal".
	Type string `json:"type"`
	// FBAdsetID is the Facebook ad set, null here.
	FBAdsetID *string `json:"fb_adset_id"`
	// Name is the source's name.
	Name string `json:"name"`
	// Description is the source's description.
	Description string `json:"description"`
	// SynchronizedWithFB is false here.
	SynchronizedWithFB bool `json:"synchronized_with_fb"`
	// SynchronizationError is false here.
	SynchronizationError bool `json:"synchronization_error"`
	// Disabled is false here.
	Disabled bool `json:"disabled"`
	// CompanyID is CompanyID.
	CompanyID string `json:"company_id"`
	// LeadgentoolID is the leadgentool the source belongs to.
	LeadgentoolID string `json:"leadgentool_id"`
	// TunnelID is the leadgentool's tunnel.
	TunnelID string `json:"tunnel_id"`
	// CreatedBy is the user the token belongs to (UserID).
	CreatedBy string `json:"created_by"`
	// Hash is the short code of the source's link.
	Hash string `json:"hash"`
	// ResubscribeButtonID is the id of the source's resubscribe button.
	ResubscribeButtonID string `json:"resubscribe_button_id"`
	// CreatedAt is the creation date.
	CreatedAt string `json:"createdAt"`
	// UpdatedAt is the last update date.
	UpdatedAt string `json:"updatedAt"`
	// ID is the source's id.
	ID string `json:"id"`
}

// TrafficSources returns the traffic sources of a leadgentool, oldest first
// (the seeded "Default traffic source" first). The API has no endpoint that
// lists them; tests use this.
func (s *Server) TrafficSources(leadgentoolID string) []TrafficSource {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []TrafficSource
	for _, src := range s.db.sourceOrder {
		if src.LeadgentoolID == leadgentoolID {
			out = append(out, *src)
		}
	}
	return out
}

// createTrafficSource serves POST /leadgentools/{leadgentool_id}/create-traffic-source.
func (s *Server) createTrafficSource(r *http.Request) (any, *apiError) {
	lgtID, err := pathID(r, "leadgentool_id")
	if err != nil {
		return nil, err
	}
	b, err := jsonBody(r)
	if err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	name := strings.TrimSpace(b.requiredString(fe, "name"))
	desc, _ := b.optionalString(fe, "description")
	if err := fe.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.db
	l := st.leadgentools[lgtID]
	if l == nil {
		return nil, notFound("leadgentool_id")
	}
	now := s.clock()
	src := &TrafficSource{
		Type: "normal", Name: name, Description: desc, CompanyID: CompanyID, LeadgentoolID: l.id,
		TunnelID: l.tunnelID, CreatedBy: UserID, ResubscribeButtonID: st.newID(now),
		CreatedAt: jsTime(now), UpdatedAt: jsTime(now), ID: st.newID(now),
	}
	src.Hash = sourceHash(st.seq + 1000)
	st.sources[src.ID] = src
	st.sourceOrder = append(st.sourceOrder, src)
	return single(*src), nil
}
