package tools

import (
	"context"
	"fmt"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

type logCallArgs struct {
	UserID     string `json:"user_id" jsonschema_description:"Manager."`
	AccountID  string `json:"account_id"`
	From       string `json:"from"`
	To         string `json:"to"`
	Date       string `json:"date" jsonschema_description:"Start, RFC 3339."`
	Duration   int    `json:"duration_seconds" jsonschema:"minimum=0"`
	Status     string `json:"status" jsonschema:"enum=TALKING,enum=SUCCESS,enum=NO_ANSWER,enum=CLOSED_BY_SYSTEM"`
	Type       string `json:"type" jsonschema:"enum=INBOUND,enum=OUTBOUND"`
	RecordLink string `json:"record_link,omitempty" jsonschema:"pattern=^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+"`
	controlsHolder
}

// LogCall is log_call: POST /calls.
func LogCall(d *Deps) Tool {
	return writeTool(d, meta{
		name: "log_call", title: "Log phone call", toolset: "calls", endpoint: "POST /calls",
		desc: "Log a phone call with a customer.",
	}, func(ctx context.Context, a *logCallArgs) (*guard.Action, error) {
		if err := checkID("user_id", a.UserID, render.UserIDs); err != nil {
			return nil, err
		}
		if err := checkID("account_id", a.AccountID, render.AccountIDs); err != nil {
			return nil, err
		}
		if err := checkText("from", a.From, true); err != nil {
			return nil, err
		}
		if err := checkText("to", a.To, true); err != nil {
			return nil, err
		}
		from, err := leeloo.NormalizePhone(a.From)
		if err != nil {
			return nil, argErrorf("from: %v", err)
		}
		to, err := leeloo.NormalizePhone(a.To)
		if err != nil {
			return nil, argErrorf("to: %v", err)
		}
		a.From, a.To = from, to
		when, err := parseDate("date", a.Date)
		if err != nil {
			return nil, err
		}
		req := leeloo.LogCallRequest{UserID: a.UserID, From: a.From, To: a.To, Date: when, AccountID: a.AccountID,
			RecordLink: a.RecordLink, Status: a.Status, Duration: a.Duration, Type: a.Type}
		return &guard.Action{
			Preview: fmt.Sprintf("Log an %s call %s → %s on %s, %d s, %s, by user %s for account %s.",
				a.Type, a.From, a.To, when.Format("2006-01-02 15:04 UTC"), a.Duration, a.Status, a.UserID, a.AccountID),
			Execute: func(ctx context.Context) (*guard.Outcome, error) {
				c, _, err := d.Client.Calls.Log(ctx, req)
				if err != nil {
					return nil, err
				}
				ids := map[string]string{"call_id": c.ID, "account_id": a.AccountID}
				return &guard.Outcome{Text: "Logged call " + c.ID + ".", Structured: ids, IDs: ids}, nil
			},
		}, nil
	})
}
