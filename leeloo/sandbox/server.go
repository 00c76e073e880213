package sandbox

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultToken is the auth token a Server accepts when Options.Token is empty.
const DefaultToken = "sandbox-token"

// AuthHeader is the header that carries the token, as on the live API.
const AuthHeader = "X-Leeloo-AuthToken"

// Prefix is the path under which the API is served; a client's base URL is
// the server's URL followed by Prefix.
const Prefix = "/api/v2"

// maxBody is the largest request body accepted (larger ones get HTTP 413).
const maxBody = 1 << 20

// Options configures a Server.
type Options struct {
	// Token is the required auth token; "" means DefaultToken.
	Token string
	// Now is the clock; nil means time.Now. The seed's timestamps are laid out
	// relative to Now() at New() (some chats are minutes old, some days, some
	// months), and new records get Now().
	Now func() time.Time
	// People is the number of seeded people; 0 means 240. The well-known people
	// (DemoPersonID and the others) are always seeded.
	People int
	// RecordLimit is how many of the most recent requests Requests keeps; 0
	// means 10000, a negative value means no limit.
	RecordLimit int
}

// Server is the in-memory Leeloo API. It is an http.Handler and safe for
// concurrent use.
type Server struct {
	token string
	now   func() time.Time
	mux   *http.ServeMux

	recMu       sync.Mutex
	requests    []Request
	recordLimit int

	faultMu sync.Mutex
	faults  []*faultState
	release chan struct{}

	mu sync.RWMutex
	db *store
}

// New returns a Server seeded deterministically: the same Options (and the
// same Now() at the time of the call) give byte-identical data and ids.
func New(opts Options) *Server {
	s := &Server{
		token:       opts.Token,
		now:         opts.Now,
		recordLimit: opts.RecordLimit,
		release:     make(chan struct{}),
	}
	if s.token == "" {
		s.token = DefaultToken
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.recordLimit == 0 {
		s.recordLimit = 10000
	}
	people := opts.People
	if people <= 0 {
		people = 240
	}
	s.db = seed(s.clock(), people)
	s.mux = s.routes()
	return s
}

// clock is Now() in UTC at the millisecond precision of the API's dates.
func (s *Server) clock() time.Time {
	return s.now().UTC().Truncate(time.Millisecond)
}

// handler answers one API call: a value written as JSON with HTTP 200, or an error.
type handler func(r *http.Request) (any, *apiError)

func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	handle := func(pattern string, h handler) {
		method, path, _ := strings.Cut(pattern, " ")
		m.HandleFunc(method+" "+Prefix+path, func(w http.ResponseWriter, r *http.Request) {
			v, err := h(r)
			if err != nil {
				writeJSON(w, err.status, err.body())
				return
			}
			writeJSON(w, http.StatusOK, v)
		})
	}
	handle("GET /categories/templates", s.listCategories)
	handle("GET /categories/templates/{category_id}", s.listTemplates)
	handle("POST /messages/send-template", s.sendTemplate)
	handle("POST /messages/send-message", s.sendMessage)
	handle("GET /communication-channels", s.listChannels)
	handle("GET /communication-channels/{account_id}/chat-messages", s.chatMessages)
	handle("GET /communication-channels/{account_id}/person", s.personByAccount)
	handle("POST /communication-channels/{account_id}/manual-subscribe", s.manualSubscribe)
	handle("POST /leadgentools/{leadgentool_id}/create-traffic-source", s.createTrafficSource)
	handle("POST /orders", s.createOrder)
	handle("GET /orders", s.listOrders)
	handle("GET /orders/{order_id}", s.getOrder)
	handle("POST /orders/{order_id}", s.updateOrder)
	handle("GET /people", s.listPeople)
	handle("POST /people", s.createPerson)
	handle("POST /people/sms", s.addSMSContacts)
	handle("GET /people/{person_id}", s.getPerson)
	handle("PUT /people/{person_id}", s.updatePerson)
	handle("PUT /people/{person_id}/add-comment", s.addComment)
	handle("PUT /people/{person_id}/add-tag", s.addTag)
	handle("PUT /people/{person_id}/remove-tag", s.removeTag)
	handle("GET /tags", s.listTags)
	handle("GET /tunnels", s.listTunnels)
	handle("GET /tunnels/stats", s.tunnelsStats)
	handle("GET /tunnels/{tunnel_id}", s.getTunnel)
	handle("GET /tunnels/{tunnel_id}/stats", s.tunnelStats)
	handle("GET /users", s.listUsers)
	handle("GET /users/{user_id}", s.getUser)
	handle("GET /connections", s.listConnections)
	handle("POST /calls", s.logCall)
	// Anything else, including a known path with another method, is a 404 like
	// an unknown route on the live API.
	m.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, errRoute.status, errRoute.body())
	})
	return m
}

// ServeHTTP records the request, applies an injected fault if one matches,
// checks the token and answers like the live API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		body, _ = io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	}
	s.record(r, body)

	rest, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok || rest != "" && rest[0] != '/' {
		writeJSON(w, errRoute.status, errRoute.body())
		return
	}
	if f, ok := s.takeFault(r.Method, rest); ok {
		if !s.applyFault(w, r, f) {
			return
		}
	}
	if err := s.authenticate(r); err != nil {
		writeJSON(w, err.status, err.body())
		return
	}
	if len(body) > maxBody {
		writeJSON(w, errTooLarge.status, errTooLarge.body())
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.mux.ServeHTTP(w, r)
}

func (s *Server) authenticate(r *http.Request) *apiError {
	got := r.Header.Get(AuthHeader)
	if got == "" {
		return errTokenMissing
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) != 1 {
		return errTokenWrong
	}
	return nil
}

// buffers recycles the response buffers: encoding a page is most of a request's cost.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON writes v without HTML escaping (the chats contain '&' and '<').
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 4*maxBody {
			buffers.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
