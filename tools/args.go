package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// defaultLimit is a list's page size when limit is not given; the bounds of
// limit and offset are the schema's (Page).
const defaultLimit = 20

// maxTextRunes is the limit of text the model writes, as the schemas' tags
// say it (maxLength=4096), for the limit a tag cannot state.
const maxTextRunes = 4096

// Page is the paging arguments of list tools.
type Page struct {
	Limit  int `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100"` // the default (20) is in the server instructions
	Offset int `json:"offset,omitempty" jsonschema:"minimum=0" jsonschema_description:"From next_offset."`
}

// options are the page's list options; the schema bounds limit and offset.
func (p Page) options() *leeloo.ListOptions {
	l := p.Limit
	if l == 0 {
		l = defaultLimit
	}
	return &leeloo.ListOptions{Limit: l, Offset: p.Offset}
}

// pageInfo is the paging part of a list result.
type pageInfo struct {
	Total      int `json:"total,omitempty"`
	NextOffset int `json:"next_offset,omitempty"`
}

func paging(o *leeloo.ListOptions, got int, r *leeloo.Response) pageInfo {
	p := pageInfo{}
	if r != nil && r.Meta != nil {
		p.Total = r.Meta.TotalCount
	}
	next := o.Offset + got
	if got > 0 && (p.Total > next || (p.Total == 0 && got >= o.Limit)) {
		p.NextOffset = next
	}
	return p
}

func (p pageInfo) line() string {
	switch {
	case p.NextOffset > 0 && p.Total > 0:
		return fmt.Sprintf("%d in all; more with offset=%d.", p.Total, p.NextOffset)
	case p.NextOffset > 0:
		return fmt.Sprintf("More with offset=%d.", p.NextOffset)
	case p.Total > 0:
		return fmt.Sprintf("%d in all.", p.Total)
	}
	return ""
}

// checkID validates a Leeloo object id (render.IDProblem).
func checkID(field, v string, k render.IDKind) error {
	if p := render.IDProblem(field, v, k); p != "" {
		return argErrorf("%s", p)
	}
	return nil
}

// parseDate reads YYYY-MM-DD (a UTC day) or RFC 3339 in any zone, and
// returns it in UTC.
func parseDate(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, argErrorf("%s %q is not a date: use YYYY-MM-DD or RFC 3339 like 2026-03-01T09:30:00+02:00", field, s)
}

// LastMessage is the last-message date range of list tools.
type LastMessage struct {
	From string `json:"last_message_from,omitempty" jsonschema_description:"YYYY-MM-DD or RFC 3339."`
	To   string `json:"last_message_to,omitempty"`
}

// dates parses the range; either end may be absent (zero).
func (l LastMessage) dates() (from, to time.Time, err error) {
	if strings.TrimSpace(l.From) != "" {
		if from, err = parseDate("last_message_from", l.From); err != nil {
			return
		}
	}
	if strings.TrimSpace(l.To) != "" {
		if to, err = parseDate("last_message_to", l.To); err != nil {
			return
		}
	}
	if !from.IsZero() && !to.IsZero() && from.After(to) {
		err = argErrorf("last_message_from %s is after last_message_to %s: that range holds nothing; swap them", strings.TrimSpace(l.From), strings.TrimSpace(l.To))
	}
	return
}

var emailRE = regexp.MustCompile(`^[^@\s<>(),;:"]+@[^@\s<>(),;:"]+\.[^@\s<>(),;:".]{2,}$`)

// checkEmail refuses what Leeloo would reject as NOT_VALID_EMAIL, before
// anyone is asked to approve it; an empty value passes.
func checkEmail(field, v string) error {
	v = strings.TrimSpace(v)
	if v == "" || emailRE.MatchString(v) {
		return nil
	}
	return argErrorf("%s %q is not an e-mail address (like name@example.com)", field, v)
}

// checkText refuses blank required text, which the schema cannot say; the
// length limit is the schema's (maxLength=4096).
func checkText(field, s string, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return argErrorf("%s must not be empty", field)
	}
	return nil
}

// tagCache keeps the account's tags for a minute, to resolve names to ids.
type tagCache struct {
	mu   sync.Mutex
	at   time.Time
	tags []leeloo.Tag
}

const tagCacheTTL = time.Minute

func (d *Deps) listTags(ctx context.Context) ([]leeloo.Tag, error) {
	d.tags.mu.Lock()
	defer d.tags.mu.Unlock()
	if d.tags.tags != nil && d.now().Sub(d.tags.at) < tagCacheTTL {
		return d.tags.tags, nil
	}
	tags, _, err := d.Client.Tags.List(ctx)
	if err != nil {
		return nil, err
	}
	d.tags.tags, d.tags.at = tags, d.now()
	return tags, nil
}

// resolveTag finds a tag by id or by name (case-insensitive).
func (d *Deps) resolveTag(ctx context.Context, ref string) (leeloo.Tag, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return leeloo.Tag{}, argErrorf("tag is required: a tag name or id from list_tags")
	}
	tags, err := d.listTags(ctx)
	if err != nil {
		return leeloo.Tag{}, err
	}
	for _, t := range tags {
		if t.ID == ref || strings.EqualFold(t.Name, ref) {
			return t, nil
		}
	}
	names := make([]string, 0, len(tags))
	for i, t := range tags {
		if i == 20 {
			names = append(names, "…")
			break
		}
		names = append(names, t.Name)
	}
	return leeloo.Tag{}, argErrorf("no tag %q in this account; tags: %s", ref, strings.Join(names, ", "))
}

// result is a successful tool result: one text block, the only thing the
// model reads. Structured content is added only where a client or an app
// uses it (structuredResult): clients that pass both to the model would
// otherwise pay for every fact twice.
func result(text string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(text)}}
}

// jsonText is a one-line head and v as compact JSON, encoded once by
// render.JSON, the one output path that cleans every upstream string.
func jsonText(head string, v any) (string, []byte) {
	data := render.JSON(v)
	text := make([]byte, 0, len(head)+1+len(data))
	text = append(append(append(text, head...), '\n'), data...)
	return string(text), data
}

// jsonResult is a read's result: the head, then v as compact JSON, in the
// text alone.
func jsonResult(head string, v any) *mcp.CallToolResult {
	text, _ := jsonText(head, v)
	return result(text)
}

// structuredResult is jsonResult plus the same JSON as structured content,
// for the tools whose results an MCP App card draws (CardOf); those tools
// declare its outputSchema.
func structuredResult(head string, v any) *mcp.CallToolResult {
	text, data := jsonText(head, v)
	r := result(text)
	r.StructuredContent = json.RawMessage(data)
	return r
}

// fmtTime formats a time for the model: UTC, minutes.
func fmtTime(t leeloo.Time) string { return render.Timestamp(t.Time) }
