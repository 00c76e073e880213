package leeloo_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

func TestTimeDecodesEveryForm(t *testing.T) {
	cases := []struct {
		name string
		json string
		want time.Time // zero means the zero time
	}{
		{"milliseconds", `"2020-02-06T11:30:30.035Z"`, time.Date(2020, 2, 6, 11, 30, 30, 35_000_000, time.UTC)},
		{"seconds", `"2020-02-06T11:30:30Z"`, time.Date(2020, 2, 6, 11, 30, 30, 0, time.UTC)},
		{"minutes", `"2015-04-02T14:20Z"`, time.Date(2015, 4, 2, 14, 20, 0, 0, time.UTC)},
		{"minutes with offset", `"2015-04-02T14:20+03:00"`, time.Date(2015, 4, 2, 11, 20, 0, 0, time.UTC)},
		{"milliseconds with offset", `"2020-02-06T13:30:30.035+02:00"`, time.Date(2020, 2, 6, 11, 30, 30, 35_000_000, time.UTC)},
		{"no zone is UTC", `"2020-02-06T11:30:30"`, time.Date(2020, 2, 6, 11, 30, 30, 0, time.UTC)},
		{"space minutes", `"2018-06-27 07:32"`, time.Date(2018, 6, 27, 7, 32, 0, 0, time.UTC)},
		{"space seconds", `"2018-06-27 07:32:15"`, time.Date(2018, 6, 27, 7, 32, 15, 0, time.UTC)},
		{"dotted day first", `"27.06.2018 07:32"`, time.Date(2018, 6, 27, 7, 32, 0, 0, time.UTC)},
		{"dotted with seconds", `"27.06.2018 07:32:09"`, time.Date(2018, 6, 27, 7, 32, 9, 0, time.UTC)},
		{"day only", `"2015-04-02"`, time.Date(2015, 4, 2, 0, 0, 0, 0, time.UTC)},
		{"surrounding spaces", `" 2015-04-02T14:20Z "`, time.Date(2015, 4, 2, 14, 20, 0, 0, time.UTC)},
		{"epoch milliseconds", `1580988630035`, time.Date(2020, 2, 6, 11, 30, 30, 35_000_000, time.UTC)},
		{"null", `null`, time.Time{}},
		{"empty", `""`, time.Time{}},
		{"NOT_DEFINED", `"NOT_DEFINED"`, time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got leeloo.Time
			require.NoError(t, json.Unmarshal([]byte(tc.json), &got))
			if tc.want.IsZero() {
				assert.True(t, got.IsZero(), "got %s", got.Time)
				return
			}
			assert.Truef(t, tc.want.Equal(got.Time), "want %s, got %s", tc.want, got.Time)
			assert.Equal(t, time.UTC, got.Location())
		})
	}

	for _, bad := range []string{`"yesterday"`, `"2015-13-45T99:99Z"`, `true`, `{}`} {
		var got leeloo.Time
		assert.Error(t, json.Unmarshal([]byte(bad), &got), bad)
	}
}

func TestTimeMarshalsUTC(t *testing.T) {
	b, err := json.Marshal(leeloo.Time{Time: time.Date(2020, 2, 4, 14, 46, 48, 0, kyiv)})
	require.NoError(t, err)
	assert.Equal(t, `"2020-02-04T11:46:48Z"`, string(b))

	b, err = json.Marshal(leeloo.Time{})
	require.NoError(t, err)
	assert.Equal(t, `""`, string(b))
}

func TestAmountIsNumberOrString(t *testing.T) {
	for in, want := range map[string]leeloo.Amount{
		`100`: 100, `100.5`: 100.5, `"100"`: 100, `"99.90"`: 99.9, `0`: 0,
		`null`: 0, `""`: 0, `"NOT_DEFINED"`: 0,
	} {
		var got leeloo.Amount
		if assert.NoError(t, json.Unmarshal([]byte(in), &got), in) {
			assert.Equal(t, want, got, in)
		}
	}
	var a leeloo.Amount
	assert.Error(t, json.Unmarshal([]byte(`"abc"`), &a))
	assert.Error(t, json.Unmarshal([]byte(`true`), &a))
	assert.Equal(t, "100", leeloo.Amount(100).String())
	assert.Equal(t, "99.9", leeloo.Amount(99.9).String())
}

