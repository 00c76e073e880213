package leeloo_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// sandboxNow is the sandbox's clock: its seed is laid out relative to it.
var sandboxNow = time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

// sandboxInputs address the sandbox seed's well-known records. The date
// ranges are wide so the filtered lists are not empty whatever the seed.
var sandboxInputs = endpointInputs{
	CategoryID:        sandbox.TemplateCategoryID,
	TemplateID:        sandbox.TemplateID,
	AccountID:         sandbox.DemoAccountID,
	PersonID:          sandbox.DemoPersonID,
	OrderID:           sandbox.PaidOrderID,
	ManualOrderID:     sandbox.ManualOrderID,
	AddTagID:          sandbox.LeadTagID,
	RemoveTagID:       sandbox.VIPTagID,
	TunnelID:          sandbox.TunnelID,
	TunnelBlockID:     "65d1c0a8e4b0a1000c0007ff", // blocks are not modelled; any well-formed id
	LeadgentoolID:     sandbox.LeadgentoolID,
	UserID:            sandbox.UserID,
	SMSConnectionID:   sandbox.SMSConnectionID,
	PaymentCreditsID:  sandbox.PaymentCreditsID,
	OfferID:           sandbox.OfferID,
	TemplateVariables: map[string]string{"name": "Олена", "discount": "15%"},
	ChannelsFrom:      time.Date(2000, 1, 1, 12, 0, 0, 0, kyiv),
	ChannelsTo:        time.Date(2099, 12, 31, 12, 0, 0, 0, kyiv),
	ChannelsFromDay:   "2000-01-01",
	ChannelsToDay:     "2099-12-31",
	Search: leeloo.PeopleListOptions{
		ListOptions:     leeloo.ListOptions{Limit: 20},
		Tags:            []string{sandbox.VIPTagName},
		LastMessageFrom: time.Date(2000, 1, 1, 12, 0, 0, 0, kyiv),
		LastMessageTo:   time.Date(2099, 12, 31, 12, 0, 0, 0, kyiv),
	},
	SearchQuery: url.Values{
		"limit":                      {"20"},
		"offset":                     {"0"},
		"filter[tags]":               {sandbox.VIPTagName},
		"filter[last_message][from]": {"2000-01-01"},
		"filter[last_message][to]":   {"2099-12-31"},
	},
	NewPersonName:      "Тарас Тестовий",
	NewPersonEmail:     "taras.e2e@example.com",
	NewPersonPhone:     "+380 (67) 555-01-23",
	NewPersonPhoneWire: "+380675550123",
}

// sandboxEnv is one fresh sandbox behind a real HTTP server and a client.
type sandboxEnv struct {
	s *sandbox.Server
	c *leeloo.Client
}

func newSandboxEnv(t *testing.T, mods ...func(*leeloo.Options)) sandboxEnv {
	t.Helper()
	s := sandbox.New(sandbox.Options{Token: testToken, Now: func() time.Time { return sandboxNow }})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return sandboxEnv{s: s, c: newClient(t, srv.URL+sandbox.Prefix, mods...)}
}

// asRecorded turns the sandbox's record of a request into the fake's, so
// assertRequest checks both the same way.
func asRecorded(r sandbox.Request) recorded {
	return recorded{Method: r.Method, Path: apiPrefix + r.Path, RawQuery: r.RawQuery, Header: r.Header, Body: r.Body}
}

