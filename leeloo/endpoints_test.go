package leeloo_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// endpointInputs are what an endpoint case addresses and filters by. The
// httptest cases use the ids of the vendor's doc (docInputs); the sandbox
// cases use the sandbox seed's, so the same table drives both.
type endpointInputs struct {
	CategoryID, TemplateID             string
	AccountID, PersonID                string
	OrderID, ManualOrderID             string
	AddTagID, RemoveTagID              string
	TunnelID, TunnelBlockID            string
	LeadgentoolID, UserID              string
	SMSConnectionID                    string
	PaymentCreditsID, OfferID          string
	TemplateVariables                  map[string]string
	ChannelsFrom, ChannelsTo           time.Time // caller's local times
	ChannelsFromDay, ChannelsToDay     string    // what the wire must carry
	Search                             leeloo.PeopleListOptions
	SearchQuery                        url.Values
	NewPersonName, NewPersonEmail      string
	NewPersonPhone, NewPersonPhoneWire string
}

// docInputs are the ids and filters of the vendor's doc samples. Times are
// given in a UTC+3 zone: the wire must carry their UTC day or instant.
var docInputs = endpointInputs{
	CategoryID:        "5e3bf3fdb70492000f72cd6c",
	TemplateID:        "5e42be758d4fff000cafe6ef",
	AccountID:         "617fd5cc1cc06d42c94dd9ec",
	PersonID:          "625946dd585052c1629f1b2b",
	OrderID:           "5e2825e081fbca000d8596e4",
	ManualOrderID:     "5b3f608db2737000133d25b6",
	AddTagID:          "5cf7a18586236d000b1256b2",
	RemoveTagID:       "595f5d522a934035decc093d",
	TunnelID:          "595f5d522a934035decc093d",
	TunnelBlockID:     "5b3f543bb2737000133d25b0",
	LeadgentoolID:     "5e1f119d6c384804b31e945e",
	UserID:            "632af797bd3cc466fe1af584",
	SMSConnectionID:   "5dbfe6c5fb73e101720b3dc7",
	PaymentCreditsID:  "5e3c3533f04b1f000c27b534",
	OfferID:           "5e3c357bf04b1f000c27b83a",
	TemplateVariables: map[string]string{"key1": "value1", "key2": "value2"},
	// 01:30 on the 11th in UTC+3 is still the 10th in UTC.
	ChannelsFrom:    time.Date(2020, 2, 11, 1, 30, 0, 0, kyiv),
	ChannelsTo:      time.Date(2020, 4, 14, 23, 0, 0, 0, kyiv),
	ChannelsFromDay: "2020-02-10",
	ChannelsToDay:   "2020-04-14",
	Search: leeloo.PeopleListOptions{
		ListOptions:     leeloo.ListOptions{Limit: 20, Offset: 100},
		Tags:            []string{"vip", "tag2"},
		LastMessageFrom: time.Date(2015, 4, 3, 1, 0, 0, 0, kyiv),
		LastMessageTo:   time.Date(2015, 4, 3, 20, 0, 0, 0, kyiv),
		Phone:           "+380 (96) 656-55-56",
		Email:           "feliks@gmail.com",
	},
	SearchQuery: url.Values{
		"limit":                      {"20"},
		"offset":                     {"100"},
		"filter[tags]":               {"vip", "tag2"},
		"filter[last_message][from]": {"2015-04-02"},
		"filter[last_message][to]":   {"2015-04-03"},
		"filter[phone]":              {"+380966565556"},
		"filter[email]":              {"feliks@gmail.com"},
	},
	NewPersonName:      "Feliks",
	NewPersonEmail:     "feliks@gmail.com",
	NewPersonPhone:     "+380 (95) 306-67-89",
	NewPersonPhoneWire: "+380953066789",
}

// endpointCase is one endpoint: the call, the exact request it must send and
// the decoded result of its fixture (testdata/<name>.json).
type endpointCase struct {
	// name is the endpoint's MCP tool name (testdata/catalog.json).
	name string
	want func(in endpointInputs) wantRequest
	call func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error)
	// check asserts the result decoded from the fixture.
	check func(t *testing.T, got any, resp *leeloo.Response)
}

// as asserts v's dynamic type.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	out, ok := v.(T)
	require.Truef(t, ok, "result is %T", v)
	return out
}

func get(path string) func(endpointInputs) wantRequest {
	return func(endpointInputs) wantRequest { return wantRequest{Method: http.MethodGet, Path: path} }
}

