package tools

import (
	"fmt"
	"strings"

	"github.com/leeloo-mcp/leeloo-mcp/internal/catalog"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// Where the ids the API cannot list are found: in Leeloo itself, or in the
// account catalog (--catalog, leeloo://catalog). One home for each rule.
const (
	whereOffer   = "in Leeloo open Offers, then the offer: the id ends its page address; or give its name from the account catalog (leeloo://catalog)"
	wherePayment = "in Leeloo's settings, the payment systems section; or give its name from the account catalog (leeloo://catalog)"
	whereBlock   = "in Leeloo's tunnel editor open the tunnel, then the block: the id is in its address; or give its name from the account catalog (leeloo://catalog)"
	noCatalog    = "not in the account catalog, so its name cannot be shown: check the id in Leeloo, or give the server a catalog (--catalog, LEELOO_CATALOG)"
)

// guillemets quotes a name as a human reads it in a preview.
func guillemets(s string) string { return "«" + render.Field(s, 120) + "»" }

// catalogRef resolves an id-or-name argument through the catalog: the id to
// send and how the preview names it.
type catalogRef struct{ id, label string }

// refNotFound is the refusal for a name that no catalog entry has.
func refNotFound(field, what, plural, ref string, names []string, cat *catalog.Catalog) error {
	if cat.Empty() {
		return argErrorf("%s, and the server has no account catalog to look a name up in (--catalog, LEELOO_CATALOG)", render.NotAnID(field, ref))
	}
	if len(names) > 20 {
		names = append(names[:20], "…")
	}
	known := "none listed"
	if len(names) > 0 {
		known = strings.Join(names, ", ")
	}
	return argErrorf("no %s %q in the account catalog; %s there: %s", what, ref, plural, known)
}

// missingRef is the refusal for an empty id-or-name: where the ids are, and
// the names the account catalog has.
func missingRef(field, where, plural string, names []string) error {
	if len(names) == 0 {
		return argErrorf("%s is required; %s", field, where)
	}
	if len(names) > 20 {
		names = append(names[:20], "…")
	}
	return argErrorf("%s is required: an id or a name; the account catalog's %s: %s", field, plural, strings.Join(names, ", "))
}

func (d *Deps) resolveOffer(ref string) (catalogRef, error) {
	ref = strings.TrimSpace(ref)
	if o, ok := d.Catalog.Offer(ref); ok {
		label := guillemets(o.Name)
		if o.Price != nil {
			label += fmt.Sprintf(" (%v %s)", *o.Price, render.Field(o.Currency, 10))
		}
		return catalogRef{o.ID, label}, nil
	}
	if leeloo.ValidID(ref) {
		return catalogRef{ref, "offer " + ref + " (" + noCatalog + "; amount and currency as the offer sets them)"}, nil
	}
	var names []string
	if d.Catalog != nil {
		for _, o := range d.Catalog.Offers {
			names = append(names, o.Name)
		}
	}
	if ref == "" {
		return catalogRef{}, missingRef("offer_id", whereOffer, "offers", names)
	}
	return catalogRef{}, refNotFound("offer_id", "offer", "offers", ref, names, d.Catalog)
}

func (d *Deps) resolvePayment(ref string) (catalogRef, error) {
	ref = strings.TrimSpace(ref)
	if p, ok := d.Catalog.PaymentSystem(ref); ok {
		return catalogRef{p.ID, guillemets(p.Name)}, nil
	}
	if leeloo.ValidID(ref) {
		return catalogRef{ref, "payment system " + ref + " (" + noCatalog + ")"}, nil
	}
	var names []string
	if d.Catalog != nil {
		for _, p := range d.Catalog.PaymentSystems {
			names = append(names, p.Name)
		}
	}
	if ref == "" {
		return catalogRef{}, missingRef("payment_credits_id", wherePayment, "payment systems", names)
	}
	return catalogRef{}, refNotFound("payment_credits_id", "payment system", "payment systems", ref, names, d.Catalog)
}

func (d *Deps) resolveBlock(ref, tunnelID string) (catalogRef, error) {
	ref = strings.TrimSpace(ref)
	if b, ok := d.Catalog.TunnelBlock(ref, tunnelID); ok {
		if b.TunnelID != "" && !strings.EqualFold(b.TunnelID, tunnelID) {
			return catalogRef{}, argErrorf("tunnel_block_id %s (%s) belongs to tunnel %s, not to tunnel %s (account catalog)", b.ID, guillemets(b.Name), b.TunnelID, tunnelID)
		}
		return catalogRef{b.ID, guillemets(b.Name)}, nil
	}
	if leeloo.ValidID(ref) {
		return catalogRef{ref, ref + " (" + noCatalog + ")"}, nil
	}
	var names []string
	if d.Catalog != nil {
		for _, b := range d.Catalog.TunnelBlocks {
			if b.TunnelID == "" || strings.EqualFold(b.TunnelID, tunnelID) {
				names = append(names, b.Name)
			}
		}
	}
	if ref == "" {
		return catalogRef{}, missingRef("tunnel_block_id", whereBlock, "this tunnel's blocks", names)
	}
	return catalogRef{}, refNotFound("tunnel_block_id", "block", "this tunnel's blocks", ref, names, d.Catalog)
}
