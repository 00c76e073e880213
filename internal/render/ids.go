package render

import (
	"fmt"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// IDKind is a kind of Leeloo id a model may have to find.
type IDKind int

// The kinds of id, each with the tools that supply it (idSources).
const (
	PersonIDs IDKind = iota
	AccountIDs
	OrderIDs
	TunnelIDs
	UserIDs
	TemplateIDs
	CategoryIDs
	LeadgenIDs
	ConnectionIDs
	TagIDs
)

// idSources is the one home of where each kind of id comes from: tools,
// resources, prompts and error hints all say it through IDsFrom.
var idSources = [...]struct{ noun, from string }{
	PersonIDs:     {"person", "search_people (by tag, phone, email or last-message dates) or get_person_by_account"},
	AccountIDs:    {"account", "get_person (accounts), search_people or list_communication_channels"},
	OrderIDs:      {"order", "list_orders or get_person (orders)"},
	TunnelIDs:     {"tunnel", "list_tunnels"},
	UserIDs:       {"user", "list_users"},
	TemplateIDs:   {"template", "list_templates"},
	CategoryIDs:   {"category", "list_template_categories"},
	LeadgenIDs:    {"leadgen tool", "get_tunnel"},
	ConnectionIDs: {"connection", "list_connections"},
	TagIDs:        {"tag", "list_tags"},
}

// IDsFrom says where ids of kind k come from, e.g. "tunnel ids come from
// list_tunnels".
func IDsFrom(k IDKind) string {
	s := idSources[k]
	return s.noun + " ids come from " + s.from
}

// NotAnID is the refusal of a value v of field that is not a Leeloo id.
func NotAnID(field, v string) string {
	return fmt.Sprintf("%s %q is not a Leeloo id (24 hex characters)", field, Field(v, 40))
}

// IDProblem is the one id check: "" when v is a Leeloo id (leeloo.ValidID),
// else what is wrong and where ids of kind k come from.
func IDProblem(field, v string, k IDKind) string {
	switch {
	case leeloo.ValidID(v):
		return ""
	case v == "":
		return field + " is required; " + IDsFrom(k)
	}
	return NotAnID(field, v) + "; " + IDsFrom(k)
}
