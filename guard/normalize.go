package guard

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// normalizeDuplicateKey is the one place that decides when two actions are
// "identical" for the duplicate guard: each NUL-separated field of a tool's
// DuplicateKey is compared as a person reads it, so a trailing space, a
// zero-width character, a letter's case or a full-width digit does not make a
// new message.
func normalizeDuplicateKey(k string) string {
	fields := strings.Split(k, "\x00")
	for i, f := range fields {
		fields[i] = normalizeText(f)
	}
	return strings.Join(fields, "\x00")
}

// normalizeText is NFKC, without invisible and format characters, with every
// run of whitespace one space, trimmed, lower case.
func normalizeText(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case invisible(r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	// Lowering can change the composition; NFKC again keeps equal texts equal.
	return norm.NFKC.String(strings.ToLower(b.String()))
}

// invisible reports characters that render as nothing: format characters
// (zero-width space and joiners, BOM, soft hyphen, bidi controls), variation
// selectors, the combining grapheme joiner and the Hangul fillers.
func invisible(r rune) bool {
	switch {
	case unicode.Is(unicode.Cf, r):
		return true
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF:
		return true
	case r == 0x034F, r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0:
		return true
	}
	return false
}
