package render

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// TestErrorHintsOnlyWhereTheyHelp: an id hint follows an error about an id,
// never an unrelated one, and says nothing untrue.
func TestErrorHintsOnlyWhereTheyHelp(t *testing.T) {
	nf := ErrorText(&leeloo.APIError{Method: "GET", Path: "/people/abababababababababababab", HTTPStatus: 404})
	assert.Contains(t, nf, "search_people")
	assert.NotContains(t, nf, "by name", "search_people has no name filter")

	email := ErrorText(&leeloo.APIError{Method: "PUT", Path: "/people/abababababababababababab", HTTPStatus: 400,
		Code: "FORMAT_ERROR", Fields: map[string]string{"email": "NOT_VALID_EMAIL"}})
	assert.Contains(t, email, "email is NOT_VALID_EMAIL")
	assert.NotContains(t, email, "ids come from", "no id hint after an e-mail error")

	id := ErrorText(&leeloo.APIError{Method: "POST", Path: "/messages/send-template", HTTPStatus: 400,
		Code: "FORMAT_ERROR", Fields: map[string]string{"template_id": "NOT_FOUND"}})
	assert.Contains(t, id, "template ids come from list_templates")

	auth := ErrorText(&leeloo.APIError{Method: "GET", Path: "/tags", HTTPStatus: 401, Code: "\u200b"})
	assert.NotContains(t, auth, "  ", "no double space")
	assert.Contains(t, auth, "HTTP 401 on GET /tags")
	assert.False(t, strings.Contains(ErrorText(&leeloo.APIError{Method: "GET", Path: "/tags", HTTPStatus: 400, Code: " "}), "  "))
}
