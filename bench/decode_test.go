package bench

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// cannedTransport answers every request with the sandbox's reply to the
// same path, recorded once: the client's own cost, without a socket.
type cannedTransport struct{ bodies map[string][]byte }

func (t cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(string(t.bodies[r.URL.Path]))), Request: r}, nil
}

// cannedClient is a leeloo client whose replies to paths are the sandbox's.
func cannedClient(b *testing.B, paths ...string) *leeloo.Client {
	h := sandbox.New(sandbox.Options{})
	ct := cannedTransport{bodies: map[string][]byte{}}
	for _, p := range paths {
		req := httptest.NewRequest(http.MethodGet, "http://x"+sandbox.Prefix+p, nil)
		req.Header.Set(sandbox.AuthHeader, token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		ct.bodies[sandbox.Prefix+p] = rec.Body.Bytes()
	}
	c, err := leeloo.NewClient(leeloo.Options{BaseURL: "http://x" + sandbox.Prefix, Token: token, RequestsPerMinute: -1,
		HTTPClient: &http.Client{Transport: ct}})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkClientConnections: the client's decode of GET /connections,
// whose list Leeloo wraps (data.connections).
func BenchmarkClientConnections(b *testing.B) {
	c := cannedClient(b, "/connections")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if cs, _, err := c.Connections.List(ctx); err != nil || len(cs) == 0 {
			b.Fatal(err, len(cs))
		}
	}
}

// BenchmarkClientTags: the same for GET /tags, a bare list.
func BenchmarkClientTags(b *testing.B) {
	c := cannedClient(b, "/tags")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if ts, _, err := c.Tags.List(ctx); err != nil || len(ts) == 0 {
			b.Fatal(err, len(ts))
		}
	}
}
