package sandbox

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func peopleIDs(b map[string]any) []string {
	var ids []string
	for _, p := range list(b["data"]) {
		ids = append(ids, str(obj(p)["id"]))
	}
	return ids
}

func TestPeopleFilters(t *testing.T) {
	f := newFixture(t)
	today := testNow.Format("2006-01-02")
	tests := []struct {
		name  string
		query string
		check func(t *testing.T, items []any, total int)
	}{
		{"tag VIP", "filter[tags]=VIP", func(t *testing.T, items []any, total int) {
			require.NotEmpty(t, items)
			for _, p := range items {
				assert.Contains(t, obj(p)["tags"], "VIP")
			}
		}},
		{"tags VIP and Customer, lower case", "filter[tags]=vip&filter[tags]=customer", func(t *testing.T, items []any, total int) {
			require.NotEmpty(t, items)
			for _, p := range items {
				assert.Subset(t, obj(p)["tags"], []any{"VIP", "Customer"})
			}
		}},
		{"unknown tag", "filter[tags]=nope", func(t *testing.T, items []any, total int) {
			assert.Empty(t, items)
			assert.Zero(t, total)
		}},
		{"phone with + unescaped", "filter[phone]=+380671234567", func(t *testing.T, items []any, total int) {
			require.Len(t, items, 1)
			assert.Equal(t, DemoPersonID, obj(items[0])["id"])
		}},
		{"phone escaped with spaces", "filter[phone]=" + url.QueryEscape("+38 067 123 45 67"), func(t *testing.T, items []any, total int) {
			require.Len(t, items, 1)
		}},
		{"email any case", "filter[email]=Olena.Kovalenko@GMAIL.com", func(t *testing.T, items []any, total int) {
			require.Len(t, items, 1)
			assert.Equal(t, DemoPersonID, obj(items[0])["id"])
		}},
		{"email no match", "filter[email]=olena@gmail.com", func(t *testing.T, items []any, total int) {
			assert.Empty(t, items)
		}},
		{"last message today", "filter[last_message][from]=" + today + "&filter[last_message][to]=" + today, func(t *testing.T, items []any, total int) {
			require.NotEmpty(t, items)
			for _, p := range items {
				assert.True(t, strings.HasPrefix(str(obj(p)["lastMessageTime"]), today))
			}
		}},
		{"last message before", "filter[last_message][to]=" + testNow.AddDate(0, 0, -30).Format("2006-01-02"), func(t *testing.T, items []any, total int) {
			require.NotEmpty(t, items)
			limit := testNow.AddDate(0, 0, -29).Format("2006-01-02")
			for _, p := range items {
				assert.Less(t, str(obj(p)["lastMessageTime"]), limit)
			}
		}},
		{"combined", "filter[tags]=VIP&filter[last_message][from]=" + today, func(t *testing.T, items []any, total int) {
			require.NotEmpty(t, items)
			assert.Contains(t, peopleIDs(map[string]any{"data": items}), DemoPersonID)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := f.get("/people?limit=100&" + tt.query)
			total := int(obj(b["meta"])["totalCount"].(float64))
			items := list(b["data"])
			assert.Equal(t, len(items), int(obj(b["meta"])["filteredCount"].(float64)))
			tt.check(t, items, total)
		})
	}

	t.Run("bad dates", func(t *testing.T) {
		for path, field := range map[string]string{
			"/people?filter[last_message][from]=2024-13-01":               "filter.last_message.from",
			"/people?filter[last_message][to]=yesterday":                  "filter.last_message.to",
			"/communication-channels?filter[last_message][from]=1.1.2024": "filter.last_message.from",
		} {
			r := f.call(http.MethodGet, path, nil)
			assert.Equal(t, http.StatusBadRequest, r.status, path)
			code, fields := errorOf(r)
			assert.Equal(t, "FORMAT_ERROR", code)
			assert.Equal(t, "NOT_VALID_DATE", fields[field], path)
		}
	})

	t.Run("channels range", func(t *testing.T) {
		day := testNow.AddDate(0, 0, -3).Format("2006-01-02")
		b := f.get("/communication-channels?limit=100&filter[last_message][from]=" + day + "&filter[last_message][to]=" + day)
		require.NotEmpty(t, list(b["data"]))
		for _, c := range list(b["data"]) {
			assert.True(t, strings.HasPrefix(str(obj(c)["lastMessageTime"]), day))
		}
	})
}

