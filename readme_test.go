package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/app"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// replaceBetween swaps the text between two marker lines.
func replaceBetween(doc, start, end, body string) (string, bool) {
	i := strings.Index(doc, start)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return doc, false
	}
	return doc[:i+len(start)] + "\n" + body + doc[j:], true
}

// TestReadmeToolCatalog fails when the README's tool, resource or prompt
// tables differ from the code; UPDATE_GOLDEN=1 rewrites them.
func TestReadmeToolCatalog(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	require.NoError(t, err)
	doc := string(raw)
	want, ok := replaceBetween(doc, "<!-- tools:start -->", "<!-- tools:end -->", app.CatalogMarkdown(tools.All(&tools.Deps{})))
	require.True(t, ok, "README.md lacks the tools markers")
	want, ok = replaceBetween(want, "<!-- resources:start -->", "<!-- resources:end -->", app.ResourcesMarkdown())
	require.True(t, ok, "README.md lacks the resources markers")
	if os.Getenv("UPDATE_GOLDEN") == "1" && want != doc {
		require.NoError(t, os.WriteFile("README.md", []byte(want), 0o644))
		return
	}
	assert.Equal(t, want, doc, "README tool table is stale: run UPDATE_GOLDEN=1 go test -run TestReadme .")
	assert.Equal(t, len(tools.All(&tools.Deps{})), strings.Count(want[strings.Index(want, "<!-- tools:start -->"):strings.Index(want, "<!-- tools:end -->")], "\n| `"))
}

// TestReadmeDocumentsEveryFlag checks each flag and its variable are in the
// configuration table.
func TestReadmeDocumentsEveryFlag(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, fe := range app.FlagEnv() {
		row := regexp.MustCompile("(?m)^\\| `--" + regexp.QuoteMeta(fe[0]) + "` \\| `" + regexp.QuoteMeta(fe[1]) + "` \\|")
		assert.Regexp(t, row, string(raw), "README configuration table lacks --%s / %s", fe[0], fe[1])
	}
	for _, v := range []string{"LEELOO_API_TOKEN", "LEELOO_CONFIRM_KEY"} {
		assert.Contains(t, string(raw), "`"+v+"`")
	}
}

// TestQuickStartOnAFreshMachine: the quick start names the Go version go.mod
// requires, and .ci/run installs what else it needs (gcc for -race, git,
// Node.js and npm) where it can, saying what must be there otherwise.
func TestQuickStartOnAFreshMachine(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(string(mod))
	require.NotNil(t, m)
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	assert.Contains(t, string(readme), "Go "+m[1]+" or later")

	run, err := os.ReadFile(".ci/run")
	require.NoError(t, err)
	assert.Contains(t, string(run), "bash .ci/prereqs")
	pre, err := os.ReadFile(".ci/prereqs")
	require.NoError(t, err)
	for _, p := range []string{"gcc", "git", "nodejs", "npm", "apt-get install", "go " + m[1]} {
		assert.Contains(t, string(pre), p)
	}
}
