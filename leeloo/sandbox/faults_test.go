package sandbox

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultRateLimited(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject(RateLimited("/people", 1500*time.Millisecond))
	r := f.call(http.MethodGet, "/people", nil)
	assert.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "Too many requests, please try again later.", string(r.raw))
	assert.Equal(t, "text/plain; charset=utf-8", r.header.Get("Content-Type"))
	assert.Equal(t, "2", r.header.Get("Retry-After"))
	assert.Equal(t, "300", r.header.Get("X-RateLimit-Limit"))
	assert.Equal(t, "0", r.header.Get("X-RateLimit-Remaining"))
	// Times defaults to 1: the next call goes through.
	f.get("/people")
	assert.Len(t, f.srv.Requests(), 2)

	assert.Equal(t, "1", RateLimited("", 0).Header.Get("Retry-After"))
	assert.Equal(t, "1", RateLimited("", time.Second).Header.Get("Retry-After"))
}

func TestFaultMatching(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject(Fault{Method: "post", Path: "/messages", Times: 2, Status: 503, Body: "busy"})
	assert.Equal(t, http.StatusOK, f.call(http.MethodGet, "/tags", nil).status, "other path")
	assert.Equal(t, http.StatusNotFound, f.call(http.MethodGet, "/messages/send-message", nil).status, "other method")
	for i := 0; i < 2; i++ {
		r := f.call(http.MethodPost, "/messages/send-message", map[string]string{"account_id": DemoAccountID, "text": "x"})
		assert.Equal(t, 503, r.status)
	}
	r := f.call(http.MethodPost, "/messages/send-message", map[string]string{"account_id": DemoAccountID, "text": "x"})
	assert.Equal(t, http.StatusOK, r.status)

	f.srv.Inject(ServerError("", ""))
	f.srv.ClearFaults()
	assert.Equal(t, http.StatusOK, f.call(http.MethodGet, "/tags", nil).status)
}

func TestFaultServerErrorChangesNothing(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject(ServerError(http.MethodPut, "/people"))
	r := f.call(http.MethodPut, "/people/"+DemoPersonID+"/add-tag", map[string]string{"tag_id": LeadTagID})
	assert.Equal(t, http.StatusInternalServerError, r.status)
	assert.Contains(t, string(r.raw), "Internal Server Error")
	assert.NotContains(t, r.header.Get("Content-Type"), "json")
	assert.NotContains(t, obj(f.get("/people/" + DemoPersonID)["data"])["tags"], "Lead")

	writes := f.srv.Writes()
	require.Len(t, writes, 1, "the faulted write reached Leeloo")
	assert.Equal(t, "/people/"+DemoPersonID+"/add-tag", writes[0].Path)
}

func TestFaultFormatError(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject(FormatError(http.MethodPost, "/messages/send-message", map[string]string{"text": "REQUIRED"}))
	r := f.call(http.MethodPost, "/messages/send-message", map[string]string{"account_id": DemoAccountID, "text": "hello"})
	assert.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, `{"status":0,"error":{"code":"FORMAT_ERROR","fields":{"text":"REQUIRED"}}}`, string(r.raw))
	assert.EqualValues(t, 9, obj(f.get("/communication-channels/" + DemoAccountID + "/chat-messages")["meta"])["totalCount"])
}

func TestFaultDelay(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject(Fault{Path: "/tags", Delay: 80 * time.Millisecond})
	start := time.Now()
	f.get("/tags")
	assert.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond)

	// A delayed write still happens, unless the client gives up first.
	f.srv.Inject(Fault{Path: "/people", Delay: 2 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, f.ts.URL+Prefix+"/people/"+DemoPersonID+"/add-tag", strings.NewReader("tag_id="+LeadTagID))
	req.Header.Set(AuthHeader, DefaultToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, err := f.ts.Client().Do(req)
	require.Error(t, err)
	require.Eventually(t, func() bool { return len(f.srv.Writes()) == 1 }, time.Second, 5*time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	assert.NotContains(t, obj(f.get("/people/" + DemoPersonID)["data"])["tags"], "Lead")

	// The same write without a client timeout goes through after the delay.
	f.srv.Inject(Fault{Path: "/people", Delay: 30 * time.Millisecond})
	r := f.call(http.MethodPut, "/people/"+DemoPersonID+"/add-tag", form{"tag_id": {LeadTagID}})
	assert.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, obj(f.get("/people/" + DemoPersonID)["data"])["tags"], "Lead")
}

func TestFaultHang(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject(Fault{Method: http.MethodPost, Path: "/messages", Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.ts.URL+Prefix+"/messages/send-message", nil)
	req.Header.Set(AuthHeader, DefaultToken)
	start := time.Now()
	_, err := f.ts.Client().Do(req)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), err)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Len(t, f.srv.Writes(), 1)

	// ClearFaults releases a hung request, which is then answered normally.
	f.srv.Inject(Fault{Path: "/tags", Hang: true})
	done := make(chan int)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, f.ts.URL+Prefix+"/tags", nil)
		req.Header.Set(AuthHeader, DefaultToken)
		resp, err := f.ts.Client().Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	require.Eventually(t, func() bool { return len(f.srv.Requests()) == 2 }, time.Second, 5*time.Millisecond)
	f.srv.ClearFaults()
	select {
	case code := <-done:
		assert.Equal(t, http.StatusOK, code)
	case <-time.After(2 * time.Second):
		t.Fatal("hung request was not released")
	}
}
