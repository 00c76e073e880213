// Package web serves the approval page: where a human, never the model,
// approves or rejects what the guard holds back. One page per action
// (/approve/{id}) and one for everything waiting (/pending). No script runs
// on them; approvals are form POSTs protected by a CSRF token, Origin and
// Sec-Fetch-Site checks, and a strict Content-Security-Policy. Untrusted text
// is rendered as text by html/template.
package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
)

//go:embed page.html
var pageHTML string

//go:embed style.css
var styleCSS []byte

// pages are parsed when the first page is shown, not at every start-up
// (~0.15 ms and 42 KB that a server which never shows one would pay).
var pages = sync.OnceValue(func() *template.Template { return template.Must(template.New("pages").Parse(pageHTML)) })

// Security headers of every answer: nothing but the page's own stylesheet
// loads, forms post only to the page, nothing frames it.
const csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Options configures the pages.
type Options struct {
	// Sandbox shows a banner: nothing reaches a real customer.
	Sandbox bool
	// Hosts are the Host headers accepted besides loopback ones (the host of
	// --public-url), against DNS rebinding.
	Hosts []string
	// Users, when set, has approvers sign in (signin.go); only the user who
	// asked, or an approver, decides an action.
	Users Users
	// Key signs the forms; replicas behind one balancer share it (a form
	// rendered by one is posted to another). Random per process when nil.
	Key []byte
}

// Handler serves the approval pages for g.
type Handler struct {
	g    *guard.Guard
	opts Options
	key  []byte
	mux  *http.ServeMux
}

// New returns the approval pages' handler; mount it at the root of a mux
// (it answers /approve/ and /pending).
func New(g *guard.Guard, opts Options) *Handler {
	key := opts.Key
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	h := &Handler{g: g, opts: opts, key: key, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /approve/style.css", h.style)
	h.mux.HandleFunc("GET /approve/{id}", h.showAction)
	h.mux.HandleFunc("POST /approve/{id}", h.decideAction)
	h.mux.HandleFunc("GET /pending", h.showList)
	h.mux.HandleFunc("POST /pending", h.decideList)
	h.mux.HandleFunc("POST /signin", h.signIn)
	return h
}

// Paths are the URL paths the handler answers, for mounting.
var Paths = []string{"/approve/", "/pending", "/signin"}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	if !h.hostAllowed(r.Host) {
		http.Error(w, "Forbidden: unexpected Host "+r.Host, http.StatusForbidden)
		return
	}
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) hostAllowed(host string) bool {
	name := host
	if hn, _, err := net.SplitHostPort(host); err == nil {
		name = hn
	}
	if strings.EqualFold(name, "localhost") {
		return true
	}
	if ip := net.ParseIP(strings.Trim(name, "[]")); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, a := range h.opts.Hosts {
		if strings.EqualFold(a, host) || strings.EqualFold(a, name) {
			return true
		}
	}
	return false
}

func (h *Handler) style(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	_, _ = w.Write(styleCSS)
}

// csrf is the form token of one action (or of the list): an HMAC under a
// key of this process, so only a page this server rendered can post.
func (h *Handler) csrf(scope string) string {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte("leeloo-mcp approval\x00" + scope))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (h *Handler) csrfOK(r *http.Request, scope string) bool {
	return hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(h.csrf(scope)))
}

// sameOrigin accepts a POST only from this very page in a browser: the
// browser's Sec-Fetch-Site must say same-origin, or, from a browser too old
// to send it, the Origin must be the page's own. A request with neither is
// refused: approvals are made in a browser, by a person.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

type view struct {
	Title     string
	Sandbox   bool
	CSRF      string
	P         guard.Pending
	StateText string
	Waiting   []guard.Pending
	Done      []guard.Pending
	Message   string
	Next      string
	// SignedInFor is how long a sign-in lasts, on the sign-in page.
	SignedInFor string
}

func (h *Handler) render(w http.ResponseWriter, status int, name string, v view) {
	v.Sandbox = h.opts.Sandbox
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = pages().ExecuteTemplate(w, name, v)
}

func (h *Handler) fail(w http.ResponseWriter, status int, msg string) {
	h.render(w, status, "error", view{Title: http.StatusText(status), Message: msg})
}

var stateText = map[guard.PendingState]string{
	guard.PendingRunning:  "Approved; running now",
	guard.PendingApproved: "Approved; it runs once when the assistant calls it again",
	guard.PendingExecuted: "Approved and done",
	guard.PendingFailed:   "Approved, but it failed",
	guard.PendingRejected: "Rejected",
	guard.PendingExpired:  "Expired: nothing was sent",
}

