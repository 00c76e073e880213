package resources_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/mcptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
	"github.com/leeloo-mcp/leeloo-mcp/resources"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// TestHostileLeelooResources: every resource and template, read from a
// Leeloo that writes a fence escape, an instruction and invisible characters
// into every string, has only the server's own fences, no invisible
// character, and (for JSON) no markup at all.
func TestHostileLeelooResources(t *testing.T) {
	var routes []testutil.Route
	for _, tl := range tools.All(&tools.Deps{}) {
		if _, err := os.Stat(filepath.Join(testutil.FixtureDir(), tl.Tool.Name+".json")); err == nil {
			routes = append(routes, testutil.Route{Endpoint: tl.Endpoint, Fixture: tl.Tool.Name + ".json"})
		}
	}
	hs := testutil.HostileLeeloo(t, sandbox.Prefix, routes)
	c := newClient(t, hs.URL+sandbox.Prefix, token)
	cl := serve(t, c)

	id := "5e18a2a3ed0b7a000d6c9484"
	res, tmpls := resources.All(c)
	var uris []string
	for _, r := range res {
		uris = append(uris, r.Resource.URI)
	}
	for _, tm := range tmpls {
		uri := tm.Template.URITemplate.Raw()
		for _, v := range []string{"{account_id}", "{person_id}", "{tunnel_id}"} {
			uri = strings.ReplaceAll(uri, v, id)
		}
		require.NotContains(t, uri, "{", "a template variable this test does not fill: %s", uri)
		uris = append(uris, uri)
	}
	marks := 0
	for _, uri := range uris {
		t.Run(uri, func(t *testing.T) {
			var req mcp.ReadResourceRequest
			req.Params.URI = uri
			got, err := cl.ReadResource(context.Background(), req)
			if err != nil {
				testutil.AssertSafeText(t, err.Error(), uri)
				if strings.Contains(err.Error(), testutil.HostileMark) {
					marks++
				}
				return
			}
			for _, ct := range got.Contents {
				tc := ct.(mcp.TextResourceContents)
				if tc.MIMEType == "application/json" {
					testutil.AssertSafeJSON(t, []byte(tc.Text), uri)
				} else {
					testutil.AssertSafeText(t, tc.Text, uri)
				}
				if strings.Contains(tc.Text, testutil.HostileMark) {
					marks++
				}
			}
		})
	}
	assert.GreaterOrEqual(t, marks, len(uris)-1, "the attack reached the resources (cleaned): the check is not vacuous")
}

// TestHostileEventsResources: leeloo://events and leeloo://events/{type},
// holding webhooks with the attack in every string, have only the server's
// own fences and no invisible character.
func TestHostileEventsResources(t *testing.T) {
	log := events.NewLog(guard.NewMemoryStore(nil), events.LogOptions{})
	for _, b := range testutil.HostileWebhooks() {
		ev, key := events.Decode(b, time.Now())
		_, _, err := log.Add(context.Background(), ev, key)
		require.NoError(t, err)
	}
	srv := mcptest.NewUnstartedServer(t)
	srv.AddResources(resources.Events(log))
	srv.AddResourceTemplates(resources.EventsOfType(log))
	require.NoError(t, srv.Start(context.Background()))
	t.Cleanup(srv.Close)
	for _, uri := range []string{resources.EventsURI, "leeloo://events/ORDER", "leeloo://events/SALE", "leeloo://events/INCOMING_MESSAGE", "leeloo://events/KKK"} {
		t.Run(uri, func(t *testing.T) {
			var req mcp.ReadResourceRequest
			req.Params.URI = uri
			got, err := srv.Client().ReadResource(context.Background(), req)
			require.NoError(t, err)
			tc := got.Contents[0].(mcp.TextResourceContents)
			testutil.AssertSafeText(t, tc.Text, uri)
			if uri == resources.EventsURI || uri == "leeloo://events/INCOMING_MESSAGE" {
				// The customer's message in full (order fields are cut short).
				assert.Contains(t, tc.Text, testutil.HostileMark, "the attack reached the resource (cleaned): the check is not vacuous")
			}
		})
	}
}
