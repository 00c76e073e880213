package guard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/leeloo-mcp/leeloo-mcp/internal/redistest"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// The conformance suite: every Store backend passes the same tests. Each
// backend gives "processes": open returns another handle on the same state
// (the file store another file handle, Redis another client), and a clock:
// injected for memory and file, the real one for Redis (whose keys expire
// by Redis's clock), so every duration here is a few units of u.

const u = 100 * time.Millisecond

type suiteClock interface {
	Now() time.Time
	Advance(d time.Duration)
}

type realClock struct{}

func (realClock) Now() time.Time          { return time.Now() }
func (realClock) Advance(d time.Duration) { time.Sleep(d) }

type storeEnv struct {
	open  func() Store
	clock suiteClock
	ns    string // this test's namespace
	// precise says the clock is injected: expiry boundaries are exact.
	precise bool
}

// forEachStore runs fn against the memory, file and Redis stores.
func forEachStore(t *testing.T, fn func(t *testing.T, e storeEnv)) {
	t.Run("memory", func(t *testing.T) {
		c := newTestClock()
		s := NewMemoryStore(c.Now)
		fn(t, storeEnv{open: func() Store { return s }, clock: c, ns: Namespace(t.Name()), precise: true})
	})
	t.Run("file", func(t *testing.T) {
		c := newTestClock()
		path := filepath.Join(t.TempDir(), "state", "guard.db")
		fn(t, storeEnv{open: func() Store {
			s := NewFileStore(path, FileOptions{Now: c.Now})
			t.Cleanup(func() { _ = s.Close() })
			return s
		}, clock: c, ns: Namespace(t.Name()), precise: true})
	})
	t.Run("redis", func(t *testing.T) {
		srv := redistest.Start(t)
		fn(t, storeEnv{open: func() Store {
			s, err := NewRedisStore(srv.URL, 2*time.Second)
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s
		}, clock: realClock{}, ns: Namespace(t.Name())})
	})
}

// race runs n goroutines, each with its own handle, and counts true answers.
func race(t *testing.T, e storeEnv, n int, fn func(s Store) bool) int {
	t.Helper()
	handles := make([]Store, n)
	for i := range handles {
		handles[i] = e.open()
	}
	var wg sync.WaitGroup
	var wins atomic.Int32
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(s Store) {
			defer wg.Done()
			<-start
			if fn(s) {
				wins.Add(1)
			}
		}(handles[i])
	}
	close(start)
	wg.Wait()
	return int(wins.Load())
}

func TestStoreClaimAndExpiry(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		ctx := context.Background()
		s, other := e.open(), e.open()
		k := e.ns + "nonce/a"
		ok, err := s.Claim(ctx, k, []byte("v1"), e.clock.Now().Add(2*u))
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = other.Claim(ctx, k, []byte("v2"), e.clock.Now().Add(2*u))
		require.NoError(t, err)
		assert.False(t, ok, "first claim wins, in any process")
		v, ok, err := other.Get(ctx, k)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, "v1", string(v))
		if e.precise {
			e.clock.Advance(2 * u)
			_, ok, _ = other.Get(ctx, k)
			assert.True(t, ok, "live through its expiry instant")
		}
		e.clock.Advance(3 * u)
		_, ok, err = other.Get(ctx, k)
		require.NoError(t, err)
		assert.False(t, ok, "expired")
		ok, err = other.Claim(ctx, k, []byte("v3"), e.clock.Now().Add(2*u))
		require.NoError(t, err)
		assert.True(t, ok, "an expired claim can be claimed again")
		_, ok, err = s.Get(ctx, e.ns+"nothing")
		require.NoError(t, err)
		assert.False(t, ok)
	})
}

func TestStoreClaimRace(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		exp := e.clock.Now().Add(time.Minute)
		wins := race(t, e, 20, func(s Store) bool {
			ok, err := s.Claim(context.Background(), e.ns+"nonce/raced", []byte("x"), exp)
			assert.NoError(t, err)
			return ok
		})
		assert.Equal(t, 1, wins, "20 claimants of one nonce: exactly one wins")
	})
}

