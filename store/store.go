// Package store is verrijk's system of record: signals, subjects, purposes,
// jobs and tasks, entities with provenance, signal links, evidence, API
// tokens and the audit log. The index and the queue are projections of it:
// whatever they lose can be rebuilt from here.
//
// One implementation over database/sql serves SQLite (embedded default) and
// PostgreSQL (production); storetest holds the conformance suite both pass.
package store

import (
	"context"
	"errors"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
)

var (
	// ErrNotFound is returned when the requested row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict is returned when a row with the same key already exists.
	ErrConflict = errors.New("already exists")
)

// Job and task statuses (part of the external contract).
const (
	StatusQueued  = "queued"
	StatusRunning = "running"
	StatusDone    = "done"
	StatusPartial = "partial"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// Signal is an analyst's record of a suspected case of undermining.
type Signal struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	ExternalRef string    `json:"external_ref"`
	Team        string    `json:"team"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	// Status is open or closed (SignalOpen, SignalClosed).
	Status string `json:"status"`
	// Assignee is the team member a coordinator gave the signal to.
	Assignee string `json:"assignee"`
	// UpdatedAt is the last activity (an edit, a subject, an enrichment
	// request); the signal's own retention period runs from it.
	UpdatedAt        time.Time    `json:"updated_at"`
	ClosedAt         time.Time    `json:"closed_at,omitzero"`
	LastEnrichmentAt time.Time    `json:"last_enrichment_at,omitzero"`
	Subjects         []Subject    `json:"subjects"`
	Jobs             []JobSummary `json:"jobs"`
}

// Signal states.
const (
	SignalOpen   = "open"
	SignalClosed = "closed"
)

// SignalFilter selects signals for ListSignals; zero fields do not filter.
type SignalFilter struct {
	Team     string
	AnyTeam  bool // ignore Team (retention, auditors)
	Assignee string
	Status   string
	Limit    int // default 50, max 500
	Offset   int
}

// SignalChange is an edit of a signal; nil fields stay as they are.
type SignalChange struct {
	Title       *string
	Description *string
	ExternalRef *string
	Status      *string
	Assignee    *string
}

// Subject is a validated identifier attached to a signal.
type Subject struct {
	ID        string       `json:"id"`
	SignalID  string       `json:"signal_id"`
	Type      subject.Type `json:"type"`
	Value     string       `json:"value"`
	CreatedAt time.Time    `json:"created_at"`
}

// Purpose is a doelbinding: why data may be processed, on what legal basis,
// for how long, and from which sources.
type Purpose struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	LegalBasis         string   `json:"legal_basis"`
	ProcessingActivity string   `json:"processing_activity"`
	Retention          string   `json:"retention"` // ISO 8601 duration, e.g. P1Y
	AllowedSources     []string `json:"allowed_sources"`
	Description        string   `json:"description"`
	// CriminalOffenceData says whether the purpose permits processing
	// criminal-offence data (AVG art. 10, UAVG art. 33).
	CriminalOffenceData bool `json:"criminal_offence_data"`
	// Active false means retired: no new work (enrichment, search, entity
	// read) under it. CreatePurpose always stores a purpose active.
	Active bool `json:"active"`
	// Version starts at 1 and UpdatePurpose adds one; links record the
	// version they were made under.
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// JobSummary is a job as listed on its signal.
type JobSummary struct {
	ID        string    `json:"id"`
	PurposeID string    `json:"purpose_id"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// Job is one enrichment request: a signal, a purpose, a justification.
type Job struct {
	ID            string    `json:"id"`
	SignalID      string    `json:"signal_id"`
	PurposeID     string    `json:"purpose_id"`
	Justification string    `json:"justification"`
	RequestedBy   string    `json:"requested_by"`
	MaxDepth      int       `json:"max_depth"`
	Status        string    `json:"status"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Tasks         []Task    `json:"tasks"`
}

// Task is one (subject, source) lookup of a job. (JobID, Source,
// SubjectType, SubjectValue) is unique: a follow-up never repeats a lookup.
type Task struct {
	ID           string       `json:"id"`
	JobID        string       `json:"job_id"`
	Source       string       `json:"source"`
	SubjectType  subject.Type `json:"subject_type"`
	SubjectValue string       `json:"subject_value"`
	Depth        int          `json:"depth"`
	// OriginEntityID is the entity whose identifier this follow-up looks
	// up ("" for a subject the analyst entered), so what the lookup finds
	// can be related to it (a publication mentions it, a screening hit
	// concerns it).
	OriginEntityID string    `json:"origin_entity_id,omitempty"`
	Status         string    `json:"status"`
	Attempts       int       `json:"attempts"`
	Error          string    `json:"error"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Subject returns the task's subject.
func (t Task) Subject() subject.Subject {
	return subject.Subject{Type: t.SubjectType, Value: t.SubjectValue}
}

// Evidence is a raw source response kept as proof, addressed by SHA-256.
type Evidence struct {
	SHA256    string    `json:"sha256"`
	Source    string    `json:"source"`
	Kind      string    `json:"kind"`
	URL       string    `json:"url"`
	Status    int       `json:"status"`
	FetchedAt time.Time `json:"fetched_at"`
	JobID     string    `json:"job_id"`
	TaskID    string    `json:"task_id"`
	// Headers are the response headers that matter to read the body
	// later (see sources.EvidenceHeaders).
	Headers map[string]string `json:"headers"`
	Body    []byte            `json:"-"`
}

// Token is an API token; only the SHA-256 of the secret is stored. ID is
// the hash's first 12 hex digits: enough to name a token in a listing or a
// revocation, too little to help anyone guess it. A zero ExpiresAt never
// expires; a token expired or revoked is not found by TokenByHash.
type Token struct {
	Hash      string    `json:"-"`
	ID        string    `json:"id"`
	User      string    `json:"user"`
	Role      string    `json:"role"`
	Team      string    `json:"team"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// AuditEntry is one line of the processing log. Seq orders the entries;
// PrevHash and Hash chain them so that an edit or deletion is detectable.
type AuditEntry struct {
	Seq                int64     `json:"seq"`
	ID                 string    `json:"id"`
	Time               time.Time `json:"time"`
	ActorUser          string    `json:"actor_user"`
	ActorRole          string    `json:"actor_role"`
	Action             string    `json:"action"`
	ObjectType         string    `json:"object_type"`
	ObjectID           string    `json:"object_id"`
	PurposeID          string    `json:"purpose_id"`
	ProcessingActivity string    `json:"processing_activity"`
	Justification      string    `json:"justification"`
	Origin             string    `json:"origin"`
	Result             string    `json:"result"`
	Detail             string    `json:"detail"`
	TraceID            string    `json:"trace_id"`
	PrevHash           string    `json:"prev_hash"`
	Hash               string    `json:"hash"`
}

// SourceOverride is a source's settings as an admin set them at run time.
// Enabled false pauses the source: its tasks wait, nothing is asked.
type SourceOverride struct {
	Name        string    `json:"name"`
	Enabled     bool      `json:"enabled"`
	Rate        string    `json:"rate"`
	Concurrency int       `json:"concurrency"`
	UpdatedAt   time.Time `json:"updated_at"`
	UpdatedBy   string    `json:"updated_by"`
}

// SourceStat is a source's recent record, read from its tasks.
type SourceStat struct {
	Done        int       `json:"done"`
	Failed      int       `json:"failed"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
}

// ErrorRate is the share of ended lookups that failed, 0 when none ended.
func (s SourceStat) ErrorRate() float64 {
	if s.Done+s.Failed == 0 {
		return 0
	}
	return float64(s.Failed) / float64(s.Done+s.Failed)
}

// AuditHead is the audit chain's last entry at some moment.
type AuditHead struct {
	Seq        int64     `json:"seq"`
	Hash       string    `json:"hash"`
	RecordedAt time.Time `json:"recorded_at"`
}

// AuditFilter selects audit entries; zero fields do not filter.
type AuditFilter struct {
	Action    string
	ActorUser string
	ObjectID  string
	PurposeID string
	Since     time.Time
	Until     time.Time
	AfterSeq  int64
	// Mentions keeps entries whose object id is one of these, or whose
	// detail contains one (a data-subject report's processing log).
	Mentions []string
	Limit    int // default 100, max 1000
}

// Store is the system of record. Create* methods fill an empty ID with a new
// time-ordered UUID and set CreatedAt/UpdatedAt; they return what was stored.
type Store interface {
	// Migrate applies pending schema migrations.
	Migrate(ctx context.Context) error
	Close() error
	Ping(ctx context.Context) error
	// Atomic runs fn in one transaction (see store/atomic.go): a change
	// and its audit entry commit together or not at all.
	Atomic(ctx context.Context, fn func(tx Store) error) error
	// Resolution: lookup keys and person match decisions (resolution.go).
	Resolution

	CreateSignal(ctx context.Context, s Signal) (Signal, error)
	// GetSignal returns the signal with its subjects and job summaries.
	GetSignal(ctx context.Context, id string) (Signal, error)
	// AddSubject stores a subject; the same (type, value) twice on one
	// signal returns the existing subject.
	AddSubject(ctx context.Context, s Subject) (Subject, error)
	// ListSignals returns one page of signals (without subjects and jobs),
	// most recently active first, and how many match in all.
	ListSignals(ctx context.Context, f SignalFilter) ([]Signal, int, error)
	// UpdateSignal applies a change and returns the signal as stored now;
	// closing sets closed_at, reopening clears it. ErrNotFound if none.
	UpdateSignal(ctx context.Context, id string, c SignalChange) (Signal, error)
	// InactiveSignals returns ids of signals whose last activity is at or
	// before cutoff, oldest first: their own retention has passed.
	InactiveSignals(ctx context.Context, cutoff time.Time, limit int) ([]string, error)
	// PurgeSignal deletes a signal with its subjects, jobs, tasks and
	// links, and returns the links it deleted (their entities may now be
	// orphans for the retention sweep).
	PurgeSignal(ctx context.Context, id string) ([]entity.Link, error)

	// Data-subject rights (store/subjectdata.go): EntitiesContaining is a
	// candidate search by a word of an identifier; SubjectsByValue finds
	// the signals an identifier was entered on; DeleteSubjects and
	// DeleteEntityLinks serve an erasure (then DeleteEntities).
	EntitiesContaining(ctx context.Context, token string, limit int) ([]entity.Entity, error)
	SubjectsByValue(ctx context.Context, t subject.Type, value string) ([]Subject, error)
	DeleteSubjects(ctx context.Context, ids []string) (int, error)
	DeleteEntityLinks(ctx context.Context, ids []string) ([]entity.Link, error)
	// LinkExpiries and SignalActivitySummary are the retention overview
	// (store/retentionview.go): what expires when.
	LinkExpiries(ctx context.Context, soon time.Time) ([]PurposeExpiry, error)
	SignalActivitySummary(ctx context.Context, cutoff time.Time) (SignalActivity, error)

	CreatePurpose(ctx context.Context, p Purpose) (Purpose, error) // ErrConflict if the id exists; stored active, version 1
	UpdatePurpose(ctx context.Context, p Purpose) (Purpose, error) // ErrNotFound if it does not; version + 1
	GetPurpose(ctx context.Context, id string) (Purpose, error)
	ListPurposes(ctx context.Context) ([]Purpose, error)

	// CreateJob stores a job and its first tasks in one transaction.
	CreateJob(ctx context.Context, j Job, tasks []Task) (Job, error)
	// GetJob returns the job with all its tasks, oldest first.
	GetJob(ctx context.Context, id string) (Job, error)
	// GetJobHeader returns the job without its tasks (Tasks empty).
	GetJobHeader(ctx context.Context, id string) (Job, error)
	// TaskStatusCounts counts a job's tasks by status.
	TaskStatusCounts(ctx context.Context, jobID string) (map[string]int, error)
	// AddTasks adds follow-up tasks to a job, silently skipping any whose
	// (source, subject) the job already has; it returns the ones added.
	AddTasks(ctx context.Context, jobID string, tasks []Task) ([]Task, error)
	GetTask(ctx context.Context, id string) (Task, error)
	// UpdateTask sets a task's status, attempt count and error text.
	UpdateTask(ctx context.Context, id, status string, attempts int, errText string) error
	SetJobStatus(ctx context.Context, id, status string) error
	// UnfinishedTasks lists tasks still queued or running, of any job, so a
	// reconciler can put them back on the queue after a Redis loss.
	UnfinishedTasks(ctx context.Context, limit int) ([]Task, error)

	SaveEvidence(ctx context.Context, e Evidence) error
	GetEvidence(ctx context.Context, sha256 string) (Evidence, error)

	// UpsertEntity merges e into the stored entity with the same id (or
	// creates it) in one transaction and returns the merged result.
	UpsertEntity(ctx context.Context, e entity.Entity) (entity.Entity, error)
	// GetEntity returns the entity with all its signal links.
	GetEntity(ctx context.Context, id string) (entity.Entity, error)
	// Link ties an entity to a signal under a purpose; linking again updates
	// the job and moves expires_at to the later of the two.
	Link(ctx context.Context, l entity.Link) error
	// SignalEntities returns the entities linked to a signal under a purpose,
	// each with its links.
	SignalEntities(ctx context.Context, signalID, purposeID string) ([]entity.Entity, error)

	// ChangedEntities returns entities (with links) whose record or links
	// changed at or after since, oldest change first, at most limit, and
	// the change time of the last one: the feed the index projection reads.
	ChangedEntities(ctx context.Context, since time.Time, limit int) ([]entity.Entity, time.Time, error)

	// Retention (store/retention.go): the sweep deletes expired links,
	// then entities no link holds any more with the evidence only they
	// referenced, each step in one transaction.
	//
	// ExpiredLinks returns links whose expires_at is at or before now.
	ExpiredLinks(ctx context.Context, now time.Time, limit int) ([]entity.Link, error)
	// DeleteLinks deletes those links whose expiry is still no later than
	// the one given, touches their entities, and returns the deleted ones.
	DeleteLinks(ctx context.Context, links []entity.Link) ([]entity.Link, error)
	// OrphanEntities returns ids of entities without links, unchanged since
	// changedBefore.
	OrphanEntities(ctx context.Context, changedBefore time.Time, limit int) ([]string, error)
	// DeleteEntities deletes those of the entities that still have no link,
	// and the evidence no remaining entity's provenance names.
	DeleteEntities(ctx context.Context, ids []string) (Purged, error)

	// SourceStats returns, per source, its lookups ended since a moment and
	// its last success and last error (of any time).
	SourceStats(ctx context.Context, since time.Time) (map[string]SourceStat, error)

	// PutSourceOverride and SourceOverrides keep an admin's run-time
	// changes to a source (pause, rate, concurrency), which every process
	// follows.
	PutSourceOverride(ctx context.Context, o SourceOverride) error
	SourceOverrides(ctx context.Context) (map[string]SourceOverride, error)

	// SignalTeams returns the owning team of each existing signal among
	// ids ("" for none); ids naming no signal are left out. It enforces
	// need-to-know: a caller sees only its team's signals. (Search does
	// so by the team every link carries, see entity.Link.Team.)
	SignalTeams(ctx context.Context, ids []string) (map[string]string, error)

	CreateToken(ctx context.Context, t Token) error
	// TokenByHash returns ErrNotFound for a token expired or revoked too.
	TokenByHash(ctx context.Context, hash string) (Token, error)
	// ListTokens lists every token, revoked and expired ones included,
	// oldest first.
	ListTokens(ctx context.Context) ([]Token, error)
	// RevokeToken revokes the token with that ID (see Token.ID); revoking
	// again keeps the first revocation time. ErrNotFound for no such token.
	RevokeToken(ctx context.Context, id string) error

	// AppendAudit appends an entry, assigning Seq, ID, PrevHash and Hash
	// atomically, so concurrent writers in several processes keep one chain.
	AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error)
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
	// RecordAuditHead records the chain's last entry; AuditHeads lists
	// what was recorded, so a verifier can tell a cut-off tail.
	RecordAuditHead(ctx context.Context) (AuditHead, error)
	AuditHeads(ctx context.Context) ([]AuditHead, error)

	// Indicators (store/indicators.go): ReplaceIndicatorHits swaps a
	// signal's hits for new ones and records the run; IndicatorHits reads
	// hits back; StaleIndicatorSignals pages through the signals due for
	// evaluation (new rules version, or their data changed).
	ReplaceIndicatorHits(ctx context.Context, run IndicatorRun, hits []IndicatorHit) error
	IndicatorHits(ctx context.Context, f IndicatorFilter) ([]IndicatorHit, error)
	StaleIndicatorSignals(ctx context.Context, rulesVersion, after string, limit int) ([]string, error)
}
