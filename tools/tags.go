package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
)

// ListTags is list_tags: GET /tags.
func ListTags(d *Deps) Tool {
	return readTool(meta{
		name: "list_tags", title: "List tags", toolset: "tags", endpoint: "GET /tags",
		desc: "List tags. Tools take a tag by name or id.",
	}, func(ctx context.Context, _ *noArgs) (*mcp.CallToolResult, error) {
		tags, _, err := d.Client.Tags.List(ctx)
		if err != nil {
			return nil, err
		}
		d.tags.mu.Lock()
		d.tags.tags, d.tags.at = tags, d.now()
		d.tags.mu.Unlock()
		type tagOut struct {
			ID   string `json:"tag_id"`
			Name string `json:"name"`
		}
		out := struct {
			Tags []tagOut `json:"tags"`
		}{make([]tagOut, 0, len(tags))}
		for _, t := range tags {
			out.Tags = append(out.Tags, tagOut{t.ID, t.Name})
		}
		return jsonResult(fmt.Sprintf("%d tags.", len(tags)), out), nil
	})
}

type tagArgs struct {
	PersonID string `json:"person_id"`
	Tag      string `json:"tag" jsonschema_description:"Name or id."`
	controlsHolder
}

// AddTag is add_tag: PUT /people/{person_id}/add-tag.
func AddTag(d *Deps) Tool {
	return tagTool(d, meta{
		name: "add_tag", title: "Tag person", toolset: "tags", endpoint: "PUT /people/{person_id}/add-tag",
		desc:       "Add a tag (by name or id) to a person.",
		idempotent: true,
	}, true)
}

// RemoveTag is remove_tag: PUT /people/{person_id}/remove-tag.
func RemoveTag(d *Deps) Tool {
	return tagTool(d, meta{
		name: "remove_tag", title: "Untag person", toolset: "tags", endpoint: "PUT /people/{person_id}/remove-tag",
		desc:        "Remove a tag (by name or id) from a person.",
		destructive: true, idempotent: true,
	}, false)
}

func tagTool(d *Deps, m meta, add bool) Tool {
	return writeTool(d, m, func(ctx context.Context, a *tagArgs) (*guard.Action, error) {
		if err := checkID("person_id", a.PersonID, render.PersonIDs); err != nil {
			return nil, err
		}
		tag, err := d.resolveTag(ctx, a.Tag)
		if err != nil {
			return nil, err
		}
		p, err := d.lookupPerson(ctx, a.PersonID)
		if err != nil {
			return nil, err
		}
		has := false
		if p != nil {
			for _, n := range p.Tags {
				if n == tag.Name {
					has = true
				}
			}
		}
		act := &guard.Action{Args: map[string]any{"person_id": a.PersonID, "tag_id": tag.ID, "tag": tag.Name}}
		verb, past := "Add", "added to"
		if !add {
			verb, past = "Remove", "removed from"
		}
		act.Preview = fmt.Sprintf("%s tag %s (%s) %s %s.", verb, render.Quote(tag.Name, 80), tag.ID, map[bool]string{true: "to", false: "from"}[add], personLabel(p, a.PersonID))
		switch {
		case p != nil && add && has:
			act.Warnings = append(act.Warnings, "the person already has this tag")
		case p != nil && !add && !has:
			act.Warnings = append(act.Warnings, "the person does not have this tag")
		}
		act.Execute = func(ctx context.Context) (*guard.Outcome, error) {
			var err error
			if add {
				_, err = d.Client.People.AddTag(ctx, a.PersonID, tag.ID)
			} else {
				_, err = d.Client.People.RemoveTag(ctx, a.PersonID, tag.ID)
			}
			if err != nil {
				return nil, err
			}
			ids := map[string]string{"person_id": a.PersonID, "tag_id": tag.ID}
			return &guard.Outcome{Text: fmt.Sprintf("Tag %s %s person %s.", render.Quote(tag.Name, 80), past, a.PersonID), Structured: ids, IDs: ids}, nil
		}
		return act, nil
	})
}
