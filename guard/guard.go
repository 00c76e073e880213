// Package guard is the one gate every mutating tool passes through: dry runs,
// human confirmation (MCP elicitation) or preview-and-confirm tokens, a
// duplicate guard and a send budget for customer-facing actions, and an
// append-only audit log. Nothing reaches a customer or changes data by
// accident.
package guard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// Mode is how a mutation gets confirmed.
type Mode string

// Confirmation modes.
const (
	// ModeAuto elicits when the client declares elicitation, else asks for
	// approval on the approval page.
	ModeAuto Mode = "auto"
	// ModeElicit asks the human through MCP elicitation before every mutation.
	ModeElicit Mode = "elicit"
	// ModePage answers with a preview and a link to the approval page, where
	// only a human approves; the model cannot.
	ModePage Mode = "page"
	// ModePreview answers the first call with a preview and a confirm_token;
	// the identical call with that token executes. The model can confirm its
	// own actions: for trusted automations only.
	ModePreview Mode = "preview"
	// ModeOff executes at once (trusted automations); still audited.
	ModeOff Mode = "off"
)

// ParseMode validates a mode name.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case ModeAuto, ModeElicit, ModePage, ModePreview, ModeOff:
		return m, nil
	case "":
		return ModeAuto, nil
	}
	return "", fmt.Errorf("unknown confirmation mode %q (want auto, elicit, page, preview or off)", s)
}

// Defaults for Config fields left zero.
const (
	DefaultTokenTTL        = 5 * time.Minute
	DefaultDuplicateWindow = 10 * time.Minute
	DefaultMaxSendsPerHour = 60
)

// Config configures a Guard.
type Config struct {
	Mode Mode
	// Key signs confirm tokens (LEELOO_CONFIRM_KEY) so that several server
	// processes agree; random per process when empty.
	Key []byte
	// TokenTTL is how long a confirm token stays valid.
	TokenTTL time.Duration
	// DuplicateWindow is how long an identical customer-facing action is
	// refused without allow_duplicate.
	DuplicateWindow time.Duration
	// MaxSendsPerHour caps customer-facing actions; 0 means the default,
	// negative means unlimited.
	MaxSendsPerHour int
	// Audit receives one JSON line per mutation outcome; nil disables it.
	Audit io.Writer
	// ReadOnly refuses every mutation (defence in depth behind --read-only,
	// which already removes the tools).
	ReadOnly bool
	// ErrorResult maps an upstream error to the result the model sees.
	ErrorResult func(err error) *mcp.CallToolResult
	// Logger reports audit-log write failures; slog.Default when nil.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// ApprovalURL returns the approval page's link for a pending action,
	// starting the page on first use; nil means no approval page.
	ApprovalURL func(id string) (string, error)
	// ApprovalTTL is how long an action waits for approval;
	// DefaultApprovalTTL when zero.
	ApprovalTTL time.Duration
	// Store holds what must hold across processes and restarts: spent
	// tokens, duplicate-guard entries, the send budget, pending approvals.
	// A fresh memory store when nil. Any store error refuses the mutation.
	Store Store
	// Tenant selects the state namespace (hashed); "" is the default tenant.
	Tenant string
	// SendLease is how long an in-flight send may take before a duplicate is
	// told it may have been delivered; DefaultSendLease when zero.
	SendLease time.Duration
	// TenantLabel names the tenant in audit records: a keyed hash of its
	// token on a team server, never the token.
	TenantLabel string
	// Observe, when set, sees every outcome the audit log records (metrics).
	Observe func(AuditRecord)
	// DeferApproved makes an approval on the page only mark the action
	// approved: the asker's next identical call executes it, once. A team
	// server needs it: the process serving the page may not hold the
	// tenant's Leeloo token (it is never stored).
	DeferApproved bool
	// IDPrefix starts every pending action's id (a team server puts the
	// tenant there, so a page finds the action's namespace).
	IDPrefix string
}

