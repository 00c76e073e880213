package resources

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/internal/catalog"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// Completion limits.
const (
	// DefaultCompletionTTL is how long listed candidates are reused.
	DefaultCompletionTTL = 30 * time.Second
	// MaxCompletions is how many values one completion answers.
	MaxCompletions = 20
	// maxCandidates caps how many records are listed per argument.
	maxCandidates = 200
)

// Completer suggests values for id arguments: account_id (from the
// communication channels), person_id (from /people), tunnel_id (from
// /tunnels) and tag (tag names). It serves the resource templates
// (server.WithResourceCompletionProvider) and, by argument name, prompts
// (server.WithPromptCompletionProvider). Candidates match the typed value as
// a case-insensitive prefix of the id or of the name, at most MaxCompletions
// are answered, and each list is cached for TTL. Upstream failures answer no
// values.
type Completer struct {
	client *leeloo.Client
	// Catalog completes offer_id, payment_credits_id, tunnel_block_id and
	// template_id from the account catalog; nil for none.
	Catalog *catalog.Catalog
	// TTL is how long listed candidates are reused; DefaultCompletionTTL
	// when zero.
	TTL time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time

	mu    sync.Mutex
	lists map[string]*candidateList
}

// NewCompleter returns a Completer listing candidates through c.
func NewCompleter(c *leeloo.Client) *Completer {
	return &Completer{client: c, lists: map[string]*candidateList{}}
}

type candidate struct{ value, name string }

type candidateList struct {
	mu    sync.Mutex // held while listing, so concurrent completions list once
	at    time.Time
	items []candidate
}

// CompleteResourceArgument implements server.ResourceCompletionProvider.
func (p *Completer) CompleteResourceArgument(ctx context.Context, uri string, argument mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	if !strings.HasPrefix(uri, "leeloo://") {
		return &mcp.Completion{Values: []string{}}, nil
	}
	return p.complete(ctx, argument), nil
}

// CompletePromptArgument implements server.PromptCompletionProvider.
func (p *Completer) CompletePromptArgument(ctx context.Context, _ string, argument mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	return p.complete(ctx, argument), nil
}

func (p *Completer) complete(ctx context.Context, a mcp.CompleteArgument) *mcp.Completion {
	out := &mcp.Completion{Values: []string{}}
	items, fromCatalog := catalogCandidates(p.Catalog, a.Name)
	if !fromCatalog {
		if _, ok := listers[a.Name]; !ok {
			return out
		}
		var err error
		if items, err = p.candidates(ctx, a.Name); err != nil {
			return out
		}
	}
	typed := strings.ToLower(strings.TrimSpace(a.Value))
	var byName []string
	n := 0
	for _, c := range items {
		switch {
		case strings.HasPrefix(strings.ToLower(c.value), typed):
			if n < MaxCompletions {
				out.Values = append(out.Values, c.value)
			}
		case c.name != "" && nameMatches(c.name, typed):
			byName = append(byName, c.value)
		default:
			continue
		}
		n++
	}
	for _, v := range byName {
		if len(out.Values) == MaxCompletions {
			break
		}
		out.Values = append(out.Values, v)
	}
	out.Total, out.HasMore = n, n > len(out.Values)
	return out
}

// nameMatches reports whether the name or one of its words starts with typed.
func nameMatches(name, typed string) bool {
	name = strings.ToLower(name)
	if strings.HasPrefix(name, typed) {
		return true
	}
	for _, w := range strings.Fields(name) {
		if strings.HasPrefix(w, typed) {
			return true
		}
	}
	return false
}

func (p *Completer) candidates(ctx context.Context, kind string) ([]candidate, error) {
	p.mu.Lock()
	l := p.lists[kind]
	if l == nil {
		l = &candidateList{}
		p.lists[kind] = l
	}
	p.mu.Unlock()

	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	ttl := p.TTL
	if ttl <= 0 {
		ttl = DefaultCompletionTTL
	}
	if !l.at.IsZero() && now().Sub(l.at) < ttl {
		return l.items, nil
	}
	items, err := listers[kind](ctx, p.client)
	if err != nil {
		return nil, err
	}
	l.items, l.at = items, now()
	return items, nil
}

// listers list the candidates of each argument name.
var listers = map[string]func(ctx context.Context, c *leeloo.Client) ([]candidate, error){
	"account_id": func(ctx context.Context, c *leeloo.Client) ([]candidate, error) {
		return collect(ctx, func(ctx context.Context, o leeloo.ListOptions) ([]leeloo.Channel, *leeloo.Response, error) {
			return c.Channels.List(ctx, &leeloo.ChannelListOptions{ListOptions: o})
		}, func(ch leeloo.Channel) candidate { return candidate{ch.ID, ch.Name} })
	},
	"person_id": func(ctx context.Context, c *leeloo.Client) ([]candidate, error) {
		return collect(ctx, func(ctx context.Context, o leeloo.ListOptions) ([]leeloo.Person, *leeloo.Response, error) {
			return c.People.List(ctx, &leeloo.PeopleListOptions{ListOptions: o})
		}, func(p leeloo.Person) candidate { return candidate{p.ID, p.Name} })
	},
	"tunnel_id": func(ctx context.Context, c *leeloo.Client) ([]candidate, error) {
		return collect(ctx, func(ctx context.Context, o leeloo.ListOptions) ([]leeloo.Tunnel, *leeloo.Response, error) {
			return c.Tunnels.List(ctx, &o)
		}, func(t leeloo.Tunnel) candidate { return candidate{t.ID, t.Name} })
	},
	"tag": func(ctx context.Context, c *leeloo.Client) ([]candidate, error) {
		ts, _, err := c.Tags.List(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]candidate, 0, len(ts))
		for _, t := range ts {
			if name := render.Field(t.Name, 80); name != "" {
				out = append(out, candidate{value: name})
			}
		}
		return out, nil
	},
}

func collect[T any](ctx context.Context, fetch leeloo.PageFunc[T], conv func(T) candidate) ([]candidate, error) {
	var out []candidate
	for item, err := range leeloo.All(ctx, fetch, leeloo.IterOptions{MaxItems: maxCandidates}) {
		if err != nil {
			return nil, err
		}
		if c := conv(item); leeloo.ValidID(c.value) {
			c.name = render.Field(c.name, 80)
			out = append(out, c)
		}
	}
	return out, nil
}
