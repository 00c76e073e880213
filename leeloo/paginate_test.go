package leeloo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// pagedPeople serves /people from total people, honouring limit and offset.
// withMeta adds meta.totalCount; failAt answers the request with that offset
// with a 500.
func pagedPeople(t *testing.T, total int, withMeta bool, failAt int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, err := strconv.Atoi(q.Get("limit"))
		require.NoError(t, err)
		offset, err := strconv.Atoi(q.Get("offset"))
		require.NoError(t, err)
		if offset == failAt {
			serveText(http.StatusInternalServerError, "boom", nil)(w, r)
			return
		}
		items := []map[string]any{}
		for i := offset; i < total && i < offset+limit; i++ {
			items = append(items, map[string]any{"id": fmt.Sprintf("p%03d", i), "name": fmt.Sprintf("Person %d", i), "tags": []string{}})
		}
		reply := map[string]any{"status": 1, "data": items}
		if withMeta {
			reply["meta"] = map[string]any{"limit": limit, "offset": offset, "filteredCount": 0, "totalCount": total}
		}
		b, err := json.Marshal(reply)
		require.NoError(t, err)
		replyJSON(w, http.StatusOK, b)
	}
}

// pageParams returns the limit and offset of every request.
func pageParams(t *testing.T, reqs []recorded) (limits, offsets []int) {
	t.Helper()
	for _, r := range reqs {
		q, err := url.ParseQuery(r.RawQuery)
		require.NoError(t, err)
		l, _ := strconv.Atoi(q.Get("limit"))
		o, _ := strconv.Atoi(q.Get("offset"))
		limits = append(limits, l)
		offsets = append(offsets, o)
	}
	return limits, offsets
}

func collect(t *testing.T, c *leeloo.Client, opts leeloo.IterOptions) ([]string, []error) {
	t.Helper()
	var ids []string
	var errs []error
	for p, err := range leeloo.All(t.Context(), func(ctx context.Context, o leeloo.ListOptions) ([]leeloo.Person, *leeloo.Response, error) {
		return c.People.List(ctx, &leeloo.PeopleListOptions{ListOptions: o, Tags: []string{"VIP"}})
	}, opts) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, p.ID)
	}
	return ids, errs
}

func TestAllWalksEveryPageByTotalCount(t *testing.T) {
	f := newFake(t, pagedPeople(t, 230, true, -1))
	c := newClient(t, f.baseURL())

	ids, errs := collect(t, c, leeloo.IterOptions{PageSize: 50})
	assert.Empty(t, errs)
	require.Len(t, ids, 230)
	for i, id := range ids {
		assert.Equal(t, fmt.Sprintf("p%03d", i), id)
	}
	reqs := f.requests()
	require.Len(t, reqs, 5)
	limits, offsets := pageParams(t, reqs)
	assert.Equal(t, []int{0, 50, 100, 150, 200}, offsets)
	assert.Equal(t, []int{50, 50, 50, 50, 50}, limits)
	for _, r := range reqs {
		q, _ := url.ParseQuery(r.RawQuery)
		assert.Equal(t, []string{"VIP"}, q["filter[tags]"], "filters kept on every page")
	}
}

func TestAllTrustsTotalCountOverShortPages(t *testing.T) {
	// A server that caps pages at 20 whatever the limit: the walk goes on
	// while totalCount says there is more.
	capped := pagedPeople(t, 45, true, -1)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Set("limit", "20")
		r.URL.RawQuery = q.Encode()
		capped(w, r)
	})
	c := newClient(t, f.baseURL())

	ids, errs := collect(t, c, leeloo.IterOptions{PageSize: 50})
	assert.Empty(t, errs)
	assert.Len(t, ids, 45)
	_, offsets := pageParams(t, f.requests())
	assert.Equal(t, []int{0, 20, 40}, offsets)
}

func TestAllStopsOnShortPageWithoutMeta(t *testing.T) {
	f := newFake(t, pagedPeople(t, 120, false, -1))
	c := newClient(t, f.baseURL())

	ids, errs := collect(t, c, leeloo.IterOptions{PageSize: 50})
	assert.Empty(t, errs)
	assert.Len(t, ids, 120)
	_, offsets := pageParams(t, f.requests())
	assert.Equal(t, []int{0, 50, 100}, offsets)
}

func TestAllStopsOnEmptyPageWithoutMeta(t *testing.T) {
	f := newFake(t, pagedPeople(t, 100, false, -1))
	c := newClient(t, f.baseURL())

	ids, errs := collect(t, c, leeloo.IterOptions{PageSize: 50})
	assert.Empty(t, errs)
	assert.Len(t, ids, 100)
	_, offsets := pageParams(t, f.requests())
	assert.Equal(t, []int{0, 50, 100}, offsets, "a full last page needs one more request to know")
}

func TestAllRespectsMaxItems(t *testing.T) {
	f := newFake(t, pagedPeople(t, 230, true, -1))
	c := newClient(t, f.baseURL())

	ids, errs := collect(t, c, leeloo.IterOptions{PageSize: 50, MaxItems: 120})
	assert.Empty(t, errs)
	assert.Len(t, ids, 120)
	limits, offsets := pageParams(t, f.requests())
	assert.Equal(t, []int{0, 50, 100}, offsets)
	assert.Equal(t, []int{50, 50, 20}, limits, "the last request asks only for what is missing")
}

func TestAllStartsAtOffsetWithDefaultPageSize(t *testing.T) {
	f := newFake(t, pagedPeople(t, 130, true, -1))
	c := newClient(t, f.baseURL())

	ids, errs := collect(t, c, leeloo.IterOptions{Offset: 20})
	assert.Empty(t, errs)
	require.Len(t, ids, 110)
	assert.Equal(t, "p020", ids[0])
	limits, offsets := pageParams(t, f.requests())
	assert.Equal(t, []int{20, 70, 120}, offsets)
	assert.Equal(t, []int{leeloo.DefaultPageSize, leeloo.DefaultPageSize, leeloo.DefaultPageSize}, limits)
}

func TestAllYieldsAnErrorOnceAndStops(t *testing.T) {
	f := newFake(t, pagedPeople(t, 230, true, 100))
	c := newClient(t, f.baseURL(), noRetry)

	ids, errs := collect(t, c, leeloo.IterOptions{PageSize: 50})
	assert.Len(t, ids, 100, "the pages before the error")
	require.Len(t, errs, 1)
	var ae *leeloo.APIError
	require.ErrorAs(t, errs[0], &ae)
	assert.Equal(t, http.StatusInternalServerError, ae.HTTPStatus)
	assert.Equal(t, 3, f.count(), "nothing after the failed page")
}

func TestAllStopsWhenTheConsumerDoes(t *testing.T) {
	f := newFake(t, pagedPeople(t, 230, true, -1))
	c := newClient(t, f.baseURL())

	n := 0
	users := func(ctx context.Context, o leeloo.ListOptions) ([]leeloo.User, *leeloo.Response, error) {
		return c.Users.List(ctx, &o)
	}
	for _, err := range leeloo.All(t.Context(), users, leeloo.IterOptions{PageSize: 10}) {
		require.NoError(t, err)
		n++
		if n == 15 {
			break
		}
	}
	assert.Equal(t, 15, n)
	assert.Equal(t, 2, f.count())
}
