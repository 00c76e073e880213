package tools_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// TestGuardDuplicateRefused: an identical customer-facing action within the
// duplicate window is refused without allow_duplicate; a different one is
// not; after the window it is allowed again.
func TestGuardDuplicateRefused(t *testing.T) {
	cases := []struct {
		tool            string
		args, different map[string]any
	}{
		{"send_message", guardSendArgs(guardText1), guardSendArgs(guardText1 + " Дякуємо!")},
		{"send_template",
			map[string]any{"account_id": sandbox.DemoAccountID, "template_id": sandbox.TemplateID, "variables": map[string]any{"name": "Олена", "discount": "10%"}},
			map[string]any{"account_id": sandbox.DemoAccountID, "template_id": sandbox.TemplateID, "variables": map[string]any{"name": "Олена", "discount": "15%"}}},
		{"create_order",
			map[string]any{"person_id": sandbox.DemoPersonID, "offer_id": sandbox.OfferID, "payment_credits_id": sandbox.PaymentCreditsID},
			map[string]any{"person_id": sandbox.FacebookPersonID, "offer_id": sandbox.OfferID, "payment_credits_id": sandbox.PaymentCreditsID}},
	}
	for _, tc := range cases {
		t.Run(tc.tool, func(t *testing.T) {
			e := newHarness(t, harnessOpts{Mode: guard.ModeOff})
			c := e.client(t, guardModern, nil)
			res := guardCall(t, c, tc.tool, tc.args)
			require.False(t, res.IsError, guardText(res))
			require.Equal(t, 1, len(e.writes()))

			e.clock.Advance(9 * time.Minute)
			res = guardCall(t, c, tc.tool, tc.args)
			assert.True(t, res.IsError)
			assert.Contains(t, guardText(res), "an identical "+tc.tool+" was sent 9m0s ago")
			assert.Contains(t, guardText(res), "allow_duplicate: true")
			assert.Equal(t, 1, len(e.writes()), "the duplicate reached Leeloo")

			res = guardCall(t, c, tc.tool, tc.different)
			require.False(t, res.IsError, "a different action is no duplicate: %s", guardText(res))
			assert.Equal(t, 2, len(e.writes()))

			res = guardCall(t, c, tc.tool, guardWith(tc.args, "allow_duplicate", true))
			require.False(t, res.IsError, guardText(res))
			assert.Equal(t, 3, len(e.writes()))

			// The window runs from the latest identical send.
			e.clock.Advance(guard.DefaultDuplicateWindow)
			res = guardCall(t, c, tc.tool, tc.args)
			assert.True(t, res.IsError, "9m after the allowed duplicate")
			e.clock.Advance(time.Second)
			res = guardCall(t, c, tc.tool, tc.args)
			require.False(t, res.IsError, guardText(res))
			assert.Equal(t, 4, len(e.writes()))
		})
	}
}

// TestGuardDuplicatePreviewRefused: in preview mode the duplicate is refused
// at the preview, before the user is asked to confirm.
func TestGuardDuplicatePreviewRefused(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModePreview})
	c := e.client(t, guardModern, nil)
	args := guardSendArgs(guardText1)
	tok := guardToken(t, guardCall(t, c, "send_message", args))
	// Two previews of the same message, both confirmed: only one is sent.
	tok2 := guardToken(t, guardCall(t, c, "send_message", args))
	require.False(t, guardCall(t, c, "send_message", guardWith(args, "confirm_token", tok)).IsError)
	res := guardCall(t, c, "send_message", guardWith(args, "confirm_token", tok2))
	assert.True(t, res.IsError)
	assert.Contains(t, guardText(res), "allow_duplicate")
	res = guardCall(t, c, "send_message", args)
	assert.True(t, res.IsError, "no preview for a duplicate")
	assert.NotContains(t, guardText(res), "confirm_token")
	assert.Equal(t, 1, len(e.writes()))
}

// TestGuardDuplicateAfterServerError: a send that failed with a 5xx may
// still have been delivered: the identical send is refused as uncertain
// until allow_duplicate says the user checked.
func TestGuardDuplicateAfterServerError(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	c := e.client(t, guardModern, nil)
	args := guardSendArgs(guardText1)
	e.sb.Inject(sandbox.ServerError("POST", "/messages/send-message"))

	res := guardCall(t, c, "send_message", args)
	assert.True(t, res.IsError)
	assert.Contains(t, guardText(res), "may still have delivered")
	assert.Equal(t, 1, len(e.writes()), "a write is never retried")

	e.clock.Advance(2 * time.Minute)
	res = guardCall(t, c, "send_message", args)
	assert.True(t, res.IsError)
	assert.Contains(t, guardText(res), "failed 2m0s ago in a way that may still have delivered it")
	assert.Contains(t, guardText(res), "get_chat_messages")
	assert.Equal(t, 1, len(e.writes()))

	res = guardCall(t, c, "send_message", guardWith(args, "allow_duplicate", true))
	require.False(t, res.IsError, guardText(res))
	assert.Equal(t, 2, len(e.writes()))
}

