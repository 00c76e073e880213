package app

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// catalogNames are the tool names of a `tools` listing, one per line.
func catalogNames(t *testing.T, out string) []string {
	t.Helper()
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		require.GreaterOrEqual(t, len(f), 4, line)
		names = append(names, f[0])
	}
	return names
}

func TestToolsSubcommand(t *testing.T) {
	r := runApp(t, nil, "tools")
	require.Equal(t, 0, r.code, r.stderr)
	names := catalogNames(t, r.stdout)
	assert.Contains(t, names, "list_tags")
	assert.Contains(t, names, "send_message")
	assert.NotContains(t, names, "log_call", "calls is opt-in")
	assert.NotContains(t, names, "create_traffic_source", "leadgen is opt-in")
	assert.Regexp(t, `(?m)^send_message\s+chats\s+W ext\s+Send a text message`, r.stdout)
	assert.Regexp(t, `(?m)^list_tags\s+tags\s+R\s+List tags`, r.stdout)
	assert.Regexp(t, `(?m)^add_tag\s+tags\s+W\s+Add a tag`, r.stdout)

	all := runApp(t, nil, "tools", "--toolsets", "all")
	require.Equal(t, 0, all.code, all.stderr)
	assert.Len(t, catalogNames(t, all.stdout), len(tools.All(&tools.Deps{})))

	ro := runApp(t, nil, "tools", "--read-only")
	require.Equal(t, 0, ro.code, ro.stderr)
	assert.NotRegexp(t, `(?m)^\S+\s+\S+\s+W`, ro.stdout, "read-only serves no write tool")
	assert.Contains(t, catalogNames(t, ro.stdout), "list_tags")

	one := runApp(t, nil, "tools", "--tools", "list_tags")
	require.Equal(t, 0, one.code, one.stderr)
	assert.Equal(t, []string{"list_tags"}, catalogNames(t, one.stdout))

	ex := runApp(t, map[string]string{"LEELOO_EXCLUDE_TOOLS": "send_message,send_template"}, "tools")
	require.Equal(t, 0, ex.code, ex.stderr)
	assert.NotContains(t, catalogNames(t, ex.stdout), "send_message")
	assert.NotContains(t, catalogNames(t, ex.stdout), "send_template")
	assert.Len(t, catalogNames(t, ex.stdout), len(names)-2)

	bad := runApp(t, nil, "tools", "--toolsets", "bogus")
	assert.NotEqual(t, 0, bad.code)
	assert.Contains(t, bad.stderr, `unknown toolset "bogus"`)
}

func TestToolsStats(t *testing.T) {
	list := runApp(t, nil, "tools")
	require.Equal(t, 0, list.code, list.stderr)
	n := len(catalogNames(t, list.stdout))

	r := runApp(t, nil, "tools", "--stats")
	require.Equal(t, 0, r.code, r.stderr)
	stat := func(label string) int {
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(label) + `\t(\d+)$`).FindStringSubmatch(r.stdout)
		require.NotNil(t, m, "%q in\n%s", label, r.stdout)
		v, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		return v
	}
	count, bytes, per, tokens := stat("tools"), stat("tools/list bytes"), stat("bytes per tool"), stat("approx tokens (bytes/4)")
	assert.Equal(t, n, count)
	assert.Equal(t, bytes/count, per)
	assert.Equal(t, bytes/4, tokens)
	assert.LessOrEqual(t, per, 450, "the default tool set got wordier")
	assert.Greater(t, per, 100)

	// The size is of what is served: fewer tools, fewer bytes.
	small := runApp(t, nil, "tools", "--stats", "--toolsets", "tags")
	require.Equal(t, 0, small.code, small.stderr)
	assert.Contains(t, small.stdout, "tools\t3\n")
}

