package leeloo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// noRetry makes reads fail on the first error.
func noRetry(o *leeloo.Options) { o.MaxRetries = -1 }

func TestErrorReplies(t *testing.T) {
	cases := []struct {
		name         string
		status       int
		body         string
		contentType  string
		wantStatus   int
		wantCode     string
		wantFields   map[string]string
		wantMessage  string // substring of Message
		unauthorized bool
		notFound     bool
	}{
		{
			name:       "format error with fields",
			status:     http.StatusBadRequest,
			body:       `{"status": 0, "error": {"code": "FORMAT_ERROR", "fields": {"name": "REQUIRED", "leadgentool_id": "NOT_VALID_ID"}}}`,
			wantStatus: http.StatusBadRequest, wantCode: leeloo.CodeFormatError,
			wantFields: map[string]string{"name": "REQUIRED", "leadgentool_id": "NOT_VALID_ID"},
		},
		{
			name:       "format error on HTTP 200",
			status:     http.StatusOK,
			body:       `{"status": 0, "error": {"code": "FORMAT_ERROR", "fields": {"phone": "REQUIRED"}}}`,
			wantStatus: http.StatusOK, wantCode: leeloo.CodeFormatError, wantFields: map[string]string{"phone": "REQUIRED"},
		},
		{
			name:       "missing token",
			status:     http.StatusOK,
			body:       `{"status": 0, "error": {"code": "FORMAT_ERROR", "fields": {"authToken": "REQUIRED"}}}`,
			wantStatus: http.StatusOK, wantCode: leeloo.CodeFormatError, wantFields: map[string]string{"authToken": "REQUIRED"},
			unauthorized: true,
		},
		{
			name:       "nested field codes",
			status:     http.StatusBadRequest,
			body:       `{"status": 0, "error": {"code": "FORMAT_ERROR", "fields": {"data": {"0": {"phone": "REQUIRED"}}}}}`,
			wantStatus: http.StatusBadRequest, wantCode: leeloo.CodeFormatError,
			wantFields: map[string]string{"data": `{"0":{"phone":"REQUIRED"}}`},
		},
		{
			name:       "phone",
			status:     http.StatusBadRequest,
			body:       `{"status": 0, "error": {"code": "NOT_VALID_PHONE_NUMBER", "fields": {"phone": "NOT_VALID_PHONE_NUMBER"}}}`,
			wantStatus: http.StatusBadRequest, wantCode: leeloo.CodeNotValidPhoneNumber,
			wantFields: map[string]string{"phone": "NOT_VALID_PHONE_NUMBER"},
		},
		{
			name:       "session expired",
			status:     http.StatusOK,
			body:       `{"status": 0, "error": {"code": "SESSION_EXPIRED"}}`,
			wantStatus: http.StatusOK, wantCode: leeloo.CodeSessionExpired, unauthorized: true,
		},
		{
			name:   "401",
			status: http.StatusUnauthorized, body: `{"status": 0, "error": {"code": "SESSION_EXPIRED"}}`,
			wantStatus: http.StatusUnauthorized, wantCode: leeloo.CodeSessionExpired, unauthorized: true,
		},
		{
			name:   "403 plain text",
			status: http.StatusForbidden, body: "Forbidden", contentType: "text/plain",
			wantStatus: http.StatusForbidden, wantMessage: "Forbidden", unauthorized: true,
		},
		{
			name:       "name in use",
			status:     http.StatusBadRequest,
			body:       `{"status": 0, "error": {"code": "NAME_ALREADY_IN_USE", "fields": {"name": "NAME_ALREADY_IN_USE"}}}`,
			wantStatus: http.StatusBadRequest, wantCode: leeloo.CodeNameAlreadyInUse,
			wantFields: map[string]string{"name": "NAME_ALREADY_IN_USE"},
		},
		{
			name:   "404 JSON",
			status: http.StatusNotFound, body: `{"status": 0, "error": {"code": "NOT_FOUND"}}`,
			wantStatus: http.StatusNotFound, wantCode: leeloo.CodeNotFound, notFound: true,
		},
		{
			name:   "404 plain text",
			status: http.StatusNotFound, body: "Cannot GET /api/v2/nowhere", contentType: "text/html",
			wantStatus: http.StatusNotFound, wantMessage: "not JSON: Cannot GET", notFound: true,
		},
		{
			name:   "not found in a field on 200",
			status: http.StatusOK, body: `{"status": 0, "error": {"code": "FORMAT_ERROR", "fields": {"person_id": "NOT_FOUND"}}}`,
			wantStatus: http.StatusOK, wantCode: leeloo.CodeFormatError, wantFields: map[string]string{"person_id": "NOT_FOUND"},
			notFound: true,
		},
		{
			name:   "error message",
			status: http.StatusBadRequest, body: `{"status": 0, "error": {"code": "FORMAT_ERROR", "message": "limit is too big"}}`,
			wantStatus: http.StatusBadRequest, wantCode: leeloo.CodeFormatError, wantMessage: "limit is too big",
		},
		{
			name:   "non-JSON 200",
			status: http.StatusOK, body: "<html><body>Maintenance</body></html>", contentType: "text/html",
			wantStatus: http.StatusOK, wantMessage: "not JSON: <html><body>Maintenance",
		},
		{
			name:   "non-JSON 500",
			status: http.StatusInternalServerError, body: "Internal Server Error", contentType: "text/plain",
			wantStatus: http.StatusInternalServerError, wantMessage: "not JSON: Internal Server Error",
		},
		{
			name:   "empty 502",
			status: http.StatusBadGateway, body: "", contentType: "text/plain",
			wantStatus: http.StatusBadGateway, wantMessage: "not JSON",
		},
		{
			name:   "bare 500 JSON",
			status: http.StatusInternalServerError, body: `{"message": "boom"}`,
			wantStatus: http.StatusInternalServerError, wantMessage: "boom",
		},
		{
			name:   "no status on a normal endpoint",
			status: http.StatusOK, body: `{"data": [{"id": "t1", "name": "VIP"}]}`,
			wantStatus: http.StatusOK, wantMessage: "no status",
		},
		{
			name:   "status 1 with an error",
			status: http.StatusOK, body: `{"status": 1, "error": {"code": "FORMAT_ERROR"}}`,
			wantStatus: http.StatusOK, wantCode: leeloo.CodeFormatError,
		},
		{
			name:   "status 1 on HTTP 500",
			status: http.StatusInternalServerError, body: `{"status": 1, "data": []}`,
			wantStatus: http.StatusInternalServerError,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
				ct := tc.contentType
				if ct == "" {
					ct = "application/json"
				}
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			c := newClient(t, f.baseURL(), noRetry)

			got, resp, err := c.Tags.List(t.Context())
			require.Error(t, err)
			assert.Nil(t, got)
			var ae *leeloo.APIError
			require.True(t, errors.As(err, &ae), "%T: %v", err, err)
			assert.Equal(t, http.MethodGet, ae.Method)
			assert.Equal(t, "/tags", ae.Path)
			assert.Equal(t, tc.wantStatus, ae.HTTPStatus)
			assert.Equal(t, tc.wantCode, ae.Code)
			assert.Equal(t, tc.wantFields, ae.Fields)
			if tc.wantMessage != "" {
				assert.Contains(t, ae.Message, tc.wantMessage)
			}
			assert.Equal(t, tc.unauthorized, ae.Unauthorized(), "Unauthorized")
			assert.Equal(t, tc.notFound, ae.NotFound(), "NotFound")
			assert.Contains(t, err.Error(), "GET /tags")
			assert.Contains(t, err.Error(), fmt.Sprintf("HTTP %d", tc.wantStatus))
			if tc.wantCode != "" {
				assert.Contains(t, err.Error(), tc.wantCode)
			}
			for k, v := range tc.wantFields {
				assert.Contains(t, err.Error(), k+": "+v)
			}
			require.NotNil(t, resp)
			assert.Equal(t, tc.wantStatus, resp.StatusCode)
			assert.Equal(t, 1, resp.Attempts)
		})
	}
}

