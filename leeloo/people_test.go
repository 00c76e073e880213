package leeloo_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// peopleCases are the endpoint cases of people.go.
func peopleCases() []endpointCase {
	return []endpointCase{
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
	}
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
