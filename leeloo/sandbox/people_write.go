package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

const valueNotValidEmail = "NOT_VALID_EMAIL"

// customFieldTypes are the types update_person accepts.
var customFieldTypes = map[string]bool{"EMAIL": true, "PHONE": true, "DATE": true, "KEYWORD": true, "NUMBER": true}

// parseCustomFields reads custom_fields: [{type, name, value}], checking each
// value against its type.
func parseCustomFields(raw json.RawMessage, fe fieldErrors) []CustomField {
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		fe.add("custom_fields", valueNotValid)
		return nil
	}
	out := make([]CustomField, 0, len(items))
	for i, item := range items {
		key := func(k string) string { return fmt.Sprintf("custom_fields.%d.%s", i, k) }
		b := body{json: item}
		cf := CustomField{}
		for _, f := range []struct {
			name string
			dst  *string
		}{{"type", &cf.Type}, {"name", &cf.Name}, {"value", &cf.Value}} {
			v, present, ok := b.str(f.name)
			switch {
			case !ok:
				fe.add(key(f.name), valueNotValid)
			case !present || strings.TrimSpace(v) == "":
				fe.add(key(f.name), valueRequired)
			}
			*f.dst = v
		}
		if cf.Type != "" && !customFieldTypes[cf.Type] {
			fe.add(key("type"), valueNotValid)
		}
		if cf.Value != "" && !validCustomValue(cf.Type, cf.Value) {
			fe.add(key("value"), valueNotValid)
		}
		out = append(out, cf)
	}
	return out
}

func validCustomValue(typ, v string) bool {
	switch typ {
	case "EMAIL":
		return validEmail(v)
	case "PHONE":
		return validPhone(v)
	case "DATE":
		if _, err := time.Parse(dayLayout, v); err == nil {
			return true
		}
		_, ok := parseISO(v)
		return ok
	case "NUMBER":
		_, err := strconv.ParseFloat(v, 64)
		return err == nil
	}
	return true
}

// contactFields reads and checks optional phone and email fields.
func contactFields(b body, fe fieldErrors, prefix string) (phone string, hasPhone bool, email string, hasEmail bool) {
	phone, hasPhone = b.optionalString(fe, prefix+"phone")
	email, hasEmail = b.optionalString(fe, prefix+"email")
	return
}

// checkContact validates a phone and email after the FORMAT_ERROR checks.
func checkContact(prefix, phone string, hasPhone bool, email string, hasEmail bool) *apiError {
	if hasPhone && !validPhone(phone) {
		return phoneError(prefix + "phone")
	}
	if hasEmail && !validEmail(email) {
		return fieldError(prefix+"email", valueNotValidEmail)
	}
	return nil
}

