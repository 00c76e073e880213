package sandbox

import (
	"net/http"
	"net/url"
	"strconv"
)

var (
	callStatuses = map[string]bool{"TALKING": true, "SUCCESS": true, "NO_ANSWER": true, "CLOSED_BY_SYSTEM": true}
	callTypes    = map[string]bool{"INBOUND": true, "OUTBOUND": true}
)

// Call is a logged phone call, as POST /calls answers it (the shape is the
// sandbox's own: the doc beside the project does not show it).
type Call struct {
	// ID is the call's id.
	ID string `json:"id"`
	// UserID is the platform user who talked.
	UserID string `json:"user_id"`
	// AccountID is the customer's account.
	AccountID string `json:"account_id"`
	// PersonID is the account's person.
	PersonID string `json:"person_id"`
	// From is the calling phone number.
	From string `json:"from"`
	// To is the called phone number.
	To string `json:"to"`
	// Date is when the call happened.
	Date string `json:"date"`
	// RecordLink is the recording's URL or "NOT_DEFINED".
	RecordLink string `json:"record_link"`
	// Status is TALKING, SUCCESS, NO_ANSWER or CLOSED_BY_SYSTEM.
	Status string `json:"status"`
	// Duration is the length in seconds.
	Duration int `json:"duration"`
	// Type is INBOUND or OUTBOUND.
	Type string `json:"type"`
	// CreatedAt is when the call was logged.
	CreatedAt string `json:"createdAt"`
	// UpdatedAt is the last update date.
	UpdatedAt string `json:"updatedAt"`
}

// Calls returns the calls logged through POST /calls, oldest first. The API
// has no endpoint that reads them back; tests use this.
func (s *Server) Calls() []Call {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Call, 0, len(s.db.calls))
	for _, c := range s.db.calls {
		out = append(out, *c)
	}
	return out
}

// logCall serves POST /calls. Every field is required: from and to must be
// phones ('+' and digits), date ISO-8601, record_link an http(s) URL or
// NOT_DEFINED, duration a whole number of seconds ≥ 0.
func (s *Server) logCall(r *http.Request) (any, *apiError) {
	b, err := formOrJSONBody(r)
	if err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	c := &Call{
		UserID:     b.requiredID(fe, "user_id"),
		AccountID:  b.requiredID(fe, "account_id"),
		From:       b.requiredString(fe, "from"),
		To:         b.requiredString(fe, "to"),
		RecordLink: b.requiredString(fe, "record_link"),
		Status:     b.requiredString(fe, "status"),
		Type:       b.requiredString(fe, "type"),
	}
	date := b.requiredString(fe, "date")
	if t, valid := parseISO(date); valid {
		c.Date = jsTime(t)
	} else if date != "" {
		fe.add("date", valueNotValidDate)
	}
	if c.RecordLink != "" && c.RecordLink != notDefined && !validURL(c.RecordLink) {
		fe.add("record_link", valueNotValid)
	}
	if c.Status != "" && !callStatuses[c.Status] {
		fe.add("status", valueNotValid)
	}
	if c.Type != "" && !callTypes[c.Type] {
		fe.add("type", valueNotValid)
	}
	if d := b.requiredString(fe, "duration"); d != "" {
		n, perr := strconv.Atoi(d)
		if perr != nil || n < 0 {
			fe.add("duration", valueNotValid)
		}
		c.Duration = n
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	if !validPhone(c.From) {
		return nil, phoneError("from")
	}
	if !validPhone(c.To) {
		return nil, phoneError("to")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db.userByID[c.UserID] == nil {
		return nil, notFound("user_id")
	}
	a := s.db.accounts[c.AccountID]
	if a == nil {
		return nil, notFound("account_id")
	}
	now := s.clock()
	c.ID, c.PersonID = s.db.newID(now), a.personID
	c.CreatedAt, c.UpdatedAt = jsTime(now), jsTime(now)
	s.db.calls = append(s.db.calls, c)
	return single(*c), nil
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