func TestStoreSwap(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		ctx := context.Background()
		s := e.open()
		k := e.ns + "dup/x"
		exp := e.clock.Now().Add(time.Minute)
		ok, err := s.Swap(ctx, k, []byte("a"), []byte("b"), exp)
		require.NoError(t, err)
		assert.False(t, ok, "old given, nothing there")
		ok, err = s.Swap(ctx, k, nil, []byte("a"), exp)
		require.NoError(t, err)
		assert.True(t, ok, "nil old: only when absent")
		ok, _ = s.Swap(ctx, k, nil, []byte("z"), exp)
		assert.False(t, ok)
		ok, _ = s.Swap(ctx, k, []byte("wrong"), []byte("z"), exp)
		assert.False(t, ok)
		ok, err = s.Swap(ctx, k, []byte("a"), []byte("b"), exp)
		require.NoError(t, err)
		assert.True(t, ok)
		v, _, _ := s.Get(ctx, k)
		assert.Equal(t, "b", string(v))
		ok, err = s.Swap(ctx, k, []byte("b"), nil, time.Time{})
		require.NoError(t, err)
		assert.True(t, ok, "nil val deletes")
		_, found, _ := s.Get(ctx, k)
		assert.False(t, found)

		// Compare-and-swap loops from several handles lose no update.
		counter := e.ns + "counter"
		const n, each = 8, 3
		race(t, e, n, func(s Store) bool {
			for i := 0; i < each; i++ {
				for {
					cur, ok, err := s.Get(ctx, counter)
					require.NoError(t, err)
					var old []byte
					next := 1
					if ok {
						old = cur
						_, _ = fmt.Sscan(string(cur), &next)
						next++
					}
					done, err := s.Swap(ctx, counter, old, []byte(fmt.Sprint(next)), exp)
					require.NoError(t, err)
					if done {
						break
					}
				}
			}
			return true
		})
		v, _, _ = s.Get(ctx, counter)
		assert.Equal(t, fmt.Sprint(n*each), string(v))
	})
}

func TestStoreTakeRace(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		ctx := context.Background()
		k := e.ns + "pending/p1"
		ok, err := e.open().Claim(ctx, k, []byte("approve me"), e.clock.Now().Add(time.Minute))
		require.NoError(t, err)
		require.True(t, ok)
		var got atomic.Value
		wins := race(t, e, 20, func(s Store) bool {
			v, ok, err := s.Take(ctx, k)
			assert.NoError(t, err)
			if ok {
				got.Store(string(v))
			}
			return ok
		})
		assert.Equal(t, 1, wins, "exactly one taker gets it")
		assert.Equal(t, "approve me", got.Load())
		_, ok, _ = e.open().Take(ctx, k)
		assert.False(t, ok)
	})
}

func TestStoreListAndDelete(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		ctx := context.Background()
		s := e.open()
		now := e.clock.Now()
		for _, k := range []string{"pending/b", "pending/a", "pending/c", "dup/x"} {
			_, err := s.Claim(ctx, e.ns+k, []byte(k), now.Add(time.Minute))
			require.NoError(t, err)
		}
		_, err := s.Claim(ctx, e.ns+"pending/short", []byte("s"), now.Add(u))
		require.NoError(t, err)
		_, err = s.Claim(ctx, Namespace("other tenant")+"pending/z", []byte("z"), now.Add(time.Minute))
		require.NoError(t, err)
		require.NoError(t, s.Delete(ctx, e.ns+"pending/c"))
		require.NoError(t, s.Delete(ctx, e.ns+"pending/never"), "deleting nothing is fine")
		e.clock.Advance(3 * u)
		es, err := e.open().List(ctx, e.ns+"pending/")
		require.NoError(t, err)
		var keys []string
		for _, x := range es {
			keys = append(keys, strings.TrimPrefix(x.Key, e.ns))
			assert.Equal(t, strings.TrimPrefix(x.Key, e.ns), string(x.Value))
			assert.WithinDuration(t, now.Add(time.Minute), x.Expires, 5*time.Millisecond)
		}
		assert.Equal(t, []string{"pending/a", "pending/b"}, keys, "by key, live only, this tenant and prefix only")
	})
}

