package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"verrijk/pipeline/entity"
)

// maxSignalPage caps one page of ListSignals.
const maxSignalPage = 500

func (s *sqlStore) ListSignals(ctx context.Context, f SignalFilter) ([]Signal, int, error) {
	var where []string
	var args []any
	if !f.AnyTeam {
		where, args = append(where, "s.team = ?"), append(args, f.Team)
	}
	if f.Assignee != "" {
		where, args = append(where, "s.assignee = ?"), append(args, f.Assignee)
	}
	if f.Status != "" {
		where, args = append(where, "s.status = ?"), append(args, f.Status)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	r := s.r()
	var total int
	if err := r.row(ctx, `SELECT COUNT(*) FROM signals s`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("counting signals: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, maxSignalPage)
	rows, err := r.query(ctx, `SELECT `+signalColumns+` FROM signals s`+cond+
		` ORDER BY s.updated_at DESC, s.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("listing signals: %w", err)
	}
	defer rows.Close()
	out := []Signal{}
	for rows.Next() {
		sig, err := scanSignal(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("listing signals: %w", err)
		}
		out = append(out, sig)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("listing signals: %w", err)
	}
	return out, total, nil
}

func (s *sqlStore) UpdateSignal(ctx context.Context, id string, c SignalChange) (Signal, error) {
	var out Signal
	err := s.inTx(ctx, func(r runner) error {
		cur, err := scanSignal(r.row(ctx, `SELECT `+signalColumns+` FROM signals s WHERE id = ?`+s.d.forUpdate(), id))
		if err != nil {
			return notFound(err, "reading signal "+id)
		}
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&cur.Title, c.Title)
		set(&cur.Description, c.Description)
		set(&cur.ExternalRef, c.ExternalRef)
		set(&cur.Assignee, c.Assignee)
		if c.Status != nil && *c.Status != cur.Status {
			cur.Status = *c.Status
			cur.ClosedAt = time.Time{}
			if cur.Status == SignalClosed {
				cur.ClosedAt = now()
			}
		}
		cur.UpdatedAt = now()
		if _, err := r.exec(ctx, `UPDATE signals SET title = ?, description = ?, external_ref = ?, assignee = ?,
			status = ?, closed_at = ?, updated_at = ? WHERE id = ?`,
			cur.Title, cur.Description, cur.ExternalRef, cur.Assignee, cur.Status, s.d.nullTimeArg(cur.ClosedAt),
			s.d.timeArg(cur.UpdatedAt), id); err != nil {
			return fmt.Errorf("updating signal %s: %w", id, err)
		}
		out = cur
		return nil
	})
	if err != nil {
		return Signal{}, err
	}
	out.Subjects, out.Jobs = []Subject{}, []JobSummary{}
	return out, nil
}

func (s *sqlStore) InactiveSignals(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	rows, err := s.r().query(ctx, `SELECT id FROM signals WHERE updated_at <= ? ORDER BY updated_at, id LIMIT ?`,
		s.d.timeArg(cutoff), limit)
	if err != nil {
		return nil, fmt.Errorf("listing inactive signals: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("listing inactive signals: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (s *sqlStore) PurgeSignal(ctx context.Context, id string) ([]entity.Link, error) {
	var links []entity.Link
	err := s.inTx(ctx, func(r runner) error {
		byEntity, err := s.links(ctx, r, "signal_id = ?", id)
		if err != nil {
			return err
		}
		for _, ls := range byEntity {
			links = append(links, ls...)
		}
		// Touch the linked entities so the index projection re-reads them
		// without this signal; the links, subjects, jobs and tasks go with
		// the signal (ON DELETE CASCADE).
		if _, err := r.exec(ctx, `UPDATE entities SET updated_at = ? WHERE id IN
			(SELECT entity_id FROM signal_entity_links WHERE signal_id = ?)`, s.d.timeArg(now()), id); err != nil {
			return fmt.Errorf("touching entities of signal %s: %w", id, err)
		}
		res, err := r.exec(ctx, `DELETE FROM signals WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("deleting signal %s: %w", id, err)
		}
		return affected(res, "deleting signal "+id)
	})
	slices.SortFunc(links, func(a, b entity.Link) int { return strings.Compare(a.EntityID+a.PurposeID, b.EntityID+b.PurposeID) })
	return links, err
}
