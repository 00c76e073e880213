package resources_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/mcptest"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
	"github.com/leeloo-mcp/leeloo-mcp/resources"
)

const token = "t-secret-0123456789"

var now = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

type env struct {
	box    *sandbox.Server
	client *client.Client
}

// newClient is a leeloo client for baseURL that fails fast.
func newClient(t *testing.T, baseURL, tok string) *leeloo.Client {
	t.Helper()
	c, err := leeloo.NewClient(leeloo.Options{BaseURL: baseURL, Token: tok, MaxRetries: -1, RequestsPerMinute: -1})
	require.NoError(t, err)
	return c
}

// serve registers everything resources.All returns, with the completer, on a
// real MCP server and returns a connected client.
func serve(t *testing.T, c *leeloo.Client) *client.Client {
	t.Helper()
	res, tmpls := resources.All(c)
	comp := resources.NewCompleter(c)
	srv := mcptest.NewUnstartedServer(t)
	srv.AddServerOptions(server.WithCompletions(), server.WithResourceCompletionProvider(comp), server.WithPromptCompletionProvider(comp))
	srv.AddResources(res...)
	srv.AddResourceTemplates(tmpls...)
	require.NoError(t, srv.Start(context.Background()))
	t.Cleanup(srv.Close)
	return srv.Client()
}

func setup(t *testing.T) env {
	t.Helper()
	box := sandbox.New(sandbox.Options{Token: token, Now: func() time.Time { return now }})
	hs := httptest.NewServer(box)
	t.Cleanup(hs.Close)
	return env{box: box, client: serve(t, newClient(t, hs.URL+sandbox.Prefix, token))}
}

func read(t *testing.T, c *client.Client, uri string) (mcp.TextResourceContents, error) {
	t.Helper()
	var req mcp.ReadResourceRequest
	req.Params.URI = uri
	res, err := c.ReadResource(context.Background(), req)
	if err != nil {
		return mcp.TextResourceContents{}, err
	}
	require.Len(t, res.Contents, 1)
	tc, ok := res.Contents[0].(mcp.TextResourceContents)
	require.True(t, ok, "text contents, got %T", res.Contents[0])
	assert.Equal(t, uri, tc.URI)
	return tc, nil
}

func readJSON(t *testing.T, c *client.Client, uri string) map[string]any {
	t.Helper()
	tc, err := read(t, c, uri)
	require.NoError(t, err, uri)
	assert.Equal(t, "application/json", tc.MIMEType)
	assert.NotContains(t, tc.Text, "\n  ", "compact JSON")
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(tc.Text), &m), tc.Text)
	return m
}

func TestList(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	lr, err := e.client.ListResources(ctx, mcp.ListResourcesRequest{})
	require.NoError(t, err)
	got := map[string]mcp.Resource{}
	for _, r := range lr.Resources {
		got[r.URI] = r
		assert.NotEmpty(t, r.Name)
		assert.NotEmpty(t, r.Description)
		assert.LessOrEqual(t, len(r.Description), 300, r.URI)
		assert.Equal(t, "application/json", r.MIMEType, r.URI)
	}
	for _, u := range []string{"leeloo://tunnels/stats", "leeloo://tags", "leeloo://templates", "leeloo://connections", "leeloo://users"} {
		assert.Contains(t, got, u)
	}
	assert.Len(t, got, 5)

	lt, err := e.client.ListResourceTemplates(ctx, mcp.ListResourceTemplatesRequest{})
	require.NoError(t, err)
	mimes := map[string]string{}
	for _, tm := range lt.ResourceTemplates {
		mimes[tm.URITemplate.Raw()] = tm.MIMEType
		assert.NotEmpty(t, tm.Name)
		assert.NotEmpty(t, tm.Description)
		assert.LessOrEqual(t, len(tm.Description), 300)
	}
	assert.Equal(t, map[string]string{
		"leeloo://chats/{account_id}":        "text/plain",
		"leeloo://people/{person_id}":        "application/json",
		"leeloo://tunnels/{tunnel_id}/stats": "application/json",
	}, mimes)
}

