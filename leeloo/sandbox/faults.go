package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault replaces or delays the answer to matching requests. A faulted request
// is still recorded, and a fault that answers instead of the real handler
// (Status, Hang, or a client that gives up during Delay) changes no state.
type Fault struct {
	// Method is the HTTP method to match; "" matches any.
	Method string
	// Path is a prefix of the path after Prefix, e.g. "/people"; "" matches any.
	Path string
	// Times is how many requests the fault applies to; 0 means 1.
	Times int
	// Delay is latency added before the normal or faulty answer.
	Delay time.Duration
	// Hang blocks the request until its context is done (the client gave up)
	// or ClearFaults is called (then the request is answered normally).
	Hang bool
	// Status is the HTTP status to answer with instead of the real handler;
	// 0 runs the real handler after Delay.
	Status int
	// Body is the raw body sent with Status.
	Body string
	// ContentType is the Content-Type sent with Status; "" means
	// "text/plain; charset=utf-8".
	ContentType string
	// Header holds extra headers sent with Status, e.g. Retry-After.
	Header http.Header
}

type faultState struct {
	f    Fault
	left int
}

// RateLimitBody is the live API's plain-text answer to too many requests.
const RateLimitBody = "Too many requests, please try again later."

// RateLimitPerMinute is the limit advertised in X-RateLimit-Limit.
const RateLimitPerMinute = 300

// Inject adds a fault; faults are matched in the order they were injected.
func (s *Server) Inject(f Fault) {
	left := f.Times
	if left <= 0 {
		left = 1
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = append(s.faults, &faultState{f: f, left: left})
}

// ClearFaults removes every fault and releases requests held by a Hang fault.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = nil
	close(s.release)
	s.release = make(chan struct{})
}

// takeFault consumes one use of the first fault matching the request.
func (s *Server) takeFault(method, path string) (fault, bool) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for i, st := range s.faults {
		if st.f.Method != "" && !strings.EqualFold(st.f.Method, method) {
			continue
		}
		if !strings.HasPrefix(path, st.f.Path) {
			continue
		}
		st.left--
		if st.left == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return fault{Fault: st.f, release: s.release}, true
	}
	return fault{}, false
}

type fault struct {
	Fault
	release chan struct{}
}

// applyFault delays, hangs or answers; it reports whether the real handler
// should still run.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f fault) bool {
	ctx := r.Context()
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-f.release:
		case <-ctx.Done():
			return false
		}
	}
	if f.Hang {
		select {
		case <-f.release:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if f.Status == 0 {
		return true
	}
	h := w.Header()
	for k, vs := range f.Header {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	ct := f.ContentType
	if ct == "" {
		ct = "text/plain; charset=utf-8"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(f.Body)))
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
	return false
}

// RateLimited is a 429 for requests whose path starts with path ("" = any),
// with the live API's plain-text body, Retry-After in whole seconds (at least
// 1) and X-RateLimit-Limit / X-RateLimit-Remaining headers.
func RateLimited(path string, retryAfter time.Duration) Fault {
	secs := int((retryAfter + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return Fault{
		Path:   path,
		Status: http.StatusTooManyRequests,
		Body:   RateLimitBody,
		Header: http.Header{
			"Retry-After":           {strconv.Itoa(secs)},
			"X-Ratelimit-Limit":     {strconv.Itoa(RateLimitPerMinute)},
			"X-Ratelimit-Remaining": {"0"},
		},
	}
}

// ServerError is a bare 500 with an HTML body, as a crashed upstream answers.
func ServerError(method, path string) Fault {
	return Fault{
		Method:      method,
		Path:        path,
		Status:      http.StatusInternalServerError,
		Body:        "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>",
		ContentType: "text/html; charset=utf-8",
	}
}

// FormatError is an HTTP 200 carrying {"status":0,"error":{"code":"FORMAT_ERROR","fields":{...}}}.
func FormatError(method, path string, fields map[string]string) Fault {
	b, _ := json.Marshal(formatError(fields).body())
	return Fault{
		Method:      method,
		Path:        path,
		Status:      http.StatusOK,
		Body:        string(b),
		ContentType: "application/json; charset=utf-8",
	}
}
