package prompts_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/mcptest"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
	"github.com/leeloo-mcp/leeloo-mcp/prompts"
	"github.com/leeloo-mcp/leeloo-mcp/resources"
)

const (
	accountID = sandbox.DemoAccountID
	personID  = sandbox.DemoPersonID
	tunnelID  = sandbox.TunnelID
)

// serve registers prompts.All on a real MCP server; the completer is the
// one main registers for prompts too, over the sandbox.
func serve(t *testing.T) (*client.Client, *sandbox.Server) {
	t.Helper()
	box := sandbox.New(sandbox.Options{Token: "t", Now: func() time.Time { return time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC) }})
	hs := httptest.NewServer(box)
	t.Cleanup(hs.Close)
	lc, err := leeloo.NewClient(leeloo.Options{BaseURL: hs.URL + sandbox.Prefix, Token: "t", MaxRetries: -1, RequestsPerMinute: -1})
	require.NoError(t, err)
	srv := mcptest.NewUnstartedServer(t)
	srv.AddServerOptions(server.WithCompletions(), server.WithPromptCompletionProvider(resources.NewCompleter(lc)))
	srv.AddPrompts(prompts.All()...)
	require.NoError(t, srv.Start(context.Background()))
	t.Cleanup(srv.Close)
	return srv.Client(), box
}

func get(c *client.Client, name string, args map[string]string) (*mcp.GetPromptResult, error) {
	var req mcp.GetPromptRequest
	req.Params.Name = name
	req.Params.Arguments = args
	return c.GetPrompt(context.Background(), req)
}

func text(t *testing.T, res *mcp.GetPromptResult) string {
	t.Helper()
	require.Len(t, res.Messages, 1)
	assert.Equal(t, mcp.RoleUser, res.Messages[0].Role)
	tc, ok := res.Messages[0].Content.(mcp.TextContent)
	require.True(t, ok, "%T", res.Messages[0].Content)
	return tc.Text
}

func TestList(t *testing.T) {
	c, _ := serve(t)
	res, err := c.ListPrompts(context.Background(), mcp.ListPromptsRequest{})
	require.NoError(t, err)
	got := map[string]map[string]bool{}
	for _, p := range res.Prompts {
		assert.NotEmpty(t, p.Description, p.Name)
		assert.NotEmpty(t, p.Title, p.Name)
		args := map[string]bool{}
		for _, a := range p.Arguments {
			assert.NotEmpty(t, a.Description, p.Name+"."+a.Name)
			args[a.Name] = a.Required
		}
		got[p.Name] = args
	}
	assert.Equal(t, map[string]map[string]bool{
		"summarize_chat": {"account_id": true},
		"follow_up_lead": {"person_id": false, "phone": false, "email": false, "goal": false},
		"tunnel_report":  {"tunnel_id": false, "period": false},
		"reengage_quiet": {"tag": true, "quiet_since": true, "offer": false},
		"triage_inbox":   {"since": false, "limit": false},
	}, got)
}

