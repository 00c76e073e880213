package leeloo_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// channelCases are the endpoint cases of channels.go.
func channelCases() []endpointCase {
	return []endpointCase{
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
	}
}
