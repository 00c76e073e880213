package sandbox

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	defaultLimit = 20
	maxLimit     = 100
	dayLayout    = "2006-01-02"
	jsLayout     = "2006-01-02T15:04:05.000Z"
)

// meta is the page description of a list answer.
type meta struct {
	Limit         int `json:"limit"`
	Offset        int `json:"offset"`
	FilteredCount int `json:"filteredCount"`
	TotalCount    int `json:"totalCount"`
}

// listEnvelope is a list answer.
type listEnvelope struct {
	Status int  `json:"status"`
	Data   any  `json:"data"`
	Meta   meta `json:"meta"`
}

// envelope is a single-object answer, without meta.
type envelope struct {
	Status int `json:"status"`
	Data   any `json:"data"`
}

// single wraps one object: {"status":1,"data":...}.
func single(data any) envelope { return envelope{Status: 1, Data: data} }

// empty is the {} of {"status":1,"data":{}}.
type empty struct{}

// page is the limit and offset of a list request.
type page struct{ limit, offset int }

// parsePage reads limit and offset: limit defaults to 20 (also for limit=0)
// and is capped at 100; negative or non-numeric values are a FORMAT_ERROR.
func parsePage(q url.Values) (page, *apiError) {
	p := page{limit: defaultLimit}
	fe := fieldErrors{}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 0:
			fe.add("limit", valueNotValid)
		case n > maxLimit:
			p.limit = maxLimit
		case n > 0:
			p.limit = n
		}
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fe.add("offset", valueNotValid)
		} else {
			p.offset = n
		}
	}
	return p, fe.err()
}

// bounds is the [start, end) slice of n records this page covers.
func (p page) bounds(n int) (int, int) {
	start := min(p.offset, n)
	return start, min(start+p.limit, n)
}

func (p page) list(data any, onPage, total int) listEnvelope {
	return listEnvelope{Status: 1, Data: data, Meta: meta{Limit: p.limit, Offset: p.offset, FilteredCount: onPage, TotalCount: total}}
}

// dayRange is an inclusive range of UTC days from filter[last_message].
type dayRange struct {
	from, to time.Time // to is exclusive (the day after the last day)
}

// parseLastMessage reads filter[last_message][from] and [to] (YYYY-MM-DD).
func parseLastMessage(q url.Values) (dayRange, *apiError) {
	var dr dayRange
	fe := fieldErrors{}
	if v := q.Get("filter[last_message][from]"); v != "" {
		t, err := time.Parse(dayLayout, v)
		if err != nil {
			fe.add("filter.last_message.from", valueNotValidDate)
		}
		dr.from = t
	}
	if v := q.Get("filter[last_message][to]"); v != "" {
		t, err := time.Parse(dayLayout, v)
		if err != nil {
			fe.add("filter.last_message.to", valueNotValidDate)
		}
		dr.to = t.AddDate(0, 0, 1)
	}
	return dr, fe.err()
}

func (dr dayRange) contains(t time.Time) bool {
	if !dr.from.IsZero() && t.Before(dr.from) {
		return false
	}
	return dr.to.IsZero() || t.Before(dr.to)
}

// jsTime formats a date as the API does: RFC 3339 UTC with milliseconds.
func jsTime(t time.Time) string {
	return t.UTC().Format(jsLayout)
}

// parseISO reads an ISO-8601 date-time (RFC 3339 with or without seconds or
// zone; a missing zone means UTC).
func parseISO(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// validPhone reports whether p is '+' and 8 to 15 digits, the only form the
// live API accepts.
func validPhone(p string) bool {
	if len(p) < 9 || len(p) > 16 || p[0] != '+' {
		return false
	}
	for i := 1; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}

// validEmail is a loose check: one '@', a non-empty local part, a dotted
// domain, no spaces.
func validEmail(e string) bool {
	local, domain, found := strings.Cut(e, "@")
	if !found || local == "" || len(e) > 254 || strings.ContainsAny(e, " \t\r\n") || strings.Contains(domain, "@") {
		return false
	}
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-1
}

// digits keeps only the digits of s.
func digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
