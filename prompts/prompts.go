// Package prompts defines the server's MCP prompts: guided workflows over the
// Leeloo tools and resources. The texts live in embedded .md files rendered
// with text/template; every prompt reminds the model that customer-written
// text is data, and that nothing is sent without the user's confirmation.
package prompts

import (
	"context"
	"embed"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

//go:embed *.md
var texts embed.FS

// templates may say the rules that have a home elsewhere through funcs. They
// are parsed on the first prompts/get, not at every start-up (~0.25 ms and
// 67 KB a start, on a path that mostly never renders a prompt).
var templates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("prompts").Option("missingkey=error").Funcs(template.FuncMap{
		"replyWindows":  render.ReplyWindowRule,
		"untrustedNote": func() string { return render.UntrustedNote },
	}).ParseFS(texts, "*.md"))
})

// All returns every prompt.
func All() []server.ServerPrompt {
	return []server.ServerPrompt{SummarizeChat(), FollowUpLead(), TunnelReport(), ReengageQuiet(), TriageInbox()}
}

// args reads a prompt's arguments, collecting the first problem.
type args struct {
	prompt string
	in     map[string]string
	err    error
}

func (a *args) fail(format string, v ...any) {
	if a.err == nil {
		a.err = fmt.Errorf("%w: %s: %s", mcp.ErrInvalidParams, a.prompt, fmt.Sprintf(format, v...))
	}
}

func (a *args) str(name string) string { return strings.TrimSpace(a.in[name]) }

// id reads a Leeloo id argument of kind k (render.IDProblem).
func (a *args) id(name string, required bool, k render.IDKind) string {
	v := a.str(name)
	if v == "" && !required {
		return v
	}
	if p := render.IDProblem(name, v, k); p != "" {
		a.fail("%s", p)
	}
	return v
}

// text reads a free-text argument as one sanitized line.
func (a *args) text(name string, max int) string {
	v := a.str(name)
	if n := len([]rune(v)); n > max {
		a.fail("%s is %d characters; the limit is %d", name, n, max)
	}
	return render.Field(v, max)
}

// prompt builds a ServerPrompt rendering file with the data bind returns.
func prompt(p mcp.Prompt, file string, bind func(a *args) any) server.ServerPrompt {
	return server.ServerPrompt{
		Prompt: p,
		Handler: func(_ context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			a := &args{prompt: p.Name, in: req.Params.Arguments}
			data := bind(a)
			if a.err != nil {
				return nil, a.err
			}
			var b strings.Builder
			if err := templates().ExecuteTemplate(&b, file, data); err != nil {
				return nil, fmt.Errorf("prompts: rendering %s: %w", file, err)
			}
			return mcp.NewGetPromptResult(p.Description, []mcp.PromptMessage{
				mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(strings.TrimSpace(b.String()))),
			}), nil
		},
	}
}

// SummarizeChat is summarize_chat: summarize a chat and draft the next reply.
func SummarizeChat() server.ServerPrompt {
	p := mcp.NewPrompt("summarize_chat",
		mcp.WithPromptTitle("Summarize a chat and draft a reply"),
		mcp.WithPromptDescription("Read one customer chat, summarize it and draft the next reply (not sent: sending needs the user's confirmation)."),
		mcp.WithArgument("account_id", mcp.RequiredArgument(),
			mcp.ArgumentDescription("Messenger account id of the chat (get_person accounts, list_communication_channels).")),
	)
	return prompt(p, "summarize_chat.md", func(a *args) any {
		return struct{ AccountID string }{a.id("account_id", true, render.AccountIDs)}
	})
}

// FollowUpLead is follow_up_lead: review a lead and draft a follow-up.
func FollowUpLead() server.ServerPrompt {
	p := mcp.NewPrompt("follow_up_lead",
		mcp.WithPromptTitle("Follow up with a lead"),
		mcp.WithPromptDescription("Review a lead's card, chats and orders and draft a follow-up message, sent only after the user confirms. Give person_id, phone or email."),
		mcp.WithArgument("person_id", mcp.ArgumentDescription("Person id (search_people); or give phone or email.")),
		mcp.WithArgument("phone", mcp.ArgumentDescription("The lead's phone with country code, e.g. +380501234567.")),
		mcp.WithArgument("email", mcp.ArgumentDescription("The lead's email.")),
		mcp.WithArgument("goal", mcp.ArgumentDescription("Optional aim of the follow-up, e.g. close the open order.")),
	)
	return prompt(p, "follow_up_lead.md", func(a *args) any {
		d := struct{ PersonID, Phone, Email, Goal string }{
			PersonID: a.id("person_id", false, render.PersonIDs),
			Goal:     a.text("goal", 300),
		}
		if raw := a.str("phone"); raw != "" {
			ph, err := leeloo.NormalizePhone(raw)
			if err != nil {
				a.fail("%v", err)
			}
			d.Phone = ph
		}
		if raw := a.str("email"); raw != "" {
			if addr, err := mail.ParseAddress(raw); err != nil || addr.Address != raw || len(raw) > 254 {
				a.fail("email %q is not an email address", render.Field(raw, 60))
			}
			d.Email = raw
		}
		if d.PersonID == "" && d.Phone == "" && d.Email == "" && a.err == nil {
			a.fail("give person_id, phone or email to find the lead; %s", render.IDsFrom(render.PersonIDs))
		}
		return d
	})
}

