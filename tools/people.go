package tools

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

type searchPeopleArgs struct {
	Tags  []string `json:"tags,omitempty" jsonschema_description:"Names or ids; all must match."`
	Phone string   `json:"phone,omitempty"`
	Email string   `json:"email,omitempty"`
	LastMessage
	Page
}

// SearchPeople is search_people: GET /people.
func SearchPeople(d *Deps) Tool {
	return readTool(meta{
		name: "search_people", title: "Search people", toolset: "people", endpoint: "GET /people",
		desc: "Find people by tags, phone, email or last-message dates: person_id, account_ids.",
	}, func(ctx context.Context, a *searchPeopleArgs) (*mcp.CallToolResult, error) {
		lo := a.options()
		opts := &leeloo.PeopleListOptions{ListOptions: *lo, Email: a.Email}
		var err error
		if a.Phone != "" {
			if opts.Phone, err = leeloo.NormalizePhone(a.Phone); err != nil {
				return nil, argErrorf("%v", err)
			}
		}
		if opts.LastMessageFrom, opts.LastMessageTo, err = a.dates(); err != nil {
			return nil, err
		}
		for _, ref := range a.Tags {
			t, err := d.resolveTag(ctx, ref)
			if err != nil {
				return nil, err
			}
			opts.Tags = append(opts.Tags, t.Name)
		}
		people, resp, err := d.Client.People.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		out := struct {
			People []render.PersonCard `json:"people"`
			pageInfo
		}{People: make([]render.PersonCard, 0, len(people)), pageInfo: paging(lo, len(people), resp)}
		for i := range people {
			out.People = append(out.People, render.Summary(&people[i]))
		}
		head := fmt.Sprintf("%d people. %s %s", len(people), out.line(), render.NamesNote)
		return jsonResult(head, out), nil
	})
}

type getPersonArgs struct {
	PersonID string `json:"person_id,omitempty" jsonschema_description:"Or give phone or email."`
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
}

// GetPerson is get_person: GET /people/{person_id}?include=contactedUsers,orders.
func GetPerson(d *Deps) Tool {
	return readTool(meta{
		name: "get_person", title: "Get person card", toolset: "people", endpoint: "GET /people/{person_id}",
		desc: "A person's card: contacts, tags, messenger accounts (account_id), custom fields, tunnels, orders, managers.",
	}, func(ctx context.Context, a *getPersonArgs) (*mcp.CallToolResult, error) {
		id, err := d.findPersonID(ctx, a.PersonID, a.Phone, a.Email)
		if err != nil {
			return nil, err
		}
		p, _, err := d.Client.People.Get(ctx, id, &leeloo.PersonGetOptions{ContactedUsers: true, Orders: true})
		if err != nil {
			return nil, err
		}
		return personResult(p), nil
	})
}

func personResult(p *leeloo.Person) *mcp.CallToolResult {
	out := render.Card(p)
	return jsonResult("Person card. "+render.NamesNote, out)
}

// findPersonID resolves exactly one person from an id, a phone or an email.
func (d *Deps) findPersonID(ctx context.Context, id, phone, email string) (string, error) {
	given := 0
	for _, s := range []string{id, phone, email} {
		if strings.TrimSpace(s) != "" {
			given++
		}
	}
	if given != 1 {
		return "", argErrorf("give exactly one of person_id, phone or email")
	}
	if id != "" {
		return id, checkID("person_id", id, render.PersonIDs)
	}
	opts := &leeloo.PeopleListOptions{ListOptions: leeloo.ListOptions{Limit: 5}, Email: strings.TrimSpace(email)}
	what := "email " + email
	if phone != "" {
		p, err := leeloo.NormalizePhone(phone)
		if err != nil {
			return "", argErrorf("%v", err)
		}
		opts.Phone, what = p, "phone "+p
	}
	people, _, err := d.Client.People.List(ctx, opts)
	if err != nil {
		return "", err
	}
	switch len(people) {
	case 0:
		return "", argErrorf("nobody in this account has %s; try search_people", what)
	case 1:
		return people[0].ID, nil
	}
	ids := make([]string, len(people))
	for i, p := range people {
		ids[i] = p.ID + " (" + render.Field(p.Name, 40) + ")"
	}
	return "", argErrorf("%d people have %s: %s; call again with person_id", len(people), what, strings.Join(ids, ", "))
}

type accountArgs struct {
	AccountID string `json:"account_id"`
}

// GetPersonByAccount is get_person_by_account: GET /communication-channels/{account_id}/person.
func GetPersonByAccount(d *Deps) Tool {
	return readTool(meta{
		name: "get_person_by_account", title: "Get person by account", toolset: "people",
		endpoint: "GET /communication-channels/{account_id}/person",
		desc:     "The person card behind a messenger account_id.",
	}, func(ctx context.Context, a *accountArgs) (*mcp.CallToolResult, error) {
		if err := checkID("account_id", a.AccountID, render.AccountIDs); err != nil {
			return nil, err
		}
		p, _, err := d.Client.Channels.Person(ctx, a.AccountID)
		if err != nil {
			return nil, err
		}
		// The account's endpoint answers a thinner card (orders without
		// titles, managers without names): read the person's own, so both
		// tools answer one card.
		if leeloo.ValidID(p.ID) {
			if full, _, err := d.Client.People.Get(ctx, p.ID, &leeloo.PersonGetOptions{ContactedUsers: true, Orders: true}); err == nil {
				p = full
			}
		}
		return personResult(p), nil
	})
}

