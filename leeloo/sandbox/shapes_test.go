package sandbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	metaKeys     = sorted("limit", "offset", "filteredCount", "totalCount")
	listKeys     = sorted("status", "data", "meta")
	objectKeys   = sorted("status", "data")
	accountKeys  = sorted("account_id", "connection_id", "connection_status", "from")
	cardKeys     = sorted("id", "name", "tags", "profileImage", "gender", "phone", "email", "locale", "accounts", "subscribeHistory", "links", "custom_fields", "created_at", "updated_at")
	orderKeys    = sorted("id", "person_id", "title", "price", "currency", "status", "createdAt", "updatedAt")
	userKeys     = sorted("id", "name", "createdAt", "updatedAt")
	statsKeys    = sorted("subscribers", "uniqSubscribers", "orders", "sales", "uniqSales", "visits", "uniqVisits", "shows", "uniqShows", "totalSale", "totalExpenses")
	subscribeKey = sorted("tunnelName", "leadgentoolName", "trafficSource", "tunnelId", "leadgentoolId", "trafficSourceId", "accountId")
)

func TestShapes(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		path     string
		top      []string
		itemKeys []string // keys of data[0], or of data when data is an object
		check    func(t *testing.T, body map[string]any)
	}{
		{"/categories/templates", objectKeys, []string{"categories"}, func(t *testing.T, b map[string]any) {
			cats := list(obj(b["data"])["categories"])
			require.NotEmpty(t, cats)
			assert.Equal(t, sorted("id", "name"), keys(cats[0]))
			assert.Equal(t, TemplateCategoryID, obj(cats[0])["id"])
		}},
		{"/categories/templates/" + TemplateCategoryID, objectKeys, []string{"templates"}, func(t *testing.T, b map[string]any) {
			tpls := list(obj(b["data"])["templates"])
			require.NotEmpty(t, tpls)
			assert.Equal(t, sorted("id", "message_name"), keys(tpls[0]))
			var ids []string
			for _, tp := range tpls {
				ids = append(ids, str(obj(tp)["id"]))
			}
			assert.Contains(t, ids, TemplateID)
		}},
		{"/communication-channels/" + DemoAccountID + "/chat-messages", listKeys, sorted("id", "text", "type", "read", "createdAt", "updatedAt"), nil},
		{"/communication-channels", listKeys, sorted("id", "person_id", "name", "from", "botStatus", "lastMessageTime", "createdAt", "utmMarks"), nil},
		{"/communication-channels/" + DemoAccountID + "/person", sorted("status", "data", "included"), cardKeys, func(t *testing.T, b map[string]any) {
			assert.Equal(t, map[string]any{}, b["included"])
			assert.Equal(t, DemoPersonID, obj(b["data"])["id"])
		}},
		{"/orders", listKeys, orderKeys, nil},
		{"/orders/" + PaidOrderID, objectKeys, sorted("id", "createdAt", "updatedAt", "title", "description", "price", "currency", "status", "paymentMethod"), func(t *testing.T, b map[string]any) {
			d := obj(b["data"])
			assert.Equal(t, "SUCCESS", d["status"])
			assert.Equal(t, "WAYFORPAY", d["paymentMethod"])
		}},
		{"/orders/" + ManualOrderID, objectKeys, nil, func(t *testing.T, b map[string]any) {
			d := obj(b["data"])
			assert.Equal(t, "OPENED", d["status"])
			assert.Equal(t, "MANUAL", d["paymentMethod"])
		}},
		{"/people", listKeys, sorted("id", "name", "email", "phone", "tags", "accounts", "lastMessageTime"), func(t *testing.T, b map[string]any) {
			first := obj(list(b["data"])[0])
			assert.Equal(t, accountKeys, keys(list(first["accounts"])[0]))
		}},
		{"/people/" + DemoPersonID, sorted("status", "data", "included"), cardKeys, func(t *testing.T, b map[string]any) {
			d := obj(b["data"])
			assert.Equal(t, map[string]any{}, b["included"])
			assert.Equal(t, "Олена Коваленко", d["name"])
			assert.Equal(t, "+380671234567", d["phone"])
			assert.ElementsMatch(t, []any{"VIP", "Customer"}, d["tags"])
			assert.Equal(t, sorted("contactedUsers", "orders"), keys(d["links"]))
			assert.Equal(t, sorted("type", "id"), keys(list(obj(d["links"])["orders"])[0]))
			assert.Equal(t, subscribeKey, keys(list(d["subscribeHistory"])[0]))
			assert.Equal(t, sorted("type", "name", "value"), keys(list(d["custom_fields"])[0]))
			assert.Equal(t, accountKeys, keys(list(d["accounts"])[0]))
		}},
		{"/people/" + DemoPersonID + "?include=contactedUsers,orders", sorted("status", "data", "included"), cardKeys, func(t *testing.T, b map[string]any) {
			inc := obj(b["included"])
			assert.Equal(t, sorted("users", "orders"), keys(inc))
			assert.Equal(t, userKeys, keys(list(inc["users"])[0]))
			assert.Equal(t, sorted("id", "title", "price", "currency", "status", "updatedAt"), keys(list(inc["orders"])[0]))
			assert.Len(t, list(inc["orders"]), 2)
		}},
		{"/people/" + DemoPersonID + "?include=orders", sorted("status", "data", "included"), cardKeys, func(t *testing.T, b map[string]any) {
			assert.Equal(t, []string{"orders"}, keys(b["included"]))
		}},
		{"/tags", objectKeys, sorted("id", "name"), func(t *testing.T, b map[string]any) {
			names := map[string]string{}
			for _, tg := range list(b["data"]) {
				names[str(obj(tg)["id"])] = str(obj(tg)["name"])
			}
			assert.Equal(t, VIPTagName, names[VIPTagID])
			assert.Equal(t, "Lead", names[LeadTagID])
			assert.GreaterOrEqual(t, len(names), 6)
		}},
		{"/tunnels", listKeys, sorted("id", "name", "createdAt", "updatedAt"), nil},
		{"/tunnels/" + TunnelID, objectKeys, sorted("id", "name", "createdAt", "updatedAt", "links"), nil},
		{"/tunnels/" + TunnelID + "?include=leadgentools", sorted("status", "data", "linked"), nil, func(t *testing.T, b map[string]any) {
			links := list(obj(obj(b["data"])["links"])["leadgentools"])
			assert.Equal(t, map[string]any{"type": "leadgentools", "id": LeadgentoolID}, links[0])
			linked := list(obj(b["linked"])["leadgentools"])
			assert.Equal(t, map[string]any{"id": LeadgentoolID, "name": "Telegram bot link", "type": "LINK"}, linked[0])
		}},
		{"/tunnels/stats", objectKeys, statsKeys, nil},
		{"/tunnels/" + TunnelID + "/stats", objectKeys, statsKeys, nil},
		{"/users", listKeys, userKeys, nil},
		{"/users/" + UserID, objectKeys, userKeys, nil},
		{"/connections", objectKeys, []string{"connections"}, func(t *testing.T, b map[string]any) {
			types := map[string]string{}
			for _, c := range list(obj(b["data"])["connections"]) {
				assert.Equal(t, sorted("id", "type", "name"), keys(c))
				types[str(obj(c)["id"])] = str(obj(c)["type"])
			}
			assert.Equal(t, "telegram", types[TelegramConnectionID])
			assert.Equal(t, "twilio", types[SMSConnectionID])
			assert.Len(t, types, 6)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			b := f.get(tt.path)
			assert.Equal(t, tt.top, keys(b))
			if _, isList := b["meta"]; isList {
				assert.Equal(t, metaKeys, keys(b["meta"]))
			}
			if tt.itemKeys != nil {
				data := b["data"]
				if l, ok := data.([]any); ok {
					require.NotEmpty(t, l)
					data = l[0]
				}
				assert.Equal(t, tt.itemKeys, keys(data))
			}
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
