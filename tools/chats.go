package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

type channelOut struct {
	AccountID   string            `json:"account_id"`
	PersonID    string            `json:"person_id"`
	Name        string            `json:"name"`
	Channel     string            `json:"channel"`
	BotStatus   string            `json:"bot_status,omitempty"`
	LastMessage string            `json:"last_message,omitempty"`
	UTM         map[string]string `json:"utm,omitempty"`
}

type listChannelsArgs struct {
	LastMessage
	Page
}

// ListCommunicationChannels is list_communication_channels: GET /communication-channels.
func ListCommunicationChannels(d *Deps) Tool {
	return readTool(meta{
		name: "list_communication_channels", title: "List chats (accounts)", toolset: "chats", endpoint: "GET /communication-channels",
		desc: "Inbox: messenger accounts by latest message, with UTM marks; account_id opens the chat.",
	}, func(ctx context.Context, a *listChannelsArgs) (*mcp.CallToolResult, error) {
		lo := a.options()
		opts := &leeloo.ChannelListOptions{ListOptions: *lo}
		var err error
		if opts.LastMessageFrom, opts.LastMessageTo, err = a.dates(); err != nil {
			return nil, err
		}
		chs, resp, err := d.Client.Channels.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		out := struct {
			Accounts []channelOut `json:"accounts"`
			pageInfo
		}{Accounts: make([]channelOut, 0, len(chs)), pageInfo: paging(lo, len(chs), resp)}
		for _, c := range chs {
			out.Accounts = append(out.Accounts, channelOut{
				AccountID: c.ID, PersonID: c.PersonID, Name: render.Field(c.Name, 80), Channel: c.From,
				BotStatus: c.BotStatus, LastMessage: fmtTime(c.LastMessageTime), UTM: c.UTMMarks,
			})
		}
		head := fmt.Sprintf("%d accounts. %s %s", len(chs), out.line(), render.NamesNote)
		return jsonResult(head, out), nil
	})
}

type chatArgs struct {
	AccountID string `json:"account_id"`
	Page
}

// GetChatMessages is get_chat_messages: GET /communication-channels/{account_id}/chat-messages.
func GetChatMessages(d *Deps) Tool {
	return readTool(meta{
		name: "get_chat_messages", title: "Read chat", toolset: "chats", endpoint: "GET /communication-channels/{account_id}/chat-messages",
		desc: "Read a chat transcript (newest page, oldest first).",
	}, func(ctx context.Context, a *chatArgs) (*mcp.CallToolResult, error) {
		if err := checkID("account_id", a.AccountID, render.AccountIDs); err != nil {
			return nil, err
		}
		lo := a.options()
		msgs, resp, err := d.Client.Channels.ChatMessages(ctx, a.AccountID, lo)
		if err != nil {
			return nil, err
		}
		page := paging(lo, len(msgs), resp)
		var b strings.Builder
		fmt.Fprintf(&b, "Chat %s: %d messages, oldest first. %s %s\n", a.AccountID, len(msgs), page.line(), render.UntrustedNote)
		b.WriteString(render.Transcript(msgs))
		return result(b.String()), nil
	})
}

// recipient is who a customer-facing action reaches.
type recipient struct {
	accountID, personID, name, channel string
	warnings                           []string
	// subs is the person's subscribe history (which tunnels they are in).
	subs []leeloo.SubscribeEntry
}

func (r recipient) label() string {
	name := "an unknown person"
	if r.name != "" {
		name = render.Quote(r.name, 80)
	}
	ch := r.channel
	if ch == "" {
		ch = "an unknown messenger"
	}
	return fmt.Sprintf("%s on %s (account %s)", name, ch, r.accountID)
}

