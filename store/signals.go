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
	_, err := s.r().exec(ctx, `INSERT INTO signals (id, title, description, external_ref, team, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		sig.ID, sig.Title, sig.Description, sig.ExternalRef, sig.Team, sig.CreatedBy, s.d.timeArg(sig.CreatedAt))
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
	var sig Signal
	var created dbTime
	err := r.row(ctx, `SELECT id, title, description, external_ref, team, created_by, created_at
		FROM signals WHERE id = ?`, id).
		Scan(&sig.ID, &sig.Title, &sig.Description, &sig.ExternalRef, &sig.Team, &sig.CreatedBy, &created)
	if err != nil {
		return Signal{}, notFound(err, "reading signal")
	}
	sig.CreatedAt = created.T
	if sig.Subjects, err = s.subjects(ctx, r, id); err != nil {
		return Signal{}, err
	}
	if sig.Jobs, err = s.jobSummaries(ctx, r, id); err != nil {
		return Signal{}, err
	}
	return sig, nil
}

func (s *sqlStore) subjects(ctx context.Context, r runner, signalID string) ([]Subject, error) {
	rows, err := r.query(ctx, `SELECT id, signal_id, type, value, created_at FROM subjects
		WHERE signal_id = ? ORDER BY created_at, id`, signalID)
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
		return nil
	})
	return out, err
}
