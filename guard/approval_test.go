package guard

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pageHarness is a guard in auto mode with an approval page whose executor
// plans the action again from its arguments, as the server's tools do.
func pageHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	cfg.Mode = ModeAuto
	cfg.ApprovalURL = func(id string) (string, error) { return "http://127.0.0.1:9/approve/" + id, nil }
	h := newHarness(t, cfg)
	h.g.SetExecutor(func(ctx context.Context, tool string, args json.RawMessage) *mcp.CallToolResult {
		var a struct{ Text string }
		require.NoError(t, json.Unmarshal(args, &a))
		return h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send(a.Text, false))
	})
	return h
}

func approvalID(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	require.False(t, res.IsError, resultText(res))
	sc := res.StructuredContent.(map[string]any)
	link, _ := sc["approval_url"].(string)
	require.NotEmpty(t, link, resultText(res))
	return strings.TrimPrefix(link, "http://127.0.0.1:9/approve/")
}

// TestApprovalPageOnlyAHumanApproves: without elicitation the model gets a
// preview and a link, never a token; calling again changes nothing; the
// approval executes once and the model learns the outcome by calling again.
func TestApprovalPageOnlyAHumanApproves(t *testing.T) {
	h := pageHarness(t, Config{})
	ctx := context.Background()
	res := h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
	id := approvalID(t, res)
	assert.Len(t, id, 26, "128 random bits")
	text := resultText(res)
	assert.True(t, strings.HasPrefix(text, "NOT SENT YET: waiting for the user's approval"), text)
	assert.Contains(t, text, "You cannot approve it for them")
	assert.Contains(t, text, "Send to \"Олена\" on TELEGRAM this message:\nhi\nWarning: w1")
	assert.NotContains(t, text, "confirm_token")

	// The model insists: same action, same link, nothing sent.
	for range 3 {
		res = h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
		assert.Equal(t, id, approvalID(t, res))
	}
	// Nor does a made-up confirm_token help.
	res = h.g.Run(ctx, mcp.CallToolRequest{}, Controls{ConfirmToken: "AAAA"}, h.send("hi", false))
	assert.Equal(t, id, approvalID(t, res))
	assert.Zero(t, h.executions())
	p, ok, err := h.g.PendingAction(ctx, id)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, PendingWaiting, p.State)

	p, err = h.g.Approve(ctx, id, "page", "")
	require.NoError(t, err)
	assert.Equal(t, PendingExecuted, p.State)
	assert.Equal(t, "Sent.\nWarning: w1", p.Result)
	assert.Equal(t, 1, h.executions())

	_, err = h.g.Approve(ctx, id, "page", "")
	assert.ErrorIs(t, err, ErrActionSettled, "a second approval executes nothing")
	res = h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
	assert.Contains(t, resultText(res), "Approved by the user and executed at 10:00 UTC")
	assert.Equal(t, 1, h.executions())
	assert.Equal(t, []string{OutcomeAsked, OutcomeIntent, OutcomeExecuted}, h.auditOutcomes(t))
	assert.Equal(t, "page", h.auditRecords(t)[2].Mode)
}

// TestApprovalExecutesOnceUnderConcurrentApprovals: twenty approvals of one
// action at once (the page, a card, a double click) execute it once.
func TestApprovalExecutesOnceUnderConcurrentApprovals(t *testing.T) {
	h := pageHarness(t, Config{})
	id := approvalID(t, h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false)))
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch := []string{"page", "card"}[i%2]
			if _, err := h.g.Approve(context.Background(), id, ch, ""); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else {
				assert.ErrorIs(t, err, ErrActionSettled)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, wins)
	assert.Equal(t, 1, h.executions())
}