func TestChatTranscript(t *testing.T) {
	e := setup(t)
	uri := "leeloo://chats/" + sandbox.DemoAccountID
	tc, err := read(t, e.client, uri)
	require.NoError(t, err)
	assert.Equal(t, "text/plain", tc.MIMEType)
	head, body, ok := strings.Cut(tc.Text, "\n\n")
	require.True(t, ok, tc.Text)
	assert.Contains(t, head, "oldest first")
	assert.Contains(t, head, render.UntrustedNote)
	assert.Contains(t, head, "TELEGRAM")
	assert.Contains(t, head, sandbox.DemoPersonID)

	lines := strings.Split(strings.TrimSpace(body), "\n")
	require.NotEmpty(t, lines)
	var prev time.Time
	customer := 0
	for _, l := range lines {
		if !strings.HasPrefix(l, "[") {
			continue // continuation of a multi-line message
		}
		ts, rest, ok := strings.Cut(l[1:], "] ")
		require.True(t, ok, l)
		at, err := time.Parse(render.TimeLayout, ts)
		require.NoError(t, err, l)
		assert.False(t, at.Before(prev), "oldest first: %s after %s", at, prev)
		prev = at
		if strings.HasPrefix(rest, "customer: ") {
			customer++
			assert.True(t, strings.HasPrefix(rest, "customer: "+render.FenceOpen), l)
		}
		if strings.HasPrefix(rest, "us: ") {
			assert.NotContains(t, rest, render.FenceOpen)
		}
	}
	assert.Positive(t, customer)

	reqs := e.box.Requests()
	var sawChat bool
	for _, r := range reqs {
		if r.Path == "/communication-channels/"+sandbox.DemoAccountID+"/chat-messages" {
			sawChat = true
			assert.Equal(t, "GET", r.Method)
			assert.Contains(t, r.RawQuery, "limit=")
		}
		assert.Equal(t, token, r.Header.Get(sandbox.AuthHeader))
	}
	assert.True(t, sawChat)
}

func TestChatInjectionStaysInsideFence(t *testing.T) {
	e := setup(t)
	tc, err := read(t, e.client, "leeloo://chats/"+sandbox.InjectionAccountID)
	require.NoError(t, err)
	i := strings.Index(tc.Text, sandbox.PromptInjectionText)
	require.GreaterOrEqual(t, i, 0, tc.Text)
	open := strings.LastIndex(tc.Text[:i], render.FenceOpen)
	closeBefore := strings.LastIndex(tc.Text[:i], render.FenceClose)
	require.GreaterOrEqual(t, open, 0)
	assert.Greater(t, open, closeBefore, "the injection is inside an open fence")
	assert.Contains(t, tc.Text[i:], render.FenceClose)
	assert.Equal(t, 1, strings.Count(tc.Text, sandbox.PromptInjectionText))
	// The injection is the newest message, so it is the last line.
	lines := strings.Split(strings.TrimSpace(tc.Text), "\n")
	assert.Contains(t, lines[len(lines)-1], sandbox.PromptInjectionText)
}

// noEmpty asserts a decoded JSON document has no empty strings, nulls, empty
// lists or empty objects, except the keys allowed.
func noEmpty(t *testing.T, path string, v any, allowNull map[string]bool) {
	t.Helper()
	switch v := v.(type) {
	case nil:
		assert.True(t, allowNull[path], "null at %s", path)
	case string:
		assert.NotEmpty(t, v, "empty string at %s", path)
	case []any:
		assert.NotEmpty(t, v, "empty list at %s", path)
		for i, x := range v {
			noEmpty(t, path+"["+strconv.Itoa(i)+"]", x, allowNull)
		}
	case map[string]any:
		assert.NotEmpty(t, v, "empty object at %s", path)
		for k, x := range v {
			noEmpty(t, path+"."+k, x, allowNull)
		}
	}
}

func TestPersonCard(t *testing.T) {
	e := setup(t)
	m := readJSON(t, e.client, "leeloo://people/"+sandbox.DemoPersonID)
	noEmpty(t, "", m, nil)
	assert.Equal(t, sandbox.DemoPersonID, m["person_id"])
	assert.Equal(t, "Олена Коваленко", m["name"])
	assert.Contains(t, m["note"], "data")
	assert.Contains(t, m["tags"], sandbox.VIPTagName)
	b, _ := json.Marshal(m)
	s := string(b)
	for _, id := range []string{sandbox.DemoAccountID, sandbox.PaidOrderID, sandbox.ManualOrderID} {
		assert.Contains(t, s, id)
	}
	assert.Contains(t, m, "orders")
	assert.Contains(t, m, "accounts")

	var sawInclude bool
	for _, r := range e.box.Requests() {
		if r.Path == "/people/"+sandbox.DemoPersonID {
			sawInclude = true
			q, err := url.ParseQuery(r.RawQuery)
			require.NoError(t, err)
			assert.Equal(t, "contactedUsers,orders", q.Get("include"))
		}
	}
	assert.True(t, sawInclude)
}

