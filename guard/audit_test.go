package guard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRedact(t *testing.T) {
	cases := []struct {
		name string
		in   any
		want any
	}{
		{"plain", map[string]any{"account_id": "a", "text": "hi"}, map[string]any{"account_id": "a", "text": "hi"}},
		{"secret keys", map[string]any{"confirm_token": "t", "API_TOKEN": "x", "password": "p", "client_secret": "s", "text": "token in a value stays"},
			map[string]any{"confirm_token": "[redacted]", "API_TOKEN": "[redacted]", "password": "[redacted]", "client_secret": "[redacted]", "text": "token in a value stays"}},
		{"struct", struct {
			Name  string `json:"name"`
			Token string `json:"auth_token"`
		}{"n", "secret"}, map[string]any{"name": "n", "auth_token": "[redacted]"}},
		{"not an object", []string{"a"}, []string{"a"}},
		{"unencodable", map[string]any{"f": func() {}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, redact(tc.in))
		})
	}
}

// syncWriter records writes and Sync calls.
type syncWriter struct {
	bytes.Buffer
	syncs int
	err   error
}

func (w *syncWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	return w.Buffer.Write(p)
}

func (w *syncWriter) Sync() error { w.syncs++; return nil }

func TestAuditWrite(t *testing.T) {
	w := &syncWriter{}
	a := &auditLog{w: w}
	rec := AuditRecord{
		Time: testStart, Tool: "send_message", Mode: "preview", Outcome: OutcomeExecuted, Customer: true,
		Args: map[string]any{"account_id": "acc", "text": "hi\nthere", "confirm_token": "tok"},
		IDs:  map[string]string{"account_id": "acc"},
	}
	require.NoError(t, a.write(rec))
	require.NoError(t, a.write(AuditRecord{Time: testStart, Tool: "add_tag", Args: map[string]any{"tag": "VIP"}, Outcome: OutcomeFailed, Error: "leeloo: HTTP 500"}))
	assert.Equal(t, 2, w.syncs, "every line is synced before the result returns")

	lines := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n")
	require.Len(t, lines, 2, "one line per record, newlines in values escaped")
	assert.JSONEq(t, `{"time":"2026-03-02T10:00:00Z","tool":"send_message","args":{"account_id":"acc","text":"hi\nthere","confirm_token":"[redacted]"},
		"mode":"preview","outcome":"executed","ids":{"account_id":"acc"},"customer_facing":true}`, lines[0])
	assert.JSONEq(t, `{"time":"2026-03-02T10:00:00Z","tool":"add_tag","args":{"tag":"VIP"},"mode":"","outcome":"failed","error":"leeloo: HTTP 500"}`, lines[1])
}

func TestAuditDisabledOrFailing(t *testing.T) {
	var nilLog *auditLog
	assert.NoError(t, nilLog.write(AuditRecord{}))
	assert.NoError(t, (&auditLog{}).write(AuditRecord{}))
	boom := errors.New("disk full")
	assert.ErrorIs(t, (&auditLog{w: &syncWriter{err: boom}}).write(AuditRecord{}), boom)
}

func TestAuditRecordJSONFields(t *testing.T) {
	// The field names are a file format other tools read: pin them.
	b, err := json.Marshal(AuditRecord{Time: testStart.Add(time.Millisecond), Tool: "t", Args: map[string]any{}, Mode: "m", Outcome: "o",
		Reason: "r", IDs: map[string]string{"k": "v"}, Error: "e", Customer: true})
	require.NoError(t, err)
	assert.JSONEq(t, `{"time":"2026-03-02T10:00:00.001Z","tool":"t","args":{},"mode":"m","outcome":"o","reason":"r","ids":{"k":"v"},"error":"e","customer_facing":true}`, string(b))
}

// failAfter accepts n bytes, then fails every write (a disk filling up).
type failAfter struct {
	mu      sync.Mutex
	n       int
	written bytes.Buffer
}