// TestSandboxEndpoints runs the endpoint cases (endpointCases) against
// the in-memory Leeloo: every call succeeds, sends the same request as
// against the fake, and decodes sensible data.
func TestSandboxEndpoints(t *testing.T) {
	checks := sandboxChecks()
	for _, tc := range endpointCases() {
		t.Run(tc.name, func(t *testing.T) {
			env := newSandboxEnv(t)

			got, resp, err := tc.call(t.Context(), env.c, sandboxInputs)
			require.NoError(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, 1, resp.Attempts)

			reqs := env.s.Requests()
			require.Len(t, reqs, 1, "exactly one request")
			want := tc.want(sandboxInputs)
			// The same method, path and content type as the httptest case...
			docWant := tc.want(docInputs)
			assert.Equal(t, docWant.Method, reqs[0].Method)
			wantCT := ""
			if want.Body != "" {
				wantCT = "application/json"
			}
			assert.Equal(t, wantCT, reqs[0].ContentType)
			// ...and the exact request for the sandbox's ids.
			assertRequest(t, want, asRecorded(reqs[0]))

			check, ok := checks[tc.name]
			require.True(t, ok, "no sandbox check for %s", tc.name)
			check(t, env, got, resp)
		})
	}
}

func TestSandboxChecksCoverEveryTool(t *testing.T) {
	checks := sandboxChecks()
	toolNames := apiToolNames(t)
	assert.Len(t, checks, len(toolNames))
	for _, n := range toolNames {
		assert.Contains(t, checks, n)
	}
}

// latestMessage is the newest message of the demo account's chat.
func latestMessage(t *testing.T, env sandboxEnv) leeloo.ChatMessage {
	t.Helper()
	msgs, _, err := env.c.Channels.ChatMessages(t.Context(), sandbox.DemoAccountID, &leeloo.ListOptions{Limit: 1})
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	return msgs[0]
}

func demoPerson(t *testing.T, env sandboxEnv) *leeloo.Person {
	t.Helper()
	p, _, err := env.c.People.Get(t.Context(), sandbox.DemoPersonID, &leeloo.PersonGetOptions{ContactedUsers: true, Orders: true})
	require.NoError(t, err)
	return p
}

func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}

func isObjectID(t *testing.T, s string) {
	t.Helper()
	assert.Regexp(t, `^[0-9a-f]{24}$`, s)
}

type sandboxCheck func(t *testing.T, env sandboxEnv, got any, resp *leeloo.Response)