func TestStoreWindow(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		ctx := context.Background()
		s, other := e.open(), e.open()
		k := e.ns + "budget"
		win := 4 * u
		t0 := e.clock.Now()
		ok, _, err := s.WindowAdd(ctx, k, "a", t0, win, 2)
		require.NoError(t, err)
		require.True(t, ok)
		ok, _, err = other.WindowAdd(ctx, k, "b", t0.Add(u), win, 2)
		require.NoError(t, err)
		require.True(t, ok)
		ok, oldest, err := s.WindowAdd(ctx, k, "c", t0.Add(2*u), win, 2)
		require.NoError(t, err)
		assert.False(t, ok, "full, whichever process asks")
		assert.WithinDuration(t, t0, oldest, time.Millisecond)
		n, oldest, err := other.WindowCount(ctx, k, t0.Add(2*u), win)
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		assert.WithinDuration(t, t0, oldest, time.Millisecond)

		ok, _, _ = s.WindowAdd(ctx, k, "c", t0.Add(win), win, 2)
		assert.True(t, ok, "a window after the first slot it is free")
		require.NoError(t, other.WindowRemove(ctx, k, "b"))
		ok, _, _ = s.WindowAdd(ctx, k, "d", t0.Add(win), win, 2)
		assert.True(t, ok, "a slot given back is free")
		n, _, _ = s.WindowCount(ctx, k, t0.Add(win), win)
		assert.Equal(t, 2, n)

		// 20 processes racing for 5 slots: exactly 5.
		rk := e.ns + "raced-budget"
		wins := race(t, e, 20, func(s Store) bool {
			ok, _, err := s.WindowAdd(ctx, rk, randomID(), e.clock.Now(), time.Minute, 5)
			assert.NoError(t, err)
			return ok
		})
		assert.Equal(t, 5, wins)
	})
}

func TestStorePaceAndBlock(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		ctx := context.Background()
		s, other := e.open(), e.open()
		k := e.ns + "rate/acct"
		now := e.clock.Now().Truncate(time.Millisecond)
		var waits []time.Duration
		for i := 0; i < 5; i++ {
			st := s
			if i%2 == 1 {
				st = other
			}
			w, err := st.Pace(ctx, k, now, u, 3)
			require.NoError(t, err)
			waits = append(waits, w)
		}
		assert.Equal(t, []time.Duration{0, 0, 0, u, 2 * u}, waits, "a burst of 3, then one per interval, shared by both handles")
		require.NoError(t, other.Block(ctx, k, now.Add(10*u)))
		require.NoError(t, s.Block(ctx, k, now.Add(5*u)), "an earlier block does not shorten a later one")
		w, err := s.Pace(ctx, k, now, u, 3)
		require.NoError(t, err)
		assert.Equal(t, 10*u, w, "a 429 seen by one process holds every process")
	})
}

// guardOn is a guard on store s, as one process would build it.
func guardOn(t *testing.T, e storeEnv, s Store, cfg Config, exec func() error, execs *atomic.Int32) (*Guard, func(text string, allow bool) *Action) {
	t.Helper()
	cfg.Store, cfg.Now, cfg.Tenant = s, e.clock.Now, t.Name()
	if cfg.Key == nil {
		cfg.Key = testKey
	}
	g, err := New(cfg)
	require.NoError(t, err)
	return g, func(text string, allow bool) *Action {
		return &Action{
			Tool: "send_message", Args: map[string]any{"account_id": "acc", "text": text}, Preview: "Send " + text,
			CustomerFacing: true, DuplicateKey: "send_message\x00acc\x00" + text, AllowDuplicate: allow,
			Execute: func(context.Context) (*Outcome, error) {
				execs.Add(1)
				if exec != nil {
					if err := exec(); err != nil {
						return nil, err
					}
				}
				return &Outcome{Text: "Sent."}, nil
			},
		}
	}
}

func TestStoreGuardTokenOnceAcrossProcesses(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		var execs atomic.Int32
		g1, send := guardOn(t, e, e.open(), Config{Mode: ModePreview}, nil, &execs)
		tok := previewToken(t, g1.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, send("hi", false)))
		guards := make([]*Guard, 20)
		for i := range guards {
			guards[i], _ = guardOn(t, e, e.open(), Config{Mode: ModePreview}, nil, &execs)
		}
		var wg sync.WaitGroup
		for _, g := range guards {
			wg.Add(1)
			go func(g *Guard) {
				defer wg.Done()
				g.Run(context.Background(), mcp.CallToolRequest{}, Controls{ConfirmToken: tok}, send("hi", true))
			}(g)
		}
		wg.Wait()
		assert.Equal(t, int32(1), execs.Load(), "one token confirmed by 20 processes executes once")
		res := guards[3].Run(context.Background(), mcp.CallToolRequest{}, Controls{ConfirmToken: tok}, send("hi", true))
		assert.Contains(t, resultText(res), "already used")
	})
}

