// Package events turns what Leeloo pushes (webhooks) or what the inbox shows
// (polling) into one kind of event, keeps recent events on the state store
// (guard.Store streams: the embedded file, or Redis for a fleet) and tells
// listeners in this process of new ones, wherever they were received.
package events

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// Event types. ORDER and SALE are documented by Leeloo; SUBSCRIPTION and
// Incoming Message are not (their payloads are kept raw), and any other type
// a sender names is kept as it is, cleaned.
const (
	TypeOrder        = "ORDER"
	TypeSale         = "SALE"
	TypeSubscription = "SUBSCRIPTION"
	TypeMessage      = "INCOMING_MESSAGE"
	TypeUnknown      = "UNKNOWN"
)

// Sources of events.
const (
	SourceWebhook = "webhook"
	SourcePoll    = "poll"
)

// MaxRawBytes caps the raw payload kept with an event.
const MaxRawBytes = 16 << 10

// Event is one thing that happened in the account.
type Event struct {
	// ID is the event's id in the log ("ms-seq"), increasing: pass the last
	// one seen as wait_for_events' since.
	ID       string    `json:"id,omitempty"`
	Type     string    `json:"type"`
	Received time.Time `json:"received"`
	Source   string    `json:"source"`
	// AccountID is the messenger account (chat) the event is about, when the
	// payload names one.
	AccountID string `json:"account_id,omitempty"`
	PersonID  string `json:"person_id,omitempty"`
	// Text is the customer's message, when the payload carries it: customer
	// text, shown only fenced.
	Text  string `json:"text,omitempty"`
	Order *Order `json:"order,omitempty"`
	// Raw is the payload's data as received (capped at MaxRawBytes), so
	// nothing Leeloo adds is lost.
	Raw json.RawMessage `json:"raw,omitempty"`
}

// Order is the documented data of ORDER and SALE events.
type Order struct {
	OrderID       string `json:"order_id,omitempty"`
	AccountID     string `json:"account_id,omitempty"`
	OfferName     string `json:"offer_name,omitempty"`
	Price         string `json:"price,omitempty"`
	Currency      string `json:"currency,omitempty"`
	Email         string `json:"email,omitempty"`
	Phone         string `json:"phone,omitempty"`
	CreatedAt     string `json:"created_at,omitempty"`
	PaymentMethod string `json:"payment_method,omitempty"`
}

// Decode reads a webhook body leniently: never an error. The documented
// shape is {"type": ..., "data": {...}}; a body that is not a JSON object
// becomes an UNKNOWN event with the body kept raw. It returns the event and
// its dedupe key: the type and ids where the payload has them, else a hash
// of the body, so a redelivered event is recognised.
func Decode(body []byte, now time.Time) (Event, string) {
	ev := Event{Type: TypeUnknown, Received: now.UTC(), Source: SourceWebhook}
	var top map[string]any
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		ev.Raw = rawOf(body)
		return ev, bodyKey(body)
	}
	ev.Type = NormalizeType(str(top["type"]))
	if ev.Type == "" {
		ev.Type = NormalizeType(str(top["event"]))
	}
	if ev.Type == "" {
		ev.Type = TypeUnknown
	}
	data, _ := top["data"].(map[string]any)
	if data == nil {
		data = top
	}
	if rd, ok := top["data"]; ok {
		b, _ := json.Marshal(rd)
		ev.Raw = rawOf(b)
	} else {
		ev.Raw = rawOf(body)
	}
	ev.AccountID = findID(data, accountKeys, "account")
	if ev.AccountID == "" && data["data"] == nil {
		ev.AccountID = findID(top, accountKeys, "account")
	}
	ev.PersonID = findID(data, personKeys, "person")
	ev.Text = findText(data)
	if ev.Type == TypeOrder || ev.Type == TypeSale {
		ev.Order = &Order{
			OrderID: str(data["order_id"]), AccountID: str(data["account_id"]), OfferName: str(data["offer_name"]),
			Price: str(data["price"]), Currency: str(data["currency"]), Email: str(data["email"]), Phone: str(data["phone"]),
			CreatedAt: str(data["created_at"]), PaymentMethod: str(data["payment_method"]),
		}
		if ev.Order.OrderID != "" {
			return ev, ev.Type + ":" + ev.Order.OrderID
		}
	}
	if ev.Type == TypeMessage && ev.AccountID != "" {
		if id := firstStr(data, "message_id", "messageId", "chat_message_id", "id"); id != "" {
			return ev, ev.Type + ":" + ev.AccountID + ":" + id
		}
	}
	return ev, bodyKey(body)
}

// accountKeys are where an undocumented payload may name the messenger
// account (Leeloo's own names elsewhere in the API, snake and camel).
var accountKeys = []string{
	"account_id", "accountId", "communication_channel_id", "communicationChannelId",
	"channel_id", "channelId", "messenger_account_id", "chat_id", "chatId",
}

var personKeys = []string{"person_id", "personId", "lead_id", "leadId"}

// findID returns the first valid Leeloo id under keys, or under nested.id
// / nested._id.
func findID(m map[string]any, keys []string, nested string) string {
	for _, k := range keys {
		if v := str(m[k]); leeloo.ValidID(v) {
			return v
		}
	}
	if n, ok := m[nested].(map[string]any); ok {
		for _, k := range []string{"id", "_id"} {
			if v := str(n[k]); leeloo.ValidID(v) {
				return v
			}
		}
	}
	if n, ok := m["message"].(map[string]any); ok && nested == "account" {
		return findID(n, keys, "")
	}
	return ""
}

// findText returns the message text of an incoming-message payload under
// the names it may use.
func findText(m map[string]any) string {
	if t := firstStr(m, "text", "message_text", "messageText", "body"); t != "" {
		return t
	}
	switch v := m["message"].(type) {
	case string:
		return v
	case map[string]any:
		return firstStr(v, "text", "body")
	}
	return ""
}

func firstStr(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s := str(m[k]); s != "" {
			return s
		}
	}
	return ""
}

// str is a scalar as a string ("" for objects, arrays and null).
func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// NormalizeType upper-cases a type and keeps letters, digits and
// underscores (spaces and dashes become underscores); the undocumented
// names of an incoming message ("Incoming Message", "MESSAGE", ...) become
// INCOMING_MESSAGE.
func NormalizeType(t string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(t)) {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.':
			b.WriteRune('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	s := b.String()
	switch s {
	case "INCOMING_MESSAGE", "INCOMINGMESSAGE", "MESSAGE", "NEW_MESSAGE", "MESSAGE_INCOMING", "INCOMING", "MESSAGE_RECEIVED":
		return TypeMessage
	}
	return s
}

func bodyKey(body []byte) string {
	sum := sha256.Sum256(bytes.TrimSpace(body))
	return "body:" + hex.EncodeToString(sum[:16])
}

// rawOf is b as a JSON value to keep: itself when it is JSON and small
// enough, else a JSON string of its start.
func rawOf(b []byte) json.RawMessage {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	if len(b) <= MaxRawBytes && json.Valid(b) {
		return append(json.RawMessage(nil), b...)
	}
	s := string(b)
	if len(s) > MaxRawBytes {
		s = strings.ToValidUTF8(s[:MaxRawBytes], "") + "… (truncated)"
	}
	q, _ := json.Marshal(strings.ToValidUTF8(s, "�"))
	return q
}
