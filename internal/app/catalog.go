package app

import (
	"fmt"

	"github.com/leeloo-mcp/leeloo-mcp/internal/catalog"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// configError is a configuration the server cannot start with (exit 2).
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

// loadCatalog reads the account catalog of --catalog; without one the
// sandbox serves its own, a real account none.
func loadCatalog(cfg *Config) (*catalog.Catalog, error) {
	switch {
	case cfg.Catalog != "":
		c, err := catalog.Load(cfg.Catalog)
		if err != nil {
			return nil, configError{fmt.Errorf("--catalog: %w", err)}
		}
		return c, nil
	case cfg.Sandbox:
		c, err := catalog.Parse(sandbox.Catalog())
		if err != nil {
			return nil, fmt.Errorf("the sandbox's catalog: %w", err)
		}
		return c, nil
	}
	return nil, nil
}
