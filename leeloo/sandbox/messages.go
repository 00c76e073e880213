package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
)

type messageView struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Type      string `json:"type"`
	Read      bool   `json:"read"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
}

// chatMessages serves GET /communication-channels/{account_id}/chat-messages,
// newest message first.
func (s *Server) chatMessages(r *http.Request) (any, *apiError) {
	id, err := pathID(r, "account_id")
	if err != nil {
		return nil, err
	}
	pg, err := parsePage(r.URL.Query())
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.db.accounts[id]
	if a == nil {
		return nil, notFound("account_id")
	}
	total := len(a.messages)
	start, end := pg.bounds(total)
	out := make([]messageView, 0, end-start)
	for i := start; i < end; i++ {
		m := a.messages[total-1-i]
		t := jsTime(m.createdAt)
		out = append(out, messageView{ID: m.id, Text: m.text, Type: m.kind, Read: m.read, CreatedAt: t, UpdatedAt: t})
	}
	return pg.list(out, len(out), total), nil
}

// sendMessage serves POST /messages/send-message: the text is appended to the
// account's chat as a YOUR_MESSAGE. Reply windows are not enforced.
func (s *Server) sendMessage(r *http.Request) (any, *apiError) {
	b, err := jsonBody(r)
	if err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	accountID := b.requiredID(fe, "account_id")
	text := b.requiredString(fe, "text")
	if err := fe.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.db.accounts[accountID]
	if a == nil {
		return nil, notFound("account_id")
	}
	s.db.addMessage(a, yourMessage, text, s.clock())
	return single(empty{}), nil
}

// sendTemplate serves POST /messages/send-template: the template's text, with
// {{key}} replaced by variables[key] (unknown keys are left as they are), is
// appended to the chat as a YOUR_MESSAGE.
func (s *Server) sendTemplate(r *http.Request) (any, *apiError) {
	b, err := jsonBody(r)
	if err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	accountID := b.requiredID(fe, "account_id")
	templateID := b.requiredID(fe, "template_id")
	vars := map[string]string{}
	if raw := b.raw("variables"); raw != nil {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			fe.add("variables", valueNotValid)
		}
		for k, v := range m {
			val, present, ok := scalar(v)
			if !ok {
				fe.add("variables."+k, valueNotValid)
			}
			if present {
				vars[k] = val
			}
		}
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.db.accounts[accountID]
	if a == nil {
		return nil, notFound("account_id")
	}
	t := s.db.templates[templateID]
	if t == nil {
		return nil, notFound("template_id")
	}
	s.db.addMessage(a, yourMessage, renderTemplate(t.text, vars), s.clock())
	return single(empty{}), nil
}

// renderTemplate replaces {{key}} (spaces inside the braces allowed) with vars[key].
func renderTemplate(text string, vars map[string]string) string {
	var out strings.Builder
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(text[i+2:], "}}")
		if j < 0 {
			break
		}
		key := strings.TrimSpace(text[i+2 : i+2+j])
		out.WriteString(text[:i])
		if v, found := vars[key]; found {
			out.WriteString(v)
		} else {
			out.WriteString(text[i : i+4+j])
		}
		text = text[i+4+j:]
	}
	out.WriteString(text)
	return out.String()
}
