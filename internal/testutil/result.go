package testutil

import (
	"encoding/json"
	"strings"
	"testing"
)

// SplitHead splits a read tool's text (the tools package's jsonResult) into
// its one-line head, with its newline, and the JSON document after it; ok
// is false for a text without one (a transcript, an error).
func SplitHead(text string) (head, doc string, ok bool) {
	i := strings.Index(text, "\n{")
	if i < 0 {
		return text, "", false
	}
	return text[:i+1], text[i+1:], true
}

// TextJSON is the JSON document a read tool's text carries after its
// one-line head, as the model reads it.
func TextJSON(t testing.TB, text string) json.RawMessage {
	t.Helper()
	_, doc, ok := SplitHead(text)
	if !ok {
		t.Fatalf("no JSON after the head line in %q", text)
	}
	var raw json.RawMessage
	if err := json.NewDecoder(strings.NewReader(doc)).Decode(&raw); err != nil {
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
