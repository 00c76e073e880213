package guard

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBudgetSlidingWindow(t *testing.T) {
	b := &budget{max: 2}
	t0 := testStart
	_, ok := b.take(t0)
	require.True(t, ok)
	_, ok = b.take(t0.Add(20 * time.Minute))
	require.True(t, ok)

	free, ok := b.take(t0.Add(30 * time.Minute))
	assert.False(t, ok)
	assert.Equal(t, t0.Add(time.Hour), free, "the oldest slot frees an hour after it was taken")

	free, ok = b.take(t0.Add(time.Hour - time.Nanosecond))
	assert.False(t, ok)
	assert.Equal(t, t0.Add(time.Hour), free)

	_, ok = b.take(t0.Add(time.Hour))
	assert.True(t, ok, "exactly an hour later the first slot is free")
	free, ok = b.take(t0.Add(time.Hour))
	assert.False(t, ok)
	assert.Equal(t, t0.Add(80*time.Minute), free)
	assert.Len(t, b.at, 2, "old slots are dropped")
}

func TestBudgetGive(t *testing.T) {
	b := &budget{max: 1}
	_, ok := b.take(testStart)
	require.True(t, ok)
	b.give(testStart)
	_, ok = b.take(testStart)
	assert.True(t, ok, "a slot given back is free again")
	b.give(testStart)
	b.give(testStart) // more gives than takes is harmless
	assert.Empty(t, b.at)

	// The failed action's own slot is returned, not the newest one.
	b = &budget{max: 3}
	t1, t2 := testStart, testStart.Add(time.Minute)
	b.take(t1)
	b.take(t2)
	b.give(t1)
	assert.Equal(t, []time.Time{t2}, b.at)
}

func TestBudgetUnlimited(t *testing.T) {
	for _, max := range []int{0, -1} {
		b := &budget{max: max}
		for i := 0; i < 1000; i++ {
			_, ok := b.take(testStart)
			require.True(t, ok)
		}
		b.give(testStart)
		assert.Empty(t, b.at)
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
		wantFlags string
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"fresh key", []step{{op: "claim", want: true}}},
		{"in flight blocks even allow_duplicate", []step{
			{op: "claim", want: true},
			{op: "claim", at: time.Second, want: false, wantFlags: "in flight"},
			{op: "claim", at: time.Second, allow: true, want: false, wantFlags: "in flight"},
		}},
		{"delivered blocks within the window", []step{
			{op: "claim", want: true}, {op: "settle", delivered: true},
			{op: "claim", at: win, want: false, wantFlags: "delivered"},
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
			{op: "claim", at: time.Minute, want: false, wantFlags: "uncertain"},
			{op: "claim", at: time.Minute, allow: true, want: true},
		}},
		{"released duplicate restores the earlier delivery", []step{
			{op: "claim", want: true}, {op: "settle", delivered: true},
			{op: "claim", at: time.Minute, allow: true, want: true}, {op: "settle", at: time.Minute},
			{op: "claim", at: 2 * time.Minute, want: false, wantFlags: "delivered"},
			{op: "claim", at: win + time.Second, want: true},
		}},
		{"released duplicate restores an uncertain failure", []step{
			{op: "claim", want: true}, {op: "settle", uncertain: true},
			{op: "claim", at: time.Minute, allow: true, want: true}, {op: "settle", at: time.Minute},
			{op: "claim", at: 2 * time.Minute, want: false, wantFlags: "uncertain"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := &dedupe{window: win, seen: map[string]dedupeEntry{}}
			key := hashKey("send_message\x00acc\x00hi")
			for i, s := range tc.steps {
				now := t0.Add(s.at)
				switch s.op {
				case "claim":
					e, ok := d.claim(key, now, s.allow)
					require.Equal(t, s.want, ok, "step %d", i)
					switch s.wantFlags {
					case "in flight":
						assert.True(t, e.inFlight, "step %d", i)
					case "delivered":
						assert.False(t, e.inFlight || e.uncertain, "step %d", i)
					case "uncertain":
						assert.True(t, e.uncertain, "step %d", i)
					}
				case "settle":
					d.settle(key, now, s.delivered, s.uncertain)
				}
			}
		})
	}
}

func TestDedupePrunesOldEntries(t *testing.T) {
	d := &dedupe{window: time.Minute, seen: map[string]dedupeEntry{}}
	for _, k := range []string{"a", "b", "c"} {
		_, ok := d.claim(k, testStart, false)
		require.True(t, ok)
		d.settle(k, testStart, true, false)
	}
	_, ok := d.claim("in-flight", testStart, false)
	require.True(t, ok)
	_, ok = d.claim("d", testStart.Add(2*time.Minute), false)
	require.True(t, ok)
	assert.Len(t, d.seen, 2, "settled entries past the window are dropped, in-flight ones kept")
}

func TestHashKey(t *testing.T) {
	a, b := hashKey("send_message\x00x\x00hi"), hashKey("send_message\x00x\x00Hi ")
	assert.Equal(t, a, b, "normalised before hashing")
	assert.NotEqual(t, a, hashKey("send_message\x00x\x00hi!"))
	assert.Len(t, a, 24)
	assert.Equal(t, a, hashKey("send_message\x00x\x00hi"))
}
