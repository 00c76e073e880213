package leeloo_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

func TestNewClientNeedsAToken(t *testing.T) {
	_, err := leeloo.NewClient(leeloo.Options{BaseURL: "https://api.leeloo.ai/api/v2"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "LEELOO_API_TOKEN")
}

func TestNewClientRejectsBadBaseURLs(t *testing.T) {
	for _, base := range []string{"://nope", "api.leeloo.ai/api/v2", "/api/v2", "ftp://api.leeloo.ai/api/v2", "http://", "http://bad host/"} {
		_, err := leeloo.NewClient(leeloo.Options{BaseURL: base, Token: testToken})
		if assert.Error(t, err, base) {
			assert.NotContains(t, err.Error(), testToken)
		}
	}
}

func TestNewClientBaseURL(t *testing.T) {
	c, err := leeloo.NewClient(leeloo.Options{Token: testToken})
	require.NoError(t, err)
	assert.Equal(t, leeloo.DefaultBaseURL, c.BaseURL())

	c, err = leeloo.NewClient(leeloo.Options{Token: testToken, BaseURL: "http://127.0.0.1:8080/api/v2/"})
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080/api/v2", c.BaseURL(), "trailing slash trimmed")
}

func TestClientStringHasNoToken(t *testing.T) {
	c, err := leeloo.NewClient(leeloo.Options{Token: testToken})
	require.NoError(t, err)
	//lint:ignore S1025 the test checks what each verb prints
	for _, s := range []string{c.String(), fmt.Sprint(c), fmt.Sprintf("%v", c), fmt.Sprintf("%s", c)} {
		assert.NotContains(t, s, testToken)
		assert.Contains(t, s, leeloo.DefaultBaseURL)
	}
}

func TestRequestHeaders(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, fixture(t, "list_tags.json")))
	c := newClient(t, f.baseURL(), func(o *leeloo.Options) { o.UserAgent = "tests/1.0" })

	_, _, err := c.Tags.List(t.Context())
	require.NoError(t, err)
	require.Equal(t, 1, f.count())
	h := f.requests()[0].Header
	assert.Equal(t, testToken, h.Get("X-Leeloo-AuthToken"))
	assert.Equal(t, "application/json", h.Get("Accept"))
	assert.Equal(t, "leeloo-mcp tests/1.0", h.Get("User-Agent"))
	assert.Empty(t, h.Get("Authorization"), "the token goes only in X-Leeloo-AuthToken")
	assert.NotContains(t, f.requests()[0].RawQuery, testToken)
}

func TestCustomHTTPClientIsUsed(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, fixture(t, "list_tags.json")))
	var seen int
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen++
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := newClient(t, f.baseURL(), func(o *leeloo.Options) { o.HTTPClient = hc })

	_, _, err := c.Tags.List(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, seen)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
