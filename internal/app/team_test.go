package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/redistest"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// twoAccounts is a fake Leeloo with two accounts, by token, counting each
// account's requests.
type twoAccounts struct {
	*httptest.Server
	mu    sync.Mutex
	count map[string]int
}

func newTwoAccounts(t *testing.T, tokens ...string) *twoAccounts {
	t.Helper()
	f := &twoAccounts{count: map[string]int{}}
	sbs := map[string]*sandbox.Server{}
	for _, tok := range tokens {
		sbs[tok] = sandbox.New(sandbox.Options{Token: tok})
	}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get(leelooTokenHeader)
		f.mu.Lock()
		f.count[tok]++
		if r.Method != http.MethodGet {
			f.count[tok+" write"]++
		}
		f.mu.Unlock()
		sb := sbs[tok]
		if sb == nil {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"status":"error","message":"bad token"}`)
			return
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *twoAccounts) requests(tok string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.count[tok]
}

// TestPerRequestNeedsToken: a team server answers a request without
// X-Leeloo-AuthToken with 401 naming the header, and has no token itself.
func TestPerRequestNeedsToken(t *testing.T) {
	up := newTwoAccounts(t, "tok-a")
	s := startHTTP(t, map[string]string{"LEELOO_BASE_URL": up.URL + "/api/v2", "LEELOO_STATE": "memory"},
		"--transport", "http", "--credentials", "per-request")
	res, err := http.Post(s.base+"/mcp", "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	assert.Contains(t, string(body), "X-Leeloo-AuthToken")
	assert.NotContains(t, s.stderr.String(), "SANDBOX", "a team server is never the sandbox")

	r := runApp(t, map[string]string{}, "--credentials", "per-request")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "needs an HTTP transport")
	r = runApp(t, map[string]string{"LEELOO_STATE": "redis://127.0.0.1:1/0"}, "--credentials", "per-request", "--transport", "http")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "LEELOO_TENANT_KEY")
}

// TestPerRequestTenants: two tokens on one server are two tenants: each
// request reaches its own account; a confirm token of A is refused for B;
// A's spent budget leaves B's whole; the audit log names user and tenant,
// never a token.
func TestPerRequestTenants(t *testing.T) {
	up := newTwoAccounts(t, "tok-a", "tok-b")
	dir := t.TempDir()
	audit := filepath.Join(dir, "audit.jsonl")
	token, line := newUser(t, "anna")
	users := writeUsersFile(t, dir, "# team", line)

	s := startHTTP(t, map[string]string{"LEELOO_BASE_URL": up.URL + "/api/v2", "LEELOO_STATE": "memory", "LEELOO_TENANT_KEY": "k"},
		"--transport", "http", "--credentials", "per-request", "--confirm", "preview", "--max-sends-per-hour", "1",
		"--users-file", users, "--audit-log", audit, "--metrics-token", "m")
	ctx := context.Background()
	hdr := func(tok string) map[string]string {
		return map[string]string{leelooTokenHeader: tok, "Authorization": "Bearer " + token}
	}
	ca, cb := streamableClient(t, ctx, s.base, hdr("tok-a")), streamableClient(t, ctx, s.base, hdr("tok-b"))
	initialize(t, ctx, ca, "2025-11-25")
	initialize(t, ctx, cb, "2025-11-25")

	before := up.requests("tok-b")
	res := callTool(t, ctx, ca, "list_tags", `{}`)
	require.False(t, res.IsError, text(res))
	assert.Equal(t, before, up.requests("tok-b"), "A's read reached only A's account")
	assert.Positive(t, up.requests("tok-a"))

	send := `{"account_id":"` + sandbox.DemoAccountID + `","text":"Доставка завтра"}`
	prev := callTool(t, ctx, ca, "send_message", send)
	require.False(t, prev.IsError, text(prev))
	withTok := withConfirmToken(t, send, prev)
	res = callTool(t, ctx, cb, "send_message", withTok)
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), "does not match", "A's confirm token is refused for B")
	res = callTool(t, ctx, ca, "send_message", withTok)
	require.False(t, res.IsError, text(res))

	// A's budget (1 per hour) is spent; B's is whole.
	res = callTool(t, ctx, ca, "send_message", `{"account_id":"`+sandbox.DemoAccountID+`","text":"Ще одне"}`)
	assert.Contains(t, text(res), "Refused")
	res = callTool(t, ctx, cb, "send_message", `{"account_id":"`+sandbox.DemoAccountID+`","text":"Ще одне"}`)
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "confirm_token")

	// Without a user's bearer token nothing is served.
	cr, err := http.Post(s.base+"/mcp", "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	_ = cr.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, cr.StatusCode)

	raw, err := os.ReadFile(audit)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "tok-a")
	assert.NotContains(t, string(raw), token)
	recs := auditLines(t, audit)
	require.NotEmpty(t, recs)
	tenants := map[any]bool{}
	for _, r := range recs {
		assert.Equal(t, "anna", r["user"], r)
		assert.Len(t, r["tenant"], 24, r)
		tenants[r["tenant"]] = true
	}
	assert.Len(t, tenants, 2)

	// Probes and metrics.
	rr, err := http.Get(s.base + "/readyz")
	require.NoError(t, err)
	_ = rr.Body.Close()
	assert.Equal(t, http.StatusOK, rr.StatusCode)
	mr, err := http.Get(s.base + "/metrics")
	require.NoError(t, err)
	_ = mr.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, mr.StatusCode)
	req, _ := http.NewRequest(http.MethodGet, s.base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer m")
	mr, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	metrics, _ := io.ReadAll(mr.Body)
	_ = mr.Body.Close()
	for _, want := range []string{
		`leeloo_mcp_tool_calls_total{outcome="ok",tool="list_tags"} 1`,
		`leeloo_mcp_guard_outcomes_total{outcome="executed",tool="send_message"} 1`,
		`leeloo_mcp_upstream_requests_total{status="200"}`,
		`leeloo_mcp_sessions_open 2`,
		`leeloo_mcp_tool_call_duration_seconds_bucket`,
	} {
		assert.Contains(t, string(metrics), want)
	}
	assert.NotContains(t, string(metrics), "tok-a")
	assert.Contains(t, s.stderr.String(), `msg="tool call" tool=send_message user=anna tenant=`)
}

// TestUsersFileLines: the users file's format and its errors.
func TestUsersFileLines(t *testing.T) {
	h := strings.Repeat("0f", 32)
	u, err := parseUsers(strings.NewReader("anna sha256:" + h + "\n\n# x\nboris sha256:" + strings.Repeat("1e", 32) + " approver\n"))
	require.NoError(t, err)
	assert.True(t, u.byName["boris"].approver)
	assert.False(t, u.byName["anna"].approver)
	for _, bad := range []string{"anna", "anna md5:00", "anna sha256:" + h + " admin", "a b sha256:" + h, "", "anna sha256:" + h + "\nanna sha256:" + h} {
		_, err := parseUsers(strings.NewReader(bad))
		assert.Error(t, err, bad)
	}
	key := []byte("k")
	v := signUser(key, "anna", time.Now().Add(signinTTL))
	name, ok := verifyUser(key, v, time.Now())
	assert.True(t, ok)
	assert.Equal(t, "anna", name)
	_, ok = verifyUser([]byte("other"), v, time.Now())
	assert.False(t, ok)
	_, ok = verifyUser(key, v, time.Now().Add(2*signinTTL))
	assert.False(t, ok)
}

// TestApprovalSignIn: with a users file the approval pages share the
// listener and ask the approver to sign in once (an HttpOnly, SameSite=Strict
// cookie); only the user who asked, or an approver, decides.
func TestApprovalSignIn(t *testing.T) {
	dir := t.TempDir()
	tokens := map[string]string{}
	var lines []string
	for _, name := range []string{"anna", "boris", "carol"} {
		tok, line := newUser(t, name)
		tokens[name] = tok
		if name == "carol" {
			line += " approver"
		}
		lines = append(lines, line)
	}
	users := writeUsersFile(t, dir, lines...)
	audit := filepath.Join(dir, "audit.jsonl")
	s := startHTTP(t, nil, "--transport", "http", "--sandbox", "--users-file", users, "--audit-log", audit)

	ask := func(args string) string {
		h := legacySession(t, s.base, "Authorization", "Bearer "+tokens["anna"])
		call := `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"add_tag","arguments":` + args + `}}`
		res, err := httpDo("POST", s.base+"/mcp", h, strings.NewReader(call))
		require.NoError(t, err)
		link := approvalLinkRE.FindString(res.body)
		require.NotEmpty(t, link, res.body)
		return link
	}
	signIn := func(name, next string) string { return signInAs(t, s.base, next, tokens[name]) }
	decide := func(link, cookie, decision string) *httpResult { return decideAs(t, link, cookie, decision) }

	link := ask(addTagArgs)
	boris := signIn("boris", link)
	res := decide(link, boris, "approve")
	assert.Equal(t, http.StatusForbidden, res.StatusCode)
	assert.Contains(t, res.body, "only the user who asked")
	anna := signIn("anna", link)
	res = decide(link, anna, "approve")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, res.body, "Approved and done")
	assert.Contains(t, res.body, "by anna")

	link2 := ask(`{"person_id":"` + sandboxPerson + `","tag":"Newsletter"}`)
	carol := signIn("carol", link2)
	res = decide(link2, carol, "reject")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, res.body, "Rejected")

	bad, err := httpDo("GET", link2, map[string]string{"Cookie": signinCookie + "=forged.1.x"}, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, bad.StatusCode)

	var executed bool
	for _, r := range auditLines(t, audit) {
		assert.Equal(t, "anna", r["user"], r)
		if r["outcome"] == "executed" {
			executed = true
			assert.Equal(t, "anna", r["approver"])
		}
	}
	assert.True(t, executed)
}

// signInAs signs in on the approval pages with a user's bearer token, from
// the sign-in page next shows, and returns the cookie.
func signInAs(t *testing.T, base, next, token string) string {
	t.Helper()
	page, err := httpGet(next)
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, page.StatusCode, "not signed in: the sign-in page")
	m := csrfRE.FindStringSubmatch(page.body)
	require.NotNil(t, m, page.body)
	form := url.Values{"csrf": {m[1]}, "token": {token}, "next": {strings.TrimPrefix(next, base)}}
	req, _ := http.NewRequest("POST", base+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := (&http.Transport{}).RoundTrip(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	c := res.Cookies()
	require.Len(t, c, 1)
	assert.True(t, c[0].HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, c[0].SameSite)
	return c[0].Name + "=" + c[0].Value
}

// decideAs posts a decision on link as the page's form does, signed in by
// cookie.
func decideAs(t *testing.T, link, cookie, decision string) *httpResult {
	t.Helper()
	page, err := httpDo("GET", link, map[string]string{"Cookie": cookie}, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, page.StatusCode, page.body)
	m := csrfRE.FindStringSubmatch(page.body)
	require.NotNil(t, m, page.body)
	form := url.Values{"csrf": {m[1]}, "decision": {decision}}
	res, err := httpDo("POST", link, map[string]string{"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	return res
}

// TestPerRequestApprovals: on a team server an action waits on a page
// whose link names its tenant; approving there only marks it: the asker's
// next identical call executes it, once, even when two such calls race;
// tenant B's identical call is its own action and stays waiting.
func TestPerRequestApprovals(t *testing.T) {
	up := newTwoAccounts(t, "tok-a", "tok-b")
	dir := t.TempDir()
	token, line := newUser(t, "anna")
	users := writeUsersFile(t, dir, line)
	s := startHTTP(t, map[string]string{"LEELOO_BASE_URL": up.URL + "/api/v2", "LEELOO_STATE": "memory", "LEELOO_TENANT_KEY": "k"},
		"--transport", "http", "--credentials", "per-request", "--confirm", "page", "--users-file", users)
	session := func(tok string) map[string]string {
		return legacySession(t, s.base, "Authorization", "Bearer "+token, leelooTokenHeader, tok)
	}
	ha, hb := session("tok-a"), session("tok-b")
	call := `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"add_tag","arguments":` + addTagArgs + `}}`
	do := func(h map[string]string) string {
		res, err := httpDo("POST", s.base+"/mcp", h, strings.NewReader(call))
		require.NoError(t, err)
		return res.body
	}
	linkRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+/approve/[0-9a-f]{24}\.[A-Z2-7]{26}`)
	la := linkRE.FindString(do(ha))
	lb := linkRE.FindString(do(hb))
	require.NotEmpty(t, la)
	require.NotEmpty(t, lb)
	assert.NotEqual(t, la[:strings.LastIndexByte(la, '.')], lb[:strings.LastIndexByte(lb, '.')], "the links name different tenants")

	cookie := signInAs(t, s.base, la, token)
	res := decideAs(t, la, cookie, "approve")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, res.body, "it runs once when the assistant calls it again")

	assert.Contains(t, do(hb), "NOT SENT YET", "tenant B's identical call is its own action, still waiting")
	before := up.requests("tok-a write")
	var wg sync.WaitGroup
	bodies := make([]string, 2)
	for i := range bodies {
		wg.Add(1)
		go func() { defer wg.Done(); bodies[i] = do(ha) }()
	}
	wg.Wait()
	executed := 0
	for _, b := range bodies {
		if strings.Contains(b, "executed now") {
			executed++
		}
	}
	assert.Equal(t, 1, executed, "two racing calls execute it once: %v", bodies)
	assert.Contains(t, do(ha), "Approved by anna and executed")
	assert.Equal(t, 1, up.requests("tok-a write")-before, "one write reached Leeloo")
	assert.Zero(t, up.requests("tok-b write"), "nothing was written for tenant B")
}

