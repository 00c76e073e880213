package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// replyWindows is the one home of the messenger reply windows: how long
// after the customer's last message each messenger accepts a free-form
// message from the business. A messenger not listed (Telegram) has none.
var replyWindows = []struct {
	from, name string
	window     time.Duration
}{
	{leeloo.FromFacebook, "Facebook", 24 * time.Hour},
	{leeloo.FromViber, "Viber", 24 * time.Hour},
	{leeloo.FromWhatsApp, "WhatsApp", 24 * time.Hour},
	{leeloo.FromInstagram, "Instagram", 7 * 24 * time.Hour},
}

// ReplyWindow is the reply window of the messenger an account is from
// (leeloo.FromFacebook...); ok is false for one without a window.
func ReplyWindow(from string) (window time.Duration, ok bool) {
	for _, w := range replyWindows {
		if w.from == from {
			return w.window, true
		}
	}
	return 0, false
}

// windowGroup is the messengers sharing one reply window.
type windowGroup struct {
	names  []string
	window time.Duration
}

// windowGroups are the messengers of replyWindows grouped by their window,
// in table order.
func windowGroups() (groups []windowGroup) {
	for _, w := range replyWindows {
		if n := len(groups); n > 0 && groups[n-1].window == w.window {
			groups[n-1].names = append(groups[n-1].names, w.name)
			continue
		}
		groups = append(groups, windowGroup{[]string{w.name}, w.window})
	}
	return groups
}

// ReplyWindowRule is the reply windows as one sentence for a model, e.g.
// "Facebook, Viber and WhatsApp accept a free-form message only within 24
// hours of the customer's last message, Instagram within 7 days; Telegram
// accepts one any time".
func ReplyWindowRule() string {
	var parts []string
	for i, g := range windowGroups() {
		list := strings.Join(g.names, ", ")
		if n := len(g.names); n > 1 {
			list = strings.Join(g.names[:n-1], ", ") + " and " + g.names[n-1]
		}
		if i == 0 {
			parts = append(parts, fmt.Sprintf("%s accept a free-form message only within %s of the customer's last message", list, Duration(g.window)))
		} else {
			parts = append(parts, fmt.Sprintf("%s within %s", list, Duration(g.window)))
		}
	}
	return strings.Join(parts, ", ") + "; Telegram accepts one any time"
}

// ReplyWindowBrief is the reply windows in the few words a tool description
// affords: "Facebook, Viber, WhatsApp: within 24 hours of their last message;
// Instagram 7 days".
func ReplyWindowBrief() string {
	var parts []string
	for i, g := range windowGroups() {
		if i == 0 {
			parts = append(parts, strings.Join(g.names, ", ")+": within "+Duration(g.window)+" of their last message")
		} else {
			parts = append(parts, strings.Join(g.names, ", ")+" "+Duration(g.window))
		}
	}
	return strings.Join(parts, "; ")
}

// Duration says d as a model reads it: "7 days", "24 hours", "10 minutes".
func Duration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return plural(int(d.Hours()/24), "day")
	case d >= time.Hour:
		return plural(int(d.Hours()), "hour")
	case d >= time.Minute:
		return plural(int(d.Minutes()), "minute")
	}
	return plural(int(d.Seconds()), "second")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
