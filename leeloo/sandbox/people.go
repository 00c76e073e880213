package sandbox

import (
	"net/http"
	"slices"
	"strings"
)

type accountRef struct {
	AccountID        string `json:"account_id"`
	ConnectionID     string `json:"connection_id"`
	ConnectionStatus string `json:"connection_status"`
	From             string `json:"from"`
}

type personItem struct {
	ID              string       `json:"id"`
	Name            string       `json:"name"`
	Email           string       `json:"email"`
	Phone           string       `json:"phone"`
	Tags            []string     `json:"tags"`
	Accounts        []accountRef `json:"accounts"`
	LastMessageTime string       `json:"lastMessageTime"`
}

type subscriptionView struct {
	TunnelName      string `json:"tunnelName"`
	LeadgentoolName string `json:"leadgentoolName"`
	TrafficSource   string `json:"trafficSource"`
	TunnelID        string `json:"tunnelId"`
	LeadgentoolID   string `json:"leadgentoolId"`
	TrafficSourceID string `json:"trafficSourceId"`
	AccountID       string `json:"accountId"`
}

type linkRef struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type personLinks struct {
	ContactedUsers []linkRef `json:"contactedUsers"`
	Orders         []linkRef `json:"orders"`
}

type personCard struct {
	ID               string             `json:"id"`
	Name             string             `json:"name"`
	Tags             []string           `json:"tags"`
	ProfileImage     string             `json:"profileImage"`
	Gender           string             `json:"gender"`
	Phone            string             `json:"phone"`
	Email            string             `json:"email"`
	Locale           string             `json:"locale"`
	Accounts         []accountRef       `json:"accounts"`
	SubscribeHistory []subscriptionView `json:"subscribeHistory"`
	Links            personLinks        `json:"links"`
	CustomFields     []CustomField      `json:"custom_fields"`
	CreatedAt        string             `json:"created_at"`
	UpdatedAt        string             `json:"updated_at"`
}

// cardEnvelope is the answer of a person card; included holds only what the
// include parameter asked for ({} otherwise).
type cardEnvelope struct {
	Status   int            `json:"status"`
	Data     personCard     `json:"data"`
	Included map[string]any `json:"included"`
}

func accountRefs(p *person) []accountRef {
	refs := make([]accountRef, 0, len(p.accounts))
	for _, a := range p.accounts {
		refs = append(refs, accountRef{AccountID: a.id, ConnectionID: a.connectionID, ConnectionStatus: a.connectionStatus, From: a.from})
	}
	return refs
}

func (st *store) personItem(p *person) personItem {
	return personItem{
		ID: p.id, Name: p.name, Email: p.email, Phone: p.phone,
		Tags: st.tagNames(p), Accounts: accountRefs(p), LastMessageTime: jsTime(p.lastMessage),
	}
}

func (st *store) subscriptionView(sb subscription) subscriptionView {
	v := subscriptionView{TunnelID: sb.tunnelID, LeadgentoolID: sb.leadgentoolID, TrafficSourceID: sb.sourceID, AccountID: sb.accountID}
	if t := st.tunnelByID[sb.tunnelID]; t != nil {
		v.TunnelName = t.name
	}
	if l := st.leadgentools[sb.leadgentoolID]; l != nil {
		v.LeadgentoolName = l.name
	}
	if src := st.sources[sb.sourceID]; src != nil {
		v.TrafficSource = src.Name
	}
	return v
}

