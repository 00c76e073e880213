package tools_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// TestCheckedBeforeAsking: what Leeloo would refuse is refused before a human
// is asked to approve it, and nothing is written.
func TestCheckedBeforeAsking(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModePreview})
	person := sandbox.DemoPersonID
	field := func(typ, value string) map[string]any {
		return map[string]any{"person_id": person, "custom_fields": []any{map[string]any{"type": typ, "name": "f", "value": value}}}
	}
	for _, tc := range []struct {
		name, tool string
		args       map[string]any
		want       string
	}{
		{"update_person e-mail", "update_person", map[string]any{"person_id": person, "email": "olena@"}, `email "olena@" is not an e-mail address`},
		{"create_person e-mail", "create_person", map[string]any{"name": "A", "email": "a.example.com", "leadgentool_id": sandbox.LeadgentoolID}, "not an e-mail address"},
		{"create_order e-mail", "create_order", map[string]any{"person_id": person, "offer_id": sandbox.OfferID, "payment_credits_id": sandbox.PaymentCreditsID, "email": "x@y"}, "not an e-mail address"},
		{"DATE field", "update_person", field("DATE", "next Friday"), `custom field f (DATE) "next Friday" is not a date`},
		{"NUMBER field", "update_person", field("NUMBER", "ten"), `custom field f (NUMBER) "ten" is not a number`},
		{"PHONE field", "update_person", field("PHONE", "call me"), `custom field f (PHONE)`},
		{"EMAIL field", "update_person", field("EMAIL", "nobody"), `custom field f (EMAIL) "nobody" is not an e-mail address`},
	} {
		r := h.fail(tc.tool, tc.args)
		assert.Contains(t, r.Text(), tc.want, tc.name)
		assert.NotContains(t, r.Text(), "confirm_token", tc.name)
	}
	assert.Empty(t, h.writes())

	// Well-formed values pass, and a phone field is sent as + and digits.
	r := h.ok("update_person", map[string]any{"person_id": person, "custom_fields": []any{
		map[string]any{"type": "DATE", "name": "birthday", "value": "1990-05-17"},
		map[string]any{"type": "NUMBER", "name": "size", "value": "42.5"},
		map[string]any{"type": "PHONE", "name": "work", "value": "+38 (050) 111-22-33"},
	}})
	assert.Contains(t, r.Text(), `custom field work (PHONE) = "+380501112233"`)
}

// TestOrderStateCheckedBeforeAsking: an order already resolved or rejected
// is refused; partial payments, which the API cannot show, are warned about.
func TestOrderStateCheckedBeforeAsking(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	h.ok("update_manual_order", map[string]any{"order_id": sandbox.ManualOrderID, "status": "RESOLVED"})
	r := h.fail("update_manual_order", map[string]any{"order_id": sandbox.ManualOrderID, "status": "REJECTED"})
	assert.Contains(t, r.Text(), "is already RESOLVED")
	require.Len(t, h.writes(), 1)

	r = h.ok("update_manual_order", map[string]any{"order_id": sandbox.PartialOrderID, "status": "RESOLVED", "dry_run": true})
	assert.Contains(t, r.Text(), "Leeloo refuses an order with partial payments, and its API does not show them")
}

// TestSubscribeAlreadyInTunnel: subscribing someone already in the tunnel
// is said plainly before anyone approves it.
func TestSubscribeAlreadyInTunnel(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	r := h.ok("subscribe_to_tunnel", map[string]any{"account_id": sandbox.DemoAccountID, "tunnel_id": sandbox.TunnelID,
		"tunnel_block_id": sandbox.TunnelBlockID, "dry_run": true})
	assert.Contains(t, r.Text(), "Warning: this account is already subscribed to the tunnel")
	r = h.ok("subscribe_to_tunnel", map[string]any{"account_id": sandbox.FacebookAccountID, "tunnel_id": sandbox.TunnelID,
		"tunnel_block_id": sandbox.TunnelBlockID, "dry_run": true})
	assert.NotContains(t, r.Text(), "already subscribed")
}

// TestMisleadingInputsRefused: an inverted date range is refused rather than
// answering 0 results, and a national phone number asks for the country code
// rather than searching "+0…".
func TestMisleadingInputsRefused(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	for _, tool := range []string{"search_people", "list_communication_channels"} {
		r := h.fail(tool, map[string]any{"last_message_from": "2026-03-01", "last_message_to": "2026-02-01"})
		assert.Contains(t, r.Text(), "last_message_from 2026-03-01 is after last_message_to 2026-02-01", tool)
	}
	r := h.fail("search_people", map[string]any{"phone": "0671234567"})
	assert.Contains(t, r.Text(), "country code")
	assert.NotContains(t, r.Text(), "+0671234567 not found")
	assert.Empty(t, h.upstream(), "nothing asked of Leeloo")
}