func noData(t *testing.T, got any, resp *leeloo.Response) {
	t.Helper()
	assert.Nil(t, got)
	assert.Nil(t, resp.Meta)
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// endpointCases is one case per endpoint.
func endpointCases() []endpointCase {
	return []endpointCase{
		{
			name: "list_template_categories",
			want: get("/categories/templates"),
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Templates.ListCategories(ctx)
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				assert.Equal(t, []leeloo.TemplateCategory{
					{ID: "5e3bf3fdb70492000f72cd6c", Name: "Category 1"},
					{ID: "5e18a2a3ed0b7a000d6c948f", Name: "Category 2"},
				}, as[[]leeloo.TemplateCategory](t, got))
				assert.Nil(t, resp.Meta, "the doc's reply has no meta")
			},
		},
		{
			name: "list_templates",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/categories/templates/" + in.CategoryID}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Templates.List(ctx, in.CategoryID)
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				assert.Equal(t, []leeloo.Template{
					{ID: "5e42be758d4fff000cafe6ef", MessageName: "test template 2"},
					{ID: "5e42be688d4fff000cafe5cc", MessageName: "test template 1"},
				}, as[[]leeloo.Template](t, got))
			},
		},
		{
			name: "send_template",
			want: func(in endpointInputs) wantRequest {
				vars := make([]string, 0, len(in.TemplateVariables))
				for k, v := range in.TemplateVariables {
					vars = append(vars, jsonString(k)+":"+jsonString(v))
				}
				return wantRequest{Method: http.MethodPost, Path: "/messages/send-template", Body: `{
					"account_id": "` + in.AccountID + `",
					"template_id": "` + in.TemplateID + `",
					"variables": {` + strings.Join(vars, ",") + `}}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				resp, err := c.Messages.SendTemplate(ctx, leeloo.SendTemplateRequest{
					AccountID: in.AccountID, TemplateID: in.TemplateID, Variables: in.TemplateVariables,
				})
				return nil, resp, err
			},
			check: noData,
		},
		{
			name: "get_chat_messages",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{
					Method: http.MethodGet, Path: "/communication-channels/" + in.AccountID + "/chat-messages",
					Query: url.Values{"limit": {"2"}, "offset": {"0"}},
				}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Channels.ChatMessages(ctx, in.AccountID, &leeloo.ListOptions{Limit: 2})
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				msgs := as[[]leeloo.ChatMessage](t, got)
				require.Len(t, msgs, 2)
				assert.Equal(t, "5e3bf8d6c6ed91000c8534ae", msgs[0].ID)
				assert.Equal(t, "Test API v.1 message template", msgs[0].Text)
				assert.Equal(t, leeloo.MessageFromUs, msgs[0].Type)
				assert.True(t, msgs[0].Read)
				assertTime(t, "2020-02-06T11:30:30.035Z", msgs[0].CreatedAt, "createdAt")
				assertTime(t, "2020-02-06T11:30:30.035Z", msgs[0].UpdatedAt, "updatedAt")
				assert.Equal(t, "API message", msgs[1].Text)
				assertTime(t, "2020-02-06T10:34:12.230Z", msgs[1].CreatedAt, "createdAt")
				require.NotNil(t, resp.Meta)
				assert.Equal(t, leeloo.Meta{Limit: 3, Offset: 0, FilteredCount: 3, TotalCount: 52}, *resp.Meta)
			},
		},
		{
			name: "send_message",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/messages/send-message",
					Body: `{"account_id": "` + in.AccountID + `", "text": "текст сообщения"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				resp, err := c.Messages.Send(ctx, leeloo.SendMessageRequest{AccountID: in.AccountID, Text: "текст сообщения"})
				return nil, resp, err
			},
			check: noData,
		},
		{
			name: "list_communication_channels",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/communication-channels", Query: url.Values{
					"limit": {"20"}, "offset": {"0"},
					"filter[last_message][from]": {in.ChannelsFromDay},
					"filter[last_message][to]":   {in.ChannelsToDay},
				}}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Channels.List(ctx, &leeloo.ChannelListOptions{
					ListOptions:     leeloo.ListOptions{Limit: 20},
					LastMessageFrom: in.ChannelsFrom, LastMessageTo: in.ChannelsTo,
				})
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				chs := as[[]leeloo.Channel](t, got)
				require.Len(t, chs, 2)
				assert.Equal(t, "5ef074e9e31801000d73ba11", chs[0].ID)
				assert.Equal(t, "5ef074e9e31801000d73ba10", chs[0].PersonID)
				assert.Equal(t, "TIIIIK", chs[0].Name)
				assert.Equal(t, leeloo.FromTelegram, chs[0].From)
				assert.Equal(t, "BOT", chs[0].BotStatus)
				assertTime(t, "2020-08-31T07:55:53.865Z", chs[0].LastMessageTime, "lastMessageTime")
				assertTime(t, "2020-06-22T09:07:53.351Z", chs[0].CreatedAt, "createdAt")
				assert.Equal(t, map[string]string{"utm_source": "test_UTM_mark"}, chs[0].UTMMarks)
				assert.Equal(t, leeloo.FromVKontakte, chs[1].From)
				assert.Empty(t, chs[1].UTMMarks)
				require.NotNil(t, resp.Meta)
				assert.Equal(t, 2, resp.Meta.TotalCount)
			},
		},
		{
			name: "get_person_by_account",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/communication-channels/" + in.AccountID + "/person"}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Channels.Person(ctx, in.AccountID)
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				p := as[*leeloo.Person](t, got)
				assert.Equal(t, "617fd5cc1cc06d2ae24dd9eb", p.ID)
				assert.Equal(t, "Mark Down", p.Name)
				assert.Equal(t, []string{"Tag 26"}, p.Tags)
				assert.Contains(t, p.ProfileImage, "https://static.leeloo.ai/images/")
				assert.Equal(t, "OTHER", p.Gender)
				assert.Equal(t, "+380977451099", p.Phone)
				assert.Equal(t, "lapaychuk95808@gmail.com", p.Email)
				assert.Equal(t, "ru_RU", p.Locale)
				assert.Equal(t, []leeloo.Account{{
					AccountID: "617fd5cc1cc06d42c94dd9ec", ConnectionID: "61308ac5d087cbc40f1e478d",
					ConnectionStatus: "OK", From: leeloo.FromFacebook,
				}}, p.Accounts)
				require.Len(t, p.SubscribeHistory, 1)
				assert.Equal(t, leeloo.SubscribeEntry{
					TunnelName: "for list", LeadgentoolName: "New LGT", TrafficSource: "Default traffic source",
					TunnelID: "617fa515557acb4a2472c560", LeadgentoolID: "617fa612925d13644ae58e55",
					TrafficSourceID: "617fa612925d1341eee58e58", AccountID: "617fd5cc1cc06d42c94dd9ec",
				}, p.SubscribeHistory[0])
				assert.Equal(t, []leeloo.Link{{Type: "orders", ID: "618280605402c96fa86c125a"}}, p.Links["orders"])
				assert.Equal(t, []leeloo.Link{{Type: "users", ID: "60509800acc5ae000d74ce21"}}, p.Links["contactedUsers"])
				assert.Empty(t, p.CustomFields)
				assertTime(t, "2021-11-01T11:55:56.358Z", p.CreatedAt, "created_at")
				assertTime(t, "2024-02-02T12:07:54.882Z", p.UpdatedAt, "updated_at")
				assert.Nil(t, p.Included, `"included": {} is nothing`)
				assert.Nil(t, resp.Meta)
			},
		},
		{
			name: "create_traffic_source",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/leadgentools/" + in.LeadgentoolID + "/create-traffic-source",
					Body: `{"name": "some ts", "description": "some ts description"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Leadgen.CreateTrafficSource(ctx, in.LeadgentoolID, leeloo.CreateTrafficSourceRequest{
					Name: "some ts", Description: "some ts description",
				})
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				ts := as[*leeloo.TrafficSource](t, got)
				assert.Equal(t, "5e32d0ed28faf61fc396f6b0", ts.ID)
				assert.Equal(t, "some ts", ts.Name)
				assert.Equal(t, "some ts description", ts.Description)
				assert.Equal(t, "normal", ts.Type)
				assert.Equal(t, "nn7n15", ts.Hash)
				assert.Equal(t, "5e1f119d6c384804b31e945e", ts.LeadgentoolID)
				assert.Equal(t, "5e1f11566c384804b31e9457", ts.TunnelID)
				assert.False(t, ts.Disabled)
				assertTime(t, "2020-01-30T12:49:49.273Z", ts.CreatedAt, "createdAt")
				assertTime(t, "2020-01-30T12:49:49.273Z", ts.UpdatedAt, "updatedAt")
			},
		},
		{
			name: "create_order",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/orders", Body: `{
					"paymentCreditsId": "` + in.PaymentCreditsID + `",
					"email": "email123@gmail.com",
					"phone": "+380669999777",
					"transactionDate": "2020-02-04T11:46:48.803Z",
					"offerId": "` + in.OfferID + `",
					"isNotifyAccount": "false",
					"personId": "` + in.PersonID + `",
					"managerId": "` + in.UserID + `"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Orders.Create(ctx, leeloo.CreateOrderRequest{
					PaymentCreditsID: in.PaymentCreditsID,
					Email:            "email123@gmail.com",
					Phone:            "+380 (66) 999-97-77",
					TransactionDate:  time.Date(2020, 2, 4, 14, 46, 48, 803_000_000, kyiv),
					OfferID:          in.OfferID,
					NotifyAccount:    false,
					PersonID:         in.PersonID,
					ManagerID:        in.UserID,
				})
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				o := as[*leeloo.Order](t, got)
				assert.Equal(t, "5e5502a01b1668000ccc93ee", o.ID)
				assert.Equal(t, "Ручной оффер", o.Title)
				assert.Equal(t, leeloo.Amount(100), o.Price)
				assert.Equal(t, "USD", o.Currency)
				assert.Equal(t, leeloo.OrderOpened, o.Status)
				assertTime(t, "2020-02-25T11:18:56.419Z", o.CreatedAt, "createdAt")
			},
		},
		{
			name: "list_orders",
			want: func(endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/orders", Query: url.Values{"limit": {"20"}, "offset": {"0"}}}
			},
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Orders.List(ctx, &leeloo.ListOptions{Limit: 20})
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				orders := as[[]leeloo.Order](t, got)
				require.Len(t, orders, 1)
				assert.Equal(t, "5e399d72a2d0e2000dd584c1", orders[0].ID)
				assert.Equal(t, "5df0fac42121a5000e07d80b", orders[0].PersonID)
				assert.Equal(t, "manual offer", orders[0].Title)
				assert.Equal(t, leeloo.Amount(200), orders[0].Price)
				assert.Equal(t, leeloo.OrderResolved, orders[0].Status)
				assertTime(t, "2020-02-04T16:36:02.213Z", orders[0].CreatedAt, "createdAt")
				assertTime(t, "2020-02-04T16:38:58.168Z", orders[0].UpdatedAt, "updatedAt")
				require.NotNil(t, resp.Meta)
				assert.Equal(t, 93, resp.Meta.TotalCount)
				assert.Equal(t, 20, resp.Meta.FilteredCount)
			},
		},
		{
			name: "get_order",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/orders/" + in.OrderID}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Orders.Get(ctx, in.OrderID)
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				o := as[*leeloo.Order](t, got)
				assert.Equal(t, "5e2825e081fbca000d8596e4", o.ID)
				assert.Equal(t, "Title11", o.Title)
				assert.Equal(t, "Description1", o.Description)
				assert.Equal(t, leeloo.Amount(100), o.Price)
				assert.Equal(t, "UAH", o.Currency)
				assert.Equal(t, leeloo.OrderSuccess, o.Status)
				assert.Equal(t, "WAYFORPAY", o.PaymentMethod)
				// Minute precision, no seconds: "2015-04-02T14:20Z".
				assertTime(t, "2015-04-02T14:20:00Z", o.CreatedAt, "createdAt")
				assertTime(t, "2015-04-02T14:20:00Z", o.UpdatedAt, "updatedAt")
				assert.Nil(t, resp.Meta)
			},
		},
		{
			name: "update_manual_order",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/orders/" + in.ManualOrderID, Body: `{
					"status": "RESOLVED",
					"paymentDate": "2018-06-27 07:32",
					"currency": "USD",
					"price": "100",
					"userComments": "actual date dont match"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Orders.UpdateManual(ctx, in.ManualOrderID, leeloo.UpdateManualOrderRequest{
					Status:       leeloo.OrderResolved,
					PaymentDate:  time.Date(2018, 6, 27, 10, 32, 0, 0, kyiv),
					Currency:     "USD",
					Price:        100,
					UserComments: "actual date dont match",
				})
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				u := as[*leeloo.OrderUpdate](t, got)
				assert.Equal(t, "5b3f608db2737000133d25b6", u.ID)
				assert.Equal(t, leeloo.OrderResolved, u.Status)
				assertTime(t, "2018-06-27T07:32:00Z", u.PaymentDate, "paymentDate")
				assert.Equal(t, "USD", u.Currency)
				assert.Equal(t, leeloo.Amount(100), u.Price)
				assert.Equal(t, "actual date dont match", u.UserComments)
				assert.Nil(t, resp.Meta)
			},
		},
		{
			name: "search_people",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/people", Query: in.SearchQuery}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				opts := in.Search
				return c.People.List(ctx, &opts)
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				ps := as[[]leeloo.Person](t, got)
				require.Len(t, ps, 1)
				p := ps[0]
				assert.Equal(t, "5e1c7ce2b4066a01900cdba0", p.ID)
				assert.Equal(t, "Feliks", p.Name)
				assert.Equal(t, "feliks@gmail.com", p.Email)
				assert.Equal(t, "+380966565556", p.Phone)
				assert.Equal(t, []string{"Mentor", "Professional"}, p.Tags)
				assert.Equal(t, []leeloo.Account{{
					AccountID: "5e1c7ce2b4066a01900cdba1", ConnectionID: "5e1c7afcb4066a01900cdb8c",
					ConnectionStatus: "OK", From: leeloo.FromTelegram,
				}}, p.Accounts)
				assertTime(t, "2020-01-13T14:21:36.462Z", p.LastMessageTime, "lastMessageTime")
				require.NotNil(t, resp.Meta)
				assert.Equal(t, leeloo.Meta{TotalCount: 1, FilteredCount: 1, Limit: 20, Offset: 0}, *resp.Meta)
			},
		},
		{
			name: "get_person",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/people/" + in.PersonID,
					Query: url.Values{"include": {"contactedUsers,orders"}}}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.People.Get(ctx, in.PersonID, &leeloo.PersonGetOptions{ContactedUsers: true, Orders: true})
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				p := as[*leeloo.Person](t, got)
				assert.Equal(t, "625946dd585052c1629f1b2b", p.ID)
				assert.Equal(t, "Mark Spenser", p.Name)
				assert.Empty(t, p.Tags)
				assert.Empty(t, p.ProfileImage, "NOT_DEFINED is empty")
				assert.Empty(t, p.Gender, "NO_DATA is empty")
				assert.Empty(t, p.Locale)
				assert.Equal(t, "+380977451111", p.Phone)
				assert.Equal(t, "Ray37@hotmail.com", p.Email)
				require.Len(t, p.Accounts, 1)
				assert.Equal(t, "625946dd58505225f49f1b2c", p.Accounts[0].AccountID)
				assert.Equal(t, leeloo.FromTelegram, p.Accounts[0].From)
				require.Len(t, p.SubscribeHistory, 1)
				assert.Equal(t, "Default tunnel", p.SubscribeHistory[0].TunnelName)
				assert.Equal(t, []leeloo.CustomField{{Type: leeloo.FieldPhone, Name: "phone", Value: "+48881644207"}}, p.CustomFields)
				assertTime(t, "2022-04-15T10:20:13.546Z", p.CreatedAt, "created_at")
				assertTime(t, "2024-02-16T16:16:57.065Z", p.UpdatedAt, "updated_at")

				require.NotNil(t, p.Included)
				require.Len(t, p.Included.Users, 1)
				assert.Equal(t, "60509800acc5ae000d74ce21", p.Included.Users[0].ID)
				assert.Equal(t, "Max", p.Included.Users[0].Name)
				assertTime(t, "2021-03-16T11:35:28.644Z", p.Included.Users[0].CreatedAt, "users.createdAt")
				require.Len(t, p.Included.Orders, 1)
				o := p.Included.Orders[0]
				assert.Equal(t, "65cf58ba1261175f8d40a75f", o.ID)
				assert.Equal(t, "for API", o.Title)
				assert.Equal(t, leeloo.Amount(100), o.Price)
				assert.Equal(t, leeloo.OrderOpened, o.Status)
				assert.True(t, o.CreatedAt.IsZero())
				assertTime(t, "2024-02-16T12:44:42.569Z", o.UpdatedAt, "orders.updatedAt")
				assert.Equal(t, o.ID, p.Links["orders"][0].ID, "links point at the included order")
			},
		},
		{
			// The doc gives no reply for this endpoint: update_person.json is
			// a plausible one (the updated card).
			name: "update_person",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPut, Path: "/people/" + in.PersonID, Body: `{
					"phone": "+380669991876",
					"email": "newmail@gmail.com",
					"custom_fields": [{"type": "EMAIL", "name": "emailcust", "value": "customemail@gmail.com"}]}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.People.Update(ctx, in.PersonID, leeloo.UpdatePersonRequest{
					Phone: "+380 66 999-18-76",
					Email: "newmail@gmail.com",
					CustomFields: []leeloo.CustomField{
						{Type: leeloo.FieldEmail, Name: "emailcust", Value: "customemail@gmail.com"},
					},
				})
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				p := as[*leeloo.Person](t, got)
				assert.Equal(t, "625946dd585052c1629f1b2b", p.ID)
				assert.Equal(t, "+380669991876", p.Phone)
				assert.Equal(t, "newmail@gmail.com", p.Email)
				assert.Equal(t, []leeloo.CustomField{
					{Type: leeloo.FieldEmail, Name: "emailcust", Value: "customemail@gmail.com"},
					{Type: leeloo.FieldNumber, Name: "visits", Value: "3"},
				}, p.CustomFields)
				assertTime(t, "2024-02-20T09:15:00Z", p.UpdatedAt, "updated_at")
			},
		},
		{
			name: "create_person",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/people", Body: `{
					"name": "` + in.NewPersonName + `",
					"email": "` + in.NewPersonEmail + `",
					"phone": "` + in.NewPersonPhoneWire + `",
					"leadgentool_id": "` + in.LeadgentoolID + `",
					"connected_users_ids": ["` + in.UserID + `"]}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.People.Create(ctx, leeloo.CreatePersonRequest{
					Name: in.NewPersonName, Email: in.NewPersonEmail, Phone: in.NewPersonPhone,
					LeadgentoolID: in.LeadgentoolID, ConnectedUsersIDs: []string{in.UserID},
				})
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				p := as[*leeloo.NewPerson](t, got)
				assert.Equal(t, "60a4bcd7bc45b806ac3b1a4a", p.AccountID, "data.id is the new account")
				assert.Equal(t, "60a4bcd7bc45b83b6e3b1a49", p.PersonID)
				assert.Equal(t, "Feliks", p.Name)
				assert.Equal(t, leeloo.FromManual, p.From)
				assert.Equal(t, "BOT", p.BotStatus)
				assert.Equal(t, "+380953066789", p.Phone)
				assert.Equal(t, "feliks@gmail.com", p.Email)
				assert.Empty(t, p.Tags)
				assertTime(t, "2021-05-19T07:23:03.546Z", p.CreatedAt, "createdAt")
			},
		},
		{
			name: "add_sms_contacts",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/people/sms", Body: `{
					"data": [{"name": "test123", "email": "test123@example.com", "phone": "+380667772233"}],
					"connection_id": "` + in.SMSConnectionID + `",
					"leadgentool_id": "` + in.LeadgentoolID + `",
					"tags": ["` + in.AddTagID + `"]}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.People.AddSMSContacts(ctx, leeloo.AddSMSContactsRequest{
					Contacts:      []leeloo.SMSContact{{Name: "test123", Email: "test123@example.com", Phone: "+380 66 777-22-33"}},
					ConnectionID:  in.SMSConnectionID,
					LeadgentoolID: in.LeadgentoolID,
					TagIDs:        []string{in.AddTagID},
				})
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				assert.Equal(t, 1, as[int](t, got), "count_to_process")
			},
		},
		{
			name: "add_comment",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPut, Path: "/people/" + in.PersonID + "/add-comment",
					Body: `{"comment": "some text"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.People.AddComment(ctx, in.PersonID, "some text")
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				assert.Equal(t, &leeloo.Comment{
					ID: "5e32ab3228faf61fc396f625", Text: "some text",
					EntityID: "5da5998fcecdb311d73d3049", EntityType: "PERSON",
					CreatedBy: "5b9f63e3d244d2000e276957",
					CreatedAt: leeloo.Time{Time: time.Date(2020, 1, 30, 10, 8, 50, 677_000_000, time.UTC)},
				}, as[*leeloo.Comment](t, got))
			},
		},
		{
			name: "list_tags",
			want: get("/tags"),
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Tags.List(ctx)
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				assert.Equal(t, []leeloo.Tag{{ID: "595f5d522a934035decc093d", Name: "Tag #1"}}, as[[]leeloo.Tag](t, got))
				assert.Nil(t, resp.Meta)
			},
		},
		{
			name: "remove_tag",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPut, Path: "/people/" + in.PersonID + "/remove-tag",
					Body: `{"tag_id": "` + in.RemoveTagID + `"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				resp, err := c.People.RemoveTag(ctx, in.PersonID, in.RemoveTagID)
				return nil, resp, err
			},
			check: noData,
		},
		{
			name: "add_tag",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPut, Path: "/people/" + in.PersonID + "/add-tag",
					Body: `{"tag_id": "` + in.AddTagID + `"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				resp, err := c.People.AddTag(ctx, in.PersonID, in.AddTagID)
				return nil, resp, err
			},
			check: noData,
		},
		{
			name: "list_tunnels",
			want: func(endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/tunnels", Query: url.Values{"limit": {"20"}, "offset": {"0"}}}
			},
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Tunnels.List(ctx, &leeloo.ListOptions{Limit: 20})
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				ts := as[[]leeloo.Tunnel](t, got)
				require.Len(t, ts, 1)
				assert.Equal(t, "595f5d522a934035decc093d", ts[0].ID)
				assert.Equal(t, "My tunnel", ts[0].Name)
				assertTime(t, "2015-04-02T14:20:00Z", ts[0].CreatedAt, "createdAt")
				assertTime(t, "2015-04-02T14:20:00Z", ts[0].UpdatedAt, "updatedAt")
				require.NotNil(t, resp.Meta)
				assert.Equal(t, 1, resp.Meta.TotalCount)
			},
		},
		{
			name: "get_tunnel",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/tunnels/" + in.TunnelID,
					Query: url.Values{"include": {"leadgentools"}}}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Tunnels.Get(ctx, in.TunnelID)
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				tn := as[*leeloo.Tunnel](t, got)
				assert.Equal(t, "595f5d522a934035decc093d", tn.ID)
				assert.Equal(t, "My tunnel", tn.Name)
				assertTime(t, "2015-04-02T14:20:00Z", tn.CreatedAt, "createdAt")
				assert.Equal(t, []leeloo.Leadgentool{{ID: "222f5d522a934035decc093d", Name: "LGT1", Type: leeloo.LeadgenLink}}, tn.Leadgentools)
			},
		},
		{
			name: "get_tunnels_stats",
			want: get("/tunnels/stats"),
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Tunnels.Stats(ctx)
			},
			check: checkDocStats,
		},
		{
			name: "get_tunnel_stats",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/tunnels/" + in.TunnelID + "/stats"}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Tunnels.TunnelStats(ctx, in.TunnelID)
			},
			check: checkDocStats,
		},
		{
			name: "list_users",
			want: func(endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/users", Query: url.Values{"limit": {"20"}, "offset": {"0"}}}
			},
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Users.List(ctx, &leeloo.ListOptions{Limit: 20})
			},
			check: func(t *testing.T, got any, resp *leeloo.Response) {
				us := as[[]leeloo.User](t, got)
				require.Len(t, us, 2)
				assert.Equal(t, "445f5d522a934035decc093d", us[0].ID)
				assert.Equal(t, "Igor", us[0].Name)
				assert.Equal(t, "Alexey", us[1].Name)
				assertTime(t, "2015-04-02T14:20:00Z", us[1].CreatedAt, "createdAt")
				require.NotNil(t, resp.Meta)
				assert.Equal(t, 1, resp.Meta.TotalCount, "the doc's sample says 1 with two users; kept as sent")
			},
		},
		{
			name: "get_user",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodGet, Path: "/users/" + in.UserID}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Users.Get(ctx, in.UserID)
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				assert.Equal(t, &leeloo.User{
					ID: "632af797bd3cc466fe1af584", Name: "John Mack",
					CreatedAt: leeloo.Time{Time: time.Date(2022, 9, 21, 11, 37, 59, 353_000_000, time.UTC)},
					UpdatedAt: leeloo.Time{Time: time.Date(2022, 9, 27, 12, 26, 12, 786_000_000, time.UTC)},
				}, as[*leeloo.User](t, got))
			},
		},
		{
			name: "list_connections",
			want: get("/connections"),
			call: func(ctx context.Context, c *leeloo.Client, _ endpointInputs) (any, *leeloo.Response, error) {
				return c.Connections.List(ctx)
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				assert.Equal(t, []leeloo.Connection{
					{ID: "65cf48536d81f496d4f9a673", Type: "telegram", Name: "Telegram bot"},
					{ID: "65b3791a9af7b6ef6f4a8afd", Type: "sendGrid", Name: "Sendgrid bot"},
				}, as[[]leeloo.Connection](t, got))
			},
		},
		{
			name: "subscribe_to_tunnel",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/communication-channels/" + in.AccountID + "/manual-subscribe",
					Body: `{"tunnel_id": "` + in.TunnelID + `", "tunnel_block_id": "` + in.TunnelBlockID + `"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				resp, err := c.Channels.Subscribe(ctx, in.AccountID, leeloo.SubscribeRequest{TunnelID: in.TunnelID, TunnelBlockID: in.TunnelBlockID})
				return nil, resp, err
			},
			check: noData,
		},
		{
			// The older doc has no sample for this endpoint: log_call.json is
			// a plausible reply (the call object, record_link NOT_DEFINED).
			name: "log_call",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/calls", Body: `{
					"user_id": "` + in.UserID + `",
					"from": "+380443900000",
					"to": "+380977451099",
					"date": "2026-01-15T09:30:05.000Z",
					"account_id": "` + in.AccountID + `",
					"record_link": "NOT_DEFINED",
					"status": "SUCCESS",
					"duration": 125,
					"type": "OUTBOUND"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				return c.Calls.Log(ctx, leeloo.LogCallRequest{
					UserID:    in.UserID,
					From:      "+380 (44) 390-00-00",
					To:        "+380977451099",
					Date:      time.Date(2026, 1, 15, 12, 30, 5, 0, kyiv),
					AccountID: in.AccountID,
					Status:    leeloo.CallSuccess,
					Duration:  125,
					Type:      leeloo.CallOutbound,
				})
			},
			check: func(t *testing.T, got any, _ *leeloo.Response) {
				call := as[*leeloo.Call](t, got)
				assert.Equal(t, "678f7a1c2b9e4d000c3f1a20", call.ID)
				assert.Equal(t, "632af797bd3cc466fe1af584", call.UserID)
				assert.Equal(t, "617fd5cc1cc06d42c94dd9ec", call.AccountID)
				assert.Equal(t, "+380443900000", call.From)
				assert.Equal(t, "+380977451099", call.To)
				assertTime(t, "2026-01-15T09:30:05Z", call.Date, "date")
				assert.Empty(t, call.RecordLink, "NOT_DEFINED is empty")
				assert.Equal(t, leeloo.CallSuccess, call.Status)
				assert.Equal(t, 125, call.Duration)
				assert.Equal(t, leeloo.CallOutbound, call.Type)
			},
		},
	}
}

