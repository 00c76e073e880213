package sandbox

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestManualSubscribe(t *testing.T) {
	bodies := map[string]any{
		"json":       map[string]string{"tunnel_id": TunnelID, "tunnel_block_id": "5b3f543bb2737000133d25b0"},
		"urlencoded": form{"tunnel_id": {TunnelID}, "tunnel_block_id": {"5b3f543bb2737000133d25b0"}},
		"multipart":  multi{"tunnel_id": TunnelID, "tunnel_block_id": "5b3f543bb2737000133d25b0"},
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			before := mainStats(f)
			r := f.call(http.MethodPost, "/communication-channels/"+DemoAccountID+"/manual-subscribe", body)
			require.Equal(t, http.StatusOK, r.status, string(r.raw))
			assert.JSONEq(t, `{"status":1,"data":{}}`, string(r.raw))

			hist := list(obj(f.get("/people/" + DemoPersonID)["data"])["subscribeHistory"])
			require.Len(t, hist, 2)
			last := obj(hist[1])
			assert.Equal(t, TunnelID, last["tunnelId"])
			assert.Equal(t, DemoAccountID, last["accountId"])
			assert.Equal(t, "Lumi: основна воронка", last["tunnelName"])

			after := mainStats(f)
			assert.Equal(t, before["subscribers"].(float64)+1, after["subscribers"])
			assert.Equal(t, before["uniqSubscribers"], after["uniqSubscribers"], "the demo person was subscribed already")
		})
	}
	f := newFixture(t)
	r := f.call(http.MethodPost, "/communication-channels/"+DemoAccountID+"/manual-subscribe", form{"tunnel_id": {"abababababababababababab"}, "tunnel_block_id": {"5b3f543bb2737000133d25b0"}})
	assert.Equal(t, http.StatusNotFound, r.status)
	_, fields := errorOf(r)
	assert.Equal(t, map[string]any{"tunnel_id": "NOT_FOUND"}, fields)
	r = f.call(http.MethodPost, "/communication-channels/"+DemoAccountID+"/manual-subscribe", form{"tunnel_id": {TunnelID}, "tunnel_block_id": {"block-1"}})
	assert.Equal(t, http.StatusBadRequest, r.status)
	_, fields = errorOf(r)
	assert.Equal(t, map[string]any{"tunnel_block_id": "NOT_VALID_ID"}, fields)
}

func TestCreateTrafficSource(t *testing.T) {
	f := newFixture(t)
	r := f.call(http.MethodPost, "/leadgentools/"+LeadgentoolID+"/create-traffic-source", map[string]string{"name": "some ts", "description": "some ts description"})
	require.Equal(t, http.StatusOK, r.status, string(r.raw))
	d := obj(r.body["data"])
	assertShape(t, sample(t, "create_traffic_source.json"), r.body, "reply")
	assert.Nil(t, d["fb_adset_id"])
	assert.Equal(t, "normal", d["type"])
	assert.Equal(t, TunnelID, d["tunnel_id"])
	assert.Equal(t, LeadgentoolID, d["leadgentool_id"])

	srcs := f.srv.TrafficSources(LeadgentoolID)
	require.Len(t, srcs, 2)
	assert.Equal(t, "Default traffic source", srcs[0].Name)
	assert.Equal(t, "some ts", srcs[1].Name)
	assert.Equal(t, d["id"], srcs[1].ID)

	r = f.call(http.MethodPost, "/leadgentools/"+LeadgentoolID+"/create-traffic-source", map[string]string{"description": "x"})
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Len(t, f.srv.TrafficSources(LeadgentoolID), 2)
}

func TestLogCall(t *testing.T) {
	valid := map[string]string{
		"user_id": UserID, "from": "+380671234567", "to": "+380441234567", "date": "2025-06-01T10:00:00Z",
		"account_id": DemoAccountID, "record_link": "https://records.example/1.mp3", "status": "SUCCESS",
		"duration": "125", "type": "OUTBOUND",
	}
	bodies := map[string]func(map[string]string) any{
		"json": func(m map[string]string) any {
			out := map[string]any{}
			for k, v := range m {
				out[k] = v
			}
			out["duration"] = 125
			return out
		},
		"urlencoded": func(m map[string]string) any {
			v := form{}
			for k, s := range m {
				v[k] = []string{s}
			}
			return v
		},
		"multipart": func(m map[string]string) any { return multi(m) },
	}
	for name, enc := range bodies {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			r := f.call(http.MethodPost, "/calls", enc(valid))
			require.Equal(t, http.StatusOK, r.status, string(r.raw))
			d := obj(r.body["data"])
			assert.True(t, validID(str(d["id"])))
			assert.EqualValues(t, 125, d["duration"])
			assert.Equal(t, "2025-06-01T10:00:00.000Z", d["date"])
			assert.Equal(t, DemoPersonID, d["person_id"])
			calls := f.srv.Calls()
			require.Len(t, calls, 1)
			assert.Equal(t, "OUTBOUND", calls[0].Type)
		})
	}

	f := newFixture(t)
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for kk, vv := range valid {
			m[kk] = vv
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		key, value string
		status     int
		code       string
		fieldCode  string
	}{
		{"status", "RINGING", 400, "FORMAT_ERROR", "NOT_VALID"},
		{"type", "INTERNAL", 400, "FORMAT_ERROR", "NOT_VALID"},
		{"duration", "-1", 400, "FORMAT_ERROR", "NOT_VALID"},
		{"duration", "1.5", 400, "FORMAT_ERROR", "NOT_VALID"},
		{"date", "yesterday", 400, "FORMAT_ERROR", "NOT_VALID_DATE"},
		{"record_link", "ftp//nope", 400, "FORMAT_ERROR", "NOT_VALID"},
		{"record_link", "NOT_DEFINED", 200, "", ""},
		{"from", "067 123 45 67", 400, "NOT_VALID_PHONE_NUMBER", "NOT_VALID_PHONE_NUMBER"},
		{"to", "", 400, "FORMAT_ERROR", "REQUIRED"},
		{"user_id", "012345678901234567890123", 404, "NOT_FOUND", "NOT_FOUND"},
		{"account_id", "012345678901234567890123", 404, "NOT_FOUND", "NOT_FOUND"},
	} {
		r := f.call(http.MethodPost, "/calls", multi(with(tc.key, tc.value)))
		assert.Equal(t, tc.status, r.status, tc.key+"="+tc.value+" "+string(r.raw))
		if tc.code != "" {
			code, fields := errorOf(r)
			assert.Equal(t, tc.code, code, tc.key)
			assert.Equal(t, map[string]any{tc.key: tc.fieldCode}, fields, tc.key)
		}
	}
	assert.Len(t, f.srv.Calls(), 1)
}
