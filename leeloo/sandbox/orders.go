package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Layouts of the order update's paymentDate: what it takes and what it echoes.
const (
	paymentDateIn  = "2006-01-02 15:04"
	paymentDateOut = "02.01.2006 15:04"
)

// currencies are the currencies an order update accepts.
var currencies = map[string]bool{"USD": true, "EUR": true, "UAH": true, "RUB": true, "GEL": true}

// usdRates are the fixed rates the sandbox converts sales with for totalSale.
var usdRates = map[string]float64{"USD": 1, "EUR": 1.08, "UAH": 0.024, "RUB": 0.011, "GEL": 0.37}

// isSale reports whether an order status counts as a sale.
func isSale(status string) bool { return status == "SUCCESS" || status == "RESOLVED" }

type orderItem struct {
	ID        string  `json:"id"`
	PersonID  string  `json:"person_id"`
	Title     string  `json:"title"`
	Price     float64 `json:"price"`
	Currency  string  `json:"currency"`
	Status    string  `json:"status"`
	CreatedAt string  `json:"createdAt"`
	UpdatedAt string  `json:"updatedAt"`
}

type orderDetail struct {
	ID            string  `json:"id"`
	CreatedAt     string  `json:"createdAt"`
	UpdatedAt     string  `json:"updatedAt"`
	Title         string  `json:"title"`
	Description   string  `json:"description"`
	Price         float64 `json:"price"`
	Currency      string  `json:"currency"`
	Status        string  `json:"status"`
	PaymentMethod string  `json:"paymentMethod"`
}

type orderIncluded struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Price     float64 `json:"price"`
	Currency  string  `json:"currency"`
	Status    string  `json:"status"`
	UpdatedAt string  `json:"updatedAt"`
}

type orderCreated struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Price     float64 `json:"price"`
	Currency  string  `json:"currency"`
	Status    string  `json:"status"`
	CreatedAt string  `json:"createdAt"`
	UpdatedAt string  `json:"updatedAt"`
}

// orderUpdated is the un-enveloped echo of POST /orders/{order_id}.
type orderUpdated struct {
	ID           string `json:"id"`
	Status       string `json:"status,omitempty"`
	PaymentDate  string `json:"paymentDate,omitempty"`
	Currency     string `json:"currency,omitempty"`
	Price        any    `json:"price,omitempty"`
	UserComments string `json:"userComments,omitempty"`
}

func (o *order) item() orderItem {
	return orderItem{ID: o.id, PersonID: o.personID, Title: o.title, Price: o.price, Currency: o.currency,
		Status: o.status, CreatedAt: jsTime(o.createdAt), UpdatedAt: jsTime(o.updatedAt)}
}

func (o *order) included() orderIncluded {
	return orderIncluded{ID: o.id, Title: o.title, Price: o.price, Currency: o.currency, Status: o.status, UpdatedAt: jsTime(o.updatedAt)}
}

// listOrders serves GET /orders, newest first.
func (s *Server) listOrders(r *http.Request) (any, *apiError) {
	pg, err := parsePage(r.URL.Query())
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	all := s.db.ordersByNew
	start, end := pg.bounds(len(all))
	out := make([]orderItem, 0, end-start)
	for _, o := range all[start:end] {
		out = append(out, o.item())
	}
	return pg.list(out, len(out), len(all)), nil
}

// getOrder serves GET /orders/{order_id}.
func (s *Server) getOrder(r *http.Request) (any, *apiError) {
	id, err := pathID(r, "order_id")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.db.orders[id]
	if o == nil {
		return nil, notFound("order_id")
	}
	return single(orderDetail{ID: o.id, CreatedAt: jsTime(o.createdAt), UpdatedAt: jsTime(o.updatedAt), Title: o.title,
		Description: o.description, Price: o.price, Currency: o.currency, Status: o.status, PaymentMethod: o.paymentMethod}), nil
}

