package tools_test

import (
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// TestGuardAuditEveryOutcome: every outcome is one JSON line, written by the
// time the tool result arrives, with the tool, the arguments without
// confirm_token or dry_run, the outcome, and the ids, reason or error.
func TestGuardAuditEveryOutcome(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModePreview})
	c := e.client(t, guardModern, nil)
	args := guardSendArgs(guardText1)

	// step calls a tool and returns the audit lines it added, read as soon
	// as the result is back.
	step := func(tool string, a map[string]any) []map[string]any {
		before := len(e.auditLines(t))
		guardCall(t, c, tool, a)
		return e.auditLines(t)[before:]
	}
	one := func(lines []map[string]any, outcome string) map[string]any {
		t.Helper()
		require.Len(t, lines, 1)
		l := lines[0]
		assert.Equal(t, outcome, l["outcome"])
		assert.Equal(t, e.clock.Now().Format(time.RFC3339Nano), l["time"], "stamped by the guard's clock")
		a, ok := l["args"].(map[string]any)
		require.True(t, ok, "args: %#v", l["args"])
		assert.NotContains(t, a, "confirm_token")
		assert.NotContains(t, a, "dry_run")
		return l
	}

	l := one(step("send_message", guardWith(args, "dry_run", true)), guard.OutcomeDryRun)
	assert.Equal(t, "send_message", l["tool"])
	assert.Equal(t, map[string]any{"account_id": sandbox.DemoAccountID, "text": guardText1}, l["args"])
	assert.Equal(t, true, l["customer_facing"])

	l = one(step("send_message", args), guard.OutcomePreview)
	assert.Equal(t, "preview", l["mode"])
	token := guardToken(t, guardCall(t, c, "send_message", args))
	e.clock.Advance(time.Second)

	l = one(step("send_message", guardWith(args, "confirm_token", token)), guard.OutcomeExecuted)
	assert.Equal(t, map[string]any{"account_id": sandbox.DemoAccountID, "person_id": sandbox.DemoPersonID}, l["ids"])
	assert.Equal(t, map[string]any{"account_id": sandbox.DemoAccountID, "text": guardText1}, l["args"])
	assert.NotContains(t, l, "error")
	e.clock.Advance(-time.Second)

	l = one(step("send_message", guardWith(args, "confirm_token", token)), guard.OutcomeRefused)
	assert.Contains(t, l["reason"], "already used")

	tagArgs := guardMutatingArgs()["add_tag"]
	tagTok := guardToken(t, guardCall(t, c, "add_tag", tagArgs))
	e.sb.Inject(sandbox.ServerError("PUT", "/people/"))
	l = one(step("add_tag", guardWith(tagArgs, "confirm_token", tagTok)), guard.OutcomeFailed)
	assert.Contains(t, l["error"], "HTTP 500")
	assert.NotContains(t, l, "ids")
	assert.Equal(t, map[string]any{"person_id": sandbox.DemoPersonID, "tag_id": sandbox.LeadTagID, "tag": "Lead"}, l["args"])

	// Every line so far is one of the outcomes above; no token was logged.
	for _, line := range e.auditLines(t) {
		assert.NotContains(t, line["args"], "confirm_token")
		r, _ := line["reason"].(string)
		assert.NotContains(t, r, token)
	}

	// The elicitation outcomes, on a server in elicit mode.
	for _, tc := range []struct {
		action  mcp.ElicitationResponseAction
		outcome string
	}{
		{mcp.ElicitationResponseActionDecline, guard.OutcomeDeclined},
		{mcp.ElicitationResponseActionCancel, guard.OutcomeCancelled},
		{mcp.ElicitationResponseActionAccept, guard.OutcomeExecuted},
	} {
		ee := newHarness(t, harnessOpts{Mode: guard.ModeElicit})
		ec := ee.client(t, guardLegacy, &guardElicitor{action: tc.action, content: map[string]any{"confirm": true}})
		guardCall(t, ec, "add_comment", guardMutatingArgs()["add_comment"])
		lines := ee.auditLines(t)
		require.Len(t, lines, 2)
		assert.Equal(t, guard.OutcomeAsked, lines[0]["outcome"])
		assert.Equal(t, tc.outcome, lines[1]["outcome"])
		assert.Equal(t, "elicit", lines[1]["mode"])
		assert.Equal(t, "add_comment", lines[1]["tool"])
		if tc.outcome == guard.OutcomeExecuted {
			ids := lines[1]["ids"].(map[string]any)
			assert.Equal(t, sandbox.DemoPersonID, ids["person_id"])
			assert.NotEmpty(t, ids["comment_id"])
		}
	}
}