// updatePerson serves PUT /people/{person_id}: phone, email and custom_fields
// (merged by name). It answers the updated card.
func (s *Server) updatePerson(r *http.Request) (any, *apiError) {
	id, err := pathID(r, "person_id")
	if err != nil {
		return nil, err
	}
	b, err := jsonBody(r)
	if err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	phone, hasPhone, email, hasEmail := contactFields(b, fe, "")
	var fields []CustomField
	if raw := b.raw("custom_fields"); raw != nil {
		fields = parseCustomFields(raw, fe)
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	if err := checkContact("", phone, hasPhone, email, hasEmail); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.db.people[id]
	if p == nil {
		return nil, notFound("person_id")
	}
	if hasPhone {
		p.phone = phone
	}
	if hasEmail {
		p.email = email
	}
	for _, cf := range fields {
		replaced := false
		for i := range p.customFields {
			if p.customFields[i].Name == cf.Name {
				p.customFields[i] = cf
				replaced = true
			}
		}
		if !replaced {
			p.customFields = append(p.customFields, cf)
		}
	}
	p.updatedAt = s.clock()
	return s.db.card(p, parseInclude(r)), nil
}

// createdPerson is the answer of POST /people: id is the new account's id.
type createdPerson struct {
	ID               string             `json:"id"`
	PersonID         string             `json:"person_id"`
	Name             string             `json:"name"`
	Tags             []string           `json:"tags"`
	From             string             `json:"from"`
	BotStatus        string             `json:"botStatus"`
	ConnectionStatus string             `json:"connectionStatus"`
	Gender           string             `json:"gender"`
	Phone            string             `json:"phone"`
	Email            string             `json:"email"`
	Locale           string             `json:"locale"`
	SubscribeHistory []subscriptionView `json:"subscribeHistory"`
	CreatedAt        string             `json:"createdAt"`
	UpdatedAt        string             `json:"updatedAt"`
}

// idList reads a JSON array of ids.
func idList(b body, fe fieldErrors, key string) []string {
	raw := b.raw(key)
	if raw == nil {
		return nil
	}
	var ids []string
	if err := json.Unmarshal(raw, &ids); err != nil {
		fe.add(key, valueNotValid)
		return nil
	}
	for i, id := range ids {
		if !validID(id) {
			fe.add(key, valueNotValidID)
		}
		ids[i] = strings.ToLower(id)
	}
	return ids
}

// newPerson makes a person with one account created now.
func (st *store) newPerson(name, phone, email, from, connectionID string, now time.Time) *person {
	p := &person{
		id: st.newID(now), name: name, phone: notDefined, email: notDefined,
		profileImage: notDefined, gender: notDefined, createdAt: now, updatedAt: now, lastMessage: now,
	}
	if phone != "" {
		p.phone = phone
	}
	if email != "" {
		p.email = email
	}
	p.accounts = []*account{st.newAccount(p, from, connectionID, now)}
	return p
}

func (st *store) newAccount(p *person, from, connectionID string, now time.Time) *account {
	return &account{
		id: st.newID(now), personID: p.id, name: p.name, connectionID: connectionID, connectionStatus: "OK",
		from: from, botStatus: "BOT", createdAt: now, lastMessage: now, utm: map[string]string{},
	}
}

// createPerson serves POST /people. name and leadgentool_id are required and
// at least one of phone and email; a phone or email already used by another
// person is HTTP 400 NAME_ALREADY_IN_USE naming the field. The person gets a
// MANUAL account; the answer's id is that account's id.
func (s *Server) createPerson(r *http.Request) (any, *apiError) {
	b, err := jsonBody(r)
	if err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	name := strings.TrimSpace(b.requiredString(fe, "name"))
	lgt := b.requiredID(fe, "leadgentool_id")
	phone, hasPhone, email, hasEmail := contactFields(b, fe, "")
	users := idList(b, fe, "connected_users_ids")
	if !hasPhone && !hasEmail {
		fe.add("phone", valueRequired)
		fe.add("email", valueRequired)
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	if err := checkContact("", phone, hasPhone, email, hasEmail); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.db
	if st.leadgentools[lgt] == nil {
		return nil, notFound("leadgentool_id")
	}
	for _, u := range users {
		if st.userByID[u] == nil {
			return nil, notFound("connected_users_ids")
		}
	}
	if hasPhone && st.personByPhone(phone) != nil {
		return nil, alreadyInUse("phone")
	}
	if hasEmail && st.personByEmail(email) != nil {
		return nil, alreadyInUse("email")
	}
	now := s.clock()
	p := st.newPerson(name, phone, email, "MANUAL", notDefined, now)
	for _, u := range users {
		if !slices.Contains(p.contacted, u) {
			p.contacted = append(p.contacted, u)
		}
	}
	st.addPerson(p)
	st.sortByRecency()
	a := p.accounts[0]
	return single(createdPerson{
		ID: a.id, PersonID: p.id, Name: p.name, Tags: []string{}, From: a.from, BotStatus: a.botStatus,
		ConnectionStatus: a.connectionStatus, Gender: p.gender, Phone: p.phone, Email: p.email, Locale: p.locale,
		SubscribeHistory: []subscriptionView{}, CreatedAt: jsTime(now), UpdatedAt: jsTime(now),
	}), nil
}

func alreadyInUse(field string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeAlreadyInUse, fields: map[string]string{field: codeAlreadyInUse}}
}

func (st *store) personByPhone(phone string) *person {
	d := digits(phone)
	for _, p := range st.peopleByMsg {
		if p.phone != notDefined && digits(p.phone) == d {
			return p
		}
	}
	return nil
}

func (st *store) personByEmail(email string) *person {
	for _, p := range st.peopleByMsg {
		if strings.EqualFold(p.email, email) {
			return p
		}
	}
	return nil
}
