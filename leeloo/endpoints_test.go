package leeloo_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// endpointInputs are what an endpoint case addresses and filters by. The
// httptest cases use the ids of the vendor's doc (docInputs); the sandbox
// cases use the sandbox seed's, so the same table drives both.
type endpointInputs struct {
	CategoryID, TemplateID             string
	AccountID, PersonID                string
	OrderID, ManualOrderID             string
	AddTagID, RemoveTagID              string
	TunnelID, TunnelBlockID            string
	LeadgentoolID, UserID              string
	SMSConnectionID                    string
	PaymentCreditsID, OfferID          string
	TemplateVariables                  map[string]string
	ChannelsFrom, ChannelsTo           time.Time // caller's local times
	ChannelsFromDay, ChannelsToDay     string    // what the wire must carry
	Search                             leeloo.PeopleListOptions
	SearchQuery                        url.Values
	NewPersonName, NewPersonEmail      string
	NewPersonPhone, NewPersonPhoneWire string
}

// docInputs are the ids and filters of the vendor's doc samples. Times are
// given in a UTC+3 zone: the wire must carry their UTC day or instant.
var docInputs = endpointInputs{
	CategoryID:        "5e3bf3fdb70492000f72cd6c",
	TemplateID:        "5e42be758d4fff000cafe6ef",
	AccountID:         "617fd5cc1cc06d42c94dd9ec",
	PersonID:          "625946dd585052c1629f1b2b",
	OrderID:           "5e2825e081fbca000d8596e4",
	ManualOrderID:     "5b3f608db2737000133d25b6",
	AddTagID:          "5cf7a18586236d000b1256b2",
	RemoveTagID:       "595f5d522a934035decc093d",
	TunnelID:          "595f5d522a934035decc093d",
	TunnelBlockID:     "5b3f543bb2737000133d25b0",
	LeadgentoolID:     "5e1f119d6c384804b31e945e",
	UserID:            "632af797bd3cc466fe1af584",
	SMSConnectionID:   "5dbfe6c5fb73e101720b3dc7",
	PaymentCreditsID:  "5e3c3533f04b1f000c27b534",
	OfferID:           "5e3c357bf04b1f000c27b83a",
	TemplateVariables: map[string]string{"key1": "value1", "key2": "value2"},
	// 01:30 on the 11th in UTC+3 is still the 10th in UTC.
	ChannelsFrom:    time.Date(2020, 2, 11, 1, 30, 0, 0, kyiv),
	ChannelsTo:      time.Date(2020, 4, 14, 23, 0, 0, 0, kyiv),
	ChannelsFromDay: "2020-02-10",
	ChannelsToDay:   "2020-04-14",
	Search: leeloo.PeopleListOptions{
		ListOptions:     leeloo.ListOptions{Limit: 20, Offset: 100},
		Tags:            []string{"vip", "tag2"},
		LastMessageFrom: time.Date(2015, 4, 3, 1, 0, 0, 0, kyiv),
		LastMessageTo:   time.Date(2015, 4, 3, 20, 0, 0, 0, kyiv),
		Phone:           "+380 (96) 656-55-56",
		Email:           "feliks@gmail.com",
	},
	SearchQuery: url.Values{
		"limit":                      {"20"},
		"offset":                     {"100"},
		"filter[tags]":               {"vip", "tag2"},
		"filter[last_message][from]": {"2015-04-02"},
		"filter[last_message][to]":   {"2015-04-03"},
		"filter[phone]":              {"+380966565556"},
		"filter[email]":              {"feliks@gmail.com"},
	},
	NewPersonName:      "Feliks",
	NewPersonEmail:     "feliks@gmail.com",
	NewPersonPhone:     "+380 (95) 306-67-89",
	NewPersonPhoneWire: "+380953066789",
}

// endpointCase is one endpoint: the call, the exact request it must send and
// the decoded result of its fixture (testdata/<name>.json).
type endpointCase struct {
	// name is the endpoint's MCP tool name (testdata/catalog.json).
	name string
	want func(in endpointInputs) wantRequest
	call func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error)
	// check asserts the result decoded from the fixture.
	check func(t *testing.T, got any, resp *leeloo.Response)
}

// as asserts v's dynamic type.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	out, ok := v.(T)
	require.Truef(t, ok, "result is %T", v)
	return out
}

func get(path string) func(endpointInputs) wantRequest {
	return func(endpointInputs) wantRequest { return wantRequest{Method: http.MethodGet, Path: path} }
}

