// Package tools exposes every Leeloo API v2 endpoint as an MCP tool. One file
// per API domain; this file holds the few shared helpers. Every mutating tool
// passes through the guard package.
package tools

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/events"
	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/internal/catalog"
	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// Deps is what the tools share.
type Deps struct {
	Client *leeloo.Client
	Guard  *guard.Guard
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Sandbox marks every mutating preview and result: the data is demo
	// data and nothing real is sent or changed.
	Sandbox bool
	// Catalog is the account catalog (--catalog): names and prices of
	// offers, payment systems, tunnel blocks and template variables, which
	// the API cannot list; nil when there is none.
	Catalog *catalog.Catalog
	// Events is the live-event hub (wait_for_events); nil when events are
	// off.
	Events *events.Hub
	// Webhook returns the account's own webhook URL on a team server
	// (registering it on first use); nil where the operator sets the one
	// webhook (--webhook-secret).
	Webhook func(ctx context.Context) (string, error)

	tags tagCache
}

func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Tool is a server tool with its catalog facts.
type Tool struct {
	server.ServerTool
	// Toolset groups tools for --toolsets.
	Toolset string
	// Mutating tools change data and pass through the guard.
	Mutating bool
	// CustomerFacing tools reach a customer (a message, a notification, a
	// bot flow).
	CustomerFacing bool
	// Endpoint is the API call behind the tool, e.g. "GET /people".
	Endpoint string
}

// All returns every tool, in catalog order.
func All(d *Deps) []Tool {
	ctors := []func(*Deps) Tool{
		SearchPeople, GetPerson, GetPersonByAccount, CreatePerson, UpdatePerson, AddComment,
		ListCommunicationChannels, GetChatMessages, SendMessage,
		ListTemplateCategories, ListTemplates, SendTemplate,
		ListOrders, GetOrder, CreateOrder, UpdateManualOrder,
		ListTags, AddTag, RemoveTag,
		ListTunnels, GetTunnel, GetTunnelsStats, GetTunnelStats, SubscribeToTunnel,
		CreateTrafficSource, AddSMSContacts,
		ListUsers, GetUser,
		ListConnections,
		LogCall,
		WaitForEvents, WebhookURL,
	}
	out := make([]Tool, 0, len(ctors))
	for _, c := range ctors {
		out = append(out, c(d))
	}
	return out
}

// Selection picks tools by toolset and name.
type Selection struct {
	// Toolsets to include; empty or "all" means every toolset.
	Toolsets []string
	// Tools to include by name, in addition to the toolsets.
	Tools []string
	// Exclude removes tools by name.
	Exclude []string
	// ReadOnly removes every mutating tool, whatever else is asked.
	ReadOnly bool
}

// Select filters tools by s. Unknown toolset or tool names are an error.
func Select(all []Tool, s Selection) ([]Tool, error) {
	names := map[string]bool{}
	for _, t := range all {
		names[t.Tool.Name] = true
	}
	allSets := len(s.Toolsets) == 0 || slices.Contains(s.Toolsets, "all")
	for _, ts := range s.Toolsets {
		if ts != "all" && !slices.Contains(Toolsets, ts) {
			return nil, fmt.Errorf("unknown toolset %q (known: all, %v)", ts, Toolsets)
		}
	}
	if len(s.Tools) > 0 && len(s.Toolsets) == 0 {
		allSets = false
	}
	for _, n := range append(slices.Clone(s.Tools), s.Exclude...) {
		if !names[n] {
			return nil, fmt.Errorf("unknown tool %q (see `leeloo-mcp tools`)", n)
		}
	}
	var out []Tool
	for _, t := range all {
		in := (allSets || slices.Contains(s.Toolsets, t.Toolset) || slices.Contains(s.Tools, t.Tool.Name)) &&
			!slices.Contains(s.Exclude, t.Tool.Name) && !(s.ReadOnly && t.Mutating)
		if in {
			out = append(out, t)
		}
	}
	return out, nil
}

// ServerTools unwraps the mcp-go tools for registration.
func ServerTools(ts []Tool) []server.ServerTool {
	out := make([]server.ServerTool, len(ts))
	for i, t := range ts {
		out[i] = t.ServerTool
	}
	return out
}

// meta describes a tool.
type meta struct {
	name, title, toolset, endpoint, desc string
	// For mutating tools:
	destructive, idempotent, customer bool
}

func ptr(b bool) *bool { return &b }

// Hints are a tool's behaviour hints, every one decided explicitly.
type Hints struct {
	ReadOnly, Destructive, Idempotent, OpenWorld bool
}

