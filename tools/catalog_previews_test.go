package tools_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/catalog"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo/sandbox"
)

// sandboxCatalog is the account catalog the sandbox ships.
func sandboxCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Parse(sandbox.Catalog())
	require.NoError(t, err)
	return c
}

// catalogID finds the id of a named entry of the sandbox catalog.
func catalogID(t *testing.T, part, name string) string {
	t.Helper()
	var m map[string][]map[string]any
	require.NoError(t, json.Unmarshal(sandbox.Catalog(), &m))
	for _, e := range m[part] {
		if e["name"] == name {
			return e["id"].(string)
		}
	}
	t.Fatalf("no %s named %q in the sandbox catalog", part, name)
	return ""
}

// TestSendTemplatePreviewVariables: the preview lists the variables given
// and says the template's text cannot be checked through the API; with a
// catalog naming the template's variables, a missing one is refused before
// anyone is asked and an unused one is warned about.
func TestSendTemplatePreviewVariables(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	args := func(vars map[string]any) map[string]any {
		a := map[string]any{"account_id": sandbox.DemoAccountID, "template_id": sandbox.TemplateID, "dry_run": true}
		if vars != nil {
			a["variables"] = vars
		}
		return a
	}

	r := h.ok("send_template", args(map[string]any{"name": "Олена"}))
	assert.Contains(t, r.Text(), `name="Олена"`)
	assert.Contains(t, r.Text(), "cannot be checked through Leeloo's API")
	r = h.ok("send_template", args(nil))
	assert.Contains(t, r.Text(), "no variables")
	assert.Contains(t, r.Text(), "cannot be checked through Leeloo's API")

	h.deps.Catalog = sandboxCatalog(t)
	r = h.fail("send_template", args(map[string]any{"name": "Олена"}))
	assert.Contains(t, r.Text(), "{{discount}}")
	assert.Contains(t, r.Text(), "account catalog")
	r = h.ok("send_template", args(map[string]any{"name": "Олена", "discount": "10%"}))
	assert.Contains(t, r.Text(), "uses the variables name, discount")
	assert.NotContains(t, r.Text(), "cannot be checked")
	assert.NotContains(t, r.Text(), "Warning")
	r = h.ok("send_template", args(map[string]any{"name": "Олена", "discount": "10%", "promo": "X"}))
	assert.Contains(t, r.Text(), "Warning: the template does not use promo")
	assert.Empty(t, h.writes())
}

// TestSendTemplateUnknownTemplateRefused: a template id that no category
// holds is refused before anyone is asked.
func TestSendTemplateUnknownTemplateRefused(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModePreview})
	r := h.fail("send_template", map[string]any{"account_id": sandbox.DemoAccountID, "template_id": "aaaaaaaaaaaaaaaaaaaaaaaa"})
	assert.Contains(t, r.Text(), "no template aaaaaaaaaaaaaaaaaaaaaaaa")
	assert.Contains(t, r.Text(), "list_templates")
	assert.NotContains(t, r.Text(), "confirm_token")
}

// TestCreateOrderPreviewNames: with the account catalog the preview names the
// offer with its price and the payment system; ids and names both work;
// without a catalog the preview says the names are unknown.
func TestCreateOrderPreviewNames(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	wfp := catalogID(t, "payment_systems", "WayForPay")
	order := map[string]any{"person_id": sandbox.DemoPersonID, "offer_id": sandbox.OfferID, "payment_credits_id": wfp, "dry_run": true}

	r := h.ok("create_order", order)
	assert.Contains(t, r.Text(), "offer "+sandbox.OfferID+" (not in the account catalog")
	assert.Contains(t, r.Text(), "payment system "+wfp+" (not in the account catalog")
	assert.Contains(t, r.Text(), "--catalog")

	h.deps.Catalog = sandboxCatalog(t)
	r = h.ok("create_order", order)
	assert.Contains(t, r.Text(), `Create an order of «Курс «Догляд за шкірою 30 днів»» (49 USD) via «WayForPay» for "Олена Коваленко"`)
	assert.NotContains(t, r.Text(), "not in the account catalog")

	byName := map[string]any{"person_id": sandbox.DemoPersonID, "offer_id": "vitamin c serum 30 ML", "payment_credits_id": "WayForPay"}
	r = h.ok("create_order", byName)
	require.Len(t, h.writes(), 1)
	assert.Contains(t, string(h.writes()[0].Body), `"offerId":"`+catalogID(t, "offers", "Vitamin C Serum 30 ml")+`"`)
	assert.Contains(t, string(h.writes()[0].Body), `"paymentCreditsId":"`+wfp+`"`)
	assert.Contains(t, r.Text(), "Vitamin C Serum")

	r = h.fail("create_order", map[string]any{"person_id": sandbox.DemoPersonID, "offer_id": "Курс Pro", "payment_credits_id": wfp})
	assert.Contains(t, r.Text(), `no offer "Курс Pro" in the account catalog`)
	assert.Contains(t, r.Text(), "Vitamin C Serum 30 ml", "lists the offers it knows")

	unknown := "abababababababababababab"
	r = h.ok("create_order", map[string]any{"person_id": sandbox.DemoPersonID, "offer_id": unknown, "payment_credits_id": wfp, "dry_run": true})
	assert.Contains(t, r.Text(), "offer "+unknown+" (not in the account catalog")
	assert.Len(t, h.writes(), 1)
}

