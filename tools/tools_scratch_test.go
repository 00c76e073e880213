package tools_test

import (
	"fmt"
	"testing"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

func TestScratch(t *testing.T) {
	h := newToolsHarness(t, guard.ModeOff)
	for _, c := range []struct{ n string; a map[string]any }{
		{"create_person", map[string]any{"name": "Test Person", "phone": "+38 050 111 22 33", "email": "t@example.com", "leadgentool_id": sandbox.LeadgentoolID, "manager_ids": []string{sandbox.UserID}}},
		{"update_person", map[string]any{"person_id": sandbox.DemoPersonID, "email": "new@example.com", "custom_fields": []map[string]any{{"type": "KEYWORD", "name": "city", "value": "Львів"}}}},
		{"add_comment", map[string]any{"person_id": sandbox.DemoPersonID, "comment": "Called back"}},
		{"send_message", map[string]any{"account_id": sandbox.DemoAccountID, "text": "Hello!"}},
		{"send_template", map[string]any{"account_id": sandbox.DemoAccountID, "template_id": sandbox.TemplateID, "variables": map[string]string{"name": "Олена", "discount": "10%"}}},
		{"create_order", map[string]any{"person_id": sandbox.DemoPersonID, "offer_id": sandbox.OfferID, "payment_credits_id": sandbox.PaymentCreditsID, "notify_customer": true}},
		{"update_manual_order", map[string]any{"order_id": sandbox.ManualOrderID, "status": "RESOLVED", "price": 49, "currency": "usd", "comment": "paid by card"}},
		{"update_manual_order", map[string]any{"order_id": sandbox.PaidOrderID, "status": "RESOLVED"}},
		{"add_tag", map[string]any{"person_id": sandbox.DemoPersonID, "tag": "lead"}},
		{"remove_tag", map[string]any{"person_id": sandbox.DemoPersonID, "tag": sandbox.VIPTagID}},
		{"subscribe_to_tunnel", map[string]any{"account_id": sandbox.DemoAccountID, "tunnel_id": sandbox.TunnelID, "tunnel_block_id": "65d1c0a8e4b0a1000c000fff"}},
		{"create_traffic_source", map[string]any{"leadgentool_id": sandbox.LeadgentoolID, "name": "IG story", "description": "March"}},
		{"add_sms_contacts", map[string]any{"connection_id": sandbox.SMSConnectionID, "leadgentool_id": sandbox.LeadgentoolID, "tags": []string{"Lead"}, "contacts": []map[string]any{{"name": "A", "phone": "+380 50 000 00 01"}}}},
		{"log_call", map[string]any{"user_id": sandbox.UserID, "account_id": sandbox.DemoAccountID, "from": "+380 67 123 45 67", "to": "+380441234567", "date": "2026-03-02T11:00:00+02:00", "duration_seconds": 95, "status": "SUCCESS", "type": "INBOUND"}},
		{"log_call", map[string]any{"user_id": sandbox.UserID, "account_id": sandbox.DemoAccountID, "from": "abc", "to": "+380441234567", "date": "2026-03-02T11:00:00+02:00", "duration_seconds": 95, "status": "SUCCESS", "type": "INBOUND"}},
		{"send_message", map[string]any{"account_id": sandbox.FacebookAccountID, "text": "Hello!"}},
	} {
		r := h.call(c.n, c.a)
		fmt.Printf("=== %s %v\n%s\nSC=%s\nerr=%v\nREQ=%v\n", c.n, c.a, r.Text(), r.StructuredContent, r.IsError, h.upstream())
		for _, w := range h.writes() { fmt.Printf("BODY %s %s ct=%s %s\n", w.Method, w.Path, w.ContentType, w.Body) }
		fmt.Println()
		h.sb.ResetRequests()
	}
}
