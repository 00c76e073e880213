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

// callCases are the endpoint cases of calls.go.
func callCases() []endpointCase {
	return []endpointCase{
		{
			// The older doc has no sample for this endpoint: log_call.json is
			// a plausible reply (the call object, record_link NOT_DEFINED).
			name: "log_call",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/calls", Body: `{
					"user_id": "` + in.UserID + `",
					"from": "+380443900000",
					"to": "+380977451099",
					"date": "2026-01-15T09:30:05.000Z",
					"account_id": "` + in.AccountID + `",
					"record_link": "NOT_DEFINED",
					"status": "SUCCESS",
					"duration": 125,
					"type": "OUTBOUND"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Calls.Log(ctx, leeloo.LogCallRequest{
					UserID:    in.UserID,
					From:      "+380 (44) 390-00-00",
					To:        "+380977451099",
					Date:      time.Date(2026, 1, 15, 12, 30, 5, 0, kyiv),
					AccountID: in.AccountID,
					Status:    leeloo.CallSuccess,
					Duration:  125,
					Type:      leeloo.CallOutbound,
				})
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				call := as[*leeloo.Call](t, got)
				assert.Equal(t, "678f7a1c2b9e4d000c3f1a20", call.ID)
				assert.Equal(t, "632af797bd3cc466fe1af584", call.UserID)
				assert.Equal(t, "617fd5cc1cc06d42c94dd9ec", call.AccountID)
				assert.Equal(t, "+380443900000", call.From)
				assert.Equal(t, "+380977451099", call.To)
				assertTime(t, "2026-01-15T09:30:05Z", call.Date, "date")
				assert.Empty(t, call.RecordLink, "NOT_DEFINED is empty")
				assert.Equal(t, leeloo.CallSuccess, call.Status)
				assert.Equal(t, 125, call.Duration)
				assert.Equal(t, leeloo.CallOutbound, call.Type)
			},
		},
	}
}

func TestLogCallKeepsRecordLink(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, fixture(t, "log_call.json")))
	c := newClient(t, f.baseURL())

	_, _, err := c.Calls.Log(t.Context(), leeloo.LogCallRequest{
		UserID: "u1", From: "+380443900000", To: "+380977451099",
		Date:      time.Date(2026, 1, 15, 9, 30, 5, 120_000_000, time.UTC),
		AccountID: "a1", RecordLink: "https://records.example.com/1.mp3",
		Status: leeloo.CallNoAnswer, Duration: 0, Type: leeloo.CallInbound,
	})
	require.NoError(t, err)
	require.Equal(t, 1, f.count())
	assertRequest(t, wantRequest{Method: http.MethodPost, Path: "/calls", Body: `{
		"user_id": "u1", "from": "+380443900000", "to": "+380977451099",
		"date": "2026-01-15T09:30:05.120Z", "account_id": "a1",
		"record_link": "https://records.example.com/1.mp3",
		"status": "NO_ANSWER", "duration": 0, "type": "INBOUND"}`}, f.requests()[0])
}
