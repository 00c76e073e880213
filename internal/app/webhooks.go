package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/guard"
)

// webhookURLPath is where a team tenant gets (GET) or rotates (POST) its
// webhook URL over HTTP, authenticated as every team request is.
const webhookURLPath = "/webhook-url"

// webhookSecretKey prefixes the store's secret-hash -> tenant entries, shared
// by every tenant (the receiver does not know the tenant yet).
const webhookSecretKey = "webhooks/secret/"

// webhooks are the per-tenant webhook secrets of a team server. A tenant's
// secret is an HMAC under the server key of its tenant id and a random nonce
// kept under its namespace; the store maps the secret's SHA-256 to the
// tenant, so any replica sharing the store and the key resolves a webhook.
// Neither the secret nor any token is stored; rotating draws a new nonce.
type webhooks struct {
	cfg   *Config
	store guard.Store
}

func (w *webhooks) nonceKey(tenant string) string {
	return guard.Namespace(tenant) + "webhooks/nonce"
}

func secretHashKey(secret string) string {
	sum := sha256.Sum256([]byte("leeloo-mcp webhook\x00" + secret))
	return webhookSecretKey + hex.EncodeToString(sum[:16])
}

// secretFor derives tenant's secret from its nonce: 40 hex characters.
func (w *webhooks) secretFor(tenant string, nonce []byte) string {
	m := hmac.New(sha256.New, w.cfg.serverKey)
	m.Write([]byte("leeloo-mcp webhook secret\x00" + tenant + "\x00"))
	m.Write(nonce)
	return hex.EncodeToString(m.Sum(nil)[:20])
}

// registered reports whether tenant has a webhook secret.
func (w *webhooks) registered(ctx context.Context, tenant string) (bool, error) {
	_, ok, err := w.store.Get(ctx, w.nonceKey(tenant))
	return ok, err
}

// secret returns tenant's secret, registering one on first use (of
// concurrent first uses in any replica, one nonce wins).
func (w *webhooks) secret(ctx context.Context, tenant string) (string, error) {
	key := w.nonceKey(tenant)
	nonce, ok, err := w.store.Get(ctx, key)
	if err != nil {
		return "", err
	}
	if !ok {
		fresh := newNonce()
		won, err := w.store.Claim(ctx, key, fresh, time.Time{})
		if err != nil {
			return "", err
		}
		if nonce = fresh; !won {
			if nonce, _, err = w.store.Get(ctx, key); err != nil {
				return "", err
			}
		}
	}
	s := w.secretFor(tenant, nonce)
	// Written on every use, so a registration cut short is completed.
	if _, err := w.store.Claim(ctx, secretHashKey(s), []byte(tenant), time.Time{}); err != nil {
		return "", err
	}
	return s, nil
}

// rotate replaces tenant's secret: the old URL stops working at once.
func (w *webhooks) rotate(ctx context.Context, tenant string) (string, error) {
	old, err := w.secret(ctx, tenant)
	if err != nil {
		return "", err
	}
	key := w.nonceKey(tenant)
	oldNonce, _, err := w.store.Get(ctx, key)
	if err != nil {
		return "", err
	}
	nonce := newNonce()
	s := w.secretFor(tenant, nonce)
	if _, err := w.store.Claim(ctx, secretHashKey(s), []byte(tenant), time.Time{}); err != nil {
		return "", err
	}
	swapped, err := w.store.Swap(ctx, key, oldNonce, nonce, time.Time{})
	if err != nil || !swapped {
		_ = w.store.Delete(ctx, secretHashKey(s))
		if err == nil {
			return w.secret(ctx, tenant) // rotated by a concurrent call: that one's
		}
		return "", err
	}
	// The receiver also checks the secret against the current nonce, so the
	// old one is refused even if this delete is lost.
	_ = w.store.Delete(ctx, secretHashKey(old))
	return s, nil
}

// resolve is the receiver's events.Resolver: the secret's hash names the
// tenant, whose current secret it must be.
func (w *webhooks) resolve(ctx context.Context, secret string) (string, bool, error) {
	if len(secret) != 40 {
		return "", false, nil
	}
	tenant, ok, err := w.store.Get(ctx, secretHashKey(secret))
	if err != nil || !ok {
		return "", false, err
	}
	nonce, ok, err := w.store.Get(ctx, w.nonceKey(string(tenant)))
	if err != nil || !ok {
		return "", false, err
	}
	if subtle.ConstantTimeCompare([]byte(w.secretFor(string(tenant), nonce)), []byte(secret)) != 1 {
		return "", false, nil
	}
	return string(tenant), true, nil
}

func newNonce() []byte {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return b
}

// teamReceiver is the webhook receiver of a team server: the secret in the
// path names the tenant whose log takes the event; the tenant's hub in this
// process, if it is built here, hears of it at once (other replicas within
// their tail interval).
func (ts *tenants) teamReceiver() http.Handler {
	return &events.Receiver{
		Resolve: func(ctx context.Context, secret string) (*events.Log, bool, error) {
			tenant, ok, err := ts.hooks.resolve(ctx, secret)
			if !ok || err != nil {
				return nil, false, err
			}
			return ts.eventLog(tenant), true, nil
		},
		Stored: func(log *events.Log, _ events.Event) {
			ts.each(func(t *tenant) {
				if t.live != nil && t.live.log.Namespace() == log.Namespace() {
					t.live.hub.Kick()
				}
			})
		},
		Logger: ts.e.log,
	}
}

// eventLog is tenant's event log on the shared store.
func (ts *tenants) eventLog(tenant string) *events.Log {
	l := ts.e.cfg.Live
	return events.NewLog(ts.e.store, events.LogOptions{Tenant: tenant, MaxLen: l.MaxEvents, MaxAge: l.MaxAge})
}

// webhookURL is tenant's full webhook URL on this server.
func (ts *tenants) webhookURL(ctx context.Context, tenant string, rotate bool) (string, error) {
	get := ts.hooks.secret
	if rotate {
		get = ts.hooks.rotate
	}
	s, err := get(ctx, tenant)
	if err != nil {
		return "", err
	}
	return ts.publicBase() + events.WebhookPath + s, nil
}

// publicBase is --public-url, else the listener's address.
func (ts *tenants) publicBase() string {
	if ts.e.cfg.PublicURL != "" {
		return ts.e.cfg.PublicURL
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return "http://" + ts.addr
}

// serveWebhookURL answers GET /webhook-url with the tenant's webhook URL
// (registering it on first use) and POST /webhook-url with a new one (the
// old stops working): for scripts and operators; MCP clients have the
// webhook_url tool.
func (ts *tenants) serveWebhookURL(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimSpace(r.Header.Get(leelooTokenHeader))
	if tok == "" {
		http.Error(w, "Unauthorized: send your Leeloo API token in the "+leelooTokenHeader+" header: the webhook URL is your account's", http.StatusUnauthorized)
		return
	}
	rotate := false
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		rotate = true
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "GET (your URL) or POST (a new one)", http.StatusMethodNotAllowed)
		return
	}
	u, err := ts.webhookURL(r.Context(), ts.e.cfg.tenantOf(tok), rotate)
	if err != nil {
		http.Error(w, "the state store did not answer, try again", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{"webhook_url": u, "rotated": rotate})
}
