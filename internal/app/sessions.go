package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// sessionPrefix starts every Streamable HTTP session id this server issues.
const sessionPrefix = "mcp-session-"

// sessions tracks the Streamable HTTP sessions this process issued (the
// session protocol, before 2026-07-28): an id is valid only from its
// initialize until its client DELETEs it, it idles out, or its client opens
// more than perClient sessions (the least recently used goes). Unknown and
// ended ids are answered 404, as the spec says, so the client re-initialises.
type sessions struct {
	perClient int
	// prefix starts the ids: sessionPrefix, and the replica's id when set
	// (--replica-id), by which a load balancer routes a session home.
	prefix   string
	mu       sync.Mutex
	live     map[string]*sessionInfo
	byClient map[string]map[string]struct{}
	// evict frees mcp-go's state of a session this manager ended itself.
	evict func(id string)
}

type sessionInfo struct {
	client string
	last   time.Time
}

var errUnknownSession = errors.New("unknown or ended session")

func newSessions(perClient int) *sessions {
	return &sessions{perClient: perClient, prefix: sessionPrefix, live: map[string]*sessionInfo{}, byClient: map[string]map[string]struct{}{}}
}

// ResolveSessionIdManager binds the manager to the request's client, so a
// new session counts against that client's cap.
func (m *sessions) ResolveSessionIdManager(r *http.Request) server.SessionIdManager {
	if r == nil {
		return clientSessions{m: m}
	}
	return clientSessions{m: m, client: clientIdentity(r)}
}

// open reports how many sessions are open (the sessions-open metric).
func (m *sessions) open() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.live)
}

// clientSessions is the SessionIdManager of one request.
type clientSessions struct {
	m      *sessions
	client string
}

// Generate issues a new id for the client, ending its least recently used
// session when the client is at its cap.
func (c clientSessions) Generate() string {
	m := c.m
	id := m.prefix + rand.Text() // 128 random bits
	now := time.Now()
	var evicted []string
	m.mu.Lock()
	own := m.byClient[c.client]
	if own == nil {
		own = map[string]struct{}{}
		m.byClient[c.client] = own
	}
	for m.perClient > 0 && len(own) >= m.perClient {
		oldest := ""
		for sid := range own {
			if oldest == "" || m.live[sid].last.Before(m.live[oldest].last) {
				oldest = sid
			}
		}
		m.dropLocked(oldest)
		evicted = append(evicted, oldest)
	}
	m.live[id] = &sessionInfo{client: c.client, last: now}
	own[id] = struct{}{}
	m.mu.Unlock()
	if m.evict != nil {
		for _, sid := range evicted {
			m.evict(sid)
		}
	}
	return id
}

// Validate accepts only live ids and marks them used.
func (c clientSessions) Validate(id string) (bool, error) {
	m := c.m
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.live[id]
	if !ok {
		return false, errUnknownSession
	}
	s.last = time.Now()
	return false, nil
}

// Terminate ends a session (DELETE, idle sweep or shutdown). Ending an
// unknown id is not an error: the state it names is gone either way.
func (c clientSessions) Terminate(id string) (bool, error) {
	c.m.mu.Lock()
	c.m.dropLocked(id)
	c.m.mu.Unlock()
	return false, nil
}

func (m *sessions) dropLocked(id string) {
	s, ok := m.live[id]
	if !ok {
		return
	}
	delete(m.live, id)
	if own := m.byClient[s.client]; own != nil {
		delete(own, id)
		if len(own) == 0 {
			delete(m.byClient, s.client)
		}
	}
}

// evictVia frees a session's transport state through the Streamable HTTP
// handler's own DELETE, the one public way to do it.
func evictVia(h http.Handler, path string) func(string) {
	return func(id string) {
		r := httptest.NewRequestWithContext(context.Background(), http.MethodDelete, path, nil)
		r.Header.Set("Mcp-Session-Id", id)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}

// clientIdentity is who a request counts against: its bearer token (hashed,
// never kept) when it sends one, else its address.
func clientIdentity(r *http.Request) string {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && strings.TrimSpace(tok) != "" {
		sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
		return "bearer:" + hex.EncodeToString(sum[:8])
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "addr:" + host
}
