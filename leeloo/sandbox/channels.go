package sandbox

import "net/http"

type channelView struct {
	ID              string            `json:"id"`
	PersonID        string            `json:"person_id"`
	Name            string            `json:"name"`
	From            string            `json:"from"`
	BotStatus       string            `json:"botStatus"`
	LastMessageTime string            `json:"lastMessageTime"`
	CreatedAt       string            `json:"createdAt"`
	UtmMarks        map[string]string `json:"utmMarks"`
}

// listChannels serves GET /communication-channels, newest lastMessageTime
// first, with the filter[last_message][from|to] range.
func (s *Server) listChannels(r *http.Request) (any, *apiError) {
	q := r.URL.Query()
	pg, err := parsePage(q)
	if err != nil {
		return nil, err
	}
	dr, err := parseLastMessage(q)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	matches := s.db.accountsBy
	if dr != (dayRange{}) {
		matches = nil
		for _, a := range s.db.accountsBy {
			if dr.contains(a.lastMessage) {
				matches = append(matches, a)
			}
		}
	}
	start, end := pg.bounds(len(matches))
	out := make([]channelView, 0, end-start)
	for _, a := range matches[start:end] {
		// utm maps are never changed after creation, so sharing them is safe.
		out = append(out, channelView{
			ID: a.id, PersonID: a.personID, Name: a.name, From: a.from, BotStatus: a.botStatus,
			LastMessageTime: jsTime(a.lastMessage), CreatedAt: jsTime(a.createdAt), UtmMarks: a.utm,
		})
	}
	return pg.list(out, len(out), len(matches)), nil
}

// personByAccount serves GET /communication-channels/{account_id}/person: the
// card of the account's person.
func (s *Server) personByAccount(r *http.Request) (any, *apiError) {
	id, err := pathID(r, "account_id")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.db.accounts[id]
	if a == nil {
		return nil, notFound("account_id")
	}
	return s.db.card(s.db.people[a.personID], parseInclude(r)), nil
}

// manualSubscribe serves POST /communication-channels/{account_id}/manual-subscribe:
// it appends a subscription (through the tunnel's first leadgentool) to the
// person's subscribeHistory, which the tunnel's stats count. tunnel_block_id
// must be a well-formed id; blocks are not modelled.
func (s *Server) manualSubscribe(r *http.Request) (any, *apiError) {
	accountID, err := pathID(r, "account_id")
	if err != nil {
		return nil, err
	}
	b, err := formOrJSONBody(r)
	if err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	tunnelID := b.requiredID(fe, "tunnel_id")
	b.requiredID(fe, "tunnel_block_id")
	if err := fe.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.db
	a := st.accounts[accountID]
	if a == nil {
		return nil, notFound("account_id")
	}
	t := st.tunnelByID[tunnelID]
	if t == nil {
		return nil, notFound("tunnel_id")
	}
	sb := subscription{tunnelID: t.id, accountID: a.id}
	if len(t.leadgentools) > 0 {
		l := st.leadgentools[t.leadgentools[0]]
		sb.leadgentoolID, sb.sourceID = l.id, l.sourceID
	}
	p := st.people[a.personID]
	p.subs = append(p.subs, sb)
	p.updatedAt = s.clock()
	return single(empty{}), nil
}
