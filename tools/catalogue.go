package tools

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

// Kind is R for a read, W for a mutating tool and "W ext" for one that
// reaches a customer.
func (t Tool) Kind() string {
	switch {
	case t.CustomerFacing:
		return "W ext"
	case t.Mutating:
		return "W"
	}
	return "R"
}

// Catalogue returns the catalogue rows of all, in its order.
func Catalogue(all []Tool) []CatalogEntry {
	out := make([]CatalogEntry, 0, len(all))
	for _, t := range all {
		out = append(out, CatalogEntry{Name: t.Tool.Name, Toolset: t.Toolset, Kind: t.Kind(), Endpoint: t.Endpoint, Default: IsDefaultToolset(t.Toolset)})
	}
	return out
}