func TestStoreGuardSurvivesRestart(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		var execs atomic.Int32
		cfg := Config{Mode: ModeOff, MaxSendsPerHour: 2}
		g1, send := guardOn(t, e, e.open(), cfg, nil, &execs)
		require.False(t, g1.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, send("hi", false)).IsError)

		// A restart: a new guard on a new handle.
		g2, _ := guardOn(t, e, e.open(), cfg, nil, &execs)
		res := g2.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, send("Hi ", false))
		assert.Contains(t, resultText(res), "an identical send_message was sent", "the duplicate guard remembers across restarts")
		require.False(t, g2.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, send("second", false)).IsError)

		g3, _ := guardOn(t, e, e.open(), cfg, nil, &execs)
		res = g3.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, send("third", false))
		assert.Contains(t, resultText(res), "send budget of 2", "the budget counts every process's sends")
		assert.Equal(t, int32(2), execs.Load())
	})
}

// TestStoreGuardCrashMidSend: a process that dies while Leeloo handles the
// send leaves its claim in flight: identical sends are refused and told to
// check the chat, and after the lease it counts as uncertain.
func TestStoreGuardCrashMidSend(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		var execs atomic.Int32
		hang, entered := make(chan struct{}), make(chan struct{})
		cfg := Config{Mode: ModeOff, SendLease: 3 * u}
		g1, send := guardOn(t, e, e.open(), cfg, func() error {
			close(entered)
			<-hang
			return errors.New("process killed")
		}, &execs)
		done := make(chan struct{})
		go func() {
			defer close(done)
			g1.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, send("hi", false))
		}()
		<-entered
		g2, send2 := guardOn(t, e, e.open(), cfg, nil, &execs)
		res := g2.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, send2("hi", true))
		assert.True(t, res.IsError)
		assert.Contains(t, resultText(res), "may have been delivered", "in flight in another process")
		assert.Contains(t, resultText(res), "check get_chat_messages")

		e.clock.Advance(4 * u)
		res = g2.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, send2("hi", false))
		assert.Contains(t, resultText(res), "may still have delivered it", "past the lease: uncertain")
		assert.Equal(t, int32(1), execs.Load())
		close(hang)
		<-done
	})
}

func TestStorePending(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		ctx := context.Background()
		var execs atomic.Int32
		g1, _ := guardOn(t, e, e.open(), Config{}, nil, &execs)
		g2, _ := guardOn(t, e, e.open(), Config{}, nil, &execs)
		p1, p2 := g1.PendingStore(), g2.PendingStore()
		require.NoError(t, p1.Put(ctx, "a1", []byte(`{"tool":"send_message"}`), time.Minute))
		require.NoError(t, p1.Put(ctx, "a2", []byte(`{"tool":"add_tag"}`), 2*u))
		assert.ErrorIs(t, p2.Put(ctx, "a1", []byte("x"), time.Minute), ErrPendingExists)
		v, ok, err := p2.Get(ctx, "a1")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, `{"tool":"send_message"}`, string(v))
		ls, err := p2.List(ctx)
		require.NoError(t, err)
		require.Len(t, ls, 2)
		assert.Equal(t, "a1", ls[0].ID)

		e.clock.Advance(3 * u)
		ls, _ = p2.List(ctx)
		require.Len(t, ls, 1, "expired records are gone")

		// 20 processes approve the same record: one claims it.
		wins := race(t, e, 20, func(s Store) bool {
			g, _ := guardOn(t, e, s, Config{}, nil, &execs)
			_, ok, err := g.PendingStore().Claim(ctx, "a1")
			assert.NoError(t, err)
			return ok
		})
		assert.Equal(t, 1, wins)
		require.NoError(t, p1.Put(ctx, "a3", []byte("x"), time.Minute))
		require.NoError(t, p2.Delete(ctx, "a3"))
		_, ok, _ = p1.Get(ctx, "a3")
		assert.False(t, ok)
	})
}

