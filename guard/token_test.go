package guard

import (
	"context"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
)

var testStart = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// newTestClock is an injected clock at testStart.
func newTestClock() *testutil.Clock { return testutil.NewClock(testStart) }

var (
	testKey  = []byte("0123456789abcdef0123456789abcdef")
	testArgs = []byte(`{"account_id":"65d1c0a8e4b0a1000c000102","text":"Привіт!"}`)
)

func newTestTokens(t *testing.T, key []byte, c *testutil.Clock) *tokens {
	t.Helper()
	tk, err := newTokens(key, DefaultTokenTTL, c.Now, nil, "")
	require.NoError(t, err)
	return tk
}

func TestTokenIssueCheckConsume(t *testing.T) {
	c := newTestClock()
	tk := newTestTokens(t, testKey, c)
	tok, exp := tk.issue("send_message", testArgs)
	assert.Equal(t, testStart.Add(DefaultTokenTTL), exp)
	assert.Len(t, tok, base64.RawURLEncoding.EncodedLen(tokenLen))
	assert.NotContains(t, tok, "=", "URL-safe, unpadded: it survives being quoted by a model")

	_, err := tk.check(tok, "send_message", testArgs)
	require.NoError(t, err)
	_, err = tk.check(tok, "send_message", testArgs)
	require.NoError(t, err, "check does not spend the token")

	require.NoError(t, tk.consume(context.Background(), tok, "send_message", testArgs))
	assert.ErrorIs(t, tk.consume(context.Background(), tok, "send_message", testArgs), ErrTokenUsed)

	tok2, _ := tk.issue("send_message", testArgs)
	assert.NotEqual(t, tok, tok2, "each preview gets its own nonce")
	assert.NoError(t, tk.consume(context.Background(), tok2, "send_message", testArgs), "another preview of the same call is its own token")
}

func TestTokenBinding(t *testing.T) {
	c := newTestClock()
	tk := newTestTokens(t, testKey, c)
	tok, _ := tk.issue("send_message", testArgs)
	other := newTestTokens(t, []byte("another key"), c)
	random := newTestTokens(t, nil, c)
	sameKey := newTestTokens(t, append([]byte(nil), testKey...), c)

	cases := []struct {
		name string
		tk   *tokens
		tool string
		args []byte
		want error
	}{
		{"other tool", tk, "send_template", testArgs, ErrTokenForged},
		{"tool name prefix", tk, "send_messag", testArgs, ErrTokenForged},
		{"changed args", tk, "send_message", []byte(strings.Replace(string(testArgs), "Привіт", "Привіт ", 1)), ErrTokenForged},
		{"no args", tk, "send_message", nil, ErrTokenForged},
		// The separators keep tool and arguments apart.
		{"tool/args boundary", tk, "send_message\x00{", testArgs[1:], ErrTokenForged},
		{"other key", other, "send_message", testArgs, ErrTokenForged},
		{"random key", random, "send_message", testArgs, ErrTokenForged},
		{"same key, other instance", sameKey, "send_message", testArgs, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.tk.check(tok, tc.tool, tc.args)
			if tc.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tc.want)
			}
		})
	}
	// A rejected token is not spent.
	require.NoError(t, tk.consume(context.Background(), tok, "send_message", testArgs))
}

func TestTokenExpiry(t *testing.T) {
	c := newTestClock()
	tk := newTestTokens(t, testKey, c)
	tok, _ := tk.issue("add_tag", testArgs)
	c.Advance(DefaultTokenTTL)
	_, err := tk.check(tok, "add_tag", testArgs)
	assert.NoError(t, err, "valid through its expiry second")
	c.Advance(time.Second)
	_, err = tk.check(tok, "add_tag", testArgs)
	assert.ErrorIs(t, err, ErrTokenExpired)
	assert.ErrorIs(t, tk.consume(context.Background(), tok, "add_tag", testArgs), ErrTokenExpired)

	// The expiry is signed: moving it forward breaks the MAC.
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	require.NoError(t, err)
	raw[7]++
	_, err = tk.check(base64.RawURLEncoding.EncodeToString(raw), "add_tag", testArgs)
	assert.ErrorIs(t, err, ErrTokenForged)

	// A forged token is reported as forged even when also expired: the MAC is
	// checked first, so the expiry of a foreign token is never trusted.
	_, err = newTestTokens(t, []byte("x"), c).check(tok, "add_tag", testArgs)
	assert.ErrorIs(t, err, ErrTokenForged)
}

