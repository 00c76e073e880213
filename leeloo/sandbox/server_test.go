package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuth(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name       string
		token      string
		wantStatus int
		wantBody   string
	}{
		{"missing", "", http.StatusUnauthorized, `{"status":0,"error":{"code":"FORMAT_ERROR","fields":{"authToken":"REQUIRED"}}}`},
		{"wrong", "nope", http.StatusUnauthorized, `{"status":0,"error":{"code":"SESSION_EXPIRED"}}`},
		{"right", DefaultToken, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.call(http.MethodGet, "/tags", nil, withToken(tt.token))
			assert.Equal(t, tt.wantStatus, r.status)
			if tt.wantBody != "" {
				assert.JSONEq(t, tt.wantBody, string(r.raw))
			}
		})
	}
	// A write with a bad token changes nothing but is recorded.
	before := f.get("/people/" + DemoPersonID)
	r := f.call(http.MethodPut, "/people/"+DemoPersonID+"/add-tag", map[string]string{"tag_id": LeadTagID}, withToken("nope"))
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Equal(t, before, f.get("/people/"+DemoPersonID))
	require.NotEmpty(t, f.srv.Writes())
}

func TestCustomToken(t *testing.T) {
	ts := httptest.NewServer(New(Options{Token: "s3cret"}))
	defer ts.Close()
	for tok, want := range map[string]int{"s3cret": 200, DefaultToken: 401} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v2/tags", nil)
		req.Header.Set(AuthHeader, tok)
		resp, err := ts.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, want, resp.StatusCode, tok)
	}
}

func TestRoutingNotFound(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ method, url string }{
		{"GET", "/nope"},
		{"GET", "/api/v3/people"},
		{"GET", "/api/v2x/people"},
		{"GET", "/api/v2/unknown"},
		{"DELETE", "/api/v2/people/" + DemoPersonID},
		{"GET", "/api/v2/people/" + DemoPersonID + "/add-tag"},
	} {
		req, _ := http.NewRequest(tc.method, f.ts.URL+tc.url, nil)
		req.Header.Set(AuthHeader, DefaultToken)
		resp, err := f.ts.Client().Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, tc.url)
		assert.JSONEq(t, `{"status":0,"error":{"code":"NOT_FOUND"}}`, string(body), tc.url)
		assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	}
}

func TestBodyErrors(t *testing.T) {
	f := newFixture(t)
	big := rawBody(`{"account_id":"` + DemoAccountID + `","text":"` + strings.Repeat("a", maxBody) + `"}`)
	r := f.call(http.MethodPost, "/messages/send-message", big)
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.status)

	r = f.call(http.MethodPost, "/messages/send-message", rawBody(`{"account_id":`))
	assert.Equal(t, http.StatusBadRequest, r.status)
	code, fields := errorOf(r)
	assert.Equal(t, "FORMAT_ERROR", code)
	assert.Equal(t, "NOT_VALID_JSON", fields["body"])

	r = f.call(http.MethodPost, "/messages/send-message", rawBody(`[1,2]`))
	assert.Equal(t, http.StatusBadRequest, r.status)

	// Unknown keys are ignored; missing required ones are named.
	r = f.call(http.MethodPost, "/messages/send-message", map[string]any{"hello": 1})
	assert.Equal(t, http.StatusBadRequest, r.status)
	_, fields = errorOf(r)
	assert.Equal(t, map[string]any{"account_id": "REQUIRED", "text": "REQUIRED"}, fields)

	r = f.call(http.MethodPost, "/messages/send-message", map[string]any{"account_id": DemoAccountID, "text": "hi", "extra": true})
	assert.Equal(t, http.StatusOK, r.status)

	r = f.call(http.MethodPost, "/messages/send-message", map[string]any{"account_id": DemoAccountID, "text": []int{1}})
	_, fields = errorOf(r)
	assert.Equal(t, "NOT_VALID", fields["text"])
}