// faultyStore fails the operations named in fail.
type faultyStore struct {
	Store
	fail map[string]bool
}

var errStoreDown = errors.New("connection refused")

func (f *faultyStore) err(op string) error {
	if f.fail[op] {
		return errStoreDown
	}
	return nil
}

func (f *faultyStore) Claim(ctx context.Context, k string, v []byte, exp time.Time) (bool, error) {
	if err := f.err("Claim"); err != nil {
		return false, err
	}
	return f.Store.Claim(ctx, k, v, exp)
}

func (f *faultyStore) Get(ctx context.Context, k string) ([]byte, bool, error) {
	if err := f.err("Get"); err != nil {
		return nil, false, err
	}
	return f.Store.Get(ctx, k)
}

func (f *faultyStore) Swap(ctx context.Context, k string, old, v []byte, exp time.Time) (bool, error) {
	if err := f.err("Swap"); err != nil {
		return false, err
	}
	return f.Store.Swap(ctx, k, old, v, exp)
}

func (f *faultyStore) WindowAdd(ctx context.Context, k, m string, now time.Time, w time.Duration, max int) (bool, time.Time, error) {
	if err := f.err("WindowAdd"); err != nil {
		return false, time.Time{}, err
	}
	return f.Store.WindowAdd(ctx, k, m, now, w, max)
}

func (f *faultyStore) WindowCount(ctx context.Context, k string, now time.Time, w time.Duration) (int, time.Time, error) {
	if err := f.err("WindowCount"); err != nil {
		return 0, time.Time{}, err
	}
	return f.Store.WindowCount(ctx, k, now, w)
}

// TestStoreErrorsFailClosed: any store error while guarding a mutation
// refuses it with a reason and sends nothing; a store error while recording
// an uncertain send never makes it look unsent.
func TestStoreErrorsFailClosed(t *testing.T) {
	for _, op := range []string{"Claim", "Get", "Swap", "WindowAdd", "WindowCount"} {
		t.Run(op, func(t *testing.T) {
			c := newTestClock()
			fs := &faultyStore{Store: NewMemoryStore(c.Now), fail: map[string]bool{}}
			h := newHarness(t, Config{Mode: ModePreview, Store: fs})
			h.g.now = c.Now
			tok := previewToken(t, h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false)))
			fs.fail[op] = true
			res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{ConfirmToken: tok}, h.send("hi", false))
			if op == "WindowCount" { // only read by previews
				require.False(t, res.IsError, resultText(res))
				res = h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("other", false))
				assert.True(t, res.IsError)
				assert.Contains(t, resultText(res), "shared state (--state) is unavailable")
				return
			}
			assert.True(t, res.IsError)
			assert.Contains(t, resultText(res), "Refused: the guard's shared state (--state) is unavailable (")
			assert.Contains(t, resultText(res), "connection refused")
			assert.Contains(t, resultText(res), "nothing was sent")
			assert.Zero(t, h.executions())
		})
	}
	t.Run("settle after an uncertain failure", func(t *testing.T) {
		c := newTestClock()
		fs := &faultyStore{Store: NewMemoryStore(c.Now), fail: map[string]bool{}}
		h := newHarness(t, Config{Mode: ModeOff, Store: fs})
		h.err = &leeloo.APIError{HTTPStatus: 502}
		// The claim goes through; recording the outcome fails.
		a := h.send("hi", false)
		exec := a.Execute
		a.Execute = func(ctx context.Context) (*Outcome, error) {
			fs.fail["Swap"] = true
			return exec(ctx)
		}
		h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, a)
		fs.fail["Swap"] = false
		h.err = nil
		res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
		assert.True(t, res.IsError)
		assert.Contains(t, resultText(res), "may have been delivered")
		h.clock.Advance(DefaultSendLease + time.Second)
		res = h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
		assert.Contains(t, resultText(res), "may still have delivered it")
		assert.Equal(t, 1, h.executions())
	})
}

