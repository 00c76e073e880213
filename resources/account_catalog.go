package resources

import (
	"context"

	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/internal/catalog"
)

// CatalogURI is the account catalog.
const CatalogURI = "leeloo://catalog"

// catalogNote says what the catalog is for; noCatalogNote how to give one.
const (
	catalogNote   = "The account catalog: what Leeloo's API cannot list. create_order takes offer_id and payment_credits_id, subscribe_to_tunnel tunnel_block_id, by id or by name; send_template is checked against a template's variables."
	noCatalogNote = "No account catalog is configured. Give the server one with --catalog FILE (or LEELOO_CATALOG): JSON with offers [{id, name, price, currency}], payment_systems [{id, name}], tunnel_blocks [{id, name, tunnel_id}] and templates [{id, name, variables}]; then previews name offers, payment systems and blocks, and send_template checks the variables. Without it, find the ids in Leeloo: offers under Offers, payment systems in the settings, blocks in the tunnel editor."
)

// Catalog is the leeloo://catalog resource over cat (nil: none configured).
func Catalog(cat *catalog.Catalog) server.ServerResource {
	return static(CatalogURI, "catalog", "Account catalog",
		"The account catalog of --catalog as JSON: offers (id, name, price), payment systems, tunnel blocks and template variables, which the API cannot list; create_order and subscribe_to_tunnel take these ids or names.",
		func(context.Context) (any, error) {
			if cat.Empty() {
				return map[string]any{"note": noCatalogNote}, nil
			}
			return struct {
				Note string `json:"note"`
				*catalog.Catalog
			}{catalogNote, cat}, nil
		})
}

// catalogCandidates are the completions of the arguments the catalog knows.
func catalogCandidates(cat *catalog.Catalog, arg string) ([]candidate, bool) {
	if cat == nil {
		return nil, false
	}
	var out []candidate
	switch arg {
	case "offer_id":
		for _, o := range cat.Offers {
			out = append(out, candidate{o.ID, o.Name})
		}
	case "payment_credits_id":
		for _, p := range cat.PaymentSystems {
			out = append(out, candidate{p.ID, p.Name})
		}
	case "tunnel_block_id":
		for _, b := range cat.TunnelBlocks {
			out = append(out, candidate{b.ID, b.Name})
		}
	case "template_id":
		for _, t := range cat.Templates {
			out = append(out, candidate{t.ID, t.Name})
		}
	default:
		return nil, false
	}
	return out, true
}