func (f *failAfter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(p) > f.n {
		k := f.n
		f.written.Write(p[:k])
		f.n = 0
		return k, errors.New("no space left on device")
	}
	f.n -= len(p)
	f.written.Write(p)
	return len(p), nil
}

// TestRunAuditFailsClosed: with an audit log configured, a mutation whose
// intent record cannot be written is refused and nothing reaches Leeloo.
func TestRunAuditFailsClosed(t *testing.T) {
	t.Run("dev full", func(t *testing.T) {
		f, err := os.OpenFile("/dev/full", os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Skip("no /dev/full here:", err)
		}
		defer f.Close()
		h := newHarness(t, Config{Mode: ModeOff})
		h.g.audit = &auditLog{w: f}
		for i := 0; i < 3; i++ {
			res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send(fmt.Sprint("hi ", i), false))
			assert.True(t, res.IsError)
			assert.Contains(t, resultText(res), "Refused: the audit log (--audit-log) cannot be written")
			assert.Contains(t, resultText(res), "nothing was sent")
		}
		assert.Zero(t, h.executions(), "no send without its audit record")
	})
	t.Run("fails after N bytes", func(t *testing.T) {
		for _, n := range []int{0, 1, 150, 700, 1500} {
			h := newHarness(t, Config{Mode: ModeOff, MaxSendsPerHour: -1})
			w := &failAfter{n: n}
			h.g.audit = &auditLog{w: w}
			refused := false
			for i := 0; i < 10; i++ {
				res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send(fmt.Sprint("hi ", i), false))
				if res.IsError {
					refused = true
					assert.Contains(t, resultText(res), "audit log", "n=%d", n)
				} else {
					assert.False(t, refused, "n=%d: a send after the log broke", n)
				}
			}
			assert.True(t, refused, "n=%d", n)
			// Complete lines only: the failing write may have left a partial one.
			out := w.written.String()
			intents := 0
			for _, line := range strings.SplitAfter(out, "\n") {
				if strings.HasSuffix(line, "\n") {
					require.True(t, json.Valid([]byte(line)), "n=%d: %q", n, line)
					intents += strings.Count(line, `"outcome":"intent"`)
				}
			}
			assert.Equal(t, h.executions(), intents, "n=%d: every execution has a complete intent record before it", n)
		}
	})
	t.Run("no audit log configured", func(t *testing.T) {
		g, err := New(Config{Mode: ModeOff})
		require.NoError(t, err)
		ran := 0
		res := g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, &Action{Tool: "add_tag", Args: map[string]any{},
			Execute: func(context.Context) (*Outcome, error) { ran++; return &Outcome{Text: "ok"}, nil }})
		assert.False(t, res.IsError)
		assert.Equal(t, 1, ran)
	})
}

// TestRunAuditIntentBeforeExecute: the intent record is written and synced
// before the upstream call, the outcome after it.
func TestRunAuditIntentBeforeExecute(t *testing.T) {
	var events []string
	g, err := New(Config{Mode: ModeOff, Audit: struct {
		io.Writer
		syncer
	}{writerFunc(func(p []byte) (int, error) {
		var r AuditRecord
		require.NoError(t, json.Unmarshal(p, &r))
		events = append(events, "audit:"+r.Outcome)
		return len(p), nil
	}), syncFunc(func() error { events = append(events, "sync"); return nil })}})
	require.NoError(t, err)
	a := &Action{Tool: "add_tag", Args: map[string]any{"tag": "VIP"}, Execute: func(context.Context) (*Outcome, error) {
		events = append(events, "execute")
		return &Outcome{Text: "ok"}, nil
	}}
	g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, a)
	events = append(events, "returned")
	assert.Equal(t, []string{"audit:intent", "sync", "execute", "audit:executed", "sync", "returned"}, events)
}

type syncer interface{ Sync() error }

type syncFunc func() error

func (f syncFunc) Sync() error { return f() }
