package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"verrijk/pipeline/subject"
)

// newID returns a time-ordered UUID (v7), so ids sort roughly by creation.
func newID() string {
	id, err := uuid.NewV7()
	if err != nil {
		// NewV7 fails only if the system's random source does.
		return uuid.NewString()
	}
	return id.String()
}

func (s *sqlStore) CreateSignal(ctx context.Context, sig Signal) (Signal, error) {
	if sig.ID == "" {
		sig.ID = newID()
	}
	sig.CreatedAt = now()
	sig.UpdatedAt = sig.CreatedAt
	sig.Status = SignalOpen
	_, err := s.r().exec(ctx, `INSERT INTO signals (id, title, description, external_ref, team, created_by, created_at,
		status, assignee, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sig.ID, sig.Title, sig.Description, sig.ExternalRef, sig.Team, sig.CreatedBy, s.d.timeArg(sig.CreatedAt),
		sig.Status, sig.Assignee, s.d.timeArg(sig.UpdatedAt))
	if isUnique(err) {
		return Signal{}, fmt.Errorf("creating signal %s: %w", sig.ID, ErrConflict)
	}
	if err != nil {
		return Signal{}, fmt.Errorf("creating signal: %w", err)
	}
	sig.Subjects, sig.Jobs = []Subject{}, []JobSummary{}
	return sig, nil
}

func (s *sqlStore) GetSignal(ctx context.Context, id string) (Signal, error) {
	r := s.r()
	sig, err := scanSignal(r.row(ctx, `SELECT `+signalColumns+` FROM signals s WHERE id = ?`, id))
	if err != nil {
		return Signal{}, notFound(err, "reading signal")
	}
	if sig.Subjects, err = s.subjects(ctx, r, id); err != nil {
		return Signal{}, err
	}
	if sig.Jobs, err = s.jobSummaries(ctx, r, id); err != nil {
		return Signal{}, err
	}
	return sig, nil
}

func (s *sqlStore) subjects(ctx context.Context, r runner, signalID string) ([]Subject, error) {
	return querySubjects(ctx, r, `signal_id = ? ORDER BY created_at, id`, signalID)
}

// querySubjects reads the subjects matching where (which may end in an
// ORDER BY).
func querySubjects(ctx context.Context, r runner, where string, args ...any) ([]Subject, error) {
	rows, err := r.query(ctx, `SELECT id, signal_id, type, value, created_at FROM subjects WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading subjects: %w", err)
	}
	defer rows.Close()
	out := []Subject{}
	for rows.Next() {
		var sub Subject
		var created dbTime
		if err := rows.Scan(&sub.ID, &sub.SignalID, &sub.Type, &sub.Value, &created); err != nil {
			return nil, fmt.Errorf("reading subjects: %w", err)
		}
		sub.CreatedAt = created.T
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading subjects: %w", err)
	}
	return out, nil
}

func (s *sqlStore) jobSummaries(ctx context.Context, r runner, signalID string) ([]JobSummary, error) {
	rows, err := r.query(ctx, `SELECT id, purpose_id, status, created_at FROM jobs
		WHERE signal_id = ? ORDER BY created_at, id`, signalID)
	if err != nil {
		return nil, fmt.Errorf("reading jobs of signal: %w", err)
	}
	defer rows.Close()
	out := []JobSummary{}
	for rows.Next() {
		var j JobSummary
		var created dbTime
		if err := rows.Scan(&j.ID, &j.PurposeID, &j.Status, &created); err != nil {
			return nil, fmt.Errorf("reading jobs of signal: %w", err)
		}
		j.CreatedAt = created.T
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading jobs of signal: %w", err)
	}
	return out, nil
}

func (s *sqlStore) AddSubject(ctx context.Context, sub Subject) (Subject, error) {
	if sub.ID == "" {
		sub.ID = newID()
	}
	sub.CreatedAt = now()
	var out Subject
	err := s.inTx(ctx, func(r runner) error {
		_, err := r.exec(ctx, `INSERT INTO subjects (id, signal_id, type, value, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (signal_id, type, value) DO NOTHING`,
			sub.ID, sub.SignalID, string(sub.Type), sub.Value, s.d.timeArg(sub.CreatedAt))
		if isForeignKey(err) {
			return fmt.Errorf("adding subject to signal %s: %w", sub.SignalID, ErrNotFound)
		}
		if isUnique(err) {
			return fmt.Errorf("adding subject %s: %w", sub.ID, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("adding subject: %w", err)
		}
		// Read back: the row is either ours or the one already there.
		var created dbTime
		var typ string
		err = r.row(ctx, `SELECT id, signal_id, type, value, created_at FROM subjects
			WHERE signal_id = ? AND type = ? AND value = ?`, sub.SignalID, string(sub.Type), sub.Value).
			Scan(&out.ID, &out.SignalID, &typ, &out.Value, &created)
		if err != nil {
			return notFound(err, "reading subject")
		}
		out.Type, out.CreatedAt = subject.Type(typ), created.T
		return s.touchSignal(ctx, r, sub.SignalID)
	})
	return out, err
}

// signalColumns are the columns scanSignal reads, for a query over
// signals aliased s; the last enrichment is the newest job's time.
const signalColumns = `s.id, s.title, s.description, s.external_ref, s.team, s.created_by, s.created_at,
	s.status, s.assignee, s.updated_at, s.closed_at,
	(SELECT MAX(j.created_at) FROM jobs j WHERE j.signal_id = s.id)`

type rowScanner interface{ Scan(dest ...any) error }

func scanSignal(row rowScanner) (Signal, error) {
	var sig Signal
	var created, updated, closed, enriched dbTime
	if err := row.Scan(&sig.ID, &sig.Title, &sig.Description, &sig.ExternalRef, &sig.Team, &sig.CreatedBy, &created,
		&sig.Status, &sig.Assignee, &updated, &closed, &enriched); err != nil {
		return Signal{}, err
	}
	sig.CreatedAt, sig.UpdatedAt, sig.ClosedAt, sig.LastEnrichmentAt = created.T, updated.T, closed.T, enriched.T
	return sig, nil
}

// touchSignal records activity on a signal: its retention restarts.
func (s *sqlStore) touchSignal(ctx context.Context, r runner, id string) error {
	if _, err := r.exec(ctx, `UPDATE signals SET updated_at = ? WHERE id = ?`, s.d.timeArg(now()), id); err != nil {
		return fmt.Errorf("touching signal %s: %w", id, err)
	}
	return nil
}
