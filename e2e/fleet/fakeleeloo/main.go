// Command fakeleeloo is the fleet test's Leeloo: several accounts, each an
// in-memory sandbox behind its own token, that counts what every account
// receives (requests with their times, sends by text) and can be told to
// answer an account with 429 for a while. Loopback only.
//
//	fakeleeloo -accounts a=TOKEN_A,b=TOKEN_B
//
// prints "listening http://127.0.0.1:PORT" and serves the API under
// /api/v2, plus /_fake/stats (JSON) and /_fake/429?account=a&ms=2000.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

type account struct {
	name string
	sb   *sandbox.Server

	mu      sync.Mutex
	times   []time.Time
	sends   map[string]int
	limited int
	tooMany time.Time // answer 429 until then
}

func main() {
	accounts := flag.String("accounts", "", "name=token,... of the accounts")
	listen := flag.String("listen", "127.0.0.1:0", "loopback address")
	flag.Parse()
	byToken := map[string]*account{}
	byName := map[string]*account{}
	for _, kv := range strings.Split(*accounts, ",") {
		name, tok, ok := strings.Cut(kv, "=")
		if !ok || name == "" || tok == "" {
			log.Fatalf("-accounts: want name=token,... (got %q)", kv)
		}
		a := &account{name: name, sb: sandbox.New(sandbox.Options{Token: tok, RecordLimit: 1}), sends: map[string]int{}}
		byToken[tok], byName[name] = a, a
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v2/", func(w http.ResponseWriter, r *http.Request) {
		a := byToken[r.Header.Get("X-Leeloo-AuthToken")]
		if a == nil {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"status":"error","message":"Unauthorized"}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		a.mu.Lock()
		now := time.Now() // under the lock: times stay in order
		a.times = append(a.times, now)
		limited := now.Before(a.tooMany)
		if limited {
			a.limited++
		}
		a.mu.Unlock()
		if limited {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"status":"error","message":"Too Many Requests"}`)
			return
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages/send-message") {
			var m struct {
				Text string `json:"text"`
			}
			_ = json.Unmarshal(body, &m)
			a.mu.Lock()
			a.sends[m.Text]++
			a.mu.Unlock()
		}
		a.sb.ServeHTTP(w, r)
	})
	mux.HandleFunc("/_fake/429", func(w http.ResponseWriter, r *http.Request) {
		a := byName[r.URL.Query().Get("account")]
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		if a == nil || ms <= 0 {
			http.Error(w, "want account= and ms=", http.StatusBadRequest)
			return
		}
		a.mu.Lock()
		a.tooMany = time.Now().Add(time.Duration(ms) * time.Millisecond)
		a.mu.Unlock()
		_, _ = io.WriteString(w, "ok\n")
	})
	// stats: per account, requests, 429s answered, sends by text, and the
	// most requests seen in any window of 1 s and of 5 s since ?since= (Unix
	// ms; 0 for all).
	mux.HandleFunc("/_fake/stats", func(w http.ResponseWriter, r *http.Request) {
		since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
		out := map[string]any{}
		for name, a := range byName {
			a.mu.Lock()
			var ts []time.Time
			for _, t := range a.times {
				if t.UnixMilli() >= since {
					ts = append(ts, t)
				}
			}
			sends := map[string]int{}
			for k, v := range a.sends {
				sends[k] = v
			}
			out[name] = map[string]any{
				"requests": len(ts), "limited": a.limited, "sends": sends,
				"max_1s": maxIn(ts, time.Second), "max_5s": maxIn(ts, 5*time.Second),
			}
			a.mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stdout, "listening http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}

// maxIn is the most of ts (in order) within any window of d.
func maxIn(ts []time.Time, d time.Duration) int {
	best, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= d {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}