func checkDocStats(t *testing.T, got any, resp *leeloo.Response) {
	t.Helper()
	assert.Equal(t, []leeloo.TunnelStats{{
		Subscribers: 10, UniqSubscribers: 2, Orders: 4, Sales: 3, UniqSales: 2,
		Visits: 14, UniqVisits: 5, Shows: 5, UniqShows: 3, TotalSale: 200, TotalExpenses: 100,
	}}, as[[]leeloo.TunnelStats](t, got))
	assert.Nil(t, resp.Meta)
}

// apiToolNames are the tools of the committed catalogue (testdata/catalog.json
// at the repository root) that call one API endpoint: every one but the
// server's own, whose endpoint is not "METHOD /path".
func apiToolNames(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "catalog.json"))
	require.NoError(t, err)
	var rows []struct{ Name, Endpoint string }
	require.NoError(t, json.Unmarshal(raw, &rows))
	var names []string
	for _, r := range rows {
		if apiEndpoint.MatchString(r.Endpoint) {
			names = append(names, r.Name)
		}
	}
	require.NotEmpty(t, names)
	return names
}

var apiEndpoint = regexp.MustCompile(`^(GET|POST|PUT|DELETE) /[^ ]*$`)

func TestEndpointTableCoversEveryTool(t *testing.T) {
	toolNames := apiToolNames(t)
	var names []string
	for _, tc := range endpointCases() {
		names = append(names, tc.name)
	}
	assert.ElementsMatch(t, toolNames, names)

	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(t, err)
	for _, n := range toolNames {
		_, err := os.Stat(filepath.Join("testdata", n+".json"))
		assert.NoError(t, err, "fixture for %s", n)
	}
	for _, f := range files {
		n := strings.TrimSuffix(filepath.Base(f), ".json")
		assert.True(t, slices.Contains(toolNames, n), "fixture %s has no endpoint", f)
	}
}

