package leeloo_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"+380 (66) 999-97-77": "+380669999777",
		"+380669999777":       "+380669999777",
		"380.66.999.97.77":    "+380669999777",
		"00380669999777":      "+380669999777",
		" +48 881 644 207 ":   "+48881644207",
	} {
		got, err := leeloo.NormalizePhone(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for _, in := range []string{"", "12345", "+380 66 999 97 77 12345 6", "+380-66-abc", "380+66"} {
		_, err := leeloo.NormalizePhone(in)
		assert.Error(t, err, in)
	}
}

// TestNormalizePhoneNationalAsksForCountryCode: a national number (trunk
// prefix 0, no country code) is not guessed into "+0…": the error asks for
// the country code.
func TestNormalizePhoneNationalAsksForCountryCode(t *testing.T) {
	for _, in := range []string{"0671234567", "067 123 45 67", "(067) 123-45-67", "+0671234567"} {
		_, err := leeloo.NormalizePhone(in)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), "country code", in)
		assert.Contains(t, err.Error(), "+380671234567", in)
	}
}
