package resources

import (
	"context"
	"math"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// maxTunnels caps the tunnel list of leeloo://tunnels/stats.
const maxTunnels = 200

// rates are conversions derived from tunnel stats, in percent, rounded to two
// decimals; null where the denominator is zero.
type rates struct {
	ShowToVisit       *float64 `json:"show_to_visit_pct"`
	VisitToSubscriber *float64 `json:"visit_to_subscriber_pct"`
	SubscriberToOrder *float64 `json:"subscriber_to_order_pct"`
	OrderToSale       *float64 `json:"order_to_sale_pct"`
	VisitToSale       *float64 `json:"visit_to_sale_pct"`
	Revenue           float64  `json:"revenue_usd"`
	Expenses          float64  `json:"expenses"`
	Profit            float64  `json:"profit"`
	ROI               *float64 `json:"roi_pct"`
	AvgSale           *float64 `json:"avg_sale_usd"`
	CostPerSubscriber *float64 `json:"cost_per_subscriber"`
}

// ratesNote explains the derived figures once per document.
const ratesNote = "Rates use total (not uniq*) counts, in percent; null when the denominator is 0. " +
	"revenue_usd is totalSale (USD); expenses is totalExpenses, assumed in the same currency; " +
	"roi_pct = (revenue - expenses) / expenses * 100."

func pct(num, den float64) *float64 {
	if den == 0 {
		return nil
	}
	return new(round2(num / den * 100))
}

func ratio(num, den float64) *float64 {
	if den == 0 {
		return nil
	}
	return new(round2(num / den))
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// deriveRates computes the funnel conversions and money figures of s.
func deriveRates(s leeloo.TunnelStats) rates {
	return rates{
		ShowToVisit:       pct(float64(s.Visits), float64(s.Shows)),
		VisitToSubscriber: pct(float64(s.Subscribers), float64(s.Visits)),
		SubscriberToOrder: pct(float64(s.Orders), float64(s.Subscribers)),
		OrderToSale:       pct(float64(s.Sales), float64(s.Orders)),
		VisitToSale:       pct(float64(s.Sales), float64(s.Visits)),
		Revenue:           round2(s.TotalSale),
		Expenses:          round2(s.TotalExpenses),
		Profit:            round2(s.TotalSale - s.TotalExpenses),
		ROI:               pct(s.TotalSale-s.TotalExpenses, s.TotalExpenses),
		AvgSale:           ratio(s.TotalSale, float64(s.Sales)),
		CostPerSubscriber: ratio(s.TotalExpenses, float64(s.Subscribers)),
	}
}

type statsDoc struct {
	TunnelID string             `json:"tunnel_id,omitempty"`
	Stats    leeloo.TunnelStats `json:"stats"`
	Rates    rates              `json:"rates"`
	Note     string             `json:"note"`
	Tunnels  []tunnelOut        `json:"tunnels,omitempty"`
}

type tunnelOut struct {
	TunnelID string `json:"tunnel_id"`
	Name     string `json:"name"`
	StatsURI string `json:"stats_uri"`
}

// sum adds up the items of a stats reply (normally one).
func sum(items []leeloo.TunnelStats) leeloo.TunnelStats {
	var s leeloo.TunnelStats
	for _, it := range items {
		s = s.Add(it)
	}
	return s
}

// tunnelStats is leeloo://tunnels/{tunnel_id}/stats.
func tunnelStats(c *leeloo.Client) server.ServerResourceTemplate {
	return server.ServerResourceTemplate{
		Template: mcp.NewResourceTemplate(TunnelStatsURI, "tunnel_stats",
			mcp.WithTemplateTitle("Tunnel statistics"),
			mcp.WithTemplateDescription("One tunnel's funnel figures as JSON (shows, visits, subscribers, orders, sales, totalSale USD, totalExpenses) with derived conversion rates, profit and ROI. tunnel_id from list_tunnels or leeloo://tunnels/stats."),
			mcp.WithTemplateMIMEType(mimeJSON)),
		Handler: func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			id := arg(req, "tunnel_id")
			if err := checkID("tunnel_id", id, findTunnel); err != nil {
				return nil, err
			}
			items, _, err := c.Tunnels.TunnelStats(ctx, id)
			if err != nil {
				return nil, upstream("reading the stats of tunnel "+id, err, findTunnel)
			}
			s := sum(items)
			return jsonContents(req.Params.URI, statsDoc{TunnelID: id, Stats: s, Rates: deriveRates(s), Note: ratesNote})
		},
	}
}

// allTunnelStats is leeloo://tunnels/stats: the account's totals and its
// tunnels.
func allTunnelStats(c *leeloo.Client) server.ServerResource {
	return static(AllTunnelsURI, "tunnels_stats", "All tunnels' statistics",
		"Funnel figures of all tunnels together as JSON with derived conversion rates, profit and ROI, plus the list of tunnels (tunnel_id, name, per-tunnel stats URI).",
		func(ctx context.Context) (any, error) {
			items, _, err := c.Tunnels.Stats(ctx)
			if err != nil {
				return nil, upstream("reading the tunnels' stats", err, "")
			}
			s := sum(items)
			doc := statsDoc{Stats: s, Rates: deriveRates(s), Note: ratesNote, Tunnels: []tunnelOut{}}
			fetch := func(ctx context.Context, o leeloo.ListOptions) ([]leeloo.Tunnel, *leeloo.Response, error) {
				return c.Tunnels.List(ctx, &o)
			}
			for t, err := range leeloo.All(ctx, fetch, leeloo.IterOptions{MaxItems: maxTunnels}) {
				if err != nil {
					return nil, upstream("listing tunnels", err, "")
				}
				doc.Tunnels = append(doc.Tunnels, tunnelOut{TunnelID: t.ID, Name: render.Field(t.Name, 80), StatsURI: "leeloo://tunnels/" + t.ID + "/stats"})
			}
			return doc, nil
		})
}
