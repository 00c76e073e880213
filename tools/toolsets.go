package tools

import (
	"slices"
	"strings"
)

// toolsetInfo describes one toolset for --toolsets, the help text and the
// README: its name and whether it is served by default.
type toolsetInfo struct {
	Name string
	// Default toolsets are served when --toolsets is not given: what a
	// sales copilot uses.
	Default bool
}

// toolsetTable is the one list of toolsets, in catalog order.
var toolsetTable = []toolsetInfo{
	{"people", true},
	{"chats", true},
	{"templates", true},
	{"orders", true},
	{"tags", true},
	{"tunnels", true},
	{"leadgen", false},
	{"users", true},
	{"connections", true},
	{"calls", false},
	{"events", true},
}

// Toolsets names the toolsets in catalog order.
var Toolsets = ToolsetNames()

// ToolsetNames returns every toolset's name, in catalog order.
func ToolsetNames() []string {
	out := make([]string, 0, len(toolsetTable))
	for _, ts := range toolsetTable {
		out = append(out, ts.Name)
	}
	return out
}

// DefaultToolsets returns the toolsets served when --toolsets is not given.
func DefaultToolsets() []string {
	var out []string
	for _, ts := range toolsetTable {
		if ts.Default {
			out = append(out, ts.Name)
		}
	}
	return out
}

// IsDefaultToolset reports whether toolset name is served by default.
func IsDefaultToolset(name string) bool { return slices.Contains(DefaultToolsets(), name) }

// ToolsetsHelp is the toolsets as the --toolsets help text lists them, the
// opt-in ones marked.
func ToolsetsHelp() string {
	names := make([]string, 0, len(toolsetTable))
	for _, ts := range toolsetTable {
		if ts.Default {
			names = append(names, ts.Name)
		} else {
			names = append(names, ts.Name+" (opt-in)")
		}
	}
	return strings.Join(names, ", ")
}
