package guard

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
)

func newTestBudget(max int, c *testutil.Clock) *budget {
	return &budget{store: NewMemoryStore(c.Now), ns: Namespace(""), max: max}
}

func TestBudgetSlidingWindow(t *testing.T) {
	ctx := context.Background()
	c := newTestClock()
	b := newTestBudget(2, c)
	t0 := testStart
	take := func(at time.Time) (time.Time, bool) {
		_, free, ok, err := b.take(ctx, at)
		require.NoError(t, err)
		return free, ok
	}
	_, ok := take(t0)
	require.True(t, ok)
	_, ok = take(t0.Add(20 * time.Minute))
	require.True(t, ok)

	free, ok := take(t0.Add(30 * time.Minute))
	assert.False(t, ok)
	assert.Equal(t, t0.Add(time.Hour), free, "the oldest slot frees an hour after it was taken")

	free, ok = take(t0.Add(time.Hour - time.Nanosecond))
	assert.False(t, ok)
	assert.Equal(t, t0.Add(time.Hour), free)

	_, ok = take(t0.Add(time.Hour))
	assert.True(t, ok, "exactly an hour later the first slot is free")
	free, ok = take(t0.Add(time.Hour))
	assert.False(t, ok)
	assert.Equal(t, t0.Add(80*time.Minute), free)
	n, _, err := b.store.WindowCount(ctx, b.ns+keyBudget, t0.Add(time.Hour), budgetWindow)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "old slots are dropped")
}

func TestBudgetGive(t *testing.T) {
	ctx := context.Background()
	c := newTestClock()
	b := newTestBudget(1, c)
	id, _, ok, err := b.take(ctx, testStart)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, b.give(ctx, id))
	id, _, ok, _ = b.take(ctx, testStart)
	assert.True(t, ok, "a slot given back is free again")
	require.NoError(t, b.give(ctx, id))
	require.NoError(t, b.give(ctx, id), "more gives than takes is harmless")

	// The failed action's own slot is returned, not the newest one.
	b = newTestBudget(3, c)
	id1, _, _, _ := b.take(ctx, testStart)
	_, _, _, _ = b.take(ctx, testStart.Add(time.Minute))
	require.NoError(t, b.give(ctx, id1))
	n, oldest, err := b.store.WindowCount(ctx, b.ns+keyBudget, testStart.Add(time.Minute), budgetWindow)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, testStart.Add(time.Minute), oldest)
}

func TestBudgetUnlimited(t *testing.T) {
	for _, max := range []int{0, -1} {
		b := newTestBudget(max, newTestClock())
		for i := 0; i < 1000; i++ {
			_, _, ok, err := b.take(context.Background(), testStart)
			require.NoError(t, err)
			require.True(t, ok)
		}
	}
}

func TestNewBudgetDefaults(t *testing.T) {
	for _, tc := range []struct{ in, want int }{{0, DefaultMaxSendsPerHour}, {-1, -1}, {3, 3}} {
		g, err := New(Config{MaxSendsPerHour: tc.in})
		require.NoError(t, err)
		assert.Equal(t, tc.want, g.budget.max)
	}
}

