package guard

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// DefaultApprovalTTL is how long an action waits for a human on the
// approval page before it expires.
const DefaultApprovalTTL = 10 * time.Minute

// approvalKeep is how long a settled action stays on record, so the model
// can learn its outcome by calling the same tool again.
const approvalKeep = 30 * time.Minute

// PendingState is where an action waiting for approval stands.
type PendingState string

// Pending states. Waiting is the only state a human can act on; running,
// executed, failed, rejected and expired are final or on their way to it.
const (
	PendingWaiting PendingState = "waiting"
	// PendingApproved: approved on the page, executed by the asker's next
	// identical call (Config.DeferApproved).
	PendingApproved PendingState = "approved"
	PendingRunning  PendingState = "running"
	PendingExecuted PendingState = "executed"
	PendingFailed   PendingState = "failed"
	PendingRejected PendingState = "rejected"
	PendingExpired  PendingState = "expired"
)

// Pending is an action that waits for a human's approval on the approval
// page (or approval card), or what became of it.
type Pending struct {
	// ID is unguessable (128 random bits): it is the approval link.
	ID   string
	Tool string
	// Args are the canonical arguments the approval binds to; Input the
	// tool's arguments it is executed from.
	Args, Input json.RawMessage
	// Preview and Warnings are what the human approves, cleaned by the tool.
	Preview  string
	Warnings []string
	// CustomerFacing actions reach a customer.
	CustomerFacing bool
	Created        time.Time
	Expires        time.Time
	State          PendingState
	// Result is what happened, in the words the model and the human see;
	// Structured the executed result's structured content (created ids).
	Result     string
	Structured json.RawMessage `json:",omitempty"`
	// Channel is how it was decided ("page", "card", "elicitation"); By who decided,
	// where known.
	Channel, By string
	// RequestedBy is the user whose call asked for it (users file), where
	// known: on a team server only they, or an approver, may decide it.
	RequestedBy string `json:",omitempty"`
	Settled     time.Time
}

// Approvals errors.
var (
	ErrNoSuchAction   = errors.New("no such action: the link is wrong, or the action expired and was removed")
	ErrActionSettled  = errors.New("this action was already decided")
	ErrActionExpired  = errors.New("this action expired before it was approved; nothing was sent")
	ErrNoApprovalPage = errors.New("the approval page is not available in this server")
)

// Executor runs a tool with arguments on behalf of an approval: the guard
// uses it to execute an approved action through the very tool (which plans
// it again) rather than from a stored closure, so an approval can be acted
// on by a process other than the one that asked.
type Executor func(ctx context.Context, tool string, args json.RawMessage) *mcp.CallToolResult

// approvals holds the actions waiting for a human, in the guard's store:
// an action asked for in one process can be approved on a page served by
// another, and executes once whichever approves first.
type approvals struct {
	ps       *PendingStore
	ttl      time.Duration
	now      func() time.Time
	idPrefix string
}

func newApprovals(ps *PendingStore, ttl time.Duration, now func() time.Time) *approvals {
	if ttl <= 0 {
		ttl = DefaultApprovalTTL
	}
	return &approvals{ps: ps, ttl: ttl, now: now}
}

func actionKey(tool string, canon []byte) string { return hashKey(tool + "\x00" + string(canon)) }

// Records are stored under their id; "key:" entries map an action (tool and
// canonical arguments) to the id of its newest record.
const actionIndex = "key:"

// record is a Pending as stored, with the bytes it was read as (for
// compare-and-swap).
type record struct {
	Pending
	Key string `json:"key"`
	raw []byte
}

