package tools_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// catalogEntry is one row of the endpoint catalog (shared/api/ENDPOINTS.md):
// the fixed tool name, its kind (R, W, W ext) and its endpoint.
type catalogEntry struct{ name, kind, endpoint string }

// endpointCatalog restates ENDPOINTS.md; tool names and kinds are fixed there.
var endpointCatalog = []catalogEntry{
	{"list_template_categories", "R", "GET /categories/templates"},
	{"list_templates", "R", "GET /categories/templates/{category_id}"},
	{"send_template", "W ext", "POST /messages/send-template"},
	{"get_chat_messages", "R", "GET /communication-channels/{account_id}/chat-messages"},
	{"send_message", "W ext", "POST /messages/send-message"},
	{"list_communication_channels", "R", "GET /communication-channels"},
	{"get_person_by_account", "R", "GET /communication-channels/{account_id}/person"},
	{"create_traffic_source", "W", "POST /leadgentools/{leadgentool_id}/create-traffic-source"},
	{"create_order", "W ext", "POST /orders"},
	{"list_orders", "R", "GET /orders"},
	{"get_order", "R", "GET /orders/{order_id}"},
	{"update_manual_order", "W", "POST /orders/{order_id}"},
	{"search_people", "R", "GET /people"},
	{"get_person", "R", "GET /people/{person_id}"},
	{"update_person", "W", "PUT /people/{person_id}"},
	{"create_person", "W", "POST /people"},
	{"add_sms_contacts", "W", "POST /people/sms"},
	{"add_comment", "W", "PUT /people/{person_id}/add-comment"},
	{"list_tags", "R", "GET /tags"},
	{"remove_tag", "W", "PUT /people/{person_id}/remove-tag"},
	{"add_tag", "W", "PUT /people/{person_id}/add-tag"},
	{"list_tunnels", "R", "GET /tunnels"},
	{"get_tunnel", "R", "GET /tunnels/{tunnel_id}"},
	{"get_tunnels_stats", "R", "GET /tunnels/stats"},
	{"get_tunnel_stats", "R", "GET /tunnels/{tunnel_id}/stats"},
	{"list_users", "R", "GET /users"},
	{"get_user", "R", "GET /users/{user_id}"},
	{"list_connections", "R", "GET /connections"},
	{"subscribe_to_tunnel", "W ext", "POST /communication-channels/{account_id}/manual-subscribe"},
	{"log_call", "W", "POST /calls"},
}

// serverCatalog is the tools of the server's own beyond the API's endpoints.
var serverCatalog = []catalogEntry{
	{"wait_for_events", "R", "webhooks / GET /communication-channels"},
	{"webhook_url", "R", "webhooks"},
}

// destructiveTools are the only tools whose effect cannot be undone by
// calling another tool (a card overwritten, a tag removed, an order closed).
var destructiveTools = []string{"update_person", "remove_tag", "update_manual_order"}

// duplicateGuarded are the tools that take allow_duplicate: the repeatable customer-facing ones.
var duplicateGuarded = []string{"send_message", "send_template", "create_order", "subscribe_to_tunnel"}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// forbiddenSchemaKeys are keywords several MCP clients reject or mishandle.
var forbiddenSchemaKeys = []string{"$schema", "$id", "$defs", "definitions", "$ref", "anyOf", "oneOf", "allOf"}

// schemaWire is the part of an input schema the guardrails read.
type schemaWire struct {
	Type                 string                     `json:"type"`
	Properties           map[string]json.RawMessage `json:"properties"`
	AdditionalProperties *bool                      `json:"additionalProperties"`
	Required             []string                   `json:"required"`
}

// walkSchema calls visit on every object of a schema document.
func walkSchema(path string, v any, visit func(path string, obj map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		visit(path, x)
		for k, c := range x {
			walkSchema(path+"/"+k, c, visit)
		}
	case []any:
		for _, c := range x {
			walkSchema(path+"/[]", c, visit)
		}
	}
}