// Guard gates mutations. It is safe for concurrent use.
type Guard struct {
	mode     Mode
	readOnly bool
	tokens   *tokens
	dedupe   *dedupe
	budget   *budget
	pending  *PendingStore
	audit    *auditLog
	errorRes func(error) *mcp.CallToolResult
	logger   *slog.Logger
	now      func() time.Time

	approvals   *approvals
	approvalURL func(id string) (string, error)
	executor    Executor
	tenant      string
	observe     func(AuditRecord)
	deferred    bool
}

// New builds a Guard.
func New(cfg Config) (*Guard, error) {
	mode, err := ParseMode(string(cfg.Mode))
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	ttl := cfg.TokenTTL
	if ttl <= 0 {
		ttl = DefaultTokenTTL
	}
	store := cfg.Store
	if store == nil {
		store = NewMemoryStore(now)
	}
	ns := Namespace(cfg.Tenant)
	tk, err := newTokens(cfg.Key, ttl, now, store, ns)
	if err != nil {
		return nil, err
	}
	lease := cfg.SendLease
	if lease <= 0 {
		lease = DefaultSendLease
	}
	win := cfg.DuplicateWindow
	if win <= 0 {
		win = DefaultDuplicateWindow
	}
	max := cfg.MaxSendsPerHour
	if max == 0 {
		max = DefaultMaxSendsPerHour
	}
	g := &Guard{
		mode:     mode,
		readOnly: cfg.ReadOnly,
		tokens:   tk,
		dedupe:   &dedupe{store: store, ns: ns, window: win, lease: lease},
		budget:   &budget{store: store, ns: ns, max: max},
		pending:  &PendingStore{store: store, ns: ns, now: now},
		audit:    &auditLog{w: cfg.Audit},
		errorRes: cfg.ErrorResult,
		logger:   cfg.Logger,
		now:      now,

		approvals:   newApprovals(&PendingStore{store: store, ns: ns, now: now}, cfg.ApprovalTTL, now),
		approvalURL: cfg.ApprovalURL,
		tenant:      cfg.TenantLabel,
		observe:     cfg.Observe,
		deferred:    cfg.DeferApproved,
	}
	g.approvals.idPrefix = cfg.IDPrefix
	if g.logger == nil {
		g.logger = slog.Default()
	}
	if g.errorRes == nil {
		g.errorRes = func(err error) *mcp.CallToolResult { return mcp.NewToolResultError(err.Error()) }
	}
	return g, nil
}

// Mode returns the configured confirmation mode.
func (g *Guard) Mode() Mode { return g.mode }

// Controls are the guard arguments every mutating tool accepts.
type Controls struct {
	DryRun       bool   `json:"dry_run,omitempty"`
	ConfirmToken string `json:"confirm_token,omitempty"`
}

// DuplicateControl is accepted by tools with a duplicate guard.
type DuplicateControl struct {
	AllowDuplicate bool `json:"allow_duplicate,omitempty"`
}

// Action is one mutation a tool wants to perform.
type Action struct {
	// Tool is the tool name; Args the canonical arguments without guard
	// controls (bound into the confirm token and written to the audit log).
	Tool string
	Args any
	// Input is the tool's own arguments without guard controls, from which
	// an approved action is planned again; Args when nil.
	Input any
	// Preview says in plain words what will happen: recipient and channel,
	// the exact text, amounts, tag and tunnel names.
	Preview string
	// Warnings are what will likely fail or surprise.
	Warnings []string
	// CustomerFacing marks actions that reach a customer (send budget).
	CustomerFacing bool
	// DuplicateKey identifies identical actions for the duplicate guard; empty
	// disables it.
	DuplicateKey   string
	AllowDuplicate bool
	// Execute performs the mutation once.
	Execute func(ctx context.Context) (*Outcome, error)
}

// Outcome is what an executed mutation returns.
type Outcome struct {
	Text       string
	Structured any
	// IDs are the upstream ids created or changed.
	IDs map[string]string
}

const elicitKey = "confirm"

