package store

import (
	"context"
	"encoding/json"
	"fmt"
)

const purposeColumns = `id, name, legal_basis, processing_activity, retention, allowed_sources,
	description, criminal_offence_data, active, version, created_at, updated_at`

// CreatePurpose stores a new purpose, always active and at version 1: a
// purpose is retired by updating it, never born retired.
func (s *sqlStore) CreatePurpose(ctx context.Context, p Purpose) (Purpose, error) {
	if p.ID == "" {
		p.ID = newID()
	}
	p.Active, p.Version = true, 1
	p.CreatedAt = now()
	p.UpdatedAt = p.CreatedAt
	if p.AllowedSources == nil {
		p.AllowedSources = []string{}
	}
	sources, err := json.Marshal(p.AllowedSources)
	if err != nil {
		return Purpose{}, fmt.Errorf("encoding allowed sources: %w", err)
	}
	_, err = s.r().exec(ctx, `INSERT INTO purposes (`+purposeColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Name, p.LegalBasis, p.ProcessingActivity, p.Retention, string(sources),
		p.Description, p.CriminalOffenceData, p.Active, p.Version,
		s.d.timeArg(p.CreatedAt), s.d.timeArg(p.UpdatedAt))
	if isUnique(err) {
		return Purpose{}, fmt.Errorf("creating purpose %s: %w", p.ID, ErrConflict)
	}
	if err != nil {
		return Purpose{}, fmt.Errorf("creating purpose: %w", err)
	}
	return p, nil
}

// UpdatePurpose replaces the purpose's fields (Active included: false
// retires it), keeping its creation time and adding one to its version.
func (s *sqlStore) UpdatePurpose(ctx context.Context, p Purpose) (Purpose, error) {
	if p.AllowedSources == nil {
		p.AllowedSources = []string{}
	}
	sources, err := json.Marshal(p.AllowedSources)
	if err != nil {
		return Purpose{}, fmt.Errorf("encoding allowed sources: %w", err)
	}
	var out Purpose
	err = s.inTx(ctx, func(r runner) error {
		res, err := r.exec(ctx, `UPDATE purposes SET name = ?, legal_basis = ?, processing_activity = ?,
			retention = ?, allowed_sources = ?, description = ?, criminal_offence_data = ?, active = ?,
			version = version + 1, updated_at = ? WHERE id = ?`,
			p.Name, p.LegalBasis, p.ProcessingActivity, p.Retention, string(sources),
			p.Description, p.CriminalOffenceData, p.Active, s.d.timeArg(now()), p.ID)
		if err != nil {
			return fmt.Errorf("updating purpose: %w", err)
		}
		if err := affected(res, "updating purpose "+p.ID); err != nil {
			return err
		}
		out, err = scanPurpose(r.row(ctx, `SELECT `+purposeColumns+` FROM purposes WHERE id = ?`, p.ID))
		return err
	})
	return out, err
}

func (s *sqlStore) GetPurpose(ctx context.Context, id string) (Purpose, error) {
	return scanPurpose(s.r().row(ctx, `SELECT `+purposeColumns+` FROM purposes WHERE id = ?`, id))
}

func (s *sqlStore) ListPurposes(ctx context.Context) ([]Purpose, error) {
	rows, err := s.r().query(ctx, `SELECT `+purposeColumns+` FROM purposes ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("listing purposes: %w", err)
	}
	defer rows.Close()
	out := []Purpose{}
	for rows.Next() {
		p, err := scanPurpose(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing purposes: %w", err)
	}
	return out, nil
}

// scanner is what *sql.Row and *sql.Rows share.
type scanner interface{ Scan(dest ...any) error }

func scanPurpose(row scanner) (Purpose, error) {
	var p Purpose
	var sources string
	var created, updated dbTime
	err := row.Scan(&p.ID, &p.Name, &p.LegalBasis, &p.ProcessingActivity, &p.Retention, &sources,
		&p.Description, &p.CriminalOffenceData, &p.Active, &p.Version, &created, &updated)
	if err != nil {
		return Purpose{}, notFound(err, "reading purpose")
	}
	if err := json.Unmarshal([]byte(sources), &p.AllowedSources); err != nil {
		return Purpose{}, fmt.Errorf("decoding allowed sources of %s: %w", p.ID, err)
	}
	if p.AllowedSources == nil {
		p.AllowedSources = []string{}
	}
	p.CreatedAt, p.UpdatedAt = created.T, updated.T
	return p, nil
}
