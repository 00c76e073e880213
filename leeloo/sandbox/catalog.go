package sandbox

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
)

// catalogEntry is one entry of the account catalog file format
// (internal/catalog): id, name, and what the entry's kind adds.
type catalogEntry struct {
	ID        string   `json:"id"`
	Name      string   `json:"name,omitempty"`
	Price     *float64 `json:"price,omitempty"`
	Currency  string   `json:"currency,omitempty"`
	TunnelID  string   `json:"tunnel_id,omitempty"`
	Variables []string `json:"variables,omitempty"`
}

var placeholder = regexp.MustCompile(`\{\{\s*([^{}\s]+)\s*\}\}`)

// Catalog is the sandbox account's catalog in the format --catalog reads:
// its offers with prices, payment systems, tunnel blocks and the variables
// of its templates, which Leeloo's API cannot list. The ids are the seed's,
// the same on every start.
func Catalog() []byte {
	st := newStore()
	st.seedCatalog(idEpoch)
	var out struct {
		Offers         []catalogEntry `json:"offers"`
		PaymentSystems []catalogEntry `json:"payment_systems"`
		TunnelBlocks   []catalogEntry `json:"tunnel_blocks"`
		Templates      []catalogEntry `json:"templates"`
	}
	for _, o := range st.offerOrder {
		price := o.price
		out.Offers = append(out.Offers, catalogEntry{ID: o.id, Name: o.title, Price: &price, Currency: o.currency})
	}
	for id, name := range st.payments {
		out.PaymentSystems = append(out.PaymentSystems, catalogEntry{ID: id, Name: name})
	}
	sort.Slice(out.PaymentSystems, func(i, j int) bool { return out.PaymentSystems[i].ID < out.PaymentSystems[j].ID })
	for i := len(st.tunnels) - 1; i >= 0; i-- { // oldest first
		t := st.tunnels[i]
		for _, b := range t.blocks {
			out.TunnelBlocks = append(out.TunnelBlocks, catalogEntry{ID: b[0], Name: b[1], TunnelID: t.id})
		}
	}
	for _, c := range st.categories {
		for _, id := range c.templates {
			t := st.templates[id]
			vars := []string{}
			for _, m := range placeholder.FindAllStringSubmatch(t.text, -1) {
				if !slices.Contains(vars, m[1]) {
					vars = append(vars, m[1])
				}
			}
			out.Templates = append(out.Templates, catalogEntry{ID: id, Name: t.name, Variables: vars})
		}
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	return b
}
