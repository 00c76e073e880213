package tools

import "github.com/mark3labs/mcp-go/mcp"

// What only the tests of package tools_test use: the committed catalogue's
// rows, generated from the tools (TestCatalogueFileIsCurrent), and the hints
// as a client reads them (TestToolGuardrails).

// CatalogEntry is one tool as the committed catalogue (testdata/catalog.json)
// records it: the one list that tests, e2e and packaging read.
type CatalogEntry struct {
	Name    string `json:"name"`
	Toolset string `json:"toolset"`
	// Kind is R (read), W (mutating) or "W ext" (reaches a customer).
	Kind     string `json:"kind"`
	Endpoint string `json:"endpoint"`
	// Default is true when the tool's toolset is served by default.
	Default bool `json:"default"`
}

// Catalogue returns the catalogue rows of all, in its order.
func Catalogue(all []Tool) []CatalogEntry {
	out := make([]CatalogEntry, 0, len(all))
	for _, t := range all {
		out = append(out, CatalogEntry{Name: t.Tool.Name, Toolset: t.Toolset, Kind: t.Kind(), Endpoint: t.Endpoint, Default: IsDefaultToolset(t.Toolset)})
	}
	return out
}

// EffectiveHints reads a tool's annotations as a client does, applying the
// spec's defaults to absent hints.
func EffectiveHints(a mcp.ToolAnnotation) Hints {
	h := specDefaults
	if a.ReadOnlyHint != nil {
		h.ReadOnly = *a.ReadOnlyHint
	}
	if h.ReadOnly {
		h.Destructive, h.Idempotent = false, true
	}
	if a.DestructiveHint != nil {
		h.Destructive = *a.DestructiveHint
	}
	if a.IdempotentHint != nil {
		h.Idempotent = *a.IdempotentHint
	}
	if a.OpenWorldHint != nil {
		h.OpenWorld = *a.OpenWorldHint
	}
	return h
}