// createOrder serves POST /orders: an OPENED MANUAL order of the offer for
// the person, attributed to the tunnel of the person's latest subscription.
// With isNotifyAccount true the person's first account gets a YOUR_MESSAGE
// announcing the order.
func (s *Server) createOrder(r *http.Request) (any, *apiError) {
	b, err := jsonBody(r)
	if err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	creditsID := b.requiredID(fe, "paymentCreditsId")
	offerID := b.requiredID(fe, "offerId")
	personID := b.requiredID(fe, "personId")
	managerID, hasManager := b.optionalID(fe, "managerId")
	phone, hasPhone, email, hasEmail := contactFields(b, fe, "")
	if d, has := b.optionalString(fe, "transactionDate"); has {
		if _, valid := parseISO(d); !valid {
			fe.add("transactionDate", valueNotValidDate)
		}
	}
	notify := b.optionalBool(fe, "isNotifyAccount")
	if err := fe.err(); err != nil {
		return nil, err
	}
	if err := checkContact("", phone, hasPhone, email, hasEmail); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.db
	p := st.people[personID]
	if p == nil {
		return nil, notFound("personId")
	}
	of := st.offers[offerID]
	if of == nil {
		return nil, notFound("offerId")
	}
	if _, found := st.payments[creditsID]; !found {
		return nil, notFound("paymentCreditsId")
	}
	if hasManager && st.userByID[managerID] == nil {
		return nil, notFound("managerId")
	}
	now := s.clock()
	o := &order{
		id: st.newID(now), personID: p.id, title: of.title, description: of.description, price: of.price,
		currency: of.currency, status: "OPENED", paymentMethod: "MANUAL", tunnelID: st.personTunnel(p),
		managerID: managerID, offerID: of.id, createdAt: now, updatedAt: now,
	}
	st.addOrder(o)
	st.sortOrders()
	if notify && len(p.accounts) > 0 {
		st.addMessage(p.accounts[0], yourMessage, orderNotice(p, o), now)
	}
	return single(orderCreated{ID: o.id, Title: o.title, Price: o.price, Currency: o.currency, Status: o.status,
		CreatedAt: jsTime(o.createdAt), UpdatedAt: jsTime(o.updatedAt)}), nil
}

// orderNotice is the message a customer gets when an order is created with isNotifyAccount.
func orderNotice(p *person, o *order) string {
	price := strconv.FormatFloat(o.price, 'f', -1, 64)
	if strings.HasPrefix(p.locale, "uk") {
		return fmt.Sprintf("Ваше замовлення «%s» на суму %s %s створено. Дякуємо!", o.title, price, o.currency)
	}
	return fmt.Sprintf("Your order \"%s\" (%s %s) was created. Thank you!", o.title, price, o.currency)
}

// updateOrder serves POST /orders/{order_id} on an OPENED manual order
// without partial payments. Like the live API it answers the request fields
// echoed back, without the envelope, paymentDate as DD.MM.YYYY HH:mm.
func (s *Server) updateOrder(r *http.Request) (any, *apiError) {
	id, err := pathID(r, "order_id")
	if err != nil {
		return nil, err
	}
	b, err := formOrJSONBody(r)
	if err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	reply := orderUpdated{ID: id}
	reply.Status = b.requiredString(fe, "status")
	if reply.Status != "" && reply.Status != "RESOLVED" && reply.Status != "REJECTED" {
		fe.add("status", valueNotValid)
	}
	var paid time.Time
	if v, has := b.optionalString(fe, "paymentDate"); has {
		t, perr := time.Parse(paymentDateIn, v)
		if perr != nil {
			fe.add("paymentDate", valueNotValidDate)
		}
		paid, reply.PaymentDate = t, t.Format(paymentDateOut)
	}
	if v, has := b.optionalString(fe, "currency"); has {
		if !currencies[v] {
			fe.add("currency", valueNotValid)
		}
		reply.Currency = v
	}
	price, hasPrice := 0.0, false
	if v, has := b.optionalString(fe, "price"); has {
		p, perr := strconv.ParseFloat(v, 64)
		if perr != nil || p < 0 {
			fe.add("price", valueNotValid)
		}
		price, hasPrice, reply.Price = p, true, v
		if raw := b.raw("price"); len(raw) > 0 && raw[0] != '"' {
			reply.Price = json.Number(v)
		}
	}
	reply.UserComments, _ = b.optionalString(fe, "userComments")
	if err := fe.err(); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.db.orders[id]
	switch {
	case o == nil:
		return nil, notFound("order_id")
	case o.paymentMethod != "MANUAL":
		return nil, fieldError("order_id", "NOT_MANUAL_ORDER")
	case o.partial:
		return nil, fieldError("order_id", "HAS_PARTIAL_PAYMENTS")
	case o.status != "OPENED":
		return nil, fieldError("status", "ALREADY_RESOLVED")
	}
	o.status = reply.Status
	if !paid.IsZero() {
		o.paymentDate = paid
	}
	if reply.Currency != "" {
		o.currency = reply.Currency
	}
	if hasPrice {
		o.price = price
	}
	o.userComments = reply.UserComments
	o.updatedAt = s.clock()
	return reply, nil
}
