package tools_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// hostileArgs are arguments every tool accepts; mutating tools get dry_run,
// so their previews are checked and nothing is written.
func hostileArgs() map[string]map[string]any {
	id := "5e18a2a3ed0b7a000d6c9484"
	return map[string]map[string]any{
		"search_people": {}, "get_person": {"person_id": id}, "get_person_by_account": {"account_id": id},
		"create_person":               {"name": "Ann\u202e", "leadgentool_id": id, "dry_run": true},
		"update_person":               {"person_id": id, "email": "ann@example.com", "dry_run": true},
		"add_comment":                 {"person_id": id, "comment": "called\u200b back", "dry_run": true},
		"list_communication_channels": {}, "get_chat_messages": {"account_id": id},
		"send_message":             {"account_id": id, "text": "Hi\u202e 100 USD\U000E0041", "dry_run": true},
		"list_template_categories": {}, "list_templates": {"category_id": id},
		"send_template": {"account_id": id, "template_id": id, "variables": map[string]any{"name": "Ann\u2066"}, "dry_run": true},
		"list_orders":   {}, "get_order": {"order_id": id},
		"create_order":        {"person_id": id, "offer_id": id, "payment_credits_id": id, "dry_run": true},
		"update_manual_order": {"order_id": id, "status": "REJECTED", "dry_run": true},
		"list_tags":           {}, "add_tag": {"person_id": id, "tag": id, "dry_run": true}, "remove_tag": {"person_id": id, "tag": id, "dry_run": true},
		"list_tunnels": {}, "get_tunnel": {"tunnel_id": id}, "get_tunnels_stats": {}, "get_tunnel_stats": {"tunnel_id": id},
		"subscribe_to_tunnel":   {"account_id": id, "tunnel_id": id, "tunnel_block_id": id, "dry_run": true},
		"create_traffic_source": {"leadgentool_id": id, "name": "ad", "dry_run": true},
		"add_sms_contacts":      {"contacts": []map[string]any{{"phone": "+380501234567", "name": "Ann"}}, "connection_id": id, "leadgentool_id": id, "dry_run": true},
		"list_users":            {}, "get_user": {"user_id": id},
		"list_connections": {},
		"log_call": {"user_id": id, "account_id": id, "from": "+380501234567", "to": "+380501234568", "date": "2026-03-01",
			"duration_seconds": 60, "status": "ANSWERED", "type": "OUTGOING", "dry_run": true},
		"wait_for_events": {"since": "0-0", "timeout_seconds": 1},
		"webhook_url":     {},
	}
}

// hostileRoutes answers every endpoint of the catalog with its documented
// sample, with the attack written into every string.
func hostileRoutes(t *testing.T, all []tools.Tool) []testutil.Route {
	t.Helper()
	var rs []testutil.Route
	for _, tl := range all {
		if _, err := os.Stat(filepath.Join(testutil.FixtureDir(), tl.Tool.Name+".json")); err == nil {
			rs = append(rs, testutil.Route{Endpoint: tl.Endpoint, Fixture: tl.Tool.Name + ".json"})
		}
	}
	return rs
}

// TestHostileLeelooNeverReachesTheModelRaw: against a Leeloo that writes a
// fence escape, an instruction and invisible characters into every string
// of every reply, every tool's text (and every preview a human approves) has
// only the server's own fences and no invisible character, and every
// structured result has no markup at all. The catalog drives the loop, so a
// new tool or field cannot skip it.
func TestHostileLeelooNeverReachesTheModelRaw(t *testing.T) {
	probe := tools.All(&tools.Deps{})
	args := hostileArgs()
	hs := testutil.HostileLeeloo(t, sandbox.Prefix, hostileRoutes(t, probe))
	h := newHarness(t, harnessOpts{Mode: guard.ModePreview, MaxSendsPerHour: -1, Leeloo: hs.URL + sandbox.Prefix, Events: hostileEvents(t)})

	marks := 0
	for _, tl := range h.all {
		name := tl.Tool.Name
		a, ok := args[name]
		require.True(t, ok, "hostileArgs has no arguments for %s: add them", name)
		t.Run(name, func(t *testing.T) {
			r := h.call(name, a)
			outside := testutil.AssertSafeText(t, r.Text(), name)
			if strings.Contains(r.Text(), testutil.HostileMark) {
				marks++
			}
			assert.NotContains(t, outside, "\u212A</", name)
			if len(r.StructuredContent) > 0 {
				testutil.AssertSafeJSON(t, r.StructuredContent, name)
				var v any
				assert.NoError(t, json.Unmarshal(r.StructuredContent, &v), "structured content stays valid JSON")
			}
		})
	}
	assert.Greater(t, marks, len(h.all)/2, "the attack reached most results (cleaned): the check is not vacuous")
}

// hostileEvents is a hub whose log holds testutil.HostileWebhooks.
func hostileEvents(t *testing.T) *events.Hub {
	t.Helper()
	log := events.NewLog(guard.NewMemoryStore(nil), events.LogOptions{})
	for _, b := range testutil.HostileWebhooks() {
		ev, key := events.Decode(b, time.Now())
		_, _, err := log.Add(context.Background(), ev, key)
		require.NoError(t, err)
	}
	return &events.Hub{Log: log}
}