func (s *approvals) read(ctx context.Context, id string) (*record, error) {
	raw, ok, err := s.ps.Get(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	var r record
	if json.Unmarshal(raw, &r) != nil {
		return nil, nil
	}
	r.raw = raw
	// A waiting action past its time is expired, whoever looks.
	if r.State == PendingWaiting && s.now().After(r.Expires) {
		r.State, r.Settled, r.Result = PendingExpired, r.Expires, "Expired before anyone approved it. Nothing was sent or changed."
	}
	return &r, nil
}

// keep is how long a record stays in the store: its wait plus the time its
// outcome is reported.
func (s *approvals) keep(r *record) time.Duration {
	return r.Expires.Sub(s.now()) + approvalKeep
}

// find returns the newest record of the action when it is still waiting or
// was decided recently (so a repeated call learns its fate), and the index
// entry it was found under.
func (s *approvals) find(ctx context.Context, a *Action, canon []byte) (*Pending, []byte, error) {
	idRaw, ok, err := s.ps.Get(ctx, actionIndex+actionKey(a.Tool, canon))
	if err != nil || !ok {
		return nil, nil, err
	}
	r, err := s.read(ctx, string(idRaw))
	if err != nil || r == nil || r.State == PendingExpired {
		return nil, idRaw, err
	}
	return &r.Pending, idRaw, nil
}

// ask returns the action's record (find), or a new waiting one.
func (s *approvals) ask(ctx context.Context, a *Action, canon []byte) (Pending, bool, error) {
	found, idRaw, err := s.find(ctx, a, canon)
	if err != nil || found != nil {
		if found == nil {
			return Pending{}, false, err
		}
		return *found, false, err
	}
	return s.create(ctx, a, canon, idRaw)
}

// create stores a new waiting record for the action; idRaw is the index
// entry it replaces.
func (s *approvals) create(ctx context.Context, a *Action, canon, idRaw []byte) (Pending, bool, error) {
	now := s.now()
	key := actionKey(a.Tool, canon)
	input := actionInput(a, slices.Clone(canon))
	r := &record{Key: key, Pending: Pending{
		ID: s.idPrefix + rand.Text(), Tool: a.Tool, Args: json.RawMessage(slices.Clone(canon)), Input: input,
		Preview: a.Preview, Warnings: slices.Clone(a.Warnings), CustomerFacing: a.CustomerFacing,
		Created: now, Expires: now.Add(s.ttl), State: PendingWaiting, RequestedBy: UserFrom(ctx),
	}}
	raw, _ := json.Marshal(r)
	if err := s.ps.Put(ctx, r.ID, raw, s.keep(r)); err != nil {
		return Pending{}, false, err
	}
	// The index points at the newest record; a lost race only means two
	// records for one action, each decided on its own.
	if _, err := s.ps.Update(ctx, actionIndex+key, idRaw, []byte(r.ID), s.keep(r)); err != nil {
		return Pending{}, false, err
	}
	return r.Pending, true, nil
}

// get returns the record id.
func (s *approvals) get(ctx context.Context, id string) (Pending, bool, error) {
	if strings.HasPrefix(id, actionIndex) {
		return Pending{}, false, nil
	}
	r, err := s.read(ctx, id)
	if err != nil || r == nil {
		return Pending{}, false, err
	}
	return r.Pending, true, nil
}

// list returns every record, newest first.
func (s *approvals) list(ctx context.Context) ([]Pending, error) {
	es, err := s.ps.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Pending, 0, len(es))
	for _, e := range es {
		if strings.HasPrefix(e.ID, actionIndex) {
			continue
		}
		if r, err := s.read(ctx, e.ID); err == nil && r != nil {
			out = append(out, r.Pending)
		}
	}
	slices.SortFunc(out, func(a, b Pending) int { return b.Created.Compare(a.Created) })
	return out, nil
}

// transition moves record id from a state in from to the state change
// gives it, atomically: of concurrent transitions exactly one wins; the
// others get the record as it then is and ErrActionSettled.
func (s *approvals) transition(ctx context.Context, id string, from PendingState, change func(*Pending)) (Pending, error) {
	for range 8 {
		r, err := s.read(ctx, id)
		switch {
		case err != nil:
			return Pending{}, err
		case r == nil:
			return Pending{}, ErrNoSuchAction
		case r.State == PendingExpired && from == PendingWaiting:
			return r.Pending, ErrActionExpired
		case r.State != from:
			return r.Pending, ErrActionSettled
		}
		old := r.raw
		change(&r.Pending)
		raw, _ := json.Marshal(r)
		ok, err := s.ps.Update(ctx, id, old, raw, s.keep(r))
		if err != nil {
			return Pending{}, err
		}
		if ok {
			return r.Pending, nil
		}
	}
	return Pending{}, ErrStoreContended
}

