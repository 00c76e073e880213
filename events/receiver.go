package events

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// WebhookPath is where Leeloo posts: WebhookPath + the secret.
const WebhookPath = "/webhooks/leeloo/"

// MaxWebhookBytes caps a webhook body.
const MaxWebhookBytes = 1 << 20

// Resolver maps the secret in a webhook's path to the log of the tenant it
// belongs to; ok false refuses the webhook (404), an error says the lookup
// could not be made (503: Leeloo tries again). Per-tenant secrets plug in
// here (a team server looks the secret's hash up on the state store).
type Resolver func(ctx context.Context, secret string) (log *Log, ok bool, err error)

// SingleTenant accepts exactly secret (compared in constant time) for log;
// an empty secret accepts nothing.
func SingleTenant(secret string, log *Log) Resolver {
	want := []byte(secret)
	return func(_ context.Context, got string) (*Log, bool, error) {
		if len(want) == 0 || subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			return nil, false, nil
		}
		return log, true, nil
	}
}

// Receiver is the webhook endpoint: POST WebhookPath{secret}. It answers
// 200 as soon as the event is stored (or recognised as a redelivery),
// whatever the payload looks like: Leeloo never retries because of us; a
// state store that cannot store it answers 503, so Leeloo tries again.
type Receiver struct {
	Resolve Resolver
	// Stored is called after an event was stored in log (the hub's Kick).
	Stored func(log *Log, ev Event)
	Now    func() time.Time
	Logger *slog.Logger
}

// ServeHTTP serves one webhook.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secret := r.PathValue("secret")
	if secret == "" {
		secret = r.URL.Path[min(len(r.URL.Path), len(WebhookPath)):]
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	log, ok, err := rc.Resolve(ctx, secret)
	if err != nil {
		if rc.Logger != nil {
			rc.Logger.Warn("webhook: the state store did not answer the secret's lookup", "err", err)
		}
		http.Error(w, "not stored, try again", http.StatusServiceUnavailable)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		http.Error(w, "body too large (limit 1 MiB)", http.StatusRequestEntityTooLarge)
		return
	}
	now := time.Now
	if rc.Now != nil {
		now = rc.Now
	}
	ev, key := Decode(body, now())
	stored, dup, err := log.Add(ctx, ev, key)
	if err != nil {
		if rc.Logger != nil {
			rc.Logger.Warn("webhook: the state store did not take the event", "err", err)
		}
		http.Error(w, "not stored, try again", http.StatusServiceUnavailable)
		return
	}
	if !dup && rc.Stored != nil {
		rc.Stored(log, stored)
	}
	w.Header().Set("Content-Type", "application/json")
	if dup {
		_, _ = io.WriteString(w, `{"ok":true,"duplicate":true}`)
		return
	}
	_, _ = io.WriteString(w, `{"ok":true}`)
}