// TestSubscribePreviewBlockNames: the preview names the block from the
// catalog; a block of another tunnel is refused; an unknown block is said to
// be unknown.
func TestSubscribePreviewBlockNames(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	sub := map[string]any{"account_id": sandbox.DemoAccountID, "tunnel_id": sandbox.TunnelID, "tunnel_block_id": sandbox.TunnelBlockID, "dry_run": true}
	r := h.ok("subscribe_to_tunnel", sub)
	assert.Contains(t, r.Text(), "block "+sandbox.TunnelBlockID+" (not in the account catalog")

	h.deps.Catalog = sandboxCatalog(t)
	r = h.ok("subscribe_to_tunnel", sub)
	assert.Contains(t, r.Text(), "at block «Старт: вітання»")
	r = h.ok("subscribe_to_tunnel", guardWith(sub, "tunnel_block_id", "Підбір догляду"))
	assert.Contains(t, r.Text(), "at block «Підбір догляду»")
	r = h.fail("subscribe_to_tunnel", guardWith(sub, "tunnel_block_id", catalogID(t, "tunnel_blocks", "Price list")))
	assert.Contains(t, r.Text(), "belongs to tunnel")
	assert.Empty(t, h.writes())
}

// TestWhereIDsComeFrom: the schema says where in Leeloo each id of
// create_order and subscribe_to_tunnel is found.
func TestWhereIDsComeFrom(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	desc := map[string]string{}
	for _, tl := range h.all {
		var s struct {
			Properties map[string]struct {
				Description string `json:"description"`
			} `json:"properties"`
		}
		require.NoError(t, json.Unmarshal(tl.Tool.RawInputSchema, &s))
		for k, p := range s.Properties {
			desc[tl.Tool.Name+"."+k] = p.Description
		}
	}
	for _, k := range []string{"create_order.offer_id", "create_order.payment_credits_id", "subscribe_to_tunnel.tunnel_block_id"} {
		assert.Contains(t, desc[k], "Leeloo", k)
		assert.Contains(t, desc[k], "leeloo://catalog", k)
	}
	assert.True(t, strings.Contains(desc["create_order.payment_credits_id"], "payment systems"))
}

// TestSendTemplateVariablesFromItsName: without a catalog, a template whose
// name lists {{variables}} is checked against them (a warning: a name is no
// proof of the text).
func TestSendTemplateVariablesFromItsName(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	h.sb.Inject(sandbox.Fault{Method: "GET", Path: "/categories/templates/" + sandbox.TemplateCategoryID, Status: 200,
		ContentType: "application/json",
		Body:        `{"status":1,"data":{"templates":[{"id":"` + sandbox.TemplateID + `","message_name":"Знижка {{discount}} для {{name}}"}]}}`})
	r := h.ok("send_template", map[string]any{"account_id": sandbox.DemoAccountID, "template_id": sandbox.TemplateID,
		"variables": map[string]any{"name": "Олена"}, "dry_run": true})
	assert.Contains(t, r.Text(), "uses the variables discount, name (from the template's name)")
	assert.Contains(t, r.Text(), "Warning: the template's name mentions {{discount}}")
}

// TestListTemplatesSaysVariables: list_templates names the variables a
// template needs where the server knows them (the account catalog).
func TestListTemplatesSaysVariables(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	h.deps.Catalog = sandboxCatalog(t)
	r := h.ok("list_templates", map[string]any{"category_id": sandbox.TemplateCategoryID})
	tpl := byID(t, scList(t, r.Doc(t), "templates"), "template_id", sandbox.TemplateID)
	assert.Equal(t, []any{"name", "discount"}, tpl["variables"])
}

// TestCatalogListedWhenAnIDIsMissing: a create_order without an offer or a
// payment system lists what the account catalog has, so the job can be done
// from the tools alone.
func TestCatalogListedWhenAnIDIsMissing(t *testing.T) {
	h := newHarness(t, harnessOpts{Mode: guard.ModeOff})
	h.deps.Catalog = sandboxCatalog(t)
	r := h.fail("create_order", map[string]any{"person_id": sandbox.DemoPersonID, "offer_id": "", "payment_credits_id": "WayForPay"})
	assert.Contains(t, r.Text(), "Vitamin C Serum 30 ml")
	r = h.fail("create_order", map[string]any{"person_id": sandbox.DemoPersonID, "offer_id": sandbox.OfferID, "payment_credits_id": " "})
	assert.Contains(t, r.Text(), "WayForPay")
	r = h.fail("subscribe_to_tunnel", map[string]any{"account_id": sandbox.DemoAccountID, "tunnel_id": sandbox.TunnelID, "tunnel_block_id": ""})
	assert.Contains(t, r.Text(), "Старт: вітання")
}