func TestOrderDecodesQuirks(t *testing.T) {
	var o leeloo.Order
	require.NoError(t, json.Unmarshal([]byte(`{
		"id": "o1", "personId": "p1", "title": "T", "description": "NOT_DEFINED",
		"price": "49.5", "currency": "GEL", "status": "SOMETHING_NEW",
		"payment_method": "NOT_DEFINED",
		"created_at": "2015-04-02T14:20Z", "updated_at": "2018-06-27 07:32",
		"unknown_field": {"nested": [1, 2]}
	}`), &o))
	assert.Equal(t, "o1", o.ID)
	assert.Equal(t, "p1", o.PersonID, "personId fills person_id")
	assert.Empty(t, o.Description)
	assert.Empty(t, o.PaymentMethod)
	assert.Equal(t, leeloo.Amount(49.5), o.Price)
	assert.Equal(t, "GEL", o.Currency)
	assert.Equal(t, "SOMETHING_NEW", o.Status, "unknown statuses are kept")
	assertTime(t, "2015-04-02T14:20:00Z", o.CreatedAt, "created_at")
	assertTime(t, "2018-06-27T07:32:00Z", o.UpdatedAt, "updated_at")

	var camelWins leeloo.Order
	require.NoError(t, json.Unmarshal([]byte(`{"createdAt": "2020-01-01T00:00:00Z", "created_at": "1999-01-01T00:00:00Z", "payment_method": "MANUAL"}`), &camelWins))
	assertTime(t, "2020-01-01T00:00:00Z", camelWins.CreatedAt, "createdAt")
	assert.Equal(t, leeloo.PaymentManual, camelWins.PaymentMethod)
}

func TestChannelDecodesQuirks(t *testing.T) {
	var c leeloo.Channel
	require.NoError(t, json.Unmarshal([]byte(`{
		"id": "a1", "personId": "p1", "name": "NOT_DEFINED", "from": "LINE", "botStatus": "MANAGER",
		"last_message_time": "2020-08-31T07:55Z", "created_at": "2020-06-22T09:07:53Z", "utmMarks": null
	}`), &c))
	assert.Equal(t, "p1", c.PersonID)
	assert.Empty(t, c.Name)
	assert.Equal(t, "LINE", c.From, "unknown messengers are kept")
	assert.Equal(t, "MANAGER", c.BotStatus)
	assertTime(t, "2020-08-31T07:55:00Z", c.LastMessageTime, "last_message_time")
	assertTime(t, "2020-06-22T09:07:53Z", c.CreatedAt, "created_at")
	assert.Empty(t, c.UTMMarks)
}

func TestChatMessageDecodesSnakeTimes(t *testing.T) {
	var m leeloo.ChatMessage
	require.NoError(t, json.Unmarshal([]byte(`{"id": "m1", "text": "hi", "type": "STICKER", "read": false,
		"created_at": "2020-02-06T11:30:30.035Z", "updated_at": null}`), &m))
	assert.Equal(t, "STICKER", m.Type)
	assertTime(t, "2020-02-06T11:30:30.035Z", m.CreatedAt, "created_at")
	assert.True(t, m.UpdatedAt.IsZero())
}

