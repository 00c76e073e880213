package guard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// harness is a guard with a clock, an audit sink and a counting action.
type harness struct {
	g     *Guard
	clock *testutil.Clock
	audit *testutil.Buffer
	mu    sync.Mutex
	execs int
	err   error // returned by the next executions
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	h := &harness{clock: newTestClock(), audit: &testutil.Buffer{}}
	cfg.Now, cfg.Audit = h.clock.Now, h.audit
	g, err := New(cfg)
	require.NoError(t, err)
	h.g = g
	return h
}

// auditRecords decodes every record the guard wrote to its audit sink.
func (h *harness) auditRecords(t *testing.T) []AuditRecord {
	t.Helper()
	var out []AuditRecord
	dec := json.NewDecoder(strings.NewReader(h.audit.String()))
	for dec.More() {
		var r AuditRecord
		require.NoError(t, dec.Decode(&r))
		out = append(out, r)
	}
	return out
}

// auditOutcomes lists the outcome of every audit record, in order.
func (h *harness) auditOutcomes(t *testing.T) []string {
	var out []string
	for _, r := range h.auditRecords(t) {
		out = append(out, r.Outcome)
	}
	return out
}

func (h *harness) executions() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.execs
}

// send is a customer-facing action with a duplicate key.
func (h *harness) send(text string, allowDup bool) *Action {
	return &Action{
		Tool: "send_message", Args: map[string]any{"account_id": "acc", "text": text},
		Preview: "Send to \"Олена\" on TELEGRAM this message:\n" + text, Warnings: []string{"w1"},
		CustomerFacing: true, DuplicateKey: "send_message\x00acc\x00" + text, AllowDuplicate: allowDup,
		Execute: func(context.Context) (*Outcome, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.execs++
			if h.err != nil {
				return nil, h.err
			}
			return &Outcome{Text: "Sent.", Structured: map[string]any{"sent": true}, IDs: map[string]string{"account_id": "acc"}}, nil
		},
	}
}

func resultText(r *mcp.CallToolResult) string {
	var parts []string
	for _, c := range r.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func previewToken(t *testing.T, r *mcp.CallToolResult) string {
	t.Helper()
	require.False(t, r.IsError, resultText(r))
	tok, _ := r.StructuredContent.(map[string]any)["confirm_token"].(string)
	require.NotEmpty(t, tok)
	return tok
}

// elicitingCtx is a request context whose client declared elicitation.
func elicitingCtx(modern bool) context.Context {
	caps := mcp.ClientCapabilities{Elicitation: &mcp.ElicitationCapability{}}
	if modern {
		return server.WithRequestProtocolInfo(context.Background(), &server.RequestProtocolInfo{
			Modern: true, ProtocolVersion: mcp.LATEST_PROTOCOL_VERSION, ClientCapabilities: &caps,
		})
	}
	s := server.NewInProcessSession("guard-test", nil)
	s.SetClientCapabilities(caps)
	return server.NewMCPServer("t", "0").WithContext(context.Background(), s)
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": ModeAuto, "auto": ModeAuto, " Preview ": ModePreview, "ELICIT": ModeElicit, "off": ModeOff} {
		m, err := ParseMode(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, m, in)
	}
	_, err := ParseMode("yolo")
	assert.ErrorContains(t, err, "want auto, elicit, page, preview or off")
	_, err = New(Config{Mode: "yolo"})
	assert.Error(t, err)
}

func TestClientElicits(t *testing.T) {
	assert.False(t, clientElicits(context.Background()))
	assert.True(t, clientElicits(elicitingCtx(true)))
	assert.True(t, clientElicits(elicitingCtx(false)))
	modernNoCaps := server.WithRequestProtocolInfo(elicitingCtx(false), &server.RequestProtocolInfo{Modern: true})
	assert.False(t, clientElicits(modernNoCaps), "a modern request's own capabilities count, not the session's")
	plain := server.NewMCPServer("t", "0").WithContext(context.Background(), server.NewInProcessSession("s", nil))
	assert.False(t, clientElicits(plain))
}

func TestRunModeOffExecutesOnce(t *testing.T) {
	h := newHarness(t, Config{Mode: ModeOff})
	res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
	require.False(t, res.IsError, resultText(res))
	assert.True(t, strings.HasPrefix(resultText(res), "Sent."), resultText(res))
	assert.Equal(t, map[string]any{"sent": true}, res.StructuredContent)
	assert.Equal(t, 1, h.executions())
	recs := h.auditRecords(t)
	require.Len(t, recs, 2)
	assert.Equal(t, AuditRecord{Time: testStart, Tool: "send_message", Args: map[string]any{"account_id": "acc", "text": "hi"},
		Mode: "off", Outcome: OutcomeIntent, Customer: true}, recs[0])
	assert.Equal(t, AuditRecord{Time: testStart, Tool: "send_message", Args: map[string]any{"account_id": "acc", "text": "hi"},
		Mode: "off", Outcome: OutcomeExecuted, IDs: map[string]string{"account_id": "acc"}, Customer: true}, recs[1])
}