func (h *Handler) showAction(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := h.who(w, r); !ok {
		return
	}
	p, ok, err := h.g.PendingAction(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, http.StatusServiceUnavailable, "The approval state cannot be read right now ("+err.Error()+"). Nothing was done; try again shortly.")
		return
	}
	if !ok {
		h.fail(w, http.StatusNotFound, guard.ErrNoSuchAction.Error())
		return
	}
	title := "Approve this action?"
	if p.State != guard.PendingWaiting {
		title = "Action decided"
	}
	h.render(w, http.StatusOK, "action", view{Title: title, CSRF: h.csrf("action:" + p.ID), P: p, StateText: stateText[p.State]})
}

func (h *Handler) decideAction(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !sameOrigin(r) {
		h.fail(w, http.StatusForbidden, "Refused: approvals are accepted only from this page, in a browser. Nothing was done.")
		return
	}
	if !h.csrfOK(r, "action:"+id) {
		h.fail(w, http.StatusForbidden, "Refused: the form is stale or was not made by this server. Reload the page. Nothing was done.")
		return
	}
	user, approver, ok := h.who(w, r)
	if !ok {
		return
	}
	if err := h.decide(r.Context(), id, r.PostFormValue("decision"), user, approver); err != nil && !errors.Is(err, guard.ErrActionSettled) && !errors.Is(err, guard.ErrActionExpired) {
		status := http.StatusBadRequest
		switch {
		case errors.Is(err, guard.ErrNoSuchAction):
			status = http.StatusNotFound
		case errors.Is(err, errNotYours):
			status = http.StatusForbidden
		}
		h.fail(w, status, err.Error())
		return
	}
	// Post/redirect/get: a reload shows the outcome and posts nothing.
	http.Redirect(w, r, "/approve/"+id, http.StatusSeeOther)
}

// decide approves or rejects id. An approval, once claimed, runs to its end
// even if the browser goes away.
func (h *Handler) decide(ctx context.Context, id, decision, user string, approver bool) error {
	if decision != "approve" && decision != "reject" {
		return errors.New("unknown decision: want approve or reject")
	}
	if h.opts.Users != nil {
		p, ok, err := h.g.PendingAction(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return guard.ErrNoSuchAction
		}
		if !mayDecide(p, user, approver) {
			return errNotYours
		}
	}
	switch decision {
	case "approve":
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		_, err := h.g.Approve(ctx, id, "page", user)
		return err
	case "reject":
		_, err := h.g.Reject(ctx, id, "page", user)
		return err
	}
	return errors.New("unknown decision: want approve or reject")
}

// errNotYours refuses a decision by a user who neither asked nor approves.
//
//lint:ignore ST1005 the page shows it to the user as a whole sentence
var errNotYours = errors.New("Refused: only the user who asked for this action, or an approver (users file), may decide it. Nothing was done.")

func (h *Handler) showList(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := h.who(w, r); !ok {
		return
	}
	v := view{Title: "Actions waiting for approval", CSRF: h.csrf("list")}
	ps, err := h.g.PendingActions(r.Context())
	if err != nil {
		h.fail(w, http.StatusServiceUnavailable, "The approval state cannot be read right now ("+err.Error()+"). Try again shortly.")
		return
	}
	for _, p := range ps {
		if p.State == guard.PendingWaiting {
			v.Waiting = append(v.Waiting, p)
		} else {
			v.Done = append(v.Done, p)
		}
	}
	h.render(w, http.StatusOK, "list", v)
}

func (h *Handler) decideList(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		h.fail(w, http.StatusForbidden, "Refused: approvals are accepted only from this page, in a browser. Nothing was done.")
		return
	}
	if !h.csrfOK(r, "list") {
		h.fail(w, http.StatusForbidden, "Refused: the form is stale or was not made by this server. Reload the page. Nothing was done.")
		return
	}
	user, approver, ok := h.who(w, r)
	if !ok {
		return
	}
	decision := r.PostFormValue("decision")
	if decision != "approve" && decision != "reject" {
		h.fail(w, http.StatusBadRequest, "unknown decision: want approve or reject")
		return
	}
	for _, id := range r.PostForm["id"] {
		// Each action is decided on its own; one that was decided meanwhile
		// is left as it is.
		_ = h.decide(r.Context(), id, decision, user, approver)
	}
	http.Redirect(w, r, "/pending", http.StatusSeeOther)
}