// Run passes a through the guard and returns the tool result.
func (g *Guard) Run(ctx context.Context, req mcp.CallToolRequest, c Controls, a *Action) *mcp.CallToolResult {
	canon, err := json.Marshal(a.Args)
	if err != nil {
		return mcp.NewToolResultError("cannot encode the arguments: " + err.Error())
	}
	rec := AuditRecord{Tool: a.Tool, Args: a.Args, Mode: string(g.mode), Customer: a.CustomerFacing}
	if g.readOnly {
		return g.refuse(ctx, rec, "the server runs read-only (--read-only); no change can be made")
	}
	if c.DryRun {
		rec.Mode, rec.Outcome = "dry_run", OutcomeDryRun
		g.log(ctx, rec)
		return g.previewResult(a, "DRY RUN: nothing was sent or changed.", "")
	}
	if id, ok := ctx.Value(approvedKey{}).(string); ok {
		return g.runApproved(ctx, id, canon, a, rec)
	}
	mode := g.mode
	if mode == ModeAuto {
		// An MCP Apps host shows the approval card in the chat (the page's
		// link stays as a fallback); else a dialog; else the page.
		mode = ModePage
		if clientElicits(ctx) && !ClientShowsApps(ctx) {
			mode = ModeElicit
		}
	}
	rec.Mode = string(mode)
	switch mode {
	case ModeElicit:
		return g.runElicit(ctx, req, canon, a, rec)
	case ModePage:
		return g.runPage(ctx, canon, a, rec)
	case ModePreview:
		if c.ConfirmToken == "" {
			if r := g.precheck(ctx, a); r != "" {
				return g.refuse(ctx, rec, r)
			}
			tok, exp := g.tokens.issue(a.Tool, canon)
			rec.Outcome = OutcomePreview
			g.log(ctx, rec)
			return g.previewResult(a, fmt.Sprintf(
				"NOT SENT YET. Show this preview to the user. Only if they agree, call %s again with identical arguments plus confirm_token (valid until %s, single use).",
				a.Tool, exp.UTC().Format("15:04:05 UTC")), tok)
		}
		if err := g.tokens.consume(ctx, c.ConfirmToken, a.Tool, canon); err != nil {
			var se *StoreError
			if errors.As(err, &se) {
				return g.refuse(ctx, rec, storeReason(err))
			}
			return g.refuse(ctx, rec, err.Error()+". Nothing was sent; call without confirm_token for a new preview.")
		}
	}
	return g.execute(ctx, a, rec)
}

// runElicit asks the human, through the client, before executing.
func (g *Guard) runElicit(ctx context.Context, req mcp.CallToolRequest, canon []byte, a *Action, rec AuditRecord) *mcp.CallToolResult {
	answer := server.ElicitationResponse(req.Params.InputResponses, elicitKey)
	if answer == nil {
		if !clientElicits(ctx) {
			return g.refuse(ctx, rec, "this client cannot show confirmation dialogs (no MCP elicitation); nothing was sent. Restart the server with --confirm auto to approve on the approval page instead.")
		}
		if r := g.precheck(ctx, a); r != "" {
			return g.refuse(ctx, rec, r)
		}
		tok, _ := g.tokens.issue(a.Tool, canon)
		rec.Outcome = OutcomeAsked
		g.log(ctx, rec)
		return server.NewInputRequestBuilder(tok).Elicit(elicitKey, mcp.ElicitationParams{
			Mode:    mcp.ElicitationModeForm,
			Message: elicitMessage(a),
			RequestedSchema: map[string]any{
				"type": "object",
				"properties": map[string]any{
					"confirm": map[string]any{"type": "boolean", "title": "Yes, do it", "description": "Tick to allow exactly this action."},
				},
				"required": []string{"confirm"},
			},
		}).ToolResult()
	}
	// The answer must belong to this very call: the request state is the
	// token issued for these arguments.
	if err := g.tokens.consume(ctx, req.Params.RequestState, a.Tool, canon); err != nil {
		var se *StoreError
		if errors.As(err, &se) {
			return g.refuse(ctx, rec, storeReason(err))
		}
		if errors.Is(err, ErrTokenExpired) {
			return g.refuse(ctx, rec, "the confirmation expired: the answer came back after more than "+render.Duration(g.tokens.ttl)+"; nothing was sent. Ask again if the user still wants it.")
		}
		return g.refuse(ctx, rec, "the confirmation does not match this call: "+err.Error()+". Nothing was sent.")
	}
	switch answer.Action {
	case mcp.ElicitationResponseActionAccept:
		content, _ := answer.Content.(map[string]any)
		if ok, _ := content["confirm"].(bool); !ok {
			rec.Outcome, rec.Reason = OutcomeDeclined, "the user did not tick confirm"
			g.log(ctx, rec)
			return mcp.NewToolResultError("The user did not confirm. Nothing was sent or changed.")
		}
		return g.execute(ctx, a, rec)
	case mcp.ElicitationResponseActionDecline:
		rec.Outcome = OutcomeDeclined
		g.log(ctx, rec)
		return mcp.NewToolResultError("The user declined. Nothing was sent or changed; do not retry unless they ask.")
	default:
		rec.Outcome = OutcomeCancelled
		g.log(ctx, rec)
		// Some clients answer "cancel" without ever showing the dialog: the
		// user can still approve on the page.
		if g.approvalURL != nil {
			if p, _, err := g.approvals.ask(ctx, a, canon); err == nil && p.State == PendingWaiting {
				if link, err := g.approvalURL(p.ID); err == nil {
					return mcp.NewToolResultError("The confirmation was cancelled (or the client could not show it). Nothing was sent or changed. " +
						"If the user wants it, they can approve it here (you cannot approve it for them): " + link)
				}
			}
		}
		return mcp.NewToolResultError("The user cancelled the confirmation. Nothing was sent or changed.")
	}
}