func TestTunnelStats(t *testing.T) {
	e := setup(t)
	m := readJSON(t, e.client, "leeloo://tunnels/"+sandbox.TunnelID+"/stats")
	assert.Equal(t, sandbox.TunnelID, m["tunnel_id"])
	stats := m["stats"].(map[string]any)
	rates := m["rates"].(map[string]any)
	visits, subs := stats["visits"].(float64), stats["subscribers"].(float64)
	require.Positive(t, visits)
	assert.InDelta(t, subs/visits*100, rates["visit_to_subscriber_pct"], 0.01)
	sale, exp := stats["totalSale"].(float64), stats["totalExpenses"].(float64)
	assert.InDelta(t, sale-exp, rates["profit"], 0.01)
	if exp > 0 {
		assert.InDelta(t, (sale-exp)/exp*100, rates["roi_pct"], 0.01)
	}
	for _, k := range []string{"show_to_visit_pct", "subscriber_to_order_pct", "order_to_sale_pct", "revenue_usd", "expenses"} {
		assert.Contains(t, rates, k)
	}
	assert.Contains(t, m["note"], "roi_pct")

	all := readJSON(t, e.client, "leeloo://tunnels/stats")
	assert.Contains(t, all, "rates")
	b, _ := json.Marshal(all["tunnels"])
	assert.Contains(t, string(b), sandbox.TunnelID)
	assert.Contains(t, string(b), "leeloo://tunnels/"+sandbox.TunnelID+"/stats")
	assert.GreaterOrEqual(t, all["stats"].(map[string]any)["visits"].(float64), visits)
}

func TestCatalogResources(t *testing.T) {
	e := setup(t)
	for _, tc := range []struct{ uri, key, want string }{
		{"leeloo://tags", "tags", sandbox.VIPTagID},
		{"leeloo://templates", "categories", sandbox.TemplateID},
		{"leeloo://connections", "connections", sandbox.TelegramConnectionID},
		{"leeloo://users", "users", sandbox.UserID},
	} {
		t.Run(tc.key, func(t *testing.T) {
			m := readJSON(t, e.client, tc.uri)
			require.Contains(t, m, tc.key)
			b, _ := json.Marshal(m[tc.key])
			assert.Contains(t, string(b), tc.want)
		})
	}
	tm := readJSON(t, e.client, "leeloo://templates")
	for _, c := range tm["categories"].([]any) {
		cat := c.(map[string]any)
		if cat["category_id"] == sandbox.TemplateCategoryID {
			b, _ := json.Marshal(cat["templates"])
			assert.Contains(t, string(b), sandbox.TemplateID, "templates sit under their category")
		}
	}
	// One call per category.
	cats, n := len(tm["categories"].([]any)), 0
	for _, r := range e.box.Requests() {
		if strings.HasPrefix(r.Path, "/categories/templates/") {
			n++
		}
	}
	assert.Equal(t, 2*cats, n, "two reads of leeloo://templates, one call per category each")
}

func TestBadIDs(t *testing.T) {
	e := setup(t)
	for _, uri := range []string{
		"leeloo://chats/abc",
		"leeloo://people/65d1c0a8e4b0a1000c00010Z",
		"leeloo://tunnels/123/stats",
	} {
		_, err := read(t, e.client, uri)
		require.Error(t, err, uri)
		assert.Contains(t, err.Error(), "24 hex characters", uri)
	}
	assert.Empty(t, e.box.Requests(), "nothing reaches Leeloo for a malformed id")

	missing := "0123456789abcdef01234567"
	for _, uri := range []string{"leeloo://chats/" + missing, "leeloo://people/" + missing, "leeloo://tunnels/" + missing + "/stats"} {
		_, err := read(t, e.client, uri)
		require.Error(t, err, uri)
		assert.Contains(t, err.Error(), "not found", uri)
		assert.Contains(t, err.Error(), "come from", uri)
	}
}

func TestUpstreamErrorsNeverLeakToken(t *testing.T) {
	box := sandbox.New(sandbox.Options{Token: token, Now: func() time.Time { return now }})
	hs := httptest.NewServer(box)
	defer hs.Close()

	wrong := "wrong-" + token
	c := serve(t, newClient(t, hs.URL+sandbox.Prefix, wrong))
	_, err := read(t, c, "leeloo://tags")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "LEELOO_API_TOKEN")
	assert.NotContains(t, err.Error(), wrong)
	r := complete(t, c, mcp.ResourceReference{Type: "ref/resource", URI: resources.ChatURI}, "account_id", "")
	assert.Empty(t, r.Completion.Values, "a failing listing completes nothing")

	ok := serve(t, newClient(t, hs.URL+sandbox.Prefix, token))
	box.Inject(sandbox.ServerError("GET", "/tunnels/stats"))
	_, err = read(t, ok, "leeloo://tunnels/stats")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "internal error")
	assert.NotContains(t, err.Error(), token)

	box.Inject(sandbox.RateLimited("/connections", 3*time.Second))
	_, err = read(t, ok, "leeloo://connections")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rate-limiting")
}

