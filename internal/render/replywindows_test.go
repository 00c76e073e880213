package render

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

func TestReplyWindows(t *testing.T) {
	assert.Equal(t, "Facebook, Viber and WhatsApp accept a free-form message only within 24 hours of the customer's last message, Instagram within 7 days; Telegram accepts one any time", ReplyWindowRule())
	assert.Equal(t, "Facebook, Viber, WhatsApp: within 24 hours of their last message; Instagram 7 days", ReplyWindowBrief())
	w, ok := ReplyWindow(leeloo.FromInstagram)
	assert.True(t, ok)
	assert.Equal(t, 7*24*time.Hour, w)
	_, ok = ReplyWindow(leeloo.FromTelegram)
	assert.False(t, ok)
	assert.Equal(t, "10 minutes", Duration(10*time.Minute))
	assert.Equal(t, "1 minute", Duration(time.Minute))
	assert.Equal(t, "3 days", Duration(72*time.Hour))
}
