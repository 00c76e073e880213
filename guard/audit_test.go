package guard

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

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
