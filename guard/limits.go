package guard

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
)

// Duplicate-guard entry states.
const (
	dupInFlight  = "in_flight" // claimed, the upstream call has not returned
	dupSent      = "sent"
	dupUncertain = "uncertain" // failed in a way that may still have delivered it
)

// DefaultSendLease is how long an in-flight send may take before the guard
// treats it as uncertain: its process may have died mid-send.
const DefaultSendLease = 2 * time.Minute

// dedupe remembers recent customer-facing actions by key, in the store.
type dedupe struct {
	store  Store
	ns     string
	window time.Duration
	lease  time.Duration
}

// dedupeEntry is the stored state of one key.
type dedupeEntry struct {
	State string    `json:"state"`
	At    time.Time `json:"at"`
	// Claim is the random id of the claim that wrote an in-flight entry:
	// two claims at one instant never encode alike.
	Claim string `json:"claim,omitempty"`
	// Prev is the settled entry an allowed duplicate replaced while in
	// flight: restored if the duplicate is certainly not delivered, so the
	// earlier delivery is not forgotten.
	Prev *dedupeEntry `json:"prev,omitempty"`
}

func (e dedupeEntry) inFlight() bool { return e.State == dupInFlight }

// effective is the entry as of now: an in-flight claim older than the lease
// counts as uncertain (its process may have been killed mid-send).
func (e dedupeEntry) effective(now time.Time, lease time.Duration) dedupeEntry {
	if e.State == dupInFlight && now.Sub(e.At) > lease {
		e.State = dupUncertain
	}
	return e
}

// dupClaim is a granted claim: the exact bytes written, so settle replaces
// only its own entry.
type dupClaim struct {
	key  string
	raw  []byte
	prev *dedupeEntry
}

// hashKey is the stored name of a duplicate key: its normalised text, hashed
// (customer text never sits in the guard's state).
func hashKey(k string) string {
	s := sha256.Sum256([]byte(normalizeDuplicateKey(k)))
	return hex.EncodeToString(s[:12])
}

func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (d *dedupe) storeKey(key string) string { return d.ns + keyDup + key }

// decodeEntry reads a stored entry; one that cannot be read counts as
// uncertain, never as absent.
func decodeEntry(raw []byte) dedupeEntry {
	var e dedupeEntry
	if json.Unmarshal(raw, &e) != nil || e.State == "" {
		return dedupeEntry{State: dupUncertain}
	}
	return e
}

// peek returns the entry blocking a new claim, if any (no allow_duplicate).
func (d *dedupe) peek(ctx context.Context, key string, now time.Time) (dedupeEntry, bool, error) {
	raw, ok, err := d.store.Get(ctx, d.storeKey(key))
	if err != nil || !ok {
		return dedupeEntry{}, false, err
	}
	return decodeEntry(raw).effective(now, d.lease), true, nil
}

// claim marks key as in flight unless a recent identical action exists; it
// returns the earlier entry when refusing.
func (d *dedupe) claim(ctx context.Context, key string, now time.Time, allow bool) (*dupClaim, dedupeEntry, error) {
	sk := d.storeKey(key)
	for range 16 {
		cur, ok, err := d.store.Get(ctx, sk)
		if err != nil {
			return nil, dedupeEntry{}, &StoreError{"duplicate guard", err}
		}
		var prev *dedupeEntry
		if ok {
			e := decodeEntry(cur).effective(now, d.lease)
			if e.inFlight() || !allow {
				return nil, e, nil
			}
			e.Prev, e.Claim = nil, ""
			prev = &e
		} else {
			cur = nil
		}
		claimed := dedupeEntry{State: dupInFlight, At: now, Claim: randomID(), Prev: prev}
		raw, _ := json.Marshal(claimed)
		// In flight it lives past the lease, then a window as uncertain.
		swapped, err := d.store.Swap(ctx, sk, cur, raw, now.Add(d.lease+d.window))
		if err != nil {
			return nil, dedupeEntry{}, &StoreError{"duplicate guard", err}
		}
		if swapped {
			return &dupClaim{key: sk, raw: raw, prev: prev}, dedupeEntry{}, nil
		}
	}
	return nil, dedupeEntry{}, &StoreError{"duplicate guard", ErrStoreContended}
}

// Settlements of a claim.
type settlement int

const (
	settleDelivered settlement = iota
	settleUncertain
	settleReleased // certainly not delivered
)

