package tools_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// cataloguePath is the committed catalogue every other check reads: Go
// tests, e2e (Node) and packaging.
var cataloguePath = filepath.Join("..", "testdata", "catalog.json")

// marshalCatalogue writes the catalogue one tool a line, so a change is a
// one-line diff.
func marshalCatalogue(t *testing.T, rows []tools.CatalogEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("[\n")
	for i, r := range rows {
		line, err := json.Marshal(r)
		require.NoError(t, err)
		b.WriteString("  ")
		b.Write(line)
		if i < len(rows)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	return b.Bytes()
}

// committedCatalogue reads testdata/catalog.json.
func committedCatalogue(t *testing.T) []tools.CatalogEntry {
	t.Helper()
	raw, err := os.ReadFile(cataloguePath)
	require.NoError(t, err)
	var rows []tools.CatalogEntry
	require.NoError(t, json.Unmarshal(raw, &rows))
	require.NotEmpty(t, rows)
	return rows
}

// TestCatalogueFileIsCurrent fails when testdata/catalog.json differs from
// the tools the code registers; UPDATE_GOLDEN=1 rewrites it.
func TestCatalogueFileIsCurrent(t *testing.T) {
	got := marshalCatalogue(t, tools.Catalogue(tools.All(&tools.Deps{})))
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		require.NoError(t, os.WriteFile(cataloguePath, got, 0o644))
		return
	}
	want, err := os.ReadFile(cataloguePath)
	require.NoError(t, err, "run UPDATE_GOLDEN=1 go test ./tools/ -run TestCatalogueFileIsCurrent")
	assert.Equal(t, string(want), string(got), "testdata/catalog.json is stale: run UPDATE_GOLDEN=1 go test ./tools/ -run TestCatalogueFileIsCurrent")
}

// countCatalogue counts the committed catalogue's rows for which keep holds.
func countCatalogue(t *testing.T, keep func(tools.CatalogEntry) bool) int {
	t.Helper()
	n := 0
	for _, r := range committedCatalogue(t) {
		if keep(r) {
			n++
		}
	}
	return n
}

func isMutating(r tools.CatalogEntry) bool { return r.Kind != "R" }
