package leeloo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// NotDefined is how Leeloo spells a missing value.
const NotDefined = "NOT_DEFINED"

// ListOptions pages a list endpoint.
type ListOptions struct {
	// Limit is the page size (Leeloo's default when zero).
	Limit int
	// Offset is how many records to skip.
	Offset int
}

// Meta is the page information of a list reply. FilteredCount is unreliable
// on the live API; page with TotalCount and the length of each page.
type Meta struct {
	Limit         int `json:"limit"`
	Offset        int `json:"offset"`
	FilteredCount int `json:"filteredCount"`
	TotalCount    int `json:"totalCount"`
}

// Time is a timestamp that decodes every form Leeloo sends: RFC 3339 with or
// without seconds and fractions ("2015-04-02T14:20Z"), "YYYY-MM-DD HH:mm",
// "DD.MM.YYYY HH:mm", and empty, null or NOT_DEFINED as the zero time.
type Time struct{ time.Time }

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"02.01.2006 15:04",
	"02.01.2006 15:04:05",
	"2006-01-02",
}

// ParseTime parses s in any layout Time accepts; times without a zone are UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("leeloo: unrecognised time %q", s)
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	if len(b) > 0 && b[0] != '"' { // epoch milliseconds
		ms, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			return fmt.Errorf("leeloo: unrecognised time %s", b)
		}
		t.Time = time.UnixMilli(ms).UTC()
		return nil
	}
	var s string
	// A timestamp is a plain quoted string: read it without a second JSON
	// decode (one of these per record on every list); anything with an
	// escape takes the general path.
	if n := len(b); n >= 2 && b[n-1] == '"' && bytes.IndexByte(b[1:n-1], '\\') < 0 && bytes.IndexByte(b[1:n-1], '"') < 0 {
		s = string(b[1 : n-1])
	} else if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" || s == NotDefined {
		t.Time = time.Time{}
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalJSON writes RFC 3339 in UTC.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`""`), nil
	}
	return []byte(`"` + t.UTC().Format(time.RFC3339) + `"`), nil
}

// Amount is a price that arrives as a number or a numeric string.
type Amount float64

// UnmarshalJSON implements json.Unmarshaler.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" || s == NotDefined {
		*a = 0
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("leeloo: price %s is not a number", b)
	}
	*a = Amount(f)
	return nil
}

// String formats the amount without trailing zeros.
func (a Amount) String() string { return strconv.FormatFloat(float64(a), 'f', -1, 64) }

// cleanString maps NOT_DEFINED to "".
func cleanString(s *string) {
	if *s == NotDefined {
		*s = ""
	}
}

// snakeTimes catches created_at/updated_at where a type's tags say createdAt.
type snakeTimes struct {
	CreatedAtSnake Time `json:"created_at"`
	UpdatedAtSnake Time `json:"updated_at"`
}

func (s snakeTimes) fill(created, updated *Time) {
	if created.IsZero() {
		*created = s.CreatedAtSnake
	}
	if updated.IsZero() {
		*updated = s.UpdatedAtSnake
	}
}

// NormalizePhone returns a phone number as Leeloo accepts it: "+" and 8 to 15
// digits. Spaces, dashes, dots and parentheses are dropped and a leading 00
// becomes +.
func NormalizePhone(s string) (string, error) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", fmt.Errorf("phone %q has a character that is not a digit: %q", s, r)
		}
	}
	d := b.String()
	plus := strings.HasPrefix(strings.TrimSpace(s), "+")
	if strings.HasPrefix(d, "00") && !plus {
		d = d[2:]
	} else if strings.HasPrefix(d, "0") {
		// A national number (trunk prefix 0): no country code starts with
		// 0, and guessing one would reach the wrong person.
		return "", fmt.Errorf("phone %q has no country code (it starts with 0, a national number): give it with the country code, e.g. +380671234567 for the Ukrainian 0671234567", s)
	}
	if len(d) < 8 || len(d) > 15 {
		return "", fmt.Errorf("phone %q must have 8 to 15 digits with the country code", s)
	}
	return "+" + d, nil
}

// decodeList decodes data that is either a list or an object wrapping the
// list under key (data.categories, data.templates, ...).
func decodeList[T any](data json.RawMessage, key string) ([]T, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return []T{}, nil
	}
	if data[0] == '{' {
		var wrapped map[string]json.RawMessage
		if err := json.Unmarshal(data, &wrapped); err != nil {
			return nil, err
		}
		inner, ok := wrapped[key]
		if !ok {
			for _, k := range []string{"items", "list", "data"} {
				if inner, ok = wrapped[k]; ok {
					break
				}
			}
		}
		if !ok {
			if len(wrapped) == 0 {
				return []T{}, nil
			}
			var one T
			if err := json.Unmarshal(data, &one); err != nil {
				return nil, err
			}
			return []T{one}, nil
		}
		data = inner
	}
	out := []T{}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	if out == nil { // {"categories": null}
		out = []T{}
	}
	return out, nil
}

// decodeOne decodes data into a T; an empty or null data yields a zero T.
func decodeOne[T any](data json.RawMessage) (*T, error) {
	v := new(T)
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) || bytes.Equal(data, []byte("[]")) {
		return v, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	return v, nil
}

// DateLayout is how query filters spell a day.
const DateLayout = "2006-01-02"

// setDateRange sets filter[last_message][from|to] as UTC days.
func setDateRange(q map[string][]string, from, to time.Time) {
	if !from.IsZero() {
		q["filter[last_message][from]"] = []string{from.UTC().Format(DateLayout)}
	}
	if !to.IsZero() {
		q["filter[last_message][to]"] = []string{to.UTC().Format(DateLayout)}
	}
}

// ValidID reports whether s is a Leeloo object id: 24 hex characters.
func ValidID(s string) bool {
	if len(s) != 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
