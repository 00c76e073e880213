package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/app"
	"github.com/leeloo-mcp/leeloo-mcp/internal/redistest"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// These tests run the built binary as several processes against one Leeloo
// (the sandbox, served from this test process so it counts exactly what
// Leeloo receives) with a shared LEELOO_CONFIRM_KEY and shared guard state.

// countingLeeloo is the sandbox behind an httptest server that counts the
// send-message writes it receives and can hang them.
type countingLeeloo struct {
	*httptest.Server
	sends   atomic.Int32
	hang    atomic.Bool
	arrived chan struct{} // one value per send received
	release chan struct{}
}

func newCountingLeeloo(t *testing.T) *countingLeeloo {
	t.Helper()
	sb := sandbox.New(sandbox.Options{})
	l := &countingLeeloo{arrived: make(chan struct{}, 64), release: make(chan struct{})}
	l.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages/send-message") {
			l.sends.Add(1)
			l.arrived <- struct{}{}
			if l.hang.Load() {
				select {
				case <-l.release:
				case <-r.Context().Done():
				}
				return
			}
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		close(l.release)
		l.Close()
	})
	return l
}

// stateBackend is one --state value shared by the processes of a test.
type stateBackend struct {
	name  string
	state func(t *testing.T) string
}

var stateBackends = []stateBackend{
	{"embedded", func(t *testing.T) string { return filepath.Join(t.TempDir(), "guard.db") }},
	{"redis", func(t *testing.T) string { return redistest.Start(t).URL }},
}

// procEnv is the environment of every process of a test.
func procEnv(l *countingLeeloo, state string, extra ...string) []string {
	return cleanEnv(append([]string{
		"LEELOO_API_TOKEN=" + sandbox.DefaultToken,
		"LEELOO_BASE_URL=" + l.URL + "/api/v2",
		"LEELOO_CONFIRM_KEY=shared-key-0123456789abcdef",
		"LEELOO_STATE=" + state,
	}, extra...)...)
}

// call runs `leeloo-mcp call TOOL ARGS` as its own process.
func call(t *testing.T, env []string, tool, args string, flags ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary, append(append([]string{}, flags...), "call", tool, args)...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		require.True(t, ok, "%v: %s", err, out)
		code = ee.ExitCode()
	}
	return string(out), code
}

var tokenRE = regexp.MustCompile(`confirm_token: (\S+)`)

// sendArgs is a send_message to the demo customer; extra are name and JSON
// value pairs.
func sendArgs(text string, extra ...string) string {
	s := fmt.Sprintf(`{"account_id":%q,"text":%q`, sandbox.DemoAccountID, text)
	for i := 0; i+1 < len(extra); i += 2 {
		s += fmt.Sprintf(",%q:%s", extra[i], extra[i+1])
	}
	return s + "}"
}

// TestProcessesConfirmTokenOnce: one confirm token presented by a second
// and a third process, then by 12 processes at once, delivers once.
func TestProcessesConfirmTokenOnce(t *testing.T) {
	for _, b := range stateBackends {
		t.Run(b.name, func(t *testing.T) {
			l := newCountingLeeloo(t)
			env := procEnv(l, b.state(t), "LEELOO_CONFIRM=preview")
			text := "Замовлення відправлено, ТТН 20450123456789"

			out, code := call(t, env, "send_message", sendArgs(text))
			require.Equal(t, app.ExitPreview, code, out)
			m := tokenRE.FindStringSubmatch(out)
			require.NotNil(t, m, out)
			out, code = call(t, env, "send_message", sendArgs(text, "confirm_token", `"`+m[1]+`"`))
			require.Equal(t, 0, code, out)
			for i := 0; i < 2; i++ {
				out, code = call(t, env, "send_message", sendArgs(text, "confirm_token", `"`+m[1]+`"`))
				assert.Equal(t, 1, code)
				assert.Contains(t, out, "already used", "replayed from process %d", i+2)
			}
			assert.Equal(t, int32(1), l.sends.Load())

			// 12 processes confirm one fresh token at once.
			text2 := text + " (оновлено)"
			out, _ = call(t, env, "send_message", sendArgs(text2))
			m = tokenRE.FindStringSubmatch(out)
			require.NotNil(t, m, out)
			var wg sync.WaitGroup
			var ok atomic.Int32
			for i := 0; i < 12; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, code := call(t, env, "send_message", sendArgs(text2, "confirm_token", `"`+m[1]+`"`)); code == 0 {
						ok.Add(1)
					}
				}()
			}
			wg.Wait()
			assert.Equal(t, int32(1), ok.Load(), "one of 12 processes executes")
			assert.Equal(t, int32(2), l.sends.Load(), "Leeloo received the second message once")
		})
	}
}