func TestPagination(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		query                  string
		limit, offset, onPage  int
		wantErrField, wantCode string
	}{
		{query: "", limit: 20, offset: 0, onPage: 20},
		{query: "?limit=5&offset=10", limit: 5, offset: 10, onPage: 5},
		{query: "?limit=0", limit: 20, onPage: 20},
		{query: "?limit=500", limit: 100, onPage: 100},
		{query: "?offset=238", limit: 20, offset: 238, onPage: 2},
		{query: "?offset=1000", limit: 20, offset: 1000, onPage: 0},
		{query: "?limit=-1", wantErrField: "limit", wantCode: "NOT_VALID"},
		{query: "?limit=ten", wantErrField: "limit", wantCode: "NOT_VALID"},
		{query: "?offset=-3", wantErrField: "offset", wantCode: "NOT_VALID"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := f.call(http.MethodGet, "/people"+tt.query, nil)
			if tt.wantErrField != "" {
				assert.Equal(t, http.StatusBadRequest, r.status)
				code, fields := errorOf(r)
				assert.Equal(t, "FORMAT_ERROR", code)
				assert.Equal(t, tt.wantCode, fields[tt.wantErrField])
				return
			}
			require.Equal(t, http.StatusOK, r.status)
			m := obj(r.body["meta"])
			assert.EqualValues(t, tt.limit, m["limit"])
			assert.EqualValues(t, tt.offset, m["offset"])
			assert.EqualValues(t, tt.onPage, m["filteredCount"])
			assert.EqualValues(t, 240, m["totalCount"])
			assert.Len(t, list(r.body["data"]), tt.onPage)
		})
	}
	// Pages do not overlap and cover everyone.
	seen := map[string]bool{}
	for off := 0; off < 240; off += 50 {
		for _, p := range list(f.get(fmt.Sprintf("/people?limit=50&offset=%d", off))["data"]) {
			id := str(obj(p)["id"])
			assert.False(t, seen[id], id)
			seen[id] = true
		}
	}
	assert.Len(t, seen, 240)
}

func TestDeterminism(t *testing.T) {
	fetch := func(path string) string {
		srv := New(Options{Now: func() time.Time { return testNow }})
		req := httptest.NewRequest(http.MethodGet, Prefix+path, nil)
		req.Header.Set(AuthHeader, DefaultToken)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		require.Equal(t, http.StatusOK, w.Code)
		return w.Body.String()
	}
	for _, path := range []string{"/people?limit=100&offset=0", "/people?limit=100&offset=100", "/orders?limit=100", "/communication-channels?limit=100", "/tunnels/stats"} {
		assert.Equal(t, fetch(path), fetch(path), path)
	}
	// Another Now moves the dates and generated ids but keeps the well-known ids.
	other := New(Options{Now: func() time.Time { return testNow.Add(time.Hour) }})
	req := httptest.NewRequest(http.MethodGet, Prefix+"/people/"+DemoPersonID, nil)
	req.Header.Set(AuthHeader, DefaultToken)
	w := httptest.NewRecorder()
	other.ServeHTTP(w, req)
	assert.Equal(t, http.StatusOK, w.Code)
}

func TestSeedShape(t *testing.T) {
	srv := New(Options{Now: func() time.Time { return testNow }})
	st := srv.db
	assert.Len(t, st.people, 240)
	assert.Len(t, st.orders, 60)
	from := map[string]int{}
	two := 0
	for _, p := range st.people {
		if len(p.accounts) > 1 {
			two++
		}
		for _, a := range p.accounts {
			from[a.from]++
			assert.GreaterOrEqual(t, len(a.messages), 2, a.id)
			assert.LessOrEqual(t, len(a.messages), 20, a.id)
			assert.Equal(t, p.id, a.personID)
		}
		assert.True(t, validID(p.id))
	}
	for _, ch := range []string{"TELEGRAM", "FACEBOOK", "INSTAGRAM", "VIBER", "SMS", "EMAIL", "MANUAL"} {
		assert.Positive(t, from[ch], ch)
	}
	assert.Positive(t, two)
	statuses := map[string]bool{}
	currencies := map[string]bool{}
	for _, o := range st.orders {
		statuses[o.status] = true
		currencies[o.currency] = true
		assert.False(t, o.createdAt.After(testNow), o.id)
		assert.False(t, o.updatedAt.After(testNow), o.id)
	}
	for _, s := range []string{"OPENED", "RESOLVED", "REJECTED", "SUCCESS", "PENDING", "REFUNDED"} {
		assert.True(t, statuses[s], s)
	}
	for _, c := range []string{"USD", "EUR", "UAH"} {
		assert.True(t, currencies[c], c)
	}
	// Chats span minutes to months.
	var minutes, days, months int
	for _, p := range st.people {
		switch age := testNow.Sub(p.lastMessage); {
		case age < 3*time.Hour:
			minutes++
		case age < 8*day:
			days++
		case age > 35*day:
			months++
		}
	}
	assert.Positive(t, minutes)
	assert.Positive(t, days)
	assert.Positive(t, months)

	small := New(Options{Now: func() time.Time { return testNow }, People: 2})
	assert.Len(t, small.db.people, 4, "the well-known people are always there")
}

