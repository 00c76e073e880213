package web

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cardSources are the files a card build is made from, in the order
// web/cards/build.mjs hashes them.
func cardSources(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadDir("cards/src")
	require.NoError(t, err)
	var names []string
	for _, e := range src {
		names = append(names, "src/"+e.Name())
	}
	slices.Sort(names)
	return append([]string{"build.mjs", "package-lock.json"}, names...)
}

var builtFromRE = regexp.MustCompile(`^<!-- leeloo-mcp card, built by web/cards/build\.mjs from sources sha256:([0-9a-f]{64}) -->\n`)

// TestCardsBuiltFromSources fails when a card's source, its build script
// or its lockfile changed since the committed build: rebuild with
// `cd web/cards && npm ci && node build.mjs`.
func TestCardsBuiltFromSources(t *testing.T) {
	h := sha256.New()
	for _, f := range cardSources(t) {
		b, err := os.ReadFile(filepath.Join("cards", f))
		require.NoError(t, err)
		h.Write([]byte(f + "\x00"))
		h.Write(b)
		h.Write([]byte{0})
	}
	want := hex.EncodeToString(h.Sum(nil))
	for name, html := range map[string]string{"approval": ApprovalCard, "funnel": FunnelCard} {
		m := builtFromRE.FindStringSubmatch(html)
		require.NotNil(t, m, "%s.html has no build line", name)
		assert.Equal(t, want, m[1], "cards/built/%s.html is stale: cd web/cards && npm ci && node build.mjs", name)
	}
}

// TestCardsSelfContained: one file each, nothing fetched from anywhere, a
// CSP that allows only the inline script and style by hash.
func TestCardsSelfContained(t *testing.T) {
	for name, html := range map[string]string{"approval": ApprovalCard, "funnel": FunnelCard} {
		assert.Contains(t, html, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-`, name)
		assert.NotRegexp(t, `<script[^>]+src=|<link[^>]+href=|https?://[a-z0-9.-]+\.(com|net|io|org)/[^"' ]*\.(js|css)`, html, name)
		assert.Equal(t, 1, strings.Count(html, "<script>"), name)
	}
}
