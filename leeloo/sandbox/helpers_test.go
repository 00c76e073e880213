package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
)

var testNow = time.Date(2025, 6, 2, 9, 30, 0, 0, time.UTC)

type fixture struct {
	t     *testing.T
	srv   *Server
	ts    *httptest.Server
	clock *testutil.Clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c := testutil.NewClock(testNow)
	srv := New(Options{Now: c.Now})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &fixture{t: t, srv: srv, ts: ts, clock: c}
}

type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// form is a body sent as application/x-www-form-urlencoded.
type form url.Values

// multi is a body sent as multipart/form-data.
type multi map[string]string

// rawBody is sent as is with Content-Type application/json.
type rawBody string

type reqOption func(*http.Request)

func withToken(tok string) reqOption {
	return func(r *http.Request) {
		if tok == "" {
			r.Header.Del(AuthHeader)
		} else {
			r.Header.Set(AuthHeader, tok)
		}
	}
}

func encodeBody(t *testing.T, body any) (io.Reader, string) {
	t.Helper()
	switch b := body.(type) {
	case nil:
		return nil, ""
	case form:
		return strings.NewReader(url.Values(b).Encode()), "application/x-www-form-urlencoded"
	case multi:
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		keys := make([]string, 0, len(b))
		for k := range b {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			require.NoError(t, w.WriteField(k, b[k]))
		}
		require.NoError(t, w.Close())
		return &buf, w.FormDataContentType()
	case rawBody:
		return strings.NewReader(string(b)), "application/json"
	default:
		raw, err := json.Marshal(b)
		require.NoError(t, err)
		return bytes.NewReader(raw), "application/json"
	}
}

// call sends a request to the API (path after /api/v2) with the right token.
func (f *fixture) call(method, path string, body any, opts ...reqOption) response {
	f.t.Helper()
	rd, ct := encodeBody(f.t, body)
	req, err := http.NewRequest(method, f.ts.URL+Prefix+path, rd)
	require.NoError(f.t, err)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set(AuthHeader, DefaultToken)
	for _, o := range opts {
		o(req)
	}
	resp, err := f.ts.Client().Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	out := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		require.NoError(f.t, json.Unmarshal(raw, &out.body), string(raw))
	}
	return out
}

// get is call("GET", ...) that requires HTTP 200 and status 1.
func (f *fixture) get(path string) map[string]any {
	f.t.Helper()
	r := f.call(http.MethodGet, path, nil)
	require.Equal(f.t, http.StatusOK, r.status, string(r.raw))
	require.EqualValues(f.t, 1, r.body["status"], string(r.raw))
	return r.body
}

func keys(v any) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sample reads the vendor doc's sample reply that leeloo's endpoint tests
// decode (leeloo/testdata/<name>).
func sample(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testutil.FixtureDir(), name))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m), name)
	return m
}

// assertShape asserts that got has the keys of want at every level: each
// object the same keys, each array non-empty where want's is and every
// element shaped like want's first. Under open the keys are data (a map of
// UTM marks), so only the value's kind is compared.
func assertShape(t *testing.T, want, got any, at string) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !assert.True(t, ok, "%s: an object, got %T", at, got) {
			return
		}
		if open[lastKey(at)] {
			return
		}
		if !assert.Equal(t, keys(w), keys(g), "%s: keys", at) {
			return
		}
		for k, v := range w {
			assertShape(t, v, g[k], at+"."+k)
		}
	case []any:
		g, ok := got.([]any)
		if !assert.True(t, ok, "%s: an array, got %T", at, got) || len(w) == 0 {
			return
		}
		if !assert.NotEmpty(t, g, "%s: the sample's is not empty", at) {
			return
		}
		for i, v := range g {
			assertShape(t, w[0], v, fmt.Sprintf("%s[%d]", at, i))
		}
	}
}

// open names the objects whose keys are data, not shape.
var open = map[string]bool{"utmMarks": true}

func lastKey(at string) string {
	if i := strings.LastIndexByte(at, '.'); i >= 0 {
		return at[i+1:]
	}
	return at
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// errorOf returns the error code and fields of an error answer.
func errorOf(r response) (string, map[string]any) {
	e := obj(r.body["error"])
	return str(e["code"]), obj(e["fields"])
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