// claim moves a waiting action to running: the first claim wins, whichever
// channel or process it comes from.
func (s *approvals) claim(ctx context.Context, id, channel, by string) (Pending, error) {
	return s.transition(ctx, id, PendingWaiting, func(p *Pending) { p.State, p.Channel, p.By = PendingRunning, channel, by })
}

// settle records the outcome of a running action.
func (s *approvals) settle(ctx context.Context, id string, state PendingState, result string) Pending {
	p, _ := s.transition(ctx, id, PendingRunning, func(p *Pending) { p.State, p.Result, p.Settled = state, result, s.now() })
	return p
}

// running returns the record id if it is being executed right now.
func (s *approvals) running(ctx context.Context, id string) (Pending, bool) {
	r, err := s.read(ctx, id)
	if err != nil || r == nil || r.State != PendingRunning {
		return Pending{}, false
	}
	return r.Pending, true
}

type approvedKey struct{}

// approvedContext marks ctx as the execution of the approved action id.
func approvedContext(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, approvedKey{}, id)
}

// SetExecutor sets how approved actions are executed; the server wires it
// to its own tools once they are built.
func (g *Guard) SetExecutor(e Executor) { g.executor = e }

// PendingAction returns the action id, as the approval page shows it.
func (g *Guard) PendingAction(ctx context.Context, id string) (Pending, bool, error) {
	return g.approvals.get(ctx, id)
}

// PendingActions returns every action waiting or recently decided, newest
// first.
func (g *Guard) PendingActions(ctx context.Context) ([]Pending, error) { return g.approvals.list(ctx) }

// Approve executes the waiting action id once, whichever channel approves it
// first; by names the approver where known. A second approval, an expired
// action or an unknown id executes nothing.
func (g *Guard) Approve(ctx context.Context, id, channel, by string) (Pending, error) {
	if g.deferred {
		return g.approvals.transition(ctx, id, PendingWaiting, func(p *Pending) { p.State, p.Channel, p.By = PendingApproved, channel, by })
	}
	if g.executor == nil {
		return Pending{}, ErrNoApprovalPage
	}
	p, err := g.approvals.claim(ctx, id, channel, by)
	if err != nil {
		return p, err
	}
	res := g.executor(approvedContext(ctx, id), p.Tool, p.Input)
	p, _ = g.recordOutcome(ctx, p, res)
	return p, nil
}

// recordOutcome settles the running action p with what its execution
// answered: executed, or failed when res is an error (or nil). The action
// ran whatever happens here; a record that cannot be written is logged.
func (g *Guard) recordOutcome(ctx context.Context, p Pending, res *mcp.CallToolResult) (Pending, PendingState) {
	state := PendingExecuted
	if res == nil || res.IsError {
		state = PendingFailed
	}
	var sc json.RawMessage
	if res != nil && res.StructuredContent != nil {
		sc, _ = json.Marshal(res.StructuredContent)
	}
	settled, err := g.approvals.transition(ctx, p.ID, PendingRunning, func(p *Pending) {
		p.State, p.Result, p.Structured, p.Settled = state, pendingResultText(res), sc, g.now()
	})
	if err != nil {
		g.logger.Error("approval outcome not recorded", "tool", p.Tool, "err", err)
	}
	return settled, state
}

