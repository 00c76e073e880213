package tools_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

const guardText1 = "Добрий день, Олено! ТТН: 20450123456789. Набір «Зволоження» додамо до замовлення."

// TestGuardElicitAccepted: the user accepts in the client's dialog, which
// shows the recipient's name, the channel and the exact text; exactly one
// message reaches Leeloo. Both protocol eras: a modern client answers the
// input_required result and retries, a legacy client gets elicitation/create.
func TestGuardElicitAccepted(t *testing.T) {
	for _, era := range guardEras {
		for _, mode := range []guard.Mode{guard.ModeElicit, guard.ModeAuto} {
			t.Run(era+"/"+string(mode), func(t *testing.T) {
				e := newHarness(t, harnessOpts{Mode: mode})
				el := guardAccepting()
				c := e.client(t, era, el)

				res := guardCall(t, c, "send_message", guardSendArgs(guardText1))
				require.False(t, res.IsError, guardText(res))
				assert.Contains(t, guardText(res), "Sent to")

				msgs := el.Messages()
				require.Len(t, msgs, 1, "asked exactly once")
				assert.Contains(t, msgs[0], "Олена Коваленко")
				assert.Contains(t, msgs[0], "TELEGRAM")
				assert.Contains(t, msgs[0], sandbox.DemoAccountID)
				assert.Contains(t, msgs[0], "\n"+guardText1)

				w := e.sb.Writes()
				require.Len(t, w, 1)
				assert.Equal(t, "/messages/send-message", w[0].Path)
				var body map[string]any
				require.NoError(t, json.Unmarshal(w[0].Body, &body))
				assert.Equal(t, guardText1, body["text"], "the exact text shown is the text sent")
				assert.Equal(t, sandbox.DemoAccountID, body["account_id"])

				assert.Equal(t, []string{guard.OutcomeAsked, guard.OutcomeExecuted}, e.auditOutcomes(t))
			})
		}
	}
}

// TestGuardElicitNotConfirmed: declined, cancelled, or accepted without
// ticking the box: nothing is sent.
func TestGuardElicitNotConfirmed(t *testing.T) {
	cases := []struct {
		name    string
		el      *guardElicitor
		outcome string
		msg     string
	}{
		{"declined", &guardElicitor{action: mcp.ElicitationResponseActionDecline}, guard.OutcomeDeclined, "declined"},
		{"cancelled", &guardElicitor{action: mcp.ElicitationResponseActionCancel}, guard.OutcomeCancelled, "cancelled"},
		{"accepted unticked", &guardElicitor{action: mcp.ElicitationResponseActionAccept, content: map[string]any{"confirm": false}}, guard.OutcomeDeclined, "did not confirm"},
	}
	for _, era := range guardEras {
		for _, tc := range cases {
			t.Run(era+"/"+tc.name, func(t *testing.T) {
				e := newHarness(t, harnessOpts{Mode: guard.ModeElicit})
				el := &guardElicitor{action: tc.el.action, content: tc.el.content}
				c := e.client(t, era, el)
				res := guardCall(t, c, "send_message", guardSendArgs(guardText1))
				assert.True(t, res.IsError)
				assert.Contains(t, guardText(res), tc.msg)
				assert.Contains(t, guardText(res), "Nothing was sent")
				assert.Len(t, el.Messages(), 1)
				assert.Empty(t, e.writesTo())
				assert.Equal(t, []string{guard.OutcomeAsked, tc.outcome}, e.auditOutcomes(t))

				// The refusal leaves nothing behind: the same message, once
				// confirmed, still goes out (no duplicate or budget charge).
				el.action, el.content = mcp.ElicitationResponseActionAccept, map[string]any{"confirm": true}
				res = guardCall(t, c, "send_message", guardSendArgs(guardText1))
				require.False(t, res.IsError, guardText(res))
				assert.Len(t, e.sb.Writes(), 1)
			})
		}
	}
}

