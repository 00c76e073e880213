package sandbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShapes: every read the vendor doc gives a sample reply for answers in
// the sample's shape (leeloo/testdata, the replies leeloo's endpoint tests
// decode), and the sandbox's well-known records are where tools expect them.
func TestShapes(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		path   string
		sample string
		// edit turns the sample into this request's reply where the request
		// differs from the sample's (an include it does not ask for).
		edit  func(sample map[string]any)
		check func(t *testing.T, body map[string]any)
	}{
		{"/categories/templates", "list_template_categories.json", nil, func(t *testing.T, b map[string]any) {
			cats := list(obj(b["data"])["categories"])
			require.NotEmpty(t, cats)
			assert.Equal(t, TemplateCategoryID, obj(cats[0])["id"])
		}},
		{"/categories/templates/" + TemplateCategoryID, "list_templates.json", nil, func(t *testing.T, b map[string]any) {
			tpls := list(obj(b["data"])["templates"])
			require.NotEmpty(t, tpls)
			var ids []string
			for _, tp := range tpls {
				ids = append(ids, str(obj(tp)["id"]))
			}
			assert.Contains(t, ids, TemplateID)
		}},
		{"/communication-channels/" + DemoAccountID + "/chat-messages", "get_chat_messages.json", nil, nil},
		{"/communication-channels", "list_communication_channels.json", nil, nil},
		{"/communication-channels/" + DemoAccountID + "/person", "get_person_by_account.json", nil, func(t *testing.T, b map[string]any) {
			assert.Equal(t, map[string]any{}, b["included"])
			assert.Equal(t, DemoPersonID, obj(b["data"])["id"])
		}},
		{"/orders", "list_orders.json", nil, nil},
		{"/orders/" + PaidOrderID, "get_order.json", nil, func(t *testing.T, b map[string]any) {
			d := obj(b["data"])
			assert.Equal(t, "SUCCESS", d["status"])
			assert.Equal(t, "WAYFORPAY", d["paymentMethod"])
		}},
		{"/orders/" + ManualOrderID, "get_order.json", nil, func(t *testing.T, b map[string]any) {
			d := obj(b["data"])
			assert.Equal(t, "OPENED", d["status"])
			assert.Equal(t, "MANUAL", d["paymentMethod"])
		}},
		{"/people", "search_people.json", nil, nil},
		{"/people/" + DemoPersonID, "get_person.json", func(s map[string]any) { s["included"] = map[string]any{} }, func(t *testing.T, b map[string]any) {
			d := obj(b["data"])
			assert.Equal(t, map[string]any{}, b["included"])
			assert.Equal(t, "Олена Коваленко", d["name"])
			assert.Equal(t, "+380671234567", d["phone"])
			assert.ElementsMatch(t, []any{"VIP", "Customer"}, d["tags"])
		}},
		{"/people/" + DemoPersonID + "?include=contactedUsers,orders", "get_person.json", nil, func(t *testing.T, b map[string]any) {
			assert.Len(t, list(obj(b["included"])["orders"]), 2)
		}},
		{"/people/" + DemoPersonID + "?include=orders", "get_person.json", func(s map[string]any) { delete(obj(s["included"]), "users") }, func(t *testing.T, b map[string]any) {
			assert.Equal(t, []string{"orders"}, keys(b["included"]))
		}},
		{"/tags", "list_tags.json", nil, func(t *testing.T, b map[string]any) {
			names := map[string]string{}
			for _, tg := range list(b["data"]) {
				names[str(obj(tg)["id"])] = str(obj(tg)["name"])
			}
			assert.Equal(t, VIPTagName, names[VIPTagID])
			assert.Equal(t, "Lead", names[LeadTagID])
			assert.GreaterOrEqual(t, len(names), 6)
		}},
		{"/tunnels", "list_tunnels.json", nil, nil},
		{"/tunnels/" + TunnelID, "get_tunnel.json", func(s map[string]any) { delete(s, "linked") }, nil},
		{"/tunnels/" + TunnelID + "?include=leadgentools", "get_tunnel.json", nil, func(t *testing.T, b map[string]any) {
			links := list(obj(obj(b["data"])["links"])["leadgentools"])
			assert.Equal(t, map[string]any{"type": "leadgentools", "id": LeadgentoolID}, links[0])
			linked := list(obj(b["linked"])["leadgentools"])
			assert.Equal(t, map[string]any{"id": LeadgentoolID, "name": "Telegram bot link", "type": "LINK"}, linked[0])
		}},
		{"/tunnels/stats", "get_tunnels_stats.json", nil, nil},
		{"/tunnels/" + TunnelID + "/stats", "get_tunnel_stats.json", nil, nil},
		{"/users", "list_users.json", nil, nil},
		{"/users/" + UserID, "get_user.json", nil, nil},
		{"/connections", "list_connections.json", nil, func(t *testing.T, b map[string]any) {
			types := map[string]string{}
			for _, c := range list(obj(b["data"])["connections"]) {
				types[str(obj(c)["id"])] = str(obj(c)["type"])
			}
			assert.Equal(t, "telegram", types[TelegramConnectionID])
			assert.Equal(t, "twilio", types[SMSConnectionID])
			assert.Len(t, types, 6)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			want := sample(t, tt.sample)
			if tt.edit != nil {
				tt.edit(want)
			}
			b := f.get(tt.path)
			assertShape(t, want, b, "reply")
			if tt.check != nil {
				tt.check(t, b)
			}
		})
	}
}

