package guard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Store holds the guard state that must hold across processes, restarts and
// replicas: spent confirm-token nonces, duplicate-guard entries, the send
// budget's sliding window, pending approvals and the shared Leeloo request
// rate. Every method is atomic on its own; every value carries its expiry
// and is gone once it passes (a value is live through its expiry instant; a
// zero expiry means none).
//
// Implementations: NewMemoryStore (one process, tests), NewFileStore (a
// bbolt file several processes on one machine share) and NewRedisStore
// (replicas). Keys are built by the guard under a tenant's Namespace.
type Store interface {
	// Claim stores val under key until exp unless a live value is there, and
	// reports whether this call stored it: of concurrent claims exactly one
	// wins.
	Claim(ctx context.Context, key string, val []byte, exp time.Time) (bool, error)
	// Get returns the live value under key. It never creates anything (the
	// file store does not even create its file).
	Get(ctx context.Context, key string) ([]byte, bool, error)
	// Swap replaces the live value under key by val, expiring at exp, only if
	// it is still old (nil old: only if there is none); a nil val deletes it.
	// It reports whether it swapped.
	Swap(ctx context.Context, key string, old, val []byte, exp time.Time) (bool, error)
	// Take returns and deletes the live value under key: of concurrent takers
	// exactly one gets it.
	Take(ctx context.Context, key string) ([]byte, bool, error)
	// List returns the live values whose key starts with prefix, by key.
	List(ctx context.Context, prefix string) ([]Entry, error)
	// Delete removes key.
	Delete(ctx context.Context, key string) error

	// WindowAdd adds member at now to the sliding window under key unless
	// it already holds max members taken within the last window (after now -
	// window); refused, it returns when the oldest of them was taken.
	WindowAdd(ctx context.Context, key, member string, now time.Time, window time.Duration, max int) (bool, time.Time, error)
	// WindowCount returns how many members the window holds at now and when
	// the oldest of them was taken.
	WindowCount(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error)
	// WindowRemove takes member out of the window (a slot given back).
	WindowRemove(ctx context.Context, key, member string) error

	// Pace reserves the next request of a rate (one per interval, burst at
	// once) under key and returns how long the caller waits before sending
	// it: never before a time set by Block.
	Pace(ctx context.Context, key string, now time.Time, interval time.Duration, burst int) (time.Duration, error)
	// Block holds every Pace under key until until (upstream said 429).
	Block(ctx context.Context, key string, until time.Time) error

	// Append adds val at the end of the stream under key and returns its id
	// ("ms-seq": the append's unix milliseconds and a sequence, increasing
	// along the stream; compare ids with StreamIDLess). The stream keeps at
	// most maxLen entries and none appended more than maxAge before now; a
	// stream nobody appends to for maxAge is gone.
	Append(ctx context.Context, key string, val []byte, now time.Time, maxLen int, maxAge time.Duration) (string, error)
	// Since returns up to limit entries (0: all) of the stream under key
	// appended after the entry with id after ("": from the oldest), oldest
	// first. Entries past maxAge may linger until the next Append: callers
	// filter them by StreamIDTime.
	Since(ctx context.Context, key, after string, limit int) ([]StreamEntry, error)

	// Close releases the store's connections; the state stays.
	Close() error
}

// StreamEntry is one entry of a stream (Append, Since).
type StreamEntry struct {
	ID    string
	Value []byte
}

// Entry is one live value of a List.
type Entry struct {
	Key     string
	Value   []byte
	Expires time.Time
}

// ErrStoreContended is returned when an update kept losing races.
var ErrStoreContended = errors.New("the state store is too contended; try again")

// Namespace is the key prefix of one tenant's state: a hash of the tenant
// (which may be derived from a token), never the tenant itself. "" is the
// default tenant.
func Namespace(tenant string) string {
	if tenant == "" {
		tenant = "default"
	}
	h := sha256.Sum256([]byte("leeloo-mcp tenant\x00" + tenant))
	return "t" + hex.EncodeToString(h[:8]) + "/"
}

// Key kinds under a namespace.
const (
	keyNonce   = "nonce/"
	keyDup     = "dup/"
	keyBudget  = "budget"
	keyPending = "pending/"
	keyRate    = "rate/"
)

// StoreError is a state store failure while guarding a mutation; the
// mutation is refused (fail closed).
type StoreError struct {
	Op  string
	Err error
}

func (e *StoreError) Error() string { return fmt.Sprintf("%s: %v", e.Op, e.Err) }

func (e *StoreError) Unwrap() error { return e.Err }

// storeReason is what the model is told when the store fails a mutation.
func storeReason(err error) string {
	return "the guard's shared state (--state) is unavailable (" + err.Error() + "), so the duplicate guard, the send budget and single-use confirmations cannot be checked; nothing was sent or changed. Try again shortly; if it persists, tell the user the state store needs attention"
}
