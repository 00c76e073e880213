package guard

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/internal/redistest"
	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
)

// BenchmarkStoreMutation is what one guarded customer-facing send pays for
// its state (duplicate-guard claim and settle, budget slot, audit off), and
// a confirmed one (plus the token's nonce), per backend. The Leeloo call
// itself is a no-op. The clock advances a minute per send, so the windows
// hold what a real hour holds.
//
//	go test -run='^$' -bench=BenchmarkStoreMutation -benchtime=2s ./guard/
func BenchmarkStoreMutation(b *testing.B) {
	backends := []struct {
		name string
		open func(b *testing.B, now func() time.Time) Store
	}{
		// none: a mutation with nothing to keep (not customer-facing, no
		// duplicate key, --confirm off) never touches the store: the baseline.
		{"none", func(b *testing.B, now func() time.Time) Store { return NewMemoryStore(now) }},
		{"memory", func(b *testing.B, now func() time.Time) Store { return NewMemoryStore(now) }},
		{"file", func(b *testing.B, now func() time.Time) Store {
			return NewFileStore(filepath.Join(b.TempDir(), "guard.db"), FileOptions{Now: now})
		}},
		{"redis", func(b *testing.B, now func() time.Time) Store {
			s, err := NewRedisStore(redistest.Start(b).URL, time.Second)
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
	}
	for _, be := range backends {
		for _, confirmed := range []bool{false, true} {
			if be.name == "none" && confirmed {
				continue
			}
			name := be.name + "/send"
			if confirmed {
				name = be.name + "/preview+confirm"
			}
			b.Run(name, func(b *testing.B) {
				c := testutil.NewClock(time.Now())
				st := be.open(b, c.Now)
				defer st.Close()
				mode := ModeOff
				if confirmed {
					mode = ModePreview
				}
				g, err := New(Config{Mode: mode, Key: testKey, Store: st, Now: c.Now, MaxSendsPerHour: 1000})
				if err != nil {
					b.Fatal(err)
				}
				ctx := context.Background()
				act := func(i int) *Action {
					text := fmt.Sprint("message ", i)
					a := &Action{Tool: "send_message", Args: map[string]any{"text": text}, Preview: text, CustomerFacing: true,
						DuplicateKey: "send_message\x00acc\x00" + text,
						Execute:      func(context.Context) (*Outcome, error) { return &Outcome{Text: "Sent."}, nil }}
					if be.name == "none" {
						a.CustomerFacing, a.DuplicateKey = false, ""
					}
					return a
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					c.Advance(time.Minute)
					ctl := Controls{}
					if confirmed {
						res := g.Run(ctx, mcp.CallToolRequest{}, Controls{}, act(i))
						ctl.ConfirmToken, _ = res.StructuredContent.(map[string]any)["confirm_token"].(string)
					}
					if res := g.Run(ctx, mcp.CallToolRequest{}, ctl, act(i)); res.IsError {
						b.Fatal(resultText(res))
					}
				}
			})
		}
	}
}

// BenchmarkSharedRateLimiterRedis is what the shared Leeloo rate limit adds
// to each Leeloo request: one Pace round trip (the rate is set high enough
// never to wait).
func BenchmarkSharedRateLimiterRedis(b *testing.B) {
	s, err := NewRedisStore(redistest.Start(b).URL, time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	l := NewSharedRateLimiter(s, "", "token", 1<<30, 1<<20, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := l.Wait(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
