// Package audit records every processing operation on (possibly personal)
// data: who did what to which object, under which purpose and justification,
// from where, and with what result. Entries go to the store's append-only,
// hash-chained audit table; a failed write fails the operation it records,
// because an unlogged processing operation is not allowed to happen.
package audit

import (
	"context"
	"fmt"

	"verrijk/store"
)

// Actions recorded in the log. The names are stable: auditors filter on them.
const (
	ActionSignalCreated       = "signal.created"
	ActionSubjectAdded        = "subject.added"
	ActionEnrichmentRequested = "enrichment.requested"
	ActionSourceQueried       = "source.queried"
	ActionEntityRead          = "entity.read"
	ActionSearch              = "search"
	ActionPurposeCreated      = "purpose.created"
	ActionPurposeChanged      = "purpose.changed"
	ActionSourceChanged       = "source.changed"
	ActionAuditRead           = "audit.read"
	ActionAccessDenied        = "access.denied"
	ActionAuditVerified       = "audit.verified"
	ActionTokenCreated        = "token.created"
	ActionTokenRevoked        = "token.revoked"
	ActionRetentionDeleted    = "retention.deleted"
	ActionSignalChanged       = "signal.changed"
	ActionSignalAssigned      = "signal.assigned"
	ActionSubjectReported     = "subject.reported" // a data-subject report was produced
	ActionSubjectErased       = "subject.erased"   // a data subject's data was erased
	ActionLogin               = "auth.login"       // a web session began (token or OIDC)
	ActionTokenUsed           = "auth.token_used"  // an API token was used (once per token and origin an hour)
	ActionAuthFailed          = "auth.failed"      // an unknown, expired or revoked token (once per origin a minute)
)

// Actions on person match decisions (api/candidates.go): an analyst
// decided whether two Person entities are one person, or took that back.
const (
	ActionMatchDecided  = "entity.match_decided"
	ActionMatchReversed = "entity.match_reversed"
)

// Results of an operation.
const (
	ResultOK     = "ok"
	ResultDenied = "denied"
	ResultFailed = "failed"
	ResultEmpty  = "empty" // the operation ran and found nothing
)

// Actor is the person (or worker) on whose behalf an operation runs.
type Actor struct {
	User   string
	Role   string
	Team   string
	Origin string // client address, or "worker:<host>/<pid>"
}

// Logger appends audit entries to the store.
type Logger struct {
	store store.Store
}

// New returns a Logger writing to s.
func New(s store.Store) *Logger { return &Logger{store: s} }

// Entry is what a caller says about one operation; the Logger adds the
// actor, time, sequence and chain hashes.
type Entry struct {
	Action             string
	ObjectType         string
	ObjectID           string
	PurposeID          string
	ProcessingActivity string
	Justification      string
	Result             string
	Detail             string
	TraceID            string
}

// Record appends one entry for actor.
func (l *Logger) Record(ctx context.Context, actor Actor, e Entry) (store.AuditEntry, error) {
	if e.Result == "" {
		e.Result = ResultOK
	}
	entry, err := l.store.AppendAudit(ctx, store.AuditEntry{
		ActorUser: actor.User, ActorRole: actor.Role, Origin: actor.Origin,
		Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID,
		PurposeID: e.PurposeID, ProcessingActivity: e.ProcessingActivity,
		Justification: e.Justification, Result: e.Result, Detail: e.Detail,
		TraceID: e.TraceID,
	})
	if err != nil {
		return entry, fmt.Errorf("writing audit entry %s: %w", e.Action, err)
	}
	return entry, nil
}

// In returns a Logger appending through tx, a Store bound to a transaction
// by store.Atomic, so that an entry commits with the change it records.
func (l *Logger) In(tx store.Store) *Logger { return &Logger{store: tx} }
