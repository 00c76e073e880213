package guard

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCardSecret: the card's secret is bound to its action and to the key;
// another id, another key, an empty or altered secret is refused.
func TestCardSecret(t *testing.T) {
	g, err := New(Config{Key: []byte("key one")})
	require.NoError(t, err)
	other, err := New(Config{Key: []byte("key two")})
	require.NoError(t, err)
	s := g.CardSecret("ACTION1")
	assert.True(t, g.CheckCardSecret("ACTION1", s))
	same, err := New(Config{Key: []byte("key one")})
	require.NoError(t, err)
	assert.True(t, same.CheckCardSecret("ACTION1", s), "processes sharing the key agree")
	assert.False(t, g.CheckCardSecret("ACTION2", s), "another action")
	assert.False(t, other.CheckCardSecret("ACTION1", s), "another key")
	assert.False(t, g.CheckCardSecret("ACTION1", ""))
	assert.False(t, g.CheckCardSecret("", g.CardSecret("")), "no id")
	last := "A"
	if s[len(s)-1] == 'A' {
		last = "B"
	}
	assert.False(t, g.CheckCardSecret("ACTION1", s[:len(s)-1]+last), "an altered secret")
	assert.Len(t, s, 43, "256 bits, base64url")
}
