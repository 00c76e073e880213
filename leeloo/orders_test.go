package leeloo_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// orderCases are the endpoint cases of orders.go.
func orderCases() []endpointCase {
	return []endpointCase{
		{
			name: "create_order",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/orders", Body: `{
					"paymentCreditsId": "` + in.PaymentCreditsID + `",
					"email": "email123@gmail.com",
					"phone": "+380669999777",
					"transactionDate": "2020-02-04T11:46:48.803Z",
					"offerId": "` + in.OfferID + `",
					"isNotifyAccount": "false",
					"personId": "` + in.PersonID + `",
					"managerId": "` + in.UserID + `"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Orders.Create(ctx, leeloo.CreateOrderRequest{
					PaymentCreditsID: in.PaymentCreditsID,
					Email:            "email123@gmail.com",
					Phone:            "+380 (66) 999-97-77",
					TransactionDate:  time.Date(2020, 2, 4, 14, 46, 48, 803_000_000, kyiv),
					OfferID:          in.OfferID,
					NotifyAccount:    false,
					PersonID:         in.PersonID,
					ManagerID:        in.UserID,
				})
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				o := as[*leeloo.Order](t, got)
				assert.Equal(t, "5e5502a01b1668000ccc93ee", o.ID)
				assert.Equal(t, "Ручной оффер", o.Title)
				assert.Equal(t, leeloo.Amount(100), o.Price)
				assert.Equal(t, "USD", o.Currency)
				assert.Equal(t, leeloo.OrderOpened, o.Status)
				assertTime(t, "2020-02-25T11:18:56.419Z", o.CreatedAt, "createdAt")
			},
		},
		{
			name: "list_orders",
			want: getPage("/orders"),
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Orders.List(ctx, &leeloo.ListOptions{Limit: 20})
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				orders := as[[]leeloo.Order](t, got)
				require.Len(t, orders, 1)
				assert.Equal(t, "5e399d72a2d0e2000dd584c1", orders[0].ID)
				assert.Equal(t, "5df0fac42121a5000e07d80b", orders[0].PersonID)
				assert.Equal(t, "manual offer", orders[0].Title)
				assert.Equal(t, leeloo.Amount(200), orders[0].Price)
				assert.Equal(t, leeloo.OrderResolved, orders[0].Status)
				assertTime(t, "2020-02-04T16:36:02.213Z", orders[0].CreatedAt, "createdAt")
				assertTime(t, "2020-02-04T16:38:58.168Z", orders[0].UpdatedAt, "updatedAt")
				require.NotNil(t, resp.Meta)
				assert.Equal(t, 93, resp.Meta.TotalCount)
				assert.Equal(t, 20, resp.Meta.FilteredCount)
			},
		},
		{
			name: "get_order",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/orders/" + in.OrderID}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Orders.Get(ctx, in.OrderID)
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				o := as[*leeloo.Order](t, got)
				assert.Equal(t, "5e2825e081fbca000d8596e4", o.ID)
				assert.Equal(t, "Title11", o.Title)
				assert.Equal(t, "Description1", o.Description)
				assert.Equal(t, leeloo.Amount(100), o.Price)
				assert.Equal(t, "UAH", o.Currency)
				assert.Equal(t, leeloo.OrderSuccess, o.Status)
				assert.Equal(t, "WAYFORPAY", o.PaymentMethod)
				// Minute precision, no seconds: "2015-04-02T14:20Z".
				assertTime(t, "2015-04-02T14:20:00Z", o.CreatedAt, "createdAt")
				assertTime(t, "2015-04-02T14:20:00Z", o.UpdatedAt, "updatedAt")
				assert.Nil(t, resp.Meta)
			},
		},
		{
			name: "update_manual_order",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/orders/" + in.ManualOrderID, Body: `{
					"status": "RESOLVED",
					"paymentDate": "2018-06-27 07:32",
					"currency": "USD",
					"price": "100",
					"userComments": "actual date dont match"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Orders.UpdateManual(ctx, in.ManualOrderID, leeloo.UpdateManualOrderRequest{
					Status:       leeloo.OrderResolved,
					PaymentDate:  time.Date(2018, 6, 27, 10, 32, 0, 0, kyiv),
					Currency:     "USD",
					Price:        100,
					UserComments: "actual date dont match",
				})
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				u := as[*leeloo.OrderUpdate](t, got)
				assert.Equal(t, "5b3f608db2737000133d25b6", u.ID)
				assert.Equal(t, leeloo.OrderResolved, u.Status)
				assertTime(t, "2018-06-27T07:32:00Z", u.PaymentDate, "paymentDate")
				assert.Equal(t, "USD", u.Currency)
				assert.Equal(t, leeloo.Amount(100), u.Price)
				assert.Equal(t, "actual date dont match", u.UserComments)
				assert.Nil(t, resp.Meta)
			},
		},
	}
}

func TestCreateOrderNotifyAccountTrueWithoutManager(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, fixture(t, "create_order.json")))
	c := newClient(t, f.baseURL())

	_, _, err := c.Orders.Create(t.Context(), leeloo.CreateOrderRequest{
		PaymentCreditsID: docInputs.PaymentCreditsID,
		Email:            "email123@gmail.com",
		Phone:            "00380 66 999 97 77",
		TransactionDate:  time.Date(2020, 2, 4, 6, 46, 48, 803_000_000, time.FixedZone("EST", -5*60*60)),
		OfferID:          docInputs.OfferID,
		NotifyAccount:    true,
		PersonID:         docInputs.PersonID,
	})
	require.NoError(t, err)
	require.Equal(t, 1, f.count())
	assertRequest(t, wantRequest{Method: http.MethodPost, Path: "/orders", Body: `{
		"paymentCreditsId": "5e3c3533f04b1f000c27b534",
		"email": "email123@gmail.com",
		"phone": "+380669999777",
		"transactionDate": "2020-02-04T11:46:48.803Z",
		"offerId": "5e3c357bf04b1f000c27b83a",
		"isNotifyAccount": "true",
		"personId": "625946dd585052c1629f1b2b"}`}, f.requests()[0])
}