func TestIDValidation(t *testing.T) {
	f := newFixture(t)
	unknown := "aaaaaaaaaaaaaaaaaaaaaaaa"
	tests := []struct {
		method, path string
		body         any
		field        string
	}{
		{"GET", "/people/%s", nil, "person_id"},
		{"PUT", "/people/%s", map[string]any{"email": "a@b.co"}, "person_id"},
		{"PUT", "/people/%s/add-comment", map[string]any{"comment": "x"}, "person_id"},
		{"PUT", "/people/%s/add-tag", map[string]any{"tag_id": VIPTagID}, "person_id"},
		{"PUT", "/people/%s/remove-tag", map[string]any{"tag_id": VIPTagID}, "person_id"},
		{"GET", "/orders/%s", nil, "order_id"},
		{"POST", "/orders/%s", map[string]any{"status": "RESOLVED"}, "order_id"},
		{"GET", "/users/%s", nil, "user_id"},
		{"GET", "/tunnels/%s", nil, "tunnel_id"},
		{"GET", "/tunnels/%s/stats", nil, "tunnel_id"},
		{"GET", "/categories/templates/%s", nil, "category_id"},
		{"GET", "/communication-channels/%s/chat-messages", nil, "account_id"},
		{"GET", "/communication-channels/%s/person", nil, "account_id"},
		{"POST", "/communication-channels/%s/manual-subscribe", map[string]any{"tunnel_id": TunnelID, "tunnel_block_id": TunnelID}, "account_id"},
		{"POST", "/leadgentools/%s/create-traffic-source", map[string]any{"name": "x"}, "leadgentool_id"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := f.call(tt.method, strings.Replace(tt.path, "%s", "12345", 1), tt.body)
			assert.Equal(t, http.StatusBadRequest, r.status)
			code, fields := errorOf(r)
			assert.Equal(t, "FORMAT_ERROR", code)
			assert.Equal(t, map[string]any{tt.field: "NOT_VALID_ID"}, fields)

			r = f.call(tt.method, strings.Replace(tt.path, "%s", unknown, 1), tt.body)
			assert.Equal(t, http.StatusNotFound, r.status)
			assert.JSONEq(t, `{"status":0,"error":{"code":"NOT_FOUND","fields":{"`+tt.field+`":"NOT_FOUND"}}}`, string(r.raw))
		})
	}
	assert.Empty(t, f.srv.db.comments[1:], "nothing was created")

	bodyIDs := []struct {
		path  string
		body  map[string]any
		field string
	}{
		{"/messages/send-message", map[string]any{"account_id": "%s", "text": "hi"}, "account_id"},
		{"/messages/send-template", map[string]any{"account_id": DemoAccountID, "template_id": "%s"}, "template_id"},
		{"/orders", map[string]any{"paymentCreditsId": PaymentCreditsID, "offerId": OfferID, "personId": "%s"}, "personId"},
		{"/orders", map[string]any{"paymentCreditsId": PaymentCreditsID, "offerId": "%s", "personId": DemoPersonID}, "offerId"},
		{"/orders", map[string]any{"paymentCreditsId": "%s", "offerId": OfferID, "personId": DemoPersonID}, "paymentCreditsId"},
		{"/orders", map[string]any{"paymentCreditsId": PaymentCreditsID, "offerId": OfferID, "personId": DemoPersonID, "managerId": "%s"}, "managerId"},
		{"/people", map[string]any{"name": "X", "phone": "+380501112233", "leadgentool_id": "%s"}, "leadgentool_id"},
	}
	for _, tt := range bodyIDs {
		t.Run("body "+tt.field+" "+tt.path, func(t *testing.T) {
			with := func(id string) map[string]any {
				m := map[string]any{}
				for k, v := range tt.body {
					if v == "%s" {
						v = id
					}
					m[k] = v
				}
				return m
			}
			r := f.call(http.MethodPost, tt.path, with("xyz"))
			assert.Equal(t, http.StatusBadRequest, r.status)
			_, fields := errorOf(r)
			assert.Equal(t, "NOT_VALID_ID", fields[tt.field])
			r = f.call(http.MethodPost, tt.path, with(unknown))
			assert.Equal(t, http.StatusNotFound, r.status, string(r.raw))
			_, fields = errorOf(r)
			assert.Equal(t, map[string]any{tt.field: "NOT_FOUND"}, fields)
		})
	}
	assert.Len(t, f.srv.db.orders, 60, "no order was created")
}

