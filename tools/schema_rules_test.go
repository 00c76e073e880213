package tools_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
)

// publishedSchema is a tool's input schema as tools/list publishes it.
func publishedSchema(t *testing.T, h *harness, tool string) map[string]any {
	t.Helper()
	for _, tl := range h.all {
		if tl.Tool.Name == tool {
			var s map[string]any
			require.NoError(t, json.Unmarshal(tl.Tool.RawInputSchema, &s))
			return s
		}
	}
	require.FailNow(t, "no tool "+tool)
	return nil
}

// schemaAt is the value at a path of property names and keywords.
func schemaAt(s map[string]any, path ...string) any {
	var v any = s
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// TestSchemaStatesEveryArgumentRule: a rule the tools enforce on one
// argument is in its published schema, where the model reads it before
// calling, and the validator (tools/validate.go) is its one check.
func TestSchemaStatesEveryArgumentRule(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	cases := []struct {
		tool string
		path []string
		want any
	}{
		{"update_manual_order", []string{"properties", "status", "enum"}, []any{"RESOLVED", "REJECTED"}},
		{"log_call", []string{"properties", "status", "enum"}, []any{"TALKING", "SUCCESS", "NO_ANSWER", "CLOSED_BY_SYSTEM"}},
		{"log_call", []string{"properties", "type", "enum"}, []any{"INBOUND", "OUTBOUND"}},
		{"log_call", []string{"properties", "record_link", "pattern"}, `^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+`},
		{"send_template", []string{"properties", "variables", "additionalProperties", "maxLength"}, 4096.0},
	}
	for _, c := range cases {
		t.Run(c.tool+" "+strings.Join(c.path[1:], "."), func(t *testing.T) {
			assert.Equal(t, c.want, schemaAt(publishedSchema(t, h, c.tool), c.path...))
		})
	}
}

// TestSchemaRefusalsSayTheRule: what the schema refuses is refused in the
// validator's words, before the handler runs and before anything is sent:
// enums are exact (the schema lists the values; no handler folds case).
func TestSchemaRefusalsSayTheRule(t *testing.T) {
	valid := guardMutatingArgs()
	call := func(kv ...any) map[string]any { return guardWith(valid["log_call"], kv...) }
	cases := []struct {
		name string
		tool string
		args map[string]any
		msg  string
	}{
		{"lowercase order status", "update_manual_order", guardWith(valid["update_manual_order"], "status", "resolved"),
			"status must be one of RESOLVED, REJECTED, not resolved"},
		{"lowercase call status", "log_call", call("status", "success"), "status must be one of TALKING, SUCCESS, NO_ANSWER, CLOSED_BY_SYSTEM, not success"},
		{"lowercase call type", "log_call", call("type", "outbound"), "type must be one of INBOUND, OUTBOUND, not outbound"},
		{"record link not http", "log_call", call("record_link", "ftp://calls.example.com/1.mp3"),
			`record_link "ftp://calls.example.com/1.mp3" does not match the pattern ^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+`},
		{"record link without a host", "log_call", call("record_link", "https:///1.mp3"), "record_link"},
		{"blank from", "log_call", call("from", "  "), "from must not be empty"},
		{"template variable too long", "send_template", guardWith(valid["send_template"],
			"variables", map[string]any{"name": strings.Repeat("я", 4097)}), "variables.name is 4097 characters; the limit is 4096"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
			r := h.fail(c.tool, c.args)
			assert.Contains(t, r.Text(), c.msg)
			assert.Empty(t, h.writes())
		})
	}
	for _, link := range []string{"https://calls.example.com/1.mp3", "HTTP://CALLS.EXAMPLE.COM/1.mp3"} {
		t.Run("an http(s) record link passes: "+link, func(t *testing.T) {
			h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
			h.ok("log_call", call("record_link", link))
			require.Len(t, h.writes(), 1, "a URL scheme is case-insensitive")
		})
	}
}