// getPage is get with the first page of 20, what a list call with Limit 20
// sends.
func getPage(path string) func(endpointInputs) wantRequest {
	return func(endpointInputs) wantRequest {
		return wantRequest{Method: http.MethodGet, Path: path, Query: url.Values{"limit": {"20"}, "offset": {"0"}}}
	}
}

func noData(t *testing.T, got any, resp *leeloo.Response) {
	t.Helper()
	assert.Nil(t, got)
	assert.Nil(t, resp.Meta)
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// endpointCases is one case per endpoint, gathered from the test file of
// each endpoint's domain (people_test.go beside people.go, ...).
func endpointCases() []endpointCase {
	return slices.Concat(
		templateCases(),
		messageCases(),
		channelCases(),
		leadgenCases(),
		orderCases(),
		peopleCases(),
		tagCases(),
		tunnelCases(),
		userCases(),
		connectionCases(),
		callCases(),
	)
}

// apiToolNames are the tools of the committed catalogue (testdata/catalog.json
// at the repository root) that call one API endpoint: every one but the
// server's own, whose endpoint is not "METHOD /path".
func apiToolNames(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "catalog.json"))
	require.NoError(t, err)
	var rows []struct{ Name, Endpoint string }
	require.NoError(t, json.Unmarshal(raw, &rows))
	var names []string
	for _, r := range rows {
		if apiEndpoint.MatchString(r.Endpoint) {
			names = append(names, r.Name)
		}
	}
	require.NotEmpty(t, names)
	return names
}

var apiEndpoint = regexp.MustCompile(`^(GET|POST|PUT|DELETE) /[^ ]*$`)

func TestEndpointTableCoversEveryTool(t *testing.T) {
	toolNames := apiToolNames(t)
	var names []string
	for _, tc := range endpointCases() {
		names = append(names, tc.name)
	}
	assert.ElementsMatch(t, toolNames, names)

	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(t, err)
	for _, n := range toolNames {
		_, err := os.Stat(filepath.Join("testdata", n+".json"))
		assert.NoError(t, err, "fixture for %s", n)
	}
	for _, f := range files {
		n := strings.TrimSuffix(filepath.Base(f), ".json")
		assert.True(t, slices.Contains(toolNames, n), "fixture %s has no endpoint", f)
	}
}

// TestEndpoints calls every endpoint against a fake Leeloo answering with the
// doc's sample reply, and asserts the exact request and the decoded result.
func TestEndpoints(t *testing.T) {
	for _, tc := range endpointCases() {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, serveBytes(http.StatusOK, fixture(t, tc.name+".json")))
			c := newClient(t, f.baseURL())

			got, resp, err := tc.call(t.Context(), c, docInputs)
			require.NoError(t, err)
			require.NotNil(t, resp)

			reqs := f.requests()
			require.Len(t, reqs, 1, "exactly one request")
			assertRequest(t, tc.want(docInputs), reqs[0])
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, 1, resp.Attempts)
			tc.check(t, got, resp)
		})
	}
}

func TestListWithoutOptionsSendsNoQuery(t *testing.T) {
	byPath := map[string][]byte{
		apiPrefix + "/orders":                 fixture(t, "list_orders.json"),
		apiPrefix + "/communication-channels": fixture(t, "list_communication_channels.json"),
		apiPrefix + "/people/p1":              fixture(t, "get_person.json"),
	}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { replyJSON(w, http.StatusOK, byPath[r.URL.Path]) })
	c := newClient(t, f.baseURL())

	_, _, err := c.Orders.List(t.Context(), nil)
	require.NoError(t, err)
	_, _, err = c.Channels.List(t.Context(), nil)
	require.NoError(t, err)
	_, _, err = c.People.Get(t.Context(), "p1", nil)
	require.NoError(t, err)

	reqs := f.requests()
	require.Len(t, reqs, 3)
	assertRequest(t, wantRequest{Method: http.MethodGet, Path: "/orders"}, reqs[0])
	assertRequest(t, wantRequest{Method: http.MethodGet, Path: "/communication-channels"}, reqs[1])
	assertRequest(t, wantRequest{Method: http.MethodGet, Path: "/people/p1"}, reqs[2])
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	f := newFake(t, serveBytes(http.StatusOK, fixture(t, "get_user.json")))
	c := newClient(t, f.baseURL())

	_, _, err := c.Users.Get(t.Context(), "../tags?x=1")
	require.NoError(t, err)
	require.Equal(t, 1, f.count())
	got := f.requests()[0]
	assert.Equal(t, apiPrefix+"/users/../tags?x=1", got.Path, "decoded path keeps the id as one segment")
	assert.Empty(t, got.RawQuery)
}
