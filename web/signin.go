package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
)

// SignInTTL is how long a sign-in lasts: the life of the cookie Users.SignIn
// returns, which the sign-in page states.
const SignInTTL = 12 * time.Hour

// Users signs approvers in on a team server (--users-file): the pages ask
// for the user's bearer token once and keep them signed in by a cookie.
type Users interface {
	// SignedIn returns the user a request's cookie signs in, and whether
	// they may decide anyone's actions.
	SignedIn(r *http.Request) (name string, approver, ok bool)
	// SignIn checks a bearer token and returns the cookie that signs its
	// user in (HttpOnly, SameSite=Strict, Secure over https).
	SignIn(token string) (*http.Cookie, bool)
}

// mayDecide reports whether user decides p: the user whose call asked for
// it, or an approver.
func mayDecide(p guard.Pending, user string, approver bool) bool {
	return approver || (p.RequestedBy != "" && p.RequestedBy == user)
}

// who returns the signed-in user, or renders the sign-in page and false.
// Without Users (a single-user server) everyone is "" and may decide.
func (h *Handler) who(w http.ResponseWriter, r *http.Request) (string, bool, bool) {
	if h.opts.Users == nil {
		return "", true, true
	}
	name, approver, ok := h.opts.Users.SignedIn(r)
	if !ok {
		h.render(w, http.StatusUnauthorized, "signin", view{Title: "Sign in to decide", SignedInFor: render.Duration(SignInTTL), CSRF: h.csrf("signin"), Next: r.URL.Path,
			Message: "This server serves a team: sign in with your bearer token to see and decide the actions waiting for approval."})
		return "", false, false
	}
	return name, approver, true
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	if h.opts.Users == nil {
		h.fail(w, http.StatusNotFound, "This server has no users to sign in.")
		return
	}
	if !sameOrigin(r) || !h.csrfOK(r, "signin") {
		h.fail(w, http.StatusForbidden, "Refused: sign in from this server's own page, in a browser.")
		return
	}
	next := r.PostFormValue("next")
	if !strings.HasPrefix(next, "/approve/") && next != "/pending" {
		next = "/pending"
	}
	c, ok := h.opts.Users.SignIn(strings.TrimSpace(r.PostFormValue("token")))
	if !ok {
		h.render(w, http.StatusUnauthorized, "signin", view{Title: "Sign in to decide", SignedInFor: render.Duration(SignInTTL), CSRF: h.csrf("signin"), Next: next,
			Message: "That token is not one of this server's users. Try again."})
		return
	}
	http.SetCookie(w, c)
	http.Redirect(w, r, next, http.StatusSeeOther)
}
