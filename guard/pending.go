package guard

import (
	"context"
	"errors"
	"strings"
	"time"
)

// ErrPendingExists is returned by Put for an id already pending.
var ErrPendingExists = errors.New("a pending record with this id already exists")

// PendingStore holds records awaiting a decision (an approval requested in
// one process, granted in another): put with an expiry, get, update by
// compare-and-swap, claim exactly once, list and delete, all in the guard's
// store under its tenant.
type PendingStore struct {
	store Store
	ns    string
	now   func() time.Time
}

// PendingRecord is one listed record.
type PendingRecord struct {
	ID      string
	Value   []byte
	Expires time.Time
}

// PendingStore returns the guard's pending-record store.
func (g *Guard) PendingStore() *PendingStore { return g.pending }

func (p *PendingStore) key(id string) string { return p.ns + keyPending + id }

// Put stores val under id for ttl; an id still pending is refused.
func (p *PendingStore) Put(ctx context.Context, id string, val []byte, ttl time.Duration) error {
	ok, err := p.store.Claim(ctx, p.key(id), val, p.now().Add(ttl))
	if err != nil {
		return &StoreError{"pending record", err}
	}
	if !ok {
		return ErrPendingExists
	}
	return nil
}

// Get returns the pending record under id, leaving it pending.
func (p *PendingStore) Get(ctx context.Context, id string) ([]byte, bool, error) {
	v, ok, err := p.store.Get(ctx, p.key(id))
	if err != nil {
		return nil, false, &StoreError{"pending record", err}
	}
	return v, ok, nil
}

// Update replaces the record under id by val, expiring after ttl, only if it
// is still old: of concurrent updates of one record exactly one wins.
func (p *PendingStore) Update(ctx context.Context, id string, old, val []byte, ttl time.Duration) (bool, error) {
	ok, err := p.store.Swap(ctx, p.key(id), old, val, p.now().Add(ttl))
	if err != nil {
		return false, &StoreError{"pending record", err}
	}
	return ok, nil
}

// Claim takes the record under id: of concurrent claims, in any process,
// exactly one gets it (first claim wins); the others find nothing.
func (p *PendingStore) Claim(ctx context.Context, id string) ([]byte, bool, error) {
	v, ok, err := p.store.Take(ctx, p.key(id))
	if err != nil {
		return nil, false, &StoreError{"pending record", err}
	}
	return v, ok, nil
}

// List returns the records still pending, by id.
func (p *PendingStore) List(ctx context.Context) ([]PendingRecord, error) {
	es, err := p.store.List(ctx, p.ns+keyPending)
	if err != nil {
		return nil, &StoreError{"pending record", err}
	}
	out := make([]PendingRecord, len(es))
	for i, e := range es {
		out[i] = PendingRecord{ID: strings.TrimPrefix(e.Key, p.ns+keyPending), Value: e.Value, Expires: e.Expires}
	}
	return out, nil
}

// Delete drops the record under id.
func (p *PendingStore) Delete(ctx context.Context, id string) error {
	if err := p.store.Delete(ctx, p.key(id)); err != nil {
		return &StoreError{"pending record", err}
	}
	return nil
}
