package leeloo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Leeloo error codes seen on the live API.
const (
	CodeFormatError         = "FORMAT_ERROR"
	CodeNotFound            = "NOT_FOUND"
	CodeNameAlreadyInUse    = "NAME_ALREADY_IN_USE"
	CodeNotValidPhoneNumber = "NOT_VALID_PHONE_NUMBER"
	CodeSessionExpired      = "SESSION_EXPIRED"
)

// APIError is a reply Leeloo answered with an error: a non-2xx status, a
// status other than 1, or a body that is not the expected JSON.
type APIError struct {
	// Method and Path name the call (the path is relative to the base URL).
	Method, Path string
	// HTTPStatus is the HTTP status code.
	HTTPStatus int
	// Code is Leeloo's error code (FORMAT_ERROR, NOT_VALID_PHONE_NUMBER, ...),
	// empty when the reply carried none.
	Code string
	// Fields maps a request field to its validator code.
	Fields map[string]string
	// Message describes a reply that was not Leeloo's JSON (an excerpt of the
	// body, the token removed).
	Message string
	// unclear marks an answer to a write that does not say what happened (a
	// 2xx that cannot be read, a redirect): Leeloo may have processed it.
	unclear bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "leeloo: %s %s: HTTP %d", e.Method, e.Path, e.HTTPStatus)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if fields := e.FieldList(); len(fields) > 0 {
		b.WriteString(" (")
		for i, f := range fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f[0] + ": " + f[1])
		}
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// FieldList is Fields as (field, code) pairs sorted by field.
func (e *APIError) FieldList() [][2]string {
	out := make([][2]string, 0, len(e.Fields))
	for k, v := range e.Fields {
		out = append(out, [2]string{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// NotFound reports whether Leeloo said the addressed record does not exist.
func (e *APIError) NotFound() bool {
	if e.HTTPStatus == http.StatusNotFound || e.Code == CodeNotFound {
		return true
	}
	for _, v := range e.Fields {
		if v == CodeNotFound {
			return true
		}
	}
	return false
}

// Unauthorized reports whether the token was missing, wrong or expired.
func (e *APIError) Unauthorized() bool {
	return e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden ||
		e.Code == CodeSessionExpired || e.Fields["authToken"] != ""
}

// RateLimitError is HTTP 429: wait RetryAfter before calling again.
type RateLimitError struct {
	APIError
	// RetryAfter is the wait Leeloo asked for (Retry-After), or a default.
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("leeloo: %s %s: rate limited (HTTP 429), retry after %s", e.Method, e.Path, e.RetryAfter)
}

// Unwrap exposes the embedded APIError to errors.As.
func (e *RateLimitError) Unwrap() error { return &e.APIError }

// NetworkError is a request that got no reply: connection failure, timeout or
// cancellation, or a request the client-side rate limiter held back until
// its context ended.
type NetworkError struct {
	Method, Path string
	Err          error
	notSent      bool
	held         bool
}

func (e *NetworkError) Error() string {
	if e.held {
		return fmt.Sprintf("leeloo: %s %s: not sent: held back by the client-side rate limit until the call gave up (%v)", e.Method, e.Path, e.Err)
	}
	if errors.Is(e.Err, context.DeadlineExceeded) {
		return fmt.Sprintf("leeloo: %s %s: timed out waiting for Leeloo", e.Method, e.Path)
	}
	return fmt.Sprintf("leeloo: %s %s: %v", e.Method, e.Path, e.Err)
}

// Unwrap returns the underlying transport error.
func (e *NetworkError) Unwrap() error { return e.Err }

// NotSent reports whether the request certainly never reached Leeloo.
func (e *NetworkError) NotSent() bool { return e.notSent }

// HeldBack reports whether the client-side rate limiter kept the request
// until its context ended: it was never sent.
func (e *NetworkError) HeldBack() bool { return e.held }

// Timeout reports whether the request ran out of time.
func (e *NetworkError) Timeout() bool { return errors.Is(e.Err, context.DeadlineExceeded) }

// wireError is {"code": "...", "fields": {...}}; fields values may be
// strings or nested objects.
type wireError struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Fields  json.RawMessage `json:"fields"`
}

func (w *wireError) fields() map[string]string {
	if len(w.Fields) == 0 {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(w.Fields, &m) != nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch v := v.(type) {
		case string:
			out[k] = v
		default:
			b, _ := json.Marshal(v)
			out[k] = string(b)
		}
	}
	return out
}

// checkResponse turns every failed reply into a typed error and decodes the
// envelope of a successful one.
func (c *Client) checkResponse(req *request, hres *http.Response, raw []byte) (*envelope, error) {
	code := hres.StatusCode
	if code == http.StatusTooManyRequests {
		return nil, &RateLimitError{
			APIError:   *c.apiError(req, code, "", nil, c.excerpt(raw)),
			RetryAfter: retryAfter(hres.Header, time.Now()),
		}
	}
	if req.fast != nil && code >= 200 && code <= 299 {
		if meta, ok := req.fast(raw); ok {
			return &envelope{Meta: meta, raw: raw, fast: true}, nil
		}
	}
	env := &envelope{raw: raw}
	if err := json.Unmarshal(raw, env); err != nil {
		msg := "reply is not JSON"
		if ex := c.excerpt(raw); ex != "" {
			msg += ": " + ex
		}
		return nil, c.unclearError(req, code, msg)
	}
	var status int
	statusKnown := json.Unmarshal(env.Status, &status) == nil && len(env.Status) > 0
	if code < 200 || code > 299 || (statusKnown && status != 1) || env.Error != nil {
		var errCode, msg string
		var fields map[string]string
		if env.Error != nil {
			errCode, fields, msg = c.redact(env.Error.Code), c.redactFields(env.Error.fields()), c.redact(env.Error.Message)
		} else if !statusKnown {
			msg = c.excerpt(raw)
		}
		return nil, c.apiError(req, code, errCode, fields, msg)
	}
	if !statusKnown {
		if !req.bare {
			return nil, c.unclearError(req, code, "reply has no status: "+c.excerpt(raw))
		}
		env.Data = raw
	}
	return env, nil
}

func (c *Client) apiError(req *request, code int, errCode string, fields map[string]string, msg string) *APIError {
	return &APIError{Method: req.method, Path: req.path, HTTPStatus: code, Code: errCode, Fields: fields, Message: msg}
}

// unclearError is a reply that cannot be read. To a write Leeloo may have
// processed (any 2xx or 3xx, or a status the client does not know), it is
// uncertain: MaybeDelivered says so and nothing retries it.
func (c *Client) unclearError(req *request, code int, msg string) *APIError {
	e := c.apiError(req, code, "", nil, msg)
	e.unclear = req.isWrite() && (code < 400 || code >= 500)
	return e
}

// excerpt is the start of a body for an error message, one line, token
// removed.
func (c *Client) excerpt(raw []byte) string {
	// Redact before cutting, so that no prefix of the token survives the cut.
	s := c.redact(strings.Join(strings.Fields(string(raw)), " "))
	if len(s) > errorExcerptMaxBytes {
		cut := errorExcerptMaxBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// redactFields removes the token from field names and codes.
func (c *Client) redactFields(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[c.redact(k)] = c.redact(v)
	}
	return out
}

func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "[redacted]")
}

// defaultRetryAfter is assumed when a 429 carries no usable Retry-After.
const defaultRetryAfter = 2 * time.Second

// retryAfter reads Retry-After (seconds or an HTTP date), then
// X-RateLimit-Reset (seconds or a Unix time).
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			if d := t.Sub(now); d > 0 {
				return d
			}
			return 0
		}
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			if n > 1_000_000_000 {
				if d := time.Unix(n, 0).Sub(now); d > 0 {
					return d
				}
				return 0
			}
			return time.Duration(n) * time.Second
		}
	}
	return defaultRetryAfter
}

// MaybeDelivered reports whether a failed request may nevertheless have taken
// effect at Leeloo: the one answer to "can this failed write have reached a
// customer?". True for a server error, a timeout or a connection lost after
// sending; false for a rejection (4xx, validation, rate limit) or a request
// that never left.
func MaybeDelivered(err error) bool {
	var ne *NetworkError
	if errors.As(err, &ne) {
		return !ne.NotSent()
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatus >= 500 || ae.unclear
	}
	return false
}