// Reject discards the waiting action id: nothing is sent.
func (g *Guard) Reject(ctx context.Context, id, channel, by string) (Pending, error) {
	p, err := g.approvals.claim(ctx, id, channel, by)
	if err != nil {
		return p, err
	}
	g.log(ctx, AuditRecord{Tool: p.Tool, Args: json.RawMessage(p.Args), Mode: channel, Outcome: OutcomeDeclined, Reason: "rejected on the " + channel + " by " + orSomeone(by), Customer: p.CustomerFacing, User: p.RequestedBy, Approver: by})
	return g.approvals.settle(ctx, id, PendingRejected, "Rejected by "+orSomeone(by)+". Nothing was sent or changed."), nil
}

func orSomeone(by string) string {
	if by == "" {
		return "the user"
	}
	return by
}

// pendingResultText is a tool result's text.
func pendingResultText(res *mcp.CallToolResult) string {
	if res == nil {
		return "The action returned nothing."
	}
	var b strings.Builder
	for _, c := range res.Content {
		if t, ok := c.(mcp.TextContent); ok {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

// Outcome returns what became of the action tool(args) when it was decided
// recently, so that a repeated call learns it even where the tool would now
// refuse the arguments (an order this very action resolved). Nothing while
// the action waits, or inside the execution of an approval.
func (g *Guard) Outcome(ctx context.Context, tool string, args any) (*mcp.CallToolResult, bool) {
	if g == nil {
		return nil, false
	}
	if _, ok := ctx.Value(approvedKey{}).(string); ok {
		return nil, false
	}
	canon, err := json.Marshal(args)
	if err != nil {
		return nil, false
	}
	p, _, err := g.approvals.find(ctx, &Action{Tool: tool}, canon)
	if err != nil || p == nil || p.State == PendingWaiting {
		return nil, false
	}
	return g.statusResult(*p), true
}

// actionInput is the tool arguments an action is executed from, as stored
// in its pending record.
func actionInput(a *Action, canon []byte) json.RawMessage {
	if a.Input != nil {
		if b, err := json.Marshal(a.Input); err == nil {
			return b
		}
	}
	return canon
}

// runApproved executes an action the approval page approved, if it is still
// exactly what the human saw.
func (g *Guard) runApproved(ctx context.Context, id string, canon []byte, a *Action, rec AuditRecord) *mcp.CallToolResult {
	p, ok := g.approvals.running(ctx, id)
	rec.Mode = "page"
	if ok {
		rec.Mode = p.Channel
	}
	switch {
	case !ok:
		return g.refuse(ctx, rec, "the approval is not for an action being executed now; nothing was sent")
	case p.Tool != a.Tool || string(p.Input) != string(actionInput(a, canon)):
		return g.refuse(ctx, rec, "the approval was for another action; nothing was sent")
	case p.Preview != a.Preview:
		return g.refuse(ctx, rec, "what would happen changed since it was approved (now: "+a.Preview+"); nothing was sent. Ask the model to prepare it again.")
	}
	rec.Approver = p.By
	if rec.User == "" { // executed from the page: the call was the asker's
		rec.User = p.RequestedBy
	}
	return g.execute(ctx, a, rec)
}

// runPage asks for approval on the approval page: the model gets the
// preview and the link to show the user, never a way to approve.
func (g *Guard) runPage(ctx context.Context, canon []byte, a *Action, rec AuditRecord) *mcp.CallToolResult {
	if g.approvalURL == nil {
		return g.refuse(ctx, rec, "this server has no approval page, so nothing can be approved; nothing was sent")
	}
	found, idRaw, err := g.approvals.find(ctx, a, canon)
	if err != nil {
		return g.refuse(ctx, rec, storeReason(err))
	}
	if found != nil && found.State == PendingApproved {
		return g.runDeferred(ctx, *found, canon, a, rec)
	}
	if found != nil && found.State != PendingWaiting {
		return g.statusResult(*found)
	}
	p, created := Pending{}, false
	if found != nil {
		p = *found
	} else {
		// Nobody is asked to approve what would be refused anyway.
		if r := g.precheck(ctx, a); r != "" {
			return g.refuse(ctx, rec, r)
		}
		if p, created, err = g.approvals.create(ctx, a, canon, idRaw); err != nil {
			return g.refuse(ctx, rec, storeReason(err))
		}
	}
	link, err := g.approvalURL(p.ID)
	if err != nil {
		return g.refuse(ctx, rec, "the approval page could not be started ("+err.Error()+"); nothing was sent")
	}
	if created {
		rec.Outcome, rec.Reason = OutcomeAsked, "waiting on the approval page"
		g.log(ctx, rec)
	}
	return g.withCard(ctx, g.waitingResult(a, p, link), p.ID)
}

// runDeferred executes an action approved on the page (DeferApproved) on
// the asker's identical call: of concurrent calls, on any replica, the first
// to move it from approved to running executes it; the others are told it
// is running or what became of it.
func (g *Guard) runDeferred(ctx context.Context, p Pending, canon []byte, a *Action, rec AuditRecord) *mcp.CallToolResult {
	p2, err := g.approvals.transition(ctx, p.ID, PendingApproved, func(p *Pending) { p.State = PendingRunning })
	if errors.Is(err, ErrActionSettled) {
		return g.statusResult(p2)
	}
	if err != nil {
		return g.refuse(ctx, rec, storeReason(err))
	}
	rec.Mode, rec.Approver = p2.Channel, p2.By
	// Executed from what the human approved (its stored input, planned
	// again and checked against the preview they saw), within this call,
	// which carries the tenant's credentials.
	var res *mcp.CallToolResult
	if g.executor == nil {
		res = g.refuse(ctx, rec, "this server cannot execute approved actions; nothing was sent")
	} else {
		res = g.executor(approvedContext(ctx, p.ID), p2.Tool, p2.Input)
	}
	_, state := g.recordOutcome(context.WithoutCancel(ctx), p, res)
	if state == PendingExecuted && res != nil && len(res.Content) > 0 {
		res.Content = append([]mcp.Content{mcp.NewTextContent("Approved by " + orSomeone(p2.By) + " on the approval page; executed now.")}, res.Content...)
	}
	return res
}

// waitingResult tells the model the action waits for the user, with the
// link to show them.
func (g *Guard) waitingResult(a *Action, p Pending, link string) *mcp.CallToolResult {
	head := fmt.Sprintf("NOT SENT YET: waiting for the user's approval (until %s). Show the user this link and ask them to open it and approve or reject:\n%s\n"+
		"You cannot approve it for them, and nothing you call will. To learn the outcome, call %s again with identical arguments.",
		p.Expires.UTC().Format("15:04 UTC"), link, a.Tool)
	res := g.previewResult(a, head, "")
	if sc, ok := res.StructuredContent.(map[string]any); ok {
		sc["approval_url"] = link
		sc["state"] = string(p.State)
	}
	return res
}

// statusResult tells the model what became of an action it asked for.
func (g *Guard) statusResult(p Pending) *mcp.CallToolResult {
	var head string
	switch p.State {
	case PendingExecuted:
		head = "Approved by " + orSomeone(p.By) + " and executed at " + p.Settled.UTC().Format("15:04 UTC") + ". Do not call it again unless the user asks for another one."
	case PendingRunning:
		head = "Approved; it is being executed right now. Call again in a moment for the outcome."
	case PendingApproved:
		head = "Approved by " + orSomeone(p.By) + "; call the same tool again with identical arguments to execute it (once)."
	case PendingRejected:
		head = "Rejected by " + orSomeone(p.By) + ". Nothing was sent or changed; do not retry unless the user asks."
	case PendingFailed:
		head = "Approved, but it failed. Nothing more will happen unless the user asks again."
	}
	text := head
	if p.Result != "" && p.State != PendingRejected {
		text += "\n\n" + p.Result
	}
	sc := map[string]any{}
	if len(p.Structured) > 0 {
		_ = json.Unmarshal(p.Structured, &sc)
	}
	sc["state"], sc["executed"] = string(p.State), p.State == PendingExecuted
	res := &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(text)}, StructuredContent: sc}
	res.IsError = p.State == PendingFailed
	return res
}
