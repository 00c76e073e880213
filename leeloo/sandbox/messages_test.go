package sandbox

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChatMessagesPaging(t *testing.T) {
	f := newFixture(t)
	all := list(f.get("/communication-channels/" + DemoAccountID + "/chat-messages?limit=100")["data"])
	require.Len(t, all, 9)
	b := f.get("/communication-channels/" + DemoAccountID + "/chat-messages?limit=2&offset=1")
	assert.Equal(t, all[1:3], list(b["data"]))
	assert.Equal(t, map[string]any{"limit": 2.0, "offset": 1.0, "filteredCount": 2.0, "totalCount": 9.0}, b["meta"])
}

func TestSendMessage(t *testing.T) {
	f := newFixture(t)
	f.clock.Advance(10 * time.Minute)
	r := f.call(http.MethodPost, "/messages/send-message", map[string]string{"account_id": FacebookAccountID, "text": "Delivery to Poland is $9 <b>&</b>"})
	require.Equal(t, http.StatusOK, r.status, string(r.raw))
	assert.JSONEq(t, `{"status":1,"data":{}}`, string(r.raw))

	newest := obj(list(f.get("/communication-channels/" + FacebookAccountID + "/chat-messages?limit=1")["data"])[0])
	assert.Equal(t, "Delivery to Poland is $9 <b>&</b>", newest["text"])
	assert.Equal(t, "YOUR_MESSAGE", newest["type"])
	assert.Equal(t, true, newest["read"])
	assert.Equal(t, "2025-06-02T09:40:00.000Z", newest["createdAt"])

	// The account and the person move to the top of the lists.
	assert.Equal(t, FacebookPersonID, obj(list(f.get("/people?limit=1")["data"])[0])["id"])
	ch := obj(list(f.get("/communication-channels?limit=1")["data"])[0])
	assert.Equal(t, FacebookAccountID, ch["id"])
	assert.Equal(t, "2025-06-02T09:40:00.000Z", ch["lastMessageTime"])

	r = f.call(http.MethodPost, "/messages/send-message", map[string]string{"account_id": "eeeeeeeeeeeeeeeeeeeeeeee", "text": "x"})
	assert.Equal(t, http.StatusNotFound, r.status)
	r = f.call(http.MethodPost, "/messages/send-message", map[string]string{"account_id": FacebookAccountID, "text": ""})
	assert.Equal(t, http.StatusBadRequest, r.status)
}

func TestSendTemplate(t *testing.T) {
	f := newFixture(t)
	r := f.call(http.MethodPost, "/messages/send-template", map[string]any{
		"account_id": DemoAccountID, "template_id": TemplateID,
		"variables": map[string]any{"name": "Олено", "discount": "15%", "unused": 1},
	})
	require.Equal(t, http.StatusOK, r.status, string(r.raw))
	assert.JSONEq(t, `{"status":1,"data":{}}`, string(r.raw))
	newest := obj(list(f.get("/communication-channels/" + DemoAccountID + "/chat-messages?limit=1")["data"])[0])
	assert.Equal(t, "Вітаю, Олено! Дякуємо, що обираєте Lumi 💛 Для вас діє знижка 15% на весь догляд до кінця тижня. Підказати, що обрати?", newest["text"])
	assert.Equal(t, "YOUR_MESSAGE", newest["type"])

	// Missing variables stay as placeholders.
	f.call(http.MethodPost, "/messages/send-template", map[string]any{"account_id": DemoAccountID, "template_id": TemplateID})
	newest = obj(list(f.get("/communication-channels/" + DemoAccountID + "/chat-messages?limit=1")["data"])[0])
	assert.Contains(t, newest["text"], "{{name}}")

	r = f.call(http.MethodPost, "/messages/send-template", map[string]any{"account_id": DemoAccountID, "template_id": "ffffffffffffffffffffffff"})
	assert.Equal(t, http.StatusNotFound, r.status)
	_, fields := errorOf(r)
	assert.Equal(t, map[string]any{"template_id": "NOT_FOUND"}, fields)
	r = f.call(http.MethodPost, "/messages/send-template", map[string]any{"account_id": DemoAccountID, "template_id": TemplateID, "variables": []string{"a"}})
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.EqualValues(t, 11, obj(f.get("/communication-channels/" + DemoAccountID + "/chat-messages")["meta"])["totalCount"])
}

func TestRenderTemplate(t *testing.T) {
	vars := map[string]string{"name": "Ann", "n": "2"}
	for in, want := range map[string]string{
		"Hi {{name}}!":            "Hi Ann!",
		"Hi {{ name }}, {{n}}x":   "Hi Ann, 2x",
		"{{missing}} {{name}}":    "{{missing}} Ann",
		"open {{name":             "open {{name",
		"no vars":                 "no vars",
		"{{name}}{{name}}{{n}}}}": "AnnAnn2}}",
	} {
		assert.Equal(t, want, renderTemplate(in, vars), in)
	}
}
