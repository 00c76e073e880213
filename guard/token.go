package guard

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"time"
)

// Token errors, each with the reason the model is told.
var (
	ErrTokenMalformed = errors.New("confirm_token is not one this server issued (malformed)")
	ErrTokenForged    = errors.New("confirm_token does not match this tool and these exact arguments (arguments changed since the preview, or the token was made for another call or by another key)")
	ErrTokenExpired   = errors.New("confirm_token has expired")
	ErrTokenUsed      = errors.New("confirm_token was already used; each confirmation executes once")
	ErrTokenLifetime  = errors.New("confirm_token claims an expiry beyond this server's token lifetime (it was not issued by this server's preview)")
)

// tokenClockSkew is how far another replica's clock may run ahead of ours
// when it issues a token.
const tokenClockSkew = 30 * time.Second

const (
	tokenNonceLen = 8
	tokenMACLen   = 16
	tokenLen      = 8 + tokenNonceLen + tokenMACLen
)

// tokens issues and checks single-use confirmation tokens: an HMAC over the
// tool name and the canonical arguments, with an expiry.
type tokens struct {
	key []byte
	ttl time.Duration
	now func() time.Time
	// used holds the spent nonces (under ns), so a token executes once
	// across processes and restarts.
	used Store
	ns   string
}

func newTokens(key []byte, ttl time.Duration, now func() time.Time, used Store, ns string) (*tokens, error) {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
	}
	if used == nil {
		used = NewMemoryStore(now)
	}
	return &tokens{key: key, ttl: ttl, now: now, used: used, ns: ns}, nil
}

func (t *tokens) mac(tool string, args []byte, exp uint64, nonce []byte) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(tool))
	m.Write([]byte{0})
	m.Write(args)
	m.Write([]byte{0})
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], exp)
	m.Write(b[:])
	m.Write(nonce)
	return m.Sum(nil)[:tokenMACLen]
}

// issue returns a token for tool and its canonical arguments, and its expiry.
func (t *tokens) issue(tool string, args []byte) (string, time.Time) {
	exp := t.now().Add(t.ttl)
	var buf [tokenLen]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(exp.Unix()))
	_, _ = rand.Read(buf[8 : 8+tokenNonceLen])
	copy(buf[8+tokenNonceLen:], t.mac(tool, args, uint64(exp.Unix()), buf[8:8+tokenNonceLen]))
	return base64.RawURLEncoding.EncodeToString(buf[:]), exp
}

// check verifies a token for tool and args without consuming it.
func (t *tokens) check(token, tool string, args []byte) ([tokenNonceLen]byte, error) {
	var nonce [tokenNonceLen]byte
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != tokenLen {
		return nonce, ErrTokenMalformed
	}
	exp := binary.BigEndian.Uint64(raw[:8])
	copy(nonce[:], raw[8:8+tokenNonceLen])
	if !hmac.Equal(raw[8+tokenNonceLen:], t.mac(tool, args, exp, nonce[:])) {
		return nonce, ErrTokenForged
	}
	now := t.now()
	if now.Unix() > int64(exp) {
		return nonce, ErrTokenExpired
	}
	// A holder of the shared key could mint any expiry: accept none beyond
	// what this server would have issued.
	if int64(exp) > now.Add(t.ttl+tokenClockSkew).Unix() {
		return nonce, ErrTokenLifetime
	}
	return nonce, nil
}

// consume verifies and spends a token: it executes at most once, whichever
// process or replica sharing the store presents it. A store error refuses.
func (t *tokens) consume(ctx context.Context, token, tool string, args []byte) error {
	nonce, err := t.check(token, tool, args)
	if err != nil {
		return err
	}
	raw, _ := base64.RawURLEncoding.DecodeString(token)
	exp := time.Unix(int64(binary.BigEndian.Uint64(raw[:8])), 0)
	// Remembered past the token's own expiry (plus skew), so it can never
	// verify again once forgotten.
	first, err := t.used.Claim(ctx, t.ns+keyNonce+hex.EncodeToString(nonce[:]), []byte{1}, exp.Add(tokenClockSkew+time.Second))
	if err != nil {
		return &StoreError{"single-use confirmation", err}
	}
	if !first {
		return ErrTokenUsed
	}
	return nil
}
