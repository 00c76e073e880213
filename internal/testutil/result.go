package testutil

import (
	"encoding/json"
	"strings"
	"testing"
)

// TextJSON is the JSON document a read tool's text carries after its
// one-line head (the tools package's jsonResult), as the model reads it.
func TextJSON(t testing.TB, text string) json.RawMessage {
	t.Helper()
	i := strings.Index(text, "\n{")
	if i < 0 {
		t.Fatalf("no JSON after the head line in %q", text)
	}
	var raw json.RawMessage
	if err := json.NewDecoder(strings.NewReader(text[i+1:])).Decode(&raw); err != nil {
		t.Fatalf("the text's JSON in %q: %v", text, err)
	}
	return raw
}

// TextDoc is TextJSON decoded into a generic map.
func TextDoc(t testing.TB, text string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(TextJSON(t, text), &m); err != nil {
		t.Fatalf("the text's JSON in %q: %v", text, err)
	}
	return m
}