// Spec defaults of the MCP tool annotations: what a client assumes when a
// hint is absent.
var specDefaults = Hints{ReadOnly: false, Destructive: true, Idempotent: false, OpenWorld: true}

// wireAnnotations publishes only the hints that differ from the spec's
// defaults (and, for read-only tools, none of the write-only hints, which
// the spec says are meaningful only when readOnlyHint is false): every byte
// of tools/list is spent in every conversation, and a client reading the
// annotations gets exactly the hints decided here.
func wireAnnotations(title string, h Hints) mcp.ToolAnnotation {
	a := mcp.ToolAnnotation{Title: title}
	if h.ReadOnly != specDefaults.ReadOnly {
		a.ReadOnlyHint = ptr(h.ReadOnly)
	}
	if !h.ReadOnly {
		if h.Destructive != specDefaults.Destructive {
			a.DestructiveHint = ptr(h.Destructive)
		}
		if h.Idempotent != specDefaults.Idempotent {
			a.IdempotentHint = ptr(h.Idempotent)
		}
	}
	if h.OpenWorld != specDefaults.OpenWorld {
		a.OpenWorldHint = ptr(h.OpenWorld)
	}
	return a
}

func newTool(m meta, schema json.RawMessage, readOnly bool, h server.ToolHandlerFunc) Tool {
	t := mcp.Tool{
		Name:           m.name,
		Description:    m.desc,
		RawInputSchema: schema,
		Annotations:    wireAnnotations(m.title, Hints{ReadOnly: readOnly, Destructive: !readOnly && m.destructive, Idempotent: readOnly || m.idempotent, OpenWorld: true}),
	}
	return Tool{
		ServerTool:     server.ServerTool{Tool: t, Handler: h},
		Toolset:        m.toolset,
		Mutating:       !readOnly,
		CustomerFacing: m.customer,
		Endpoint:       m.endpoint,
	}
}

// readTool builds a read-only tool from a typed handler.
func readTool[A any](m meta, h func(ctx context.Context, a *A) (*mcp.CallToolResult, error)) Tool {
	schema := schemaOf[A]()
	v := newValidator(m.name, schema)
	return newTool(m, schema, true, func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		a := new(A)
		if err := v.bind(req, a); err != nil {
			return errorResult(err), nil
		}
		res, err := h(ctx, a)
		if err != nil {
			return errorResult(err), nil
		}
		return res, nil
	})
}

// guarded is implemented by argument structs that embed guard.Controls.
type guarded interface{ controls() guard.Controls }

// writeTool builds a mutating tool: plan validates the arguments, looks the
// targets up and describes the action; the guard decides whether and when it
// executes.
func writeTool[A any, PA interface {
	*A
	guarded
}](d *Deps, m meta, plan func(ctx context.Context, a *A) (*guard.Action, error)) Tool {
	schema := schemaOf[A]()
	v := newValidator(m.name, schema)
	return newTool(m, schema, false, func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		a := new(A)
		if err := v.bind(req, a); err != nil {
			return errorResult(err), nil
		}
		pre := canonicalArgs(a)
		act, err := plan(ctx, a)
		if err != nil {
			// A repeated call learns what became of its approved action even
			// when the tool would now refuse it (the order it resolved).
			if res, ok := d.Guard.Outcome(ctx, m.name, pre); ok {
				return res, nil
			}
			return errorResult(err), nil
		}
		act.Tool = m.name
		act.CustomerFacing = act.CustomerFacing || m.customer
		// What a human approves shows hidden characters instead of hiding
		// them: a bidi override cannot spoof an amount or a name.
		act.Preview = render.Visible(act.Preview)
		for i, w := range act.Warnings {
			act.Warnings[i] = render.Visible(w)
		}
		// The arguments as called bind a confirmation (pre); planning may
		// fill in defaults that depend on the moment (an order's date), kept
		// in Input so that an approved action executes as the human saw it.
		act.Input = canonicalArgs(a)
		if act.Args == nil {
			act.Args = pre
		}
		if d.Sandbox {
			markSandbox(act)
		}
		return d.Guard.Run(ctx, req, PA(a).controls(), act), nil
	})
}

// Sandbox marks: what the preview and the result of every mutation say when
// the server serves the sandbox, so that "Sent to Олена" never reads as real.
const (
	SandboxPreviewMark = "SANDBOX (demo data): nothing real will be sent or changed. "
	SandboxResultMark  = "SANDBOX (demo data): nothing real was sent or changed. "
)

