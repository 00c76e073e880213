// Package catalog reads the optional account catalog: what Leeloo's API does
// not list but a human must see to approve an action. Offers and payment
// systems (for create_order), tunnel blocks (for subscribe_to_tunnel) and
// the variables of message templates (for send_template), each with its id
// and name, and an offer's price where known. The file is JSON:
//
//	{
//	  "offers":          [{"id": "…", "name": "Курс Pro", "price": 100, "currency": "USD"}],
//	  "payment_systems": [{"id": "…", "name": "WayForPay"}],
//	  "tunnel_blocks":   [{"id": "…", "name": "Старт", "tunnel_id": "…"}],
//	  "templates":       [{"id": "…", "name": "Вітання", "variables": ["name", "discount"]}]
//	}
//
// Every part is optional. A nil *Catalog is an empty catalog.
package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// Offer is a product or service an order is created for.
type Offer struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Price    *float64 `json:"price,omitempty"`
	Currency string   `json:"currency,omitempty"`
}

// PaymentSystem is a payment method of the account (create_order's
// payment_credits_id).
type PaymentSystem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// TunnelBlock is a block of a tunnel's bot flow (subscribe_to_tunnel's
// tunnel_block_id).
type TunnelBlock struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	TunnelID string `json:"tunnel_id,omitempty"`
}

// Template is a message template's variables: the {{placeholders}} its text
// uses, which the API cannot tell.
type Template struct {
	ID        string   `json:"id"`
	Name      string   `json:"name,omitempty"`
	Variables []string `json:"variables"`
}

// Catalog is the account catalog.
type Catalog struct {
	Offers         []Offer         `json:"offers,omitempty"`
	PaymentSystems []PaymentSystem `json:"payment_systems,omitempty"`
	TunnelBlocks   []TunnelBlock   `json:"tunnel_blocks,omitempty"`
	Templates      []Template      `json:"templates,omitempty"`
}

// maxFileBytes bounds the catalog file.
const maxFileBytes = 4 << 20

// Load reads and checks a catalog file.
func Load(path string) (*Catalog, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if fi.Size() > maxFileBytes {
		return nil, fmt.Errorf("catalog %s: larger than %d bytes", path, maxFileBytes)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes and checks a catalog: unknown keys, malformed ids, missing
// names and duplicate ids are errors that name the entry.
func Parse(b []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("not a catalog (JSON with offers, payment_systems, tunnel_blocks, templates): %w", err)
	}
	var errs []error
	seen := map[string]bool{}
	check := func(part string, i int, id, name string, needName bool) {
		switch {
		case !leeloo.ValidID(id):
			errs = append(errs, fmt.Errorf("%s[%d]: id %q is not a Leeloo id (24 hex characters)", part, i, id))
		case seen[part+id]:
			errs = append(errs, fmt.Errorf("%s[%d]: id %s is listed twice", part, i, id))
		}
		seen[part+id] = true
		if needName && strings.TrimSpace(name) == "" {
			errs = append(errs, fmt.Errorf("%s[%d]: name is missing", part, i))
		}
	}
	for i, o := range c.Offers {
		check("offers", i, o.ID, o.Name, true)
		if o.Price != nil && *o.Price < 0 {
			errs = append(errs, fmt.Errorf("offers[%d]: price must not be negative", i))
		}
	}
	for i, p := range c.PaymentSystems {
		check("payment_systems", i, p.ID, p.Name, true)
	}
	for i, b := range c.TunnelBlocks {
		check("tunnel_blocks", i, b.ID, b.Name, true)
		if b.TunnelID != "" && !leeloo.ValidID(b.TunnelID) {
			errs = append(errs, fmt.Errorf("tunnel_blocks[%d]: tunnel_id %q is not a Leeloo id", i, b.TunnelID))
		}
	}
	for i, t := range c.Templates {
		check("templates", i, t.ID, t.Name, false)
		for j, v := range t.Variables {
			if strings.TrimSpace(v) == "" {
				errs = append(errs, fmt.Errorf("templates[%d].variables[%d] is empty", i, j))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &c, nil
}

// find returns the entry whose id is ref, else the one whose name is ref
// (case-insensitive, when exactly one has it).
func find[T any](items []T, ref string, id, name func(T) string) (T, bool) {
	var zero T
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return zero, false
	}
	for _, it := range items {
		if strings.EqualFold(id(it), ref) {
			return it, true
		}
	}
	var hit T
	n := 0
	for _, it := range items {
		if strings.EqualFold(strings.TrimSpace(name(it)), ref) {
			hit, n = it, n+1
		}
	}
	return hit, n == 1
}

// Offer finds an offer by id or name.
func (c *Catalog) Offer(ref string) (Offer, bool) {
	if c == nil {
		return Offer{}, false
	}
	return find(c.Offers, ref, func(o Offer) string { return o.ID }, func(o Offer) string { return o.Name })
}

// PaymentSystem finds a payment system by id or name.
func (c *Catalog) PaymentSystem(ref string) (PaymentSystem, bool) {
	if c == nil {
		return PaymentSystem{}, false
	}
	return find(c.PaymentSystems, ref, func(p PaymentSystem) string { return p.ID }, func(p PaymentSystem) string { return p.Name })
}

// TunnelBlock finds a tunnel block by id, or by name within tunnelID (any
// tunnel when tunnelID is empty).
func (c *Catalog) TunnelBlock(ref, tunnelID string) (TunnelBlock, bool) {
	if c == nil {
		return TunnelBlock{}, false
	}
	blocks := c.TunnelBlocks
	if tunnelID != "" && !leeloo.ValidID(ref) {
		blocks = nil
		for _, b := range c.TunnelBlocks {
			if b.TunnelID == "" || strings.EqualFold(b.TunnelID, tunnelID) {
				blocks = append(blocks, b)
			}
		}
	}
	return find(blocks, ref, func(b TunnelBlock) string { return b.ID }, func(b TunnelBlock) string { return b.Name })
}

// Template finds a template's variables by id.
func (c *Catalog) Template(id string) (Template, bool) {
	if c == nil {
		return Template{}, false
	}
	return find(c.Templates, id, func(t Template) string { return t.ID }, func(Template) string { return "" })
}

// Empty reports whether the catalog lists nothing.
func (c *Catalog) Empty() bool {
	return c == nil || len(c.Offers)+len(c.PaymentSystems)+len(c.TunnelBlocks)+len(c.Templates) == 0
}
