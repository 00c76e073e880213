package sandbox

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// seeder builds the deterministic seed: everything comes from a fixed-seed
// PRNG and the anchor time now, never from the wall clock.
type seeder struct {
	st     *store
	rng    *rand.Rand
	now    time.Time
	phones map[string]bool
	emails map[string]bool
	seq    map[byte]uint32
	connOf map[string]string // channel ("from") -> connection id
}

func newStore() *store {
	return &store{
		people:       map[string]*person{},
		accounts:     map[string]*account{},
		tagByID:      map[string]*tag{},
		userByID:     map[string]*user{},
		connByID:     map[string]*connection{},
		tunnelByID:   map[string]*tunnel{},
		leadgentools: map[string]*leadgentool{},
		sources:      map[string]*TrafficSource{},
		categoryByID: map[string]*category{},
		templates:    map[string]*template{},
		offers:       map[string]*offer{},
		payments:     map[string]string{},
		orders:       map[string]*order{},
	}
}

// seed builds the sandbox's data with nPeople people anchored at now.
func seed(now time.Time, nPeople int) *store {
	st := newStore()
	st.seedCatalog(now)
	g := &seeder{
		st:     st,
		rng:    rand.New(rand.NewPCG(0x1ee100a1, 0x5a4db0c5)),
		now:    now,
		phones: map[string]bool{},
		emails: map[string]bool{},
		seq:    map[byte]uint32{},
		connOf: map[string]string{"MANUAL": notDefined},
	}
	for _, cn := range st.connections {
		g.connOf[cn.from] = cn.id
	}
	g.specialPeople()
	for i := len(st.people); i < nPeople; i++ {
		g.person()
	}
	g.specialOrders()
	g.orders(max(3, nPeople/4) - len(st.orders))
	st.sortByRecency()
	st.sortOrders()
	return st
}

func (g *seeder) id(t time.Time, kind byte) string {
	n := g.seq[kind]
	g.seq[kind] = n + 1
	return seedID(t, g.now, kind, n)
}

func (g *seeder) chance(p float64) bool { return g.rng.Float64() < p }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// jitter is a random duration in [lo, hi).
func (g *seeder) jitter(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(g.rng.Int64N(int64(hi-lo)))
}

// lastMessageAgo spreads chats: some minutes old, some days, weeks or months.
func (g *seeder) lastMessageAgo() time.Duration {
	switch x := g.rng.Float64(); {
	case x < 0.15:
		return g.jitter(time.Minute, 3*time.Hour)
	case x < 0.40:
		return g.jitter(day, 7*day)
	case x < 0.70:
		return g.jitter(7*day, 35*day)
	default:
		return g.jitter(35*day, 240*day)
	}
}

func (g *seeder) channel() string {
	x := g.rng.Float64()
	for _, c := range []struct {
		from string
		p    float64
	}{{"TELEGRAM", 0.34}, {"INSTAGRAM", 0.22}, {"FACEBOOK", 0.18}, {"VIBER", 0.16}, {"SMS", 0.04}, {"EMAIL", 0.03}} {
		if x < c.p {
			return c.from
		}
		x -= c.p
	}
	return "MANUAL"
}

func (g *seeder) phone(uk bool) string {
	for {
		var p string
		switch {
		case uk:
			p = fmt.Sprintf("+380%s%07d", pick(g.rng, ukOperators), g.rng.IntN(10_000_000))
		case g.chance(0.5):
			p = fmt.Sprintf("+447%09d", g.rng.IntN(1_000_000_000))
		default:
			p = fmt.Sprintf("+1%d%07d", 201+g.rng.IntN(780), g.rng.IntN(10_000_000))
		}
		if !g.phones[p] {
			g.phones[p] = true
			return p
		}
	}
}

func (g *seeder) email(first, last name) string {
	local := first.latin + pick(g.rng, []string{".", "_", ""}) + last.latin
	if g.chance(0.4) {
		local += fmt.Sprint(10 + g.rng.IntN(90))
	}
	domain := pick(g.rng, emailDomains)
	e := local + "@" + domain
	for n := 2; g.emails[e]; n++ {
		e = fmt.Sprintf("%s%d@%s", local, n, domain)
	}
	g.emails[e] = true
	return e
}