func TestPersonDecodesQuirks(t *testing.T) {
	var p leeloo.Person
	require.NoError(t, json.Unmarshal([]byte(`{
		"id": "p1", "name": "NOT_DEFINED", "profileImage": "NOT_DEFINED", "gender": "NO_DATA",
		"phone": "NOT_DEFINED", "email": "NOT_DEFINED", "locale": "NOT_DEFINED",
		"tags": [{"id": "t1", "name": "VIP"}, {"id": "t2", "name": "Lead"}],
		"customFields": [
			{"type": "NUMBER", "name": "visits", "value": 42},
			{"type": "NUMBER", "name": "ratio", "value": 3.5},
			{"type": "KEYWORD", "name": "subscribed", "value": true},
			{"type": "DATE", "name": "birthday", "value": null},
			{"type": "KEYWORD", "name": "extra", "value": {"a": 1}},
			{"type": "KEYWORD", "name": "none"}
		],
		"subscribe_history": [{"tunnelName": "T", "tunnelId": "tn1"}],
		"last_message_time": "2020-01-13T14:21Z",
		"createdAt": "2022-04-15T10:20:13.546Z",
		"updatedAt": "2024-02-16 16:16"
	}`), &p))
	for field, v := range map[string]string{
		"name": p.Name, "profileImage": p.ProfileImage, "gender": p.Gender,
		"phone": p.Phone, "email": p.Email, "locale": p.Locale,
	} {
		assert.Empty(t, v, field)
	}
	assert.Equal(t, []string{"VIP", "Lead"}, p.Tags, "tag objects decode to names")
	assert.Equal(t, []leeloo.CustomField{
		{Type: "NUMBER", Name: "visits", Value: "42"},
		{Type: "NUMBER", Name: "ratio", Value: "3.5"},
		{Type: "KEYWORD", Name: "subscribed", Value: "true"},
		{Type: "DATE", Name: "birthday", Value: ""},
		{Type: "KEYWORD", Name: "extra", Value: `{"a": 1}`},
		{Type: "KEYWORD", Name: "none", Value: ""},
	}, p.CustomFields)
	require.Len(t, p.SubscribeHistory, 1)
	assert.Equal(t, "tn1", p.SubscribeHistory[0].TunnelID)
	assertTime(t, "2020-01-13T14:21:00Z", p.LastMessageTime, "last_message_time")
	assertTime(t, "2022-04-15T10:20:13.546Z", p.CreatedAt, "createdAt")
	assertTime(t, "2024-02-16T16:16:00Z", p.UpdatedAt, "updatedAt")

	var names leeloo.Person
	require.NoError(t, json.Unmarshal([]byte(`{"tags": ["Mentor", "Professional"], "gender": "FEMALE"}`), &names))
	assert.Equal(t, []string{"Mentor", "Professional"}, names.Tags)
	assert.Equal(t, "FEMALE", names.Gender)

	var none leeloo.Person
	require.NoError(t, json.Unmarshal([]byte(`{"tags": null}`), &none))
	assert.Empty(t, none.Tags)
}

func TestCallDecodesNotDefined(t *testing.T) {
	var c leeloo.Call
	require.NoError(t, json.Unmarshal([]byte(`{"id": "c1", "record_link": "NOT_DEFINED", "status": "VOICEMAIL", "date": "2026-01-15T09:30Z"}`), &c))
	assert.Empty(t, c.RecordLink)
	assert.Equal(t, "VOICEMAIL", c.Status)
	assertTime(t, "2026-01-15T09:30:00Z", c.Date, "date")
}

// decodeThroughClient serves body to one call and returns what the call
// decoded.
func decodeThroughClient[T any](t *testing.T, body string, call func(c *leeloo.Client) (T, *leeloo.Response, error)) (T, *leeloo.Response) {
	t.Helper()
	f := newFake(t, serveBytes(http.StatusOK, []byte(body)))
	got, resp, err := call(newClient(t, f.baseURL()))
	require.NoError(t, err)
	return got, resp
}