func TestTokenMalformed(t *testing.T) {
	c := newTestClock()
	tk := newTestTokens(t, testKey, c)
	tok, _ := tk.issue("send_message", testArgs)
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	for name, s := range map[string]string{
		"empty":         "",
		"short":         tok[:len(tok)-1],
		"long":          tok + "A",
		"std padding":   base64.StdEncoding.EncodeToString(raw),
		"not base64":    strings.Repeat("!", len(tok)),
		"spaces":        " " + tok[1:],
		"truncated raw": base64.RawURLEncoding.EncodeToString(raw[:tokenLen-1]),
		"unicode":       strings.Repeat("я", 22),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tk.check(s, "send_message", testArgs)
			assert.ErrorIs(t, err, ErrTokenMalformed)
			assert.ErrorIs(t, tk.consume(context.Background(), s, "send_message", testArgs), ErrTokenMalformed)
		})
	}
	// Flipping a MAC or nonce bit is a forgery, not a malformed token.
	for _, i := range []int{8, tokenLen - 1} {
		bad := append([]byte(nil), raw...)
		bad[i] ^= 1
		_, err := tk.check(base64.RawURLEncoding.EncodeToString(bad), "send_message", testArgs)
		assert.ErrorIs(t, err, ErrTokenForged, "byte %d", i)
	}
}

// TestTokenSpentNonceExpires: a spent nonce is kept in the store through
// the token's own expiry plus the clock skew (no replay while it could still
// verify), then expires by itself.
func TestTokenSpentNonceExpires(t *testing.T) {
	c := newTestClock()
	st := NewMemoryStore(c.Now)
	tk, err := newTokens(testKey, DefaultTokenTTL, c.Now, st, Namespace(""))
	require.NoError(t, err)
	for i := 0; i < 5; i++ {
		tok, _ := tk.issue("add_tag", testArgs)
		require.NoError(t, tk.consume(context.Background(), tok, "add_tag", testArgs))
	}
	spent := func() int {
		es, err := st.List(context.Background(), Namespace("")+keyNonce)
		require.NoError(t, err)
		return len(es)
	}
	assert.Equal(t, 5, spent())
	c.Advance(DefaultTokenTTL + tokenClockSkew + time.Second)
	assert.Equal(t, 5, spent(), "remembered through expiry and skew")
	c.Advance(time.Second)
	assert.Zero(t, spent())
}

func TestTokenConcurrentConsume(t *testing.T) {
	c := newTestClock()
	tk := newTestTokens(t, testKey, c)
	tok, _ := tk.issue("send_message", testArgs)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tk.consume(context.Background(), tok, "send_message", testArgs) == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, ok)
}

// TestTokenExpiryBeyondTTLRejected: a token minted with the shared key but a
// far expiry (a 10-year token) is refused; a little clock skew is not.
func TestTokenExpiryBeyondTTLRejected(t *testing.T) {
	c := newTestClock()
	tk := newTestTokens(t, testKey, c)
	far := fuzzToken(tk, "send_message", testArgs, testStart.AddDate(10, 0, 0), 1)
	_, err := tk.check(far, "send_message", testArgs)
	assert.ErrorIs(t, err, ErrTokenLifetime)
	assert.ErrorIs(t, tk.consume(context.Background(), far, "send_message", testArgs), ErrTokenLifetime)

	beyond := fuzzToken(tk, "send_message", testArgs, testStart.Add(DefaultTokenTTL+tokenClockSkew+time.Second), 2)
	_, err = tk.check(beyond, "send_message", testArgs)
	assert.ErrorIs(t, err, ErrTokenLifetime)

	skewed := fuzzToken(tk, "send_message", testArgs, testStart.Add(DefaultTokenTTL+tokenClockSkew), 3)
	_, err = tk.check(skewed, "send_message", testArgs)
	assert.NoError(t, err, "another replica's clock a little ahead is fine")
}