func (g *seeder) profileImage() string {
	return fmt.Sprintf("https://static.leeloo.ai/images/%s/%08x-%04x-11ec-82ee-%012x%%5B200x200%%5Djpg",
		CompanyID, g.rng.Uint32(), g.rng.IntN(1<<16), g.rng.Uint64()&0xffffffffffff)
}

// chat fills an account with the first n lines of a script, the last one at end.
func (g *seeder) chat(a *account, script []line, n int, end time.Time, first, full string) {
	n = max(1, min(n, len(script)))
	times := make([]time.Time, n)
	times[n-1] = end
	for k := n - 2; k >= 0; k-- {
		gap := g.jitter(20*time.Second, 15*time.Minute)
		if g.chance(0.12) {
			gap = g.jitter(day, 5*day)
		}
		times[k] = times[k+1].Add(-gap)
	}
	a.createdAt = times[0].Add(-g.jitter(time.Minute, time.Hour))
	a.id = g.id(a.createdAt, kindAccount)
	r := strings.NewReplacer("{name}", first, "{full}", full)
	for k := 0; k < n; k++ {
		l := script[k]
		a.messages = append(a.messages, message{id: g.id(times[k], kindMessage), text: r.Replace(l.text), kind: l.kind, read: true, createdAt: times[k]})
		if l.kind == systemMessage && (strings.Contains(l.text, "менеджер") || strings.Contains(l.text, "manager")) {
			a.botStatus = "MANAGER"
		}
	}
	markUnread(a, g.now)
	a.lastMessage = end
}

// markUnread leaves the customer's trailing messages of a recent chat unread.
func markUnread(a *account, now time.Time) {
	for k := len(a.messages) - 1; k >= 0; k-- {
		m := &a.messages[k]
		if m.kind != friendMessage || now.Sub(m.createdAt) > day {
			return
		}
		m.read = false
	}
}

func (g *seeder) newAccount(from string) *account {
	a := &account{from: from, connectionID: g.connOf[from], connectionStatus: "OK", botStatus: "BOT", utm: map[string]string{}}
	if g.chance(0.03) {
		a.connectionStatus = "BLOCKED"
	}
	return a
}

