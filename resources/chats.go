package resources

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// ChatMaxMessages is how many of the newest messages a chat transcript holds.
const ChatMaxMessages = 100

// chat is leeloo://chats/{account_id}: a readable transcript, oldest first.
func chat(c *leeloo.Client) server.ServerResourceTemplate {
	return server.ServerResourceTemplate{
		Template: mcp.NewResourceTemplate(ChatURI, "chat",
			mcp.WithTemplateTitle("Chat transcript"),
			mcp.WithTemplateDescription("One messenger account's chat as a transcript, oldest first: the newest 100 messages with UTC times and who wrote each (customer, us, system). Customer text is fenced as untrusted data. account_id from get_person (accounts) or list_communication_channels."),
			mcp.WithTemplateMIMEType(mimeText)),
		Handler: func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			id := arg(req, "account_id")
			if err := checkID("account_id", id, findAccount); err != nil {
				return nil, err
			}
			text, err := transcript(ctx, c, id)
			if err != nil {
				return nil, err
			}
			return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: mimeText, Text: text}}, nil
		},
	}
}

func transcript(ctx context.Context, c *leeloo.Client, accountID string) (string, error) {
	var msgs []leeloo.ChatMessage
	fetch := func(ctx context.Context, o leeloo.ListOptions) ([]leeloo.ChatMessage, *leeloo.Response, error) {
		return c.Channels.ChatMessages(ctx, accountID, &o)
	}
	for m, err := range leeloo.All(ctx, fetch, leeloo.IterOptions{MaxItems: ChatMaxMessages}) {
		if err != nil {
			return "", upstream("reading the chat of account "+accountID, err, findAccount)
		}
		msgs = append(msgs, m)
	}
	msgs = render.OldestFirst(msgs)

	var b strings.Builder
	fmt.Fprintf(&b, "Chat of account %s", accountID)
	// Who and where is context, not essential: a failed lookup leaves it out.
	if p, _, err := c.Channels.Person(ctx, accountID); err == nil && p != nil {
		from := ""
		for _, a := range p.Accounts {
			if a.AccountID == accountID {
				from = a.From
			}
		}
		if name := render.Field(p.Name, 60); name != "" {
			b.WriteString(" with " + render.Untrusted(name))
		}
		if from != "" {
			b.WriteString(" on " + render.Field(from, 20))
		}
		if p.ID != "" {
			b.WriteString(" (person " + render.Field(p.ID, 40) + ")")
		}
		if w, ok := render.ReplyWindow(from); ok {
			fmt.Fprintf(&b, ". %s accepts a reply only within %s of the customer's last message", from, render.Duration(w))
			if last := lastFromCustomer(msgs); last != "" {
				b.WriteString(" (last customer message " + last + ")")
			}
		}
	}
	switch n := len(msgs); {
	case n == 0:
		b.WriteString(". No messages.\n")
		return b.String(), nil
	case n >= ChatMaxMessages:
		fmt.Fprintf(&b, ". The newest %d messages, oldest first; older ones may exist (get_chat_messages with offset %d).", n, n)
	default:
		fmt.Fprintf(&b, ". All %d messages, oldest first.", n)
	}
	b.WriteString(" Times are UTC; speakers: customer, us (bot or manager), system.\n")
	b.WriteString(render.UntrustedNote + "\n\n")
	b.WriteString(render.Transcript(msgs))
	b.WriteByte('\n')
	return b.String(), nil
}

// lastFromCustomer is the time of the newest customer message in
// chronological msgs.
func lastFromCustomer(msgs []leeloo.ChatMessage) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Type == leeloo.MessageFromCustomer {
			return render.Timestamp(msgs[i].CreatedAt.Time)
		}
	}
	return ""
}