func TestRunDryRun(t *testing.T) {
	for _, mode := range []Mode{ModeAuto, ModeElicit, ModePreview, ModeOff} {
		h := newHarness(t, Config{Mode: mode})
		for _, ctx := range []context.Context{context.Background(), elicitingCtx(true), elicitingCtx(false)} {
			res := h.g.Run(ctx, mcp.CallToolRequest{}, Controls{DryRun: true, ConfirmToken: "x"}, h.send("hi", false))
			assert.False(t, res.IsError)
			assert.True(t, strings.HasPrefix(resultText(res), "DRY RUN: nothing was sent or changed.\n\nSend to"), resultText(res))
			assert.Contains(t, resultText(res), "\nWarning: w1")
			assert.Equal(t, map[string]any{"preview": h.send("hi", false).Preview, "executed": false, "warnings": []string{"w1"}}, res.StructuredContent)
		}
		assert.Zero(t, h.executions(), mode)
		assert.Equal(t, []string{OutcomeDryRun, OutcomeDryRun, OutcomeDryRun}, h.auditOutcomes(t))
	}
}

func TestRunReadOnly(t *testing.T) {
	h := newHarness(t, Config{Mode: ModeOff, ReadOnly: true})
	for _, c := range []Controls{{}, {DryRun: true}} {
		res := h.g.Run(context.Background(), mcp.CallToolRequest{}, c, h.send("hi", false))
		assert.True(t, res.IsError)
		assert.Contains(t, resultText(res), "Refused: the server runs read-only")
	}
	assert.Zero(t, h.executions())
	assert.Equal(t, []string{OutcomeRefused, OutcomeRefused}, h.auditOutcomes(t))
}

func TestRunPreviewFlow(t *testing.T) {
	h := newHarness(t, Config{Mode: ModePreview})
	ctx := elicitingCtx(true) // preview mode never elicits
	a := h.send("hi", false)
	res := h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, a)
	assert.False(t, res.NeedsInput())
	tok := previewToken(t, res)
	assert.Contains(t, resultText(res), "valid until 10:05:00 UTC, single use")
	assert.Zero(t, h.executions())

	res = h.g.Run(ctx, mcp.CallToolRequest{}, Controls{ConfirmToken: tok}, h.send("hi!", false))
	assert.True(t, res.IsError)
	assert.Contains(t, resultText(res), "arguments changed")
	res = h.g.Run(ctx, mcp.CallToolRequest{}, Controls{ConfirmToken: tok}, a)
	require.False(t, res.IsError, resultText(res))
	res = h.g.Run(ctx, mcp.CallToolRequest{}, Controls{ConfirmToken: tok}, h.send("hi", true))
	assert.True(t, res.IsError)
	assert.Equal(t, 1, h.executions())
	assert.Equal(t, []string{OutcomePreview, OutcomeRefused, OutcomeIntent, OutcomeExecuted, OutcomeRefused}, h.auditOutcomes(t))
}

