package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/web"
)

// nobody signs nobody in.
type nobody struct{}

func (nobody) SignedIn(*http.Request) (string, bool, bool) { return "", false, false }
func (nobody) SignIn(string) (*http.Cookie, bool)          { return nil, false }

// TestSignInPageSaysHowLongASignInLasts: the page says the sign-in's
// lifetime from the value the cookie is given (web.SignInTTL).
func TestSignInPageSaysHowLongASignInLasts(t *testing.T) {
	g, err := guard.New(guard.Config{Mode: guard.ModePage})
	require.NoError(t, err)
	srv := httptest.NewServer(web.New(g, web.Options{Users: nobody{}}))
	t.Cleanup(srv.Close)
	code, body := get(t, srv.URL+"/pending")
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Contains(t, body, "this browser stays signed in for "+render.Duration(web.SignInTTL)+".")
}