// TunnelReport is tunnel_report: a tunnel performance report.
func TunnelReport() server.ServerPrompt {
	p := mcp.NewPrompt("tunnel_report",
		mcp.WithPromptTitle("Tunnel performance report"),
		mcp.WithPromptDescription("Report on one tunnel or all: funnel conversions from shows to sales, revenue against expenses, ROI and the main observations."),
		mcp.WithArgument("tunnel_id", mcp.ArgumentDescription("Tunnel id (list_tunnels); all tunnels when omitted.")),
		mcp.WithArgument("period", mcp.ArgumentDescription("Optional note on the period of interest, e.g. March 2026.")),
	)
	return prompt(p, "tunnel_report.md", func(a *args) any {
		return struct{ TunnelID, Period string }{a.id("tunnel_id", false, render.TunnelIDs), a.text("period", 100)}
	})
}

// ReengageQuiet is reengage_quiet: a re-engagement plan for quiet customers.
func ReengageQuiet() server.ServerPrompt {
	p := mcp.NewPrompt("reengage_quiet",
		mcp.WithPromptTitle("Re-engage quiet customers"),
		mcp.WithPromptDescription("Find customers with a tag who have been silent since a date, review their chats and draft re-engagement messages or templates per segment; nothing is sent without confirmation."),
		mcp.WithArgument("tag", mcp.RequiredArgument(), mcp.ArgumentDescription("Tag name (list_tags).")),
		mcp.WithArgument("quiet_since", mcp.RequiredArgument(), mcp.ArgumentDescription("Date YYYY-MM-DD: customers whose last message is before it.")),
		mcp.WithArgument("offer", mcp.ArgumentDescription("Optional offer to mention, e.g. 10% off until Friday.")),
	)
	return prompt(p, "reengage_quiet.md", func(a *args) any {
		d := struct{ Tag, QuietSince, LastMessageTo, Offer string }{
			Tag:   a.text("tag", 80),
			Offer: a.text("offer", 300),
		}
		if d.Tag == "" {
			a.fail("tag is required: a tag name from list_tags")
		}
		switch raw := a.str("quiet_since"); {
		case raw == "":
			a.fail("quiet_since is required: a date YYYY-MM-DD")
		default:
			day, err := time.Parse(leeloo.DateLayout, raw)
			if err != nil {
				a.fail("quiet_since %q is not a date YYYY-MM-DD", render.Field(raw, 40))
				break
			}
			d.QuietSince, d.LastMessageTo = day.Format(leeloo.DateLayout), day.AddDate(0, 0, -1).Format(leeloo.DateLayout)
		}
		return d
	})
}

// TriageInbox is triage_inbox: the daily job over new incoming messages.
func TriageInbox() server.ServerPrompt {
	p := mcp.NewPrompt("triage_inbox",
		mcp.WithPromptTitle("Triage new incoming messages"),
		mcp.WithPromptDescription("The daily inbox job: the new incoming messages (events or the inbox), unanswered chats oldest first, a draft reply for each; replies are sent only through the guarded send tools."),
		mcp.WithArgument("since", mcp.ArgumentDescription("Optional next_since of the last run (wait_for_events), or a date YYYY-MM-DD.")),
		mcp.WithArgument("limit", mcp.ArgumentDescription("Optional: at most this many chats (default 20).")),
	)
	return prompt(p, "triage_inbox.md", func(a *args) any {
		d := struct {
			Since, EventSince, Day string
			Limit                  int
		}{Limit: 20, Day: time.Now().UTC().AddDate(0, 0, -1).Format(leeloo.DateLayout)}
		if raw := a.str("since"); raw != "" {
			if day, err := time.Parse(leeloo.DateLayout, raw); err == nil {
				d.Day, d.Since = day.Format(leeloo.DateLayout), day.Format(leeloo.DateLayout)
			} else if validEventID(raw) {
				d.Since, d.EventSince = raw, raw
			} else {
				a.fail("since %q is neither an event id (next_since) nor a date YYYY-MM-DD", render.Field(raw, 40))
			}
		}
		if raw := a.str("limit"); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || n > 100 {
				a.fail("limit %q: a whole number from 1 to 100", render.Field(raw, 20))
			}
			d.Limit = n
		}
		return d
	})
}

// validEventID reports whether s looks like an event id ("ms-seq").
func validEventID(s string) bool {
	a, b, ok := strings.Cut(s, "-")
	if !ok || a == "" || b == "" || len(s) > 40 {
		return false
	}
	for _, r := range a + b {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
