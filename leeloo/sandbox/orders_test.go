package sandbox

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mainStats(f *fixture) map[string]any {
	return obj(list(f.get("/tunnels/" + TunnelID + "/stats")["data"])[0])
}

func TestCreateOrder(t *testing.T) {
	f := newFixture(t)
	before := mainStats(f)
	chatBefore := obj(f.get("/communication-channels/" + DemoAccountID + "/chat-messages")["meta"])["totalCount"]
	f.clock.Advance(time.Hour)

	for _, notify := range []any{"false", false} {
		r := f.call(http.MethodPost, "/orders", map[string]any{
			"paymentCreditsId": PaymentCreditsID, "email": "email123@gmail.com", "phone": "+380669999777",
			"transactionDate": "2020-02-04T11:46:48.803Z", "offerId": OfferID, "isNotifyAccount": notify,
			"personId": DemoPersonID, "managerId": UserID,
		})
		require.Equal(t, http.StatusOK, r.status, string(r.raw))
		d := obj(r.body["data"])
		assertShape(t, sample(t, "create_order.json"), r.body, "reply")
		assert.Equal(t, "OPENED", d["status"])
		assert.EqualValues(t, 49, d["price"])
		assert.Equal(t, "USD", d["currency"])
		assert.Equal(t, "2025-06-02T10:30:00.000Z", d["createdAt"])
		id := str(d["id"])

		got := obj(f.get("/orders/" + id)["data"])
		assert.Equal(t, "MANUAL", got["paymentMethod"])
		assert.Equal(t, id, obj(list(f.get("/orders?limit=1")["data"])[0])["id"])
		inc := obj(f.get("/people/" + DemoPersonID + "?include=orders")["included"])
		var ids []string
		for _, o := range list(inc["orders"]) {
			ids = append(ids, str(obj(o)["id"]))
		}
		assert.Contains(t, ids, id)
	}
	assert.EqualValues(t, 62, obj(f.get("/orders")["meta"])["totalCount"])
	assert.Equal(t, before["orders"].(float64)+2, mainStats(f)["orders"])
	assert.Equal(t, chatBefore, obj(f.get("/communication-channels/" + DemoAccountID + "/chat-messages")["meta"])["totalCount"], "not notified")

	// isNotifyAccount true reaches the customer.
	for _, notify := range []any{"true", true} {
		r := f.call(http.MethodPost, "/orders", map[string]any{
			"paymentCreditsId": PaymentCreditsID, "offerId": OfferID, "isNotifyAccount": notify, "personId": FacebookPersonID,
		})
		require.Equal(t, http.StatusOK, r.status, string(r.raw))
		newest := obj(list(f.get("/communication-channels/" + FacebookAccountID + "/chat-messages?limit=1")["data"])[0])
		assert.Equal(t, "YOUR_MESSAGE", newest["type"])
		assert.Contains(t, newest["text"], "was created")
	}

	for _, tc := range []struct {
		body   map[string]any
		fields map[string]any
	}{
		{map[string]any{}, map[string]any{"paymentCreditsId": "REQUIRED", "offerId": "REQUIRED", "personId": "REQUIRED"}},
		{map[string]any{"paymentCreditsId": PaymentCreditsID, "offerId": OfferID, "personId": DemoPersonID, "isNotifyAccount": "yes"}, map[string]any{"isNotifyAccount": "NOT_VALID"}},
		{map[string]any{"paymentCreditsId": PaymentCreditsID, "offerId": OfferID, "personId": DemoPersonID, "transactionDate": "04.02.2020"}, map[string]any{"transactionDate": "NOT_VALID_DATE"}},
	} {
		r := f.call(http.MethodPost, "/orders", tc.body)
		assert.Equal(t, http.StatusBadRequest, r.status)
		_, fields := errorOf(r)
		assert.Equal(t, tc.fields, fields)
	}
	r := f.call(http.MethodPost, "/orders", map[string]any{"paymentCreditsId": PaymentCreditsID, "offerId": OfferID, "personId": DemoPersonID, "phone": "+380 66 999 97 77"})
	code, _ := errorOf(r)
	assert.Equal(t, "NOT_VALID_PHONE_NUMBER", code)
	assert.EqualValues(t, 64, obj(f.get("/orders")["meta"])["totalCount"])
}

