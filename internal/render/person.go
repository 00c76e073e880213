package render

import (
	"maps"
	"slices"
	"strings"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// PersonCard is a person's card as a model reads it: empty fields left out,
// customer-supplied strings sanitized. Shared by the get_person tools and the
// leeloo://people resource.
type PersonCard struct {
	Note           string        `json:"note,omitempty"`
	PersonID       string        `json:"person_id"`
	Name           string        `json:"name,omitempty"`
	Phone          string        `json:"phone,omitempty"`
	Email          string        `json:"email,omitempty"`
	Gender         string        `json:"gender,omitempty"`
	Locale         string        `json:"locale,omitempty"`
	Tags           []string      `json:"tags,omitempty"`
	Accounts       []CardAccount `json:"accounts,omitempty"`
	CustomFields   []CardField   `json:"custom_fields,omitempty"`
	Tunnels        []CardTunnel  `json:"tunnels,omitempty"`
	Orders         []CardOrder   `json:"orders,omitempty"`
	ContactedUsers []CardUser    `json:"contacted_users,omitempty"`
	LastMessage    string        `json:"last_message,omitempty"`
	Created        string        `json:"created,omitempty"`
	Updated        string        `json:"updated,omitempty"`
}

// CardAccount is one of a person's messenger accounts.
type CardAccount struct {
	AccountID string `json:"account_id"`
	Channel   string `json:"channel,omitempty"`
	Status    string `json:"status,omitempty"`
}

// CardField is a custom field.
type CardField struct {
	Name  string `json:"name"`
	Type  string `json:"type,omitempty"`
	Value string `json:"value"`
}

// CardTunnel is a tunnel the person subscribed to.
type CardTunnel struct {
	TunnelID      string `json:"tunnel_id,omitempty"`
	Tunnel        string `json:"tunnel,omitempty"`
	Leadgentool   string `json:"leadgentool,omitempty"`
	TrafficSource string `json:"traffic_source,omitempty"`
	AccountID     string `json:"account_id,omitempty"`
}

// CardOrder is one of the person's orders.
type CardOrder struct {
	OrderID  string   `json:"order_id"`
	Title    string   `json:"title,omitempty"`
	Price    *float64 `json:"price,omitempty"`
	Currency string   `json:"currency,omitempty"`
	Status   string   `json:"status,omitempty"`
	Method   string   `json:"payment_method,omitempty"`
	Created  string   `json:"created,omitempty"`
}

// CardUser is a manager who talked to the person.
type CardUser struct {
	UserID string `json:"user_id"`
	Name   string `json:"name,omitempty"`
}

// Card is p's full card.
func Card(p *leeloo.Person) PersonCard {
	o := PersonCard{
		PersonID: p.ID, Name: Field(p.Name, 80),
		Phone: Field(p.Phone, 40), Email: Field(p.Email, 120),
		Gender: Field(p.Gender, 20), Locale: Field(p.Locale, 20),
		Tags:        fields(p.Tags, 60),
		LastMessage: Timestamp(p.LastMessageTime.Time),
		Created:     Timestamp(p.CreatedAt.Time), Updated: Timestamp(p.UpdatedAt.Time),
	}
	o.Accounts = cardAccounts(p.Accounts)
	for _, f := range p.CustomFields {
		if f.Value == "" || f.Value == leeloo.NotDefined {
			continue
		}
		o.CustomFields = append(o.CustomFields, CardField{Name: Field(f.Name, 60), Type: f.Type, Value: Field(f.Value, 300)})
	}
	for _, s := range p.SubscribeHistory {
		o.Tunnels = append(o.Tunnels, CardTunnel{
			TunnelID: s.TunnelID, Tunnel: Field(s.TunnelName, 80), Leadgentool: Field(s.LeadgentoolName, 80),
			TrafficSource: Field(s.TrafficSource, 80), AccountID: s.AccountID,
		})
	}
	if p.Included != nil {
		for _, ord := range p.Included.Orders {
			o.Orders = append(o.Orders, CardOrder{
				OrderID: ord.ID, Title: Field(ord.Title, 120), Price: new(float64(ord.Price)), Currency: ord.Currency,
				Status: ord.Status, Method: ord.PaymentMethod, Created: Timestamp(ord.CreatedAt.Time),
			})
		}
		for _, u := range p.Included.Users {
			o.ContactedUsers = append(o.ContactedUsers, CardUser{UserID: u.ID, Name: Field(u.Name, 80)})
		}
	}
	// Without included records the card's links still name them by id.
	if p.Included == nil {
		for _, k := range slices.Sorted(maps.Keys(p.Links)) {
			for _, l := range p.Links[k] {
				switch strings.ToLower(k) {
				case "orders", "order":
					o.Orders = append(o.Orders, CardOrder{OrderID: l.ID})
				case "users", "user", "contactedusers":
					o.ContactedUsers = append(o.ContactedUsers, CardUser{UserID: l.ID})
				}
			}
		}
	}
	return o
}

// fields sanitizes a list of short strings, dropping empty ones.
func fields(in []string, max int) []string {
	var out []string
	for _, s := range in {
		if s = Field(s, max); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Summary is the part of p's card that lists show: contacts, tags, accounts
// and the last message.
func Summary(p *leeloo.Person) PersonCard {
	c := PersonCard{
		PersonID: p.ID, Name: Field(p.Name, 80), Phone: Field(p.Phone, 40), Email: Field(p.Email, 120),
		Tags: fields(p.Tags, 60), LastMessage: Timestamp(p.LastMessageTime.Time),
	}
	c.Accounts = cardAccounts(p.Accounts)
	return c
}

func cardAccounts(in []leeloo.Account) []CardAccount {
	var out []CardAccount
	for _, a := range in {
		st := a.ConnectionStatus
		if st == "OK" {
			st = ""
		}
		out = append(out, CardAccount{AccountID: a.AccountID, Channel: a.From, Status: Field(st, 40)})
	}
	return out
}
