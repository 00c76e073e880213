package tools_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// bareIDs lists the paths of every key "id" in v.
func bareIDs(v any, path string) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "id" {
				out = append(out, path+".id")
			}
			out = append(out, bareIDs(e, path+"."+k)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, bareIDs(e, path+"[]")...)
		}
	}
	return out
}

// TestOneNamePerThing: every read tool names its ids as the resources and
// the other tools' arguments do (tag_id, category_id, connection_id,
// leadgentool_id, message_id, …), never a bare "id".
func TestOneNamePerThing(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	args := map[string]map[string]any{
		"get_person":            {"person_id": sandbox.DemoPersonID},
		"get_person_by_account": {"account_id": sandbox.DemoAccountID},
		"get_chat_messages":     {"account_id": sandbox.DemoAccountID},
		"list_templates":        {"category_id": sandbox.TemplateCategoryID},
		"get_order":             {"order_id": sandbox.ManualOrderID},
		"get_tunnel":            {"tunnel_id": sandbox.TunnelID},
		"get_tunnel_stats":      {"tunnel_id": sandbox.TunnelID},
		"get_user":              {"user_id": sandbox.UserID},
		"wait_for_events":       {"timeout_seconds": 0},
	}
	for _, tl := range h.all {
		if tl.Mutating {
			continue
		}
		name := tl.Tool.Name
		r := h.ok(name, args[name])
		if name == "get_chat_messages" { // a transcript: no ids at all
			assert.NotRegexp(t, `[0-9a-f]{24}\b.*[0-9a-f]{24}`, strings.SplitN(r.Text(), "\n", 2)[1], name)
			continue
		}
		var sc any
		require.NoError(t, json.Unmarshal(r.TextJSON(t), &sc), name)
		assert.Empty(t, bareIDs(sc, name), "%s answers a bare id", name)
	}
}

// TestPersonByAccountIsTheSameCard: get_person_by_account answers exactly
// the card get_person does (orders with title, price and status, managers
// with names).
func TestPersonByAccountIsTheSameCard(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	byPerson := h.ok("get_person", map[string]any{"person_id": sandbox.DemoPersonID})
	byAccount := h.ok("get_person_by_account", map[string]any{"account_id": sandbox.DemoAccountID})
	assert.JSONEq(t, string(byPerson.TextJSON(t)), string(byAccount.TextJSON(t)))
	assert.Equal(t, byPerson.Text(), byAccount.Text())
}

// TestGuardArgumentsDescribed: a client that drops the server instructions
// still learns what dry_run, confirm_token, allow_duplicate and account_id
// are, in a few words each.
func TestGuardArgumentsDescribed(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	for _, tl := range h.all {
		var s struct {
			Properties map[string]struct {
				Description string `json:"description"`
			} `json:"properties"`
		}
		require.NoError(t, json.Unmarshal(tl.Tool.RawInputSchema, &s))
		for _, p := range []string{"dry_run", "confirm_token", "allow_duplicate", "account_id"} {
			if prop, ok := s.Properties[p]; ok {
				assert.NotEmpty(t, prop.Description, "%s.%s", tl.Tool.Name, p)
				assert.LessOrEqual(t, len(prop.Description), 60, "%s.%s: a few words", tl.Tool.Name, p)
			}
		}
	}
}

// TestSandboxMarksEveryMutation: in the sandbox every mutating tool's preview
// and result say that nothing is real, in the text and the structured content.
func TestSandboxMarksEveryMutation(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	h.deps.Sandbox = true
	r := h.ok("add_tag", map[string]any{"person_id": sandbox.DemoPersonID, "tag": "Webinar", "dry_run": true})
	assert.Contains(t, r.Text(), tools.SandboxPreviewMark)
	assert.Contains(t, r.Doc(t)["preview"], tools.SandboxPreviewMark)
	r = h.ok("add_tag", map[string]any{"person_id": sandbox.DemoPersonID, "tag": "Webinar"})
	assert.True(t, strings.HasPrefix(r.Text(), tools.SandboxResultMark), r.Text())
	assert.Equal(t, true, r.Doc(t)["sandbox"])
	r = h.ok("create_order", map[string]any{"person_id": sandbox.DemoPersonID, "offer_id": sandbox.OfferID, "payment_credits_id": sandbox.PaymentCreditsID})
	assert.Equal(t, true, r.Doc(t)["sandbox"])
	assert.NotEmpty(t, r.Doc(t)["order_id"], "the result's own fields stay")
}
