// Package leeloo is a typed client for the Leeloo.ai REST API v2.
//
// It knows nothing of MCP. Every endpoint is a method on a service
// (c.People.List, c.Messages.Send, ...) returning (T, *Response, error).
// Reads are retried on 429, 5xx and connection errors; writes are never sent
// twice once they may have reached Leeloo. The token is sent only in the
// X-Leeloo-AuthToken header and never appears in errors or String output.
package leeloo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultBaseURL is the production API root.
const DefaultBaseURL = "https://api.leeloo.ai/api/v2"

// Defaults for Options fields left zero.
const (
	DefaultTimeout          = 30 * time.Second
	DefaultMaxRetries       = 3
	DefaultRequestsPerMin   = 240 // under the vendor's documented 300/min
	DefaultMaxRetryWait     = 30 * time.Second
	defaultBackoffBase      = 250 * time.Millisecond
	defaultBackoffCap       = 5 * time.Second
	maxResponseBytes        = 16 << 20
	userAgent               = "leeloo-mcp"
	authHeader              = "X-Leeloo-AuthToken"
	errorExcerptMaxBytes    = 200
	defaultRateLimiterBurst = 10
)

// Options configures a Client. Zero values take the documented defaults.
type Options struct {
	// BaseURL is the API root, DefaultBaseURL when empty.
	BaseURL string
	// Token is the account's API token (LEELOO_API_TOKEN).
	Token string
	// HTTPClient is used for every request; a pooled client when nil.
	HTTPClient *http.Client
	// Timeout bounds each attempt of each request; DefaultTimeout when zero.
	Timeout time.Duration
	// TotalTimeout bounds a request's attempts and the waits between them
	// together; 2 × Timeout when zero. A retry that could not start before
	// it runs out is not made.
	TotalTimeout time.Duration
	// MaxRetries is how many times a read is retried; DefaultMaxRetries when
	// zero, no retry when negative.
	MaxRetries int
	// MaxRetryWait is the longest wait honoured from Retry-After before giving
	// up with a *RateLimitError; DefaultMaxRetryWait when zero.
	MaxRetryWait time.Duration
	// RequestsPerMinute caps the client's request rate; DefaultRequestsPerMin
	// when zero, unlimited when negative.
	RequestsPerMinute int
	// BackoffBase and BackoffCap shape the capped exponential backoff with
	// full jitter between retries; 250ms and 5s when zero.
	BackoffBase, BackoffCap time.Duration
	// UserAgent is appended to the User-Agent header.
	UserAgent string
	// RateLimiter, when set, paces every attempt instead of the client's own
	// RequestsPerMinute bucket (one shared by replicas); a 429 blocks it.
	RateLimiter RateLimiter
	// Observe, when set, is told of every attempt once it is answered: its
	// number (0 first, then retries) and the HTTP status (0 when no answer
	// came). It must be cheap: it runs on every request (metrics).
	Observe func(ctx context.Context, attempt, status int)
}

// Client talks to one Leeloo account. It is safe for concurrent use.
type Client struct {
	baseURL      *url.URL
	token        string
	http         *http.Client
	timeout      time.Duration
	totalTimeout time.Duration
	maxRetries   int
	maxRetryWait time.Duration
	backoffBase  time.Duration
	backoffCap   time.Duration
	limiter      RateLimiter
	userAgent    string
	observe      func(ctx context.Context, attempt, status int)

	Templates   *TemplatesService
	Messages    *MessagesService
	Channels    *ChannelsService
	Leadgen     *LeadgenService
	Orders      *OrdersService
	People      *PeopleService
	Tags        *TagsService
	Tunnels     *TunnelsService
	Users       *UsersService
	Connections *ConnectionsService
	Calls       *CallsService
}

type service struct{ client *Client }