// TestGuardDuplicateAfterRejection: a send Leeloo certainly rejected (a 4xx
// or FORMAT_ERROR) leaves no duplicate record and no budget charge.
func TestGuardDuplicateAfterRejection(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModeOff, MaxSendsPerHour: 1})
	c := e.client(t, guardModern, nil)
	args := guardSendArgs(guardText1)
	e.sb.Inject(sandbox.FormatError("POST", "/messages/send-message", map[string]string{"text": "REQUIRED"}))

	res := guardCall(t, c, "send_message", args)
	assert.True(t, res.IsError)
	assert.NotContains(t, guardText(res), "may still have delivered")
	res = guardCall(t, c, "send_message", args)
	require.False(t, res.IsError, guardText(res))
	assert.Equal(t, 2, len(e.writes()))
}

// TestGuardDuplicateRecordSurvivesFailedRetry: a delivered message stays on
// record when a later allow_duplicate retry of it is rejected, so a third
// identical send inside the window is still refused.
func TestGuardDuplicateRecordSurvivesFailedRetry(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	c := e.client(t, guardModern, nil)
	args := guardSendArgs(guardText1)
	require.False(t, guardCall(t, c, "send_message", args).IsError)

	e.clock.Advance(time.Minute)
	e.sb.Inject(sandbox.FormatError("POST", "/messages/send-message", map[string]string{"account_id": "NOT_VALID"}))
	res := guardCall(t, c, "send_message", guardWith(args, "allow_duplicate", true))
	require.True(t, res.IsError)

	e.clock.Advance(time.Minute)
	res = guardCall(t, c, "send_message", args)
	assert.True(t, res.IsError, "the first delivery, 2 minutes ago, is forgotten")
	assert.Contains(t, guardText(res), "was sent 2m0s ago")
	assert.Equal(t, 2, len(e.writes()))
}

// TestGuardSendBudget: with --max-sends-per-hour 2 the third customer-facing
// action is refused with the time a slot frees; internal changes don't count.
func TestGuardSendBudget(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModeOff, MaxSendsPerHour: 2})
	c := e.client(t, guardModern, nil)
	send := func(text string) *mcp.CallToolResult {
		return guardCall(t, c, "send_message", guardSendArgs(text))
	}
	require.False(t, send("one").IsError)
	e.clock.Advance(10 * time.Minute)
	require.False(t, send("two").IsError)

	// Internal, non-customer-facing writes are not budgeted.
	for _, tool := range []string{"add_tag", "add_comment", "update_person"} {
		res := guardCall(t, c, tool, guardMutatingArgs()[tool])
		require.False(t, res.IsError, "%s: %s", tool, guardText(res))
	}
	res := guardCall(t, c, "create_order", map[string]any{"person_id": sandbox.DemoPersonID, "offer_id": sandbox.OfferID, "payment_credits_id": sandbox.PaymentCreditsID})
	require.False(t, res.IsError, "an order without notify_customer is not customer-facing: %s", guardText(res))
	require.Equal(t, 6, len(e.writes()))

	e.clock.Advance(5 * time.Minute)
	for _, tool := range []string{"send_message", "send_template", "subscribe_to_tunnel", "create_order"} {
		args := guardMutatingArgs()[tool]
		switch tool {
		case "send_message":
			args = guardSendArgs("three")
		case "create_order": // notify_customer: true; another person than the internal order above
			args = guardWith(args, "person_id", sandbox.FacebookPersonID)
		}
		res := guardCall(t, c, tool, args)
		assert.True(t, res.IsError, tool)
		assert.Contains(t, guardText(res), "send budget of 2 customer-facing actions per hour is used up", tool)
		assert.Contains(t, guardText(res), "the next slot frees at 11:00 UTC (in 45m0s)", tool)
	}
	assert.Equal(t, 6, len(e.writes()), "refused sends reach nobody")

	e.clock.Advance(45 * time.Minute)
	res = send("three")
	require.False(t, res.IsError, guardText(res))
	assert.Contains(t, guardText(send("four")), "frees at 11:10 UTC")
	assert.Equal(t, 7, len(e.writes()))
}

