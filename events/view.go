package events

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
)

// View is an event as structured content: every upstream string cleaned
// (no markup at all; Line fences the customer's text for the text of a
// result), the raw payload as cleaned JSON.
type View struct {
	ID        string `json:"event_id"`
	Type      string `json:"type"`
	Received  string `json:"received"`
	Source    string `json:"source"`
	AccountID string `json:"account_id,omitempty"`
	PersonID  string `json:"person_id,omitempty"`
	ChatURI   string `json:"chat_uri,omitempty"`
	Text      string `json:"text,omitempty"`
	Order     *Order `json:"order,omitempty"`
	// Raw is the payload decoded, so that render.JSON cleans every string
	// and key of it.
	Raw any `json:"raw,omitempty"`
}

// ViewOf renders ev for the model.
func ViewOf(ev Event) View {
	v := View{
		ID: ev.ID, Type: render.Field(ev.Type, 40), Received: ev.Received.UTC().Format(time.RFC3339),
		Source: ev.Source, AccountID: ev.AccountID, PersonID: ev.PersonID,
	}
	if ev.AccountID != "" {
		v.ChatURI = "leeloo://chats/" + ev.AccountID
	}
	if ev.Text != "" {
		v.Text = render.Clean(ev.Text)
	}
	if o := ev.Order; o != nil {
		c := *o
		for _, f := range []*string{&c.OrderID, &c.AccountID, &c.OfferName, &c.Price, &c.Currency, &c.Email, &c.Phone, &c.CreatedAt, &c.PaymentMethod} {
			*f = render.Field(*f, 200)
		}
		v.Order = &c
	}
	if len(ev.Raw) > 0 {
		_ = json.Unmarshal(ev.Raw, &v.Raw)
	}
	return v
}

// Views renders events for the model.
func Views(evs []Event) []View {
	out := make([]View, len(evs))
	for i, ev := range evs {
		out[i] = ViewOf(ev)
	}
	return out
}

// Line is one event in a sentence: its type, when, whose chat, and for an
// incoming message the customer's text fenced.
func Line(ev Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", ev.ID, ev.Received.UTC().Format(time.RFC3339), render.Field(ev.Type, 40))
	if ev.AccountID != "" {
		b.WriteString(" account " + ev.AccountID)
	}
	if o := ev.Order; o != nil {
		fmt.Fprintf(&b, " order %s %s %s %s", render.Field(o.OrderID, 40), render.Quote(o.OfferName, 80), render.Field(o.Price, 20), render.Field(o.Currency, 8))
		if o.PaymentMethod != "" {
			b.WriteString(" paid by " + render.Field(o.PaymentMethod, 40))
		}
	}
	if ev.Text != "" {
		b.WriteString(": " + render.Untrusted(ev.Text))
	}
	return b.String()
}
