package sandbox

import (
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// allIDs lists every seeded id of a store.
func allIDs(st *store) []string {
	var ids []string
	for id, p := range st.people {
		ids = append(ids, "person "+id)
		for _, a := range p.accounts {
			ids = append(ids, "account "+a.id)
			for _, m := range a.messages {
				ids = append(ids, "message "+m.id)
			}
		}
	}
	ids = slices.Concat(ids,
		idsOf("order", st.orders), idsOf("tag", st.tagByID), idsOf("user", st.userByID),
		idsOf("tunnel", st.tunnelByID), idsOf("leadgentool", st.leadgentools),
		idsOf("template", st.templates), idsOf("offer", st.offers),
		idsOf("payment", st.payments), idsOf("connection", st.connByID))
	sort.Strings(ids)
	return ids
}

// idsOf lists the keys of one of the store's maps by id, each after kind.
func idsOf[V any](kind string, byID map[string]V) []string {
	var out []string
	for id := range byID {
		out = append(out, kind+" "+id)
	}
	return out
}

// TestSeedIDsStableAcrossStarts: an id from one start is the same record's id
// at the next start, whatever the clock says: ids remembered in a chat or
// passed between two `call`s keep working.
func TestSeedIDsStableAcrossStarts(t *testing.T) {
	a := seed(testNow, 60)
	b := seed(testNow.Add(3*24*time.Hour+17*time.Minute+3*time.Second), 60)
	assert.Equal(t, allIDs(a), allIDs(b))
}
