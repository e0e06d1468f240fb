package rights

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/resolve"
	"verrijk/pipeline/subject"
	"verrijk/store"
)

// maxLogEntries caps the processing log one report carries; maxReferring
// the entities listed as pointing at one entity of the identifier.
const (
	maxLogEntries = 10000
	maxReferring  = 5000
)

// Report is everything verrijk holds on one identifier.
type Report struct {
	Identifier  string    `json:"identifier"`
	GeneratedAt time.Time `json:"generated_at"`
	GeneratedBy string    `json:"generated_by"`
	// Entities are about the identifier itself; Referring entities name
	// one of them (a company at an address). Both with provenance and
	// signal links.
	Entities  []entity.Entity `json:"entities"`
	Referring []entity.Entity `json:"referring"`
	// Subjects are the places the identifier was entered on a signal.
	Subjects []store.Subject `json:"subjects"`
	Signals  []SignalRef     `json:"signals"`
	Purposes []PurposeRef    `json:"purposes"`
	Sources  []string        `json:"sources"`
	Evidence []EvidenceRef   `json:"evidence"`
	// ProcessingLog is every audit entry about the identifier or one of
	// the entities, oldest first.
	ProcessingLog []store.AuditEntry `json:"processing_log"`
	LogTruncated  bool               `json:"log_truncated,omitempty"`
}

// SignalRef is a signal that holds the identifier or one of its entities.
type SignalRef struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Team   string `json:"team"`
	Status string `json:"status"`
}

// PurposeRef is a purpose data on the identifier was processed under.
type PurposeRef struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	LegalBasis         string `json:"legal_basis"`
	ProcessingActivity string `json:"processing_activity"`
	Retention          string `json:"retention"`
}

// EvidenceRef is one stored source answer the entities came from.
type EvidenceRef struct {
	SHA256    string    `json:"sha256"`
	Source    string    `json:"source"`
	URL       string    `json:"url"`
	FetchedAt time.Time `json:"fetched_at"`
	Stored    bool      `json:"stored"` // false: already removed
}

// Find returns the entities about sub and those referring to them.
func Find(ctx context.Context, st store.Store, sub subject.Subject) (about, referring []entity.Entity, err error) {
	word := searchWord(sub)
	if word == "" {
		return nil, nil, fmt.Errorf("identifier %s has no letters or digits to search for", sub)
	}
	candidates, err := st.EntitiesContaining(ctx, word, 0)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, e := range candidates {
		if isAbout(sub, e) {
			about = append(about, e)
			ids = append(ids, e.ID)
		}
	}
	if len(ids) == 0 {
		return about, nil, nil
	}
	// Who points at them: the ref: lookup keys stored with every entity
	// (pipeline/resolve; `verrijk reindex` writes them for older ones).
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = resolve.RefKey(id)
	}
	byKey, err := st.EntitiesByKeys(ctx, "", keys, maxReferring)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	var refIDs []string
	for _, k := range keys {
		for _, id := range byKey[k] {
			if !seen[id] {
				seen[id] = true
				refIDs = append(refIDs, id)
			}
		}
	}
	refs, err := st.GetEntities(ctx, refIDs)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range refs {
		if refersTo(e, ids) {
			referring = append(referring, e)
		}
	}
	return about, referring, nil
}

// Build assembles the report on sub.
func Build(ctx context.Context, st store.Store, sub subject.Subject, by string, now time.Time) (Report, error) {
	rep := Report{Identifier: sub.String(), GeneratedAt: now.UTC(), GeneratedBy: by,
		Entities: []entity.Entity{}, Referring: []entity.Entity{}, Signals: []SignalRef{}, Purposes: []PurposeRef{},
		Sources: []string{}, Evidence: []EvidenceRef{}, ProcessingLog: []store.AuditEntry{}}
	about, referring, err := Find(ctx, st, sub)
	if err != nil {
		return rep, err
	}
	rep.Entities = append(rep.Entities, about...)
	rep.Referring = append(rep.Referring, referring...)
	if rep.Subjects, err = st.SubjectsByValue(ctx, sub.Type, sub.Value); err != nil {
		return rep, err
	}

	signalIDs := map[string]bool{}
	purposeIDs := map[string]bool{}
	sources := map[string]bool{}
	evidence := map[string]EvidenceRef{}
	for _, s := range rep.Subjects {
		signalIDs[s.SignalID] = true
	}
	for _, e := range rep.Entities {
		for _, l := range e.Signals {
			signalIDs[l.SignalID] = true
			purposeIDs[l.PurposeID] = true
		}
		for _, p := range e.Provenance {
			sources[p.Source] = true
			evidence[p.SHA256] = EvidenceRef{SHA256: p.SHA256, Source: p.Source, URL: p.URL, FetchedAt: p.FetchedAt}
		}
	}
	for _, id := range sortedKeys(signalIDs) {
		sig, err := st.GetSignal(ctx, id)
		if err != nil {
			continue // purged meanwhile
		}
		rep.Signals = append(rep.Signals, SignalRef{ID: sig.ID, Title: sig.Title, Team: sig.Team, Status: sig.Status})
		for _, j := range sig.Jobs {
			purposeIDs[j.PurposeID] = true
		}
	}
	for _, id := range sortedKeys(purposeIDs) {
		p, err := st.GetPurpose(ctx, id)
		if err != nil {
			continue
		}
		rep.Purposes = append(rep.Purposes, PurposeRef{ID: p.ID, Name: p.Name, LegalBasis: p.LegalBasis,
			ProcessingActivity: p.ProcessingActivity, Retention: p.Retention})
	}
	rep.Sources = sortedKeys(sources)
	for _, h := range sortedKeys(evidence) {
		ref := evidence[h]
		_, err := st.GetEvidence(ctx, h)
		ref.Stored = err == nil
		rep.Evidence = append(rep.Evidence, ref)
	}
	rep.ProcessingLog, rep.LogTruncated, err = processingLog(ctx, st, sub, rep.Entities)
	return rep, err
}

// processingLog reads the audit entries naming the identifier (as a
// subject, a query or a value in a detail) or one of the entities.
func processingLog(ctx context.Context, st store.Store, sub subject.Subject, ents []entity.Entity) ([]store.AuditEntry, bool, error) {
	mentions := []string{sub.String(), sub.Value}
	for _, e := range ents {
		mentions = append(mentions, e.ID)
	}
	out := []store.AuditEntry{}
	var after int64
	for {
		page, err := st.ListAudit(ctx, store.AuditFilter{Mentions: mentions, AfterSeq: after, Limit: 1000})
		if err != nil {
			return nil, false, err
		}
		out = append(out, page...)
		if len(out) >= maxLogEntries {
			return out[:maxLogEntries], true, nil
		}
		if len(page) < 1000 {
			return out, false, nil
		}
		after = page[len(page)-1].Seq
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Summary is a one-line account of a report, for the audit log: counts
// and ids, never the values themselves.
func (r Report) Summary() string {
	ids := make([]string, 0, len(r.Entities))
	for _, e := range r.Entities {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	return fmt.Sprintf("entities=%d referring=%d subjects=%d signals=%d evidence=%d log=%d ids=%s",
		len(r.Entities), len(r.Referring), len(r.Subjects), len(r.Signals), len(r.Evidence), len(r.ProcessingLog),
		strings.Join(ids, ","))
}