func TestDataIsListOrWrappedObject(t *testing.T) {
	want := []leeloo.TemplateCategory{{ID: "c1", Name: "One"}, {ID: "c2", Name: "Two"}}
	listCategories := func(c *leeloo.Client) ([]leeloo.TemplateCategory, *leeloo.Response, error) {
		return c.Templates.ListCategories(t.Context())
	}
	for name, body := range map[string]string{
		"wrapped": `{"status": 1, "data": {"categories": [{"id": "c1", "name": "One"}, {"id": "c2", "name": "Two"}]}}`,
		"list":    `{"status": 1, "data": [{"id": "c1", "name": "One"}, {"id": "c2", "name": "Two"}]}`,
		"items":   `{"status": 1, "data": {"items": [{"id": "c1", "name": "One"}, {"id": "c2", "name": "Two"}]}}`,
	} {
		t.Run(name, func(t *testing.T) {
			got, resp := decodeThroughClient(t, body, listCategories)
			assert.Equal(t, want, got)
			assert.Nil(t, resp.Meta, "meta absent")
		})
	}

	t.Run("empty", func(t *testing.T) {
		for _, body := range []string{
			`{"status": 1, "data": null}`, `{"status": 1}`, `{"status": 1, "data": {}}`,
			`{"status": 1, "data": []}`, `{"status": 1, "data": {"categories": []}}`,
		} {
			got, _ := decodeThroughClient(t, body, listCategories)
			assert.NotNil(t, got, body)
			assert.Empty(t, got, body)
		}
	})

	t.Run("tags wrapped", func(t *testing.T) {
		got, _ := decodeThroughClient(t, `{"status": 1, "data": {"tags": [{"id": "t1", "name": "VIP"}]}}`,
			func(c *leeloo.Client) ([]leeloo.Tag, *leeloo.Response, error) { return c.Tags.List(t.Context()) })
		assert.Equal(t, []leeloo.Tag{{ID: "t1", Name: "VIP"}}, got)
	})

	t.Run("connections as a list", func(t *testing.T) {
		got, _ := decodeThroughClient(t, `{"status": 1, "data": [{"id": "x", "type": "viber", "name": "V"}]}`,
			func(c *leeloo.Client) ([]leeloo.Connection, *leeloo.Response, error) {
				return c.Connections.List(t.Context())
			})
		assert.Equal(t, []leeloo.Connection{{ID: "x", Type: "viber", Name: "V"}}, got)
	})

	t.Run("stats as one object", func(t *testing.T) {
		got, _ := decodeThroughClient(t, `{"status": 1, "data": {"subscribers": 7, "totalSale": 12.5}}`,
			func(c *leeloo.Client) ([]leeloo.TunnelStats, *leeloo.Response, error) {
				return c.Tunnels.Stats(t.Context())
			})
		assert.Equal(t, []leeloo.TunnelStats{{Subscribers: 7, TotalSale: 12.5}}, got)
	})

	t.Run("people with meta", func(t *testing.T) {
		got, resp := decodeThroughClient(t, `{"status": 1, "data": {"items": [{"id": "p1", "tags": []}]},
			"meta": {"limit": 1, "offset": 5, "filteredCount": 0, "totalCount": 6}}`,
			func(c *leeloo.Client) ([]leeloo.Person, *leeloo.Response, error) {
				return c.People.List(t.Context(), nil)
			})
		require.Len(t, got, 1)
		assert.Equal(t, "p1", got[0].ID)
		require.NotNil(t, resp.Meta)
		assert.Equal(t, leeloo.Meta{Limit: 1, Offset: 5, TotalCount: 6}, *resp.Meta)
	})
}

func TestSingleObjectEmptyData(t *testing.T) {
	got, _ := decodeThroughClient(t, `{"status": 1, "data": []}`,
		func(c *leeloo.Client) (*leeloo.User, *leeloo.Response, error) { return c.Users.Get(t.Context(), "u1") })
	assert.Equal(t, &leeloo.User{}, got)
}

func TestTunnelLeadgentoolsFromIncluded(t *testing.T) {
	got, _ := decodeThroughClient(t, `{"status": 1, "data": {"id": "t1", "name": "N"},
		"included": {"leadgentools": [{"id": "l1", "name": "QR at the door", "type": "QR"}]}}`,
		func(c *leeloo.Client) (*leeloo.Tunnel, *leeloo.Response, error) {
			return c.Tunnels.Get(t.Context(), "t1")
		})
	assert.Equal(t, []leeloo.Leadgentool{{ID: "l1", Name: "QR at the door", Type: leeloo.LeadgenQR}}, got.Leadgentools)

	bare, _ := decodeThroughClient(t, `{"status": 1, "data": {"id": "t1", "name": "N"}, "linked": []}`,
		func(c *leeloo.Client) (*leeloo.Tunnel, *leeloo.Response, error) {
			return c.Tunnels.Get(t.Context(), "t1")
		})
	assert.Empty(t, bare.Leadgentools)
}

