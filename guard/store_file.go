package guard

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DefaultLockTimeout bounds how long a file store waits for another process
// holding the file.
const DefaultLockTimeout = 5 * time.Second

// FileOptions configures a file store.
type FileOptions struct {
	// LockTimeout bounds the wait for the file lock; DefaultLockTimeout when
	// zero.
	LockTimeout time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// NewFileStore is a Store in a bbolt file that several processes on one
// machine share. Nothing is opened here: the file (and its directory) is
// created by the first write, each transaction opens the file, takes its
// lock and closes it again, so no process holds it between transactions,
// and a read of a file that does not exist yet finds nothing.
func NewFileStore(path string, opts FileOptions) Store {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &localStore{kv: &fileKV{path: path, timeout: opts.LockTimeout, now: opts.Now}}
}

var (
	bucketKV  = []byte("kv")
	bucketExp = []byte("exp") // 8 bytes unix nanoseconds of expiry + key -> nothing
)

// fileKV keeps entries as 8 bytes expiry (unix nanoseconds, 0: none) plus
// the value in bucket kv, and an expiry index that write transactions sweep.
type fileKV struct {
	path    string
	timeout time.Duration
	now     func() time.Time
	// mu serialises this process's own transactions: the file lock then only
	// arbitrates between processes (bbolt polls a busy lock every 50ms).
	mu     sync.Mutex
	closed bool
}

func (k *fileKV) open(readOnly bool) (*bolt.DB, error) {
	if k.closed {
		return nil, errClosed
	}
	if !readOnly {
		if err := os.MkdirAll(filepath.Dir(k.path), 0o700); err != nil {
			return nil, fmt.Errorf("state file: %w", err)
		}
	}
	db, err := bolt.Open(k.path, 0o600, &bolt.Options{Timeout: k.timeout, ReadOnly: readOnly})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("state file %s is locked by another process for more than %s", k.path, k.timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("state file %s: %w", k.path, err)
	}
	return db, nil
}

func decodeFileEntry(raw []byte, now time.Time) (val []byte, exp time.Time, live bool) {
	if len(raw) < 8 {
		return nil, time.Time{}, false
	}
	if n := int64(binary.BigEndian.Uint64(raw[:8])); n != 0 {
		exp = time.Unix(0, n)
	}
	return raw[8:], exp, exp.IsZero() || !now.After(exp)
}

func expNanos(exp time.Time) uint64 {
	if exp.IsZero() {
		return 0
	}
	return uint64(exp.UnixNano())
}

func (k *fileKV) update(ctx context.Context, key string, fn updateFunc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	db, err := k.open(false)
	if err != nil {
		return err
	}
	// The transaction commits (synced) or fails on its own; closing only
	// unmaps the file and drops its lock, so its error changes nothing.
	defer func() { _ = db.Close() }()
	now := k.now()
	return db.Update(func(tx *bolt.Tx) error {
		kv, err := tx.CreateBucketIfNotExists(bucketKV)
		if err != nil {
			return err
		}
		idx, err := tx.CreateBucketIfNotExists(bucketExp)
		if err != nil {
			return err
		}
		if err := sweep(kv, idx, now); err != nil {
			return err
		}
		raw := kv.Get([]byte(key))
		cur, curExp, ok := decodeFileEntry(raw, now)
		if !ok {
			cur, curExp = nil, time.Time{}
		}
		next, exp, write := fn(append([]byte(nil), cur...), curExp, ok)
		if !write {
			return nil
		}
		if next == nil {
			return kv.Delete([]byte(key))
		}
		v := binary.BigEndian.AppendUint64(nil, expNanos(exp))
		if err := kv.Put([]byte(key), append(v, next...)); err != nil {
			return err
		}
		if exp.IsZero() {
			return nil
		}
		return idx.Put(append(binary.BigEndian.AppendUint64(nil, expNanos(exp)), key...), nil)
	})
}

// sweep deletes the entries whose indexed expiry has passed (an index entry
// of a key rewritten since with a later expiry is dropped alone).
func sweep(kv, idx *bolt.Bucket, now time.Time) error {
	c := idx.Cursor()
	var done [][]byte
	for ik, _ := c.First(); len(ik) >= 8; ik, _ = c.Next() {
		exp := time.Unix(0, int64(binary.BigEndian.Uint64(ik[:8])))
		if !now.After(exp) {
			break
		}
		key := ik[8:]
		if raw := kv.Get(key); raw != nil {
			if _, _, live := decodeFileEntry(raw, now); !live {
				if err := kv.Delete(key); err != nil {
					return err
				}
			}
		}
		done = append(done, append([]byte(nil), ik...))
	}
	for _, ik := range done {
		if err := idx.Delete(ik); err != nil {
			return err
		}
	}
	return nil
}

// view runs fn in a read transaction; a missing file is an empty store and
// stays missing.
func (k *fileKV) view(ctx context.Context, fn func(kv *bolt.Bucket, now time.Time)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	// Missing, or created but never initialised (a crash at creation): empty.
	if fi, err := os.Stat(k.path); errors.Is(err, fs.ErrNotExist) || (err == nil && fi.Size() == 0) {
		return nil
	}
	db, err := k.open(true)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }() // a read: nothing to lose
	now := k.now()
	return db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketKV); b != nil {
			fn(b, now)
		}
		return nil
	})
}

func (k *fileKV) get(ctx context.Context, key string) ([]byte, bool, error) {
	var out []byte
	found := false
	err := k.view(ctx, func(kv *bolt.Bucket, now time.Time) {
		if val, _, live := decodeFileEntry(kv.Get([]byte(key)), now); live {
			out, found = append([]byte(nil), val...), true
		}
	})
	return out, found, err
}

func (k *fileKV) list(ctx context.Context, prefix string) ([]Entry, error) {
	var out []Entry
	err := k.view(ctx, func(kv *bolt.Bucket, now time.Time) {
		c := kv.Cursor()
		p := []byte(prefix)
		for key, raw := c.Seek(p); key != nil && bytes.HasPrefix(key, p); key, raw = c.Next() {
			if val, exp, live := decodeFileEntry(raw, now); live {
				out = append(out, Entry{Key: string(key), Value: append([]byte(nil), val...), Expires: exp})
			}
		}
	})
	return out, err
}

func (k *fileKV) close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.closed = true
	return nil
}