// TestRedisDownOrSlowFailsClosed: a Redis that is down or never answers
// refuses mutations quickly with the reason; nothing is sent.
func TestRedisDownOrSlowFailsClosed(t *testing.T) {
	blackhole, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer blackhole.Close()
	go func() {
		for {
			c, err := blackhole.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accepts, never answers
		}
	}()
	srv := redistest.Start(t)
	srv.Kill()
	for name, url := range map[string]string{"down": srv.URL, "slow": "redis://" + blackhole.Addr().String() + "/0"} {
		t.Run(name, func(t *testing.T) {
			s, err := NewRedisStore(url, 200*time.Millisecond)
			require.NoError(t, err)
			defer s.Close()
			h := newHarness(t, Config{Mode: ModeOff, Store: s})
			start := time.Now()
			res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("hi", false))
			assert.Less(t, time.Since(start), 5*time.Second)
			assert.True(t, res.IsError)
			assert.Contains(t, resultText(res), "shared state (--state) is unavailable (duplicate guard: redis:")
			assert.Zero(t, h.executions())
		})
	}
	_, err = NewRedisStore("redis://user:s3cret@[bad", 0)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret", "the URL's password is never repeated")
}

// TestFileStoreEmptyFileReadsEmpty: a state file created but never
// initialised (a crash at creation) reads as empty, and the next write
// initialises it.
func TestFileStoreEmptyFileReadsEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "guard.db")
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	s := NewFileStore(path, FileOptions{})
	_, ok, err := s.Get(context.Background(), "k")
	require.NoError(t, err)
	assert.False(t, ok)
	ok, err = s.Claim(context.Background(), "k", []byte("v"), time.Now().Add(time.Minute))
	require.NoError(t, err)
	assert.True(t, ok)
}

// TestFileStoreSweepsExpired: write transactions delete expired entries
// from the file, not only hide them.
func TestFileStoreSweepsExpired(t *testing.T) {
	c := newTestClock()
	path := filepath.Join(t.TempDir(), "guard.db")
	s := NewFileStore(path, FileOptions{Now: c.Now})
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		_, err := s.Claim(ctx, fmt.Sprint("short/", i), []byte("x"), c.Now().Add(time.Minute))
		require.NoError(t, err)
	}
	_, err := s.Claim(ctx, "long", []byte("x"), c.Now().Add(time.Hour))
	require.NoError(t, err)
	c.Advance(2 * time.Minute)
	_, err = s.Claim(ctx, "trigger", []byte("x"), c.Now().Add(time.Hour))
	require.NoError(t, err)
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	require.NoError(t, err)
	defer db.Close()
	var keys []string
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketKV).ForEach(func(k, _ []byte) error { keys = append(keys, string(k)); return nil })
	}))
	assert.Equal(t, []string{"long", "trigger"}, keys)
}

// TestRedisKeysPrefixedAndExpiring: every key the guard writes to Redis
// starts with leeloo-mcp: and expires by itself.
func TestRedisKeysPrefixedAndExpiring(t *testing.T) {
	srv := redistest.Start(t)
	s, err := NewRedisStore(srv.URL, time.Second)
	require.NoError(t, err)
	defer s.Close()
	h := newHarness(t, Config{Mode: ModePreview, Store: s})
	h.g.now = time.Now
	h.g.tokens.now = time.Now
	h.g.pending.now = time.Now
	ctx := context.Background()
	tok := previewToken(t, h.g.Run(ctx, mcp.CallToolRequest{}, Controls{}, h.send("hi", false)))
	require.False(t, h.g.Run(ctx, mcp.CallToolRequest{}, Controls{ConfirmToken: tok}, h.send("hi", false)).IsError)
	require.NoError(t, h.g.PendingStore().Put(ctx, "p", []byte("x"), time.Minute))
	rl := NewSharedRateLimiter(s, "", "token", 60, 1, nil)
	require.NoError(t, rl.Wait(ctx))
	rl.Block(time.Now().Add(time.Second))

	rs := s.(*redisStore).c
	keys, err := rs.Keys(ctx, "*").Result()
	require.NoError(t, err)
	assert.Len(t, keys, 5, "nonce, duplicate entry, budget, pending record, rate: %v", keys)
	for _, k := range keys {
		assert.True(t, strings.HasPrefix(k, "leeloo-mcp:t"), k)
		ttl, err := rs.PTTL(ctx, k).Result()
		require.NoError(t, err)
		assert.Greater(t, ttl, time.Duration(0), "%s expires by itself", k)
	}
}