func TestRunAutoMode(t *testing.T) {
	h := newHarness(t, Config{Mode: ModeAuto, ApprovalURL: func(id string) (string, error) { return "http://127.0.0.1:1/approve/" + id, nil }})
	res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
	require.False(t, res.IsError, resultText(res))
	assert.Contains(t, resultText(res), "http://127.0.0.1:1/approve/", "a client without elicitation gets the approval page")
	assert.NotContains(t, resultText(res), "confirm_token", "and never a way to confirm by itself")
	for _, modern := range []bool{true, false} {
		res = h.g.Run(elicitingCtx(modern), mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
		require.True(t, res.NeedsInput(), "a client that elicits is asked")
		el := res.InputRequests[elicitKey]
		require.NotNil(t, el.Elicitation)
		assert.Equal(t, "Send to \"Олена\" on TELEGRAM this message:\nhi\nWarning: w1", el.Elicitation.Message)
		assert.NotEmpty(t, res.RequestState)
	}
	assert.Zero(t, h.executions())
	assert.Equal(t, []string{OutcomeAsked, OutcomeAsked, OutcomeAsked}, h.auditOutcomes(t))
	var modes []string
	for _, r := range h.auditRecords(t) {
		modes = append(modes, r.Mode)
	}
	assert.Equal(t, []string{"page", "elicit", "elicit"}, modes, "the audit says which mode auto chose")
}

// answer builds the retried request of an elicitation round trip.
func answer(state string, action mcp.ElicitationResponseAction, content any) mcp.CallToolRequest {
	var req mcp.CallToolRequest
	res := mcp.ElicitationResult{}
	res.Action, res.Content = action, content
	req.Params.InputResponses = mcp.InputResponses{elicitKey: mcp.NewElicitationInputResponse(res)}
	req.Params.RequestState = state
	return req
}

func TestRunElicitAnswers(t *testing.T) {
	yes := map[string]any{"confirm": true}
	cases := []struct {
		name    string
		action  mcp.ElicitationResponseAction
		content any
		execs   int
		outcome string
		msg     string
	}{
		{"accept", mcp.ElicitationResponseActionAccept, yes, 1, OutcomeExecuted, "Sent."},
		{"accept unticked", mcp.ElicitationResponseActionAccept, map[string]any{"confirm": false}, 0, OutcomeDeclined, "did not confirm"},
		{"accept without content", mcp.ElicitationResponseActionAccept, nil, 0, OutcomeDeclined, "did not confirm"},
		{"accept with a string", mcp.ElicitationResponseActionAccept, map[string]any{"confirm": "true"}, 0, OutcomeDeclined, "did not confirm"},
		{"decline", mcp.ElicitationResponseActionDecline, yes, 0, OutcomeDeclined, "declined"},
		{"cancel", mcp.ElicitationResponseActionCancel, yes, 0, OutcomeCancelled, "cancelled"},
		{"unknown action", "later", yes, 0, OutcomeCancelled, "cancelled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{Mode: ModeElicit})
			ctx := elicitingCtx(false)
			first := h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
			require.True(t, first.NeedsInput())
			res := h.g.Run(ctx, answer(first.RequestState, tc.action, tc.content), Controls{}, h.send("hi", false))
			assert.Equal(t, tc.execs == 0, res.IsError)
			assert.Contains(t, resultText(res), tc.msg)
			assert.Equal(t, tc.execs, h.executions())
			want := []string{OutcomeAsked, tc.outcome}
			if tc.execs > 0 {
				want = []string{OutcomeAsked, OutcomeIntent, tc.outcome}
			}
			assert.Equal(t, want, h.auditOutcomes(t))
		})
	}
}

func TestRunElicitAnswerMustMatchTheCall(t *testing.T) {
	h := newHarness(t, Config{Mode: ModeElicit})
	ctx := elicitingCtx(true)
	yes := map[string]any{"confirm": true}
	first := h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
	require.True(t, first.NeedsInput())

	// An answer without the state, with a forged one, or replayed onto other
	// arguments executes nothing.
	for name, state := range map[string]string{"none": "", "forged": strings.Repeat("A", 43)} {
		res := h.g.Run(ctx, answer(state, mcp.ElicitationResponseActionAccept, yes), Controls{}, h.send("hi", false))
		assert.True(t, res.IsError, name)
		assert.Contains(t, resultText(res), "the confirmation does not match this call", name)
	}
	res := h.g.Run(ctx, answer(first.RequestState, mcp.ElicitationResponseActionAccept, yes), Controls{}, h.send("send every customer 90% off", false))
	assert.True(t, res.IsError)
	assert.Zero(t, h.executions())

	// The real answer executes once; the same answer again does not.
	res = h.g.Run(ctx, answer(first.RequestState, mcp.ElicitationResponseActionAccept, yes), Controls{}, h.send("hi", false))
	require.False(t, res.IsError, resultText(res))
	res = h.g.Run(ctx, answer(first.RequestState, mcp.ElicitationResponseActionAccept, yes), Controls{}, h.send("hi", true))
	assert.True(t, res.IsError)
	assert.Contains(t, resultText(res), "already used")
	assert.Equal(t, 1, h.executions())

	// An expired question cannot be answered.
	q := h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("later", false))
	h.clock.Advance(DefaultTokenTTL + time.Second)
	res = h.g.Run(ctx, answer(q.RequestState, mcp.ElicitationResponseActionAccept, yes), Controls{}, h.send("later", false))
	assert.Contains(t, resultText(res), "expired")
	assert.Equal(t, 1, h.executions())
}

func TestRunElicitWithoutCapability(t *testing.T) {
	h := newHarness(t, Config{Mode: ModeElicit})
	res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
	assert.True(t, res.IsError)
	assert.False(t, res.NeedsInput())
	assert.Contains(t, resultText(res), "cannot show confirmation dialogs")
	assert.Zero(t, h.executions())
}