// sandboxChecks asserts, per tool, that the sandbox's answer and state make
// sense for the call the table made.
func sandboxChecks() map[string]sandboxCheck {
	return map[string]sandboxCheck{
		"list_template_categories": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			cats := as[[]leeloo.TemplateCategory](t, got)
			assert.Contains(t, ids(cats, func(c leeloo.TemplateCategory) string { return c.ID }), sandbox.TemplateCategoryID)
			for _, c := range cats {
				assert.NotEmpty(t, c.Name)
			}
		},
		"list_templates": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			ts := as[[]leeloo.Template](t, got)
			assert.Contains(t, ids(ts, func(x leeloo.Template) string { return x.ID }), sandbox.TemplateID)
			for _, x := range ts {
				assert.NotEmpty(t, x.MessageName)
			}
		},
		"send_template": func(t *testing.T, env sandboxEnv, _ any, _ *leeloo.Response) {
			m := latestMessage(t, env)
			assert.Equal(t, leeloo.MessageFromUs, m.Type)
			assert.Contains(t, m.Text, "Олена")
			assert.Contains(t, m.Text, "15%")
			assert.NotContains(t, m.Text, "{{", "variables rendered")
		},
		"get_chat_messages": func(t *testing.T, _ sandboxEnv, got any, resp *leeloo.Response) {
			msgs := as[[]leeloo.ChatMessage](t, got)
			require.Len(t, msgs, 2)
			for _, m := range msgs {
				isObjectID(t, m.ID)
				assert.NotEmpty(t, m.Text)
				assert.Contains(t, []string{leeloo.MessageFromUs, leeloo.MessageFromCustomer, leeloo.MessageSystem}, m.Type)
				assert.False(t, m.CreatedAt.IsZero())
				assert.False(t, m.CreatedAt.After(sandboxNow))
			}
			assert.False(t, msgs[0].CreatedAt.Before(msgs[1].CreatedAt.Time), "newest first")
			require.NotNil(t, resp.Meta)
			assert.GreaterOrEqual(t, resp.Meta.TotalCount, 2)
		},
		"send_message": func(t *testing.T, env sandboxEnv, _ any, _ *leeloo.Response) {
			m := latestMessage(t, env)
			assert.Equal(t, "текст сообщения", m.Text)
			assert.Equal(t, leeloo.MessageFromUs, m.Type)
		},
		"list_communication_channels": func(t *testing.T, _ sandboxEnv, got any, resp *leeloo.Response) {
			chs := as[[]leeloo.Channel](t, got)
			require.NotEmpty(t, chs)
			assert.LessOrEqual(t, len(chs), 20)
			for _, ch := range chs {
				isObjectID(t, ch.ID)
				isObjectID(t, ch.PersonID)
				assert.NotEmpty(t, ch.From)
				assert.False(t, ch.LastMessageTime.IsZero())
			}
			require.NotNil(t, resp.Meta)
			assert.GreaterOrEqual(t, resp.Meta.TotalCount, len(chs))
		},
		"get_person_by_account": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			p := as[*leeloo.Person](t, got)
			assert.Equal(t, sandbox.DemoPersonID, p.ID)
			assert.Contains(t, ids(p.Accounts, func(a leeloo.Account) string { return a.AccountID }), sandbox.DemoAccountID)
			assert.Contains(t, p.Tags, sandbox.VIPTagName)
			assert.NotEmpty(t, p.Name)
			assert.False(t, p.CreatedAt.IsZero())
		},
		"create_traffic_source": func(t *testing.T, env sandboxEnv, got any, _ *leeloo.Response) {
			ts := as[*leeloo.TrafficSource](t, got)
			isObjectID(t, ts.ID)
			assert.Equal(t, "some ts", ts.Name)
			assert.Equal(t, sandbox.LeadgentoolID, ts.LeadgentoolID)
			assert.Equal(t, sandbox.TunnelID, ts.TunnelID)
			assert.True(t, ts.CreatedAt.Equal(sandboxNow))
			assert.Contains(t, ids(env.s.TrafficSources(sandbox.LeadgentoolID), func(s sandbox.TrafficSource) string { return s.ID }), ts.ID)
		},
		"create_order": func(t *testing.T, env sandboxEnv, got any, _ *leeloo.Response) {
			o := as[*leeloo.Order](t, got)
			isObjectID(t, o.ID)
			assert.Equal(t, leeloo.OrderOpened, o.Status)
			assert.Equal(t, leeloo.Amount(49), o.Price)
			assert.Equal(t, "USD", o.Currency)
			assert.NotEmpty(t, o.Title)
			back, _, err := env.c.Orders.Get(t.Context(), o.ID)
			require.NoError(t, err)
			assert.Equal(t, leeloo.PaymentManual, back.PaymentMethod)
		},
		"list_orders": func(t *testing.T, _ sandboxEnv, got any, resp *leeloo.Response) {
			orders := as[[]leeloo.Order](t, got)
			require.NotEmpty(t, orders)
			for _, o := range orders {
				isObjectID(t, o.ID)
				isObjectID(t, o.PersonID)
				assert.NotEmpty(t, o.Status)
				assert.NotEmpty(t, o.Currency)
			}
			require.NotNil(t, resp.Meta)
			assert.GreaterOrEqual(t, resp.Meta.TotalCount, len(orders))
		},
		"get_order": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			o := as[*leeloo.Order](t, got)
			assert.Equal(t, sandbox.PaidOrderID, o.ID)
			assert.Equal(t, leeloo.OrderSuccess, o.Status)
			assert.Equal(t, "WAYFORPAY", o.PaymentMethod)
			assert.Positive(t, float64(o.Price))
		},
		"update_manual_order": func(t *testing.T, env sandboxEnv, got any, _ *leeloo.Response) {
			u := as[*leeloo.OrderUpdate](t, got)
			assert.Equal(t, sandbox.ManualOrderID, u.ID)
			assert.Equal(t, leeloo.OrderResolved, u.Status)
			assertTime(t, "2018-06-27T07:32:00Z", u.PaymentDate, "paymentDate")
			assert.Equal(t, leeloo.Amount(100), u.Price)
			back, _, err := env.c.Orders.Get(t.Context(), sandbox.ManualOrderID)
			require.NoError(t, err)
			assert.Equal(t, leeloo.OrderResolved, back.Status)
			assert.Equal(t, leeloo.Amount(100), back.Price)
		},
		"search_people": func(t *testing.T, _ sandboxEnv, got any, resp *leeloo.Response) {
			ps := as[[]leeloo.Person](t, got)
			require.NotEmpty(t, ps)
			for _, p := range ps {
				assert.Contains(t, p.Tags, sandbox.VIPTagName)
			}
			require.NotNil(t, resp.Meta)
			assert.GreaterOrEqual(t, resp.Meta.TotalCount, len(ps))
		},
		"get_person": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			p := as[*leeloo.Person](t, got)
			assert.Equal(t, sandbox.DemoPersonID, p.ID)
			require.NotNil(t, p.Included)
			orderIDs := ids(p.Included.Orders, func(o leeloo.Order) string { return o.ID })
			assert.Contains(t, orderIDs, sandbox.PaidOrderID)
			assert.Contains(t, orderIDs, sandbox.ManualOrderID)
			assert.ElementsMatch(t, orderIDs, ids(p.Links["orders"], func(l leeloo.Link) string { return l.ID }))
			assert.ElementsMatch(t, ids(p.Included.Users, func(u leeloo.User) string { return u.ID }),
				ids(p.Links["contactedUsers"], func(l leeloo.Link) string { return l.ID }))
		},
		"update_person": func(t *testing.T, env sandboxEnv, got any, _ *leeloo.Response) {
			p := as[*leeloo.Person](t, got)
			assert.Equal(t, sandbox.DemoPersonID, p.ID)
			assert.Equal(t, "+380669991876", p.Phone)
			assert.Equal(t, "newmail@gmail.com", p.Email)
			assert.Contains(t, p.CustomFields, leeloo.CustomField{Type: leeloo.FieldEmail, Name: "emailcust", Value: "customemail@gmail.com"})
			assert.Equal(t, "+380669991876", demoPerson(t, env).Phone, "stored")
		},
		"create_person": func(t *testing.T, env sandboxEnv, got any, _ *leeloo.Response) {
			np := as[*leeloo.NewPerson](t, got)
			isObjectID(t, np.AccountID)
			isObjectID(t, np.PersonID)
			assert.NotEqual(t, np.AccountID, np.PersonID)
			assert.Equal(t, leeloo.FromManual, np.From)
			assert.Equal(t, "+380675550123", np.Phone)
			p, _, err := env.c.Channels.Person(t.Context(), np.AccountID)
			require.NoError(t, err)
			assert.Equal(t, np.PersonID, p.ID)
			assert.Equal(t, "Тарас Тестовий", p.Name)
		},
		"add_sms_contacts": func(t *testing.T, env sandboxEnv, got any, _ *leeloo.Response) {
			assert.Equal(t, 1, as[int](t, got))
			ps, _, err := env.c.People.List(t.Context(), &leeloo.PeopleListOptions{Phone: "+380 66 777 22 33"})
			require.NoError(t, err)
			require.Len(t, ps, 1)
			assert.Contains(t, ids(ps[0].Accounts, func(a leeloo.Account) string { return a.From }), leeloo.FromSMS)
			assert.Contains(t, ps[0].Tags, "Lead")
		},
		"add_comment": func(t *testing.T, env sandboxEnv, got any, _ *leeloo.Response) {
			c := as[*leeloo.Comment](t, got)
			isObjectID(t, c.ID)
			assert.Equal(t, "some text", c.Text)
			assert.Equal(t, sandbox.DemoPersonID, c.EntityID)
			assert.Equal(t, "PERSON", c.EntityType)
			assert.Equal(t, sandbox.UserID, c.CreatedBy)
			comments := env.s.Comments(sandbox.DemoPersonID)
			require.NotEmpty(t, comments)
			assert.Equal(t, c.ID, comments[len(comments)-1].ID)
		},
		"list_tags": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			tags := as[[]leeloo.Tag](t, got)
			assert.Contains(t, tags, leeloo.Tag{ID: sandbox.VIPTagID, Name: sandbox.VIPTagName})
			assert.Contains(t, tags, leeloo.Tag{ID: sandbox.LeadTagID, Name: "Lead"})
		},
		"remove_tag": func(t *testing.T, env sandboxEnv, _ any, _ *leeloo.Response) {
			assert.NotContains(t, demoPerson(t, env).Tags, sandbox.VIPTagName)
		},
		"add_tag": func(t *testing.T, env sandboxEnv, _ any, _ *leeloo.Response) {
			tags := demoPerson(t, env).Tags
			assert.Contains(t, tags, "Lead")
			assert.Contains(t, tags, sandbox.VIPTagName, "other tags kept")
		},
		"list_tunnels": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			ts := as[[]leeloo.Tunnel](t, got)
			assert.Contains(t, ids(ts, func(x leeloo.Tunnel) string { return x.ID }), sandbox.TunnelID)
			for _, x := range ts {
				assert.NotEmpty(t, x.Name)
				assert.False(t, x.CreatedAt.IsZero())
			}
		},
		"get_tunnel": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			tn := as[*leeloo.Tunnel](t, got)
			assert.Equal(t, sandbox.TunnelID, tn.ID)
			assert.Len(t, tn.Leadgentools, 3)
			i := slices.IndexFunc(tn.Leadgentools, func(l leeloo.Leadgentool) bool { return l.ID == sandbox.LeadgentoolID })
			require.GreaterOrEqual(t, i, 0)
			assert.Equal(t, leeloo.LeadgenLink, tn.Leadgentools[i].Type)
		},
		"get_tunnels_stats": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			stats := as[[]leeloo.TunnelStats](t, got)
			require.Len(t, stats, 1)
			assertSensibleStats(t, stats[0])
		},
		"get_tunnel_stats": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			stats := as[[]leeloo.TunnelStats](t, got)
			require.Len(t, stats, 1)
			assertSensibleStats(t, stats[0])
			assert.Positive(t, stats[0].Subscribers)
		},
		"list_users": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			us := as[[]leeloo.User](t, got)
			assert.Contains(t, ids(us, func(u leeloo.User) string { return u.ID }), sandbox.UserID)
		},
		"get_user": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			u := as[*leeloo.User](t, got)
			assert.Equal(t, sandbox.UserID, u.ID)
			assert.Equal(t, "Max Petrenko", u.Name)
			assert.False(t, u.CreatedAt.IsZero())
		},
		"list_connections": func(t *testing.T, _ sandboxEnv, got any, _ *leeloo.Response) {
			cs := as[[]leeloo.Connection](t, got)
			got2 := ids(cs, func(c leeloo.Connection) string { return c.ID })
			assert.Contains(t, got2, sandbox.TelegramConnectionID)
			assert.Contains(t, got2, sandbox.SMSConnectionID)
		},
		"subscribe_to_tunnel": func(t *testing.T, env sandboxEnv, _ any, _ *leeloo.Response) {
			h := demoPerson(t, env).SubscribeHistory
			require.NotEmpty(t, h)
			assert.Equal(t, sandbox.TunnelID, h[len(h)-1].TunnelID)
			assert.Equal(t, sandbox.DemoAccountID, h[len(h)-1].AccountID)
		},
		"log_call": func(t *testing.T, env sandboxEnv, got any, _ *leeloo.Response) {
			c := as[*leeloo.Call](t, got)
			isObjectID(t, c.ID)
			assert.Equal(t, leeloo.CallSuccess, c.Status)
			assert.Equal(t, 125, c.Duration)
			assert.Empty(t, c.RecordLink)
			assertTime(t, "2026-01-15T09:30:05Z", c.Date, "date")
			calls := env.s.Calls()
			require.Len(t, calls, 1)
			assert.Equal(t, sandbox.DemoAccountID, calls[0].AccountID)
			assert.Equal(t, "2026-01-15T09:30:05.000Z", calls[0].Date)
			assert.Equal(t, "+380443900000", calls[0].From)
		},
	}
}