// card is the person card with the includes asked for ("contactedUsers", "orders").
func (st *store) card(p *person, include map[string]bool) cardEnvelope {
	c := personCard{
		ID: p.id, Name: p.name, Tags: st.tagNames(p), ProfileImage: p.profileImage, Gender: p.gender,
		Phone: p.phone, Email: p.email, Locale: p.locale, Accounts: accountRefs(p),
		SubscribeHistory: make([]subscriptionView, 0, len(p.subs)),
		Links:            personLinks{ContactedUsers: make([]linkRef, 0, len(p.contacted)), Orders: make([]linkRef, 0, len(p.orders))},
		CustomFields:     slices.Clone(p.customFields),
		CreatedAt:        jsTime(p.createdAt), UpdatedAt: jsTime(p.updatedAt),
	}
	if c.CustomFields == nil {
		c.CustomFields = []CustomField{}
	}
	for _, sb := range p.subs {
		c.SubscribeHistory = append(c.SubscribeHistory, st.subscriptionView(sb))
	}
	for _, id := range p.contacted {
		c.Links.ContactedUsers = append(c.Links.ContactedUsers, linkRef{Type: "users", ID: id})
	}
	for _, id := range p.orders {
		c.Links.Orders = append(c.Links.Orders, linkRef{Type: "orders", ID: id})
	}
	inc := map[string]any{}
	if include["contactedUsers"] {
		users := make([]userView, 0, len(p.contacted))
		for _, id := range p.contacted {
			if u := st.userByID[id]; u != nil {
				users = append(users, u.view())
			}
		}
		inc["users"] = users
	}
	if include["orders"] {
		orders := make([]orderIncluded, 0, len(p.orders))
		for _, id := range p.orders {
			if o := st.orders[id]; o != nil {
				orders = append(orders, o.included())
			}
		}
		inc["orders"] = orders
	}
	return cardEnvelope{Status: 1, Data: c, Included: inc}
}

// parseInclude reads include=contactedUsers,orders (comma-separated or repeated).
func parseInclude(r *http.Request) map[string]bool {
	inc := map[string]bool{}
	for _, v := range r.URL.Query()["include"] {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				inc[part] = true
			}
		}
	}
	return inc
}

// listPeople serves GET /people. Filters: filter[tags] (repeated tag names,
// all must match, case-insensitive), filter[phone] (digits compared),
// filter[email] (case-insensitive), filter[last_message][from|to] (UTC days).
func (s *Server) listPeople(r *http.Request) (any, *apiError) {
	q := r.URL.Query()
	pg, err := parsePage(q)
	if err != nil {
		return nil, err
	}
	dr, err := parseLastMessage(q)
	if err != nil {
		return nil, err
	}
	var tagNames []string
	for _, v := range append(q["filter[tags]"], q["filter[tags][]"]...) {
		if v = strings.TrimSpace(v); v != "" {
			tagNames = append(tagNames, v)
		}
	}
	phoneQ, emailQ := q.Get("filter[phone]"), strings.TrimSpace(q.Get("filter[email]"))
	phone := digits(phoneQ)
	filtered := len(tagNames) > 0 || phoneQ != "" || emailQ != "" || dr != (dayRange{})

	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.db
	matches := st.peopleByMsg
	if filtered {
		tagIDs := make([]string, 0, len(tagNames))
		unknownTag := false
		for _, n := range tagNames {
			if t := st.tagByName(n); t != nil {
				tagIDs = append(tagIDs, t.id)
			} else {
				unknownTag = true
			}
		}
		matches = nil
		for _, p := range st.peopleByMsg {
			switch {
			case unknownTag:
			case phoneQ != "" && (phone == "" || digits(p.phone) != phone):
			case emailQ != "" && !strings.EqualFold(p.email, emailQ):
			case !dr.contains(p.lastMessage):
			case !hasAllTags(p, tagIDs):
			default:
				matches = append(matches, p)
			}
		}
	}
	start, end := pg.bounds(len(matches))
	items := make([]personItem, 0, end-start)
	for _, p := range matches[start:end] {
		items = append(items, st.personItem(p))
	}
	return pg.list(items, len(items), len(matches)), nil
}

func hasAllTags(p *person, tagIDs []string) bool {
	for _, id := range tagIDs {
		if !slices.Contains(p.tags, id) {
			return false
		}
	}
	return true
}

// getPerson serves GET /people/{person_id}?include=contactedUsers,orders.
func (s *Server) getPerson(r *http.Request) (any, *apiError) {
	id, err := pathID(r, "person_id")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.db.people[id]
	if p == nil {
		return nil, notFound("person_id")
	}
	return s.db.card(p, parseInclude(r)), nil
}