// lookupRecipient reads who owns an account and whether the messenger will
// still accept a message (for a template: only one the messenger approved):
// a missing account is an error, other lookup failures become warnings.
func (d *Deps) lookupRecipient(ctx context.Context, accountID string, template bool) (recipient, error) {
	r := recipient{accountID: accountID}
	p, _, err := d.Client.Channels.Person(ctx, accountID)
	switch {
	case isNotFound(err):
		return r, argErrorf("no account %s in this account's contacts; %s", accountID, render.IDsFrom(render.AccountIDs))
	case err != nil:
		r.warnings = append(r.warnings, "could not look the recipient up: "+describeError(err))
		return r, nil
	}
	r.personID, r.name, r.subs = p.ID, render.Field(p.Name, 60), p.SubscribeHistory
	for _, acc := range p.Accounts {
		if acc.AccountID == accountID {
			r.channel = acc.From
			if acc.ConnectionStatus != "" && acc.ConnectionStatus != "OK" {
				r.warnings = append(r.warnings, "the account's connection status is "+acc.ConnectionStatus)
			}
		}
	}
	window, limited := render.ReplyWindow(r.channel)
	if !limited {
		return r, nil
	}
	msgs, _, err := d.Client.Channels.ChatMessages(ctx, accountID, &leeloo.ListOptions{Limit: 50})
	if err != nil {
		r.warnings = append(r.warnings, "could not read the chat to check the reply window")
		return r, nil
	}
	var last time.Time
	for _, m := range msgs {
		if m.Type == leeloo.MessageFromCustomer && m.CreatedAt.After(last) {
			last = m.CreatedAt.Time
		}
	}
	age := d.now().Sub(last)
	outcome := "it will likely be rejected"
	if template {
		outcome = "only a template the messenger has approved for that will be delivered"
	}
	switch {
	case last.IsZero():
		r.warnings = append(r.warnings, fmt.Sprintf("%s only accepts a message within %s of the customer's last message, and none was found in the recent chat: %s", r.channel, render.Duration(window), outcome))
	case age > window:
		r.warnings = append(r.warnings, fmt.Sprintf("%s's reply window has closed: the customer last wrote %s ago (window %s); %s", r.channel, render.Duration(age), render.Duration(window), outcome))
	}
	return r, nil
}

func isNotFound(err error) bool {
	var ae *leeloo.APIError
	return errors.As(err, &ae) && ae.NotFound()
}

type sendMessageArgs struct {
	AccountID string `json:"account_id"`
	Text      string `json:"text" jsonschema:"maxLength=4096"`
	guard.DuplicateControl
	controlsHolder
}

// SendMessage is send_message: POST /messages/send-message.
func SendMessage(d *Deps) Tool {
	return writeTool(d, meta{
		name: "send_message", title: "Send message to customer", toolset: "chats", endpoint: "POST /messages/send-message",
		desc:     "Send a text message to a customer's messenger account. " + render.ReplyWindowBrief() + ".",
		customer: true,
	}, func(ctx context.Context, a *sendMessageArgs) (*guard.Action, error) {
		if err := checkID("account_id", a.AccountID, render.AccountIDs); err != nil {
			return nil, err
		}
		if err := checkText("text", a.Text, true); err != nil {
			return nil, err
		}
		r, err := d.lookupRecipient(ctx, a.AccountID, false)
		if err != nil {
			return nil, err
		}
		return &guard.Action{
			Preview:        "Send to " + r.label() + " this message:\n" + a.Text,
			Warnings:       r.warnings,
			DuplicateKey:   "send_message\x00" + a.AccountID + "\x00" + a.Text,
			AllowDuplicate: a.AllowDuplicate,
			Execute: func(ctx context.Context) (*guard.Outcome, error) {
				if _, err := d.Client.Messages.Send(ctx, leeloo.SendMessageRequest{AccountID: a.AccountID, Text: a.Text}); err != nil {
					return nil, err
				}
				ids := map[string]string{"account_id": a.AccountID}
				if r.personID != "" {
					ids["person_id"] = r.personID
				}
				return &guard.Outcome{Text: "Sent to " + r.label() + ".", Structured: map[string]any{"sent": true, "account_id": a.AccountID}, IDs: ids}, nil
			},
		}, nil
	})
}
