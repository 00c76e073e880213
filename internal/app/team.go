package app

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Credentials modes (--credentials).
const (
	credentialsEnv        = "env"
	credentialsPerRequest = "per-request"
)

// replicaID is compiled on first use (--replica-id), like userName.
var replicaID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9]{1,32}$`) })

// defaultDrainTimeout bounds how long calls in flight may finish on SIGTERM.
const defaultDrainTimeout = 25 * time.Second

// Team is the configuration of a team server and of a fleet of replicas.
type Team struct {
	// Credentials is env (LEELOO_API_TOKEN) or per-request (every HTTP
	// request sends its own Leeloo token in X-Leeloo-AuthToken).
	Credentials string
	// UsersFile lists the HTTP users (--users-file); users is it loaded.
	UsersFile string
	users     *users
	// MetricsToken is the bearer token /metrics requires; "" for none.
	MetricsToken string
	// DrainTimeout bounds how long calls in flight finish after SIGTERM.
	DrainTimeout time.Duration
	// ReplicaID names this replica in its session ids
	// (mcp-session-ID.RANDOM), for the load balancer's session routing.
	ReplicaID string
	// serverKey keys the tenant hash of a Leeloo token and the approval
	// pages' sign-in cookies: replicas sharing a store must share it.
	serverKey []byte
	// serverKeyRandom says the key is this process's own.
	serverKeyRandom bool
}

// parseTeam reads the team flags into c.
func parseTeam(c *Config, get func(string) string, getenv func(string) string) error {
	c.Credentials = strings.ToLower(get("credentials"))
	if c.Credentials != credentialsEnv && c.Credentials != credentialsPerRequest {
		return fmt.Errorf("--credentials %q: want env or per-request", c.Credentials)
	}
	if c.Credentials == credentialsPerRequest {
		if c.Transport == "stdio" {
			return errors.New("--credentials per-request needs an HTTP transport (--transport http or sse): stdio has no request headers")
		}
		if c.Sandbox {
			return errors.New("--credentials per-request and --sandbox exclude each other: the sandbox has one demo account")
		}
		c.Token = "" // the server has no token of its own
	}
	c.MetricsToken = get("metrics-token")
	var err error
	if c.DrainTimeout, err = time.ParseDuration(get("drain-timeout")); err != nil || c.DrainTimeout <= 0 {
		return fmt.Errorf("--drain-timeout %q: want a positive duration like 25s", get("drain-timeout"))
	}
	c.ReplicaID = get("replica-id")
	if c.ReplicaID != "" && !replicaID().MatchString(c.ReplicaID) {
		return fmt.Errorf("--replica-id %q: want 1 to 32 letters and digits", c.ReplicaID)
	}
	c.UsersFile = get("users-file")
	if c.UsersFile != "" {
		if c.HTTPToken != "" {
			return errors.New("--users-file replaces --http-token: give one of them")
		}
		if c.users, err = loadUsers(c.UsersFile); err != nil {
			return err
		}
	}
	switch k, ck := getenv("LEELOO_TENANT_KEY"), getenv("LEELOO_CONFIRM_KEY"); {
	case k != "":
		c.serverKey = []byte(k)
	case ck != "":
		// Replicas that share the confirm key agree on tenants too, without
		// a second secret; the derivation keeps the two keys apart.
		m := hmac.New(sha256.New, []byte(ck))
		m.Write([]byte("leeloo-mcp tenant key"))
		c.serverKey = m.Sum(nil)
	default:
		c.serverKey = make([]byte, 32)
		_, _ = rand.Read(c.serverKey)
		c.serverKeyRandom = true
	}
	return nil
}

// checkTenantKey refuses a team server on Redis whose replicas could not
// agree on tenants: each would keep its own guard state for one account.
func checkTenantKey(c *Config) error {
	if c.Credentials == credentialsPerRequest && c.serverKeyRandom && strings.HasPrefix(c.state, "redis") {
		return errors.New("--credentials per-request with a Redis --state: set LEELOO_TENANT_KEY (or LEELOO_CONFIRM_KEY) to the same secret on every replica, so they agree on each token's tenant")
	}
	return nil
}

// perRequest reports whether every request brings its own Leeloo token.
func (c *Config) perRequest() bool { return c.Credentials == credentialsPerRequest }

// tenantOf is the tenant of a Leeloo token: an HMAC under the server key,
// so the token cannot be recovered from a key in the store, a log line or a
// metric, and a token guessed offline cannot be checked against them.
func (c *Config) tenantOf(token string) string {
	m := hmac.New(sha256.New, c.serverKey)
	m.Write([]byte("leeloo-mcp tenant\x00"))
	m.Write([]byte(token))
	return fmt.Sprintf("%x", m.Sum(nil)[:12])
}