func TestLongErrorBodyIsShortened(t *testing.T) {
	f := newFake(t, serveText(http.StatusInternalServerError, strings.Repeat("stack frame\n\t", 500), nil))
	c := newClient(t, f.baseURL(), noRetry)

	_, _, err := c.Users.Get(t.Context(), "u1")
	var ae *leeloo.APIError
	require.ErrorAs(t, err, &ae)
	assert.Less(t, len(ae.Message), 300)
	assert.NotContains(t, ae.Message, "\n", "one line")
}

func TestErrorTypesAreDistinct(t *testing.T) {
	f := newFake(t, serveText(http.StatusTooManyRequests, "Too many requests, please try again later.", map[string]string{"Retry-After": "120"}))
	c := newClient(t, f.baseURL())

	_, _, err := c.Tags.List(t.Context())
	var rl *leeloo.RateLimitError
	require.ErrorAs(t, err, &rl)
	var ae *leeloo.APIError
	require.ErrorAs(t, err, &ae, "a rate limit is also an APIError")
	assert.Equal(t, http.StatusTooManyRequests, ae.HTTPStatus)
	assert.Contains(t, rl.Message, "Too many requests")
	assert.Contains(t, err.Error(), "rate limited")
	var ne *leeloo.NetworkError
	assert.False(t, errors.As(err, &ne))
}

