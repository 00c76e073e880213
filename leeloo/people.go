package leeloo

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// PeopleService covers people (customers and leads) and their cards.
type PeopleService service

// Account is one of a person's messenger accounts as listed on the card.
type Account struct {
	AccountID        string `json:"account_id"`
	ConnectionID     string `json:"connection_id"`
	ConnectionStatus string `json:"connection_status"`
	From             string `json:"from"`
}

// SubscribeEntry records how a person entered a tunnel.
type SubscribeEntry struct {
	TunnelName      string `json:"tunnelName"`
	LeadgentoolName string `json:"leadgentoolName"`
	TrafficSource   string `json:"trafficSource"`
	TunnelID        string `json:"tunnelId"`
	LeadgentoolID   string `json:"leadgentoolId"`
	TrafficSourceID string `json:"trafficSourceId"`
	AccountID       string `json:"accountId"`
}

// Custom field types.
const (
	FieldEmail   = "EMAIL"
	FieldPhone   = "PHONE"
	FieldDate    = "DATE"
	FieldKeyword = "KEYWORD"
	FieldNumber  = "NUMBER"
)

// CustomField is a typed value on a person's card.
type CustomField struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// UnmarshalJSON accepts non-string values.
func (f *CustomField) UnmarshalJSON(b []byte) error {
	var aux struct {
		Type  string          `json:"type"`
		Name  string          `json:"name"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	f.Type, f.Name = aux.Type, aux.Name
	var s string
	if json.Unmarshal(aux.Value, &s) == nil {
		f.Value = s
	} else if len(aux.Value) > 0 && string(aux.Value) != "null" {
		f.Value = string(aux.Value)
	}
	return nil
}

// Link points to a related record.
type Link struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Person is a customer or lead. List items carry the summary fields; the
// card (Get) carries all of them, and Included when asked.
type Person struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Tags             []string          `json:"tags"`
	ProfileImage     string            `json:"profileImage,omitempty"`
	Gender           string            `json:"gender,omitempty"`
	Phone            string            `json:"phone,omitempty"`
	Email            string            `json:"email,omitempty"`
	Locale           string            `json:"locale,omitempty"`
	Accounts         []Account         `json:"accounts"`
	SubscribeHistory []SubscribeEntry  `json:"subscribeHistory,omitempty"`
	Links            map[string][]Link `json:"links,omitempty"`
	CustomFields     []CustomField     `json:"custom_fields,omitempty"`
	LastMessageTime  Time              `json:"lastMessageTime,omitzero"`
	CreatedAt        Time              `json:"created_at,omitzero"`
	UpdatedAt        Time              `json:"updated_at,omitzero"`
	// Included holds the records asked for with include= on Get.
	Included *PersonIncluded `json:"included,omitempty"`
}

// PersonIncluded is the side data of a person's card.
type PersonIncluded struct {
	Users  []User  `json:"users,omitempty"`
	Orders []Order `json:"orders,omitempty"`
}

// UnmarshalJSON accepts snake and camel keys, a tag list of objects, and
// NOT_DEFINED.
func (p *Person) UnmarshalJSON(b []byte) error {
	type plain Person
	var aux struct {
		plain
		Tags                 json.RawMessage  `json:"tags"`
		CustomFieldsCamel    []CustomField    `json:"customFields"`
		LastMessageTimeSnake Time             `json:"last_message_time"`
		CreatedAtCamel       Time             `json:"createdAt"`
		UpdatedAtCamel       Time             `json:"updatedAt"`
		SubscribeSnake       []SubscribeEntry `json:"subscribe_history"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*p = Person(aux.plain)
	p.Tags = decodeTagNames(aux.Tags)
	if p.CustomFields == nil {
		p.CustomFields = aux.CustomFieldsCamel
	}
	if p.SubscribeHistory == nil {
		p.SubscribeHistory = aux.SubscribeSnake
	}
	if p.LastMessageTime.IsZero() {
		p.LastMessageTime = aux.LastMessageTimeSnake
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = aux.CreatedAtCamel
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = aux.UpdatedAtCamel
	}
	for _, s := range []*string{&p.Name, &p.ProfileImage, &p.Gender, &p.Phone, &p.Email, &p.Locale} {
		cleanString(s)
	}
	if p.Gender == "NO_DATA" {
		p.Gender = ""
	}
	return nil
}

// decodeTagNames reads tags as names, or as objects with a name.
func decodeTagNames(raw json.RawMessage) []string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var names []string
	if json.Unmarshal(raw, &names) == nil {
		return names
	}
	var objs []Tag
	if json.Unmarshal(raw, &objs) == nil {
		names = make([]string, 0, len(objs))
		for _, t := range objs {
			names = append(names, t.Name)
		}
	}
	return names
}

