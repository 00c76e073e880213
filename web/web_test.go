package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/web"
)

// pages is a guard in page mode whose actions count their executions, and
// the approval pages served for it.
type pages struct {
	g     *guard.Guard
	srv   *httptest.Server
	execs atomic.Int32
}

func newPages(t *testing.T) *pages {
	t.Helper()
	p := &pages{}
	g, err := guard.New(guard.Config{Mode: guard.ModePage, MaxSendsPerHour: -1,
		ApprovalURL: func(id string) (string, error) { return p.srv.URL + "/approve/" + id, nil }})
	require.NoError(t, err)
	p.g = g
	g.SetExecutor(func(ctx context.Context, tool string, args json.RawMessage) *mcp.CallToolResult {
		var a struct{ Text string }
		_ = json.Unmarshal(args, &a)
		return g.Run(ctx, mcp.CallToolRequest{}, guard.Controls{}, p.action(a.Text))
	})
	p.srv = httptest.NewServer(web.New(g, web.Options{}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *pages) action(text string) *guard.Action {
	return &guard.Action{
		Tool: "send_message", Args: map[string]any{"text": text}, CustomerFacing: true,
		Preview: "Send this message:\n" + text,
		Execute: func(context.Context) (*guard.Outcome, error) {
			p.execs.Add(1)
			return &guard.Outcome{Text: "Sent."}, nil
		},
	}
}

// ask runs the action as the model would and returns its approval id.
func (p *pages) ask(t *testing.T, text string) string {
	t.Helper()
	res := p.g.Run(context.Background(), mcp.CallToolRequest{}, guard.Controls{}, p.action(text))
	require.False(t, res.IsError)
	link := res.StructuredContent.(map[string]any)["approval_url"].(string)
	return link[strings.LastIndex(link, "/")+1:]
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func post(t *testing.T, u string, form url.Values, site string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if site != "" {
		req.Header.Set("Sec-Fetch-Site", site)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestPageRendersUntrustedTextAsText: the preview is text, never markup,
// and the page is served with its security headers.
func TestPageRendersUntrustedTextAsText(t *testing.T) {
	p := newPages(t)
	id := p.ask(t, `<script>alert(1)</script><img src=x onerror=alert(2)>`)
	res, err := http.Get(p.srv.URL + "/approve/" + id)
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	body := string(b)
	assert.NotContains(t, body, "<script>")
	assert.NotContains(t, body, "<img")
	assert.Contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Equal(t, "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'", res.Header.Get("Content-Security-Policy"))
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
}

// TestPageRefusesForeignHostsAndGETs: a rebinding Host is refused; GET never
// approves; unknown ids are 404.
func TestPageRefusesForeignHostsAndGETs(t *testing.T) {
	p := newPages(t)
	id := p.ask(t, "hi")
	req, _ := http.NewRequest(http.MethodGet, p.srv.URL+"/approve/"+id, nil)
	req.Host = "evil.example"
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusForbidden, res.StatusCode)
	code, _ := get(t, p.srv.URL+"/approve/"+id+"?decision=approve")
	assert.Equal(t, http.StatusOK, code)
	code, _ = get(t, p.srv.URL+"/approve/NOSUCHACTION")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Zero(t, p.execs.Load(), "nothing is approved by GET")
}

// TestPendingPageApprovesThreeRejectsOne: the pending-actions page decides
// several actions at once; each executes once, the rejected one never.
func TestPendingPageApprovesThreeRejectsOne(t *testing.T) {
	p := newPages(t)
	ids := []string{p.ask(t, "one"), p.ask(t, "two"), p.ask(t, "three"), p.ask(t, "four")}
	_, body := get(t, p.srv.URL+"/pending")
	for _, w := range []string{"one", "two", "three", "four"} {
		assert.Contains(t, body, "Send this message:\n"+w)
	}
	csrf := csrfRE.FindStringSubmatch(body)[1]

	code, _ := post(t, p.srv.URL+"/pending", url.Values{"csrf": {csrf}, "decision": {"approve"}, "id": ids[:3]}, "cross-site")
	assert.Equal(t, http.StatusForbidden, code)
	code, _ = post(t, p.srv.URL+"/pending", url.Values{"csrf": {"forged"}, "decision": {"approve"}, "id": ids[:3]}, "same-origin")
	assert.Equal(t, http.StatusForbidden, code)
	assert.Zero(t, p.execs.Load())

	code, _ = post(t, p.srv.URL+"/pending", url.Values{"csrf": {csrf}, "decision": {"approve"}, "id": ids[:3]}, "same-origin")
	assert.Equal(t, http.StatusOK, code)
	code, _ = post(t, p.srv.URL+"/pending", url.Values{"csrf": {csrf}, "decision": {"reject"}, "id": ids[3:]}, "same-origin")
	assert.Equal(t, http.StatusOK, code)
	// The same form submitted again (a double click) changes nothing.
	_, body = post(t, p.srv.URL+"/pending", url.Values{"csrf": {csrf}, "decision": {"approve"}, "id": ids}, "same-origin")
	assert.Equal(t, int32(3), p.execs.Load())
	assert.Contains(t, body, "Nothing is waiting for approval.")
	assert.Equal(t, 3, strings.Count(body, `class="state executed"`))
	assert.Equal(t, 1, strings.Count(body, `class="state rejected"`))
}