// TestApprovalRejectExpireAndUnknown: a rejected, an expired or an unknown
// action executes nothing.
func TestApprovalRejectExpireAndUnknown(t *testing.T) {
	h := pageHarness(t, Config{})
	ctx := context.Background()
	id := approvalID(t, h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("hi", false)))
	p, err := h.g.Reject(ctx, id, "page", "anna")
	require.NoError(t, err)
	assert.Equal(t, PendingRejected, p.State)
	_, err = h.g.Approve(ctx, id, "page", "")
	assert.ErrorIs(t, err, ErrActionSettled)
	res := h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
	assert.Contains(t, resultText(res), "Rejected by anna. Nothing was sent or changed")

	id2 := approvalID(t, h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("other", false)))
	h.clock.Advance(DefaultApprovalTTL + time.Second)
	_, err = h.g.Approve(ctx, id2, "page", "")
	assert.ErrorIs(t, err, ErrActionExpired)
	// Asking again after expiry makes a new approval.
	id3 := approvalID(t, h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("other", false)))
	assert.NotEqual(t, id2, id3)

	_, err = h.g.Approve(ctx, "NOSUCHID0000000000000000000", "page", "")
	assert.ErrorIs(t, err, ErrNoSuchAction)
	assert.Zero(t, h.executions())
}

// TestApprovalRefusedWhenTheActionChanged: what executes is what the human
// saw; if planning it again gives another preview, nothing is sent.
func TestApprovalRefusedWhenTheActionChanged(t *testing.T) {
	h := pageHarness(t, Config{})
	ctx := context.Background()
	id := approvalID(t, h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("hi", false)))
	h.g.SetExecutor(func(ctx context.Context, tool string, args json.RawMessage) *mcp.CallToolResult {
		a := h.send("hi", false)
		a.Preview = "Send to \"Someone else\" on TELEGRAM this message:\nhi"
		return h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, a)
	})
	p, err := h.g.Approve(ctx, id, "page", "")
	require.NoError(t, err)
	assert.Equal(t, PendingFailed, p.State)
	assert.Contains(t, p.Result, "changed since it was approved")
	assert.Zero(t, h.executions())
}

// TestApprovalKeepsTheGuard: an approved action still passes the duplicate
// guard and the budget.
func TestApprovalKeepsTheGuard(t *testing.T) {
	h := pageHarness(t, Config{MaxSendsPerHour: 1})
	ctx := context.Background()
	a := approvalID(t, h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("one", false)))
	b := approvalID(t, h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("two", false)))
	_, err := h.g.Approve(ctx, a, "page", "")
	require.NoError(t, err)
	p, err := h.g.Approve(ctx, b, "page", "")
	require.NoError(t, err)
	assert.Equal(t, PendingFailed, p.State)
	assert.Contains(t, p.Result, "send budget")
	assert.Equal(t, 1, h.executions())
}

// TestElicitationCancelCarriesTheApprovalLink: a client that declares
// elicitation but answers "cancel" without a human still leaves the user a
// way to approve.
func TestElicitationCancelCarriesTheApprovalLink(t *testing.T) {
	h := pageHarness(t, Config{})
	ctx := elicitingCtx(true)
	res := h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
	require.True(t, res.NeedsInput())
	res = h.g.Run(ctx, answer(res.RequestState, mcp.ElicitationResponseActionCancel, nil), Controls{}, h.send("hi", false))
	assert.True(t, res.IsError)
	assert.Contains(t, resultText(res), "they can approve it here (you cannot approve it for them): http://127.0.0.1:9/approve/")
	assert.Zero(t, h.executions())
	ps, err := h.g.PendingActions(context.Background())
	require.NoError(t, err)
	require.Len(t, ps, 1)
	_, err = h.g.Approve(context.Background(), ps[0].ID, "page", "")
	require.NoError(t, err)
	assert.Equal(t, 1, h.executions())
}

// TestApprovalWithoutAPage: with no approval page, page mode refuses.
func TestApprovalWithoutAPage(t *testing.T) {
	h := newHarness(t, Config{Mode: ModePage})
	res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
	assert.True(t, res.IsError)
	assert.Contains(t, resultText(res), "no approval page")
	_, err := h.g.Approve(context.Background(), "x", "page", "")
	assert.True(t, errors.Is(err, ErrNoApprovalPage))
}
