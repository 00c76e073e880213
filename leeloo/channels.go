package leeloo

import (
	"context"
	"encoding/json"
	"time"
)

// ChannelsService covers communication channels: a person's account in one
// messenger. Their ids (account ids) address chats, messages and
// subscriptions.
type ChannelsService service

// Messenger names in a channel's From field.
const (
	FromTelegram  = "TELEGRAM"
	FromFacebook  = "FACEBOOK"
	FromInstagram = "INSTAGRAM"
	FromViber     = "VIBER"
	FromVKontakte = "VKONTAKTE"
	FromWhatsApp  = "WHATSAPP"
	FromManual    = "MANUAL"
	FromSMS       = "SMS"
	FromEmail     = "EMAIL"
)

// Channel is one person's account in one messenger.
type Channel struct {
	ID              string            `json:"id"`
	PersonID        string            `json:"person_id"`
	Name            string            `json:"name"`
	From            string            `json:"from"`
	BotStatus       string            `json:"botStatus"`
	LastMessageTime Time              `json:"lastMessageTime,omitzero"`
	CreatedAt       Time              `json:"createdAt,omitzero"`
	UTMMarks        map[string]string `json:"utmMarks,omitempty"`
}

// UnmarshalJSON accepts snake and camel keys and NOT_DEFINED.
func (c *Channel) UnmarshalJSON(b []byte) error {
	type plain Channel
	var aux struct {
		plain
		PersonIDCamel   string `json:"personId"`
		LastMessageTime Time   `json:"last_message_time"`
		snakeTimes
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*c = Channel(aux.plain)
	if c.PersonID == "" {
		c.PersonID = aux.PersonIDCamel
	}
	if c.LastMessageTime.IsZero() {
		c.LastMessageTime = aux.LastMessageTime
	}
	var updated Time
	aux.snakeTimes.fill(&c.CreatedAt, &updated)
	cleanString(&c.Name)
	return nil
}

// ChatMessage is one message in a chat.
type ChatMessage struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Type      string `json:"type"`
	Read      bool   `json:"read"`
	CreatedAt Time   `json:"createdAt,omitzero"`
	UpdatedAt Time   `json:"updatedAt,omitzero"`
}

// UnmarshalJSON accepts snake and camel keys.
func (m *ChatMessage) UnmarshalJSON(b []byte) error {
	type plain ChatMessage
	var aux struct {
		plain
		snakeTimes
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*m = ChatMessage(aux.plain)
	aux.snakeTimes.fill(&m.CreatedAt, &m.UpdatedAt)
	return nil
}

// ChannelListOptions filters List by the date of the last message (UTC days,
// inclusive; zero means unbounded).
type ChannelListOptions struct {
	ListOptions
	LastMessageFrom time.Time
	LastMessageTo   time.Time
}

// SubscribeRequest starts a tunnel's bot flow at a block for one account.
type SubscribeRequest struct {
	TunnelID      string `json:"tunnel_id"`
	TunnelBlockID string `json:"tunnel_block_id"`
}

// List lists communication channels with their UTM marks.
//
// API: GET /communication-channels
func (s *ChannelsService) List(ctx context.Context, opts *ChannelListOptions) ([]Channel, *Response, error) {
	var lo *ListOptions
	var from, to time.Time
	if opts != nil {
		lo, from, to = &opts.ListOptions, opts.LastMessageFrom, opts.LastMessageTo
	}
	q := listQuery(lo)
	setDateRange(q, from, to)
	return listCall[Channel](ctx, s.client, &request{method: "GET", path: "/communication-channels", query: q}, "items")
}

// ChatMessages lists the messages of an account's chat, newest first.
//
// API: GET /communication-channels/{account_id}/chat-messages
func (s *ChannelsService) ChatMessages(ctx context.Context, accountID string, opts *ListOptions) ([]ChatMessage, *Response, error) {
	return listCall[ChatMessage](ctx, s.client, &request{
		method: "GET", path: "/communication-channels/" + pathEscape(accountID) + "/chat-messages", query: listQuery(opts),
	}, "messages")
}

// Person returns the person who owns an account.
//
// API: GET /communication-channels/{account_id}/person
func (s *ChannelsService) Person(ctx context.Context, accountID string) (*Person, *Response, error) {
	return oneCall[Person](ctx, s.client, &request{method: "GET", path: "/communication-channels/" + pathEscape(accountID) + "/person"})
}

// Subscribe subscribes an account to a tunnel at a block, which starts that
// bot flow for the customer.
//
// API: POST /communication-channels/{account_id}/manual-subscribe
func (s *ChannelsService) Subscribe(ctx context.Context, accountID string, req SubscribeRequest) (*Response, error) {
	_, resp, err := s.client.call(ctx, &request{
		method: "POST", path: "/communication-channels/" + pathEscape(accountID) + "/manual-subscribe", body: req,
	})
	return resp, err
}
