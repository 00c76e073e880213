package tools

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrecomputedSchemasFresh: schemas.json holds exactly what reflection
// gives for every tool's arguments.
func TestPrecomputedSchemasFresh(t *testing.T) {
	All(&Deps{})
	FunnelOutputSchema()
	want := map[string]json.RawMessage{}
	reflectors.Range(func(k, v any) bool {
		want[k.(string)] = v.(func() json.RawMessage)()
		return true
	})
	require.NotEmpty(t, want)
	// One compact schema a line: the values are served verbatim.
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.WriteString("{\n")
	for i, k := range keys {
		var c bytes.Buffer
		require.NoError(t, json.Compact(&c, want[k]))
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteString(": ")
		buf.Write(c.Bytes())
		if i < len(keys)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("}\n")
	b := buf.Bytes()
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		require.NoError(t, os.WriteFile("schemas.json", b, 0o644))
		return
	}
	assert.True(t, bytes.Equal(b, schemasJSON), "tools/schemas.json is stale: run UPDATE_GOLDEN=1 go test ./tools/ -run TestPrecomputedSchemasFresh")
	for _, tl := range All(&Deps{}) {
		var v map[string]any
		assert.NoError(t, json.Unmarshal(tl.Tool.RawInputSchema, &v), tl.Tool.Name)
	}
}