// TestProcessesDuplicateAndBudgetAcrossRestarts: each call is a fresh
// process (a restart); the duplicate guard and the budget still hold.
func TestProcessesDuplicateAndBudgetAcrossRestarts(t *testing.T) {
	for _, b := range stateBackends {
		t.Run(b.name, func(t *testing.T) {
			l := newCountingLeeloo(t)
			env := procEnv(l, b.state(t), "LEELOO_CONFIRM=off", "LEELOO_MAX_SENDS_PER_HOUR=2")
			out, code := call(t, env, "send_message", sendArgs("Дякуємо за замовлення!"))
			require.Equal(t, 0, code, out)
			out, code = call(t, env, "send_message", sendArgs("дякуємо  за замовлення! "))
			assert.Equal(t, 1, code)
			assert.Contains(t, out, "an identical send_message was sent")
			out, code = call(t, env, "send_message", sendArgs("Друге повідомлення"))
			require.Equal(t, 0, code, out)
			out, code = call(t, env, "send_message", sendArgs("Третє повідомлення"))
			assert.Equal(t, 1, code)
			assert.Contains(t, out, "send budget of 2")
			assert.Equal(t, int32(2), l.sends.Load())
		})
	}
}

// TestProcessKilledMidSend: a process killed while Leeloo handles the send
// leaves its intent record in the audit log and its duplicate-guard entry
// in flight: the next identical send is refused and told to check the chat.
func TestProcessKilledMidSend(t *testing.T) {
	for _, b := range stateBackends {
		t.Run(b.name, func(t *testing.T) {
			l := newCountingLeeloo(t)
			audit := filepath.Join(t.TempDir(), "audit.jsonl")
			env := procEnv(l, b.state(t), "LEELOO_CONFIRM=off", "LEELOO_AUDIT_LOG="+audit)
			l.hang.Store(true)
			cmd := exec.Command(binary, "call", "send_message", sendArgs("Ваше замовлення готове"))
			cmd.Env = env
			require.NoError(t, cmd.Start())
			select {
			case <-l.arrived:
			case <-time.After(waitLimit):
				_ = cmd.Process.Kill()
				t.Fatal("the send never reached Leeloo")
			}
			require.NoError(t, cmd.Process.Kill())
			_ = cmd.Wait()
			l.hang.Store(false)

			raw, err := os.ReadFile(audit)
			require.NoError(t, err)
			assert.Contains(t, string(raw), `"outcome":"intent"`, "the intent record outlives the process")
			assert.NotContains(t, string(raw), `"outcome":"executed"`)

			out, code := call(t, env, "send_message", sendArgs("Ваше замовлення готове"))
			assert.Equal(t, 1, code)
			assert.Contains(t, out, "may have been delivered")
			assert.Contains(t, out, "check get_chat_messages")
			_, code = call(t, env, "send_message", sendArgs("Ваше замовлення готове", "allow_duplicate", "true"))
			assert.Equal(t, 1, code, "still in flight: not even allow_duplicate sends it until the lease passes")
			assert.Equal(t, int32(1), l.sends.Load())
		})
	}
}

// TestReadsNeverOpenTheState: tools/list and a read call leave the embedded
// state file uncreated; the first mutation creates it.
func TestReadsNeverOpenTheState(t *testing.T) {
	l := newCountingLeeloo(t)
	stateHome := t.TempDir()
	env := cleanEnv("LEELOO_API_TOKEN="+sandbox.DefaultToken, "LEELOO_BASE_URL="+l.URL+"/api/v2", "XDG_STATE_HOME="+stateHome, "HOME="+t.TempDir())
	file := filepath.Join(stateHome, "leeloo-mcp", "guard.db")

	cmd := exec.Command(binary, "tools", "--stats")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	out2, code := call(t, env, "list_tags", `{}`)
	require.Equal(t, 0, code, out2)
	out2, code = call(t, env, "send_message", sendArgs("Привіт"), "--confirm", "preview")
	require.Equal(t, app.ExitPreview, code, out2)
	assert.NoFileExists(t, file, "tools/list, a read and a preview open no store")

	out2, code = call(t, env, "add_tag", fmt.Sprintf(`{"person_id":%q,"tag":"Webinar"}`, sandbox.DemoPersonID), "--confirm", "off")
	require.Equal(t, 0, code, out2)
	assert.NoFileExists(t, file, "a mutation with no token, duplicate guard or budget to keep needs no store")
	out2, code = call(t, env, "send_message", sendArgs("Привіт"), "--confirm", "off")
	require.Equal(t, 0, code, out2)
	assert.FileExists(t, file, "the first send creates it")
}

// TestAuditLogUnwritableSendsNothing: --audit-log /dev/full refuses every
// mutation; Leeloo receives nothing.
func TestAuditLogUnwritableSendsNothing(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	l := newCountingLeeloo(t)
	env := procEnv(l, "memory", "LEELOO_CONFIRM=off", "LEELOO_AUDIT_LOG=/dev/full")
	for i := 0; i < 3; i++ {
		out, code := call(t, env, "send_message", sendArgs(fmt.Sprint("Повідомлення ", i)))
		assert.Equal(t, 1, code)
		assert.Contains(t, out, "audit log (--audit-log) cannot be written")
	}
	assert.Zero(t, l.sends.Load())
}
