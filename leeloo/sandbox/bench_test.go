package sandbox

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func benchGET(b *testing.B, path string) {
	srv := New(Options{Now: func() time.Time { return testNow }})
	req := httptest.NewRequest(http.MethodGet, Prefix+path, nil)
	req.Header.Set(AuthHeader, DefaultToken)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

func BenchmarkPeoplePage(b *testing.B) { benchGET(b, "/people") }
func BenchmarkPeopleFiltered(b *testing.B) {
	benchGET(b, "/people?filter[tags]=Lead&filter[last_message][from]=2025-05-01")
}
func BenchmarkPersonCard(b *testing.B) {
	benchGET(b, "/people/"+DemoPersonID+"?include=contactedUsers,orders")
}
func BenchmarkChatMessages(b *testing.B) {
	benchGET(b, "/communication-channels/"+DemoAccountID+"/chat-messages")
}
func BenchmarkCommunicationChannels(b *testing.B) { benchGET(b, "/communication-channels") }
func BenchmarkTunnelsStats(b *testing.B)          { benchGET(b, "/tunnels/stats") }
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		New(Options{Now: func() time.Time { return testNow }})
	}
}