// PeopleListOptions filters List. Tags are tag names (a person must have all
// of them); dates are UTC days, inclusive.
type PeopleListOptions struct {
	ListOptions
	Tags            []string
	LastMessageFrom time.Time
	LastMessageTo   time.Time
	Phone           string
	Email           string
}

// PersonGetOptions selects the side data of Get.
type PersonGetOptions struct {
	ContactedUsers bool
	Orders         bool
}

// UpdatePersonRequest changes a person's card; empty fields are left as they
// are.
type UpdatePersonRequest struct {
	Phone        string        `json:"phone,omitempty"`
	Email        string        `json:"email,omitempty"`
	CustomFields []CustomField `json:"custom_fields,omitempty"`
}

// CreatePersonRequest adds a person reached through a leadgen tool.
type CreatePersonRequest struct {
	Name              string   `json:"name"`
	Email             string   `json:"email,omitempty"`
	Phone             string   `json:"phone,omitempty"`
	LeadgentoolID     string   `json:"leadgentool_id"`
	ConnectedUsersIDs []string `json:"connected_users_ids,omitempty"`
}

// NewPerson is the reply of Create: the new account (ID) and its person.
type NewPerson struct {
	AccountID string   `json:"id"`
	PersonID  string   `json:"person_id"`
	Name      string   `json:"name"`
	From      string   `json:"from"`
	BotStatus string   `json:"botStatus"`
	Phone     string   `json:"phone"`
	Email     string   `json:"email"`
	Tags      []string `json:"tags"`
	CreatedAt Time     `json:"createdAt,omitzero"`
}

// SMSContact is one person for AddSMSContacts.
type SMSContact struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone"`
}

// AddSMSContactsRequest imports people with SMS accounts in bulk.
type AddSMSContactsRequest struct {
	Contacts      []SMSContact `json:"data"`
	ConnectionID  string       `json:"connection_id"`
	LeadgentoolID string       `json:"leadgentool_id"`
	TagIDs        []string     `json:"tags,omitempty"`
}

// Comment is a note on a person's card.
type Comment struct {
	ID         string `json:"id"`
	Text       string `json:"text"`
	EntityID   string `json:"entity_id"`
	EntityType string `json:"entity_type"`
	CreatedBy  string `json:"created_by"`
	CreatedAt  Time   `json:"created_at,omitzero"`
}

type tagIDBody struct {
	TagID string `json:"tag_id"`
}

// List searches people.
//
// API: GET /people
func (s *PeopleService) List(ctx context.Context, opts *PeopleListOptions) ([]Person, *Response, error) {
	if opts == nil {
		opts = &PeopleListOptions{}
	}
	q := listQuery(&opts.ListOptions)
	if len(opts.Tags) > 0 {
		q["filter[tags]"] = append([]string(nil), opts.Tags...)
	}
	setDateRange(q, opts.LastMessageFrom, opts.LastMessageTo)
	if opts.Phone != "" {
		p, err := NormalizePhone(opts.Phone)
		if err != nil {
			return nil, nil, err
		}
		q.Set("filter[phone]", p)
	}
	if opts.Email != "" {
		q.Set("filter[email]", strings.TrimSpace(opts.Email))
	}
	return listCall[Person](ctx, s.client, &request{method: "GET", path: "/people", query: q}, "items")
}