// lookupPerson reads a person's card for a preview; a missing person is an
// error (nothing would succeed), other failures leave the card nil.
func (d *Deps) lookupPerson(ctx context.Context, id string) (*leeloo.Person, error) {
	p, _, err := d.Client.People.Get(ctx, id, nil)
	if err != nil {
		if isNotFound(err) {
			return nil, argErrorf("no person %s in this account; %s", id, render.IDsFrom(render.PersonIDs))
		}
		return nil, nil
	}
	return p, nil
}

func personLabel(p *leeloo.Person, id string) string {
	if p == nil {
		return "person " + id
	}
	return fmt.Sprintf("%s (person %s)", render.Quote(p.Name, 60), id)
}

type createPersonArgs struct {
	Name          string   `json:"name" jsonschema:"maxLength=4096"`
	Phone         string   `json:"phone,omitempty"`
	Email         string   `json:"email,omitempty"`
	LeadgentoolID string   `json:"leadgentool_id" jsonschema_description:"From get_tunnel."`
	ManagerIDs    []string `json:"manager_ids,omitempty" jsonschema_description:"From list_users."`
	controlsHolder
}

// CreatePerson is create_person: POST /people.
func CreatePerson(d *Deps) Tool {
	return writeTool(d, meta{
		name: "create_person", title: "Create person", toolset: "people", endpoint: "POST /people",
		desc: "Add a person (manual account) through a leadgen tool.",
	}, func(ctx context.Context, a *createPersonArgs) (*guard.Action, error) {
		if err := checkText("name", a.Name, true); err != nil {
			return nil, err
		}
		if err := checkID("leadgentool_id", a.LeadgentoolID, render.LeadgenIDs); err != nil {
			return nil, err
		}
		for _, id := range a.ManagerIDs {
			if err := checkID("manager_ids", id, render.UserIDs); err != nil {
				return nil, err
			}
		}
		if a.Phone == "" && a.Email == "" {
			return nil, argErrorf("give a phone or an email so the person can be reached")
		}
		if err := checkEmail("email", a.Email); err != nil {
			return nil, err
		}
		if a.Phone != "" {
			p, err := leeloo.NormalizePhone(a.Phone)
			if err != nil {
				return nil, argErrorf("%v", err)
			}
			a.Phone = p
		}
		req := leeloo.CreatePersonRequest{Name: a.Name, Email: a.Email, Phone: a.Phone, LeadgentoolID: a.LeadgentoolID, ConnectedUsersIDs: a.ManagerIDs}
		act := &guard.Action{
			Preview: fmt.Sprintf("Create person \"%s\" (phone %s, email %s) through leadgen tool %s.", a.Name, orNone(a.Phone), orNone(a.Email), a.LeadgentoolID),
			Execute: func(ctx context.Context) (*guard.Outcome, error) {
				np, _, err := d.Client.People.Create(ctx, req)
				if err != nil {
					return nil, err
				}
				out := map[string]string{"person_id": np.PersonID, "account_id": np.AccountID}
				return &guard.Outcome{Text: fmt.Sprintf("Created person %s with account %s.", np.PersonID, np.AccountID), Structured: out, IDs: out}, nil
			},
		}
		if a.Phone != "" {
			if dup, _, err := d.Client.People.List(ctx, &leeloo.PeopleListOptions{ListOptions: leeloo.ListOptions{Limit: 1}, Phone: a.Phone}); err == nil && len(dup) > 0 {
				act.Warnings = append(act.Warnings, fmt.Sprintf("person %s already has phone %s", dup[0].ID, a.Phone))
			}
		}
		return act, nil
	})
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

type updatePersonArgs struct {
	PersonID     string        `json:"person_id"`
	Phone        string        `json:"phone,omitempty"`
	Email        string        `json:"email,omitempty"`
	CustomFields []customField `json:"custom_fields,omitempty"`
	controlsHolder
}

type customField struct {
	Type  string `json:"type" jsonschema:"enum=EMAIL,enum=PHONE,enum=DATE,enum=KEYWORD,enum=NUMBER"`
	Name  string `json:"name" jsonschema:"maxLength=4096"`
	Value string `json:"value"`
}

// UpdatePerson is update_person: PUT /people/{person_id}.
func UpdatePerson(d *Deps) Tool {
	return writeTool(d, meta{
		name: "update_person", title: "Update person card", toolset: "people", endpoint: "PUT /people/{person_id}",
		desc:        "Change a person's phone, email or custom fields.",
		destructive: true, idempotent: true,
	}, func(ctx context.Context, a *updatePersonArgs) (*guard.Action, error) {
		if err := checkID("person_id", a.PersonID, render.PersonIDs); err != nil {
			return nil, err
		}
		if a.Phone == "" && a.Email == "" && len(a.CustomFields) == 0 {
			return nil, argErrorf("nothing to change: give phone, email or custom_fields")
		}
		if err := checkEmail("email", a.Email); err != nil {
			return nil, err
		}
		req := leeloo.UpdatePersonRequest{Email: strings.TrimSpace(a.Email)}
		if a.Phone != "" {
			p, err := leeloo.NormalizePhone(a.Phone)
			if err != nil {
				return nil, argErrorf("%v", err)
			}
			req.Phone, a.Phone = p, p
		}
		for _, f := range a.CustomFields {
			if err := checkText("custom field name", f.Name, true); err != nil {
				return nil, err
			}
			v, err := checkFieldValue(f)
			if err != nil {
				return nil, err
			}
			f.Value = v
			req.CustomFields = append(req.CustomFields, leeloo.CustomField(f))
		}
		p, err := d.lookupPerson(ctx, a.PersonID)
		if err != nil {
			return nil, err
		}
		var changes []string
		if req.Phone != "" {
			changes = append(changes, fmt.Sprintf("phone %s → %s", orNone(phoneOf(p)), req.Phone))
		}
		if req.Email != "" {
			changes = append(changes, fmt.Sprintf("email %s → %s", orNone(emailOf(p)), req.Email))
		}
		for _, f := range req.CustomFields {
			changes = append(changes, fmt.Sprintf("custom field %s (%s) = \"%s\"", f.Name, f.Type, f.Value))
		}
		return &guard.Action{
			Preview: "Update " + personLabel(p, a.PersonID) + ": " + strings.Join(changes, "; ") + ".",
			Execute: func(ctx context.Context) (*guard.Outcome, error) {
				if _, _, err := d.Client.People.Update(ctx, a.PersonID, req); err != nil {
					return nil, err
				}
				ids := map[string]string{"person_id": a.PersonID}
				return &guard.Outcome{Text: "Updated person " + a.PersonID + ": " + strings.Join(changes, "; ") + ".", Structured: ids, IDs: ids}, nil
			},
		}, nil
	})
}

// checkFieldValue refuses a custom field value of the wrong form for its
// type, before anyone approves it; phones come back as + and digits.
func checkFieldValue(f customField) (string, error) {
	what := fmt.Sprintf("custom field %s (%s) %q", f.Name, f.Type, f.Value)
	v := strings.TrimSpace(f.Value)
	switch f.Type {
	case leeloo.FieldDate:
		if _, err := parseDate("value", v); err != nil {
			return "", argErrorf("%s is not a date: use YYYY-MM-DD or RFC 3339", what)
		}
	case leeloo.FieldNumber:
		if _, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64); err != nil {
			return "", argErrorf("%s is not a number", what)
		}
	case leeloo.FieldPhone:
		p, err := leeloo.NormalizePhone(v)
		if err != nil {
			return "", argErrorf("%s: %v", what, err)
		}
		return p, nil
	case leeloo.FieldEmail:
		if v == "" || checkEmail("value", v) != nil {
			return "", argErrorf("%s is not an e-mail address (like name@example.com)", what)
		}
	}
	return f.Value, nil
}