// TestPerRequestApprovalAcrossReplicas: two replicas sharing Redis and the
// keys: an action asked on one is approved on the other's page, and the
// asker's identical calls raced on both execute it once; tenant B's
// identical call on either replica is B's own action.
func TestPerRequestApprovalAcrossReplicas(t *testing.T) {
	redis := redistest.Start(t)
	up := newTwoAccounts(t, "tok-a", "tok-b")
	dir := t.TempDir()
	token, line := newUser(t, "anna")
	users := writeUsersFile(t, dir, line)
	env := map[string]string{"LEELOO_BASE_URL": up.URL + "/api/v2", "LEELOO_STATE": redis.URL, "LEELOO_TENANT_KEY": "fleet", "LEELOO_CONFIRM_KEY": "fleet-confirm-0123456789"}
	args := []string{"--transport", "http", "--credentials", "per-request", "--confirm", "page", "--users-file", users}
	r1, r2 := startHTTP(t, env, args...), startHTTP(t, env, args...)
	call := `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"add_tag","arguments":` + addTagArgs + `}}`
	do := func(s *httpServer, tok string) string {
		h := legacySession(t, s.base, "Authorization", "Bearer "+token, leelooTokenHeader, tok)
		res, err := httpDo("POST", s.base+"/mcp", h, strings.NewReader(call))
		require.NoError(t, err)
		return res.body
	}
	linkRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+(/approve/[0-9a-f]{24}\.[A-Z2-7]{26})`)
	m := linkRE.FindStringSubmatch(do(r1, "tok-a"))
	require.NotNil(t, m)
	link := r2.base + m[1] // the other replica's page
	cookie := signInAs(t, r2.base, link, token)
	res := decideAs(t, link, cookie, "approve")
	require.Equal(t, http.StatusOK, res.StatusCode, res.body)

	assert.Contains(t, do(r2, "tok-b"), "NOT SENT YET", "tenant B's identical call is its own")
	var wg sync.WaitGroup
	bodies := make([]string, 4)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies[i] = do([]*httpServer{r1, r2}[i%2], "tok-a")
		}()
	}
	wg.Wait()
	executed := 0
	for _, b := range bodies {
		if strings.Contains(b, "executed now") {
			executed++
		}
	}
	assert.Equal(t, 1, executed, "%v", bodies)
	assert.Equal(t, 1, up.requests("tok-a write"))
	assert.Zero(t, up.requests("tok-b write"))
}