// person adds one generated person with one or two accounts and their chats.
func (g *seeder) person() {
	r := g.rng
	uk := g.chance(0.65)
	female := g.chance(0.55)
	var first, last name
	switch {
	case uk && female:
		first = pick(r, ukFemale)
	case uk:
		first = pick(r, ukMale)
	case female:
		first = pick(r, enFemale)
	default:
		first = pick(r, enMale)
	}
	if uk {
		last = pick(r, ukSurnames)
	} else {
		last = pick(r, enSurnames)
	}
	from := g.channel()
	full := first.text + " " + last.text
	p := &person{name: full, phone: notDefined, email: notDefined, profileImage: notDefined, gender: notDefined}
	switch x := r.Float64(); {
	case x < 0.12:
		p.name = first.text
	case from == "INSTAGRAM" && x < 0.35:
		p.name = first.latin + "_" + last.latin[:min(5, len(last.latin))]
	}

	phoneP := map[string]float64{"TELEGRAM": 0.75, "VIBER": 1, "SMS": 1, "MANUAL": 0.9, "EMAIL": 0.3}[from]
	if phoneP == 0 {
		phoneP = 0.35
	}
	if g.chance(phoneP) {
		p.phone = g.phone(uk)
	}
	if from == "EMAIL" || g.chance(0.45) {
		p.email = g.email(first, last)
	}
	if from != "SMS" && from != "EMAIL" && from != "MANUAL" && g.chance(0.65) {
		p.profileImage = g.profileImage()
	}
	switch x := r.Float64(); {
	case x < 0.8 && female:
		p.gender = "FEMALE"
	case x < 0.8:
		p.gender = "MALE"
	case x < 0.9:
		p.gender = "NO_DATA"
	}
	switch x := r.Float64(); {
	case uk && x < 0.8:
		p.locale = "uk_UA"
	case uk && x < 0.9:
		p.locale = "ru_RU"
	case !uk && x < 0.5:
		p.locale = "en_US"
	case !uk && x < 0.85:
		p.locale = "en_GB"
	}

	scripts, short := enScripts, enShort
	if uk {
		scripts, short = ukScripts, ukShort
	}
	end := g.now.Add(-g.lastMessageAgo()).Add(-time.Duration(r.IntN(1000)) * time.Millisecond)
	a := g.newAccount(from)
	g.chat(a, pick(r, scripts), 2+r.IntN(19), end, first.text, full)
	p.accounts = []*account{a}
	p.lastMessage = end
	if g.chance(0.15) {
		others := []string{"TELEGRAM", "VIBER", "INSTAGRAM", "FACEBOOK"}
		if p.phone != notDefined {
			others = append(others, "SMS")
		}
		if p.email != notDefined {
			others = append(others, "EMAIL")
		}
		if from2 := pick(r, others); from2 != from {
			b := g.newAccount(from2)
			end2 := end.Add(-g.jitter(time.Hour, 60*day))
			g.chat(b, pick(r, short), 2+r.IntN(3), end2, first.text, full)
			p.accounts = append(p.accounts, b)
		}
	}
	p.createdAt = a.createdAt
	for _, acc := range p.accounts {
		if acc.createdAt.Before(p.createdAt) {
			p.createdAt = acc.createdAt
		}
	}
	p.updatedAt = p.lastMessage
	p.id = g.id(p.createdAt, kindPerson)
	for _, acc := range p.accounts {
		acc.personID, acc.name = p.id, p.name
	}

	for i, pr := range []float64{0.06, 0.4, 0.25, 0.15, 0.15, 0.04, 0.15, 0.08, 0.05} {
		if i < len(g.st.tags) && g.chance(pr) {
			p.tags = append(p.tags, g.st.tags[i].id)
		}
	}
	g.subscribe(p, a)
	if g.chance(0.45) {
		p.contacted = append(p.contacted, pick(r, g.st.users).id)
	}
	if g.chance(0.2) {
		p.customFields = append(p.customFields, CustomField{Type: "DATE", Name: "birthday",
			Value: fmt.Sprintf("%d-%02d-%02d", 1965+r.IntN(40), 1+r.IntN(12), 1+r.IntN(28))})
	}
	if uk && g.chance(0.15) {
		p.customFields = append(p.customFields, CustomField{Type: "KEYWORD", Name: "city", Value: pick(r, ukCities)})
	}
	if g.chance(0.08) {
		p.customFields = append(p.customFields, CustomField{Type: "KEYWORD", Name: "skin_type", Value: pick(r, skinTypes)})
	}
	g.st.addPerson(p)
}

// subscribe gives a person one or two tunnel subscriptions and UTM marks.
func (g *seeder) subscribe(p *person, a *account) {
	tunnels := g.st.tunnelsByAge()
	weights := []float64{0.12, 0.55, 0.25, 0.08} // default, main, webinar, wholesale
	x := g.rng.Float64()
	ti := 0
	for ti < len(weights)-1 && x >= weights[ti] {
		x -= weights[ti]
		ti++
	}
	t := tunnels[min(ti, len(tunnels)-1)]
	l := g.st.leadgentools[pick(g.rng, t.leadgentools)]
	p.subs = append(p.subs, subscription{tunnelID: t.id, leadgentoolID: l.id, sourceID: l.sourceID, accountID: a.id})
	switch {
	case l.typ == "FB_AD":
		a.utm = map[string]string{"utm_source": "facebook", "utm_medium": "cpc", "utm_campaign": "webinar_winter"}
	case l.typ == "QR":
		a.utm = map[string]string{"utm_source": "qr", "utm_medium": "offline"}
	case g.chance(0.25):
		a.utm = map[string]string{"utm_source": "instagram", "utm_medium": "bio"}
	}
	if g.chance(0.2) {
		t2 := pick(g.rng, tunnels)
		if t2 != t {
			l2 := g.st.leadgentools[t2.leadgentools[0]]
			p.subs = append(p.subs, subscription{tunnelID: t2.id, leadgentoolID: l2.id, sourceID: l2.sourceID, accountID: a.id})
		}
	}
}
