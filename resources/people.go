package resources

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// personCard is a person's card as a model reads it: empty fields left out,
// customer-supplied strings sanitized.
type personCard struct {
	Note           string       `json:"note"`
	PersonID       string       `json:"person_id"`
	Name           string       `json:"name,omitempty"`
	Phone          string       `json:"phone,omitempty"`
	Email          string       `json:"email,omitempty"`
	Gender         string       `json:"gender,omitempty"`
	Locale         string       `json:"locale,omitempty"`
	Tags           []string     `json:"tags,omitempty"`
	Accounts       []accountOut `json:"accounts,omitempty"`
	CustomFields   []fieldOut   `json:"custom_fields,omitempty"`
	Tunnels        []tunnelSub  `json:"tunnels,omitempty"`
	Orders         []orderOut   `json:"orders,omitempty"`
	ContactedUsers []userOut    `json:"contacted_users,omitempty"`
	LastMessage    string       `json:"last_message,omitempty"`
	Created        string       `json:"created,omitempty"`
	Updated        string       `json:"updated,omitempty"`
}

type accountOut struct {
	AccountID string `json:"account_id"`
	Channel   string `json:"channel,omitempty"`
	Status    string `json:"status,omitempty"`
}

type fieldOut struct {
	Name  string `json:"name"`
	Type  string `json:"type,omitempty"`
	Value string `json:"value"`
}

type tunnelSub struct {
	TunnelID      string `json:"tunnel_id,omitempty"`
	Tunnel        string `json:"tunnel,omitempty"`
	Leadgentool   string `json:"leadgentool,omitempty"`
	TrafficSource string `json:"traffic_source,omitempty"`
	AccountID     string `json:"account_id,omitempty"`
}

type orderOut struct {
	OrderID  string   `json:"order_id"`
	Title    string   `json:"title,omitempty"`
	Price    *float64 `json:"price,omitempty"`
	Currency string   `json:"currency,omitempty"`
	Status   string   `json:"status,omitempty"`
	Method   string   `json:"payment_method,omitempty"`
	Created  string   `json:"created,omitempty"`
}

type userOut struct {
	UserID string `json:"user_id"`
	Name   string `json:"name,omitempty"`
}

// person is leeloo://people/{person_id}: the card with contacted users and
// orders.
func person(c *leeloo.Client) server.ServerResourceTemplate {
	return server.ServerResourceTemplate{
		Template: mcp.NewResourceTemplate(PersonURI, "person",
			mcp.WithTemplateTitle("Person card"),
			mcp.WithTemplateDescription("A person's card as JSON: contacts, tags, messenger accounts (account_id opens leeloo://chats/{account_id}), custom fields, tunnels, orders and the managers who talked to them. person_id from search_people."),
			mcp.WithTemplateMIMEType(mimeJSON)),
		Handler: func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			id := arg(req, "person_id")
			if err := checkID("person_id", id, findPerson); err != nil {
				return nil, err
			}
			p, _, err := c.People.Get(ctx, id, &leeloo.PersonGetOptions{ContactedUsers: true, Orders: true})
			if err != nil {
				return nil, upstream("reading person "+id, err, findPerson)
			}
			if p.ID == "" {
				p.ID = id
			}
			return jsonContents(req.Params.URI, toCard(p))
		},
	}
}

func toCard(p *leeloo.Person) personCard {
	o := personCard{
		Note: customerDataMsg, PersonID: p.ID, Name: render.Field(p.Name, 80),
		Phone: render.Field(p.Phone, 40), Email: render.Field(p.Email, 120),
		Gender: render.Field(p.Gender, 20), Locale: render.Field(p.Locale, 20),
		Tags:        fields(p.Tags, 60),
		LastMessage: render.Timestamp(p.LastMessageTime.Time),
		Created:     render.Timestamp(p.CreatedAt.Time), Updated: render.Timestamp(p.UpdatedAt.Time),
	}
	for _, a := range p.Accounts {
		st := a.ConnectionStatus
		if st == "OK" {
			st = ""
		}
		o.Accounts = append(o.Accounts, accountOut{AccountID: a.AccountID, Channel: a.From, Status: render.Field(st, 40)})
	}
	for _, f := range p.CustomFields {
		if f.Value == "" || f.Value == leeloo.NotDefined {
			continue
		}
		o.CustomFields = append(o.CustomFields, fieldOut{Name: render.Field(f.Name, 60), Type: f.Type, Value: render.Field(f.Value, 300)})
	}
	for _, s := range p.SubscribeHistory {
		o.Tunnels = append(o.Tunnels, tunnelSub{
			TunnelID: s.TunnelID, Tunnel: render.Field(s.TunnelName, 80), Leadgentool: render.Field(s.LeadgentoolName, 80),
			TrafficSource: render.Field(s.TrafficSource, 80), AccountID: s.AccountID,
		})
	}
	if p.Included != nil {
		for _, ord := range p.Included.Orders {
			o.Orders = append(o.Orders, orderOut{
				OrderID: ord.ID, Title: render.Field(ord.Title, 120), Price: new(float64(ord.Price)), Currency: ord.Currency,
				Status: ord.Status, Method: ord.PaymentMethod, Created: render.Timestamp(ord.CreatedAt.Time),
			})
		}
		for _, u := range p.Included.Users {
			o.ContactedUsers = append(o.ContactedUsers, userOut{UserID: u.ID, Name: render.Field(u.Name, 80)})
		}
	}
	// Without included records the card's links still name them by id.
	if p.Included == nil {
		for _, k := range slices.Sorted(maps.Keys(p.Links)) {
			for _, l := range p.Links[k] {
				switch strings.ToLower(k) {
				case "orders", "order":
					o.Orders = append(o.Orders, orderOut{OrderID: l.ID})
				case "users", "user", "contactedusers":
					o.ContactedUsers = append(o.ContactedUsers, userOut{UserID: l.ID})
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
		if s = render.Field(s, max); s != "" {
			out = append(out, s)
		}
	}
	return out
}
