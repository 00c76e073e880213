package guard

import (
	"context"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeDuplicateKey(t *testing.T) {
	base := normalizeDuplicateKey("send_message\x00acc\x00Hello there, see you at 5")
	for name, in := range map[string]string{
		"trailing space":     "send_message\x00acc\x00Hello there, see you at 5 ",
		"leading newline":    "send_message\x00acc\x00\nHello there, see you at 5",
		"zero-width space":   "send_message\x00acc\x00Hello\u200b there, see you at 5",
		"zero-width joiner":  "send_message\x00acc\x00Hel\u200dlo there, see you at 5",
		"byte order mark":    "send_message\x00acc\x00\ufeffHello there, see you at 5",
		"soft hyphen":        "send_message\x00acc\x00Hel\u00adlo there, see you at 5",
		"upper case":         "send_message\x00acc\x00HELLO THERE, SEE YOU AT 5",
		"doubled spaces":     "send_message\x00acc\x00Hello   there,\tsee you  at 5",
		"no-break space":     "send_message\x00acc\x00Hello\u00a0there, see you at 5",
		"fullwidth letters":  "send_message\x00acc\x00Ｈｅｌｌｏ there, see you at ５",
		"bidi control":       "send_message\x00acc\x00\u202aHello there, see you at 5\u202c",
		"variation selector": "send_message\x00acc\x00Hello there\ufe0f, see you at 5",
	} {
		assert.Equal(t, base, normalizeDuplicateKey(in), name)
	}
	for name, in := range map[string]string{
		"other words":   "send_message\x00acc\x00Hello there, see you at 6",
		"other account": "send_message\x00acc2\x00Hello there, see you at 5",
		"fields merged": "send_message\x00acc\x00Hello there,\x00see you at 5",
	} {
		assert.NotEqual(t, base, normalizeDuplicateKey(in), name)
	}
	assert.Equal(t, "привіт олено", normalizeDuplicateKey("  ПРИВІТ\u200b  Олено "), "Unicode-aware case folding")
}

// TestRunDuplicateGuardNormalisesText: the guard, not each tool, compares
// normalised text, so an invisible or case change does not make a new message.
func TestRunDuplicateGuardNormalisesText(t *testing.T) {
	h := newHarness(t, Config{Mode: ModeOff})
	res := h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send("Hello there", false))
	require.False(t, res.IsError, resultText(res))
	for _, again := range []string{"Hello there ", "hello there", "Hello\u200b there", "HELLO  THERE", "Ｈｅｌｌｏ there"} {
		res = h.g.Run(context.Background(), mcp.CallToolRequest{}, Controls{}, h.send(again, false))
		assert.True(t, res.IsError, "%q", again)
		assert.Contains(t, resultText(res), "an identical send_message was sent", "%q", again)
	}
	assert.Equal(t, 1, h.executions())
}