func assertSensibleStats(t *testing.T, s leeloo.TunnelStats) {
	t.Helper()
	assert.GreaterOrEqual(t, s.Subscribers, s.UniqSubscribers)
	assert.GreaterOrEqual(t, s.Visits, s.UniqVisits)
	assert.GreaterOrEqual(t, s.Shows, s.UniqShows)
	assert.GreaterOrEqual(t, s.Orders, s.Sales)
	assert.GreaterOrEqual(t, s.Sales, s.UniqSales)
	assert.GreaterOrEqual(t, s.TotalSale, 0.0)
}

func TestSandboxReadRetriedAfter429(t *testing.T) {
	env := newSandboxEnv(t)
	env.s.Inject(sandbox.RateLimited("/tags", time.Second))

	start := time.Now()
	tags, resp, err := env.c.Tags.List(t.Context())
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "Retry-After honoured")
	assert.NotEmpty(t, tags)
	assert.Equal(t, 2, resp.Attempts)
	reqs := env.s.Requests()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		assert.Equal(t, "/tags", r.Path)
	}
}

func TestSandboxRateLimitBeyondMaxRetryWait(t *testing.T) {
	env := newSandboxEnv(t, func(o *leeloo.Options) { o.MaxRetryWait = time.Second })
	env.s.Inject(sandbox.RateLimited("", time.Minute))

	_, _, err := env.c.People.List(t.Context(), nil)
	var rl *leeloo.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, time.Minute, rl.RetryAfter)
	assert.Len(t, env.s.Requests(), 1)
}