// TestStoreZeroExpiryMeansNone: a value written with a zero expiry stays.
func TestStoreZeroExpiryMeansNone(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		ctx := context.Background()
		s := e.open()
		ok, err := s.Swap(ctx, e.ns+"forever", nil, []byte("v"), time.Time{})
		require.NoError(t, err)
		require.True(t, ok)
		e.clock.Advance(2 * u)
		v, ok, err := s.Get(ctx, e.ns+"forever")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, "v", string(v))
		require.NoError(t, s.Delete(ctx, e.ns+"forever"))
	})
}

func streamValues(es []StreamEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = string(e.Value)
	}
	return out
}

func TestStoreStreamAppendSince(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		ctx := context.Background()
		s, other := e.open(), e.open()
		k := e.ns + "events"
		got, err := other.Since(ctx, k, "", 0)
		require.NoError(t, err)
		assert.Empty(t, got, "an empty stream reads as none")
		var ids []string
		for i := 0; i < 5; i++ {
			id, err := s.Append(ctx, k, []byte(fmt.Sprint("e", i)), e.clock.Now(), 3, time.Hour)
			require.NoError(t, err)
			if len(ids) > 0 {
				assert.True(t, StreamIDLess(ids[len(ids)-1], id), "ids increase: %s then %s", ids[len(ids)-1], id)
			}
			ids = append(ids, id)
		}
		all, err := other.Since(ctx, k, "", 0)
		require.NoError(t, err)
		assert.Equal(t, []string{"e2", "e3", "e4"}, streamValues(all), "maxLen keeps the newest, in order, for every process")
		after, err := other.Since(ctx, k, ids[2], 0)
		require.NoError(t, err)
		assert.Equal(t, []string{"e3", "e4"}, streamValues(after), "after an id: only the later ones")
		one, err := other.Since(ctx, k, "", 1)
		require.NoError(t, err)
		assert.Equal(t, []string{"e2"}, streamValues(one))
		none, err := other.Since(ctx, k, ids[4], 0)
		require.NoError(t, err)
		assert.Empty(t, none)
		assert.WithinDuration(t, e.clock.Now(), StreamIDTime(ids[4]), 2*time.Second, "an id carries its append time")
	})
}

func TestStoreStreamRetention(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		ctx := context.Background()
		s := e.open()
		k := e.ns + "events"
		_, err := s.Append(ctx, k, []byte("old"), e.clock.Now(), 100, 3*u)
		require.NoError(t, err)
		e.clock.Advance(4 * u)
		_, err = s.Append(ctx, k, []byte("new"), e.clock.Now(), 100, 3*u)
		require.NoError(t, err)
		got, err := s.Since(ctx, k, "", 0)
		require.NoError(t, err)
		assert.Equal(t, []string{"new"}, streamValues(got), "an append drops entries older than maxAge")
		e.clock.Advance(5 * u)
		got, err = s.Since(ctx, k, "", 0)
		require.NoError(t, err)
		assert.Empty(t, got, "a stream nobody appends to for maxAge is gone")
	})
}

func TestStoreStreamConcurrentAppends(t *testing.T) {
	forEachStore(t, func(t *testing.T, e storeEnv) {
		ctx := context.Background()
		k := e.ns + "events"
		n := race(t, e, 8, func(s Store) bool {
			_, err := s.Append(ctx, k, []byte("x"), e.clock.Now(), 100, time.Hour)
			return err == nil
		})
		require.Equal(t, 8, n)
		got, err := e.open().Since(ctx, k, "", 0)
		require.NoError(t, err)
		require.Len(t, got, 8, "no append is lost between processes")
		seen := map[string]bool{}
		for i, g := range got {
			assert.False(t, seen[g.ID], "ids are unique")
			seen[g.ID] = true
			if i > 0 {
				assert.True(t, StreamIDLess(got[i-1].ID, g.ID))
			}
		}
	})
}

func TestStreamIDs(t *testing.T) {
	assert.True(t, StreamIDLess("1-0", "1-1"))
	assert.True(t, StreamIDLess("1-9", "2-0"))
	assert.True(t, StreamIDLess("9-0", "10-0"), "numeric, not lexical")
	assert.False(t, StreamIDLess("2-0", "2-0"))
	assert.True(t, StreamIDLess("garbage", "0-1"))
	assert.True(t, StreamIDTime("x").IsZero())
	assert.Equal(t, time.UnixMilli(1700000000123).UTC(), StreamIDTime("1700000000123-4"))
}
