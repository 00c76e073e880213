package catalog_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/catalog"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

const example = `{
  "offers": [{"id": "65d1c0a8e4b0a1000c000c01", "name": "Курс Pro", "price": 100, "currency": "USD"},
             {"id": "65d1c0a8e4b0a1000c000c02", "name": "Консультація"}],
  "payment_systems": [{"id": "65d1c0a8e4b0a1000c000b01", "name": "WayForPay"}],
  "tunnel_blocks": [{"id": "65d1c0a8e4b0a1000c000f01", "name": "Старт", "tunnel_id": "65d1c0a8e4b0a1000c000701"},
                    {"id": "65d1c0a8e4b0a1000c000f02", "name": "Старт", "tunnel_id": "65d1c0a8e4b0a1000c000702"}],
  "templates": [{"id": "65d1c0a8e4b0a1000c000802", "variables": ["name", "discount"]}]
}`

func TestParseAndFind(t *testing.T) {
	c, err := catalog.Parse([]byte(example))
	require.NoError(t, err)

	o, ok := c.Offer("курс pro")
	require.True(t, ok, "by name, case-insensitive")
	assert.Equal(t, "65d1c0a8e4b0a1000c000c01", o.ID)
	require.NotNil(t, o.Price)
	assert.Equal(t, 100.0, *o.Price)
	assert.Equal(t, "USD", o.Currency)
	o, ok = c.Offer("65d1c0a8e4b0a1000c000c02")
	require.True(t, ok)
	assert.Nil(t, o.Price, "no price where none is known")
	_, ok = c.Offer("nope")
	assert.False(t, ok)

	p, ok := c.PaymentSystem("WayForPay")
	require.True(t, ok)
	assert.Equal(t, "65d1c0a8e4b0a1000c000b01", p.ID)

	b, ok := c.TunnelBlock("Старт", "65d1c0a8e4b0a1000c000702")
	require.True(t, ok, "a name is looked up within the tunnel")
	assert.Equal(t, "65d1c0a8e4b0a1000c000f02", b.ID)
	_, ok = c.TunnelBlock("Старт", "")
	assert.False(t, ok, "an ambiguous name is not guessed")

	tp, ok := c.Template("65d1c0a8e4b0a1000c000802")
	require.True(t, ok)
	assert.Equal(t, []string{"name", "discount"}, tp.Variables)

	var nilCat *catalog.Catalog
	_, ok = nilCat.Offer("65d1c0a8e4b0a1000c000c01")
	assert.False(t, ok, "a nil catalog is empty")
	assert.True(t, nilCat.Empty())
}

func TestParseRefusesBadFiles(t *testing.T) {
	for name, tc := range map[string]struct{ in, msg string }{
		"unknown key":  {`{"offer": []}`, "unknown field"},
		"bad id":       {`{"offers": [{"id": "x1", "name": "A"}]}`, `offers[0]: id "x1" is not a Leeloo id`},
		"no name":      {`{"payment_systems": [{"id": "65d1c0a8e4b0a1000c000b01"}]}`, "payment_systems[0]: name is missing"},
		"twice":        {`{"offers": [{"id": "65d1c0a8e4b0a1000c000c01", "name": "A"}, {"id": "65d1c0a8e4b0a1000c000c01", "name": "B"}]}`, "listed twice"},
		"not JSON":     {`offers:`, "not a catalog"},
		"negative":     {`{"offers": [{"id": "65d1c0a8e4b0a1000c000c01", "name": "A", "price": -1}]}`, "price must not be negative"},
		"bad variable": {`{"templates": [{"id": "65d1c0a8e4b0a1000c000802", "variables": [""]}]}`, "variables[0] is empty"},
	} {
		_, err := catalog.Parse([]byte(tc.in))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.msg, name)
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.json")
	require.NoError(t, os.WriteFile(path, []byte(example), 0o600))
	c, err := catalog.Load(path)
	require.NoError(t, err)
	assert.Len(t, c.Offers, 2)
	_, err = catalog.Load(path + ".missing")
	assert.ErrorContains(t, err, "catalog")
}

// TestSandboxCatalog: the catalog the sandbox ships is valid and names its
// well-known offer, payment system, block and template.
func TestSandboxCatalog(t *testing.T) {
	c, err := catalog.Parse(sandbox.Catalog())
	require.NoError(t, err)
	o, ok := c.Offer(sandbox.OfferID)
	require.True(t, ok)
	assert.Equal(t, "Курс «Догляд за шкірою 30 днів»", o.Name)
	require.NotNil(t, o.Price)
	assert.Equal(t, 49.0, *o.Price)
	_, ok = c.PaymentSystem(sandbox.PaymentCreditsID)
	assert.True(t, ok)
	_, ok = c.PaymentSystem("WayForPay")
	assert.True(t, ok)
	b, ok := c.TunnelBlock(sandbox.TunnelBlockID, sandbox.TunnelID)
	require.True(t, ok)
	assert.Equal(t, sandbox.TunnelID, b.TunnelID)
	tp, ok := c.Template(sandbox.TemplateID)
	require.True(t, ok)
	assert.Equal(t, []string{"name", "discount"}, tp.Variables)
}
