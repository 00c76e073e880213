package sandbox

import (
	"math"
	"net/http"
)

type tunnelItem struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
}

type tunnelDetail struct {
	tunnelItem
	Links struct {
		Leadgentools []linkRef `json:"leadgentools"`
	} `json:"links"`
}

type leadgentoolView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

type linkedLeadgentools struct {
	Leadgentools []leadgentoolView `json:"leadgentools"`
}

type tunnelEnvelope struct {
	Status int                 `json:"status"`
	Data   tunnelDetail        `json:"data"`
	Linked *linkedLeadgentools `json:"linked,omitempty"`
}

// statsView is the stats of one tunnel or of all; totalSale is in USD.
type statsView struct {
	Subscribers     int     `json:"subscribers"`
	UniqSubscribers int     `json:"uniqSubscribers"`
	Orders          int     `json:"orders"`
	Sales           int     `json:"sales"`
	UniqSales       int     `json:"uniqSales"`
	Visits          int     `json:"visits"`
	UniqVisits      int     `json:"uniqVisits"`
	Shows           int     `json:"shows"`
	UniqShows       int     `json:"uniqShows"`
	TotalSale       float64 `json:"totalSale"`
	TotalExpenses   float64 `json:"totalExpenses"`
}

func (t *tunnel) item() tunnelItem {
	return tunnelItem{ID: t.id, Name: t.name, CreatedAt: jsTime(t.createdAt), UpdatedAt: jsTime(t.updatedAt)}
}

// listTunnels serves GET /tunnels, newest first.
func (s *Server) listTunnels(r *http.Request) (any, *apiError) {
	pg, err := parsePage(r.URL.Query())
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	all := s.db.tunnels
	start, end := pg.bounds(len(all))
	out := make([]tunnelItem, 0, end-start)
	for _, t := range all[start:end] {
		out = append(out, t.item())
	}
	return pg.list(out, len(out), len(all)), nil
}

// getTunnel serves GET /tunnels/{tunnel_id}; include=leadgentools adds linked.leadgentools.
func (s *Server) getTunnel(r *http.Request) (any, *apiError) {
	id, err := pathID(r, "tunnel_id")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.db.tunnelByID[id]
	if t == nil {
		return nil, notFound("tunnel_id")
	}
	env := tunnelEnvelope{Status: 1, Data: tunnelDetail{tunnelItem: t.item()}}
	env.Data.Links.Leadgentools = make([]linkRef, 0, len(t.leadgentools))
	for _, lid := range t.leadgentools {
		env.Data.Links.Leadgentools = append(env.Data.Links.Leadgentools, linkRef{Type: "leadgentools", ID: lid})
	}
	if parseInclude(r)["leadgentools"] {
		env.Linked = &linkedLeadgentools{Leadgentools: make([]leadgentoolView, 0, len(t.leadgentools))}
		for _, lid := range t.leadgentools {
			l := s.db.leadgentools[lid]
			env.Linked.Leadgentools = append(env.Linked.Leadgentools, leadgentoolView{ID: l.id, Name: l.name, Type: l.typ})
		}
	}
	return env, nil
}

// tunnelsStats serves GET /tunnels/stats: one item aggregating every tunnel.
func (s *Server) tunnelsStats(*http.Request) (any, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return single([]statsView{s.db.stats(func(string) bool { return true })}), nil
}

// tunnelStats serves GET /tunnels/{tunnel_id}/stats: a one-item list.
func (s *Server) tunnelStats(r *http.Request) (any, *apiError) {
	id, err := pathID(r, "tunnel_id")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db.tunnelByID[id] == nil {
		return nil, notFound("tunnel_id")
	}
	return single([]statsView{s.db.stats(func(t string) bool { return t == id })}), nil
}

// stats computes the stats of the tunnels in from the data, so every
// subscription, order and resolved order shows at once: subscribers count
// subscribeHistory entries, orders the orders attributed to the tunnel, sales
// those SUCCESS or RESOLVED, totalSale their prices in USD (usdRates). Visits
// and shows are a seeded base plus the subscribers.
func (st *store) stats(in func(tunnelID string) bool) statsView {
	var v statsView
	for _, t := range st.tunnels {
		if in(t.id) {
			v.Visits += t.visits
			v.UniqVisits += t.uniqVisits
			v.Shows += t.shows
			v.UniqShows += t.uniqShows
			v.TotalExpenses += t.expenses
		}
	}
	for _, p := range st.peopleByMsg {
		subscribed := false
		for _, sb := range p.subs {
			if in(sb.tunnelID) {
				v.Subscribers++
				subscribed = true
			}
		}
		if subscribed {
			v.UniqSubscribers++
		}
	}
	buyers := map[string]bool{}
	total := 0.0
	for _, o := range st.ordersByNew {
		if !in(o.tunnelID) {
			continue
		}
		v.Orders++
		if isSale(o.status) {
			v.Sales++
			buyers[o.personID] = true
			total += o.price * usdRates[o.currency]
		}
	}
	v.UniqSales = len(buyers)
	v.TotalSale = math.Round(total*100) / 100
	v.Visits += v.Subscribers
	v.UniqVisits += v.UniqSubscribers
	v.Shows += v.Subscribers
	v.UniqShows += v.UniqSubscribers
	return v
}