func TestSandboxReadRetriedAfter5xx(t *testing.T) {
	env := newSandboxEnv(t)
	f := sandbox.ServerError(http.MethodGet, "/orders")
	f.Times = 2
	env.s.Inject(f)

	o, resp, err := env.c.Orders.Get(t.Context(), sandbox.PaidOrderID)
	require.NoError(t, err)
	assert.Equal(t, sandbox.PaidOrderID, o.ID)
	assert.Equal(t, 3, resp.Attempts)
}

func TestSandboxWriteSentOnceOn5xx(t *testing.T) {
	cases := map[string]struct {
		path  string
		write func(ctx context.Context, c *leeloo.Client) (*leeloo.Response, error)
	}{
		"send_message": {"/messages/send-message", func(ctx context.Context, c *leeloo.Client) (*leeloo.Response, error) {
			return c.Messages.Send(ctx, leeloo.SendMessageRequest{AccountID: sandbox.DemoAccountID, Text: "only once"})
		}},
		"create_order": {"/orders", func(ctx context.Context, c *leeloo.Client) (*leeloo.Response, error) {
			_, resp, err := c.Orders.Create(ctx, leeloo.CreateOrderRequest{
				PaymentCreditsID: sandbox.PaymentCreditsID, OfferID: sandbox.OfferID, PersonID: sandbox.DemoPersonID,
				TransactionDate: sandboxNow, NotifyAccount: true,
			})
			return resp, err
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := newSandboxEnv(t, func(o *leeloo.Options) { o.MaxRetries = 5 })
			f := sandbox.ServerError(http.MethodPost, tc.path)
			f.Times = 10
			env.s.Inject(f)

			before := latestMessage(t, env)
			_, ordersResp, err := env.c.Orders.List(t.Context(), nil)
			require.NoError(t, err)
			env.s.ResetRequests()

			resp, err := tc.write(t.Context(), env.c)
			var ae *leeloo.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, http.StatusInternalServerError, ae.HTTPStatus)
			assert.Contains(t, ae.Message, "not JSON")
			assert.Equal(t, 1, resp.Attempts)
			writes := env.s.Writes()
			require.Len(t, writes, 1, "sent exactly once")
			assert.Equal(t, tc.path, writes[0].Path)

			env.s.ClearFaults()
			assert.Equal(t, before.ID, latestMessage(t, env).ID, "no message reached the customer")
			_, after, err := env.c.Orders.List(t.Context(), nil)
			require.NoError(t, err)
			assert.Equal(t, ordersResp.Meta.TotalCount, after.Meta.TotalCount, "no order created")
		})
	}
}