func TestToolsMarkdown(t *testing.T) {
	r := runApp(t, nil, "tools", "--markdown")
	require.Equal(t, 0, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	all := tools.All(&tools.Deps{})
	require.Len(t, lines, 2+len(all))
	assert.Equal(t, "| tool | toolset | kind | endpoint | what it does |", lines[0])
	assert.Equal(t, "|---|---|---|---|---|", lines[1])
	for i, tl := range all {
		assert.True(t, strings.HasPrefix(lines[2+i], "| `"+tl.Tool.Name+"` | "+tl.Toolset), lines[2+i])
	}
	assert.Contains(t, r.stdout, "| leadgen (opt-in) |")
	assert.Contains(t, r.stdout, "| `list_tags` | tags | R | `GET /tags` |")
	assert.Equal(t, CatalogMarkdown(all), r.stdout)
}

func TestCallSubcommand(t *testing.T) {
	t.Run("list_tags", func(t *testing.T) {
		r := runApp(t, nil, "call", "list_tags")
		require.Equal(t, 0, r.code, r.stderr)
		assert.Contains(t, r.stdout, "9 tags.")
		assert.Contains(t, r.stdout, `"name":"VIP"`)
	})
	t.Run("empty arguments", func(t *testing.T) {
		r := runApp(t, nil, "call", "list_tags", " ")
		assert.Equal(t, 0, r.code, r.stderr)
	})
	t.Run("flags after the arguments", func(t *testing.T) {
		r := runApp(t, nil, "call", "list_tags", "{}", "--toolsets", "tags", "--log-level", "error")
		assert.Equal(t, 0, r.code, r.stderr)
		assert.Contains(t, r.stdout, "VIP")
	})
	t.Run("bad id is actionable", func(t *testing.T) {
		r := runApp(t, nil, "call", "get_person", `{"person_id":"bad"}`)
		assert.Equal(t, 1, r.code)
		out := r.stdout + r.stderr
		assert.Contains(t, out, `person_id "bad" is not a Leeloo id (24 hex characters)`)
		assert.Contains(t, out, "search_people", "says which tool finds the id")
	})
	t.Run("unknown person", func(t *testing.T) {
		r := runApp(t, nil, "call", "get_person", `{"person_id":"aaaaaaaaaaaaaaaaaaaaaaaa"}`)
		assert.Equal(t, 1, r.code)
		assert.Contains(t, r.stdout+r.stderr, "search_people")
	})
	t.Run("unknown tool", func(t *testing.T) {
		r := runApp(t, nil, "call", "nope")
		assert.Equal(t, 1, r.code)
		assert.Contains(t, r.stderr, "no tool nope in the catalog")
		assert.Empty(t, r.stdout)
	})
	t.Run("invalid JSON", func(t *testing.T) {
		r := runApp(t, nil, "call", "list_tags", `{bad`)
		assert.Equal(t, 2, r.code)
		assert.Contains(t, r.stderr, "the arguments are not valid JSON")
	})
	t.Run("schema violation", func(t *testing.T) {
		r := runApp(t, nil, "call", "get_person", `{"person_id":1}`)
		assert.Equal(t, 1, r.code)
		assert.NotEmpty(t, r.stdout+r.stderr)
	})
	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{{"call"}, {"call", "a", "{}", "extra"}} {
			r := runApp(t, nil, args...)
			assert.Equal(t, 2, r.code)
			assert.Contains(t, r.stderr, "usage: leeloo-mcp call TOOL")
		}
	})
	t.Run("read-only serves no send_message", func(t *testing.T) {
		send := `{"account_id":"65d1c0a8e4b0a1000c000102","text":"hi"}`
		for _, args := range [][]string{
			{"--read-only", "call", "send_message", send},
			{"call", "--read-only", "send_message", send},
			{"call", "send_message", send, "--read-only"},
		} {
			r := runApp(t, nil, args...)
			assert.Equal(t, 1, r.code, "%v: %s", args, r.stderr)
			assert.Contains(t, r.stderr, "the server runs read-only", args)
		}
		r := runApp(t, map[string]string{"LEELOO_READ_ONLY": "true"}, "call", "send_message", send)
		assert.Equal(t, 1, r.code)
		assert.Contains(t, r.stderr, "the server runs read-only")
	})
	t.Run("with --confirm preview a mutation previews, with its own exit code", func(t *testing.T) {
		r := runApp(t, nil, "--confirm", "preview", "call", "add_tag", addTagArgs)
		assert.Equal(t, ExitPreview, r.code, r.stderr)
		assert.Contains(t, r.stderr, "WARNING: --confirm preview lets the model confirm its own sends and changes")
		assert.Contains(t, r.stdout, "NOT SENT")
		assert.NotContains(t, r.stdout, "confirm_token:", "without LEELOO_CONFIRM_KEY the token could never be used")
		assert.Contains(t, r.stdout, "LEELOO_CONFIRM_KEY")
		assert.Contains(t, r.stdout, "--confirm off")
	})
	t.Run("a preview confirmed from a second call with a shared key", func(t *testing.T) {
		key := map[string]string{"LEELOO_CONFIRM_KEY": "k-0123456789abcdef0123456789abcdef"}
		r := runApp(t, key, "--confirm", "preview", "call", "add_tag", addTagArgs)
		assert.Equal(t, ExitPreview, r.code, r.stderr)
		require.Contains(t, r.stdout, "confirm_token: ")
		tok := strings.TrimSpace(strings.SplitN(r.stdout[strings.Index(r.stdout, "confirm_token: ")+len("confirm_token: "):], "\n", 2)[0])
		args := strings.TrimSuffix(addTagArgs, "}") + `,"confirm_token":"` + tok + `"}`
		r = runApp(t, key, "--confirm", "preview", "call", "add_tag", args)
		assert.Equal(t, 0, r.code, r.stdout+r.stderr)
	})
	t.Run("a dry run exits as a preview", func(t *testing.T) {
		r := runApp(t, nil, "--confirm", "off", "call", "add_tag", strings.TrimSuffix(addTagArgs, "}")+`,"dry_run":true}`)
		assert.Equal(t, ExitPreview, r.code, r.stderr)
		r = runApp(t, nil, "--confirm", "off", "call", "add_tag", addTagArgs)
		assert.Equal(t, 0, r.code, r.stderr)
	})
	t.Run("help documents the exit codes", func(t *testing.T) {
		r := runApp(t, nil, "--help")
		assert.Contains(t, r.stderr, "3  a preview or dry run: nothing was sent or changed")
	})
}

// TestSubcommandAfterFlags: flags may come before the subcommand.
func TestSubcommandAfterFlags(t *testing.T) {
	r := runApp(t, nil, "--sandbox", "tools")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, catalogNames(t, r.stdout), "list_tags")

	r = runApp(t, nil, "--toolsets", "tags", "tools", "--stats")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "tools\t3\n")

	r = runApp(t, nil, "--log-level=warn", "call", "list_tags")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "VIP")
}

// TestStrayArgument: a word that is neither a flag nor a subcommand is an
// error, not silently ignored while the server starts.
func TestStrayArgument(t *testing.T) {
	for _, args := range [][]string{{"serve"}, {"--sandbox", "lists"}, {"--sandbox", "true"}} {
		r := runApp(t, nil, args...)
		assert.Equal(t, 2, r.code, "%v", args)
		assert.Contains(t, r.stderr, "unexpected argument", args)
		assert.Empty(t, r.stdout)
	}
}
