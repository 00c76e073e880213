package tools

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// orderOut is an order as the model sees it.
type orderOut struct {
	ID       string  `json:"order_id"`
	PersonID string  `json:"person_id,omitempty"`
	Title    string  `json:"title,omitempty"`
	Price    float64 `json:"price"`
	Currency string  `json:"currency,omitempty"`
	Status   string  `json:"status,omitempty"`
	Method   string  `json:"payment_method,omitempty"`
	Created  string  `json:"created,omitempty"`
	Updated  string  `json:"updated,omitempty"`
	Details  string  `json:"description,omitempty"`
}

func toOrder(o *leeloo.Order) orderOut {
	return orderOut{
		ID: o.ID, PersonID: o.PersonID, Title: o.Title, Price: float64(o.Price), Currency: o.Currency,
		Status: o.Status, Method: o.PaymentMethod, Created: fmtTime(o.CreatedAt), Updated: fmtTime(o.UpdatedAt), Details: o.Description,
	}
}

type listOrdersArgs struct{ Page }

// ListOrders is list_orders: GET /orders.
func ListOrders(d *Deps) Tool {
	return readTool(meta{
		name: "list_orders", title: "List orders", toolset: "orders", endpoint: "GET /orders",
		desc: "List orders, newest first.",
	}, func(ctx context.Context, a *listOrdersArgs) (*mcp.CallToolResult, error) {
		lo := a.options()
		orders, resp, err := d.Client.Orders.List(ctx, lo)
		if err != nil {
			return nil, err
		}
		out := struct {
			Orders []orderOut `json:"orders"`
			pageInfo
		}{Orders: make([]orderOut, 0, len(orders)), pageInfo: paging(lo, len(orders), resp)}
		for i := range orders {
			out.Orders = append(out.Orders, toOrder(&orders[i]))
		}
		return jsonResult(fmt.Sprintf("%d orders. %s", len(orders), out.line()), out), nil
	})
}

type orderArgs struct {
	OrderID string `json:"order_id"`
}

// GetOrder is get_order: GET /orders/{order_id}.
func GetOrder(d *Deps) Tool {
	return readTool(meta{
		name: "get_order", title: "Get order", toolset: "orders", endpoint: "GET /orders/{order_id}",
		desc: "One order with description and payment method.",
	}, func(ctx context.Context, a *orderArgs) (*mcp.CallToolResult, error) {
		if err := checkID("order_id", a.OrderID, render.OrderIDs); err != nil {
			return nil, err
		}
		o, _, err := d.Client.Orders.Get(ctx, a.OrderID)
		if err != nil {
			return nil, err
		}
		if o.ID == "" {
			o.ID = a.OrderID
		}
		out := toOrder(o)
		return jsonResult("Order.", out), nil
	})
}

type createOrderArgs struct {
	PersonID         string `json:"person_id"`
	OfferID          string `json:"offer_id" jsonschema_description:"Leeloo: Offers page; or a name in leeloo://catalog."`
	PaymentCreditsID string `json:"payment_credits_id" jsonschema_description:"Leeloo: settings, payment systems; or a name in leeloo://catalog."`
	Email            string `json:"email,omitempty"`
	Phone            string `json:"phone,omitempty"`
	TransactionDate  string `json:"transaction_date,omitempty" jsonschema_description:"Default now."`
	ManagerID        string `json:"manager_id,omitempty"`
	NotifyCustomer   bool   `json:"notify_customer,omitempty" jsonschema_description:"Leeloo tells the customer."`
	guard.DuplicateControl
	controlsHolder
}

// CreateOrder is create_order: POST /orders.
func CreateOrder(d *Deps) Tool {
	t := writeTool(d, meta{
		name: "create_order", title: "Create manual order", toolset: "orders", endpoint: "POST /orders",
		desc: "Create a manual order for a person.",
	}, func(ctx context.Context, a *createOrderArgs) (*guard.Action, error) {
		if err := checkID("person_id", a.PersonID, render.PersonIDs); err != nil {
			return nil, err
		}
		offer, err := d.resolveOffer(a.OfferID)
		if err != nil {
			return nil, err
		}
		pay, err := d.resolvePayment(a.PaymentCreditsID)
		if err != nil {
			return nil, err
		}
		a.OfferID, a.PaymentCreditsID = offer.id, pay.id
		if err := checkEmail("email", a.Email); err != nil {
			return nil, err
		}
		if a.ManagerID != "" {
			if err := checkID("manager_id", a.ManagerID, render.UserIDs); err != nil {
				return nil, err
			}
		}
		when := d.now().UTC()
		if a.TransactionDate == "" {
			a.TransactionDate = when.Format(time.RFC3339) // as the preview says
		} else {
			t, err := parseDate("transaction_date", a.TransactionDate)
			if err != nil {
				return nil, err
			}
			when = t
		}
		req := leeloo.CreateOrderRequest{
			PaymentCreditsID: a.PaymentCreditsID, Email: strings.TrimSpace(a.Email), TransactionDate: when,
			OfferID: a.OfferID, NotifyAccount: a.NotifyCustomer, PersonID: a.PersonID, ManagerID: a.ManagerID,
		}
		if a.Phone != "" {
			p, err := leeloo.NormalizePhone(a.Phone)
			if err != nil {
				return nil, argErrorf("%v", err)
			}
			req.Phone = p
		}
		p, err := d.lookupPerson(ctx, a.PersonID)
		if err != nil {
			return nil, err
		}
		notify := "the customer is NOT notified"
		if a.NotifyCustomer {
			notify = "the customer IS notified by Leeloo"
		}
		return &guard.Action{
			Preview: fmt.Sprintf("Create an order of %s via %s for %s, dated %s; %s.",
				offer.label, pay.label, personLabel(p, a.PersonID), when.Format(time.RFC3339), notify),
			CustomerFacing: a.NotifyCustomer,
			DuplicateKey:   "create_order\x00" + a.PersonID + "\x00" + a.OfferID + "\x00" + a.PaymentCreditsID,
			AllowDuplicate: a.AllowDuplicate,
			Execute: func(ctx context.Context) (*guard.Outcome, error) {
				o, _, err := d.Client.Orders.Create(ctx, req)
				if err != nil {
					return nil, err
				}
				out := toOrder(o)
				return &guard.Outcome{
					Text:       fmt.Sprintf("Created order %s (%s %v %s, %s).", o.ID, o.Title, out.Price, o.Currency, o.Status),
					Structured: out, IDs: map[string]string{"order_id": o.ID, "person_id": a.PersonID},
				}, nil
			},
		}, nil
	})
	// create_order is ext in the catalog: with notify_customer Leeloo messages
	// the customer. Only such calls count as customer-facing for the guard
	// (Action.CustomerFacing), so this is not set through meta.customer.
	t.CustomerFacing = true
	return t
}