// TestGuardElicitModeWithoutCapability: in elicit mode a client that cannot
// show dialogs gets a clear refusal, and nothing is sent.
func TestGuardElicitModeWithoutCapability(t *testing.T) {
	for _, era := range guardEras {
		t.Run(era, func(t *testing.T) {
			e := newHarness(t, harnessOpts{Mode: guard.ModeElicit})
			c := e.client(t, era, nil)
			res := guardCall(t, c, "send_message", guardSendArgs(guardText1))
			assert.True(t, res.IsError)
			assert.Contains(t, guardText(res), "cannot show confirmation dialogs")
			assert.Contains(t, guardText(res), "--confirm auto to approve on the approval page")
			// A confirm_token is no way around elicit mode.
			res = guardCall(t, c, "send_message", guardWith(guardSendArgs(guardText1), "confirm_token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
			assert.True(t, res.IsError)
			assert.Empty(t, e.writesTo())
			assert.Equal(t, []string{guard.OutcomeRefused, guard.OutcomeRefused}, e.auditOutcomes(t))
		})
	}
}

// TestGuardAutoModeWithoutCapability: in auto mode a client without
// elicitation gets a preview and the approval page's link, never a token:
// nothing the model calls sends it; one approval on the page sends it once.
func TestGuardAutoModeWithoutCapability(t *testing.T) {
	for _, era := range guardEras {
		t.Run(era, func(t *testing.T) {
			e := newHarness(t, harnessOpts{Mode: guard.ModeAuto})
			c := e.client(t, era, nil)
			res := guardCall(t, c, "send_message", guardSendArgs(guardText1))
			require.False(t, res.IsError, guardText(res))
			text := guardText(res)
			assert.Contains(t, text, "NOT SENT YET: waiting for the user's approval")
			assert.Contains(t, text, "Олена Коваленко")
			assert.Contains(t, text, guardText1)
			assert.NotContains(t, text, "confirm_token")
			i := strings.Index(text, guardApprovalBase)
			require.GreaterOrEqual(t, i, 0, text)
			id := text[i+len(guardApprovalBase) : i+len(guardApprovalBase)+26]

			// Whatever the model tries, nothing is sent.
			for _, extra := range []map[string]any{{}, {"confirm_token": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, {"allow_duplicate": true}} {
				args := guardSendArgs(guardText1)
				for k, v := range extra {
					args = guardWith(args, k, v)
				}
				_ = guardCall(t, c, "send_message", args)
			}
			assert.Empty(t, e.writesTo())

			p, err := e.guard.Approve(context.Background(), id, "page", "")
			require.NoError(t, err)
			assert.Equal(t, guard.PendingExecuted, p.State, p.Result)
			assert.Len(t, e.sb.Writes(), 1)
			res = guardCall(t, c, "send_message", guardSendArgs(guardText1))
			assert.Contains(t, guardText(res), "Approved by the user and executed")
			assert.Len(t, e.sb.Writes(), 1, "asking again reports the outcome and sends nothing")
		})
	}
}

// TestGuardElicitRefusedBeforeAsking: an action the guard would refuse anyway
// (a duplicate) is refused without bothering the user.
func TestGuardElicitRefusedBeforeAsking(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModeElicit})
	el := guardAccepting()
	c := e.client(t, guardModern, el)
	res := guardCall(t, c, "send_message", guardSendArgs(guardText1))
	require.False(t, res.IsError, guardText(res))
	res = guardCall(t, c, "send_message", guardSendArgs(guardText1))
	assert.True(t, res.IsError)
	assert.Contains(t, guardText(res), "allow_duplicate")
	assert.Len(t, el.Messages(), 1, "the duplicate was refused without a dialog")
	assert.Len(t, e.sb.Writes(), 1)
}

// TestGuardElicitOverStreamableHTTP: the same confirmation over the real
// Streamable HTTP transport, in both protocol eras.
func TestGuardElicitOverStreamableHTTP(t *testing.T) {
	for _, era := range guardEras {
		for _, action := range []mcp.ElicitationResponseAction{mcp.ElicitationResponseActionAccept, mcp.ElicitationResponseActionDecline} {
			t.Run(era+"/"+string(action), func(t *testing.T) {
				e := newHarness(t, harnessOpts{Mode: guard.ModeAuto})
				hs := httptest.NewServer(server.NewStreamableHTTPServer(e.srv))
				t.Cleanup(hs.Close)
				tr, err := transport.NewStreamableHTTP(hs.URL)
				require.NoError(t, err)
				el := &guardElicitor{action: action, content: map[string]any{"confirm": true}}
				opts := []client.ClientOption{client.WithElicitationHandler(el)}
				if era == guardLegacy {
					opts = append(opts, client.WithProtocolVersion(mcp.LATEST_LEGACY_PROTOCOL_VERSION))
				}
				c := client.NewClient(tr, opts...)
				ctx := context.Background()
				require.NoError(t, c.Start(ctx))
				t.Cleanup(func() { _ = c.Close() })
				var init mcp.InitializeRequest
				init.Params.ClientInfo = mcp.Implementation{Name: "guard-http-test", Version: "1"}
				_, err = c.Initialize(ctx, init)
				require.NoError(t, err)

				res := guardCall(t, c, "send_message", guardSendArgs(guardText1))
				require.Len(t, el.Messages(), 1)
				assert.Contains(t, el.Messages()[0], "Олена Коваленко")
				assert.Contains(t, el.Messages()[0], guardText1)
				if action == mcp.ElicitationResponseActionAccept {
					require.False(t, res.IsError, guardText(res))
					assert.Len(t, e.sb.Writes(), 1)
				} else {
					assert.True(t, res.IsError)
					assert.Empty(t, e.writesTo())
				}
			})
		}
	}
}

// TestApprovalLaterKeepsWhatTheHumanSaw: an action approved minutes after
// it was asked executes with the dates its preview showed (an order's date,
// a payment's date defaulting to "now"), not refused as changed and not
// redated to the moment of approval.
func TestApprovalLaterKeepsWhatTheHumanSaw(t *testing.T) {
	for _, tool := range []string{"create_order", "update_manual_order"} {
		t.Run(tool, func(t *testing.T) {
			e := newHarness(t, harnessOpts{Mode: guard.ModeAuto})
			c := e.client(t, guardModern, nil)
			args := guardMutatingArgs()[tool]
			res := guardCall(t, c, tool, args)
			require.False(t, res.IsError, guardText(res))
			text := guardText(res)
			i := strings.Index(text, guardApprovalBase)
			require.GreaterOrEqual(t, i, 0, text)
			id := text[i+len(guardApprovalBase) : i+len(guardApprovalBase)+26]
			asked := e.clock.Now().UTC()

			e.clock.Advance(3*time.Minute + 7*time.Second)
			p, err := e.guard.Approve(context.Background(), id, "page", "")
			require.NoError(t, err)
			require.Equal(t, guard.PendingExecuted, p.State, p.Result)
			w := e.sb.Writes()
			require.Len(t, w, 1)
			body := string(w[0].Body)
			switch tool {
			case "create_order":
				assert.Contains(t, body, asked.Format("2006-01-02T15:04:05"), "the order is dated when the human saw it: %s", body)
			case "update_manual_order":
				assert.Contains(t, body, asked.Format("2006-01-02 15:04"), "paid when the human saw it, not when approved: %s", body)
			}
		})
	}
}