func TestRunExecuteFailure(t *testing.T) {
	cases := []struct {
		name      string
		err       error
		uncertain bool
	}{
		{"5xx", &leeloo.APIError{Method: "POST", Path: "/messages/send-message", HTTPStatus: 502}, true},
		{"timeout", &leeloo.NetworkError{Method: "POST", Path: "/messages/send-message", Err: context.DeadlineExceeded}, true},
		{"wrapped 5xx", fmt.Errorf("send: %w", &leeloo.APIError{HTTPStatus: 500}), true},
		{"4xx", &leeloo.APIError{HTTPStatus: 400, Code: leeloo.CodeFormatError}, false},
		{"status 0 on 200", &leeloo.APIError{HTTPStatus: 200, Code: leeloo.CodeFormatError}, false},
		{"429", &leeloo.RateLimitError{APIError: leeloo.APIError{HTTPStatus: 429}, RetryAfter: time.Second}, false},
		{"other", errors.New("boom"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.uncertain, MaybeDelivered(tc.err))
			h := newHarness(t, Config{Mode: ModeOff, MaxSendsPerHour: 1})
			h.err = tc.err
			res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
			assert.True(t, res.IsError)
			assert.Contains(t, resultText(res), tc.err.Error(), "the default ErrorResult passes the error on")
			assert.Equal(t, tc.uncertain, strings.Contains(resultText(res), "may still have delivered"))
			recs := h.auditRecords(t)
			require.Len(t, recs, 2)
			assert.Equal(t, OutcomeIntent, recs[0].Outcome)
			assert.Equal(t, OutcomeFailed, recs[1].Outcome)
			assert.Equal(t, tc.err.Error(), recs[1].Error)

			// A certain failure gives back its budget slot and its duplicate
			// claim; an uncertain one keeps both.
			h.err = nil
			res = h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
			assert.Equal(t, tc.uncertain, res.IsError, resultText(res))
			if tc.uncertain {
				assert.Contains(t, resultText(res), "may still have delivered it")
				res = h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", true))
				assert.Contains(t, resultText(res), "send budget of 1", "the uncertain attempt keeps its slot")
			}
			assert.Equal(t, 2-btoi(tc.uncertain), h.executions())
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestRunErrorResultMapping(t *testing.T) {
	h := newHarness(t, Config{Mode: ModeOff, ErrorResult: func(err error) *mcp.CallToolResult {
		return mcp.NewToolResultError("mapped: " + err.Error())
	}})
	h.err = &leeloo.APIError{HTTPStatus: 500}
	res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
	assert.True(t, strings.HasPrefix(resultText(res), "mapped: "))
	assert.Contains(t, resultText(res), "may still have delivered")
}

func TestRunNonCustomerFacingSkipsBudget(t *testing.T) {
	h := newHarness(t, Config{Mode: ModeOff, MaxSendsPerHour: 1})
	for i := 0; i < 3; i++ {
		a := h.send(fmt.Sprint(i), false)
		a.CustomerFacing, a.DuplicateKey = false, ""
		res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, a)
		require.False(t, res.IsError, resultText(res))
	}
	assert.False(t, h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("x", false)).IsError)
	assert.Contains(t, resultText(h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("y", false))), "the next slot frees at 11:00 UTC (in 1h0m0s)")
}

// TestRunAuditBeforeResult: the outcome line of an execution is written
// after the action and before Run returns (its intent line before it).
func TestRunAuditBeforeResult(t *testing.T) {
	var events []string
	w := writerFunc(func(p []byte) (int, error) {
		var r AuditRecord
		require.NoError(t, json.Unmarshal(p, &r))
		events = append(events, "audit:"+r.Outcome)
		return len(p), nil
	})
	g, err := New(Config{Mode: ModeOff, Audit: w})
	require.NoError(t, err)
	a := &Action{Tool: "add_tag", Args: map[string]any{}, Execute: func(context.Context) (*Outcome, error) {
		events = append(events, "execute")
		return &Outcome{Text: "ok"}, nil
	}}
	g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, a)
	events = append(events, "returned")
	assert.Equal(t, []string{"audit:intent", "execute", "audit:executed", "returned"}, events)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestRunUnencodableArgs(t *testing.T) {
	h := newHarness(t, Config{Mode: ModeOff})
	a := h.send("hi", false)
	a.Args = map[string]any{"f": func() {}}
	res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, a)
	assert.True(t, res.IsError)
	assert.Zero(t, h.executions())
}

func TestRunConcurrentDuplicates(t *testing.T) {
	h := newHarness(t, Config{Mode: ModeOff})
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("same", false))
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, h.executions())
	assert.Len(t, h.auditRecords(t), 11, "one intent, ten outcomes")
}
