package events

import (
	"context"
	"log/slog"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// Polling defaults (--poll-interval). A poll costs one request, plus one per
// chat whose last message changed (at most MaxChecksPerPoll) to tell the
// customer's messages from ours: at the default interval that is at most
// 6 requests a minute of Leeloo's 300.
const (
	DefaultPollInterval = 60 * time.Second
	MinPollInterval     = 5 * time.Second
	MaxChecksPerPoll    = 5
	pollPage            = 50
)

// Poller turns new last-message times in the inbox into INCOMING_MESSAGE
// events, for a server without a webhook. It polls only while the hub has
// listeners, and one process of those sharing the store polls per interval
// (a lease on the store), so a fleet polls as often as one process.
type Poller struct {
	Client   *leeloo.Client
	Hub      *Hub
	Interval time.Duration
	Now      func() time.Time
	Logger   *slog.Logger
}

func (p *Poller) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Poller) interval() time.Duration {
	if p.Interval <= 0 {
		return DefaultPollInterval
	}
	return p.Interval
}

// Run polls every interval while anyone listens, until ctx ends. Before its
// first poll it notes where the inbox was when Run started (unless another
// process did), so that poll already reports what came in since the start.
// The note waits for that first poll: a server nobody listens to (most stdio
// sessions) never opens the store for it, at start-up or later.
func (p *Poller) Run(ctx context.Context) {
	start, marked := p.now(), false
	t := time.NewTicker(p.interval())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !p.Hub.Listening() {
			continue
		}
		if !marked {
			marked = true
			if err := p.mark(ctx, start); err != nil && p.Logger != nil {
				p.Logger.Warn("events: polling the inbox", "err", err)
			}
		}
		if _, err := p.Poll(ctx); err != nil && p.Logger != nil {
			p.Logger.Warn("events: polling the inbox", "err", err)
		}
	}
}

// During polls now and then every interval until ctx ends, whoever
// listens: for a server that may use the account's token only while one of
// its requests is open (a team server's wait_for_events). The lease still
// holds a fleet to one poll per interval.
func (p *Poller) During(ctx context.Context) {
	for {
		if _, err := p.Poll(ctx); err != nil && ctx.Err() == nil && p.Logger != nil {
			p.Logger.Warn("events: polling the inbox", "err", err)
		}
		t := time.NewTimer(p.interval())
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// Poll makes one poll, unless another process sharing the store polled
// within the interval, and returns how many events it stored.
func (p *Poller) Poll(ctx context.Context) (int, error) {
	log := p.Hub.Log
	st, ns, now := log.Store(), log.Namespace(), p.now()
	won, err := st.Claim(ctx, ns+"events/poll-lease", []byte{1}, now.Add(p.interval()-p.interval()/10))
	if err != nil || !won {
		return 0, err
	}
	curKey := ns + "events/poll-cursor"
	raw, ok, err := st.Get(ctx, curKey)
	if err != nil {
		return 0, err
	}
	var cursor time.Time
	if ok {
		_ = cursor.UnmarshalText(raw)
	}
	if cursor.IsZero() {
		// Nobody noted where the inbox was: what is new comes after now.
		return 0, p.mark(ctx, now)
	}
	chs, _, err := p.Client.Channels.List(ctx, &leeloo.ChannelListOptions{
		ListOptions: leeloo.ListOptions{Limit: pollPage}, LastMessageFrom: cursor.UTC(),
	})
	if err != nil {
		return 0, err
	}
	newest, stored, checks := cursor, 0, 0
	for _, c := range chs {
		at := c.LastMessageTime.Time
		if !at.After(cursor) {
			continue
		}
		if at.After(newest) {
			newest = at
		}
		ev := Event{Type: TypeMessage, Received: now.UTC(), Source: SourcePoll, AccountID: c.ID, PersonID: c.PersonID}
		if checks < MaxChecksPerPoll {
			checks++
			msgs, _, err := p.Client.Channels.ChatMessages(ctx, c.ID, &leeloo.ListOptions{Limit: 1})
			if err == nil && len(msgs) > 0 {
				if msgs[0].Type != leeloo.MessageFromCustomer {
					continue // our own message (or the bot's): nothing came in
				}
				ev.Text = msgs[0].Text
			}
		}
		if _, dup, err := log.Add(ctx, ev, "poll:"+c.ID+":"+at.UTC().Format(time.RFC3339Nano)); err == nil && !dup {
			stored++
		}
	}
	if newest.After(cursor) {
		b, _ := newest.UTC().MarshalText()
		_, _ = st.Swap(ctx, curKey, raw, b, now.Add(log.MaxAge()))
	}
	if stored > 0 {
		p.Hub.Kick()
	}
	return stored, nil
}

// mark sets the cursor to now unless one is set.
func (p *Poller) mark(ctx context.Context, now time.Time) error {
	log := p.Hub.Log
	b, _ := now.UTC().MarshalText()
	_, err := log.Store().Swap(ctx, log.Namespace()+"events/poll-cursor", nil, b, now.Add(log.MaxAge()))
	return err
}