// TestToolGuardrails checks every shipped tool, as tools/list publishes it,
// against the rules of the endpoint catalog and STYLE.md.
func TestToolGuardrails(t *testing.T) {
	h := newToolsHarness(t, guard.ModeOff)
	_, wire := wireTools(t, toolsList(t, h.srv))

	want := map[string]catalogEntry{}
	for _, e := range endpointCatalog {
		want[e.name] = e
	}
	require.Len(t, want, 30, "the catalog has 30 distinct tools")
	for _, e := range serverCatalog {
		want[e.name] = e
	}

	seen := map[string]bool{}
	for _, tl := range h.all {
		name := tl.Tool.Name
		assert.False(t, seen[name], "duplicate tool name %s", name)
		seen[name] = true
	}
	got := toolNames(h.all)
	sort.Strings(got)
	var wantNames []string
	for n := range want {
		wantNames = append(wantNames, n)
	}
	sort.Strings(wantNames)
	require.Equal(t, wantNames, got, "the tools must be exactly the 30 of ENDPOINTS.md and the server's own")

	mutating := 0
	for _, tl := range h.all {
		name := tl.Tool.Name
		e := want[name]
		t.Run(name, func(t *testing.T) {
			assert.Regexp(t, snakeCase, name)
			assert.NotEmpty(t, tl.Tool.Description, "description")
			assert.NotEmpty(t, tl.Tool.Annotations.Title, "title")
			assert.Contains(t, tools.Toolsets, tl.Toolset, "toolset")
			assert.Equal(t, e.endpoint, tl.Endpoint, "endpoint")
			assert.Equal(t, e.kind != "R", tl.Mutating, "mutating (kind %s)", e.kind)
			assert.Equal(t, e.kind == "W ext", tl.CustomerFacing, "customer-facing (kind %s)", e.kind)

			// The hints as a client reads them off the wire.
			var onWire struct {
				Annotations mcp.ToolAnnotation `json:"annotations"`
				InputSchema json.RawMessage    `json:"inputSchema"`
			}
			require.NoError(t, json.Unmarshal(wire[name], &onWire))
			hints := tools.EffectiveHints(onWire.Annotations)
			assert.Equal(t, tools.EffectiveHints(tl.Tool.Annotations), hints, "hints survive marshalling")
			assert.Equal(t, !tl.Mutating, hints.ReadOnly, "readOnlyHint")
			assert.Equal(t, slices.Contains(destructiveTools, name), hints.Destructive, "destructiveHint")
			assert.True(t, hints.OpenWorld, "openWorldHint: every tool talks to Leeloo")
			if !tl.Mutating {
				assert.True(t, hints.Idempotent, "a read is idempotent")
			}

			// Schema shape.
			var s schemaWire
			require.NoError(t, json.Unmarshal(onWire.InputSchema, &s))
			assert.Equal(t, "object", s.Type)
			assert.NotNil(t, s.Properties, "properties must be present, even when empty")
			if assert.NotNil(t, s.AdditionalProperties, "additionalProperties") {
				assert.False(t, *s.AdditionalProperties, "additionalProperties must be false")
			}
			for _, r := range s.Required {
				assert.Contains(t, s.Properties, r, "required field %s is not a property", r)
			}
			var doc any
			require.NoError(t, json.Unmarshal(onWire.InputSchema, &doc))
			walkSchema("", doc, func(path string, obj map[string]any) {
				for _, k := range forbiddenSchemaKeys {
					assert.NotContains(t, obj, k, "%s has %s", path, k)
				}
				if _, nested := obj["properties"]; nested && path != "" {
					assert.Equal(t, false, obj["additionalProperties"], "%s: nested objects are closed too", path)
				}
			})

			// Guard controls.
			_, dry := s.Properties["dry_run"]
			_, tok := s.Properties["confirm_token"]
			_, dup := s.Properties["allow_duplicate"]
			assert.Equal(t, tl.Mutating, dry, "dry_run on mutating tools only")
			assert.Equal(t, tl.Mutating, tok, "confirm_token on mutating tools only")
			assert.Equal(t, slices.Contains(duplicateGuarded, name), dup, "allow_duplicate")
			for _, ctl := range []string{"dry_run", "confirm_token", "allow_duplicate"} {
				assert.NotContains(t, s.Required, ctl, "%s must be optional", ctl)
			}
		})
		if tl.Mutating {
			mutating++
		}
	}
	assert.Equal(t, 13, mutating, "mutating tools")
}