// TestGuardSendBudgetPreview: in preview mode an over-budget action is
// refused at the preview and no token is issued.
func TestGuardSendBudgetPreview(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModePreview, MaxSendsPerHour: 1})
	c := e.client(t, guardModern, nil)
	a1, a2 := guardSendArgs("one"), guardSendArgs("two")
	t1 := guardToken(t, guardCall(t, c, "send_message", a1))
	t2 := guardToken(t, guardCall(t, c, "send_message", a2)) // both previewed while the budget was free
	require.False(t, guardCall(t, c, "send_message", guardWith(a1, "confirm_token", t1)).IsError)
	res := guardCall(t, c, "send_message", guardWith(a2, "confirm_token", t2))
	assert.True(t, res.IsError)
	assert.Contains(t, guardText(res), "send budget")
	res = guardCall(t, c, "send_message", guardSendArgs("three"))
	assert.True(t, res.IsError)
	assert.NotContains(t, guardText(res), "confirm_token")
	assert.Equal(t, 1, len(e.writes()))
}

// TestGuardConcurrentIdenticalSends: ten identical confirmed sends at once
// (mode off) reach Leeloo exactly once.
func TestGuardConcurrentIdenticalSends(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	c := e.client(t, guardModern, nil)
	var wg sync.WaitGroup
	results := make([]*mcp.CallToolResult, 10)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = guardCall(t, c, "send_message", guardSendArgs(guardText1))
		}()
	}
	wg.Wait()
	ok := 0
	for _, r := range results {
		if !r.IsError {
			ok++
		} else {
			assert.Contains(t, guardText(r), "identical send_message")
		}
	}
	assert.Equal(t, 1, ok)
	assert.Equal(t, 1, len(e.writes()))
	assert.Len(t, e.auditLines(t), 10)
}

// TestGuardConcurrentTokenUse: ten concurrent confirmations with one token,
// each with allow_duplicate so only the token stands between them, send once.
func TestGuardConcurrentTokenUse(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModePreview})
	c := e.client(t, guardModern, nil)
	args := guardWith(guardSendArgs(guardText1), "allow_duplicate", true)
	tok := guardToken(t, guardCall(t, c, "send_message", args))
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			guardCall(t, c, "send_message", guardWith(args, "confirm_token", tok))
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, len(e.writes()), fmt.Sprint(e.auditOutcomes(t)))
}

// TestGuardUnclearReplyIsUncertain: Leeloo answered a send in a way that
// does not say what happened (a 2xx that is not JSON or is cut off, a
// redirect). That is never "sent" and never a refusal to repeat: the model is
// told it may have been delivered, the identical retry is refused, and the
// budget keeps the slot. A redirect is not followed, so its target gets
// nothing.
func TestGuardUnclearReplyIsUncertain(t *testing.T) {
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the redirect was followed: %s %s (token header set: %v)", r.Method, r.URL, r.Header.Get("X-Leeloo-AuthToken") != "")
	}))
	t.Cleanup(elsewhere.Close)
	faults := map[string]sandbox.Fault{
		"200 not JSON": {Method: "POST", Path: "/messages/send-message", Status: 200, Body: "<html>OK</html>", ContentType: "text/html"},
		"200 cut off":  {Method: "POST", Path: "/messages/send-message", Status: 200, Body: `{"status":1,"da`, ContentType: "application/json"},
		"302":          {Method: "POST", Path: "/messages/send-message", Status: 302, Header: http.Header{"Location": {elsewhere.URL + "/api/v2/messages/send-message"}}},
		"307":          {Method: "POST", Path: "/messages/send-message", Status: 307, Header: http.Header{"Location": {elsewhere.URL + "/api/v2/messages/send-message"}}},
	}
	for name, f := range faults {
		t.Run(name, func(t *testing.T) {
			e := newHarness(t, harnessOpts{Mode: guard.ModeOff, MaxSendsPerHour: 1})
			c := e.client(t, guardModern, nil)
			args := guardSendArgs(guardText1)
			e.sb.Inject(f)

			res := guardCall(t, c, "send_message", args)
			assert.True(t, res.IsError, guardText(res))
			assert.NotContains(t, guardText(res), "Sent")
			assert.Contains(t, guardText(res), "may or may not have been processed")
			assert.Contains(t, guardText(res), "may still have delivered")
			assert.Equal(t, 1, len(e.writes()))

			res = guardCall(t, c, "send_message", args)
			assert.True(t, res.IsError)
			assert.Contains(t, guardText(res), "may still have delivered it")
			res = guardCall(t, c, "send_message", guardSendArgs("A different message"))
			assert.True(t, res.IsError)
			assert.Contains(t, guardText(res), "budget", "the uncertain send keeps its budget slot")
			assert.Equal(t, 1, len(e.writes()), "nothing more reached Leeloo")
		})
	}
}
