package tools_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// maxBytesPerTool is the size budget of the default tools/list: every byte
// is spent in every conversation.
const maxBytesPerTool = 450

// wireTools splits a tools/list result into each tool's raw JSON, by name.
func wireTools(t *testing.T, result []byte) (names []string, raw map[string]json.RawMessage) {
	t.Helper()
	var list struct {
		Tools      []json.RawMessage `json:"tools"`
		NextCursor string            `json:"nextCursor"`
	}
	require.NoError(t, json.Unmarshal(result, &list))
	require.Empty(t, list.NextCursor, "tools/list is paged: a client would not see every tool at once")
	raw = map[string]json.RawMessage{}
	for _, tr := range list.Tools {
		var head struct {
			Name string `json:"name"`
		}
		require.NoError(t, json.Unmarshal(tr, &head))
		require.NotContains(t, raw, head.Name, "tool %s listed twice", head.Name)
		raw[head.Name] = tr
		names = append(names, head.Name)
	}
	return names, raw
}

// defaultServerToolsList is the tools/list result of the server as
// internal/app builds it with no flags: the default toolsets.
func defaultServerToolsList(t *testing.T) (result []byte, selected []tools.Tool) {
	t.Helper()
	h := newHarness(t, harnessOpts{Mode: guard.ModeAuto})
	selected, err := tools.Select(h.all, tools.Selection{Toolsets: tools.DefaultToolsets()})
	require.NoError(t, err)
	return toolsList(t, newServer(tools.ServerTools(selected), false)), selected
}

// TestToolSchemaSnapshots pins every tool's definition exactly as tools/list
// sends it: testdata/toolsnaps/<tool>.json.
func TestToolSchemaSnapshots(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	names, raw := wireTools(t, toolsList(t, h.srv))
	require.Len(t, names, len(h.all), "tools/list must carry every registered tool")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			assertSnapshot(t, name+".json", indentJSON(t, raw[name]))
		})
	}

	// A snapshot without a tool is a removed or renamed tool nobody cleaned up.
	entries, err := os.ReadDir(snapDir)
	require.NoError(t, err)
	for _, e := range entries {
		n, isJSON := strings.CutSuffix(e.Name(), ".json")
		if !isJSON || n == "tools_list" {
			continue
		}
		assert.Contains(t, raw, n, "stale snapshot %s: no tool %s is served", filepath.Join(snapDir, e.Name()), n)
	}
}

// TestDefaultToolsListSnapshot pins the exact tools/list wire result of the
// default server (the app's default toolsets) and its size budget.
func TestDefaultToolsListSnapshot(t *testing.T) {
	result, selected := defaultServerToolsList(t)
	assertSnapshot(t, "tools_list.json", indentJSON(t, result))

	names, _ := wireTools(t, result)
	want := toolNames(selected)
	sort.Strings(want)
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	assert.Equal(t, want, sorted)
	for _, tl := range selected {
		assert.Contains(t, tools.DefaultToolsets(), tl.Toolset)
	}
	for _, optIn := range []string{"create_traffic_source", "add_sms_contacts", "log_call"} {
		assert.NotContains(t, names, optIn, "%s is opt-in", optIn)
	}

	perTool := len(result) / len(names)
	t.Logf("default tools/list: %d tools, %d bytes, %d bytes per tool", len(names), len(result), perTool)
	assert.LessOrEqual(t, perTool, maxBytesPerTool,
		"the default tools/list costs %d bytes per tool (budget %d): trim descriptions or schemas", perTool, maxBytesPerTool)
}
