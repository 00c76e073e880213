package sandbox

import (
	"slices"
	"strings"
	"time"
)

// notDefined is how the live API spells a missing value.
const notDefined = "NOT_DEFINED"

// Chat message types.
const (
	yourMessage   = "YOUR_MESSAGE"
	friendMessage = "FRIEND_MESSAGE"
	systemMessage = "SYSTEM_MESSAGE"
)

// store holds every record; the Server's mu guards it.
type store struct {
	seq uint32 // counter of ids made after the seed

	people      map[string]*person
	peopleByMsg []*person // newest lastMessage first
	accounts    map[string]*account
	accountsBy  []*account // newest lastMessage first

	tags    []*tag
	tagByID map[string]*tag

	users    []*user // newest first
	userByID map[string]*user

	connections []*connection
	connByID    map[string]*connection

	tunnels      []*tunnel // newest first
	tunnelByID   map[string]*tunnel
	leadgentools map[string]*leadgentool
	sources      map[string]*TrafficSource
	sourceOrder  []*TrafficSource

	categories   []*category
	categoryByID map[string]*category
	templates    map[string]*template

	offers     map[string]*offer
	offerOrder []*offer
	payments   map[string]string // payment credits id -> name

	orders      map[string]*order
	ordersByNew []*order // newest createdAt first

	comments []*Comment
	calls    []*Call
}

type person struct {
	id, name     string
	tags         []string // tag ids, in the order they were added
	profileImage string
	gender       string
	phone        string
	email        string
	locale       string
	accounts     []*account
	subs         []subscription
	contacted    []string // user ids
	orders       []string // order ids, oldest first
	customFields []CustomField
	createdAt    time.Time
	updatedAt    time.Time
	lastMessage  time.Time
}

type account struct {
	id, personID     string
	name             string
	connectionID     string
	connectionStatus string
	from             string
	botStatus        string
	createdAt        time.Time
	lastMessage      time.Time
	utm              map[string]string
	messages         []message // oldest first
}

type message struct {
	id, text, kind string
	read           bool
	createdAt      time.Time
}

type subscription struct {
	tunnelID, leadgentoolID, sourceID, accountID string
}

// CustomField is one custom field of a person card.
type CustomField struct {
	// Type is EMAIL, PHONE, DATE, KEYWORD or NUMBER.
	Type string `json:"type"`
	// Name is the field's name.
	Name string `json:"name"`
	// Value is the field's value.
	Value string `json:"value"`
}

type tag struct{ id, name string }

type user struct {
	id, name             string
	createdAt, updatedAt time.Time
}

type connection struct{ id, typ, name, from string }

type tunnel struct {
	id, name             string
	createdAt, updatedAt time.Time
	leadgentools         []string
	// blocks of the bot flow, [id, name]: the API cannot list them; the
	// sandbox's account catalog (Catalog) does.
	blocks [][2]string
	// Traffic before subscription, on top of which subscriptions are counted.
	visits, uniqVisits, shows, uniqShows int
	expenses                             float64
}

type leadgentool struct {
	id, name, typ, tunnelID, sourceID string
}

type category struct {
	id, name  string
	templates []string
}

type template struct {
	id, name, text, categoryID string
}

type offer struct {
	id, title, description, currency string
	price                            float64
}

type order struct {
	id, personID, title, description string
	currency, status, paymentMethod  string
	tunnelID, managerID, offerID     string
	price                            float64
	partial                          bool
	createdAt, updatedAt             time.Time
	paymentDate                      time.Time
	userComments                     string
}

// newID makes the id of a record created now.
func (st *store) newID(now time.Time) string {
	st.seq++
	return objectID(now, kindRuntime, st.seq)
}

// tagNames is the names of a person's tags, in order.
func (st *store) tagNames(p *person) []string {
	names := make([]string, 0, len(p.tags))
	for _, id := range p.tags {
		if t := st.tagByID[id]; t != nil {
			names = append(names, t.name)
		}
	}
	return names
}

// tagByName finds a tag by name, ignoring case.
func (st *store) tagByName(name string) *tag {
	for _, t := range st.tags {
		if strings.EqualFold(t.name, name) {
			return t
		}
	}
	return nil
}

// touch records a new message time on an account and its person and keeps
// the recency orderings.
func (st *store) touch(a *account, t time.Time) {
	if t.After(a.lastMessage) {
		a.lastMessage = t
	}
	if p := st.people[a.personID]; p != nil && t.After(p.lastMessage) {
		p.lastMessage = t
	}
	st.sortByRecency()
}

// addMessage appends a message to an account's chat.
func (st *store) addMessage(a *account, kind, text string, now time.Time) {
	a.messages = append(a.messages, message{id: st.newID(now), text: text, kind: kind, read: true, createdAt: now})
	st.touch(a, now)
}

func (st *store) sortByRecency() {
	slices.SortStableFunc(st.peopleByMsg, func(a, b *person) int {
		if c := b.lastMessage.Compare(a.lastMessage); c != 0 {
			return c
		}
		return strings.Compare(b.id, a.id)
	})
	slices.SortStableFunc(st.accountsBy, func(a, b *account) int {
		if c := b.lastMessage.Compare(a.lastMessage); c != 0 {
			return c
		}
		return strings.Compare(b.id, a.id)
	})
}

func (st *store) sortOrders() {
	slices.SortStableFunc(st.ordersByNew, func(a, b *order) int {
		if c := b.createdAt.Compare(a.createdAt); c != 0 {
			return c
		}
		return strings.Compare(b.id, a.id)
	})
}

// addOrder links a new order everywhere it shows.
func (st *store) addOrder(o *order) {
	st.orders[o.id] = o
	st.ordersByNew = append(st.ordersByNew, o)
	if p := st.people[o.personID]; p != nil {
		p.orders = append(p.orders, o.id)
		if o.managerID != "" && !slices.Contains(p.contacted, o.managerID) {
			p.contacted = append(p.contacted, o.managerID)
		}
	}
}

// addPerson indexes a new person and its accounts.
func (st *store) addPerson(p *person) {
	st.people[p.id] = p
	st.peopleByMsg = append(st.peopleByMsg, p)
	for _, a := range p.accounts {
		st.accounts[a.id] = a
		st.accountsBy = append(st.accountsBy, a)
	}
}

// personTunnel is the tunnel an order of p is attributed to: the tunnel of
// its latest subscription, else the main tunnel.
func (st *store) personTunnel(p *person) string {
	if len(p.subs) > 0 {
		return p.subs[len(p.subs)-1].tunnelID
	}
	return TunnelID
}

// tunnelsByAge is the tunnels oldest first.
func (st *store) tunnelsByAge() []*tunnel {
	out := slices.Clone(st.tunnels)
	slices.Reverse(out)
	return out
}
