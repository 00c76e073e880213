package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

type trafficSourceArgs struct {
	LeadgentoolID string `json:"leadgentool_id"`
	Name          string `json:"name" jsonschema:"maxLength=4096"`
	Description   string `json:"description,omitempty" jsonschema:"maxLength=4096"`
	controlsHolder
}

// CreateTrafficSource is create_traffic_source: POST /leadgentools/{leadgentool_id}/create-traffic-source.
func CreateTrafficSource(d *Deps) Tool {
	return writeTool(d, meta{
		name: "create_traffic_source", title: "Create traffic source", toolset: "leadgen",
		endpoint: "POST /leadgentools/{leadgentool_id}/create-traffic-source",
		desc:     "Add a traffic source (one ad or post) to a leadgen tool.",
	}, func(ctx context.Context, a *trafficSourceArgs) (*guard.Action, error) {
		if err := checkID("leadgentool_id", a.LeadgentoolID, render.LeadgenIDs); err != nil {
			return nil, err
		}
		if err := checkText("name", a.Name, true); err != nil {
			return nil, err
		}
		return &guard.Action{
			Preview: fmt.Sprintf("Create traffic source \"%s\" on leadgen tool %s.", a.Name, a.LeadgentoolID),
			Execute: func(ctx context.Context) (*guard.Outcome, error) {
				ts, _, err := d.Client.Leadgen.CreateTrafficSource(ctx, a.LeadgentoolID, leeloo.CreateTrafficSourceRequest{Name: a.Name, Description: a.Description})
				if err != nil {
					return nil, err
				}
				out := map[string]string{"traffic_source_id": ts.ID, "leadgentool_id": a.LeadgentoolID}
				if ts.Hash != "" {
					out["hash"] = ts.Hash
				}
				return &guard.Outcome{Text: fmt.Sprintf("Created traffic source %s (%s).", render.Field(ts.ID, 40), render.Quote(ts.Name, 80)), Structured: out, IDs: out}, nil
			},
		}, nil
	})
}

type smsContactsArgs struct {
	Contacts      []smsContact `json:"contacts" jsonschema:"minItems=1,maxItems=500"`
	ConnectionID  string       `json:"connection_id"`
	LeadgentoolID string       `json:"leadgentool_id"`
	Tags          []string     `json:"tags,omitempty"`
	controlsHolder
}

type smsContact struct {
	Name  string `json:"name" jsonschema:"maxLength=4096"`
	Phone string `json:"phone"`
	Email string `json:"email,omitempty"`
}

// AddSMSContacts is add_sms_contacts: POST /people/sms.
func AddSMSContacts(d *Deps) Tool {
	return writeTool(d, meta{
		name: "add_sms_contacts", title: "Import SMS contacts", toolset: "leadgen", endpoint: "POST /people/sms",
		desc: "Bulk-import people with SMS accounts, optionally tagged.",
	}, func(ctx context.Context, a *smsContactsArgs) (*guard.Action, error) {
		if err := checkID("connection_id", a.ConnectionID, render.ConnectionIDs); err != nil {
			return nil, err
		}
		if err := checkID("leadgentool_id", a.LeadgentoolID, render.LeadgenIDs); err != nil {
			return nil, err
		}
		req := leeloo.AddSMSContactsRequest{ConnectionID: a.ConnectionID, LeadgentoolID: a.LeadgentoolID}
		for i, c := range a.Contacts {
			if err := checkText(fmt.Sprintf("contacts[%d].name", i), c.Name, true); err != nil {
				return nil, err
			}
			p, err := leeloo.NormalizePhone(c.Phone)
			if err != nil {
				return nil, argErrorf("contacts[%d]: %v", i, err)
			}
			req.Contacts = append(req.Contacts, leeloo.SMSContact{Name: c.Name, Phone: p, Email: strings.TrimSpace(c.Email)})
		}
		var tagNames []string
		for _, ref := range a.Tags {
			t, err := d.resolveTag(ctx, ref)
			if err != nil {
				return nil, err
			}
			req.TagIDs = append(req.TagIDs, t.ID)
			tagNames = append(tagNames, t.Name)
		}
		sample := make([]string, 0, 3)
		for i, c := range req.Contacts {
			if i == 3 {
				sample = append(sample, "…")
				break
			}
			sample = append(sample, fmt.Sprintf("%s %s", c.Name, c.Phone))
		}
		tags := "no tags"
		if len(tagNames) > 0 {
			tags = "tags " + strings.Join(tagNames, ", ")
		}
		return &guard.Action{
			Args:    map[string]any{"contacts": req.Contacts, "connection_id": a.ConnectionID, "leadgentool_id": a.LeadgentoolID, "tag_ids": req.TagIDs},
			Preview: fmt.Sprintf("Import %d SMS contacts (%s) on connection %s through leadgen tool %s, with %s.", len(req.Contacts), strings.Join(sample, "; "), a.ConnectionID, a.LeadgentoolID, tags),
			Execute: func(ctx context.Context) (*guard.Outcome, error) {
				n, _, err := d.Client.People.AddSMSContacts(ctx, req)
				if err != nil {
					return nil, err
				}
				out := map[string]any{"count_to_process": n}
				return &guard.Outcome{Text: fmt.Sprintf("Leeloo accepted %d contacts for processing.", n), Structured: out, IDs: map[string]string{"connection_id": a.ConnectionID}}, nil
			},
		}, nil
	})
}