// markSandbox prefixes the action's preview and its outcome with the sandbox
// marks.
func markSandbox(act *guard.Action) {
	act.Preview = SandboxPreviewMark + act.Preview
	exec := act.Execute
	act.Execute = func(ctx context.Context) (*guard.Outcome, error) {
		out, err := exec(ctx)
		if out != nil {
			out.Text = SandboxResultMark + out.Text
			out.Structured = withSandboxFlag(out.Structured)
		}
		return out, err
	}
}

// withSandboxFlag adds "sandbox": true to a result's structured content, for
// clients that show only that.
func withSandboxFlag(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil || m == nil {
		return map[string]any{"sandbox": true, "result": v}
	}
	m["sandbox"] = true
	return m
}

// controlsHolder is embedded by mutating tools' argument structs.
type controlsHolder struct {
	guard.Controls
}

func (c controlsHolder) controls() guard.Controls { return c.Controls }

// canonicalArgs is the arguments without the guard controls, as a map with
// sorted keys: what a confirmation binds to and the audit log records.
func canonicalArgs(a any) map[string]any {
	b, _ := json.Marshal(a)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	delete(m, "dry_run")
	delete(m, "confirm_token")
	return m
}

// bind validates the call's arguments against the schema, then decodes them.
func (v *validator) bind(req mcp.CallToolRequest, a any) error {
	raw := req.Params.Arguments
	if len(req.Params.RawArguments) > 0 {
		raw = req.Params.RawArguments
	}
	if err := v.check(raw); err != nil {
		return err
	}
	if raw == nil {
		return nil
	}
	if err := req.BindArguments(a); err != nil {
		return argErrorf("arguments do not match the tool's input schema: %v", err)
	}
	return nil
}

// Input schemas are reflected from the argument structs' invopop tags, by
// the tests (schemas_test.go), into schemas.json, which the binary embeds and
// serves verbatim: reflecting at start-up cost ~3 ms of a cold start and
// linked invopop/jsonschema, its ordered map and a YAML library into the
// binary. TestPrecomputedSchemasFresh fails when the file differs from what
// reflection gives (UPDATE_GOLDEN=1 rewrites it).
var (
	//go:embed schemas.json
	schemasJSON []byte
	precomputed = sync.OnceValue(func() map[string]json.RawMessage { return parseSchemas(schemasJSON) })

	// argTypes holds every argument struct a tool was built with (type key
	// -> reflect.Type), for the freshness test.
	argTypes sync.Map
	// reflectMissing, set by the tests only, reflects a struct that
	// schemas.json lacks, so that the tools build while the file is stale
	// and the freshness test can say so.
	reflectMissing func(reflect.Type) json.RawMessage
)

// parseSchemas reads schemas.json as the freshness test writes it: one
// `"key": {compact schema},` a line between "{" and "}". The schemas are
// slices of the embedded file, never copied.
func parseSchemas(b []byte) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	for line := range bytes.Lines(b) {
		k, v, ok := bytes.Cut(bytes.TrimRight(line, ",\n"), []byte(`": `))
		if !ok || len(k) < 2 || k[0] != '"' {
			continue
		}
		m[string(k[1:])] = json.RawMessage(v)
	}
	return m
}

// schemaOf returns A's input schema from schemas.json: flat, no $schema,
// $id, $defs or $ref, additionalProperties false, and always a properties
// object.
func schemaOf[A any]() json.RawMessage {
	t := reflect.TypeFor[A]()
	key := t.String()
	argTypes.Store(key, t)
	if b, ok := precomputed()[key]; ok {
		return b
	}
	if reflectMissing != nil {
		return reflectMissing(t)
	}
	panic("tools: tools/schemas.json has no input schema for " + key + ": run UPDATE_GOLDEN=1 go test ./tools/ -run TestPrecomputedSchemasFresh")
}

// Executor runs an action a human approved through the very tool that asked
// for it (guard.Executor): the tool plans it again, so what executes is
// checked against what the human saw.
func Executor(ts []Tool) guard.Executor {
	byName := make(map[string]Tool, len(ts))
	for _, t := range ts {
		byName[t.Tool.Name] = t
	}
	return func(ctx context.Context, name string, args json.RawMessage) *mcp.CallToolResult {
		t, ok := byName[name]
		if !ok {
			return mcp.NewToolResultError("the tool " + name + " is not served any more; nothing was sent")
		}
		var m map[string]any
		if err := json.Unmarshal(args, &m); err != nil {
			return mcp.NewToolResultError("the approved arguments cannot be read; nothing was sent")
		}
		var req mcp.CallToolRequest
		req.Params.Name, req.Params.Arguments, req.Params.RawArguments = name, m, args
		res, err := t.Handler(ctx, req)
		if err != nil {
			return mcp.NewToolResultError("the action failed: " + err.Error())
		}
		return res
	}
}
