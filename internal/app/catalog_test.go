package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const orderArgs = `{"person_id":"65d1c0a8e4b0a1000c000101","offer_id":"65d1c0a8e4b0a1000c000c01","payment_credits_id":"65d1c0a8e4b0a1000c000b01","dry_run":true}`

// TestCatalogFlag: --catalog (or LEELOO_CATALOG) names offers and payment
// systems in previews; the sandbox ships its own catalog; a bad file stops
// the start with the reason.
func TestCatalogFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.json")
	require.NoError(t, os.WriteFile(path, []byte(`{
		"offers": [{"id": "65d1c0a8e4b0a1000c000c01", "name": "Курс Pro", "price": 100, "currency": "USD"}],
		"payment_systems": [{"id": "65d1c0a8e4b0a1000c000b01", "name": "Картка"}]}`), 0o600))

	r := runApp(t, nil, "--catalog", path, "call", "create_order", orderArgs)
	require.Equal(t, ExitPreview, r.code, r.stderr)
	assert.Contains(t, r.stdout, `Create an order of «Курс Pro» (100 USD) via «Картка» for "Олена Коваленко"`)

	r = runApp(t, map[string]string{"LEELOO_CATALOG": path}, "call", "create_order", orderArgs)
	require.Equal(t, ExitPreview, r.code, r.stderr)
	assert.Contains(t, r.stdout, "«Курс Pro»")

	r = runApp(t, nil, "call", "create_order", orderArgs)
	require.Equal(t, ExitPreview, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Create an order of «Курс «Догляд за шкірою 30 днів»» (49 USD) via «Оплата на рахунок ФОП»", "the sandbox's own catalog")

	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"offers":[{"id":"x","name":"A"}]}`), 0o600))
	r = runApp(t, nil, "--catalog", bad, "call", "list_tags")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `offers[0]: id "x" is not a Leeloo id`)
	r = runApp(t, nil, "--catalog", bad+".missing")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--catalog")
}

// TestCatalogResource: leeloo://catalog shows the account catalog, and says
// how to give one when there is none.
func TestCatalogResource(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{nil, "WayForPay"},
		{map[string]string{"LEELOO_API_TOKEN": "t", "LEELOO_BASE_URL": "http://127.0.0.1:1/api/v2"}, "--catalog"},
	} {
		s := startStdio(t, tc.env)
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		c := client.NewClient(transport.NewIO(s.stdoutR, s.stdinW, nil))
		require.NoError(t, c.Start(ctx))
		initialize(t, ctx, c, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
		res, err := c.ReadResource(ctx, mcp.ReadResourceRequest{Params: mcp.ReadResourceParams{URI: "leeloo://catalog"}})
		require.NoError(t, err)
		require.Len(t, res.Contents, 1)
		tc2, ok := res.Contents[0].(mcp.TextResourceContents)
		require.True(t, ok)
		assert.Contains(t, tc2.Text, tc.want)
		s.cancel()
		s.wait(t)
		require.NoError(t, c.Close())
		cancel()
	}
}
