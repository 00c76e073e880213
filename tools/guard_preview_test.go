package tools_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

const guardText2 = "Hi Mark, the night cream ships tomorrow."

// TestGuardPreviewThenConfirm: the first call previews (no write, a
// confirm_token); the identical call with the token sends exactly once; the
// token cannot be replayed.
func TestGuardPreviewThenConfirm(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModePreview})
	c := e.client(t, guardModern, guardAccepting()) // preview mode never elicits
	args := guardSendArgs(guardText1)

	res := guardCall(t, c, "send_message", args)
	tok := guardToken(t, res)
	assert.Contains(t, guardText(res), "NOT SENT YET")
	assert.Contains(t, guardText(res), `"Олена Коваленко" on TELEGRAM`)
	assert.Contains(t, guardText(res), "this message:\n"+guardText1)
	assert.Empty(t, e.writesTo(), "a preview writes nothing")

	res = guardCall(t, c, "send_message", guardWith(args, "confirm_token", tok))
	require.False(t, res.IsError, guardText(res))
	require.Len(t, e.sb.Writes(), 1)
	assert.Equal(t, "/messages/send-message", e.sb.Writes()[0].Path)

	res = guardCall(t, c, "send_message", guardWith(args, "confirm_token", tok, "allow_duplicate", true))
	assert.True(t, res.IsError, "a replay with allow_duplicate changes the arguments")
	res = guardCall(t, c, "send_message", guardWith(args, "confirm_token", tok))
	assert.True(t, res.IsError)
	assert.Contains(t, guardText(res), "already used")
	assert.Contains(t, guardText(res), "Nothing was sent")
	assert.Len(t, e.sb.Writes(), 1, "a replayed token sends nothing")
	assert.Equal(t, []string{guard.OutcomePreview, guard.OutcomeExecuted, guard.OutcomeRefused, guard.OutcomeRefused}, e.auditOutcomes(t))
}

// TestGuardPreviewTokenRejected: a token is bound to one tool, its exact
// arguments, its expiry and the key that signed it.
func TestGuardPreviewTokenRejected(t *testing.T) {
	args := guardSendArgs(guardText1)
	cases := []struct {
		name string
		// call makes the confirming call with the token issued for args.
		call func(t *testing.T, e *harness, tok string) (tool string, callArgs map[string]any)
		msg  string
	}{
		{"changed text", func(t *testing.T, e *harness, tok string) (string, map[string]any) {
			return "send_message", guardWith(args, "text", guardText1+" ", "confirm_token", tok)
		}, "arguments changed"},
		{"changed recipient", func(t *testing.T, e *harness, tok string) (string, map[string]any) {
			return "send_message", guardWith(args, "account_id", sandbox.InjectionAccountID, "confirm_token", tok)
		}, "arguments changed"},
		{"other tool", func(t *testing.T, e *harness, tok string) (string, map[string]any) {
			return "add_comment", map[string]any{"person_id": sandbox.DemoPersonID, "comment": guardText1, "confirm_token": tok}
		}, "does not match this tool"},
		{"malformed", func(t *testing.T, e *harness, tok string) (string, map[string]any) {
			return "send_message", guardWith(args, "confirm_token", tok[:len(tok)-2])
		}, "malformed"},
		{"expired", func(t *testing.T, e *harness, tok string) (string, map[string]any) {
			e.clock.Advance(guard.DefaultTokenTTL + time.Second)
			return "send_message", guardWith(args, "confirm_token", tok)
		}, "expired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newHarness(t, harnessOpts{Mode: guard.ModePreview})
			c := e.client(t, guardModern, nil)
			tok := guardToken(t, guardCall(t, c, "send_message", args))
			tool, callArgs := tc.call(t, e, tok)
			res := guardCall(t, c, tool, callArgs)
			assert.True(t, res.IsError)
			assert.Contains(t, guardText(res), tc.msg)
			assert.Contains(t, guardText(res), "call without confirm_token for a new preview")
			assert.Empty(t, e.writesTo())
			assert.Equal(t, []string{guard.OutcomePreview, guard.OutcomeRefused}, e.auditOutcomes(t))
		})
	}
}

// TestGuardPreviewRejectedTokenStaysValid: a token offered with the wrong
// arguments is not spent; the call it was issued for still goes through once.
func TestGuardPreviewRejectedTokenStaysValid(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModePreview})
	c := e.client(t, guardModern, nil)
	args := guardSendArgs(guardText1)
	tok := guardToken(t, guardCall(t, c, "send_message", args))
	res := guardCall(t, c, "send_message", guardWith(args, "text", "Ignore that, send 90% off", "confirm_token", tok))
	require.True(t, res.IsError)
	res = guardCall(t, c, "send_message", guardWith(args, "confirm_token", tok))
	require.False(t, res.IsError, guardText(res))
	assert.Len(t, e.sb.Writes(), 1)
}

// TestGuardPreviewTokenAcrossServers: servers sharing a key (several
// processes of one deployment, LEELOO_CONFIRM_KEY) accept each other's
// tokens; a server with another key refuses them.
func TestGuardPreviewTokenAcrossServers(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	a := newHarness(t, harnessOpts{Mode: guard.ModePreview, Key: key})
	same := newHarnessOn(t, a.sb, a.clock, harnessOpts{Mode: guard.ModePreview, Key: key})
	other := newHarnessOn(t, a.sb, a.clock, harnessOpts{Mode: guard.ModePreview, Key: []byte("another key, another deployment")})
	random := newHarnessOn(t, a.sb, a.clock, harnessOpts{Mode: guard.ModePreview}) // no key: random per process
	args := guardSendArgs(guardText2)
	args["account_id"] = sandbox.InjectionAccountID

	tok := guardToken(t, guardCall(t, a.client(t, guardModern, nil), "send_message", args))
	for name, e := range map[string]*harness{"other key": other, "random key": random} {
		res := guardCall(t, e.client(t, guardModern, nil), "send_message", guardWith(args, "confirm_token", tok))
		assert.True(t, res.IsError, name)
		assert.Contains(t, guardText(res), "another key", name)
		assert.Empty(t, a.writesTo(), name)
	}

	res := guardCall(t, same.client(t, guardModern, nil), "send_message", guardWith(args, "confirm_token", tok))
	require.False(t, res.IsError, guardText(res))
	w := a.sb.Writes()
	require.Len(t, w, 1)
	assert.Contains(t, string(w[0].Body), guardText2)
}

// TestGuardPreviewDryRunWithToken: dry_run wins over a token and does not
// spend it.
func TestGuardPreviewDryRunWithToken(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModePreview})
	c := e.client(t, guardModern, nil)
	args := guardSendArgs(guardText1)
	tok := guardToken(t, guardCall(t, c, "send_message", args))
	res := guardCall(t, c, "send_message", guardWith(args, "confirm_token", tok, "dry_run", true))
	assert.Contains(t, guardText(res), "DRY RUN")
	assert.Empty(t, e.writesTo())
	res = guardCall(t, c, "send_message", guardWith(args, "confirm_token", tok))
	require.False(t, res.IsError, guardText(res))
	assert.Len(t, e.sb.Writes(), 1)
}
