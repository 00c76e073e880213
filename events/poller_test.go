package events_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// TestPollerRunNotesTheStartBeforeItsFirstPoll: nobody listening, Run never
// touches the store; once someone listens, its first poll reports what came
// in since Run started.
func TestPollerRunNotesTheStartBeforeItsFirstPoll(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := testutil.NewClock(time.Now().UTC())
	box := sandbox.New(sandbox.Options{Now: c.Now})
	hs := httptest.NewServer(box)
	defer hs.Close()
	client, err := leeloo.NewClient(leeloo.Options{BaseURL: hs.URL + sandbox.Prefix, Token: sandbox.DefaultToken, RequestsPerMinute: -1})
	require.NoError(t, err)
	store := guard.NewMemoryStore(c.Now)
	log := events.NewLog(store, events.LogOptions{Now: c.Now})
	hub := &events.Hub{Log: log}
	p := &events.Poller{Client: client, Hub: hub, Interval: 10 * time.Millisecond, Now: c.Now}
	go p.Run(ctx)

	time.Sleep(100 * time.Millisecond) // ten intervals, nobody listening
	_, ok, err := store.Get(ctx, log.Namespace()+"events/poll-cursor")
	require.NoError(t, err)
	assert.False(t, ok, "nothing noted in the store while nobody listens")
	assert.Empty(t, box.Requests(), "and nothing asked of Leeloo")

	// Customers write after the start; then a client listens.
	c.Advance(time.Minute)
	r := newRand(1)
	for i := 0; i < 6; i++ {
		box.LiveEvent(r)
	}
	release := hub.Listen()
	defer release()
	require.Eventually(t, func() bool {
		evs, err := log.Since(ctx, "", []string{events.TypeMessage}, 0)
		return err == nil && len(evs) > 0
	}, 5*time.Second, 10*time.Millisecond, "the first poll reports the messages that came in since Run started")
}