func TestDatesFormat(t *testing.T) {
	f := newFixture(t)
	b := f.get("/people/" + DemoPersonID)
	created := str(obj(b["data"])["created_at"])
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, created)
	_, err := time.Parse(time.RFC3339, created)
	assert.NoError(t, err)
}

func TestOrdering(t *testing.T) {
	f := newFixture(t)
	isDesc := func(items []any, key string) {
		t.Helper()
		for i := 1; i < len(items); i++ {
			assert.GreaterOrEqual(t, str(obj(items[i-1])[key]), str(obj(items[i])[key]), key)
		}
	}
	isDesc(list(f.get("/people?limit=100")["data"]), "lastMessageTime")
	isDesc(list(f.get("/communication-channels?limit=100")["data"]), "lastMessageTime")
	isDesc(list(f.get("/orders?limit=100")["data"]), "createdAt")
	isDesc(list(f.get("/communication-channels/" + DemoAccountID + "/chat-messages")["data"]), "createdAt")
	isDesc(list(f.get("/tunnels")["data"]), "createdAt")
	isDesc(list(f.get("/users")["data"]), "createdAt")
	// The demo chat is the most recent one.
	assert.Equal(t, DemoPersonID, obj(list(f.get("/people?limit=1")["data"])[0])["id"])
}

func TestWellKnownRecords(t *testing.T) {
	f := newFixture(t)
	msgs := func(account string) []any {
		return list(f.get("/communication-channels/" + account + "/chat-messages?limit=100")["data"])
	}
	lastFriend := func(account string) time.Time {
		for _, m := range msgs(account) {
			if obj(m)["type"] == "FRIEND_MESSAGE" {
				ts, err := time.Parse(time.RFC3339, str(obj(m)["createdAt"]))
				require.NoError(t, err)
				return ts
			}
		}
		t.Fatalf("no customer message in %s", account)
		return time.Time{}
	}
	age := testNow.Sub(lastFriend(DemoAccountID))
	assert.Less(t, age, time.Hour)
	types := map[any]bool{}
	for _, m := range msgs(DemoAccountID) {
		types[obj(m)["type"]] = true
	}
	assert.True(t, types["FRIEND_MESSAGE"] && types["YOUR_MESSAGE"])

	age = testNow.Sub(lastFriend(FacebookAccountID))
	assert.True(t, age > 3*day && age < 4*day, age)
	age = testNow.Sub(lastFriend(InstagramAccountID))
	assert.True(t, age > 2*day && age < 3*day, age)
	assert.Equal(t, PromptInjectionText, obj(msgs(InjectionAccountID)[0])["text"])
	assert.Equal(t, "FRIEND_MESSAGE", obj(msgs(InjectionAccountID)[0])["type"])

	fb := obj(f.get("/communication-channels/" + FacebookAccountID + "/person")["data"])
	assert.Equal(t, FacebookPersonID, fb["id"])
	assert.Equal(t, "FACEBOOK", obj(list(fb["accounts"])[0])["from"])
	ig := obj(f.get("/people/" + InstagramPersonID)["data"])
	assert.Equal(t, "NOT_DEFINED", ig["phone"])
	assert.Equal(t, "NOT_DEFINED", ig["email"])
	assert.Equal(t, InstagramAccountID, obj(list(ig["accounts"])[0])["account_id"])
	demo := obj(f.get("/people/" + DemoPersonID)["data"])
	assert.Equal(t, TelegramConnectionID, obj(list(demo["accounts"])[0])["connection_id"])
	assert.Equal(t, "uk_UA", demo["locale"])

	// The seed uses NOT_DEFINED for missing values somewhere in every such field.
	undefined := map[string]bool{}
	for _, p := range list(f.get("/people?limit=100")["data"]) {
		card := obj(f.get("/people/" + str(obj(p)["id"]))["data"])
		for _, k := range []string{"profileImage", "gender", "email", "phone"} {
			if card[k] == "NOT_DEFINED" {
				undefined[k] = true
			}
		}
	}
	assert.Len(t, undefined, 4)
}
