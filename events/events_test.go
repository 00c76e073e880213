package events_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
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

const acct = "5e18a2a3ed0b7a000d6c9484"

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestDecodeDocumentedShapes(t *testing.T) {
	ev, key := events.Decode([]byte(`{"type":"ORDER","data":{"order_id":"o1","account_id":"`+acct+`","offer_name":"Course","price":49,"currency":"USD","email":"a@b.c","phone":"+380501234567","created_at":"2026-03-02T09:00:00Z"}}`), t0)
	assert.Equal(t, events.TypeOrder, ev.Type)
	assert.Equal(t, acct, ev.AccountID)
	assert.Equal(t, &events.Order{OrderID: "o1", AccountID: acct, OfferName: "Course", Price: "49", Currency: "USD", Email: "a@b.c", Phone: "+380501234567", CreatedAt: "2026-03-02T09:00:00Z"}, ev.Order)
	assert.Equal(t, "ORDER:o1", key, "an order is deduped by its id")
	assert.Equal(t, events.SourceWebhook, ev.Source)
	assert.Equal(t, t0, ev.Received)

	ev, key = events.Decode([]byte(`{"type":"SALE","data":{"order_id":"o1","price":"49.50","currency":"EUR","payment_method":"card"}}`), t0)
	assert.Equal(t, events.TypeSale, ev.Type)
	assert.Equal(t, "card", ev.Order.PaymentMethod)
	assert.Equal(t, "49.50", ev.Order.Price, "a price sent as a string is kept")
	assert.Equal(t, "SALE:o1", key, "a sale of the same order is another event than its order")
}

func TestDecodeUndocumentedShapes(t *testing.T) {
	cases := []struct {
		name, body, typ, account, text string
	}{
		{"incoming message, snake", `{"type":"INCOMING_MESSAGE","data":{"account_id":"` + acct + `","text":"hi"}}`, events.TypeMessage, acct, "hi"},
		{"incoming message, vendor's words", `{"type":"Incoming Message","data":{"accountId":"` + acct + `","message":"hi"}}`, events.TypeMessage, acct, "hi"},
		{"nested account", `{"type":"MESSAGE","data":{"account":{"id":"` + acct + `"},"message":{"text":"hi"}}}`, events.TypeMessage, acct, "hi"},
		{"channel id", `{"type":"new-message","data":{"communication_channel_id":"` + acct + `"}}`, events.TypeMessage, acct, ""},
		{"no data envelope", `{"type":"INCOMING_MESSAGE","account_id":"` + acct + `","text":"hi"}`, events.TypeMessage, acct, "hi"},
		{"not an id is no account", `{"type":"INCOMING_MESSAGE","data":{"account_id":"../../etc"}}`, events.TypeMessage, "", ""},
		{"subscription kept raw", `{"type":"SUBSCRIPTION","data":{"tunnel":"x","leadgentool_id":"y"}}`, events.TypeSubscription, "", ""},
		{"unknown type kept", `{"type":"refund.created","data":{"x":1}}`, "REFUND_CREATED", "", ""},
		{"markup in the type is dropped", `{"type":"</fence>ORDER<","data":{}}`, "FENCEORDER", "", ""},
		{"no type", `{"data":{"x":1}}`, events.TypeUnknown, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, key := events.Decode([]byte(c.body), t0)
			assert.Equal(t, c.typ, ev.Type)
			assert.Equal(t, c.account, ev.AccountID)
			assert.Equal(t, c.text, ev.Text)
			assert.NotEmpty(t, ev.Raw, "the payload is kept")
			assert.NotEmpty(t, key)
		})
	}
}

