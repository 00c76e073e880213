package leeloo

import (
	"context"
	"encoding/json"
	"strconv"
	"time"
)

// OrdersService covers orders (sales) and manual orders.
type OrdersService service

// Order statuses seen across endpoints; treat Status as an open string.
const (
	OrderOpened   = "OPENED"
	OrderResolved = "RESOLVED"
	OrderRejected = "REJECTED"
	OrderOrder    = "ORDER"
	OrderPending  = "PENDING"
	OrderFailed   = "FAILED"
	OrderSuccess  = "SUCCESS"
	OrderRefunded = "REFUNDED"
)

// PaymentManual is the payment method of manual orders.
const PaymentManual = "MANUAL"

// Order is a sale or an order waiting for payment.
type Order struct {
	ID            string `json:"id"`
	PersonID      string `json:"person_id,omitempty"`
	Title         string `json:"title"`
	Description   string `json:"description,omitempty"`
	Price         Amount `json:"price"`
	Currency      string `json:"currency"`
	Status        string `json:"status"`
	PaymentMethod string `json:"paymentMethod,omitempty"`
	CreatedAt     Time   `json:"createdAt,omitzero"`
	UpdatedAt     Time   `json:"updatedAt,omitzero"`
}

// UnmarshalJSON accepts snake and camel keys and NOT_DEFINED.
func (o *Order) UnmarshalJSON(b []byte) error {
	type plain Order
	var aux struct {
		plain
		PersonIDCamel      string `json:"personId"`
		PaymentMethodSnake string `json:"payment_method"`
		snakeTimes
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*o = Order(aux.plain)
	if o.PersonID == "" {
		o.PersonID = aux.PersonIDCamel
	}
	if o.PaymentMethod == "" {
		o.PaymentMethod = aux.PaymentMethodSnake
	}
	aux.snakeTimes.fill(&o.CreatedAt, &o.UpdatedAt)
	cleanString(&o.Description)
	cleanString(&o.PaymentMethod)
	return nil
}

// CreateOrderRequest creates a manual order. NotifyAccount makes Leeloo tell
// the customer about it.
type CreateOrderRequest struct {
	PaymentCreditsID string
	Email            string
	Phone            string
	TransactionDate  time.Time
	OfferID          string
	NotifyAccount    bool
	PersonID         string
	ManagerID        string
}

// MarshalJSON writes the documented wire form: ISO-8601 UTC date with
// milliseconds and isNotifyAccount as the string "true" or "false".
func (r CreateOrderRequest) MarshalJSON() ([]byte, error) {
	w := struct {
		PaymentCreditsID string `json:"paymentCreditsId"`
		Email            string `json:"email,omitempty"`
		Phone            string `json:"phone,omitempty"`
		TransactionDate  string `json:"transactionDate"`
		OfferID          string `json:"offerId"`
		IsNotifyAccount  string `json:"isNotifyAccount"`
		PersonID         string `json:"personId"`
		ManagerID        string `json:"managerId,omitempty"`
	}{
		PaymentCreditsID: r.PaymentCreditsID,
		Email:            r.Email,
		Phone:            r.Phone,
		TransactionDate:  r.TransactionDate.UTC().Format(ISOLayout),
		OfferID:          r.OfferID,
		IsNotifyAccount:  strconv.FormatBool(r.NotifyAccount),
		PersonID:         r.PersonID,
		ManagerID:        r.ManagerID,
	}
	return json.Marshal(w)
}

// ISOLayout is the body date format: ISO-8601 UTC with milliseconds.
const ISOLayout = "2006-01-02T15:04:05.000Z"

// PaymentDateLayout is how the manual-order update spells paymentDate.
const PaymentDateLayout = "2006-01-02 15:04"

// UpdateManualOrderRequest resolves or rejects a manual order.
type UpdateManualOrderRequest struct {
	Status       string // RESOLVED or REJECTED
	PaymentDate  time.Time
	Currency     string
	Price        float64
	UserComments string
}

// MarshalJSON writes paymentDate as "YYYY-MM-DD HH:mm" (UTC) and price as a
// string, as the doc does.
func (r UpdateManualOrderRequest) MarshalJSON() ([]byte, error) {
	w := struct {
		Status       string `json:"status"`
		PaymentDate  string `json:"paymentDate,omitempty"`
		Currency     string `json:"currency,omitempty"`
		Price        string `json:"price,omitempty"`
		UserComments string `json:"userComments,omitempty"`
	}{Status: r.Status, Currency: r.Currency, UserComments: r.UserComments}
	if !r.PaymentDate.IsZero() {
		w.PaymentDate = r.PaymentDate.UTC().Format(PaymentDateLayout)
	}
	if r.Price != 0 {
		w.Price = strconv.FormatFloat(r.Price, 'f', -1, 64)
	}
	return json.Marshal(w)
}

// OrderUpdate is what the manual-order update echoes back.
type OrderUpdate struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	PaymentDate  Time   `json:"paymentDate,omitzero"`
	Currency     string `json:"currency,omitempty"`
	Price        Amount `json:"price,omitempty"`
	UserComments string `json:"userComments,omitempty"`
}

// List lists orders, newest first.
//
// API: GET /orders
func (s *OrdersService) List(ctx context.Context, opts *ListOptions) ([]Order, *Response, error) {
	return listCall[Order](ctx, s.client, &request{method: "GET", path: "/orders", query: listQuery(opts)}, "items")
}

// Get returns one order.
//
// API: GET /orders/{order_id}
func (s *OrdersService) Get(ctx context.Context, orderID string) (*Order, *Response, error) {
	return oneCall[Order](ctx, s.client, &request{method: "GET", path: "/orders/" + pathEscape(orderID)})
}

// Create creates a manual order for a person.
//
// API: POST /orders
func (s *OrdersService) Create(ctx context.Context, req CreateOrderRequest) (*Order, *Response, error) {
	if req.Phone != "" {
		p, err := NormalizePhone(req.Phone)
		if err != nil {
			return nil, nil, err
		}
		req.Phone = p
	}
	return oneCall[Order](ctx, s.client, &request{method: "POST", path: "/orders", body: req})
}

// UpdateManual resolves or rejects a manual order without partial payments.
// The reply lacks the usual envelope; it is decoded leniently.
//
// API: POST /orders/{order_id}
func (s *OrdersService) UpdateManual(ctx context.Context, orderID string, req UpdateManualOrderRequest) (*OrderUpdate, *Response, error) {
	u, resp, err := oneCall[OrderUpdate](ctx, s.client, &request{method: "POST", path: "/orders/" + pathEscape(orderID), body: req, bare: true})
	if err == nil && u.ID == "" {
		u.ID = orderID
	}
	return u, resp, err
}