func TestPhoneValidation(t *testing.T) {
	f := newFixture(t)
	for _, phone := range []string{"+380 67 123 45 67", "+380-67-1234567", "380671234567", "+1234567", "+1234567890123456", "+38067abc4567"} {
		t.Run(phone, func(t *testing.T) {
			r := f.call(http.MethodPut, "/people/"+DemoPersonID, map[string]any{"phone": phone})
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.JSONEq(t, `{"status":0,"error":{"code":"NOT_VALID_PHONE_NUMBER","fields":{"phone":"NOT_VALID_PHONE_NUMBER"}}}`, string(r.raw))
			r = f.call(http.MethodPost, "/people", map[string]any{"name": "X", "phone": phone, "leadgentool_id": LeadgentoolID})
			assert.Equal(t, http.StatusBadRequest, r.status)
			code, _ := errorOf(r)
			assert.Equal(t, "NOT_VALID_PHONE_NUMBER", code)
		})
	}
	assert.Equal(t, "+380671234567", obj(f.get("/people/" + DemoPersonID)["data"])["phone"])

	r := f.call(http.MethodPut, "/people/"+DemoPersonID, map[string]any{"email": "not-an-email"})
	assert.Equal(t, http.StatusBadRequest, r.status)
	_, fields := errorOf(r)
	assert.Equal(t, "NOT_VALID_EMAIL", fields["email"])
}

func TestTagMutations(t *testing.T) {
	f := newFixture(t)
	tags := func() []any { return obj(f.get("/people/" + DemoPersonID)["data"])["tags"].([]any) }
	require.NotContains(t, tags(), "Lead")

	bodies := map[string]any{
		"json":      map[string]string{"tag_id": LeadTagID},
		"urlencode": form{"tag_id": {LeadTagID}},
		"multipart": multi{"tag_id": LeadTagID},
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			r := f.call(http.MethodPut, "/people/"+DemoPersonID+"/add-tag", body)
			require.Equal(t, http.StatusOK, r.status, string(r.raw))
			assert.JSONEq(t, `{"status":1,"data":{}}`, string(r.raw))
			assert.Equal(t, []any{"VIP", "Customer", "Lead"}, tags())
			// Twice is a no-op.
			f.call(http.MethodPut, "/people/"+DemoPersonID+"/add-tag", body)
			assert.Equal(t, []any{"VIP", "Customer", "Lead"}, tags())
			// Visible in the list filter by name.
			assert.Contains(t, peopleIDs(f.get("/people?limit=100&filter[tags]=Lead&filter[tags]=VIP")), DemoPersonID)

			r = f.call(http.MethodPut, "/people/"+DemoPersonID+"/remove-tag", body)
			require.Equal(t, http.StatusOK, r.status)
			assert.Equal(t, []any{"VIP", "Customer"}, tags())
			assert.NotContains(t, peopleIDs(f.get("/people?limit=100&filter[tags]=Lead&filter[tags]=VIP")), DemoPersonID)
		})
	}

	r := f.call(http.MethodPut, "/people/"+DemoPersonID+"/add-tag", form{})
	assert.Equal(t, http.StatusBadRequest, r.status)
	_, fields := errorOf(r)
	assert.Equal(t, "REQUIRED", fields["tag_id"])
	r = f.call(http.MethodPut, "/people/"+DemoPersonID+"/add-tag", form{"tag_id": {"bbbbbbbbbbbbbbbbbbbbbbbb"}})
	assert.Equal(t, http.StatusNotFound, r.status)
	_, fields = errorOf(r)
	assert.Equal(t, "NOT_FOUND", fields["tag_id"])
}

func TestUpdatePerson(t *testing.T) {
	f := newFixture(t)
	f.clock.Advance(time.Minute)
	r := f.call(http.MethodPut, "/people/"+DemoPersonID, map[string]any{
		"phone": "+380501112233",
		"email": "olena.new@gmail.com",
		"custom_fields": []map[string]any{
			{"type": "KEYWORD", "name": "city", "value": "Львів"},
			{"type": "NUMBER", "name": "orders_count", "value": 3},
		},
	})
	require.Equal(t, http.StatusOK, r.status, string(r.raw))
	d := obj(r.body["data"])
	assert.Equal(t, "+380501112233", d["phone"])
	assert.Equal(t, "olena.new@gmail.com", d["email"])
	assert.Equal(t, "2025-06-02T09:31:00.000Z", d["updated_at"])

	card := obj(f.get("/people/" + DemoPersonID)["data"])
	assert.Equal(t, d, card)
	assert.Equal(t, []any{
		map[string]any{"type": "DATE", "name": "birthday", "value": "1990-04-12"},
		map[string]any{"type": "KEYWORD", "name": "city", "value": "Львів"},
		map[string]any{"type": "NUMBER", "name": "orders_count", "value": "3"},
	}, card["custom_fields"])
	assert.Equal(t, []string{DemoPersonID}, peopleIDs(f.get("/people?filter[phone]=%2B380501112233")))

	for _, tc := range []struct {
		fields []map[string]any
		key    string
		code   string
	}{
		{[]map[string]any{{"type": "COLOR", "name": "x", "value": "red"}}, "custom_fields.0.type", "NOT_VALID"},
		{[]map[string]any{{"type": "EMAIL", "name": "x", "value": "nope"}}, "custom_fields.0.value", "NOT_VALID"},
		{[]map[string]any{{"type": "DATE", "name": "x", "value": "12.04.1990"}}, "custom_fields.0.value", "NOT_VALID"},
		{[]map[string]any{{"type": "NUMBER", "name": "x", "value": "many"}}, "custom_fields.0.value", "NOT_VALID"},
		{[]map[string]any{{"type": "KEYWORD", "value": "v"}}, "custom_fields.0.name", "REQUIRED"},
	} {
		r := f.call(http.MethodPut, "/people/"+DemoPersonID, map[string]any{"custom_fields": tc.fields})
		assert.Equal(t, http.StatusBadRequest, r.status)
		code, fields := errorOf(r)
		assert.Equal(t, "FORMAT_ERROR", code)
		assert.Equal(t, tc.code, fields[tc.key], tc.key)
	}
}

