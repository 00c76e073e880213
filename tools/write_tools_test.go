package tools_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// writeCase is one mutating call with the guard off: the one write Leeloo
// must receive, and what the model and a follow-up read must show.
type writeCase struct {
	name string
	tool string
	args map[string]any
	// method, path and body are the one write; body is exact JSON.
	method, path, body string
	// check inspects the result and reads the new state back.
	check func(t *testing.T, h *harness, r toolResult, sc map[string]any)
}

// lastMessage reads an account's newest chat message through
// get_chat_messages: its time ("at"), speaker ("from") and text, unfenced.
func lastMessage(t *testing.T, h *harness, accountID string) map[string]any {
	t.Helper()
	r := h.ok("get_chat_messages", map[string]any{"account_id": accountID, "limit": 1})
	lines := transcriptLines(t, r.Text())
	require.Len(t, lines, 1)
	at, from, text := parseChatLine(t, lines[0])
	return map[string]any{"at": at, "from": from, "text": text}
}

// personCard reads a person through get_person.
func personCard(t *testing.T, h *harness, personID string) map[string]any {
	t.Helper()
	return h.ok("get_person", map[string]any{"person_id": personID}).Doc(t)
}

// id24 requires v to be a Leeloo id and returns it.
func id24(t *testing.T, v any) string {
	t.Helper()
	s, ok := v.(string)
	require.True(t, ok, "%v is not a string", v)
	require.Regexp(t, `^[0-9a-f]{24}$`, s)
	return s
}