// TestEndpoints calls every endpoint against a fake Leeloo answering with the
// doc's sample reply, and asserts the exact request and the decoded result.
func TestEndpoints(t *testing.T) {
	for _, tc := range endpointCases() {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, serveBytes(http.StatusOK, fixture(t, tc.name+".json")))
			c := newClient(t, f.baseURL())

			got, resp, err := tc.call(t.Context(), c, docInputs)
			require.NoError(t, err)
			require.NotNil(t, resp)

			reqs := f.requests()
			require.Len(t, reqs, 1, "exactly one request")
			assertRequest(t, tc.want(docInputs), reqs[0])
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, 1, resp.Attempts)
			tc.check(t, got, resp)
		})
	}
}

func TestCreateOrderNotifyAccountTrueWithoutManager(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, fixture(t, "create_order.json")))
	c := newClient(t, f.baseURL())

	_, _, err := c.Orders.Create(t.Context(), leeloo.CreateOrderRequest{
		PaymentCreditsID: docInputs.PaymentCreditsID,
		Email:            "email123@gmail.com",
		Phone:            "00380 66 999 97 77",
		TransactionDate:  time.Date(2020, 2, 4, 6, 46, 48, 803_000_000, time.FixedZone("EST", -5*60*60)),
		OfferID:          docInputs.OfferID,
		NotifyAccount:    true,
		PersonID:         docInputs.PersonID,
	})
	require.NoError(t, err)
	require.Equal(t, 1, f.count())
	assertRequest(t, wantRequest{Method: http.MethodPost, Path: "/orders", Body: `{
		"paymentCreditsId": "5e3c3533f04b1f000c27b534",
		"email": "email123@gmail.com",
		"phone": "+380669999777",
		"transactionDate": "2020-02-04T11:46:48.803Z",
		"offerId": "5e3c357bf04b1f000c27b83a",
		"isNotifyAccount": "true",
		"personId": "625946dd585052c1629f1b2b"}`}, f.requests()[0])
}