func TestUpdateManualOrder(t *testing.T) {
	bodies := map[string]func(status string) any{
		"json": func(s string) any {
			return map[string]any{"status": s, "paymentDate": "2018-06-27 07:32", "currency": "USD", "price": "100", "userComments": "actual date dont match", "extra": 1}
		},
		"urlencoded": func(s string) any {
			return form{"status": {s}, "paymentDate": {"2018-06-27 07:32"}, "currency": {"USD"}, "price": {"100"}, "userComments": {"actual date dont match"}}
		},
		"multipart": func(s string) any {
			return multi{"status": s, "paymentDate": "2018-06-27 07:32", "currency": "USD", "price": "100", "userComments": "actual date dont match"}
		},
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			before := mainStats(f)
			f.clock.Advance(time.Minute)
			r := f.call(http.MethodPost, "/orders/"+ManualOrderID, body("RESOLVED"))
			require.Equal(t, http.StatusOK, r.status, string(r.raw))
			assert.JSONEq(t, `{"id":"`+ManualOrderID+`","status":"RESOLVED","paymentDate":"27.06.2018 07:32","currency":"USD","price":"100","userComments":"actual date dont match"}`, string(r.raw))

			got := obj(f.get("/orders/" + ManualOrderID)["data"])
			assert.Equal(t, "RESOLVED", got["status"])
			assert.EqualValues(t, 100, got["price"])
			assert.Equal(t, "2025-06-02T09:31:00.000Z", got["updatedAt"])

			after := mainStats(f)
			assert.Equal(t, before["sales"].(float64)+1, after["sales"])
			assert.InDelta(t, before["totalSale"].(float64)+100, after["totalSale"], 0.01)
			assert.Equal(t, before["orders"], after["orders"])

			// Once resolved it cannot change again.
			r = f.call(http.MethodPost, "/orders/"+ManualOrderID, body("REJECTED"))
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.JSONEq(t, `{"status":0,"error":{"code":"FORMAT_ERROR","fields":{"status":"ALREADY_RESOLVED"}}}`, string(r.raw))
		})
	}

	f := newFixture(t)
	r := f.call(http.MethodPost, "/orders/"+ManualOrderID, map[string]any{"status": "REJECTED", "price": 100})
	require.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, `{"id":"`+ManualOrderID+`","status":"REJECTED","price":100}`, string(r.raw), "a JSON number is echoed as a number")
	assert.Equal(t, "REJECTED", obj(f.get("/orders/" + ManualOrderID)["data"])["status"])

	for _, tc := range []struct {
		order  string
		body   any
		status int
		fields map[string]any
	}{
		{PaidOrderID, map[string]any{"status": "RESOLVED"}, 400, map[string]any{"order_id": "NOT_MANUAL_ORDER"}},
		{PartialOrderID, map[string]any{"status": "RESOLVED"}, 400, map[string]any{"order_id": "HAS_PARTIAL_PAYMENTS"}},
		{PartialOrderID, map[string]any{"status": "PAID"}, 400, map[string]any{"status": "NOT_VALID"}},
		{PartialOrderID, map[string]any{}, 400, map[string]any{"status": "REQUIRED"}},
		{PartialOrderID, map[string]any{"status": "RESOLVED", "paymentDate": "27.06.2018 07:32"}, 400, map[string]any{"paymentDate": "NOT_VALID_DATE"}},
		{PartialOrderID, map[string]any{"status": "RESOLVED", "price": "a lot"}, 400, map[string]any{"price": "NOT_VALID"}},
		{PartialOrderID, map[string]any{"status": "RESOLVED", "currency": "BTC"}, 400, map[string]any{"currency": "NOT_VALID"}},
	} {
		r := f.call(http.MethodPost, "/orders/"+tc.order, tc.body)
		assert.Equal(t, tc.status, r.status, string(r.raw))
		_, fields := errorOf(r)
		assert.Equal(t, tc.fields, fields)
	}
	assert.Equal(t, "SUCCESS", obj(f.get("/orders/" + PaidOrderID)["data"])["status"])
	assert.Equal(t, "OPENED", obj(f.get("/orders/" + PartialOrderID)["data"])["status"])
}

func TestStatsConsistent(t *testing.T) {
	f := newFixture(t)
	all := obj(list(f.get("/tunnels/stats")["data"])[0])
	sum := map[string]float64{}
	for _, tn := range list(f.get("/tunnels")["data"]) {
		s := obj(list(f.get("/tunnels/" + str(obj(tn)["id"]) + "/stats")["data"])[0])
		for k, v := range s {
			sum[k] += v.(float64)
		}
		assert.LessOrEqual(t, s["uniqSubscribers"], s["subscribers"])
		assert.LessOrEqual(t, s["uniqSales"], s["sales"])
		assert.LessOrEqual(t, s["sales"], s["orders"])
		assert.LessOrEqual(t, s["uniqVisits"], s["visits"])
		assert.LessOrEqual(t, s["uniqShows"], s["shows"])
	}
	for _, k := range []string{"subscribers", "orders", "sales", "visits", "shows", "totalExpenses"} {
		assert.Equal(t, sum[k], all[k], k)
	}
	assert.InDelta(t, sum["totalSale"], all["totalSale"], 0.05)
	assert.EqualValues(t, 60, all["orders"])
	assert.EqualValues(t, 240, all["uniqSubscribers"])
	assert.Positive(t, all["totalSale"])
}