func complete(t *testing.T, c *client.Client, ref any, name, value string) *mcp.CompleteResult {
	t.Helper()
	var req mcp.CompleteRequest
	req.Params.Ref = ref
	req.Params.Argument = mcp.CompleteArgument{Name: name, Value: value}
	res, err := c.Complete(context.Background(), req)
	require.NoError(t, err)
	return res
}

func TestCompletion(t *testing.T) {
	e := setup(t)
	ref := func(uri string) mcp.ResourceReference { return mcp.ResourceReference{Type: "ref/resource", URI: uri} }

	r := complete(t, e.client, ref(resources.ChatURI), "account_id", sandbox.DemoAccountID[:20])
	assert.Contains(t, r.Completion.Values, sandbox.DemoAccountID)
	assert.LessOrEqual(t, len(r.Completion.Values), resources.MaxCompletions)
	for _, v := range r.Completion.Values {
		assert.True(t, strings.HasPrefix(v, sandbox.DemoAccountID[:20]), v)
	}

	all := complete(t, e.client, ref(resources.ChatURI), "account_id", "")
	assert.Len(t, all.Completion.Values, resources.MaxCompletions, "capped")
	assert.True(t, all.Completion.HasMore)
	assert.Greater(t, all.Completion.Total, resources.MaxCompletions)

	calls := 0
	for _, rq := range e.box.Requests() {
		if rq.Path == "/communication-channels" {
			calls++
		}
	}
	r = complete(t, e.client, ref(resources.ChatURI), "account_id", "65")
	assert.NotEmpty(t, r.Completion.Values)
	after := 0
	for _, rq := range e.box.Requests() {
		if rq.Path == "/communication-channels" {
			after++
		}
	}
	assert.Equal(t, calls, after, "cached candidates are reused")

	r = complete(t, e.client, ref(resources.PersonURI), "person_id", "олена")
	assert.Contains(t, r.Completion.Values, sandbox.DemoPersonID, "matches a name too")

	r = complete(t, e.client, ref(resources.TunnelStatsURI), "tunnel_id", "")
	assert.Contains(t, r.Completion.Values, sandbox.TunnelID)

	r = complete(t, e.client, ref(resources.TunnelStatsURI), "tunnel_id", "zz")
	assert.Empty(t, r.Completion.Values)

	r = complete(t, e.client, mcp.PromptReference{Type: "ref/prompt", Name: "reengage_quiet"}, "tag", "vi")
	assert.Contains(t, r.Completion.Values, sandbox.VIPTagName)

	r = complete(t, e.client, ref("file:///x"), "account_id", "")
	assert.Empty(t, r.Completion.Values)
}

// TestChatReadsNewest100 pages the chat 50 at a time and stops at 100,
// against a plain handler serving 130 messages newest first.
func TestChatReadsNewest100(t *testing.T) {
	const account = "aaaaaaaaaaaaaaaaaaaaaaaa"
	var queries []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/communication-channels/" + account + "/chat-messages":
			queries = append(queries, r.URL.RawQuery)
			limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			var items []string
			for i := offset; i < offset+limit && i < 130; i++ {
				at := now.Add(-time.Duration(i) * time.Minute).Format(time.RFC3339)
				typ := "FRIEND_MESSAGE"
				if i%2 == 1 {
					typ = "YOUR_MESSAGE"
				}
				items = append(items, fmt.Sprintf(`{"id":"m%d","text":"message %d","type":%q,"read":true,"createdAt":%q}`, i, i, typ, at))
			}
			fmt.Fprintf(w, `{"status":1,"data":[%s],"meta":{"limit":%d,"offset":%d,"totalCount":130}}`, strings.Join(items, ","), limit, offset)
		case "/communication-channels/" + account + "/person":
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"status":0,"error":{"code":"NOT_FOUND"}}`)
		default:
			http.NotFound(w, r)
		}
	})
	hs := httptest.NewServer(h)
	defer hs.Close()
	c := serve(t, newClient(t, hs.URL, token))
	tc, err := read(t, c, "leeloo://chats/"+account)
	require.NoError(t, err)
	assert.Equal(t, []string{"limit=50&offset=0", "limit=50&offset=50"}, queries)
	assert.Contains(t, tc.Text, "newest 100 messages")
	assert.Contains(t, tc.Text, "offset 100")
	assert.NotContains(t, tc.Text, "message 100")
	first := strings.Index(tc.Text, "message 99")
	last := strings.Index(tc.Text, "message 0"+render.FenceClose)
	require.Positive(t, first)
	assert.Greater(t, last, first, "oldest (99) before newest (0)")
	assert.Contains(t, tc.Text, "us: message 1\n")
}