func TestSandboxWriteSentOnceOnTimeout(t *testing.T) {
	env := newSandboxEnv(t, func(o *leeloo.Options) { o.Timeout = 100 * time.Millisecond })
	env.s.Inject(sandbox.Fault{Method: http.MethodPost, Path: "/messages/send-message", Hang: true, Times: 10})
	t.Cleanup(env.s.ClearFaults)

	resp, err := env.c.Messages.Send(t.Context(), leeloo.SendMessageRequest{AccountID: sandbox.DemoAccountID, Text: "hello?"})
	var ne *leeloo.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout())
	assert.Equal(t, 1, resp.Attempts)
	assert.Len(t, env.s.Writes(), 1)
}

func TestSandboxErrors(t *testing.T) {
	env := newSandboxEnv(t)

	_, _, err := env.c.People.Get(t.Context(), "65d1c0a8e4b0a1000c0fffff", nil)
	var ae *leeloo.APIError
	require.ErrorAs(t, err, &ae)
	assert.True(t, ae.NotFound(), "%v", err)

	env.s.Inject(sandbox.FormatError(http.MethodPut, "/people", map[string]string{"tag_id": "NOT_VALID_ID"}))
	_, err = env.c.People.AddTag(t.Context(), sandbox.DemoPersonID, sandbox.LeadTagID)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, leeloo.CodeFormatError, ae.Code)
	assert.Equal(t, map[string]string{"tag_id": "NOT_VALID_ID"}, ae.Fields)

	wrong := newClient(t, env.c.BaseURL(), func(o *leeloo.Options) { o.Token = "not-the-token" })
	_, _, err = wrong.Tags.List(t.Context())
	require.ErrorAs(t, err, &ae)
	assert.True(t, ae.Unauthorized(), "%v", err)
	tagRequests := 0
	for _, r := range env.s.Requests() {
		if r.Path == "/tags" {
			tagRequests++
		}
	}
	assert.Equal(t, 1, tagRequests, "an auth failure is not retried")
	assert.NotContains(t, fmt.Sprintf("%+v", err), "not-the-token")
}

func TestSandboxPaginationWalksEveryPerson(t *testing.T) {
	env := newSandboxEnv(t)
	first, resp, err := env.c.People.List(t.Context(), &leeloo.PeopleListOptions{ListOptions: leeloo.ListOptions{Limit: 1}})
	require.NoError(t, err)
	require.Len(t, first, 1)
	require.NotNil(t, resp.Meta)
	total := resp.Meta.TotalCount
	require.Greater(t, total, 100)
	env.s.ResetRequests()

	seen := map[string]bool{}
	for p, err := range leeloo.All(t.Context(), func(ctx context.Context, o leeloo.ListOptions) ([]leeloo.Person, *leeloo.Response, error) {
		return env.c.People.List(ctx, &leeloo.PeopleListOptions{ListOptions: o})
	}, leeloo.IterOptions{PageSize: 50}) {
		require.NoError(t, err)
		assert.False(t, seen[p.ID], "duplicate %s", p.ID)
		seen[p.ID] = true
	}
	assert.Len(t, seen, total)
	assert.Len(t, env.s.Requests(), (total+49)/50)
}
