package tools

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// argError is a problem with the arguments the model can fix.
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

func argErrorf(format string, a ...any) error { return &argError{fmt.Sprintf(format, a...)} }

// finders says which tool supplies the ids of each API path.
var finders = []struct{ prefix, hint string }{
	{"/communication-channels", "account ids come from get_person (accounts), search_people or list_communication_channels"},
	{"/people", "person ids come from search_people (by name, tag, phone or email) or get_person_by_account"},
	{"/orders", "order ids come from list_orders or get_person (orders)"},
	{"/categories/templates", "category ids come from list_template_categories, template ids from list_templates"},
	{"/messages/send-template", "account ids come from get_person (accounts); template ids from list_templates"},
	{"/messages", "account ids come from get_person (accounts) or list_communication_channels"},
	{"/tunnels", "tunnel ids come from list_tunnels"},
	{"/leadgentools", "leadgen tool ids come from get_tunnel"},
	{"/users", "user ids come from list_users"},
	{"/calls", "user ids come from list_users, account ids from get_person"},
}

func finderHint(path string) string {
	for _, f := range finders {
		if strings.HasPrefix(path, f.prefix) {
			return f.hint
		}
	}
	return ""
}

// ErrorResult maps any error to the tool result the model sees: what went
// wrong and what to do next. It is the one mapping point for client errors.
func ErrorResult(err error) *mcp.CallToolResult {
	return mcp.NewToolResultError(describeError(err))
}

func errorResult(err error) *mcp.CallToolResult { return ErrorResult(err) }

func describeError(err error) string {
	var ae *argError
	if errors.As(err, &ae) {
		return "Invalid arguments: " + ae.msg
	}
	var rl *leeloo.RateLimitError
	if errors.As(err, &rl) {
		return fmt.Sprintf("Leeloo is rate-limiting this account (HTTP 429). Wait %s, then try again. Nothing was changed by this call.",
			rl.RetryAfter.Round(1e9))
	}
	var ne *leeloo.NetworkError
	if errors.As(err, &ne) {
		if ne.Timeout() {
			return fmt.Sprintf("Leeloo did not answer in time (%s %s). For a read, try again; for a write, check whether it took effect before repeating it.", ne.Method, ne.Path)
		}
		return fmt.Sprintf("Could not reach Leeloo (%s %s): %v. Check the network or LEELOO_BASE_URL.", ne.Method, ne.Path, ne.Err)
	}
	var api *leeloo.APIError
	if errors.As(err, &api) {
		return describeAPIError(api)
	}
	return err.Error()
}

func describeAPIError(e *leeloo.APIError) string {
	call := e.Method + " " + e.Path
	switch {
	case e.Unauthorized():
		return fmt.Sprintf("Leeloo rejected the API token (HTTP %d %s on %s). Check LEELOO_API_TOKEN: it must be the account's API token from Leeloo's settings.", e.HTTPStatus, e.Code, call)
	case e.NotFound():
		msg := fmt.Sprintf("Not found in Leeloo (%s).", call)
		if h := finderHint(e.Path); h != "" {
			msg += " Check the id: " + h + "."
		}
		return msg
	case e.Code == leeloo.CodeNotValidPhoneNumber:
		return "Leeloo rejected the phone number: use the international form, + and digits, e.g. +380501234567."
	case e.HTTPStatus >= 500:
		return fmt.Sprintf("Leeloo had an internal error (HTTP %d on %s). Reads may be retried later; writes are never retried automatically.", e.HTTPStatus, call)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Leeloo refused %s (HTTP %d", call, e.HTTPStatus)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	b.WriteString(")")
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(": ")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s is %s", k, e.Fields[k])
		}
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	b.WriteString(".")
	if h := finderHint(e.Path); h != "" && len(e.Fields) > 0 {
		b.WriteString(" " + strings.ToUpper(h[:1]) + h[1:] + ".")
	}
	return b.String()
}
