package tools_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// TestGuardServerErrorOnSend: an upstream 5xx on a confirmed send is one
// attempt, an error result the model sees (not a JSON-RPC error), an audit
// line; the server keeps serving.
func TestGuardServerErrorOnSend(t *testing.T) {
	for _, mode := range []guard.Mode{guard.ModeOff, guard.ModePreview, guard.ModeElicit} {
		t.Run(string(mode), func(t *testing.T) {
			e := newHarness(t, harnessOpts{Mode: mode})
			c := e.client(t, guardLegacy, guardAccepting())
			args := guardSendArgs(guardText1)
			if mode == guard.ModePreview {
				args = guardWith(args, "confirm_token", guardToken(t, guardCall(t, c, "send_message", args)))
			}
			e.sb.Inject(sandbox.ServerError("POST", "/messages/send-message"))

			res := guardCall(t, c, "send_message", args) // fails the test on a JSON-RPC error
			assert.True(t, res.IsError)
			assert.Contains(t, guardText(res), "Leeloo had an internal error (HTTP 500 on POST /messages/send-message)")
			assert.Contains(t, guardText(res), "writes are never retried")
			assert.NotContains(t, guardText(res), "<html>", "the upstream body is not passed on")

			var attempts int
			for _, r := range e.sb.Requests() {
				if r.Method == "POST" && r.Path == "/messages/send-message" {
					attempts++
				}
			}
			assert.Equal(t, 1, attempts, "exactly one attempt upstream")

			lines := e.auditLines(t)
			require.NotEmpty(t, lines)
			last := lines[len(lines)-1]
			assert.Equal(t, guard.OutcomeFailed, last["outcome"])
			assert.Equal(t, "send_message", last["tool"])
			assert.Contains(t, last["error"], "HTTP 500")

			// The server keeps serving: a read works.
			res = guardCall(t, c, "get_chat_messages", map[string]any{"account_id": sandbox.DemoAccountID, "limit": 5})
			assert.False(t, res.IsError, guardText(res))
			assert.Contains(t, guardText(res), "Chat "+sandbox.DemoAccountID)
			res = guardCall(t, c, "list_tags", map[string]any{})
			assert.False(t, res.IsError, guardText(res))
		})
	}
}

// TestGuardPromptInjectionIsData: a chat whose customer says "ignore previous
// instructions, send ..." comes back fenced as untrusted text, and reading it
// sends nothing.
func TestGuardPromptInjectionIsData(t *testing.T) {
	for _, mode := range guardModes {
		t.Run(string(mode), func(t *testing.T) {
			e := newHarness(t, harnessOpts{Mode: mode})
			el := guardAccepting()
			c := e.client(t, guardModern, el)
			res := guardCall(t, c, "get_chat_messages", map[string]any{"account_id": sandbox.InjectionAccountID})
			require.False(t, res.IsError, guardText(res))
			text := guardText(res)
			assert.Contains(t, text, render.FenceOpen+sandbox.PromptInjectionText+render.FenceClose)
			assert.Contains(t, text, render.UntrustedNote)
			// The injected text never appears outside a fence.
			outside := strings.ReplaceAll(text, render.FenceOpen+sandbox.PromptInjectionText+render.FenceClose, "")
			assert.NotContains(t, outside, sandbox.PromptInjectionText)

			assert.Nil(t, res.StructuredContent, "the transcript alone: no unfenced copy of the customer's text")
			assert.True(t, strings.HasSuffix(text, "] customer: "+render.FenceOpen+sandbox.PromptInjectionText+render.FenceClose), text)

			assert.Empty(t, e.writesTo(), "reading a chat sends nothing")
			assert.Empty(t, el.Messages(), "reading a chat asks nothing")
			assert.Empty(t, e.auditLines(t), "reads are not mutations")
		})
	}
}

// TestGuardReplyWindowWarnings: the preview warns when the messenger's reply
// window has closed (Facebook, customer last wrote 3 days ago) and not when
// it is open or unlimited (Instagram 2 days, Telegram).
func TestGuardReplyWindowWarnings(t *testing.T) {
	cases := []struct {
		account, channel, warning string
	}{
		{sandbox.FacebookAccountID, "FACEBOOK", "FACEBOOK's reply window has closed: the customer last wrote 3 days ago (window 24 hours); it will likely be rejected"},
		{sandbox.DemoAccountID, "TELEGRAM", ""},
		{sandbox.InstagramAccountID, "INSTAGRAM", ""},
	}
	for _, tc := range cases {
		t.Run(tc.channel, func(t *testing.T) {
			e := newHarness(t, harnessOpts{Mode: guard.ModePreview})
			c := e.client(t, guardModern, nil)
			res := guardCall(t, c, "send_message", map[string]any{"account_id": tc.account, "text": "Hello again!"})
			guardToken(t, res)
			text := guardText(res)
			assert.Contains(t, text, "on "+tc.channel+" (account "+tc.account+")")
			sc := res.StructuredContent.(map[string]any)
			if tc.warning == "" {
				assert.NotContains(t, text, "Warning:")
				assert.NotContains(t, sc, "warnings")
			} else {
				assert.Contains(t, text, "\nWarning: "+tc.warning)
				assert.Equal(t, []any{tc.warning}, sc["warnings"])
			}
			assert.Empty(t, e.writesTo())
		})
	}

	// The confirmation dialog shows the same warning.
	e := newHarness(t, harnessOpts{Mode: guard.ModeElicit})
	el := &guardElicitor{action: "decline"}
	c := e.client(t, guardModern, el)
	guardCall(t, c, "send_message", map[string]any{"account_id": sandbox.FacebookAccountID, "text": "Hello again!"})
	require.Len(t, el.Messages(), 1)
	assert.Contains(t, el.Messages()[0], `"John Miller" on FACEBOOK`)
	assert.Contains(t, el.Messages()[0], "Warning: FACEBOOK's reply window has closed")
	assert.Empty(t, e.writesTo())
}
