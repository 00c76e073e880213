package guard

import (
	"encoding/json"
	"io"
	"strings"
	"sync"
	"time"
)

// AuditRecord is one line of the audit log.
type AuditRecord struct {
	Time     time.Time         `json:"time"`
	Tool     string            `json:"tool"`
	Args     any               `json:"args,omitempty"`
	Mode     string            `json:"mode"`
	Outcome  string            `json:"outcome"`
	Reason   string            `json:"reason,omitempty"`
	IDs      map[string]string `json:"ids,omitempty"`
	Error    string            `json:"error,omitempty"`
	Customer bool              `json:"customer_facing,omitempty"`
	// Approver is who approved on the approval page, where known.
	Approver string `json:"approver,omitempty"`
	// User is who asked (a name from the users file), where known; Tenant
	// the keyed hash of the Leeloo token the action ran under, on a team
	// server (--credentials per-request).
	User   string `json:"user,omitempty"`
	Tenant string `json:"tenant,omitempty"`
}

// Audit outcomes.
const (
	// OutcomeIntent is written and synced before the upstream call: a
	// process killed while Leeloo handles the write leaves it behind.
	OutcomeIntent    = "intent"
	OutcomeExecuted  = "executed"
	OutcomeFailed    = "failed"
	OutcomeRefused   = "refused"
	OutcomeDeclined  = "declined"
	OutcomeCancelled = "cancelled"
	OutcomePreview   = "preview"
	OutcomeDryRun    = "dry_run"
	OutcomeAsked     = "asked"
)

// auditLog appends JSON lines; each Write reaches the file before the tool
// result returns.
type auditLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (a *auditLog) write(r AuditRecord) error {
	if a == nil || a.w == nil {
		return nil
	}
	r.Args = redact(r.Args)
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.w.Write(b); err != nil {
		return err
	}
	if s, ok := a.w.(interface{ Sync() error }); ok {
		return s.Sync()
	}
	return nil
}

// redact drops values whose key names a secret.
func redact(args any) any {
	b, err := json.Marshal(args)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return args
	}
	for k := range m {
		lk := strings.ToLower(k)
		if strings.Contains(lk, "token") || strings.Contains(lk, "password") || strings.Contains(lk, "secret") {
			m[k] = "[redacted]"
		}
	}
	return m
}
