package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"testing"

	"github.com/invopop/jsonschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests build their tools while schemas.json is stale too (a new tool,
// a changed tag), so that TestPrecomputedSchemasFresh can say so.
func init() { reflectMissing = reflectSchema }

// commonDescriptions describe the arguments many tools share, in a few words
// (every byte of tools/list is paid in every conversation), for clients that
// drop the server instructions. An argument's own description wins.
var commonDescriptions = map[string]string{
	"dry_run":         "Preview.",
	"confirm_token":   "From preview.",
	"allow_duplicate": "Allow a repeat.",
	"account_id":      "From get_person.",
}

// reflectSchema reflects an argument struct's invopop tags into its input
// schema: what schemas.json holds for it.
func reflectSchema(t reflect.Type) json.RawMessage {
	r := jsonschema.Reflector{DoNotReference: true, Anonymous: true, ExpandedStruct: true}
	s := r.ReflectFromType(t)
	s.Version = ""
	s.ID = ""
	if s.Properties == nil || s.Properties.Len() == 0 {
		return json.RawMessage(`{"type":"object","properties":{},"additionalProperties":false}`)
	}
	for name, desc := range commonDescriptions {
		if p, ok := s.Properties.Get(name); ok && p.Description == "" {
			p.Description = desc
		}
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("tools: schema of %v: %v", t, err))
	}
	return b
}

// JSONSchemaExtend gives send_template's variable values the schema's text
// limit (maxLength). It lives with the reflection: the binary serves the
// result from schemas.json.
func (templateVariables) JSONSchemaExtend(s *jsonschema.Schema) {
	max := uint64(maxTextRunes)
	s.AdditionalProperties = &jsonschema.Schema{Type: "string", MaxLength: &max}
}

// TestPrecomputedSchemasFresh: schemas.json holds exactly what reflection
// gives for every tool's arguments, the cards' tools' included.
func TestPrecomputedSchemasFresh(t *testing.T) {
	All(&Deps{})
	FunnelOutputSchema()
	AppTools(&Deps{})
	want := map[string]json.RawMessage{}
	argTypes.Range(func(k, v any) bool {
		want[k.(string)] = reflectSchema(v.(reflect.Type))
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
	// What the binary serves is what reflection gives, byte for byte.
	got := parseSchemas(b)
	assert.Len(t, got, len(want))
	for k, w := range want {
		var c bytes.Buffer
		require.NoError(t, json.Compact(&c, w))
		assert.Equal(t, c.String(), string(got[k]), k)
	}
	for _, tl := range All(&Deps{}) {
		var v map[string]any
		assert.NoError(t, json.Unmarshal(tl.Tool.RawInputSchema, &v), tl.Tool.Name)
	}
}