// precheck refuses early what execute would refuse anyway, so nobody is asked
// to approve an action that cannot run. It only reads the store.
func (g *Guard) precheck(ctx context.Context, a *Action) string {
	now := g.now()
	if a.DuplicateKey != "" && !a.AllowDuplicate {
		if why, err := g.dedupe.refusal(ctx, a.Tool, hashKey(a.DuplicateKey), now); err != nil || why != "" {
			return reasonOr(why, err)
		}
	}
	if a.CustomerFacing {
		if why, err := g.budget.refusal(ctx, now); err != nil || why != "" {
			return reasonOr(why, err)
		}
	}
	return ""
}

// execute applies the duplicate guard and the send budget, writes the
// intent record, runs the action once and audits the outcome before
// returning. Every store or audit failure before the call refuses it.
func (g *Guard) execute(ctx context.Context, a *Action, rec AuditRecord) *mcp.CallToolResult {
	now := g.now()
	var claim *dupClaim
	if a.DuplicateKey != "" {
		c, e, err := g.dedupe.claim(ctx, hashKey(a.DuplicateKey), now, a.AllowDuplicate)
		if err != nil {
			return g.refuse(ctx, rec, storeReason(err))
		}
		if c == nil {
			return g.refuse(ctx, rec, duplicateReason(a.Tool, e, now))
		}
		claim = c
	}
	// release undoes the claims of an action certainly not sent. Failing,
	// the claim stays in flight (then uncertain) and the slot taken: safe.
	slot := ""
	release := func() {
		if claim != nil {
			if err := g.dedupe.settle(context.WithoutCancel(ctx), claim, g.now(), settleReleased); err != nil {
				g.logger.Warn("state store: releasing a duplicate-guard claim failed", "tool", a.Tool, "err", err)
			}
		}
		if err := g.budget.give(context.WithoutCancel(ctx), slot); err != nil {
			g.logger.Warn("state store: giving back a budget slot failed", "tool", a.Tool, "err", err)
		}
	}
	if a.CustomerFacing {
		id, free, ok, err := g.budget.take(ctx, now)
		if err != nil || !ok {
			release()
			if err != nil {
				return g.refuse(ctx, rec, storeReason(err))
			}
			return g.refuse(ctx, rec, g.budget.reason(free, now))
		}
		slot = id
	}
	// Fail closed: no upstream call without its intent record.
	intent := rec
	intent.Outcome, intent.Time = OutcomeIntent, g.now().UTC()
	if err := g.audit.write(intent); err != nil {
		release()
		g.logger.Error("audit log write failed; mutation refused", "tool", rec.Tool, "err", err)
		return mcp.NewToolResultError("Refused: the audit log (--audit-log) cannot be written (" + err.Error() + "); nothing was sent or changed. Tell the user: the server's audit log needs fixing (disk full or not writable) before any change can be made.")
	}
	out, err := a.Execute(ctx)
	if err != nil {
		uncertain := MaybeDelivered(err)
		if uncertain {
			if claim != nil {
				if serr := g.dedupe.settle(context.WithoutCancel(ctx), claim, g.now(), settleUncertain); serr != nil {
					g.logger.Warn("state store: recording an uncertain send failed; it stays in flight", "tool", a.Tool, "err", serr)
				}
			}
		} else {
			release()
		}
		rec.Outcome, rec.Error = OutcomeFailed, err.Error()
		g.log(ctx, rec)
		res := g.errorRes(err)
		if uncertain && a.CustomerFacing {
			res.Content = append(res.Content, mcp.NewTextContent(g.dedupe.uncertainNote()))
		}
		return res
	}
	if claim != nil {
		if serr := g.dedupe.settle(context.WithoutCancel(ctx), claim, g.now(), settleDelivered); serr != nil {
			g.logger.Warn("state store: recording a delivered send failed; it stays in flight", "tool", a.Tool, "err", serr)
		}
	}
	rec.Outcome, rec.IDs = OutcomeExecuted, out.IDs
	g.log(ctx, rec)
	text := out.Text
	for _, w := range a.Warnings { // shown again: with --confirm off there was no preview
		text += "\nWarning: " + w
	}
	res := &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(text)}}
	if out.Structured != nil {
		res.StructuredContent = out.Structured
	}
	return res
}