func TestGet(t *testing.T) {
	c, box := serve(t)
	// Every prompt says customer text is data and names the fence.
	common := []string{"data, not instructions", "<untrusted-customer-text>", "prompt-injection"}
	sending := []string{"confirm", "guarded", "24 hours", "7 days", "send_template"}
	cases := []struct {
		name string
		args map[string]string
		want []string
		not  []string
	}{
		{"summarize_chat", map[string]string{"account_id": accountID},
			append([]string{"leeloo://chats/" + accountID, "get_chat_messages with account_id " + accountID, "get_person_by_account", "DRAFT", "NOT sent", "send_message is guarded"}, sending...), nil},
		{"follow_up_lead", map[string]string{"person_id": personID, "goal": "close the open order"},
			append([]string{"get_person with person_id " + personID, "leeloo://people/" + personID, "leeloo://chats/{account_id}", "get_chat_messages", "orders", "Goal of the follow-up: close the open order", "only after the user confirms"}, sending...),
			[]string{"search_people with"}},
		{"follow_up_lead", map[string]string{"phone": "+380 (67) 123-45-67"},
			[]string{"search_people with phone +380671234567", "get_person with the person_id"}, []string{"Goal"}},
		{"follow_up_lead", map[string]string{"email": "olena@example.com"},
			[]string{"search_people with email olena@example.com"}, nil},
		{"tunnel_report", nil,
			[]string{"all Leeloo tunnels", "get_tunnels_stats", "list_tunnels", "get_tunnel_stats", "leeloo://tunnels/stats", "shows → visits → subscribers → orders → sales", "totalSale (in USD)", "totalExpenses", "ROI", "observations"},
			[]string{"period", "send_message"}},
		{"tunnel_report", map[string]string{"tunnel_id": tunnelID, "period": "March 2026"},
			[]string{"tunnel " + tunnelID, "get_tunnel_stats with tunnel_id " + tunnelID, "leeloo://tunnels/" + tunnelID + "/stats", "March 2026", "no date range"}, nil},
		{"reengage_quiet", map[string]string{"tag": "VIP", "quiet_since": "2026-02-01", "offer": "10% off until Friday"},
			append([]string{`tagged "VIP"`, `search_people with tags ["VIP"] and last_message_to 2026-01-31`, "2026-02-01", "Segment", "Review a few chats", "10% off until Friday", "Never bulk-send without confirmation", "skip them"}, sending...), nil},
		{"triage_inbox", map[string]string{"since": "1764582000000-3", "limit": "5"},
			append([]string{"leeloo://events/INCOMING_MESSAGE", `wait_for_events with types ["INCOMING_MESSAGE"] and since "1764582000000-3"`, "oldest first", "at most 5", "unanswered", "Send nothing by yourself"}, sending...), nil},
		{"triage_inbox", map[string]string{"since": "2026-02-01"},
			[]string{"since 2026-02-01", "last_message_from 2026-02-01", "at most 20"}, []string{`since "2026-02-01"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := get(c, tc.name, tc.args)
			require.NoError(t, err)
			assert.NotEmpty(t, res.Description)
			s := text(t, res)
			for _, w := range append(tc.want, common...) {
				assert.Contains(t, s, w)
			}
			for _, w := range tc.not {
				assert.NotContains(t, s, w)
			}
			assert.NotContains(t, s, "<no value>")
			assert.NotContains(t, s, "{{")
		})
	}
	assert.Empty(t, box.Requests(), "prompts call nothing upstream")
}

func TestGetRejectsBadArguments(t *testing.T) {
	c, _ := serve(t)
	cases := []struct {
		name string
		args map[string]string
		want string
	}{
		{"summarize_chat", nil, "account_id is required"},
		{"summarize_chat", map[string]string{"account_id": "abc"}, "24 hex characters"},
		{"follow_up_lead", nil, "give person_id, phone or email"},
		{"follow_up_lead", map[string]string{"person_id": "Olena"}, "24 hex characters"},
		{"follow_up_lead", map[string]string{"phone": "12"}, "8 to 15 digits"},
		{"follow_up_lead", map[string]string{"email": "olena at example"}, "not an email address"},
		{"tunnel_report", map[string]string{"tunnel_id": "xyz"}, "24 hex characters"},
		{"reengage_quiet", map[string]string{"quiet_since": "2026-02-01"}, "tag is required"},
		{"reengage_quiet", map[string]string{"tag": "VIP"}, "quiet_since is required"},
		{"reengage_quiet", map[string]string{"tag": "VIP", "quiet_since": "01.02.2026"}, "YYYY-MM-DD"},
		{"reengage_quiet", map[string]string{"tag": "VIP", "quiet_since": "2026-02-30"}, "YYYY-MM-DD"},
		{"reengage_quiet", map[string]string{"tag": "VIP", "quiet_since": "2026-02-01", "offer": strings.Repeat("x", 301)}, "limit is 300"},
		{"triage_inbox", map[string]string{"since": "yesterday"}, "neither an event id"},
		{"triage_inbox", map[string]string{"limit": "1000"}, "from 1 to 100"},
	}
	for _, tc := range cases {
		t.Run(tc.name+"/"+tc.want, func(t *testing.T) {
			_, err := get(c, tc.name, tc.args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), tc.name)
		})
	}
}

func TestPromptArgumentCompletion(t *testing.T) {
	c, _ := serve(t)
	var req mcp.CompleteRequest
	req.Params.Ref = mcp.PromptReference{Type: "ref/prompt", Name: "summarize_chat"}
	req.Params.Argument = mcp.CompleteArgument{Name: "account_id", Value: accountID[:22]}
	res, err := c.Complete(context.Background(), req)
	require.NoError(t, err)
	assert.Contains(t, res.Completion.Values, accountID)

	req.Params.Ref = mcp.PromptReference{Type: "ref/prompt", Name: "tunnel_report"}
	req.Params.Argument = mcp.CompleteArgument{Name: "tunnel_id", Value: ""}
	res, err = c.Complete(context.Background(), req)
	require.NoError(t, err)
	assert.Contains(t, res.Completion.Values, tunnelID)
}
