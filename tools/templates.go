package tools

import (
	"context"
	"fmt"
	"regexp"
	"slices"
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
		type catOut struct {
			ID   string `json:"category_id"`
			Name string `json:"name"`
		}
		out := struct {
			Categories []catOut `json:"categories"`
		}{make([]catOut, 0, len(cats))}
		for _, c := range cats {
			out.Categories = append(out.Categories, catOut{c.ID, c.Name})
		}
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
		if err := checkID("category_id", a.CategoryID, render.CategoryIDs); err != nil {
			return nil, err
		}
		ts, _, err := d.Client.Templates.List(ctx, a.CategoryID)
		if err != nil {
			return nil, err
		}
		type tmpl struct {
			ID   string `json:"template_id"`
			Name string `json:"name"`
			// Variables are the template's {{placeholders}} where the server
			// knows them (the account catalog, or the template's name).
			Variables []string `json:"variables,omitempty"`
		}
		out := struct {
			Templates []tmpl `json:"templates"`
		}{make([]tmpl, 0, len(ts))}
		for _, t := range ts {
			vars, _ := d.templateVariables(t.ID, t.MessageName)
			out.Templates = append(out.Templates, tmpl{t.ID, t.MessageName, vars})
		}
		return jsonResult(fmt.Sprintf("%d templates.", len(ts)), out), nil
	})
}

// templateVariables are send_template's variables: text the customer reads,
// each value bounded like any other text the model writes. A map field's
// tags cannot bound its values, so its JSONSchemaExtend states it in the
// schema (in schemas_test.go, where the schemas are reflected).
type templateVariables map[string]string

type sendTemplateArgs struct {
	AccountID  string            `json:"account_id"`
	TemplateID string            `json:"template_id"`
	Variables  templateVariables `json:"variables,omitempty"`
	guard.DuplicateControl
	controlsHolder
}

// SendTemplate is send_template: POST /messages/send-template.
func SendTemplate(d *Deps) Tool {
	return writeTool(d, meta{
		name: "send_template", title: "Send template to customer", toolset: "templates", endpoint: "POST /messages/send-template",
		desc:     "Send a saved template with variables to a customer's messenger account.",
		customer: true,
	}, func(ctx context.Context, a *sendTemplateArgs) (*guard.Action, error) {
		if err := checkID("account_id", a.AccountID, render.AccountIDs); err != nil {
			return nil, err
		}
		if err := checkID("template_id", a.TemplateID, render.TemplateIDs); err != nil {
			return nil, err
		}
		keys := make([]string, 0, len(a.Variables))
		for k := range a.Variables {
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
		tmpl, err := d.lookupTemplate(ctx, a.TemplateID)
		switch {
		case err != nil:
			r.warnings = append(r.warnings, "could not look the template up: "+describeError(err))
		case !tmpl.found && tmpl.complete:
			return nil, argErrorf("no template %s in any category of this account; %s", a.TemplateID, render.IDsFrom(render.TemplateIDs))
		case !tmpl.found:
			r.warnings = append(r.warnings, "template "+a.TemplateID+" is not in the first categories looked at: Leeloo may refuse it; "+render.IDsFrom(render.TemplateIDs))
		}
		preview := fmt.Sprintf("Send %s to %s", tmpl.label, r.label())
		if len(vars) > 0 {
			preview += " with variables " + strings.Join(vars, ", ")
		} else {
			preview += " with no variables"
		}
		preview += "."
		known, source := d.templateVariables(a.TemplateID, tmpl.name)
		note, warnings, err := checkVariables(a.TemplateID, a.Variables, keys, known, source)
		if err != nil {
			return nil, err
		}
		preview += note
		r.warnings = append(r.warnings, warnings...)
		return &guard.Action{
			Preview:        preview,
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

// maxTemplateCategories bounds the category scan of lookupTemplate.
const maxTemplateCategories = 20

// templateInfo is what lookupTemplate learnt of a template.
type templateInfo struct {
	// label names it for a preview: template "<name>" (id, category "<c>").
	label, name string
	found       bool
	// complete is true when every category was looked at, so a template
	// not found does not exist.
	complete bool
}

// lookupTemplate finds a template by scanning the categories (the API has no
// call for one template).
func (d *Deps) lookupTemplate(ctx context.Context, id string) (templateInfo, error) {
	info := templateInfo{label: "template " + id}
	cats, _, err := d.Client.Templates.ListCategories(ctx)
	if err != nil {
		return info, err
	}
	for i, c := range cats {
		if i == maxTemplateCategories {
			return info, nil
		}
		ts, _, err := d.Client.Templates.List(ctx, c.ID)
		if err != nil {
			return info, err
		}
		for _, t := range ts {
			if t.ID == id {
				info.label = fmt.Sprintf("template %s (%s, category %s)", render.Quote(t.MessageName, 120), id, render.Quote(c.Name, 80))
				info.name, info.found, info.complete = t.MessageName, true, true
				return info, nil
			}
		}
	}
	info.complete = true
	return info, nil
}

const fromCatalog = "from the account catalog"

// checkVariables compares the variables given (keys, sorted) with what the
// server knows the template uses: the preview's note, warnings, and a
// refusal when the account catalog lists a variable the call leaves unfilled.
func checkVariables(id string, given map[string]string, keys, known []string, source string) (string, []string, error) {
	if source == "" {
		return " Its text cannot be checked through Leeloo's API: make sure the variables fill every {{placeholder}} it has, or the customer sees them unfilled.", nil, nil
	}
	note := " The template uses no variables (" + source + ")."
	if len(known) > 0 {
		note = " The template uses the variables " + strings.Join(known, ", ") + " (" + source + ")."
	}
	var missing, warnings []string
	for _, k := range known {
		if _, ok := given[k]; !ok {
			missing = append(missing, "{{"+k+"}}")
		}
	}
	switch {
	case len(missing) > 0 && source == fromCatalog:
		return "", nil, argErrorf("template %s uses %s, which variables does not fill (%s): the customer would see it unfilled; give a value for each", id, strings.Join(missing, ", "), source)
	case len(missing) > 0:
		warnings = append(warnings, "the template's name mentions "+strings.Join(missing, ", ")+", which variables does not fill: the customer may see it unfilled")
	}
	for _, k := range keys {
		if !slices.Contains(known, k) {
			warnings = append(warnings, "the template does not use "+k+" ("+source+"): check the variable's name")
		}
	}
	return note, warnings, nil
}

var placeholderRE = regexp.MustCompile(`\{\{\s*([^{}\s]+)\s*\}\}`)

// templateVariables is what the server knows of a template's variables:
// the account catalog's list, else the {{placeholders}} its name mentions;
// source is "" when nothing is known.
func (d *Deps) templateVariables(id, name string) (vars []string, source string) {
	if t, ok := d.Catalog.Template(id); ok {
		return t.Variables, fromCatalog
	}
	for _, m := range placeholderRE.FindAllStringSubmatch(name, -1) {
		if v := render.Field(m[1], 60); !slices.Contains(vars, v) {
			vars = append(vars, v)
		}
	}
	if len(vars) > 0 {
		return vars, "from the template's name"
	}
	return nil, ""
}