func TestWriteTools(t *testing.T) {
	demo, demoAcc := sandbox.DemoPersonID, sandbox.DemoAccountID
	cases := []writeCase{
		{
			name: "create_person",
			tool: "create_person",
			args: map[string]any{
				"name": "Ірина Тест", "phone": "+38 (050) 111-22-33", "email": "iryna.test@example.com",
				"leadgentool_id": sandbox.LeadgentoolID, "manager_ids": []string{sandbox.UserID},
			},
			method: "POST", path: "/people",
			body: `{"name":"Ірина Тест","email":"iryna.test@example.com","phone":"+380501112233",
				"leadgentool_id":"` + sandbox.LeadgentoolID + `","connected_users_ids":["` + sandbox.UserID + `"]}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				pid, aid := id24(t, sc["person_id"]), id24(t, sc["account_id"])
				assert.Equal(t, "Created person "+pid+" with account "+aid+".", r.Text())
				card := personCard(t, h, pid)
				assert.Equal(t, "Ірина Тест", card["name"])
				assert.Equal(t, "+380501112233", card["phone"])
				assert.Equal(t, "iryna.test@example.com", card["email"])
				assert.Equal(t, []any{map[string]any{"user_id": sandbox.UserID, "name": "Max Petrenko"}}, card["contacted_users"])
				acc := scList(t, card, "accounts")[0]
				assert.Equal(t, aid, acc["account_id"])
				assert.Equal(t, "MANUAL", acc["channel"])
				assert.Equal(t, pid, h.ok("get_person_by_account", map[string]any{"account_id": aid}).Doc(t)["person_id"])
			},
		},
		{
			name: "update_person",
			tool: "update_person",
			args: map[string]any{
				"person_id": demo, "phone": "+380 50 999 88 77", "email": "olena.new@example.com",
				"custom_fields": []map[string]any{
					{"type": "KEYWORD", "name": "city", "value": "Львів"},
					{"type": "NUMBER", "name": "orders_total", "value": "3"},
				},
			},
			method: "PUT", path: "/people/" + demo,
			body: `{"phone":"+380509998877","email":"olena.new@example.com","custom_fields":[
				{"type":"KEYWORD","name":"city","value":"Львів"},{"type":"NUMBER","name":"orders_total","value":"3"}]}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				assert.Equal(t, map[string]any{"person_id": demo}, sc)
				assert.Contains(t, r.Text(), "Updated person "+demo+": phone +380671234567 → +380509998877; email olena.kovalenko@gmail.com → olena.new@example.com")
				card := personCard(t, h, demo)
				assert.Equal(t, "+380509998877", card["phone"])
				assert.Equal(t, "olena.new@example.com", card["email"])
				fields := scList(t, card, "custom_fields")
				assert.Equal(t, "Львів", byID(t, fields, "name", "city")["value"])
				assert.Equal(t, "3", byID(t, fields, "name", "orders_total")["value"])
				assert.Equal(t, "1990-04-12", byID(t, fields, "name", "birthday")["value"], "other fields stay")
			},
		},
		{
			name:   "add_comment",
			tool:   "add_comment",
			args:   map[string]any{"person_id": demo, "comment": "Передзвонити у п'ятницю щодо набору"},
			method: "PUT", path: "/people/" + demo + "/add-comment",
			body: `{"comment":"Передзвонити у п'ятницю щодо набору"}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				cid := id24(t, sc["comment_id"])
				assert.Equal(t, demo, sc["person_id"])
				assert.Equal(t, "Comment "+cid+" added to person "+demo+".", r.Text())
				// No tool reads comments back (the API has no endpoint): ask the sandbox.
				cs := h.sb.Comments(demo)
				last := cs[len(cs)-1]
				assert.Equal(t, cid, last.ID)
				assert.Equal(t, "Передзвонити у п'ятницю щодо набору", last.Text)
			},
		},
		{
			name:   "send_message",
			tool:   "send_message",
			args:   map[string]any{"account_id": demoAcc, "text": "Добрий день, Олено! ТТН: 20450123456789."},
			method: "POST", path: "/messages/send-message",
			body: `{"account_id":"` + demoAcc + `","text":"Добрий день, Олено! ТТН: 20450123456789."}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				assert.Equal(t, map[string]any{"sent": true, "account_id": demoAcc}, sc)
				assert.Equal(t, `Sent to "Олена Коваленко" on TELEGRAM (account `+demoAcc+`).`, r.Text())
				m := lastMessage(t, h, demoAcc)
				assert.Equal(t, "us", m["from"])
				assert.Equal(t, "2026-03-02 10:00Z", m["at"])
				assert.Equal(t, "Добрий день, Олено! ТТН: 20450123456789.", m["text"])
			},
		},
		{
			name: "send_template",
			tool: "send_template",
			args: map[string]any{"account_id": demoAcc, "template_id": sandbox.TemplateID,
				"variables": map[string]string{"name": "Олено", "discount": "15%"}},
			method: "POST", path: "/messages/send-template",
			body: `{"account_id":"` + demoAcc + `","template_id":"` + sandbox.TemplateID + `","variables":{"discount":"15%","name":"Олено"}}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				assert.Equal(t, map[string]any{"sent": true, "account_id": demoAcc}, sc)
				assert.Contains(t, r.Text(), sandbox.TemplateID)
				assert.Contains(t, r.Text(), demoAcc)
				m := lastMessage(t, h, demoAcc)
				assert.Equal(t, "us", m["from"])
				assert.Equal(t, "Вітаю, Олено! Дякуємо, що обираєте Lumi 💛 Для вас діє знижка 15% на весь догляд до кінця тижня. Підказати, що обрати?", m["text"])
			},
		},
		{
			name: "create_order notifying the customer",
			tool: "create_order",
			args: map[string]any{
				"person_id": demo, "offer_id": sandbox.OfferID, "payment_credits_id": sandbox.PaymentCreditsID,
				"transaction_date": "2026-03-02T11:30:00+02:00", "manager_id": sandbox.UserID, "notify_customer": true,
			},
			method: "POST", path: "/orders",
			body: `{"paymentCreditsId":"` + sandbox.PaymentCreditsID + `","transactionDate":"2026-03-02T09:30:00.000Z",
				"offerId":"` + sandbox.OfferID + `","isNotifyAccount":"true","personId":"` + demo + `","managerId":"` + sandbox.UserID + `"}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				oid := id24(t, sc["order_id"])
				assert.Equal(t, "Created order "+oid+" (Курс «Догляд за шкірою 30 днів» 49 USD, OPENED).", r.Text())
				o := h.ok("get_order", map[string]any{"order_id": oid}).Doc(t)
				assert.Equal(t, "OPENED", o["status"])
				assert.Equal(t, "MANUAL", o["payment_method"])
				assert.EqualValues(t, 49, o["price"])
				byID(t, scList(t, personCard(t, h, demo), "orders"), "order_id", oid)
				assert.Equal(t, oid, scList(t, h.ok("list_orders", map[string]any{"limit": 1}).Doc(t), "orders")[0]["order_id"], "newest first")
				m := lastMessage(t, h, demoAcc)
				assert.Equal(t, "us", m["from"])
				assert.Equal(t, "Ваше замовлення «Курс «Догляд за шкірою 30 днів»» на суму 49 USD створено. Дякуємо!", m["text"])
			},
		},
		{
			name: "create_order silently, dated now",
			tool: "create_order",
			args: map[string]any{
				"person_id": demo, "offer_id": sandbox.OfferID, "payment_credits_id": sandbox.PaymentCreditsID,
				"phone": "+38 067 123 45 67", "email": "olena.kovalenko@gmail.com",
			},
			method: "POST", path: "/orders",
			body: `{"paymentCreditsId":"` + sandbox.PaymentCreditsID + `","email":"olena.kovalenko@gmail.com","phone":"+380671234567",
				"transactionDate":"2026-03-02T10:00:00.000Z","offerId":"` + sandbox.OfferID + `","isNotifyAccount":"false","personId":"` + demo + `"}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				oid := id24(t, sc["order_id"])
				assert.Equal(t, "OPENED", h.ok("get_order", map[string]any{"order_id": oid}).Doc(t)["status"])
				assert.Equal(t, "customer", lastMessage(t, h, demoAcc)["from"], "nobody was notified")
			},
		},
		{
			name: "update_manual_order resolves",
			tool: "update_manual_order",
			args: map[string]any{
				"order_id": sandbox.ManualOrderID, "status": "RESOLVED", "payment_date": "2026-03-02T11:30:00+02:00",
				"price": 49, "currency": "usd", "comment": "Оплата на рахунок ФОП",
			},
			method: "POST", path: "/orders/" + sandbox.ManualOrderID,
			body: `{"status":"RESOLVED","paymentDate":"2026-03-02 09:30","currency":"USD","price":"49","userComments":"Оплата на рахунок ФОП"}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				assert.Equal(t, map[string]any{"order_id": sandbox.ManualOrderID, "status": "RESOLVED"}, sc)
				assert.Equal(t, "Order "+sandbox.ManualOrderID+" is now RESOLVED.", r.Text())
				o := h.ok("get_order", map[string]any{"order_id": sandbox.ManualOrderID}).Doc(t)
				assert.Equal(t, "RESOLVED", o["status"])
				assert.Equal(t, "2026-03-02 10:00Z", o["updated"])
			},
		},
		{
			name:   "update_manual_order rejects, paid now",
			tool:   "update_manual_order",
			args:   map[string]any{"order_id": sandbox.ManualOrderID, "status": "REJECTED"},
			method: "POST", path: "/orders/" + sandbox.ManualOrderID,
			body: `{"status":"REJECTED","paymentDate":"2026-03-02 10:00"}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				assert.Equal(t, "REJECTED", sc["status"])
				assert.Equal(t, "REJECTED", h.ok("get_order", map[string]any{"order_id": sandbox.ManualOrderID}).Doc(t)["status"])
			},
		},
		{
			name:   "add_tag by name",
			tool:   "add_tag",
			args:   map[string]any{"person_id": demo, "tag": "lead"},
			method: "PUT", path: "/people/" + demo + "/add-tag",
			body: `{"tag_id":"` + sandbox.LeadTagID + `"}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				assert.Equal(t, map[string]any{"person_id": demo, "tag_id": sandbox.LeadTagID}, sc)
				assert.Equal(t, `Tag "Lead" added to person `+demo+`.`, r.Text())
				assert.Equal(t, []string{"VIP", "Customer", "Lead"}, scStrings(personCard(t, h, demo), "tags"))
			},
		},
		{
			name:   "remove_tag by id",
			tool:   "remove_tag",
			args:   map[string]any{"person_id": demo, "tag": sandbox.VIPTagID},
			method: "PUT", path: "/people/" + demo + "/remove-tag",
			body: `{"tag_id":"` + sandbox.VIPTagID + `"}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				assert.Equal(t, map[string]any{"person_id": demo, "tag_id": sandbox.VIPTagID}, sc)
				assert.Equal(t, `Tag "VIP" removed from person `+demo+`.`, r.Text())
				assert.Equal(t, []string{"Customer"}, scStrings(personCard(t, h, demo), "tags"))
				for _, p := range scList(t, h.ok("search_people", map[string]any{"tags": []string{"VIP"}, "limit": 100}).Doc(t), "people") {
					assert.NotEqual(t, demo, p["person_id"])
				}
			},
		},
		{
			name:   "subscribe_to_tunnel",
			tool:   "subscribe_to_tunnel",
			args:   map[string]any{"account_id": sandbox.InstagramAccountID, "tunnel_id": sandbox.TunnelID, "tunnel_block_id": "65d1c0a8e4b0a1000c000f01"},
			method: "POST", path: "/communication-channels/" + sandbox.InstagramAccountID + "/manual-subscribe",
			body: `{"tunnel_id":"` + sandbox.TunnelID + `","tunnel_block_id":"65d1c0a8e4b0a1000c000f01"}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				assert.Equal(t, map[string]any{"account_id": sandbox.InstagramAccountID, "tunnel_id": sandbox.TunnelID}, sc)
				assert.Contains(t, r.Text(), `"Софія Бондаренко" on INSTAGRAM`)
				assert.Contains(t, r.Text(), `tunnel "Lumi: основна воронка"`)
				card := h.ok("get_person_by_account", map[string]any{"account_id": sandbox.InstagramAccountID}).Doc(t)
				tun := byID(t, scList(t, card, "tunnels"), "tunnel_id", sandbox.TunnelID)
				assert.Equal(t, sandbox.InstagramAccountID, tun["account_id"])
			},
		},
		{
			name:   "create_traffic_source",
			tool:   "create_traffic_source",
			args:   map[string]any{"leadgentool_id": sandbox.LeadgentoolID, "name": "Instagram stories, березень", "description": "Промо 15%"},
			method: "POST", path: "/leadgentools/" + sandbox.LeadgentoolID + "/create-traffic-source",
			body: `{"name":"Instagram stories, березень","description":"Промо 15%"}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				sid := id24(t, sc["traffic_source_id"])
				assert.Equal(t, sandbox.LeadgentoolID, sc["leadgentool_id"])
				assert.NotEmpty(t, sc["hash"])
				assert.Equal(t, `Created traffic source `+sid+` ("Instagram stories, березень").`, r.Text())
				// No tool lists traffic sources (the API has no endpoint): ask the sandbox.
				srcs := h.sb.TrafficSources(sandbox.LeadgentoolID)
				last := srcs[len(srcs)-1]
				assert.Equal(t, sid, last.ID)
				assert.Equal(t, "Instagram stories, березень", last.Name)
				assert.Equal(t, "Промо 15%", last.Description)
			},
		},
		{
			name: "add_sms_contacts",
			tool: "add_sms_contacts",
			args: map[string]any{
				"contacts": []map[string]any{
					{"name": "Ivan Test", "phone": "+380 93 000 00 01", "email": "ivan.test@example.com"},
					{"name": "Олена Коваленко", "phone": "+380671234567"},
				},
				"connection_id": sandbox.SMSConnectionID, "leadgentool_id": sandbox.LeadgentoolID,
				"tags": []string{"lead", sandbox.VIPTagID},
			},
			method: "POST", path: "/people/sms",
			body: `{"data":[{"name":"Ivan Test","email":"ivan.test@example.com","phone":"+380930000001"},{"name":"Олена Коваленко","phone":"+380671234567"}],
				"connection_id":"` + sandbox.SMSConnectionID + `","leadgentool_id":"` + sandbox.LeadgentoolID + `",
				"tags":["` + sandbox.LeadTagID + `","` + sandbox.VIPTagID + `"]}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				assert.EqualValues(t, map[string]any{"count_to_process": float64(2)}, sc)
				assert.Equal(t, "Leeloo accepted 2 contacts for processing.", r.Text())
				found := scList(t, h.ok("search_people", map[string]any{"phone": "+380930000001"}).Doc(t), "people")
				require.Len(t, found, 1)
				assert.Equal(t, "Ivan Test", found[0]["name"])
				assert.ElementsMatch(t, []string{"Lead", "VIP"}, scStrings(found[0], "tags"))
				assert.Equal(t, "SMS", scList(t, found[0], "accounts")[0]["channel"])
				card := personCard(t, h, demo)
				assert.Contains(t, scStrings(card, "tags"), "Lead", "an existing person is tagged too")
				var channels []any
				for _, a := range scList(t, card, "accounts") {
					channels = append(channels, a["channel"])
				}
				assert.Equal(t, []any{"TELEGRAM", "SMS"}, channels, "and gets an SMS account")
			},
		},
		{
			name: "log_call",
			tool: "log_call",
			args: map[string]any{
				"user_id": sandbox.UserID, "account_id": demoAcc, "from": "+38 067 123 45 67", "to": "+380441234567",
				"date": "2026-03-02T11:00:00+02:00", "duration_seconds": 95, "status": "SUCCESS", "type": "INBOUND",
				"record_link": "https://calls.example.com/r/1.mp3",
			},
			method: "POST", path: "/calls",
			body: `{"user_id":"` + sandbox.UserID + `","from":"+380671234567","to":"+380441234567","date":"2026-03-02T09:00:00.000Z",
				"account_id":"` + demoAcc + `","record_link":"https://calls.example.com/r/1.mp3","status":"SUCCESS","duration":95,"type":"INBOUND"}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				cid := id24(t, sc["call_id"])
				assert.Equal(t, demoAcc, sc["account_id"])
				assert.Equal(t, "Logged call "+cid+".", r.Text())
				// No tool reads calls back (the API has no endpoint): ask the sandbox.
				calls := h.sb.Calls()
				require.Len(t, calls, 1)
				assert.Equal(t, cid, calls[0].ID)
				assert.Equal(t, demo, calls[0].PersonID)
				assert.Equal(t, 95, calls[0].Duration)
			},
		},
		{
			name: "log_call without a recording",
			tool: "log_call",
			args: map[string]any{
				"user_id": sandbox.UserID, "account_id": demoAcc, "from": "+380441234567", "to": "+380671234567",
				"date": "2026-03-02", "duration_seconds": 0, "status": "NO_ANSWER", "type": "OUTBOUND",
			},
			method: "POST", path: "/calls",
			body: `{"user_id":"` + sandbox.UserID + `","from":"+380441234567","to":"+380671234567","date":"2026-03-02T00:00:00.000Z",
				"account_id":"` + demoAcc + `","record_link":"NOT_DEFINED","status":"NO_ANSWER","duration":0,"type":"OUTBOUND"}`,
			check: func(t *testing.T, h *harness, r toolResult, sc map[string]any) {
				id24(t, sc["call_id"])
				require.Len(t, h.sb.Calls(), 1)
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
			r := h.ok(c.tool, c.args)
			writes := h.writes()
			require.Len(t, writes, 1, "exactly one write: %v", h.upstream())
			w := writes[0]
			assert.Equal(t, c.method, w.Method)
			assert.Equal(t, c.path, w.Path)
			assert.Equal(t, "application/json", w.ContentType)
			jsonEq(t, c.body, w.Body, "request body")
			assert.NotContains(t, r.Text(), "DRY RUN")
			c.check(t, h, r, r.Doc(t))
			assert.Len(t, h.writes(), 1, "the follow-up reads wrote nothing")
		})
	}
}

// writeRefusal is bad input a mutating tool must refuse before writing.
type writeRefusal struct {
	name string
	tool string
	args map[string]any
	msg  []string
}

func TestWriteToolsRefuseBadInput(t *testing.T) {
	demo, demoAcc := sandbox.DemoPersonID, sandbox.DemoAccountID
	unknown := "65d1c0a8e4b0a1000c00ffff"
	long := strings.Repeat("я", 4097)
	person := func(kv ...any) map[string]any {
		m := map[string]any{"name": "Ірина", "phone": "+380501112233", "leadgentool_id": sandbox.LeadgentoolID}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	order := func(kv ...any) map[string]any {
		m := map[string]any{"person_id": demo, "offer_id": sandbox.OfferID, "payment_credits_id": sandbox.PaymentCreditsID}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	call := func(kv ...any) map[string]any {
		m := map[string]any{"user_id": sandbox.UserID, "account_id": demoAcc, "from": "+380671234567", "to": "+380441234567",
			"date": "2026-03-02T11:00:00+02:00", "duration_seconds": 30, "status": "SUCCESS", "type": "OUTBOUND"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	sms := func(contacts ...map[string]any) map[string]any {
		return map[string]any{"contacts": contacts, "connection_id": sandbox.SMSConnectionID, "leadgentool_id": sandbox.LeadgentoolID}
	}
	cases := []writeRefusal{
		{"create_person bad phone", "create_person", person("phone", "+380 67 12x 45 67"), []string{"Invalid arguments", "not a digit"}},
		{"create_person short phone", "create_person", person("phone", "123-45"), []string{"8 to 15 digits"}},
		{"create_person unreachable", "create_person", person("phone", ""), []string{"give a phone or an email"}},
		{"create_person empty name", "create_person", person("name", "   "), []string{"name must not be empty"}},
		{"create_person name too long", "create_person", person("name", long), []string{"name is 4097 characters; the limit is 4096"}},
		{"create_person malformed leadgentool", "create_person", person("leadgentool_id", "link"), []string{"leadgentool_id", "get_tunnel"}},
		{"create_person malformed manager", "create_person", person("manager_ids", []string{"max"}), []string{"manager_ids", "list_users"}},

		{"update_person bad phone", "update_person", map[string]any{"person_id": demo, "phone": "phone"}, []string{"not a digit"}},
		{"update_person nothing to change", "update_person", map[string]any{"person_id": demo}, []string{"nothing to change"}},
		{"update_person wrong field type", "update_person", map[string]any{"person_id": demo,
			"custom_fields": []map[string]any{{"type": "COLOR", "name": "eyes", "value": "green"}}}, []string{"Invalid arguments", "type"}},
		{"update_person empty field name", "update_person", map[string]any{"person_id": demo,
			"custom_fields": []map[string]any{{"type": "KEYWORD", "name": " ", "value": "x"}}}, []string{"custom field name must not be empty"}},
		{"update_person unknown person", "update_person", map[string]any{"person_id": unknown, "email": "a@b.co"},
			[]string{"no person " + unknown, "search_people"}},

		{"add_comment empty", "add_comment", map[string]any{"person_id": demo, "comment": " \n "}, []string{"comment must not be empty"}},
		{"add_comment too long", "add_comment", map[string]any{"person_id": demo, "comment": long}, []string{"comment is 4097 characters; the limit is 4096"}},
		{"add_comment malformed person", "add_comment", map[string]any{"person_id": "olena", "comment": "x"}, []string{"search_people"}},

		{"send_message empty", "send_message", map[string]any{"account_id": demoAcc, "text": ""}, []string{"text must not be empty"}},
		{"send_message too long", "send_message", map[string]any{"account_id": demoAcc, "text": long}, []string{"text is 4097 characters; the limit is 4096"}},
		{"send_message without text", "send_message", map[string]any{"account_id": demoAcc}, []string{"Invalid arguments", "text"}},
		{"send_message malformed account", "send_message", map[string]any{"account_id": demo[:23], "text": "hi"},
			[]string{"account_id", "list_communication_channels"}},
		{"send_message unknown account", "send_message", map[string]any{"account_id": unknown, "text": "hi"},
			[]string{"no account " + unknown, "list_communication_channels"}},

		{"send_template variable too long", "send_template", map[string]any{"account_id": demoAcc, "template_id": sandbox.TemplateID,
			"variables": map[string]any{"name": long}}, []string{"variables.name is 4097 characters"}},
		{"send_template malformed template", "send_template", map[string]any{"account_id": demoAcc, "template_id": "welcome"},
			[]string{"template_id", "list_templates"}},
		{"send_template non-string variable", "send_template", map[string]any{"account_id": demoAcc, "template_id": sandbox.TemplateID,
			"variables": map[string]any{"discount": 15}}, []string{"Invalid arguments"}},

		{"create_order bad phone", "create_order", order("phone", "+38O671234567"), []string{"not a digit"}},
		{"create_order bad date", "create_order", order("transaction_date", "tomorrow"), []string{`transaction_date "tomorrow" is not a date`}},
		{"create_order unknown person", "create_order", order("person_id", unknown), []string{"no person " + unknown}},
		{"create_order malformed offer", "create_order", order("offer_id", "course"), []string{"offer_id"}},

		{"update_manual_order wrong status", "update_manual_order", map[string]any{"order_id": sandbox.ManualOrderID, "status": "PAID"},
			[]string{"Invalid arguments", "status"}},
		{"update_manual_order negative price", "update_manual_order", map[string]any{"order_id": sandbox.ManualOrderID, "status": "RESOLVED", "price": -1},
			[]string{"Invalid arguments", "price"}},
		{"update_manual_order bad date", "update_manual_order", map[string]any{"order_id": sandbox.ManualOrderID, "status": "RESOLVED", "payment_date": "27.06.2018"},
			[]string{"payment_date", "is not a date"}},
		{"update_manual_order unknown order", "update_manual_order", map[string]any{"order_id": unknown, "status": "RESOLVED"},
			[]string{"no order " + unknown, "list_orders"}},

		{"add_tag unknown tag", "add_tag", map[string]any{"person_id": demo, "tag": "Platinum"}, []string{`no tag "Platinum"`, "VIP"}},
		{"add_tag empty tag", "add_tag", map[string]any{"person_id": demo, "tag": " "}, []string{"tag is required", "list_tags"}},
		{"add_tag malformed person", "add_tag", map[string]any{"person_id": "65d1", "tag": "VIP"}, []string{"search_people"}},
		{"remove_tag unknown person", "remove_tag", map[string]any{"person_id": unknown, "tag": "VIP"}, []string{"no person " + unknown}},

		{"subscribe_to_tunnel unknown tunnel", "subscribe_to_tunnel", map[string]any{"account_id": demoAcc, "tunnel_id": unknown,
			"tunnel_block_id": "65d1c0a8e4b0a1000c000f01"}, []string{"no tunnel " + unknown, "list_tunnels"}},
		{"subscribe_to_tunnel malformed block", "subscribe_to_tunnel", map[string]any{"account_id": demoAcc, "tunnel_id": sandbox.TunnelID,
			"tunnel_block_id": "start"}, []string{"tunnel_block_id"}},
		{"subscribe_to_tunnel unknown account", "subscribe_to_tunnel", map[string]any{"account_id": unknown, "tunnel_id": sandbox.TunnelID,
			"tunnel_block_id": "65d1c0a8e4b0a1000c000f01"}, []string{"no account " + unknown}},

		{"create_traffic_source empty name", "create_traffic_source", map[string]any{"leadgentool_id": sandbox.LeadgentoolID, "name": ""},
			[]string{"name must not be empty"}},
		{"create_traffic_source description too long", "create_traffic_source", map[string]any{"leadgentool_id": sandbox.LeadgentoolID,
			"name": "x", "description": long}, []string{"description is 4097 characters"}},

		{"add_sms_contacts bad phone", "add_sms_contacts", sms(map[string]any{"name": "A", "phone": "+380500000001"}, map[string]any{"name": "B", "phone": "050-ABC"}),
			[]string{"contacts[1]", "not a digit"}},
		{"add_sms_contacts no name", "add_sms_contacts", sms(map[string]any{"name": "", "phone": "+380500000001"}),
			[]string{"contacts[0].name must not be empty"}},
		{"add_sms_contacts empty", "add_sms_contacts", sms(), []string{"Invalid arguments", "contacts"}},
		{"add_sms_contacts unknown tag", "add_sms_contacts", func() map[string]any {
			m := sms(map[string]any{"name": "A", "phone": "+380500000001"})
			m["tags"] = []string{"Platinum"}
			return m
		}(), []string{`no tag "Platinum"`}},

		{"log_call wrong status", "log_call", call("status", "DONE"), []string{"Invalid arguments", "status"}},
		{"log_call wrong type", "log_call", call("type", "INCOMING"), []string{"Invalid arguments", "type"}},
		{"log_call bad phone", "log_call", call("from", "reception"), []string{"from:", "not a digit"}},
		{"log_call bad date", "log_call", call("date", "2026-03-02 11:00"), []string{`date "2026-03-02 11:00" is not a date`}},
		{"log_call bad record link", "log_call", call("record_link", "ftp://calls.example.com/1.mp3"), []string{"record_link", "^[Hh][Tt][Tt][Pp][Ss]?://"}},
		{"log_call negative duration", "log_call", call("duration_seconds", -5), []string{"Invalid arguments", "duration_seconds"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
			r := h.fail(c.tool, c.args)
			for _, m := range c.msg {
				assert.Contains(t, r.Text(), m)
			}
			assert.Empty(t, h.writes(), "bad input reached Leeloo: %v", h.upstream())
		})
	}
}

// TestWriteToolsTextLimit: 4096 characters is the limit, not one less.
func TestWriteToolsTextLimit(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	text := strings.Repeat("я", 4096)
	h.ok("send_message", map[string]any{"account_id": sandbox.DemoAccountID, "text": text})
	require.Len(t, h.writes(), 1)
	jsonEq(t, mustJSON(t, map[string]string{"account_id": sandbox.DemoAccountID, "text": text}), h.writes()[0].Body)
}

// TestWriteToolsNonManualOrder: resolving an order that is not manual is
// refused before anything is sent, in a dry run and for real.
func TestWriteToolsNonManualOrder(t *testing.T) {
	for _, dry := range []bool{true, false} {
		h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
		args := map[string]any{"order_id": sandbox.PaidOrderID, "status": "RESOLVED", "dry_run": dry}
		r := h.fail("update_manual_order", args)
		assert.Contains(t, r.Text(), "paid through WAYFORPAY, not a manual order")
		assert.Empty(t, h.writes())
		assert.Equal(t, "SUCCESS", h.ok("get_order", map[string]any{"order_id": sandbox.PaidOrderID}).Doc(t)["status"])
	}
}

// TestWriteToolsUpstreamFailure: a write Leeloo fails is an error result the
// model can act on, sent once and never retried.
func TestWriteToolsUpstreamFailure(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	h.sb.Inject(sandbox.ServerError("POST", "/people"))
	r := h.fail("create_person", map[string]any{"name": "Ірина", "email": "iryna@example.com", "leadgentool_id": sandbox.LeadgentoolID})
	assert.Contains(t, r.Text(), "Leeloo had an internal error (HTTP 500 on POST /people)")
	assert.Contains(t, r.Text(), "writes are never retried automatically")
	assert.Len(t, h.writes(), 1, "a write is never retried")
}
