package app

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// catalogTool finds a tool of the whole catalog by name.
func catalogTool(name string) (tools.Tool, bool) {
	for _, t := range tools.All(&tools.Deps{}) {
		if t.Tool.Name == name {
			return t, true
		}
	}
	return tools.Tool{}, false
}

// whyHidden says why the configuration does not serve the tool name and how
// to serve it.
func whyHidden(cfg *Config, name string) string {
	t, ok := catalogTool(name)
	switch {
	case !ok:
		return fmt.Sprintf("no tool %s in the catalog (see `leeloo-mcp tools --toolsets all`)", name)
	case slices.Contains(cfg.ExcludeTools, name):
		return fmt.Sprintf("%s is left out by --exclude-tools (LEELOO_EXCLUDE_TOOLS)", name)
	case cfg.ReadOnly && t.Mutating:
		return fmt.Sprintf("%s changes data or reaches a customer, and the server runs read-only (--read-only or LEELOO_READ_ONLY), which serves no such tool", name)
	case !tools.IsDefaultToolset(t.Toolset):
		return fmt.Sprintf("%s is in the opt-in %s toolset: serve it with --toolsets all, or add %s to --toolsets (LEELOO_TOOLSETS), or name it in --tools", name, t.Toolset, t.Toolset)
	}
	return fmt.Sprintf("%s is in the %s toolset, which --toolsets and --tools leave out: add %s to --toolsets (LEELOO_TOOLSETS) or name it in --tools", name, t.Toolset, t.Toolset)
}

// warnSelection warns on stderr when the configuration asks for tools it
// then does not serve: --tools naming mutating tools under --read-only, or a
// selection left empty.
func warnSelection(w io.Writer, cfg *Config, served []tools.Tool) {
	var dropped []string
	if cfg.ReadOnly {
		for _, n := range cfg.Tools {
			if t, ok := catalogTool(n); ok && t.Mutating {
				dropped = append(dropped, n)
			}
		}
	}
	switch {
	case len(served) == 0 && len(dropped) > 0:
		fmt.Fprintf(w, "leeloo-mcp: warning: no tool is served: --read-only leaves out %s (they change data or reach a customer)\n", strings.Join(dropped, ", "))
	case len(served) == 0:
		fmt.Fprintln(w, "leeloo-mcp: warning: no tool is served: --toolsets, --tools and --exclude-tools leave none")
	case len(dropped) > 0:
		fmt.Fprintf(w, "leeloo-mcp: warning: --read-only leaves out %s (they change data or reach a customer)\n", strings.Join(dropped, ", "))
	}
}

// served reports whether the environment serves the tool name.
func (e *env) served(name string) bool {
	for _, t := range e.tools {
		if t.Tool.Name == name {
			return true
		}
	}
	return false
}
