package leeloo

import (
	"context"
	"encoding/json"
	"time"
)

// CallsService logs phone calls on a person's timeline.
type CallsService service

// Call statuses and directions.
const (
	CallTalking        = "TALKING"
	CallSuccess        = "SUCCESS"
	CallNoAnswer       = "NO_ANSWER"
	CallClosedBySystem = "CLOSED_BY_SYSTEM"
	CallInbound        = "INBOUND"
	CallOutbound       = "OUTBOUND"
)

// LogCallRequest records a call. RecordLink empty is sent as NOT_DEFINED.
type LogCallRequest struct {
	UserID     string
	From       string
	To         string
	Date       time.Time
	AccountID  string
	RecordLink string
	Status     string
	Duration   int // seconds
	Type       string
}

// MarshalJSON writes the wire form: date ISO-8601 UTC.
func (r LogCallRequest) MarshalJSON() ([]byte, error) {
	link := r.RecordLink
	if link == "" {
		link = NotDefined
	}
	return json.Marshal(struct {
		UserID     string `json:"user_id"`
		From       string `json:"from"`
		To         string `json:"to"`
		Date       string `json:"date"`
		AccountID  string `json:"account_id"`
		RecordLink string `json:"record_link"`
		Status     string `json:"status"`
		Duration   int    `json:"duration"`
		Type       string `json:"type"`
	}{r.UserID, r.From, r.To, r.Date.UTC().Format(ISOLayout), r.AccountID, link, r.Status, r.Duration, r.Type})
}

// Call is a logged call.
type Call struct {
	ID         string `json:"id"`
	UserID     string `json:"user_id"`
	AccountID  string `json:"account_id"`
	From       string `json:"from"`
	To         string `json:"to"`
	Date       Time   `json:"date,omitzero"`
	RecordLink string `json:"record_link,omitempty"`
	Status     string `json:"status"`
	Duration   int    `json:"duration"`
	Type       string `json:"type"`
}

// UnmarshalJSON maps NOT_DEFINED to empty.
func (c *Call) UnmarshalJSON(b []byte) error {
	type plain Call
	if err := json.Unmarshal(b, (*plain)(c)); err != nil {
		return err
	}
	cleanString(&c.RecordLink)
	return nil
}

// Log records a phone call with a customer.
//
// API: POST /calls
func (s *CallsService) Log(ctx context.Context, req LogCallRequest) (*Call, *Response, error) {
	for _, p := range []*string{&req.From, &req.To} {
		if n, err := NormalizePhone(*p); err == nil {
			*p = n
		}
	}
	return oneCall[Call](ctx, s.client, &request{method: "POST", path: "/calls", body: req})
}