func TestRequestsRecorded(t *testing.T) {
	f := newFixture(t)
	f.get("/people?limit=2&filter[tags]=VIP")
	f.call(http.MethodPut, "/people/"+DemoPersonID+"/add-tag", form{"tag_id": {LeadTagID}})
	f.call(http.MethodGet, "/tags", nil, withToken("bad"))

	reqs := f.srv.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "GET", reqs[0].Method)
	assert.Equal(t, "/people", reqs[0].Path)
	assert.Equal(t, "/api/v2/people?limit=2&filter[tags]=VIP", reqs[0].URL)
	assert.Equal(t, "limit=2&filter[tags]=VIP", reqs[0].RawQuery)
	assert.Equal(t, DefaultToken, reqs[0].Header.Get(AuthHeader))
	assert.Equal(t, testNow, reqs[0].Time)

	writes := f.srv.Writes()
	require.Len(t, writes, 1)
	assert.Equal(t, "PUT", writes[0].Method)
	assert.Equal(t, "/people/"+DemoPersonID+"/add-tag", writes[0].Path)
	assert.Equal(t, "application/x-www-form-urlencoded", writes[0].ContentType)
	assert.Equal(t, "tag_id="+LeadTagID, string(writes[0].Body))

	// Copies: changing them does not change the record.
	writes[0].Body[0] = 'X'
	writes[0].Header.Set(AuthHeader, "changed")
	assert.Equal(t, "tag_id="+LeadTagID, string(f.srv.Writes()[0].Body))
	assert.Equal(t, DefaultToken, f.srv.Writes()[0].Header.Get(AuthHeader))

	f.srv.ResetRequests()
	assert.Empty(t, f.srv.Requests())
	assert.Empty(t, f.srv.Writes())
}

func TestRecordLimit(t *testing.T) {
	srv := New(Options{Now: func() time.Time { return testNow }, RecordLimit: 3})
	for i := 0; i < 10; i++ {
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("%s/tags?i=%d", Prefix, i), nil)
		srv.ServeHTTP(httptest.NewRecorder(), req)
	}
	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "i=9", reqs[2].RawQuery)
}

func TestConcurrency(t *testing.T) {
	f := newFixture(t)
	const workers, each = 8, 15
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := f.call(http.MethodPost, "/messages/send-message", map[string]string{"account_id": DemoAccountID, "text": fmt.Sprintf("w%d-%d", w, i)})
				assert.Equal(t, http.StatusOK, r.status)
				f.call(http.MethodGet, "/people?limit=5", nil)
				f.call(http.MethodGet, "/communication-channels/"+DemoAccountID+"/chat-messages?limit=3", nil)
				f.call(http.MethodPut, "/people/"+DemoPersonID+"/add-tag", map[string]string{"tag_id": LeadTagID})
				f.call(http.MethodGet, "/tunnels/stats", nil)
				f.srv.Requests()
			}
		}()
	}
	wg.Wait()
	m := obj(f.get("/communication-channels/" + DemoAccountID + "/chat-messages?limit=1")["meta"])
	assert.EqualValues(t, 9+workers*each, m["totalCount"])
	assert.Len(t, f.srv.Writes(), 2*workers*each)
}
