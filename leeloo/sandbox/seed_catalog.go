package sandbox

import "time"

const day = 24 * time.Hour

// seedCatalog adds the records people and orders refer to: tags, users,
// connections, tunnels with leadgentools and traffic sources, templates,
// offers and payment systems.
func (st *store) seedCatalog(now time.Time) {
	since := func(days int) time.Time {
		return now.Add(-time.Duration(days)*day - 7*time.Hour - 13*time.Minute - 417*time.Millisecond)
	}

	for i, n := range []struct{ id, name string }{
		{VIPTagID, VIPTagName}, {LeadTagID, "Lead"}, {"", "Customer"}, {"", "Cold"},
		{"", "Webinar"}, {"", "Wholesale"}, {"", "Newsletter"}, {"", "Returning"}, {"", "Знижка 10%"},
	} {
		id := n.id
		if id == "" {
			id = seedID(since(600-20*i), now, kindTag, uint32(i))
		}
		t := &tag{id: id, name: n.name}
		st.tags = append(st.tags, t)
		st.tagByID[id] = t
	}

	for i, n := range []struct{ id, name string }{
		{UserID, "Max Petrenko"}, {"", "Олена Шевчук"}, {"", "Igor Melnyk"}, {"", "Anna Kravets"}, {"", "Дмитро Бондар"},
	} {
		created := since(700 - 110*i)
		id := n.id
		if id == "" {
			id = seedID(created, now, kindUser, uint32(i))
		}
		u := &user{id: id, name: n.name, createdAt: created, updatedAt: since(30 - 5*i)}
		st.users = append([]*user{u}, st.users...) // newest first
		st.userByID[id] = u
	}

	for i, n := range []struct{ id, typ, name, from string }{
		{TelegramConnectionID, "telegram", "Lumi Telegram bot", "TELEGRAM"},
		{"", "facebook", "Lumi Facebook page", "FACEBOOK"},
		{"", "instagram", "Lumi Instagram Direct", "INSTAGRAM"},
		{"", "viber", "Lumi Viber bot", "VIBER"},
		{SMSConnectionID, "twilio", "Twilio SMS", "SMS"},
		{"", "sendGrid", "Sendgrid bot", "EMAIL"},
	} {
		id := n.id
		if id == "" {
			id = seedID(since(650-30*i), now, kindConnection, uint32(i))
		}
		cn := &connection{id: id, typ: n.typ, name: n.name, from: n.from}
		st.connections = append(st.connections, cn)
		st.connByID[id] = cn
	}

	type lgt struct{ id, name, typ string }
	var tseq, lseq, bseq uint32
	for _, tn := range []struct {
		id, name                             string
		age                                  int
		visits, uniqVisits, shows, uniqShows int
		expenses                             float64
		tools                                []lgt
		blocks                               []string
	}{
		{"", "Default tunnel", 690, 800, 650, 800, 650, 0, []lgt{{"", "Default leadgentool", "DEFAULT"}}, []string{"Start"}},
		{TunnelID, "Lumi: основна воронка", 420, 5200, 3100, 12800, 7400, 850, []lgt{
			{LeadgentoolID, "Telegram bot link", "LINK"}, {"", "QR на упаковці", "QR"}, {"", "Віджет на сайті", "WIDGET"},
		}, []string{"Старт: вітання", "Підбір догляду", "Пропозиція курсу"}},
		{"", "Вебінар: догляд взимку", 150, 2100, 1500, 6400, 4100, 1200, []lgt{
			{"", "Реєстрація на вебінар", "FORM"}, {"", "Facebook Ads: вебінар", "FB_AD"},
		}, []string{"Реєстрація", "Нагадування за день"}},
		{"", "Wholesale B2B", 60, 300, 210, 900, 500, 150, []lgt{{"", "Wholesale popup", "POPUP"}}, []string{"Price list"}},
	} {
		created := since(tn.age)
		id := tn.id
		if id == "" {
			id = seedID(created, now, kindTunnel, tseq)
		}
		tseq++
		t := &tunnel{id: id, name: tn.name, createdAt: created, updatedAt: since(tn.age / 3),
			visits: tn.visits, uniqVisits: tn.uniqVisits, shows: tn.shows, uniqShows: tn.uniqShows, expenses: tn.expenses}
		for _, l := range tn.tools {
			lid := l.id
			if lid == "" {
				lid = seedID(created, now, kindLeadgentool, lseq)
			}
			src := &TrafficSource{
				Type: "normal", Name: "Default traffic source", Description: "",
				CompanyID: CompanyID, LeadgentoolID: lid, TunnelID: id, CreatedBy: UserID,
				Hash: sourceHash(lseq), ResubscribeButtonID: seedID(created, now, kindButton, lseq),
				CreatedAt: jsTime(created), UpdatedAt: jsTime(created), ID: seedID(created, now, kindTrafficSource, lseq),
			}
			lseq++
			st.sources[src.ID] = src
			st.sourceOrder = append(st.sourceOrder, src)
			st.leadgentools[lid] = &leadgentool{id: lid, name: l.name, typ: l.typ, tunnelID: id, sourceID: src.ID}
			t.leadgentools = append(t.leadgentools, lid)
		}
		for _, name := range tn.blocks {
			bid := seedID(created, now, kindBlock, bseq)
			if id == TunnelID && len(t.blocks) == 0 {
				bid = TunnelBlockID
			}
			bseq++
			t.blocks = append(t.blocks, [2]string{bid, name})
		}
		st.tunnels = append([]*tunnel{t}, st.tunnels...) // newest first
		st.tunnelByID[id] = t
	}

	var tplSeq uint32
	for i, cat := range []struct {
		id, name string
		tpls     []struct{ id, name, text string }
	}{
		{TemplateCategoryID, "Продажі", []struct{ id, name, text string }{
			{TemplateID, "Вітання зі знижкою", "Вітаю, {{name}}! Дякуємо, що обираєте Lumi 💛 Для вас діє знижка {{discount}} на весь догляд до кінця тижня. Підказати, що обрати?"},
			{"", "Нагадування про кошик", "{{name}}, ви залишили товари в кошику 🛒 Оформимо замовлення? Доставка Новою Поштою 1–2 дні."},
		}},
		{"", "Доставка", []struct{ id, name, text string }{
			{"", "Замовлення відправлено", "{{name}}, ваше замовлення №{{order_id}} відправлено Новою Поштою. ТТН: {{ttn}}."},
			{"", "Order shipped (EN)", "Hi {{name}}! Your order #{{order_id}} has shipped. Tracking number: {{ttn}}."},
		}},
		{"", "Follow-up", []struct{ id, name, text string }{
			{"", "Webinar reminder", "Hi {{name}}! Our free skincare webinar starts {{date}}. Join here: https://lumi.example/webinar"},
			{"", "Відгук після покупки", "{{name}}, як вам покупка? Будемо вдячні за відгук — він допомагає нам ставати кращими 🙏"},
		}},
	} {
		created := since(500 - 100*i)
		id := cat.id
		if id == "" {
			id = seedID(created, now, kindCategory, uint32(i))
		}
		ct := &category{id: id, name: cat.name}
		for _, tp := range cat.tpls {
			tid := tp.id
			if tid == "" {
				tid = seedID(created, now, kindTemplate, tplSeq)
			}
			tplSeq++
			st.templates[tid] = &template{id: tid, name: tp.name, text: tp.text, categoryID: id}
			ct.templates = append([]string{tid}, ct.templates...) // newest first, as the doc's sample
		}
		st.categories = append(st.categories, ct)
		st.categoryByID[id] = ct
	}

	for i, of := range []offer{
		{id: OfferID, title: "Курс «Догляд за шкірою 30 днів»", description: "Онлайн-курс: 30 уроків і чат з косметологом", price: 49, currency: "USD"},
		{title: "Vitamin C Serum 30 ml", description: "Сироватка з вітаміном C 10%", price: 890, currency: "UAH"},
		{title: "Набір «Зволоження»", description: "Крем, тонер і сироватка з гіалуроновою кислотою", price: 1450, currency: "UAH"},
		{title: "Online consultation (60 min)", description: "Video call with a cosmetologist", price: 40, currency: "EUR"},
		{title: "Подарунковий сертифікат", description: "Електронний сертифікат на 1000 грн", price: 1000, currency: "UAH"},
	} {
		if of.id == "" {
			of.id = seedID(since(400-50*i), now, kindOffer, uint32(i))
		}
		cp := of
		st.offers[cp.id] = &cp
		st.offerOrder = append(st.offerOrder, &cp)
	}

	st.payments[PaymentCreditsID] = "Оплата на рахунок ФОП"
	st.payments[seedID(since(640), now, kindPaymentCredits, 1)] = "WayForPay"
}

// sourceHash is a short base-36 hash like the live traffic sources' "nn7n15".
func sourceHash(n uint32) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	x := n*2654435761 + 0x9e3779b9
	b := make([]byte, 6)
	for i := range b {
		b[i] = alphabet[x%36]
		x /= 36
		x ^= n * 40503
	}
	return string(b)
}
