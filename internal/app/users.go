package app

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/web"
)

// users are the HTTP users of a team server (--users-file): one line each,
//
//	NAME sha256:HEX [approver]
//
// where HEX is the SHA-256 of the user's bearer token. A salted slow hash
// buys nothing here: tokens are 128 random bits made by `leeloo-mcp user
// add`, never passwords. "approver" lets the user decide anyone's pending
// actions; everyone decides their own. Blank lines and # comments are
// skipped.
type users struct {
	byHash map[string]teamUser
	byName map[string]teamUser
}

type teamUser struct {
	name     string
	approver bool
}

// userName is compiled on first use (a users file, `user add`): its bounded
// repeat compiles to 64 copies of the class, ~60 KB and ~0.1 ms that every
// start-up would pay.
var userName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`) })

func loadUsers(path string) (*users, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--users-file: %w", err)
	}
	defer f.Close()
	u, err := parseUsers(f)
	if err != nil {
		return nil, fmt.Errorf("--users-file %s: %w", path, err)
	}
	return u, nil
}

func parseUsers(r io.Reader) (*users, error) {
	u := &users{byHash: map[string]teamUser{}, byName: map[string]teamUser{}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || len(f) > 3 || (len(f) == 3 && f[2] != "approver") {
			return nil, fmt.Errorf("line %d: want NAME sha256:HEX [approver]", n)
		}
		if !userName().MatchString(f[0]) {
			return nil, fmt.Errorf("line %d: user name %q: letters, digits and ._@- only", n, f[0])
		}
		h, ok := strings.CutPrefix(f[1], "sha256:")
		if b, err := hex.DecodeString(h); !ok || err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("line %d: want sha256: and 64 hex digits (leeloo-mcp user add %s prints the line)", n, f[0])
		}
		if _, dup := u.byName[f[0]]; dup {
			return nil, fmt.Errorf("line %d: user %s listed twice", n, f[0])
		}
		t := teamUser{name: f[0], approver: len(f) == 3}
		u.byHash[strings.ToLower(h)] = t
		u.byName[t.name] = t
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(u.byHash) == 0 {
		return nil, fmt.Errorf("no users: add one with leeloo-mcp user add NAME")
	}
	return u, nil
}

// byToken returns the user whose bearer token this is.
func (u *users) byToken(token string) (teamUser, bool) {
	if u == nil || token == "" {
		return teamUser{}, false
	}
	sum := sha256.Sum256([]byte(token))
	t, ok := u.byHash[hex.EncodeToString(sum[:])]
	return t, ok
}

// userAdd prints a fresh bearer token for name, once, and the line for the
// users file. Nothing is written: the operator adds the line.
func userAdd(stdout, stderr io.Writer, args []string) int {
	if len(args) != 2 || args[0] != "add" || !userName().MatchString(args[1]) {
		fmt.Fprintln(stderr, "usage: leeloo-mcp user add NAME   (NAME: letters, digits and ._@-)")
		return 2
	}
	token := "lmu_" + rand.Text() + rand.Text()
	sum := sha256.Sum256([]byte(token))
	fmt.Fprintf(stdout, "token for %s (shown once; give it to them, keep no copy):\n  %s\nline for the users file (append \" approver\" to let them approve anyone's actions):\n  %s sha256:%s\n",
		args[1], token, args[1], hex.EncodeToString(sum[:]))
	return 0
}

// signinCookie is the approval pages' sign-in cookie.
const signinCookie = "leeloo_mcp_user"

// signinTTL is how long a sign-in lasts, as the sign-in page says.
const signinTTL = web.SignInTTL

// signUser makes a cookie value naming user until exp, under key; any
// replica with the same key accepts it.
func signUser(key []byte, user string, exp time.Time) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(user)) + "." + strconv.FormatInt(exp.Unix(), 10)
	m := hmac.New(sha256.New, key)
	m.Write([]byte("leeloo-mcp signin\x00" + payload))
	return payload + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// verifyUser returns the user a cookie value names, if it is ours and live.
func verifyUser(key []byte, v string, now time.Time) (string, bool) {
	i := strings.LastIndexByte(v, '.')
	if i < 0 {
		return "", false
	}
	payload, mac := v[:i], v[i+1:]
	m := hmac.New(sha256.New, key)
	m.Write([]byte("leeloo-mcp signin\x00" + payload))
	if !hmac.Equal([]byte(mac), []byte(base64.RawURLEncoding.EncodeToString(m.Sum(nil)))) {
		return "", false
	}
	name64, expS, ok := strings.Cut(payload, ".")
	exp, err := strconv.ParseInt(expS, 10, 64)
	if !ok || err != nil || now.Unix() > exp {
		return "", false
	}
	name, err := base64.RawURLEncoding.DecodeString(name64)
	return string(name), err == nil
}

// pageUsers signs the users of the users file in on the approval pages.
type pageUsers struct {
	u      *users
	key    []byte
	secure bool
}

// pageUsersFor is the approval pages' sign-in, or nil without a users file.
func pageUsersFor(cfg *Config) web.Users {
	if cfg.users == nil {
		return nil
	}
	m := hmac.New(sha256.New, cfg.serverKey)
	m.Write([]byte("leeloo-mcp signin key"))
	return &pageUsers{u: cfg.users, key: m.Sum(nil), secure: strings.HasPrefix(cfg.PublicURL, "https://")}
}

// SignedIn returns the user of the request's cookie, if they are still in
// the users file.
func (p *pageUsers) SignedIn(r *http.Request) (string, bool, bool) {
	c, err := r.Cookie(signinCookie)
	if err != nil {
		return "", false, false
	}
	name, ok := verifyUser(p.key, c.Value, time.Now())
	if !ok {
		return "", false, false
	}
	t, ok := p.u.byName[name]
	return t.name, t.approver, ok
}

// SignIn checks token and returns the cookie of its user.
func (p *pageUsers) SignIn(token string) (*http.Cookie, bool) {
	t, ok := p.u.byToken(token)
	if !ok {
		return nil, false
	}
	return &http.Cookie{
		Name: signinCookie, Value: signUser(p.key, t.name, time.Now().Add(signinTTL)), Path: "/",
		MaxAge: int(signinTTL / time.Second), HttpOnly: true, Secure: p.secure, SameSite: http.SameSiteStrictMode,
	}, true
}