func TestLogCallKeepsRecordLink(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, fixture(t, "log_call.json")))
	c := newClient(t, f.baseURL())

	_, _, err := c.Calls.Log(t.Context(), leeloo.LogCallRequest{
		UserID: "u1", From: "+380443900000", To: "+380977451099",
		Date:      time.Date(2026, 1, 15, 9, 30, 5, 120_000_000, time.UTC),
		AccountID: "a1", RecordLink: "https://records.example.com/1.mp3",
		Status: leeloo.CallNoAnswer, Duration: 0, Type: leeloo.CallInbound,
	})
	require.NoError(t, err)
	require.Equal(t, 1, f.count())
	assertRequest(t, wantRequest{Method: http.MethodPost, Path: "/calls", Body: `{
		"user_id": "u1", "from": "+380443900000", "to": "+380977451099",
		"date": "2026-01-15T09:30:05.120Z", "account_id": "a1",
		"record_link": "https://records.example.com/1.mp3",
		"status": "NO_ANSWER", "duration": 0, "type": "INBOUND"}`}, f.requests()[0])
}

func TestListWithoutOptionsSendsNoQuery(t *testing.T) {
	byPath := map[string][]byte{
		apiPrefix + "/orders":                 fixture(t, "list_orders.json"),
		apiPrefix + "/communication-channels": fixture(t, "list_communication_channels.json"),
		apiPrefix + "/people/p1":              fixture(t, "get_person.json"),
	}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { replyJSON(w, http.StatusOK, byPath[r.URL.Path]) })
	c := newClient(t, f.baseURL())

	_, _, err := c.Orders.List(t.Context(), nil)
	require.NoError(t, err)
	_, _, err = c.Channels.List(t.Context(), nil)
	require.NoError(t, err)
	_, _, err = c.People.Get(t.Context(), "p1", nil)
	require.NoError(t, err)

	reqs := f.requests()
	require.Len(t, reqs, 3)
	assertRequest(t, wantRequest{Method: http.MethodGet, Path: "/orders"}, reqs[0])
	assertRequest(t, wantRequest{Method: http.MethodGet, Path: "/communication-channels"}, reqs[1])
	assertRequest(t, wantRequest{Method: http.MethodGet, Path: "/people/p1"}, reqs[2])
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, fixture(t, "get_user.json")))
	c := newClient(t, f.baseURL())

	_, _, err := c.Users.Get(t.Context(), "../tags?x=1")
	require.NoError(t, err)
	require.Equal(t, 1, f.count())
	got := f.requests()[0]
	assert.Equal(t, apiPrefix+"/users/../tags?x=1", got.Path, "decoded path keeps the id as one segment")
	assert.Empty(t, got.RawQuery)
}

