package app

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

var (
	approvalLinkRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+/approve/[A-Z2-7]{26}`)
	csrfRE         = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// browserPost posts a decision as the page's own form does in a browser.
func browserPost(t *testing.T, link, decision string, headers map[string]string) *httpResult {
	t.Helper()
	page, err := httpGet(link)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, page.StatusCode, page.body)
	m := csrfRE.FindStringSubmatch(page.body)
	require.NotNil(t, m, page.body)
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
	for k, v := range headers {
		h[k] = v
	}
	form := url.Values{"csrf": {m[1]}, "decision": {decision}}
	res, err := httpDo("POST", link, h, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	return res
}

// TestCallWaitsForApproval: `leeloo-mcp call` on a mutation prints the
// approval link and waits; one approval on the page executes it once and
// the command exits 0; giving up (Ctrl-C) sends nothing.
func TestCallWaitsForApproval(t *testing.T) {
	t.Parallel()
	run := func(ctx context.Context) (*testutil.Buffer, *testutil.Buffer, chan int) {
		stdout, stderr := &testutil.Buffer{}, &testutil.Buffer{}
		done := make(chan int, 1)
		go func() {
			done <- Run(ctx, []string{"--sandbox", "call", "add_tag", addTagArgs}, strings.NewReader(""), stdout, stderr, envOf(nil))
		}()
		return stdout, stderr, done
	}
	linkOf := func(stderr *testutil.Buffer) string {
		deadline := time.Now().Add(waitLimit)
		for time.Now().Before(deadline) {
			if l := approvalLinkRE.FindString(stderr.String()); l != "" {
				return l
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("no approval link:\n%s", stderr.String())
		return ""
	}

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	stdout, stderr, done := run(ctx)
	link := linkOf(stderr)
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "NOT SENT YET: waiting for the user's approval") }, waitLimit, 10*time.Millisecond)
	res := browserPost(t, link, "approve", nil)
	assert.Equal(t, http.StatusOK, res.StatusCode, "the redirect shows the outcome")
	assert.Contains(t, res.body, "Approved and done")
	select {
	case code := <-done:
		assert.Equal(t, 0, code, stderr.String())
	case <-time.After(waitLimit):
		t.Fatal("call did not return after the approval")
	}
	assert.Contains(t, stdout.String(), `Tag "Webinar" added to person`)

	// Ctrl-C while waiting: nothing is sent, exit 1.
	ctx2, cancel2 := context.WithCancel(context.Background())
	stdout2, stderr2, done2 := run(ctx2)
	link2 := linkOf(stderr2)
	cancel2()
	select {
	case code := <-done2:
		assert.Equal(t, 1, code)
	case <-time.After(waitLimit):
		t.Fatal("call did not stop")
	}
	assert.Contains(t, stdout2.String(), "Gave up waiting for approval. Nothing was sent or changed.")
	_, err := httpGet(link2)
	assert.Error(t, err, "the page is gone with the process")
}

// TestHTTPApprovalPage: over Streamable HTTP without elicitation, a send
// waits on the approval page served by the same listener; the model's
// retries send nothing; a cross-site or scripted POST is refused; one
// approval sends once, and a reload or a second click sends nothing more.
func TestHTTPApprovalPage(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--transport", "http", "--sandbox")
	h := legacySession(t, s.base)
	call := `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"add_tag","arguments":` + addTagArgs + `}}`
	res, err := httpDo("POST", s.base+"/mcp", h, strings.NewReader(call))
	require.NoError(t, err)
	link := approvalLinkRE.FindString(res.body)
	require.NotEmpty(t, link, res.body)
	assert.True(t, strings.HasPrefix(link, s.base+"/approve/"), "the page shares the listener: %s", link)

	page, err := httpGet(link)
	require.NoError(t, err)
	assert.Equal(t, "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'", page.Header.Get("Content-Security-Policy"))
	assert.Contains(t, page.body, "Sandbox: demo data")
	assert.Contains(t, page.body, "Approve")

	// No approval by GET, by a cross-site form, by a script without the
	// browser's headers, or with a forged CSRF token.
	for _, hdr := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Sec-Fetch-Site": "", "Origin": "https://evil.example"}} {
		r := browserPost(t, link, "approve", hdr)
		assert.Equal(t, http.StatusForbidden, r.StatusCode, "%v: %s", hdr, r.body)
	}
	r, err := httpDo("POST", link, map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}, strings.NewReader("csrf=forged&decision=approve"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusForbidden, r.StatusCode)
	r, err = httpDo("POST", link, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, strings.NewReader("decision=approve"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusForbidden, r.StatusCode)

	res, err = httpDo("POST", s.base+"/mcp", h, strings.NewReader(call))
	require.NoError(t, err)
	assert.Contains(t, res.body, link, "the model's retry waits on the same approval")

	r = browserPost(t, link, "approve", nil)
	assert.Equal(t, http.StatusOK, r.StatusCode)
	assert.Contains(t, r.body, "Approved and done")
	// A second click (a stale form) and a reload change nothing.
	r2, err := httpDo("POST", link, map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"},
		strings.NewReader("csrf="+csrfRE.FindStringSubmatch(page.body)[1]+"&decision=approve"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, r2.StatusCode)
	res, err = httpDo("POST", s.base+"/mcp", h, strings.NewReader(call))
	require.NoError(t, err)
	assert.Contains(t, res.body, "Approved by the user and executed")

	pending, err := httpGet(s.base + "/pending")
	require.NoError(t, err)
	assert.Contains(t, pending.body, "Nothing is waiting for approval.")
	assert.Equal(t, 1, strings.Count(pending.body, "executed</span>"), "one action, executed once")
}

// TestHTTPApprovalPageOriginNull: on the HTTP listener a browser posts the
// page's form with "Origin: null" (the page's no-referrer policy); the
// transport's Origin check leaves the pages to their own Sec-Fetch-Site
// check, so the click approves, and a cross-site post is still refused.
// Found by the browser test (e2e/browser.mjs).
func TestHTTPApprovalPageOriginNull(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--sandbox", "--transport", "http")
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c := streamableClient(t, ctx, s.base, nil)
	initialize(t, ctx, c, "2025-06-18")
	link := approvalLinkRE.FindString(text(callTool(t, ctx, c, "add_tag", addTagArgs)))
	require.NotEmpty(t, link)
	cross := browserPost(t, link, "approve", map[string]string{"Origin": "null", "Sec-Fetch-Site": "cross-site"})
	assert.Equal(t, http.StatusForbidden, cross.StatusCode)
	res := browserPost(t, link, "approve", map[string]string{"Origin": "null"})
	assert.Equal(t, http.StatusOK, res.StatusCode, res.body)
	assert.Contains(t, res.body, "Approved and done")
}

// TestApprovedOutcomeOnRepeat: calling a tool again after its action was
// approved tells the outcome, even where the tool would now refuse the
// arguments (update_manual_order on the order it just resolved). Found by
// e2e/client.mjs over legacy SSE.
func TestApprovedOutcomeOnRepeat(t *testing.T) {
	t.Parallel()
	s := startHTTP(t, nil, "--sandbox", "--transport", "http")
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c := streamableClient(t, ctx, s.base, nil)
	initialize(t, ctx, c, "2025-06-18")
	args := `{"order_id":"` + sandbox.ManualOrderID + `","status":"RESOLVED"}`
	link := approvalLinkRE.FindString(text(callTool(t, ctx, c, "update_manual_order", args)))
	require.NotEmpty(t, link)
	res := browserPost(t, link, "approve", nil)
	require.Contains(t, res.body, "Approved and done")
	again := callTool(t, ctx, c, "update_manual_order", args)
	assert.False(t, again.IsError, text(again))
	assert.Contains(t, text(again), "Approved by the user and executed")
}
