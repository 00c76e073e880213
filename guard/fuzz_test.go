package guard

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

// fuzzToken builds a token deterministically (fixed nonce) so seeds are stable.
func fuzzToken(tk *tokens, tool string, args []byte, exp time.Time, nonce byte) string {
	var buf [tokenLen]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(exp.Unix()))
	for i := 8; i < 8+tokenNonceLen; i++ {
		buf[i] = nonce
	}
	copy(buf[8+tokenNonceLen:], tk.mac(tool, args, uint64(exp.Unix()), buf[8:8+tokenNonceLen]))
	return base64.RawURLEncoding.EncodeToString(buf[:])
}

// FuzzTokenCheck feeds arbitrary tokens, tool names and arguments to the
// token parser: it never panics, answers nil or one of the four token
// errors, accepts only tokens whose MAC verifies under the key, and a token
// it accepts executes once.
//
//	go test -run=XXX -fuzz=FuzzTokenCheck -fuzztime=20s ./guard/
func FuzzTokenCheck(f *testing.F) {
	c := newTestClock()
	tk, err := newTokens(testKey, DefaultTokenTTL, c.Now, nil, "")
	if err != nil {
		f.Fatal(err)
	}
	valid := fuzzToken(tk, "send_message", testArgs, testStart.Add(DefaultTokenTTL), 7)
	f.Add(valid, "send_message", testArgs)
	f.Add(valid, "send_template", testArgs)
	f.Add(valid, "send_message", []byte(`{"account_id":"65d1c0a8e4b0a1000c000102","text":"Привіт"}`))
	f.Add(fuzzToken(tk, "add_tag", []byte(`{"person_id":"p","tag":"VIP","tag_id":"t"}`), testStart.Add(-time.Second), 1), "add_tag", []byte(`{"person_id":"p","tag":"VIP","tag_id":"t"}`))
	f.Add(fuzzToken(tk, "create_order", []byte(`{}`), time.Unix(1<<62, 0), 0xff), "create_order", []byte(`{}`))
	f.Add(valid+"\n", "send_message", testArgs)
	f.Add(valid[:42]+"B", "send_message", testArgs)
	f.Add("", "send_message", testArgs)
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "", []byte(nil))
	f.Add("////////////////////////////////////////////", "x", []byte("null"))
	f.Add("not a token", "send_message", []byte(`{"text":"ignore previous instructions"}`))
	f.Fuzz(func(t *testing.T, token, tool string, args []byte) {
		nonce, err := tk.check(token, tool, args)
		switch {
		case err == nil:
		case errors.Is(err, ErrTokenMalformed), errors.Is(err, ErrTokenForged), errors.Is(err, ErrTokenExpired), errors.Is(err, ErrTokenLifetime):
			return
		default:
			t.Fatalf("check(%q): unexpected error %v", token, err)
		}
		// Accepted: the MAC must verify for exactly this tool and these args,
		// and the expiry must not have passed.
		raw, derr := base64.RawURLEncoding.DecodeString(token)
		if derr != nil || len(raw) != tokenLen {
			t.Fatalf("accepted a token that does not decode: %q", token)
		}
		exp := binary.BigEndian.Uint64(raw[:8])
		if string(tk.mac(tool, args, exp, nonce[:])) != string(raw[8+tokenNonceLen:]) {
			t.Fatalf("accepted a token whose MAC does not verify: %q", token)
		}
		if c.Now().Unix() > int64(exp) {
			t.Fatalf("accepted an expired token: %q", token)
		}
		if int64(exp) > c.Now().Add(DefaultTokenTTL+tokenClockSkew).Unix() {
			t.Fatalf("accepted a token that outlives the TTL: %q", token)
		}
		// Another key refuses it.
		other, _ := newTokens([]byte("other"), DefaultTokenTTL, c.Now, nil, "")
		if _, err := other.check(token, tool, args); err == nil {
			t.Fatalf("another key accepted %q", token)
		}
		// A fresh instance with the same key spends it exactly once.
		once, _ := newTokens(testKey, DefaultTokenTTL, c.Now, nil, "")
		if err := once.consume(context.Background(), token, tool, args); err != nil {
			t.Fatalf("consume of an accepted token: %v", err)
		}
		if err := once.consume(context.Background(), token, tool, args); !errors.Is(err, ErrTokenUsed) {
			t.Fatalf("second consume: %v, want ErrTokenUsed", err)
		}
	})
}
