package sandbox

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Live webhook types the sandbox sends: Leeloo documents ORDER and SALE; its
// Incoming Message payload is not documented, so the sandbox sends the shape
// leeloo-mcp assumes (type INCOMING_MESSAGE, data with account_id,
// person_id, message_id and text).
const (
	LiveMessage = "INCOMING_MESSAGE"
	LiveOrder   = "ORDER"
	LiveSale    = "SALE"
)

var liveTexts = map[bool][]string{
	false: {
		"Hi! Is the course still available?",
		"Could you send me the payment link again?",
		"What time does the webinar start tomorrow?",
		"I paid but did not get access yet",
		"Do you have a discount for two people?",
	},
	true: {
		"Добрий день! Курс ще доступний?",
		"Надішліть, будь ласка, посилання на оплату ще раз",
		"О котрій завтра вебінар?",
		"Я оплатила, але доступу ще немає",
		"Чи є знижка для двох?",
	},
}

// LiveEvent makes one of the demo customers act now, in the data, and
// returns the webhook Leeloo would post about it: most often a message in
// their chat (it shows in the chat and the inbox), sometimes an order, and
// sometimes a paid order (SALE). r picks who and what.
func (s *Server) LiveEvent(r *rand.Rand) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.db
	var p *person
	for tries := 0; tries < 20 && (p == nil || len(p.accounts) == 0); tries++ {
		p = st.peopleByMsg[r.IntN(min(len(st.peopleByMsg), 40))]
	}
	if p == nil || len(p.accounts) == 0 {
		return nil
	}
	a := p.accounts[0]
	now := s.clock()
	roll := r.IntN(10)
	if roll >= 7 && len(st.offerOrder) > 0 {
		of := st.offerOrder[r.IntN(len(st.offerOrder))]
		typ, status, method := LiveOrder, "OPENED", "MANUAL"
		if roll == 9 {
			typ, status, method = LiveSale, "SUCCESS", "CARD"
		}
		o := &order{
			id: st.newID(now), personID: p.id, title: of.title, description: of.description, price: of.price,
			currency: of.currency, status: status, paymentMethod: method, tunnelID: st.personTunnel(p),
			offerID: of.id, createdAt: now, updatedAt: now,
		}
		if status == "SUCCESS" {
			o.paymentDate = now
		}
		st.addOrder(o)
		st.sortOrders()
		data := map[string]any{
			"order_id": o.id, "account_id": a.id, "offer_name": o.title, "price": o.price, "currency": o.currency,
			"email": p.email, "phone": p.phone, "created_at": jsTime(now),
		}
		if typ == LiveSale {
			data["payment_method"] = strings.ToLower(method)
		}
		b, _ := json.Marshal(map[string]any{"type": typ, "data": data})
		return b
	}
	texts := liveTexts[strings.HasPrefix(p.locale, "uk")]
	text := texts[r.IntN(len(texts))]
	id := st.newID(now)
	a.messages = append(a.messages, message{id: id, text: text, kind: friendMessage, read: false, createdAt: now})
	st.touch(a, now)
	b, _ := json.Marshal(map[string]any{"type": LiveMessage, "data": map[string]any{
		"account_id": a.id, "person_id": p.id, "message_id": id, "text": text, "from": a.from,
		"created_at": jsTime(now), "seq": strconv.Itoa(int(st.seq)),
	}})
	return b
}
