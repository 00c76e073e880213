package sandbox

import (
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
	for id := range st.orders {
		ids = append(ids, "order "+id)
	}
	for id := range st.tagByID {
		ids = append(ids, "tag "+id)
	}
	for id := range st.userByID {
		ids = append(ids, "user "+id)
	}
	for id := range st.tunnelByID {
		ids = append(ids, "tunnel "+id)
	}
	for id := range st.leadgentools {
		ids = append(ids, "leadgentool "+id)
	}
	for id := range st.templates {
		ids = append(ids, "template "+id)
	}
	for id := range st.offers {
		ids = append(ids, "offer "+id)
	}
	for id := range st.payments {
		ids = append(ids, "payment "+id)
	}
	for id := range st.connByID {
		ids = append(ids, "connection "+id)
	}
	sort.Strings(ids)
	return ids
}

// TestSeedIDsStableAcrossStarts: an id from one start is the same record's id
// at the next start, whatever the clock says: ids remembered in a chat or
// passed between two `call`s keep working.
func TestSeedIDsStableAcrossStarts(t *testing.T) {
	a := seed(testNow, 60)
	b := seed(testNow.Add(3*24*time.Hour+17*time.Minute+3*time.Second), 60)
	assert.Equal(t, allIDs(a), allIDs(b))
}
