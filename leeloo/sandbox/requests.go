package sandbox

import (
	"net/http"
	"strings"
	"time"
)

// Request is one request as the sandbox received it.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path after Prefix, e.g. "/people/65d1c0a8e4b0a1000c000101",
	// as in the endpoint catalog; for a request outside Prefix it is the full path.
	Path string
	// URL is the request URI exactly as received, e.g. "/api/v2/people?limit=5".
	URL string
	// RawQuery is the encoded query string without '?'.
	RawQuery string
	// ContentType is the Content-Type header.
	ContentType string
	// Header is a copy of the request headers (including the auth token).
	Header http.Header
	// Body is the request body (at most 1 MiB + 1 byte of it).
	Body []byte
	// Time is Options.Now() when the request arrived.
	Time time.Time
}

func (s *Server) record(r *http.Request, body []byte) {
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, Prefix); ok && (rest == "" || rest[0] == '/') {
		path = rest
	}
	req := Request{
		Method:      r.Method,
		Path:        path,
		URL:         r.URL.RequestURI(),
		RawQuery:    r.URL.RawQuery,
		ContentType: r.Header.Get("Content-Type"),
		Header:      r.Header.Clone(),
		Body:        body,
		Time:        s.now(),
	}
	s.recMu.Lock()
	defer s.recMu.Unlock()
	s.requests = append(s.requests, req)
	if s.recordLimit > 0 && len(s.requests) > 2*s.recordLimit {
		// Trim in bulk so recording stays O(1) amortised.
		s.requests = append([]Request(nil), s.requests[len(s.requests)-s.recordLimit:]...)
	}
}

// Requests returns a copy of every recorded request in arrival order,
// including requests that were rejected or answered by a fault.
func (s *Server) Requests() []Request {
	return s.filterRequests(func(Request) bool { return true })
}

// Writes returns the recorded requests whose method is not GET or HEAD.
func (s *Server) Writes() []Request {
	return s.filterRequests(func(r Request) bool {
		return r.Method != http.MethodGet && r.Method != http.MethodHead
	})
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	s.requests = nil
}

func (s *Server) filterRequests(keep func(Request) bool) []Request {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	reqs := s.requests
	if s.recordLimit > 0 && len(reqs) > s.recordLimit {
		reqs = reqs[len(reqs)-s.recordLimit:]
	}
	out := make([]Request, 0, len(reqs))
	for _, r := range reqs {
		if !keep(r) {
			continue
		}
		r.Header = r.Header.Clone()
		r.Body = append([]byte(nil), r.Body...)
		out = append(out, r)
	}
	return out
}
