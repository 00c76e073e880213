package render

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// finders says where the ids of each API path come from (idSources).
var finders = []struct {
	prefix string
	kinds  []IDKind
}{
	{"/communication-channels", []IDKind{AccountIDs}},
	{"/people", []IDKind{PersonIDs}},
	{"/orders", []IDKind{OrderIDs}},
	{"/categories/templates", []IDKind{CategoryIDs, TemplateIDs}},
	{"/messages/send-template", []IDKind{AccountIDs, TemplateIDs}},
	{"/messages", []IDKind{AccountIDs}},
	{"/tunnels", []IDKind{TunnelIDs}},
	{"/leadgentools", []IDKind{LeadgenIDs}},
	{"/users", []IDKind{UserIDs}},
	{"/calls", []IDKind{UserIDs, AccountIDs}},
}

// FinderHint says where the ids of an API path come from, or "".
func FinderHint(path string) string {
	for _, f := range finders {
		if strings.HasPrefix(path, f.prefix) {
			hints := make([]string, len(f.kinds))
			for i, k := range f.kinds {
				hints[i] = IDsFrom(k)
			}
			return strings.Join(hints, "; ")
		}
	}
	return ""
}

// ErrorText is the one mapping from a client error to what a model is told:
// what went wrong and what to do next. The client's errors never carry the
// token; the parts Leeloo wrote (its message, codes and field names) are
// cleaned like every upstream string.
func ErrorText(err error) string {
	return Clean(errorText(err))
}

func errorText(err error) string {
	var rl *leeloo.RateLimitError
	if errors.As(err, &rl) {
		return fmt.Sprintf("Leeloo is rate-limiting this account (HTTP 429). Wait %s, then try again. Nothing was changed by this call.",
			rl.RetryAfter.Round(time.Second))
	}
	var ne *leeloo.NetworkError
	if errors.As(err, &ne) {
		if ne.HeldBack() {
			return fmt.Sprintf("Not sent (%s %s): this server's own limit on requests to Leeloo held it back until the call gave up. Nothing reached Leeloo; try again in a minute.", ne.Method, ne.Path)
		}
		if ne.Timeout() {
			return fmt.Sprintf("Leeloo did not answer in time (%s %s). For a read, try again; for a write, check whether it took effect before repeating it.", ne.Method, ne.Path)
		}
		return fmt.Sprintf("Could not reach Leeloo (%s %s): %v. Check the network or LEELOO_BASE_URL.", ne.Method, ne.Path, ne.Err)
	}
	var api *leeloo.APIError
	if errors.As(err, &api) {
		return apiErrorText(api)
	}
	return err.Error()
}

func apiErrorText(e *leeloo.APIError) string {
	call := e.Method + " " + e.Path
	// Leeloo's code, cleaned before it is placed: a code of spaces or
	// invisible characters must not leave a double space behind.
	code := Field(e.Code, 60)
	switch {
	case e.Unauthorized():
		return fmt.Sprintf("Leeloo rejected the API token (HTTP %d%s on %s). Check LEELOO_API_TOKEN: it must be the account's API token from Leeloo's settings.", e.HTTPStatus, prefixed(" ", code), call)
	case e.NotFound():
		msg := fmt.Sprintf("Not found in Leeloo (%s).", call)
		if h := FinderHint(e.Path); h != "" {
			msg += " Check the id: " + h + "."
		}
		return msg
	case e.Code == leeloo.CodeNotValidPhoneNumber:
		return "Leeloo rejected the phone number: use the international form, + and digits, e.g. +380501234567."
	case e.HTTPStatus >= 500:
		return fmt.Sprintf("Leeloo had an internal error (HTTP %d on %s). Reads may be retried later; writes are never retried automatically.", e.HTTPStatus, call)
	case leeloo.MaybeDelivered(e):
		return fmt.Sprintf("Leeloo's answer to %s could not be read (HTTP %d: %s), so it may or may not have been processed. Writes are never retried automatically.", call, e.HTTPStatus, e.Message)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Leeloo refused %s (HTTP %d", call, e.HTTPStatus)
	if code != "" {
		b.WriteString(" " + code)
	}
	b.WriteString(")")
	if fields := e.FieldList(); len(fields) > 0 {
		b.WriteString(": ")
		for i, f := range fields {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s is %s", f[0], f[1])
		}
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	b.WriteString(".")
	if h := FinderHint(e.Path); h != "" && idFieldError(e) {
		b.WriteString(" " + strings.ToUpper(h[:1]) + h[1:] + ".")
	}
	return b.String()
}

// idFieldError reports whether one of the fields Leeloo refused is an id
// (person_id, offerId, tag_id, …): only then does an id hint help.
func idFieldError(e *leeloo.APIError) bool {
	for f := range e.Fields {
		l := strings.ToLower(f)
		if l == "id" || strings.HasSuffix(l, "_id") || strings.HasSuffix(l, "id") && strings.HasSuffix(f, "Id") {
			return true
		}
	}
	return false
}

// prefixed is p+s, or "" when s is empty.
func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}
