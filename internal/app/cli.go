package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/prompts"
	"github.com/leeloo-mcp/leeloo-mcp/resources"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// printCatalog prints the served tools: a plain table, the README's Markdown
// table, or the size of tools/list.
func printCatalog(stdout, stderr io.Writer, e *env, markdown, stats bool) int {
	switch {
	case stats:
		b, err := toolsListBytes(e)
		if err != nil {
			fmt.Fprintln(stderr, "leeloo-mcp:", err)
			return 1
		}
		n := len(e.tools)
		fmt.Fprintf(stdout, "tools\t%d\ntools/list bytes\t%d\nbytes per tool\t%d\napprox tokens (bytes/4)\t%d\n", n, b, b/max(n, 1), b/4)
	case markdown:
		fmt.Fprint(stdout, CatalogMarkdown(tools.All(&tools.Deps{})))
	default:
		for _, t := range e.tools {
			fmt.Fprintf(stdout, "%-28s %-12s %-6s %s\n", t.Tool.Name, t.Toolset, t.Kind(), t.Tool.Description)
		}
	}
	return 0
}

// CatalogMarkdown is the README's tool table, generated from the code.
func CatalogMarkdown(all []tools.Tool) string {
	var b strings.Builder
	b.WriteString("| tool | toolset | kind | endpoint | what it does |\n|---|---|---|---|---|\n")
	for _, t := range all {
		def := ""
		if !tools.IsDefaultToolset(t.Toolset) {
			def = " (opt-in)"
		}
		fmt.Fprintf(&b, "| `%s` | %s%s | %s | `%s` | %s |\n", t.Tool.Name, t.Toolset, def, t.Kind(), t.Endpoint, t.Tool.Description)
	}
	return b.String()
}

// toolsListBytes is the size of the exact tools/list result on the wire.
func toolsListBytes(e *env) (int, error) {
	raw := e.srv.HandleMessage(context.Background(), []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	resp, ok := raw.(mcp.JSONRPCResponse)
	if !ok {
		return 0, fmt.Errorf("tools/list failed: %v", raw)
	}
	b, err := json.Marshal(resp.Result)
	return len(b), err
}

// ExitPreview is call's exit code when nothing was sent or changed: the
// answer is a preview (or a dry run) awaiting confirmation.
const ExitPreview = 3

// isPreview reports whether a tool result is a preview: the guard answers
// executed: false.
func isPreview(res *mcp.CallToolResult) bool {
	if res.IsError || res.StructuredContent == nil {
		return false
	}
	b, _ := json.Marshal(res.StructuredContent)
	var sc struct {
		Executed *bool `json:"executed"`
	}
	return json.Unmarshal(b, &sc) == nil && sc.Executed != nil && !*sc.Executed
}

// withoutToken drops the confirm_token from a preview printed by call when
// no LEELOO_CONFIRM_KEY is set: the key dies with this process, so the token
// could never be used, and says how to go on instead.
func withoutToken(text string) string {
	lines := strings.Split(text, "\n")
	out := lines[:0]
	had := false
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "confirm_token: "):
			had = true
			continue
		case i == 0 && strings.HasPrefix(l, "NOT SENT YET."):
			l = "NOT SENT: a preview only; nothing was sent or changed."
		}
		out = append(out, l)
	}
	if !had {
		return text
	}
	return strings.Join(out, "\n") + "\nTo execute it from the shell, repeat the call with --confirm off (for scripts you trust), or set LEELOO_CONFIRM_KEY: the preview then prints a confirm_token that a second call with the same key can pass."
}

// callOnce runs one tool call in process and prints its text result.
func callOnce(ctx context.Context, stdout, stderr io.Writer, e *env, args []string) int {
	if len(args) < 1 || len(args) > 2 {
		fmt.Fprintln(stderr, "usage: leeloo-mcp call TOOL ['{\"arg\": \"value\"}']")
		return 2
	}
	if !e.served(args[0]) {
		fmt.Fprintln(stderr, "leeloo-mcp:", whyHidden(e.cfg, args[0]))
		return 1
	}
	arguments := json.RawMessage(`{}`)
	if len(args) == 2 && strings.TrimSpace(args[1]) != "" {
		if !json.Valid([]byte(args[1])) {
			fmt.Fprintln(stderr, "leeloo-mcp: the arguments are not valid JSON")
			return 2
		}
		arguments = json.RawMessage(args[1])
	}
	init := `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"leeloo-mcp-call","version":"` + Version + `"}}}`
	e.srv.HandleMessage(ctx, []byte(init))
	req, _ := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "id": 1, "method": "tools/call",
		"params": map[string]any{"name": args[0], "arguments": arguments},
	})
	switch r := e.srv.HandleMessage(ctx, req).(type) {
	case mcp.JSONRPCResponse:
		res, ok := r.Result.(*mcp.CallToolResult)
		if !ok {
			b, _ := json.Marshal(r.Result)
			_ = json.Unmarshal(b, &res)
		}
		if res == nil {
			fmt.Fprintln(stderr, "leeloo-mcp: empty result")
			return 1
		}
		if waited, ok := awaitApproval(ctx, e, res, stdout, stderr); ok {
			printText(stdout, waited)
			if waited.IsError {
				return 1
			}
			return 0
		}
		preview := isPreview(res)
		for _, c := range res.Content {
			if tc, ok := mcp.AsTextContent(c); ok {
				text := tc.Text
				if preview && e.cfg.ConfirmKey == "" {
					text = withoutToken(text)
				}
				fmt.Fprintln(stdout, text)
			}
		}
		switch {
		case res.IsError:
			return 1
		case preview:
			return ExitPreview
		}
		return 0
	case mcp.JSONRPCError:
		fmt.Fprintln(stderr, "leeloo-mcp:", r.Error.Message)
		return 1
	default:
		fmt.Fprintf(stderr, "leeloo-mcp: unexpected reply %T\n", r)
		return 1
	}
}

func printText(w io.Writer, res *mcp.CallToolResult) {
	for _, c := range res.Content {
		if tc, ok := mcp.AsTextContent(c); ok {
			fmt.Fprintln(w, tc.Text)
		}
	}
}

// ResourcesMarkdown is the README's resources and prompts section, generated
// from the code.
func ResourcesMarkdown() string {
	res, templates := resources.All(nil)
	res = append(res, resources.Catalog(nil), resources.Events(nil))
	templates = append(templates, resources.EventsOfType(nil))
	var b strings.Builder
	b.WriteString("| resource | type | what it is |\n|---|---|---|\n")
	for _, t := range templates {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", t.Template.URITemplate.Raw(), t.Template.MIMEType, t.Template.Description)
	}
	for _, r := range res {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.Resource.URI, r.Resource.MIMEType, r.Resource.Description)
	}
	b.WriteString("\n| prompt | arguments | what it does |\n|---|---|---|\n")
	for _, p := range prompts.All() {
		var args []string
		for _, a := range p.Prompt.Arguments {
			n := "`" + a.Name + "`"
			if a.Required {
				n += " (required)"
			}
			args = append(args, n)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", p.Prompt.Name, strings.Join(args, ", "), p.Prompt.Description)
	}
	return b.String()
}
