package render

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// JSON encodes v compactly and cleans every string in it as Clean does: the
// one output path for structured upstream data, so a field added to a
// result later cannot forget to be cleaned. JSON's structural characters are
// ASCII punctuation that Clean never touches, so the pass works on the
// encoded bytes without re-parsing them. Keys are cleaned too (custom
// fields and UTM marks are maps keyed by upstream names).
func JSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only unsupported Go values fail; results are plain structs.
		b, _ := json.Marshal(err.Error())
		return b
	}
	return CleanJSON(bytes.TrimRight(buf.Bytes(), "\n"))
}

// CleanJSON cleans the strings of encoded JSON b in place where it can; b is
// valid JSON as encoding/json writes it (no HTML escaping).
func CleanJSON(b []byte) []byte {
	if !needsJSONClean(b) {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\\' && i+1 < len(b):
			n := b[i+1]
			switch {
			case n == 'u' && i+5 < len(b) && b[i+2] == '0' && b[i+3] == '0' && (b[i+4] == '0' || b[i+4] == '1'):
				// \u0000-\u001f: a control character; keep \t and \n only.
				if v := hexVal(b[i+4])<<4 | hexVal(b[i+5]); v == '\t' || v == '\n' {
					out = append(out, b[i:i+6]...)
				}
				i += 6
			case n == 'r' || n == 'b' || n == 'f':
				i += 2
			default:
				out = append(out, c, n)
				i += 2
			}
		case c == '<':
			out = utf8.AppendRune(out, ltSubst)
			i++
		case c == '>':
			out = utf8.AppendRune(out, gtSubst)
			i++
		case c < utf8.RuneSelf:
			if c != 0x7f {
				out = append(out, c)
			}
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if !dropRune(r) {
				out = append(out, b[i:i+size]...)
			}
			i += size
		}
	}
	return out
}

func needsJSONClean(b []byte) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '<' || c == '>' || c == 0x7f:
			return true
		case c == '\\' && i+1 < len(b):
			if n := b[i+1]; n == 'u' || n == 'r' || n == 'b' || n == 'f' {
				return true
			}
			i++
		case c >= utf8.RuneSelf:
			for _, r := range string(b[i:]) {
				if r == '<' || r == '>' || dropRune(r) {
					return true
				}
			}
			return false
		}
	}
	return false
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}