func TestInvalidPhoneIsRejectedBeforeSending(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, fixture(t, "create_person.json")))
	c := newClient(t, f.baseURL())

	_, _, err := c.People.Create(t.Context(), leeloo.CreatePersonRequest{Name: "X", Phone: "call me maybe", LeadgentoolID: "l"})
	require.Error(t, err)
	_, _, err = c.People.List(t.Context(), &leeloo.PeopleListOptions{Phone: "123"})
	require.Error(t, err)
	_, _, err = c.People.AddSMSContacts(t.Context(), leeloo.AddSMSContactsRequest{Contacts: []leeloo.SMSContact{{Name: "a", Phone: "+1 (abc)"}}})
	require.Error(t, err)
	assert.Zero(t, f.count(), "nothing sent")
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"+380 (66) 999-97-77": "+380669999777",
		"+380669999777":       "+380669999777",
		"380.66.999.97.77":    "+380669999777",
		"00380669999777":      "+380669999777",
		" +48 881 644 207 ":   "+48881644207",
	} {
		got, err := leeloo.NormalizePhone(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for _, in := range []string{"", "12345", "+380 66 999 97 77 12345 6", "+380-66-abc", "380+66"} {
		_, err := leeloo.NormalizePhone(in)
		assert.Error(t, err, in)
	}
}

// TestNormalizePhoneNationalAsksForCountryCode: a national number (trunk
// prefix 0, no country code) is not guessed into "+0…": the error asks for
// the country code.
func TestNormalizePhoneNationalAsksForCountryCode(t *testing.T) {
	for _, in := range []string{"0671234567", "067 123 45 67", "(067) 123-45-67", "+0671234567"} {
		_, err := leeloo.NormalizePhone(in)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), "country code", in)
		assert.Contains(t, err.Error(), "+380671234567", in)
	}
}