// NewClient returns a client for the account behind opts.Token.
func NewClient(opts Options) (*Client, error) {
	base := opts.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("leeloo: base URL %q is not an absolute URL", base)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("leeloo: base URL %q must use http or https", base)
	}
	if opts.Token == "" {
		return nil, errors.New("leeloo: no API token (set LEELOO_API_TOKEN)")
	}
	c := &Client{
		baseURL:      u,
		token:        opts.Token,
		http:         opts.HTTPClient,
		timeout:      orDuration(opts.Timeout, DefaultTimeout),
		totalTimeout: opts.TotalTimeout,
		maxRetries:   opts.MaxRetries,
		maxRetryWait: orDuration(opts.MaxRetryWait, DefaultMaxRetryWait),
		backoffBase:  orDuration(opts.BackoffBase, defaultBackoffBase),
		backoffCap:   orDuration(opts.BackoffCap, defaultBackoffCap),
		userAgent:    userAgent,
		observe:      opts.Observe,
	}
	if opts.UserAgent != "" {
		c.userAgent = userAgent + " " + opts.UserAgent
	}
	if c.http == nil {
		c.http = newPooledHTTPClient()
	} else {
		own := *c.http // the caller's client is left as it was
		c.http = &own
	}
	// Leeloo's API has no reason to redirect: a redirect is answered as it
	// is, never followed, so the token and a write's body never go to
	// another host and a write is never replayed.
	c.http.CheckRedirect = refuseRedirects
	switch {
	case opts.MaxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case opts.MaxRetries < 0:
		c.maxRetries = 0
	}
	switch {
	case opts.RateLimiter != nil:
		c.limiter = opts.RateLimiter
	case opts.RequestsPerMinute == 0:
		c.limiter = newLimiter(DefaultRequestsPerMin, defaultRateLimiterBurst)
	case opts.RequestsPerMinute > 0:
		c.limiter = newLimiter(opts.RequestsPerMinute, defaultRateLimiterBurst)
	}
	s := service{c}
	c.Templates = (*TemplatesService)(&s)
	c.Messages = (*MessagesService)(&s)
	c.Channels = (*ChannelsService)(&s)
	c.Leadgen = (*LeadgenService)(&s)
	c.Orders = (*OrdersService)(&s)
	c.People = (*PeopleService)(&s)
	c.Tags = (*TagsService)(&s)
	c.Tunnels = (*TunnelsService)(&s)
	c.Users = (*UsersService)(&s)
	c.Connections = (*ConnectionsService)(&s)
	c.Calls = (*CallsService)(&s)
	return c, nil
}

// BaseURL returns the API root the client talks to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// String describes the client without its token.
func (c *Client) String() string { return "leeloo.Client{" + c.baseURL.String() + "}" }

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func refuseRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func newPooledHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 128
	t.MaxIdleConnsPerHost = 128 // one host: keep a connection per concurrent caller (64 HTTP sessions opened hundreds anew at 16)
	t.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: t}
}

// Response carries what a call learned besides its data.
type Response struct {
	// StatusCode is the HTTP status of the final attempt.
	StatusCode int
	// Meta is the page information of list endpoints, nil when absent.
	Meta *Meta
	// Attempts is how many times the request was sent.
	Attempts int
}

// request describes one API call.
type request struct {
	method string
	path   string // relative to the base URL, already escaped
	query  url.Values
	body   any // JSON-encoded when non-nil
	// bare marks an endpoint whose success reply may lack the envelope
	// (POST /orders/{id} echoes the request fields).
	bare bool
	// wrapped marks a list Leeloo wraps under its key (data.connections):
	// listCall decodes it in the single pass too.
	wrapped bool
	// fast, when set, decodes a 2xx reply and its data in one pass and
	// reports whether that settled it.
	fast func(raw []byte) (*Meta, bool)
}

func (r *request) isWrite() bool { return r.method != http.MethodGet && r.method != http.MethodHead }

// envelope is the common reply shape.
type envelope struct {
	Status   json.RawMessage `json:"status"`
	Data     json.RawMessage `json:"data"`
	Meta     *Meta           `json:"meta"`
	Error    *wireError      `json:"error"`
	Included json.RawMessage `json:"included"`
	Linked   json.RawMessage `json:"linked"`
	raw      []byte
	fast     bool // settled by request.fast: Data was not kept
}

// call sends req, retrying reads, and returns the decoded envelope of a
// successful reply.
func (c *Client) call(ctx context.Context, req *request) (*envelope, *Response, error) {
	var body []byte
	if req.body != nil {
		b, err := json.Marshal(req.body)
		if err != nil {
			return nil, nil, fmt.Errorf("leeloo: encoding %s %s body: %w", req.method, req.path, err)
		}
		body = b
	}
	u := c.baseURL.String() + req.path
	if len(req.query) > 0 {
		u += "?" + encodeQuery(req.query)
	}
	resp := &Response{}
	total := c.totalTimeout
	if total <= 0 {
		total = 2 * c.timeout
	}
	tctx, cancel := context.WithTimeout(ctx, total)
	defer cancel()
	deadline, _ := tctx.Deadline()
	for attempt := 0; ; attempt++ {
		if c.limiter != nil {
			if err := c.limiter.Wait(ctx); err != nil {
				return nil, resp, &NetworkError{Method: req.method, Path: req.path, Err: err, notSent: true, held: true}
			}
		}
		resp.StatusCode = 0
		env, retryAfter, err := c.attempt(tctx, req, u, body, resp)
		if c.observe != nil {
			c.observe(ctx, attempt, resp.StatusCode)
		}
		if err == nil {
			return env, resp, nil
		}
		if rl := (*RateLimitError)(nil); c.limiter != nil && errors.As(err, &rl) {
			c.limiter.Block(time.Now().Add(rl.RetryAfter))
		}
		if attempt >= c.maxRetries || !c.retryable(req, err) {
			return nil, resp, err
		}
		wait := c.backoff(attempt)
		if retryAfter > 0 {
			if retryAfter > c.maxRetryWait {
				return nil, resp, err
			}
			wait = retryAfter
		}
		if time.Until(deadline) <= wait {
			return nil, resp, err // no time left for another attempt
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, resp, err
		case <-t.C:
		}
	}
}

