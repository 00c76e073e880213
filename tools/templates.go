package tools

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

type noArgs struct{}

// ListTemplateCategories is list_template_categories: GET /categories/templates.
func ListTemplateCategories(d *Deps) Tool {
	return readTool(meta{
		name: "list_template_categories", title: "List template categories", toolset: "templates", endpoint: "GET /categories/templates",
		desc: "List message-template categories.",
	}, func(ctx context.Context, _ *noArgs) (*mcp.CallToolResult, error) {
		cats, _, err := d.Client.Templates.ListCategories(ctx)
		if err != nil {
			return nil, err
		}
		out := struct {
			Categories []leeloo.TemplateCategory `json:"categories"`
		}{cats}
		return jsonResult(fmt.Sprintf("%d template categories.", len(cats)), out), nil
	})
}

type categoryArgs struct {
	CategoryID string `json:"category_id" jsonschema_description:"From list_template_categories."`
}

// ListTemplates is list_templates: GET /categories/templates/{category_id}.
func ListTemplates(d *Deps) Tool {
	return readTool(meta{
		name: "list_templates", title: "List templates", toolset: "templates", endpoint: "GET /categories/templates/{category_id}",
		desc: "List the message templates of a category.",
	}, func(ctx context.Context, a *categoryArgs) (*mcp.CallToolResult, error) {
		if err := checkID("category_id", a.CategoryID, findCategory); err != nil {
			return nil, err
		}
		ts, _, err := d.Client.Templates.List(ctx, a.CategoryID)
		if err != nil {
			return nil, err
		}
		type tmpl struct {
			ID   string `json:"template_id"`
			Name string `json:"name"`
		}
		out := struct {
			Templates []tmpl `json:"templates"`
		}{make([]tmpl, 0, len(ts))}
		for _, t := range ts {
			out.Templates = append(out.Templates, tmpl{t.ID, t.MessageName})
		}
		return jsonResult(fmt.Sprintf("%d templates.", len(ts)), out), nil
	})
}

type sendTemplateArgs struct {
	AccountID  string            `json:"account_id"`
	TemplateID string            `json:"template_id"`
	Variables  map[string]string `json:"variables,omitempty"`
	guard.DuplicateControl
	controlsHolder
}

// SendTemplate is send_template: POST /messages/send-template.
func SendTemplate(d *Deps) Tool {
	return writeTool(d, meta{
		name: "send_template", title: "Send template to customer", toolset: "templates", endpoint: "POST /messages/send-template",
		desc:     "Send a saved template with variables to a customer's messenger account (guarded).",
		customer: true,
	}, func(ctx context.Context, a *sendTemplateArgs) (*guard.Action, error) {
		if err := checkID("account_id", a.AccountID, findAccount); err != nil {
			return nil, err
		}
		if err := checkID("template_id", a.TemplateID, findTemplate); err != nil {
			return nil, err
		}
		keys := make([]string, 0, len(a.Variables))
		for k, v := range a.Variables {
			if err := checkText("variable "+k, v, false); err != nil {
				return nil, err
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		vars := make([]string, len(keys))
		for i, k := range keys {
			vars[i] = fmt.Sprintf("%s=\"%s\"", k, a.Variables[k])
		}
		r, err := d.lookupRecipient(ctx, a.AccountID, true)
		if err != nil {
			return nil, err
		}
		tmpl, found, err := d.templateName(ctx, a.TemplateID)
		if err != nil {
			r.warnings = append(r.warnings, "could not look the template up: "+describeError(err))
		} else if !found {
			r.warnings = append(r.warnings, "no template "+a.TemplateID+" in any category: Leeloo will likely refuse it; "+findTemplate)
		}
		preview := fmt.Sprintf("Send %s to %s", tmpl, r.label())
		if len(vars) > 0 {
			preview += " with variables " + strings.Join(vars, ", ")
		}
		return &guard.Action{
			Preview:        preview + ".",
			Warnings:       r.warnings,
			DuplicateKey:   "send_template\x00" + a.AccountID + "\x00" + a.TemplateID + "\x00" + strings.Join(vars, "\x00"),
			AllowDuplicate: a.AllowDuplicate,
			Execute: func(ctx context.Context) (*guard.Outcome, error) {
				req := leeloo.SendTemplateRequest{AccountID: a.AccountID, TemplateID: a.TemplateID, Variables: a.Variables}
				if _, err := d.Client.Messages.SendTemplate(ctx, req); err != nil {
					return nil, err
				}
				ids := map[string]string{"account_id": a.AccountID, "template_id": a.TemplateID}
				return &guard.Outcome{Text: "Template " + a.TemplateID + " sent to " + r.label() + ".", Structured: map[string]any{"sent": true, "account_id": a.AccountID}, IDs: ids}, nil
			},
		}, nil
	})
}

// maxTemplateCategories bounds the category scan of templateName.
const maxTemplateCategories = 20

// templateName finds a template's name by scanning the categories (the API
// has no call for one template): "<name>" (id), and whether it was found.
func (d *Deps) templateName(ctx context.Context, id string) (string, bool, error) {
	label := "template " + id
	cats, _, err := d.Client.Templates.ListCategories(ctx)
	if err != nil {
		return label, false, err
	}
	for i, c := range cats {
		if i == maxTemplateCategories {
			break
		}
		ts, _, err := d.Client.Templates.List(ctx, c.ID)
		if err != nil {
			return label, false, err
		}
		for _, t := range ts {
			if t.ID == id {
				return fmt.Sprintf("template %s (%s, category %s)", render.Quote(t.MessageName, 120), id, render.Quote(c.Name, 80)), true, nil
			}
		}
	}
	return label, false, nil
}