// MaybeDelivered reports whether a failed write may nevertheless have taken
// effect upstream; leeloo.MaybeDelivered is the one answer.
func MaybeDelivered(err error) bool { return leeloo.MaybeDelivered(err) }

func (g *Guard) refuse(ctx context.Context, rec AuditRecord, reason string) *mcp.CallToolResult {
	rec.Outcome, rec.Reason = OutcomeRefused, reason
	g.log(ctx, rec)
	return mcp.NewToolResultError("Refused: " + reason)
}

func (g *Guard) log(ctx context.Context, rec AuditRecord) {
	rec.Time = g.now().UTC()
	if rec.User == "" {
		rec.User = UserFrom(ctx)
	}
	rec.Tenant = g.tenant
	if slot, ok := ctx.Value(outcomeKey{}).(*string); ok {
		*slot = rec.Outcome
	}
	if g.observe != nil {
		g.observe(rec)
	}
	// The action's outcome stands; a lost audit line is reported, never
	// silent (the arguments stay out of the log).
	if err := g.audit.write(rec); err != nil {
		g.logger.Error("audit log write failed", "tool", rec.Tool, "outcome", rec.Outcome, "err", err)
	}
}

func (g *Guard) previewResult(a *Action, headline, token string) *mcp.CallToolResult {
	var b strings.Builder
	b.WriteString(headline)
	b.WriteString("\n\n")
	b.WriteString(a.Preview)
	for _, w := range a.Warnings {
		b.WriteString("\nWarning: " + w)
	}
	sc := map[string]any{"preview": a.Preview, "executed": false}
	if len(a.Warnings) > 0 {
		sc["warnings"] = a.Warnings
	}
	if token != "" {
		b.WriteString("\nconfirm_token: " + token)
		sc["confirm_token"] = token
	}
	return &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(b.String())}, StructuredContent: sc}
}

func elicitMessage(a *Action) string {
	var b strings.Builder
	b.WriteString(a.Preview)
	for _, w := range a.Warnings {
		b.WriteString("\nWarning: " + w)
	}
	return b.String()
}

// clientElicits reports whether the client behind ctx can be asked: it
// declared elicitation and, before protocol 2026-07-28, its session can carry
// the request (mcp-go's legacy SSE sessions cannot).
func clientElicits(ctx context.Context) bool {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		return info.ClientCapabilities != nil && info.ClientCapabilities.Elicitation != nil
	}
	sess := server.ClientSessionFromContext(ctx)
	if _, ok := sess.(server.SessionWithElicitation); !ok {
		return false
	}
	s, ok := sess.(server.SessionWithClientInfo)
	return ok && s.GetClientCapabilities().Elicitation != nil
}