func TestDedupeClaimSettle(t *testing.T) {
	const win = 10 * time.Minute
	t0 := testStart
	type step struct {
		op        string // claim, settle
		at        time.Duration
		allow     bool
		delivered bool
		uncertain bool
		want      bool // claim granted
		wantState string
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"fresh key", []step{{op: "claim", want: true}}},
		{"in flight blocks even allow_duplicate", []step{
			{op: "claim", want: true},
			{op: "claim", at: time.Second, want: false, wantState: dupInFlight},
			{op: "claim", at: time.Second, allow: true, want: false, wantState: dupInFlight},
		}},
		{"in flight past the lease is uncertain", []step{
			{op: "claim", want: true},
			{op: "claim", at: DefaultSendLease + time.Second, want: false, wantState: dupUncertain},
			{op: "claim", at: DefaultSendLease + win, want: false, wantState: dupUncertain},
			{op: "claim", at: DefaultSendLease + time.Second, allow: true, want: true},
		}},
		{"delivered blocks within the window", []step{
			{op: "claim", want: true}, {op: "settle", delivered: true},
			{op: "claim", at: win, want: false, wantState: dupSent},
			{op: "claim", at: win + time.Nanosecond, want: true},
		}},
		{"allow_duplicate overrides a delivered one", []step{
			{op: "claim", want: true}, {op: "settle", delivered: true},
			{op: "claim", at: time.Minute, allow: true, want: true},
		}},
		{"certain failure releases", []step{
			{op: "claim", want: true}, {op: "settle"},
			{op: "claim", at: time.Second, want: true},
		}},
		{"uncertain failure blocks", []step{
			{op: "claim", want: true}, {op: "settle", uncertain: true},
			{op: "claim", at: time.Minute, want: false, wantState: dupUncertain},
			{op: "claim", at: time.Minute, allow: true, want: true},
		}},
		{"released duplicate restores the earlier delivery", []step{
			{op: "claim", want: true}, {op: "settle", delivered: true},
			{op: "claim", at: time.Minute, allow: true, want: true}, {op: "settle", at: time.Minute},
			{op: "claim", at: 2 * time.Minute, want: false, wantState: dupSent},
			{op: "claim", at: win + time.Second, want: true},
		}},
		{"released duplicate restores an uncertain failure", []step{
			{op: "claim", want: true}, {op: "settle", uncertain: true},
			{op: "claim", at: time.Minute, allow: true, want: true}, {op: "settle", at: time.Minute},
			{op: "claim", at: 2 * time.Minute, want: false, wantState: dupUncertain},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			c := newTestClock()
			d := &dedupe{store: NewMemoryStore(c.Now), ns: Namespace(""), window: win, lease: DefaultSendLease}
			key := hashKey("send_message\x00acc\x00hi")
			var last *dupClaim
			for i, s := range tc.steps {
				c.Set(t0.Add(s.at))
				now := c.Now()
				switch s.op {
				case "claim":
					cl, e, err := d.claim(ctx, key, now, s.allow)
					require.NoError(t, err)
					require.Equal(t, s.want, cl != nil, "step %d", i)
					if cl != nil {
						last = cl
					}
					if s.wantState != "" {
						assert.Equal(t, s.wantState, e.State, "step %d", i)
					}
				case "settle":
					how := settleReleased
					switch {
					case s.delivered:
						how = settleDelivered
					case s.uncertain:
						how = settleUncertain
					}
					require.NoError(t, d.settle(ctx, last, now, how))
				}
			}
		})
	}
}

func TestDedupeEntriesExpire(t *testing.T) {
	ctx := context.Background()
	c := newTestClock()
	st := NewMemoryStore(c.Now)
	d := &dedupe{store: st, ns: Namespace(""), window: time.Minute, lease: DefaultSendLease}
	for _, k := range []string{"a", "b", "c"} {
		cl, _, err := d.claim(ctx, k, testStart, false)
		require.NoError(t, err)
		require.NoError(t, d.settle(ctx, cl, testStart, settleDelivered))
	}
	_, _, err := d.claim(ctx, "in-flight", testStart, false)
	require.NoError(t, err)
	c.Advance(2 * time.Minute)
	es, err := st.List(ctx, d.ns+keyDup)
	require.NoError(t, err)
	assert.Len(t, es, 1, "settled entries past the window are gone, an in-flight one is kept through lease and window")
	c.Advance(DefaultSendLease)
	es, _ = st.List(ctx, d.ns+keyDup)
	assert.Empty(t, es)
}

// TestDedupeUndecodableEntryIsUncertain: state the guard cannot read never
// lets a send through as if nothing had been sent.
func TestDedupeUndecodableEntryIsUncertain(t *testing.T) {
	ctx := context.Background()
	c := newTestClock()
	st := NewMemoryStore(c.Now)
	d := &dedupe{store: st, ns: Namespace(""), window: time.Minute, lease: DefaultSendLease}
	ok, err := st.Claim(ctx, d.storeKey("k"), []byte("garbage"), testStart.Add(time.Minute))
	require.NoError(t, err)
	require.True(t, ok)
	cl, e, err := d.claim(ctx, "k", testStart, false)
	require.NoError(t, err)
	assert.Nil(t, cl)
	assert.Equal(t, dupUncertain, e.State)
}

func TestHashKey(t *testing.T) {
	a, b := hashKey("send_message\x00x\x00hi"), hashKey("send_message\x00x\x00Hi ")
	assert.Equal(t, a, b, "normalised before hashing")
	assert.NotEqual(t, a, hashKey("send_message\x00x\x00hi!"))
	assert.Len(t, a, 24)
	assert.Equal(t, a, hashKey("send_message\x00x\x00hi"))
}
