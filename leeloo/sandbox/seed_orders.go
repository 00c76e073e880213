package sandbox

import (
	"fmt"
	"slices"
	"time"
)

// orders adds n generated orders of generated people.
func (g *seeder) orders(n int) {
	var people []*person
	for _, p := range g.st.peopleByMsg {
		if !isSpecialPerson(p.id) {
			people = append(people, p)
		}
	}
	if len(people) == 0 {
		return
	}
	for i := 0; i < n; i++ {
		r := g.rng
		p := pick(r, people)
		of := pick(r, g.st.offerOrder)
		qty := 1
		if of.currency == "UAH" && g.chance(0.25) {
			qty = 2
		}
		span := p.lastMessage.Sub(p.createdAt)
		created := p.createdAt.Add(5 * time.Minute)
		if span > 0 {
			created = p.createdAt.Add(time.Duration(r.Int64N(int64(span))))
		}
		if limit := g.now.Add(-time.Minute); created.After(limit) {
			created = limit
		}
		o := &order{
			id: g.id(created, kindOrder), personID: p.id, title: of.title, description: of.description,
			currency: of.currency, price: of.price * float64(qty), offerID: of.id, tunnelID: g.st.personTunnel(p),
			createdAt: created, updatedAt: created,
		}
		if qty > 1 {
			o.title = fmt.Sprintf("%s ×%d", of.title, qty)
		}
		x := r.Float64()
		switch m := r.Float64(); {
		case m < 0.45:
			o.paymentMethod = "MANUAL"
			o.status = pickStatus(x, []string{"OPENED", "RESOLVED", "REJECTED"}, []float64{0.3, 0.5})
			if g.chance(0.7) {
				o.managerID = pick(r, g.st.users).id
			}
		case m < 0.85:
			o.paymentMethod = "WAYFORPAY"
			o.status = pickStatus(x, []string{"SUCCESS", "PENDING", "REFUNDED", "FAILED"}, []float64{0.6, 0.15, 0.1})
		default:
			o.paymentMethod = "ASSET_PAYMENT"
			o.status = pickStatus(x, []string{"SUCCESS", "PENDING", "REFUNDED", "FAILED"}, []float64{0.6, 0.15, 0.1})
		}
		if o.status != "OPENED" && o.status != "PENDING" {
			o.updatedAt = created.Add(g.jitter(5*time.Minute, 2*day))
			if o.updatedAt.After(g.now) {
				o.updatedAt = created.Add(g.now.Sub(created) / 2)
			}
			if o.paymentMethod == "MANUAL" {
				o.paymentDate = o.updatedAt.Truncate(time.Minute)
			}
		}
		g.st.addOrder(o)
		if isSale(o.status) {
			if c := g.st.tagByName("Customer"); c != nil && !slices.Contains(p.tags, c.id) {
				p.tags = append(p.tags, c.id)
			}
		}
	}
}

func pickStatus(x float64, statuses []string, weights []float64) string {
	for i, w := range weights {
		if x < w {
			return statuses[i]
		}
		x -= w
	}
	return statuses[len(statuses)-1]
}