func TestOrderUpdateReplyWithOrWithoutEnvelope(t *testing.T) {
	update := func(c *leeloo.Client) (*leeloo.OrderUpdate, *leeloo.Response, error) {
		return c.Orders.UpdateManual(t.Context(), "5b3f608db2737000133d25b6", leeloo.UpdateManualOrderRequest{Status: leeloo.OrderRejected})
	}

	t.Run("doc envelope", func(t *testing.T) {
		got, _ := decodeThroughClient(t, `{"data": {"id": "5b3f608db2737000133d25b6"}, "status": 1}`, update)
		assert.Equal(t, &leeloo.OrderUpdate{ID: "5b3f608db2737000133d25b6"}, got)
	})
	t.Run("bare echo", func(t *testing.T) {
		got, _ := decodeThroughClient(t, `{"id": "5b3f608db2737000133d25b6", "status": "REJECTED",
			"paymentDate": "27.06.2018 07:32", "currency": "EUR", "price": 100, "userComments": "x"}`, update)
		assert.Equal(t, "REJECTED", got.Status)
		assert.Equal(t, leeloo.Amount(100), got.Price, "a number as well as a string")
		assert.Equal(t, "EUR", got.Currency)
		assertTime(t, "2018-06-27T07:32:00Z", got.PaymentDate, "paymentDate")
	})
	t.Run("bare echo without id", func(t *testing.T) {
		got, _ := decodeThroughClient(t, `{"status": "RESOLVED", "price": "12"}`, update)
		assert.Equal(t, "5b3f608db2737000133d25b6", got.ID, "the id falls back to the path's")
		assert.Equal(t, leeloo.Amount(12), got.Price)
	})
	t.Run("bare error", func(t *testing.T) {
		f := newFake(t, serveBytes(http.StatusOK, []byte(`{"status": 0, "error": {"code": "FORMAT_ERROR", "fields": {"status": "NOT_VALID"}}}`)))
		_, _, err := update(newClient(t, f.baseURL()))
		var ae *leeloo.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, leeloo.CodeFormatError, ae.Code)
		assert.Equal(t, map[string]string{"status": "NOT_VALID"}, ae.Fields)
	})
}

func TestUnexpectedShapeIsAnAPIError(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, []byte(`{"status": 1, "data": "surprise"}`)))
	c := newClient(t, f.baseURL())

	_, _, err := c.Tags.List(t.Context())
	var ae *leeloo.APIError
	require.True(t, errors.As(err, &ae), "got %v", err)
	assert.Equal(t, http.StatusOK, ae.HTTPStatus)
	assert.Equal(t, "/tags", ae.Path)
	assert.Contains(t, ae.Message, "documented shape")

	_, _, err = c.Orders.Get(t.Context(), "o1")
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "/orders/o1", ae.Path)
}

// BenchmarkTimeUnmarshal: a timestamp decodes without a nested JSON decode.
func BenchmarkTimeUnmarshal(b *testing.B) {
	raw := []byte(`"2024-02-16T12:34:56.789Z"`)
	b.ReportAllocs()
	for b.Loop() {
		var tm leeloo.Time
		if err := tm.UnmarshalJSON(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTimeUnmarshalEscapedString(t *testing.T) {
	var tm leeloo.Time
	require.NoError(t, tm.UnmarshalJSON([]byte(`"2024-02-16T12:34:56\u002e789Z"`)))
	assert.Equal(t, 2024, tm.Year())
	assert.Error(t, tm.UnmarshalJSON([]byte(`"not a time"`)))
}
