package resources

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

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
			card := render.Card(p)
			card.Note = customerDataMsg
			return jsonContents(req.Params.URI, card)
		},
	}
}
