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
// against the committed catalogue and the rules every tool keeps: a unique
// snake_case name, a description and a title, explicit hints (read-only
// tools really read-only), a flat closed schema, and the guard's controls
// on mutating tools only.
func TestToolGuardrails(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	_, wire := wireTools(t, toolsList(t, h.srv))

	// The committed catalogue (testdata/catalog.json, kept current by
	// TestCatalogueFileIsCurrent) is what a reviewer reads in a diff.
	want := map[string]tools.CatalogEntry{}
	for _, e := range committedCatalogue(t) {
		want[e.Name] = e
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
	require.Equal(t, wantNames, got, "the tools must be exactly those of testdata/catalog.json")

	mutating := 0
	for _, tl := range h.all {
		name := tl.Tool.Name
		e := want[name]
		t.Run(name, func(t *testing.T) {
			assert.Regexp(t, snakeCase, name)
			assert.NotEmpty(t, tl.Tool.Description, "description")
			assert.NotEmpty(t, tl.Tool.Annotations.Title, "title")
			assert.Contains(t, tools.Toolsets, tl.Toolset, "toolset")
			assert.Equal(t, e.Endpoint, tl.Endpoint, "endpoint")
			assert.Equal(t, e.Kind != "R", tl.Mutating, "mutating (kind %s)", e.Kind)
			assert.Equal(t, e.Kind == "W ext", tl.CustomerFacing, "customer-facing (kind %s)", e.Kind)

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
	assert.Equal(t, countCatalogue(t, isMutating), mutating, "mutating tools")
}
