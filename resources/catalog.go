package resources

import (
	"context"

	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// Caps on the reference lists.
const (
	maxUsers      = 500
	maxCategories = 100
)

type tagOut struct {
	TagID string `json:"tag_id"`
	Name  string `json:"name"`
}

// tags is leeloo://tags.
func tags(c *leeloo.Client) server.ServerResource {
	return static(TagsURI, "tags", "Tags",
		"Every tag of the account as JSON (tag_id, name). People are searched by tag name; add_tag and remove_tag take the tag_id.",
		func(ctx context.Context) (any, error) {
			ts, _, err := c.Tags.List(ctx)
			if err != nil {
				return nil, upstream("listing tags", err, "")
			}
			out := struct {
				Tags []tagOut `json:"tags"`
			}{Tags: make([]tagOut, 0, len(ts))}
			for _, t := range ts {
				out.Tags = append(out.Tags, tagOut{TagID: t.ID, Name: render.Field(t.Name, 80)})
			}
			return out, nil
		})
}

type templateOut struct {
	TemplateID string `json:"template_id"`
	Name       string `json:"name"`
}

type categoryOut struct {
	CategoryID string        `json:"category_id"`
	Name       string        `json:"name"`
	Templates  []templateOut `json:"templates"`
}

// messageTemplates is leeloo://templates: categories with their templates.
func messageTemplates(c *leeloo.Client) server.ServerResource {
	return static(TemplatesURI, "templates", "Message templates",
		"Message templates by category as JSON (category_id, name, templates[template_id, name]). send_template delivers one, also outside a messenger's reply window.",
		func(ctx context.Context) (any, error) {
			cats, _, err := c.Templates.ListCategories(ctx)
			if err != nil {
				return nil, upstream("listing template categories", err, "")
			}
			out := struct {
				Categories []categoryOut `json:"categories"`
				Truncated  bool          `json:"truncated,omitempty"`
			}{Categories: make([]categoryOut, 0, len(cats))}
			if len(cats) > maxCategories {
				cats, out.Truncated = cats[:maxCategories], true
			}
			for _, cat := range cats {
				ts, _, err := c.Templates.List(ctx, cat.ID)
				if err != nil {
					return nil, upstream("listing the templates of category "+cat.ID, err, "")
				}
				co := categoryOut{CategoryID: cat.ID, Name: render.Field(cat.Name, 80), Templates: make([]templateOut, 0, len(ts))}
				for _, t := range ts {
					co.Templates = append(co.Templates, templateOut{TemplateID: t.ID, Name: render.Field(t.MessageName, 120)})
				}
				out.Categories = append(out.Categories, co)
			}
			return out, nil
		})
}

type connectionOut struct {
	ConnectionID string `json:"connection_id"`
	Type         string `json:"type"`
	Name         string `json:"name"`
}

// connections is leeloo://connections.
func connections(c *leeloo.Client) server.ServerResource {
	return static(ConnectionsURI, "connections", "Messenger connections",
		"The account's messenger connections (bots and gateways) as JSON: connection_id, type, name.",
		func(ctx context.Context) (any, error) {
			cs, _, err := c.Connections.List(ctx)
			if err != nil {
				return nil, upstream("listing connections", err, "")
			}
			out := struct {
				Connections []connectionOut `json:"connections"`
			}{Connections: make([]connectionOut, 0, len(cs))}
			for _, cn := range cs {
				out.Connections = append(out.Connections, connectionOut{ConnectionID: cn.ID, Type: cn.Type, Name: render.Field(cn.Name, 80)})
			}
			return out, nil
		})
}

// users is leeloo://users: every platform user (manager), up to maxUsers.
func users(c *leeloo.Client) server.ServerResource {
	return static(UsersURI, "users", "Users (managers)",
		"The account's platform users (managers and operators) as JSON: user_id, name. user_id is the managerId of create_order and the user_id of log_call.",
		func(ctx context.Context) (any, error) {
			out := struct {
				Users     []render.CardUser `json:"users"`
				Truncated bool              `json:"truncated,omitempty"`
			}{Users: []render.CardUser{}}
			fetch := func(ctx context.Context, o leeloo.ListOptions) ([]leeloo.User, *leeloo.Response, error) {
				return c.Users.List(ctx, &o)
			}
			for u, err := range leeloo.All(ctx, fetch, leeloo.IterOptions{MaxItems: maxUsers + 1}) {
				if err != nil {
					return nil, upstream("listing users", err, "")
				}
				if len(out.Users) == maxUsers {
					out.Truncated = true
					break
				}
				out.Users = append(out.Users, render.CardUser{UserID: u.ID, Name: render.Field(u.Name, 80)})
			}
			return out, nil
		})
}