// settle records how the claimed action ended. When the store fails, the
// entry stays in flight and turns uncertain after the lease: a store error
// never makes a possibly delivered send look unsent.
func (d *dedupe) settle(ctx context.Context, c *dupClaim, now time.Time, how settlement) error {
	var next []byte
	exp := now.Add(d.window)
	switch how {
	case settleDelivered:
		next, _ = json.Marshal(dedupeEntry{State: dupSent, At: now})
	case settleUncertain:
		next, _ = json.Marshal(dedupeEntry{State: dupUncertain, At: now})
	case settleReleased:
		if c.prev != nil {
			next, _ = json.Marshal(c.prev)
			exp = c.prev.At.Add(d.window)
		}
	}
	if how == settleReleased && (next == nil || !exp.After(now)) {
		// Releasing a claim with nothing before it: delete (Swap to nil).
		_, err := d.store.Swap(ctx, c.key, c.raw, nil, time.Time{})
		return err
	}
	_, err := d.store.Swap(ctx, c.key, c.raw, next, exp)
	return err
}

// DuplicateWindow is how long an identical customer-facing action is
// refused after the last one: what the server instructions tell the model.
func (g *Guard) DuplicateWindow() time.Duration { return g.dedupe.window }

// budget caps customer-facing actions in a sliding hour, in the store.
type budget struct {
	store Store
	ns    string
	max   int // <= 0: unlimited
}

const budgetWindow = time.Hour

// take reserves a slot and returns its id, or says when the oldest frees.
func (b *budget) take(ctx context.Context, now time.Time) (string, time.Time, bool, error) {
	if b.max <= 0 {
		return "", time.Time{}, true, nil
	}
	id := randomID()
	ok, oldest, err := b.store.WindowAdd(ctx, b.ns+keyBudget, id, now, budgetWindow, b.max)
	if err != nil {
		return "", time.Time{}, false, &StoreError{"send budget", err}
	}
	if !ok {
		return "", oldest.Add(budgetWindow), false, nil
	}
	return id, time.Time{}, true, nil
}

// peek reports whether the budget is used up now, and when a slot frees.
func (b *budget) peek(ctx context.Context, now time.Time) (time.Time, bool, error) {
	if b.max <= 0 {
		return time.Time{}, false, nil
	}
	n, oldest, err := b.store.WindowCount(ctx, b.ns+keyBudget, now, budgetWindow)
	if err != nil {
		return time.Time{}, false, &StoreError{"send budget", err}
	}
	return oldest.Add(budgetWindow), n >= b.max, nil
}

// give returns the slot id (the action was certainly not sent).
func (b *budget) give(ctx context.Context, id string) error {
	if b.max <= 0 || id == "" {
		return nil
	}
	return b.store.WindowRemove(ctx, b.ns+keyBudget, id)
}

// refusal is why an identical action is refused now (no allow_duplicate),
// or "" when none blocks it: the duplicate rule as the precheck asks it.
func (d *dedupe) refusal(ctx context.Context, tool, key string, now time.Time) (string, error) {
	e, ok, err := d.peek(ctx, key, now)
	if err != nil || !ok {
		return "", err
	}
	return duplicateReason(tool, e, now), nil
}

// refusal is why the budget refuses a customer-facing action now, or ""
// when a slot is free: the budget rule as the precheck asks it.
func (b *budget) refusal(ctx context.Context, now time.Time) (string, error) {
	free, full, err := b.peek(ctx, now)
	if err != nil || !full {
		return "", err
	}
	return b.reason(free, now), nil
}

// reason is the refusal of a used-up budget whose next slot frees at free.
func (b *budget) reason(free, now time.Time) string {
	return fmt.Sprintf("the send budget of %d customer-facing actions per hour is used up (--max-sends-per-hour); the next slot frees at %s (in %s)",
		b.max, free.UTC().Format("15:04 UTC"), free.Sub(now).Round(time.Second))
}

// reasonOr is a refusal's text: the store's when it failed, else why.
func reasonOr(why string, err error) string {
	if err != nil {
		return storeReason(err)
	}
	return why
}

// uncertainNote follows a customer-facing action that failed in a way that
// may still have delivered it: what a retry within the window needs.
func (d *dedupe) uncertainNote() string {
	return "Leeloo may still have delivered it: check the chat (get_chat_messages) before trying again; a retry within " +
		render.Duration(d.window) + " needs allow_duplicate."
}

func duplicateReason(tool string, e dedupeEntry, now time.Time) string {
	ago := now.Sub(e.At).Round(time.Second)
	switch e.State {
	case dupInFlight:
		return fmt.Sprintf("an identical %s started %s ago and has not finished: it is being sent right now, or the process sending it stopped mid-send and it may have been delivered. Nothing was sent twice; check get_chat_messages before trying again", tool, ago)
	case dupUncertain:
		return fmt.Sprintf("an identical %s failed %s ago in a way that may still have delivered it; check get_chat_messages, then pass allow_duplicate: true only if it did not arrive", tool, ago)
	}
	return fmt.Sprintf("an identical %s was sent %s ago; pass allow_duplicate: true only if the user really wants it again", tool, ago)
}