func TestCreatePerson(t *testing.T) {
	f := newFixture(t)
	r := f.call(http.MethodPost, "/people", map[string]any{
		"name": "Feliks", "email": "feliks@gmail.com", "phone": "+380953066789",
		"leadgentool_id": LeadgentoolID, "connected_users_ids": []string{UserID},
	})
	require.Equal(t, http.StatusOK, r.status, string(r.raw))
	d := obj(r.body["data"])
	assertShape(t, sample(t, "create_person.json"), r.body, "reply")
	assert.Equal(t, "MANUAL", d["from"])
	assert.Equal(t, "NOT_DEFINED", d["gender"])
	assert.Equal(t, []any{}, d["tags"])
	assert.Equal(t, "2025-06-02T09:30:00.000Z", d["createdAt"])
	accountID, personID := str(d["id"]), str(d["person_id"])
	assert.NotEqual(t, accountID, personID)
	assert.True(t, validID(accountID) && validID(personID))

	card := f.get("/communication-channels/" + accountID + "/person?include=contactedUsers")
	assert.Equal(t, personID, obj(card["data"])["id"])
	assert.Equal(t, "feliks@gmail.com", obj(card["data"])["email"])
	assert.Equal(t, UserID, obj(list(obj(card["included"])["users"])[0])["id"])
	assert.EqualValues(t, 241, obj(f.get("/people")["meta"])["totalCount"])
	assert.Equal(t, []string{personID}, peopleIDs(f.get("/people?filter[email]=FELIKS@gmail.com")))
	assert.Empty(t, list(f.get("/communication-channels/" + accountID + "/chat-messages")["data"]))

	for _, tc := range []struct {
		body   map[string]any
		status int
		code   string
		fields map[string]any
	}{
		{map[string]any{"name": "Dup", "phone": "+380953066789", "leadgentool_id": LeadgentoolID}, 400, "NAME_ALREADY_IN_USE", map[string]any{"phone": "NAME_ALREADY_IN_USE"}},
		{map[string]any{"name": "Dup", "email": "Olena.Kovalenko@gmail.com", "leadgentool_id": LeadgentoolID}, 400, "NAME_ALREADY_IN_USE", map[string]any{"email": "NAME_ALREADY_IN_USE"}},
		{map[string]any{"phone": "+380953066700"}, 400, "FORMAT_ERROR", map[string]any{"name": "REQUIRED", "leadgentool_id": "REQUIRED"}},
		{map[string]any{"name": "No contact", "leadgentool_id": LeadgentoolID}, 400, "FORMAT_ERROR", map[string]any{"phone": "REQUIRED", "email": "REQUIRED"}},
		{map[string]any{"name": "U", "phone": "+380953066701", "leadgentool_id": LeadgentoolID, "connected_users_ids": []string{"cccccccccccccccccccccccc"}}, 404, "NOT_FOUND", map[string]any{"connected_users_ids": "NOT_FOUND"}},
		{map[string]any{"name": "U", "phone": "+380953066701", "leadgentool_id": LeadgentoolID, "connected_users_ids": "x"}, 400, "FORMAT_ERROR", map[string]any{"connected_users_ids": "NOT_VALID"}},
	} {
		r := f.call(http.MethodPost, "/people", tc.body)
		assert.Equal(t, tc.status, r.status, string(r.raw))
		code, fields := errorOf(r)
		assert.Equal(t, tc.code, code)
		assert.Equal(t, tc.fields, fields)
	}
	assert.EqualValues(t, 241, obj(f.get("/people")["meta"])["totalCount"])
}