func phoneOf(p *leeloo.Person) string {
	if p == nil {
		return "?"
	}
	return p.Phone
}

func emailOf(p *leeloo.Person) string {
	if p == nil {
		return "?"
	}
	return p.Email
}

type addCommentArgs struct {
	PersonID string `json:"person_id"`
	Comment  string `json:"comment" jsonschema:"maxLength=4096"`
	controlsHolder
}

// AddComment is add_comment: PUT /people/{person_id}/add-comment.
func AddComment(d *Deps) Tool {
	return writeTool(d, meta{
		name: "add_comment", title: "Add comment", toolset: "people", endpoint: "PUT /people/{person_id}/add-comment",
		desc: "Add an internal note to a person's card.",
	}, func(ctx context.Context, a *addCommentArgs) (*guard.Action, error) {
		if err := checkID("person_id", a.PersonID, render.PersonIDs); err != nil {
			return nil, err
		}
		if err := checkText("comment", a.Comment, true); err != nil {
			return nil, err
		}
		p, err := d.lookupPerson(ctx, a.PersonID)
		if err != nil {
			return nil, err
		}
		return &guard.Action{
			Preview: fmt.Sprintf("Add to the card of %s the internal comment:\n%s", personLabel(p, a.PersonID), a.Comment),
			Execute: func(ctx context.Context) (*guard.Outcome, error) {
				c, _, err := d.Client.People.AddComment(ctx, a.PersonID, a.Comment)
				if err != nil {
					return nil, err
				}
				ids := map[string]string{"person_id": a.PersonID, "comment_id": c.ID}
				return &guard.Outcome{Text: fmt.Sprintf("Comment %s added to person %s.", c.ID, a.PersonID), Structured: ids, IDs: ids}, nil
			},
		}, nil
	})
}