func TestDecodeGarbage(t *testing.T) {
	for _, body := range []string{"", "not json", "[1,2]", "null", `{"type":`, "\xff\xfe", strings.Repeat("x", 2*events.MaxRawBytes)} {
		ev, key := events.Decode([]byte(body), t0)
		assert.Equal(t, events.TypeUnknown, ev.Type, "%q", body)
		assert.NotEmpty(t, key)
		assert.LessOrEqual(t, len(ev.Raw), events.MaxRawBytes+64, "the raw body is capped")
	}
	_, a := events.Decode([]byte("same"), t0)
	_, b := events.Decode([]byte(" same\n"), t0)
	assert.Equal(t, a, b, "garbage is deduped by the hash of its body")
}

func newLog(t *testing.T, now func() time.Time, opts events.LogOptions) *events.Log {
	opts.Now = now
	return events.NewLog(guard.NewMemoryStore(now), opts)
}

func post(t *testing.T, h http.Handler, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("POST "+events.WebhookPath+"{secret}", h)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader(body)))
	return rec
}

const secret = "s3cret-0123456789abcdef"

func TestReceiverSecretDedupeAndCap(t *testing.T) {
	c := testutil.NewClock(t0)
	log := newLog(t, c.Now, events.LogOptions{})
	var stored atomic.Int32
	rc := &events.Receiver{Resolve: events.SingleTenant(secret, log), Stored: func(*events.Log, events.Event) { stored.Add(1) }, Now: c.Now}
	order := `{"type":"ORDER","data":{"order_id":"o1","account_id":"` + acct + `"}}`

	for _, bad := range []string{"wrong", secret + "x", secret[:len(secret)-1], ""} {
		rec := post(t, rc, events.WebhookPath+bad, order)
		assert.Equal(t, http.StatusNotFound, rec.Code, "secret %q", bad)
	}
	assert.Zero(t, stored.Load(), "a wrong secret stores nothing")

	rec := post(t, rc, events.WebhookPath+secret, order)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"ok":true}`, rec.Body.String())
	rec = post(t, rc, events.WebhookPath+secret, order)
	assert.Equal(t, http.StatusOK, rec.Code, "a redelivery is answered 200, so Leeloo stops")
	assert.JSONEq(t, `{"ok":true,"duplicate":true}`, rec.Body.String())
	assert.EqualValues(t, 1, stored.Load(), "a redelivery is stored once")

	for _, g := range []string{"garbage", "", `{"type":"WHATEVER"}`} {
		assert.Equal(t, http.StatusOK, post(t, rc, events.WebhookPath+secret, g).Code, "never an error to Leeloo for %q", g)
	}
	big := `{"type":"ORDER","data":{"x":"` + strings.Repeat("a", events.MaxWebhookBytes) + `"}}`
	assert.Equal(t, http.StatusRequestEntityTooLarge, post(t, rc, events.WebhookPath+secret, big).Code)

	evs, err := log.Recent(context.Background(), nil, 0)
	require.NoError(t, err)
	require.Len(t, evs, 4)
	assert.Equal(t, events.TypeOrder, evs[3].Type, "newest first")

	// Empty secret: nothing is accepted.
	off := &events.Receiver{Resolve: events.SingleTenant("", log)}
	assert.Equal(t, http.StatusNotFound, post(t, off, events.WebhookPath+"x", order).Code)
}

func TestReceiverConcurrentRedeliveries(t *testing.T) {
	log := newLog(t, time.Now, events.LogOptions{})
	rc := &events.Receiver{Resolve: events.SingleTenant(secret, log)}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			post(t, rc, events.WebhookPath+secret, `{"type":"SALE","data":{"order_id":"o9"}}`)
		}()
	}
	wg.Wait()
	evs, err := log.Since(context.Background(), "", nil, 0)
	require.NoError(t, err)
	assert.Len(t, evs, 1, "of concurrent redeliveries exactly one is stored")
}

func TestLogRetention(t *testing.T) {
	ctx := context.Background()
	c := testutil.NewClock(t0)
	log := newLog(t, c.Now, events.LogOptions{MaxLen: 3, MaxAge: time.Hour})
	for i := 0; i < 5; i++ {
		_, _, err := log.Add(ctx, events.Event{Type: events.TypeOrder}, string(rune('a'+i)))
		require.NoError(t, err)
	}
	evs, err := log.Since(ctx, "", nil, 0)
	require.NoError(t, err)
	assert.Len(t, evs, 3, "at most MaxLen are kept")
	c.Advance(61 * time.Minute)
	evs, err = log.Recent(ctx, nil, 0)
	require.NoError(t, err)
	assert.Empty(t, evs, "none older than MaxAge")
	_, dup, err := log.Add(ctx, events.Event{Type: events.TypeOrder}, "a")
	require.NoError(t, err)
	assert.False(t, dup, "a dedupe key lives as long as the events")
}

func TestHubWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := newLog(t, time.Now, events.LogOptions{})
	hub := &events.Hub{Log: log, Tail: 20 * time.Millisecond}
	go hub.Run(ctx)

	start := time.Now()
	evs, next, err := hub.Wait(ctx, "", nil, 150*time.Millisecond)
	require.NoError(t, err)
	assert.Empty(t, evs, "nothing new: nothing")
	assert.Empty(t, next)
	assert.InDelta(t, 150, time.Since(start).Milliseconds(), 100, "returns at its timeout")

	go func() {
		time.Sleep(50 * time.Millisecond)
		_, _, _ = log.Add(ctx, events.Event{Type: events.TypeOrder}, "o1")
		_, _, _ = log.Add(ctx, events.Event{Type: events.TypeMessage, AccountID: acct}, "m1")
		hub.Kick()
	}()
	start = time.Now()
	evs, next, err = hub.Wait(ctx, "", []string{events.TypeMessage}, 5*time.Second)
	require.NoError(t, err)
	require.Len(t, evs, 1, "only the types asked for")
	assert.Equal(t, acct, evs[0].AccountID)
	assert.Equal(t, evs[0].ID, next)
	assert.Less(t, time.Since(start), time.Second, "returns as soon as an event is there")

	evs, _, err = hub.Wait(ctx, "0-0", nil, 0)
	require.NoError(t, err)
	assert.Len(t, evs, 2, "since an old id: what is kept after it, at once")
}

func TestHubOnEventAcrossProcesses(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := guard.NewMemoryStore(nil)
	a := events.NewLog(store, events.LogOptions{})
	b := events.NewLog(store, events.LogOptions{})
	got := make(chan events.Event, 4)
	hub := &events.Hub{Log: b, Tail: 20 * time.Millisecond, OnEvent: func(ev events.Event) { got <- ev }}
	go hub.Run(ctx)
	release := hub.Listen()
	defer release()
	time.Sleep(60 * time.Millisecond) // primed: old events are not replayed
	_, _, err := a.Add(ctx, events.Event{Type: events.TypeMessage, AccountID: acct}, "m1")
	require.NoError(t, err)
	select {
	case ev := <-got:
		assert.Equal(t, acct, ev.AccountID, "an event another process stored reaches this one's listeners")
	case <-time.After(time.Second):
		t.Fatal("no event within a second")
	}
}

func TestPollerRequestBudget(t *testing.T) {
	ctx := context.Background()
	c := testutil.NewClock(time.Now().UTC())
	box := sandbox.New(sandbox.Options{Now: c.Now})
	hs := httptest.NewServer(box)
	defer hs.Close()
	client, err := leeloo.NewClient(leeloo.Options{BaseURL: hs.URL + sandbox.Prefix, Token: sandbox.DefaultToken, RequestsPerMinute: -1})
	require.NoError(t, err)
	store := guard.NewMemoryStore(c.Now)
	log := events.NewLog(store, events.LogOptions{Now: c.Now})
	hub := &events.Hub{Log: log}
	p := &events.Poller{Client: client, Hub: hub, Interval: time.Minute, Now: c.Now}
	other := &events.Poller{Client: client, Hub: &events.Hub{Log: events.NewLog(store, events.LogOptions{Now: c.Now})}, Interval: time.Minute, Now: c.Now}

	n, err := p.Poll(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Empty(t, box.Requests(), "the first poll only notes where the inbox is")

	c.Advance(time.Minute)
	box.ResetRequests()
	n, err = p.Poll(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing new")
	assert.Len(t, box.Requests(), 1, "a quiet poll is one request")
	q := box.Requests()[0]
	assert.Equal(t, "/communication-channels", strings.TrimPrefix(q.Path, sandbox.Prefix))
	assert.Contains(t, q.RawQuery, "filter[last_message][from]=", "it asks only for chats with a message since the last poll")

	n, err = other.Poll(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Len(t, box.Requests(), 1, "another process sharing the store does not poll within the interval")

	// Customers write: the next poll turns their new last messages into events.
	c.Advance(time.Minute)
	box.ResetRequests()
	r := newRand(1)
	for i := 0; i < 6; i++ {
		box.LiveEvent(r)
	}
	n, err = p.Poll(ctx)
	require.NoError(t, err)
	assert.LessOrEqual(t, len(box.Requests()), 1+events.MaxChecksPerPoll, "one list and at most MaxChecksPerPoll chat checks")
	evs, err := log.Since(ctx, "", []string{events.TypeMessage}, 0)
	require.NoError(t, err)
	assert.Equal(t, n, len(evs))
	assert.Positive(t, n, "the customers' new messages became events")
	for _, ev := range evs {
		assert.Equal(t, events.SourcePoll, ev.Source)
		assert.True(t, leeloo.ValidID(ev.AccountID))
	}

	// Over an hour at a one-minute interval: at most 60 polls' worth.
	box.ResetRequests()
	for i := 0; i < 120; i++ {
		c.Advance(30 * time.Second)
		_, err := p.Poll(ctx)
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, len(box.Requests()), 60, "one poll per interval, however often Poll is called")
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 1)) }

// TestWaitWithoutRun: a process whose hub does not run (leeloo-mcp call)
// still returns an event another process stores while it waits.
func TestWaitWithoutRun(t *testing.T) {
	ctx := context.Background()
	store := guard.NewMemoryStore(nil)
	a := events.NewLog(store, events.LogOptions{})
	hub := &events.Hub{Log: events.NewLog(store, events.LogOptions{}), Tail: 20 * time.Millisecond}
	go func() {
		time.Sleep(100 * time.Millisecond)
		_, _, _ = a.Add(ctx, events.Event{Type: events.TypeSale}, "s1")
	}()
	start := time.Now()
	evs, _, err := hub.Wait(ctx, "", nil, 5*time.Second)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Less(t, time.Since(start), time.Second)
}

// TestHubFirstListenerRace: an event stored right as the first listener
// comes (before the hub read the log) still reaches it; one stored long
// before does not.
func TestHubFirstListenerRace(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := testutil.NewClock(time.Now())
	store := guard.NewMemoryStore(nil)
	old := events.NewLog(store, events.LogOptions{Now: func() time.Time { return c.Now().Add(-time.Minute) }})
	_, _, err := old.Add(ctx, events.Event{Type: events.TypeOrder}, "old")
	require.NoError(t, err)
	log := events.NewLog(store, events.LogOptions{})
	got := make(chan events.Event, 4)
	hub := &events.Hub{Log: log, Tail: time.Hour, OnEvent: func(ev events.Event) { got <- ev }}
	release := hub.Listen()
	defer release()
	_, _, err = log.Add(ctx, events.Event{Type: events.TypeMessage, AccountID: acct}, "raced")
	require.NoError(t, err)
	go hub.Run(ctx)
	select {
	case ev := <-got:
		assert.Equal(t, acct, ev.AccountID, "the raced event, not the old one")
	case <-time.After(2 * time.Second):
		t.Fatal("the event stored as the first listener came was lost")
	}
	select {
	case ev := <-got:
		t.Fatalf("an old event was replayed: %+v", ev)
	case <-time.After(100 * time.Millisecond):
	}
}
