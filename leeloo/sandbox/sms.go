package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

type smsContact struct{ name, phone, email string }

// addSMSContacts serves POST /people/sms. connection_id must be the SMS
// (twilio) connection. A contact whose phone belongs to a person already gets
// an SMS account added to that person; others become new people. tags (ids)
// are added to every contact. The answer counts the contacts sent.
func (s *Server) addSMSContacts(r *http.Request) (any, *apiError) {
	b, err := jsonBody(r)
	if err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	connID := b.requiredID(fe, "connection_id")
	lgt := b.requiredID(fe, "leadgentool_id")
	tags := idList(b, fe, "tags")
	var contacts []smsContact
	var items []map[string]json.RawMessage
	if raw := b.raw("data"); raw == nil {
		fe.add("data", valueRequired)
	} else if err := json.Unmarshal(raw, &items); err != nil {
		fe.add("data", valueNotValid)
	} else if len(items) == 0 {
		fe.add("data", valueRequired)
	}
	for i, item := range items {
		ib, sub := body{json: item}, fieldErrors{}
		name, _ := ib.optionalString(sub, "name")
		phone := ib.requiredString(sub, "phone")
		email, _ := ib.optionalString(sub, "email")
		contacts = append(contacts, smsContact{strings.TrimSpace(name), phone, email})
		for k, v := range sub {
			fe.add(fmt.Sprintf("data.%d.%s", i, k), v)
		}
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	for i, ct := range contacts {
		if err := checkContact(fmt.Sprintf("data.%d.", i), ct.phone, true, ct.email, ct.email != ""); err != nil {
			return nil, err
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.db
	cn := st.connByID[connID]
	if cn == nil {
		return nil, notFound("connection_id")
	}
	if cn.from != "SMS" {
		return nil, fieldError("connection_id", "NOT_SMS_CONNECTION")
	}
	if st.leadgentools[lgt] == nil {
		return nil, notFound("leadgentool_id")
	}
	for _, t := range tags {
		if st.tagByID[t] == nil {
			return nil, notFound("tags")
		}
	}
	now := s.clock()
	for _, ct := range contacts {
		p := st.personByPhone(ct.phone)
		if p == nil {
			name := ct.name
			if name == "" {
				name = ct.phone
			}
			p = st.newPerson(name, ct.phone, ct.email, "SMS", connID, now)
			st.addPerson(p)
		} else if !hasConnection(p, connID) {
			a := st.newAccount(p, "SMS", connID, now)
			p.accounts = append(p.accounts, a)
			st.accounts[a.id] = a
			st.accountsBy = append(st.accountsBy, a)
		}
		for _, t := range tags {
			if !slices.Contains(p.tags, t) {
				p.tags = append(p.tags, t)
			}
		}
		p.updatedAt = now
	}
	st.sortByRecency()
	return single(map[string]int{"count_to_process": len(contacts)}), nil
}

func hasConnection(p *person, connID string) bool {
	for _, a := range p.accounts {
		if a.connectionID == connID {
			return true
		}
	}
	return false
}