// Get returns a person's card, with contacted users and orders when asked.
//
// API: GET /people/{person_id}
func (s *PeopleService) Get(ctx context.Context, personID string, opts *PersonGetOptions) (*Person, *Response, error) {
	req := &request{method: "GET", path: "/people/" + pathEscape(personID)}
	if opts != nil {
		var inc []string
		if opts.ContactedUsers {
			inc = append(inc, "contactedUsers")
		}
		if opts.Orders {
			inc = append(inc, "orders")
		}
		if len(inc) > 0 {
			req.query = map[string][]string{"include": {strings.Join(inc, ",")}}
		}
	}
	env, resp, err := s.client.call(ctx, req)
	if err != nil {
		return nil, resp, err
	}
	p, err := decodeOne[Person](env.Data)
	if err == nil {
		var inc PersonIncluded
		if err = decodeExtra(env.Included, &inc); err == nil && (len(inc.Users) > 0 || len(inc.Orders) > 0) {
			p.Included = &inc
		}
	}
	if err != nil {
		return nil, resp, s.client.shapeError(req, resp, err)
	}
	return p, resp, nil
}

// Update changes a person's phone, email or custom fields.
//
// API: PUT /people/{person_id}
func (s *PeopleService) Update(ctx context.Context, personID string, req UpdatePersonRequest) (*Person, *Response, error) {
	if req.Phone != "" {
		p, err := NormalizePhone(req.Phone)
		if err != nil {
			return nil, nil, err
		}
		req.Phone = p
	}
	return oneCall[Person](ctx, s.client, &request{method: "PUT", path: "/people/" + pathEscape(personID), body: req})
}

// Create adds a person with a MANUAL account through a leadgen tool.
//
// API: POST /people
func (s *PeopleService) Create(ctx context.Context, req CreatePersonRequest) (*NewPerson, *Response, error) {
	if req.Phone != "" {
		p, err := NormalizePhone(req.Phone)
		if err != nil {
			return nil, nil, err
		}
		req.Phone = p
	}
	return oneCall[NewPerson](ctx, s.client, &request{method: "POST", path: "/people", body: req})
}

// AddSMSContacts imports people with SMS accounts on a connection, tagging
// them; Leeloo processes them in the background and answers how many.
//
// API: POST /people/sms
func (s *PeopleService) AddSMSContacts(ctx context.Context, req AddSMSContactsRequest) (int, *Response, error) {
	contacts := make([]SMSContact, len(req.Contacts))
	for i, c := range req.Contacts {
		p, err := NormalizePhone(c.Phone)
		if err != nil {
			return 0, nil, err
		}
		c.Phone = p
		contacts[i] = c
	}
	req.Contacts = contacts
	out, resp, err := oneCall[struct {
		CountToProcess int `json:"count_to_process"`
	}](ctx, s.client, &request{method: "POST", path: "/people/sms", body: req})
	if err != nil {
		return 0, resp, err
	}
	return out.CountToProcess, resp, nil
}

// AddComment adds a note to a person's card.
//
// API: PUT /people/{person_id}/add-comment
func (s *PeopleService) AddComment(ctx context.Context, personID, comment string) (*Comment, *Response, error) {
	return oneCall[Comment](ctx, s.client, &request{
		method: "PUT", path: "/people/" + pathEscape(personID) + "/add-comment", body: map[string]string{"comment": comment},
	})
}

// AddTag tags a person (by tag id).
//
// API: PUT /people/{person_id}/add-tag
func (s *PeopleService) AddTag(ctx context.Context, personID, tagID string) (*Response, error) {
	_, resp, err := s.client.call(ctx, &request{method: "PUT", path: "/people/" + pathEscape(personID) + "/add-tag", body: tagIDBody{tagID}})
	return resp, err
}

// RemoveTag removes a tag (by tag id) from a person.
//
// API: PUT /people/{person_id}/remove-tag
func (s *PeopleService) RemoveTag(ctx context.Context, personID, tagID string) (*Response, error) {
	_, resp, err := s.client.call(ctx, &request{method: "PUT", path: "/people/" + pathEscape(personID) + "/remove-tag", body: tagIDBody{tagID}})
	return resp, err
}
