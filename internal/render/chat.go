package render

import (
	"strings"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// TimeLayout is how times are shown to a model: UTC, to the minute.
const TimeLayout = "2006-01-02 15:04Z"

// Timestamp formats t in TimeLayout, UTC; the zero time is "".
func Timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeLayout)
}

// Speaker names the side of a chat message by its Leeloo type: "customer",
// "us" (the bot or a manager) or "system".
func Speaker(msgType string) string {
	switch msgType {
	case leeloo.MessageFromCustomer:
		return "customer"
	case leeloo.MessageFromUs:
		return "us"
	case leeloo.MessageSystem:
		return "system"
	case "":
		return "unknown"
	}
	return Field(strings.ToLower(msgType), 40)
}

// MessageText renders a message body for a model: text from the business or
// the system is sanitized, anything else (the customer's, or of an unknown
// type) is fenced as untrusted data.
func MessageText(m *leeloo.ChatMessage) string {
	if m.Type == leeloo.MessageFromUs || m.Type == leeloo.MessageSystem {
		return Sanitize(m.Text)
	}
	return Untrusted(m.Text)
}

// ChatLine renders one message as "[2006-01-02 15:04Z] speaker: text".
func ChatLine(m *leeloo.ChatMessage) string {
	return "[" + Timestamp(m.CreatedAt.Time) + "] " + Speaker(m.Type) + ": " + MessageText(m)
}

// OldestFirst returns msgs in chronological order. Leeloo answers newest
// first; a list already oldest first is returned as it is. msgs is not
// modified.
func OldestFirst(msgs []leeloo.ChatMessage) []leeloo.ChatMessage {
	out := make([]leeloo.ChatMessage, len(msgs))
	copy(out, msgs)
	if len(out) > 1 && out[0].CreatedAt.After(out[len(out)-1].CreatedAt.Time) {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out
}

// Transcript renders msgs oldest first, one ChatLine per message.
func Transcript(msgs []leeloo.ChatMessage) string {
	var b strings.Builder
	for i, m := range OldestFirst(msgs) {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(ChatLine(&m))
	}
	return b.String()
}