func TestAddSMSContacts(t *testing.T) {
	f := newFixture(t)
	webinar := ""
	for _, tg := range list(f.get("/tags")["data"]) {
		if obj(tg)["name"] == "Webinar" {
			webinar = str(obj(tg)["id"])
		}
	}
	r := f.call(http.MethodPost, "/people/sms", map[string]any{
		"data": []map[string]string{
			{"name": "test123", "email": "test123@example.com", "phone": "+380667772233"},
			{"name": "Existing", "phone": "+380671234567"},
		},
		"connection_id":  SMSConnectionID,
		"leadgentool_id": LeadgentoolID,
		"tags":           []string{webinar},
	})
	require.Equal(t, http.StatusOK, r.status, string(r.raw))
	assert.JSONEq(t, `{"status":1,"data":{"count_to_process":2}}`, string(r.raw))

	found := list(f.get("/people?filter[phone]=%2B380667772233")["data"])
	require.Len(t, found, 1)
	p := obj(found[0])
	assert.Equal(t, "test123", p["name"])
	assert.Equal(t, []any{"Webinar"}, p["tags"])
	acc := obj(list(p["accounts"])[0])
	assert.Equal(t, "SMS", acc["from"])
	assert.Equal(t, SMSConnectionID, acc["connection_id"])

	demo := obj(f.get("/people/" + DemoPersonID)["data"])
	assert.Contains(t, demo["tags"], "Webinar")
	require.Len(t, list(demo["accounts"]), 2, "the existing person got an SMS account")
	assert.Equal(t, "SMS", obj(list(demo["accounts"])[1])["from"])
	assert.EqualValues(t, 241, obj(f.get("/people")["meta"])["totalCount"])

	for _, tc := range []struct {
		body   map[string]any
		status int
		fields map[string]any
	}{
		{map[string]any{"data": []map[string]string{{"phone": "+380667772299"}}, "connection_id": TelegramConnectionID, "leadgentool_id": LeadgentoolID}, 400, map[string]any{"connection_id": "NOT_SMS_CONNECTION"}},
		{map[string]any{"data": []map[string]string{{"name": "x"}}, "connection_id": SMSConnectionID, "leadgentool_id": LeadgentoolID}, 400, map[string]any{"data.0.phone": "REQUIRED"}},
		{map[string]any{"data": []map[string]string{{"phone": "0667772299"}}, "connection_id": SMSConnectionID, "leadgentool_id": LeadgentoolID}, 400, map[string]any{"data.0.phone": "NOT_VALID_PHONE_NUMBER"}},
		{map[string]any{"data": []map[string]string{}, "connection_id": SMSConnectionID, "leadgentool_id": LeadgentoolID}, 400, map[string]any{"data": "REQUIRED"}},
		{map[string]any{"data": []map[string]string{{"phone": "+380667772299"}}, "connection_id": SMSConnectionID, "leadgentool_id": LeadgentoolID, "tags": []string{"dddddddddddddddddddddddd"}}, 404, map[string]any{"tags": "NOT_FOUND"}},
	} {
		r := f.call(http.MethodPost, "/people/sms", tc.body)
		assert.Equal(t, tc.status, r.status, string(r.raw))
		_, fields := errorOf(r)
		assert.Equal(t, tc.fields, fields)
	}
	assert.EqualValues(t, 241, obj(f.get("/people")["meta"])["totalCount"])
}

func TestAddComment(t *testing.T) {
	f := newFixture(t)
	r := f.call(http.MethodPut, "/people/"+DemoPersonID+"/add-comment", map[string]string{"comment": "Called back, wants the set"})
	require.Equal(t, http.StatusOK, r.status, string(r.raw))
	d := obj(r.body["data"])
	assertShape(t, sample(t, "add_comment.json"), r.body, "reply")
	assert.Equal(t, "PERSON", d["entity_type"])
	assert.Equal(t, DemoPersonID, d["entity_id"])
	assert.Equal(t, "2025-06-02T09:30:00.000Z", d["created_at"])

	comments := f.srv.Comments(DemoPersonID)
	require.Len(t, comments, 2)
	assert.Equal(t, "Called back, wants the set", comments[1].Text)
	assert.Equal(t, d["id"], comments[1].ID)

	r = f.call(http.MethodPut, "/people/"+DemoPersonID+"/add-comment", map[string]string{"comment": "  "})
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Len(t, f.srv.Comments(DemoPersonID), 2)
}