// TestTokenNeverInErrors makes the fake echo the token back in every way it
// can and checks every error's text.
func TestTokenNeverInErrors(t *testing.T) {
	echo := map[string]struct {
		h http.HandlerFunc
		// decodeOnly marks a successful reply whose data fails to decode: a
		// write that decodes nothing succeeds.
		decodeOnly bool
	}{
		"plain-text 500": {h: serveText(http.StatusInternalServerError, "upstream rejected token "+testToken, nil)},
		"JSON 500 without envelope": {h: serveBytes(http.StatusInternalServerError,
			[]byte(`{"message": "bad token `+testToken+`"}`))},
		"error message": {h: serveBytes(http.StatusBadRequest,
			[]byte(`{"status": 0, "error": {"code": "FORMAT_ERROR", "message": "token `+testToken+` expired"}}`))},
		"error field value": {h: serveBytes(http.StatusBadRequest,
			[]byte(`{"status": 0, "error": {"code": "FORMAT_ERROR", "fields": {"authToken": "`+testToken+` is not valid"}}}`))},
		"error field key": {h: serveBytes(http.StatusBadRequest,
			[]byte(`{"status": 0, "error": {"code": "FORMAT_ERROR", "fields": {"`+testToken+`": "UNKNOWN"}}}`))},
		"nested field value": {h: serveBytes(http.StatusBadRequest,
			[]byte(`{"status": 0, "error": {"code": "FORMAT_ERROR", "fields": {"headers": {"X-Leeloo-AuthToken": "`+testToken+`"}}}}`))},
		"error code": {h: serveBytes(http.StatusBadRequest,
			[]byte(`{"status": 0, "error": {"code": "BAD_TOKEN_`+testToken+`"}}`))},
		"429 body":     {h: serveText(http.StatusTooManyRequests, "Too many requests for "+testToken, map[string]string{"Retry-After": "3600"})},
		"no status":    {h: serveBytes(http.StatusOK, []byte(`{"token": "`+testToken+`"}`))},
		"not JSON 200": {h: serveText(http.StatusOK, "hello "+testToken, nil)},
		"token across the excerpt's cut": {h: serveText(http.StatusInternalServerError,
			strings.Repeat("x", 185)+" "+testToken+" "+strings.Repeat("y", 100), nil)},
		"token in a time": {decodeOnly: true, h: serveBytes(http.StatusOK,
			[]byte(`{"status": 1, "data": [{"id": "t1", "name": "n", "createdAt": "`+testToken+`"}]}`))},
		"token in a price": {decodeOnly: true, h: serveBytes(http.StatusOK,
			[]byte(`{"status": 1, "data": [{"id": "o1", "price": "`+testToken+`"}]}`))},
	}
	for name, tc := range echo {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, tc.h)
			c := newClient(t, f.baseURL(), noRetry)

			var errs []error
			_, _, err := c.Users.List(t.Context(), nil)
			errs = append(errs, err)
			_, _, err = c.Orders.List(t.Context(), nil)
			errs = append(errs, err)
			if !tc.decodeOnly {
				_, err = c.Messages.Send(t.Context(), leeloo.SendMessageRequest{AccountID: "a", Text: "hi"})
				errs = append(errs, err)
			}
			for _, err := range errs {
				if err == nil {
					continue // a reply that did not fail this call (users decode no price)
				}
				texts := []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%s", err)}
				var ae *leeloo.APIError
				if errors.As(err, &ae) {
					texts = append(texts, fmt.Sprintf("%#v", *ae))
				}
				for _, s := range texts {
					// Not even a prefix of the token, as a cut excerpt could leave.
					assert.NotContains(t, s, testToken[:12])
				}
			}
			assert.Error(t, errs[1], "the orders call fails")
		})
	}
}

func TestNetworkErrorHasNoToken(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, nil))
	base := f.baseURL()
	f.Close()
	c := newClient(t, base, noRetry)

	_, _, err := c.Tags.List(t.Context())
	var ne *leeloo.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.NotSent(), "dialing a closed port never sent the request")
	assert.False(t, ne.Timeout())
	assert.NotContains(t, fmt.Sprintf("%+v", err), testToken)
	assert.Contains(t, err.Error(), "GET /tags")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, err = c.Tags.List(ctx)
	require.ErrorAs(t, err, &ne)
	assert.ErrorIs(t, err, context.Canceled)
}