// attempt sends the request once.
func (c *Client) attempt(ctx context.Context, req *request, u string, body []byte, resp *Response) (*envelope, time.Duration, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(actx, req.method, u, rd)
	if err != nil {
		return nil, 0, fmt.Errorf("leeloo: building %s %s: %w", req.method, req.path, err)
	}
	hr.Header.Set(authHeader, c.token)
	hr.Header.Set("Accept", "application/json")
	hr.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	resp.Attempts++
	hres, err := c.http.Do(hr)
	if err != nil {
		return nil, 0, &NetworkError{Method: req.method, Path: req.path, Err: unwrapURLError(err), notSent: notSent(err)}
	}
	defer hres.Body.Close()
	resp.StatusCode = hres.StatusCode
	raw, err := readBody(hres)
	if err != nil {
		return nil, 0, &NetworkError{Method: req.method, Path: req.path, Err: unwrapURLError(err)}
	}
	if len(raw) > maxResponseBytes {
		return nil, 0, c.unclearError(req, hres.StatusCode, "reply larger than 16 MiB")
	}
	if hres.StatusCode >= 300 && hres.StatusCode <= 399 {
		return nil, 0, c.unclearError(req, hres.StatusCode, redirectMessage(hres))
	}
	env, err := c.checkResponse(req, hres, raw)
	if err != nil {
		var rl *RateLimitError
		if errors.As(err, &rl) {
			return nil, rl.RetryAfter, err
		}
		return nil, 0, err
	}
	resp.Meta = env.Meta
	return env, 0, nil
}

// retryable reports whether err may be retried for req; a call its caller
// cancelled never is. Reads are retried on rate limits, server errors and
// network failures. A write is retried only when it got no answer (a
// network failure) and MaybeDelivered says it cannot have reached Leeloo:
// a rejection or a rate limit is the caller's to act on.
func (c *Client) retryable(req *request, err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var ne *NetworkError
	if req.isWrite() {
		return errors.As(err, &ne) && !MaybeDelivered(err)
	}
	var rl *RateLimitError
	var ae *APIError
	switch {
	case errors.As(err, &ne), errors.As(err, &rl):
		return true
	case errors.As(err, &ae):
		return ae.HTTPStatus >= 500 || ae.HTTPStatus == http.StatusRequestTimeout
	}
	return false
}

// backoff is capped exponential backoff with full jitter.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.backoffBase << attempt
	if d > c.backoffCap || d <= 0 {
		d = c.backoffCap
	}
	return d/2 + rand.N(d/2+1)
}

// notSent reports whether a transport error happened before the request
// could have reached the server (dialing failed).
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// encodeQuery encodes v with keys sorted but brackets left readable, as the
// vendor's examples write them (filter[tags]=a&filter[tags]=b).
func encodeQuery(v url.Values) string {
	s := v.Encode()
	return strings.NewReplacer("%5B", "[", "%5D", "]").Replace(s)
}

// pathEscape escapes one path segment.
func pathEscape(s string) string { return url.PathEscape(s) }

// listQuery encodes limit and offset.
func listQuery(o *ListOptions) url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	q.Set("offset", strconv.Itoa(o.Offset))
	return q
}

// readBody reads at most maxResponseBytes+1 bytes, in one allocation when
// the length is announced.
func readBody(hres *http.Response) ([]byte, error) {
	var buf bytes.Buffer
	if n := hres.ContentLength; n > 0 && n <= maxResponseBytes {
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(hres.Body, maxResponseBytes+1))
	return buf.Bytes(), err
}

// redirectMessage says where a refused redirect pointed (its host only).
func redirectMessage(hres *http.Response) string {
	msg := "Leeloo answered with a redirect, which is never followed (the token is sent only to the configured base URL)"
	if loc, err := hres.Location(); err == nil && loc.Host != "" {
		msg += "; it pointed to " + loc.Host
	}
	return msg + ". Check LEELOO_BASE_URL"
}