type updateOrderArgs struct {
	OrderID      string  `json:"order_id"`
	Status       string  `json:"status" jsonschema:"enum=RESOLVED,enum=REJECTED"`
	PaymentDate  string  `json:"payment_date,omitempty" jsonschema_description:"Default now."`
	Price        float64 `json:"price,omitempty" jsonschema:"minimum=0" jsonschema_description:"Amount received."`
	Currency     string  `json:"currency,omitempty"`
	UserComments string  `json:"comment,omitempty"`
	controlsHolder
}

// UpdateManualOrder is update_manual_order: POST /orders/{order_id}.
func UpdateManualOrder(d *Deps) Tool {
	return writeTool(d, meta{
		name: "update_manual_order", title: "Resolve or reject manual order", toolset: "orders", endpoint: "POST /orders/{order_id}",
		desc:        "Mark a MANUAL order paid (RESOLVED) or REJECTED.",
		destructive: true,
	}, func(ctx context.Context, a *updateOrderArgs) (*guard.Action, error) {
		if err := checkID("order_id", a.OrderID, render.OrderIDs); err != nil {
			return nil, err
		}
		a.Currency = strings.ToUpper(strings.TrimSpace(a.Currency))
		paid := d.now().UTC()
		if a.PaymentDate == "" {
			a.PaymentDate = paid.Format(time.RFC3339) // as the preview says
		} else {
			t, err := parseDate("payment_date", a.PaymentDate)
			if err != nil {
				return nil, err
			}
			paid = t
		}
		act := &guard.Action{}
		partialNote := ""
		o, _, err := d.Client.Orders.Get(ctx, a.OrderID)
		switch {
		case isNotFound(err):
			return nil, argErrorf("no order %s in this account; %s", a.OrderID, render.IDsFrom(render.OrderIDs))
		case err != nil:
			act.Warnings = append(act.Warnings, "could not read the order first: "+describeError(err))
		default:
			if o.PaymentMethod != "" && o.PaymentMethod != leeloo.PaymentManual {
				return nil, argErrorf("order %s is paid through %s, not a manual order: only MANUAL orders can be resolved or rejected here", a.OrderID, o.PaymentMethod)
			}
			switch st := strings.ToUpper(o.Status); {
			case st == leeloo.OrderResolved || st == leeloo.OrderRejected:
				return nil, argErrorf("order %s is already %s: only an OPENED manual order can be resolved or rejected", a.OrderID, st)
			case st != "" && st != leeloo.OrderOpened:
				act.Warnings = append(act.Warnings, "the order is "+render.Field(o.Status, 20)+", not OPENED: Leeloo may refuse it")
			}
			partialNote = " Leeloo refuses an order with partial payments, and its API does not show them: if this one was paid in parts, resolve it in Leeloo instead."
		}
		what := fmt.Sprintf("order %s", a.OrderID)
		if o != nil && o.Title != "" {
			what = fmt.Sprintf("order %s (%s, %v %s)", a.OrderID, render.Quote(o.Title, 120), o.Price, render.Field(o.Currency, 10))
		}
		act.Preview = fmt.Sprintf("Mark %s as %s, paid %s", what, a.Status, paid.Format("2006-01-02 15:04 UTC"))
		if a.Price > 0 {
			act.Preview += fmt.Sprintf(", amount received %v %s", a.Price, a.Currency)
		}
		act.Preview += "." + partialNote
		req := leeloo.UpdateManualOrderRequest{Status: a.Status, PaymentDate: paid, Currency: a.Currency, Price: a.Price, UserComments: a.UserComments}
		act.Execute = func(ctx context.Context) (*guard.Outcome, error) {
			u, _, err := d.Client.Orders.UpdateManual(ctx, a.OrderID, req)
			if err != nil {
				return nil, err
			}
			st := u.Status
			if st == "" {
				st = a.Status
			}
			out := map[string]any{"order_id": u.ID, "status": st}
			return &guard.Outcome{Text: fmt.Sprintf("Order %s is now %s.", u.ID, st), Structured: out, IDs: map[string]string{"order_id": u.ID}}, nil
		}
		return act, nil
	})
}
