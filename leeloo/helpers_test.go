package leeloo_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// testToken is the token every test client sends. It is long and distinctive
// so that a leak into an error string cannot go unnoticed.
const testToken = "tok-5ecret-0123456789abcdef"

// apiPrefix is the path prefix of the base URL the test clients use, as in
// production (https://api.leeloo.ai/api/v2).
const apiPrefix = "/api/v2"

// recorded is one request as the fake Leeloo received it.
type recorded struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
}

// fakeLeeloo is a real HTTP server that records every request and answers
// through a handler.
type fakeLeeloo struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

// newFake starts a fake Leeloo; h answers every request after it is recorded.
func newFake(t *testing.T, h http.HandlerFunc) *fakeLeeloo {
	t.Helper()
	f := &fakeLeeloo{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{
			Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body,
		})
		f.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// requests returns a copy of what the fake received so far.
func (f *fakeLeeloo) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// count is how many requests the fake received.
func (f *fakeLeeloo) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

// baseURL is the fake's API root, with the /api/v2 prefix.
func (f *fakeLeeloo) baseURL() string { return f.URL + apiPrefix }

// testOptions are fast options for tests: no client-side rate limit and
// millisecond backoff.
func testOptions(baseURL string) leeloo.Options {
	return leeloo.Options{
		BaseURL:           baseURL,
		Token:             testToken,
		RequestsPerMinute: -1,
		BackoffBase:       time.Millisecond,
		BackoffCap:        time.Millisecond,
		Timeout:           5 * time.Second,
	}
}

// newClient returns a client for baseURL with testOptions changed by mods.
func newClient(t *testing.T, baseURL string, mods ...func(*leeloo.Options)) *leeloo.Client {
	t.Helper()
	opts := testOptions(baseURL)
	for _, m := range mods {
		m(&opts)
	}
	c, err := leeloo.NewClient(opts)
	require.NoError(t, err)
	return c
}

// fixture reads testdata/name.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// replyJSON answers with status and body as JSON.
func replyJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// serveBytes answers every request with status and a JSON body.
func serveBytes(status int, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { replyJSON(w, status, body) }
}

// serveText answers every request with status and a plain-text body.
func serveText(status int, body string, header map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// wantRequest is the exact request an endpoint must send.
type wantRequest struct {
	Method string
	// Path is relative to the base URL (without /api/v2).
	Path string
	// Query is compared decoded (repeated keys in order); nil means none.
	Query url.Values
	// Body is the JSON body; empty means no body and no Content-Type.
	Body string
}

// assertRequest checks method, path, query, auth header, content type and
// body of one received request.
func assertRequest(t *testing.T, want wantRequest, got recorded) {
	t.Helper()
	assert.Equal(t, want.Method, got.Method, "method")
	assert.Equal(t, apiPrefix+want.Path, got.Path, "path")
	gotQuery, err := url.ParseQuery(got.RawQuery)
	require.NoError(t, err, "raw query %q", got.RawQuery)
	if len(want.Query) == 0 {
		assert.Empty(t, got.RawQuery, "query")
	} else {
		assert.Equal(t, want.Query, gotQuery, "query (raw %q)", got.RawQuery)
	}
	assert.Equal(t, testToken, got.Header.Get("X-Leeloo-AuthToken"), "auth header")
	assert.Equal(t, "application/json", got.Header.Get("Accept"), "Accept")
	if want.Body == "" {
		assert.Empty(t, got.Body, "body")
		assert.Empty(t, got.Header.Get("Content-Type"), "no Content-Type without a body")
		return
	}
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"), "Content-Type")
	assert.JSONEq(t, want.Body, string(got.Body), "body")
}

// utc parses an RFC 3339 time for expectations.
func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return v.UTC()
}

// kyiv is a non-UTC zone: callers pass local times, the wire carries UTC.
var kyiv = time.FixedZone("EEST", 3*60*60)

// assertTime checks that got is the instant want (RFC 3339).
func assertTime(t *testing.T, want string, got leeloo.Time, field string) {
	t.Helper()
	w := utc(t, want)
	assert.Truef(t, w.Equal(got.Time), "%s: want %s, got %s", field, w, got.Time)
}
