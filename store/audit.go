package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// auditLockKey is the PostgreSQL advisory lock that serialises appends to the
// audit chain across processes (an arbitrary constant, "verrijk" in ASCII).
const auditLockKey int64 = 0x7665727269_6a6b

const auditColumns = `seq, id, time, actor_user, actor_role, action, object_type, object_id, purpose_id,
	processing_activity, justification, origin, result, detail, trace_id, prev_hash, hash`

// AppendAudit links the entry to the head of the chain and stores it. Seq is
// the previous seq plus one, assigned under the chain lock, so the chain has
// no gaps and no forks however many processes append.
func (s *sqlStore) AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	e = cleanAudit(e)
	if e.ID == "" {
		e.ID = newID()
	}
	if e.Time.IsZero() {
		e.Time = now()
	}
	e.Time = normTime(e.Time)
	err := s.inTx(ctx, func(r runner) error {
		if s.d == dialectPostgres {
			if _, err := r.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, auditLockKey); err != nil {
				return fmt.Errorf("locking audit chain: %w", err)
			}
		}
		var last int64
		var prev string
		err := r.row(ctx, `SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1`).Scan(&last, &prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("reading audit head: %w", err)
		}
		e.Seq, e.PrevHash = last+1, prev
		e.Hash = e.ComputeHash()
		_, err = r.exec(ctx, `INSERT INTO audit_entries (`+auditColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, e.ID, s.d.timeArg(e.Time), e.ActorUser, e.ActorRole, e.Action, e.ObjectType, e.ObjectID,
			e.PurposeID, e.ProcessingActivity, e.Justification, e.Origin, e.Result, e.Detail, e.TraceID,
			e.PrevHash, e.Hash)
		if isUnique(err) {
			return fmt.Errorf("appending audit entry %s: %w", e.ID, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("appending audit entry: %w", err)
		}
		return nil
	})
	if err != nil {
		return AuditEntry{}, err
	}
	return e, nil
}

// cleanAudit cleans every text field, so both backends store (and hash)
// the same text.
func cleanAudit(e AuditEntry) AuditEntry {
	for _, p := range []*string{&e.ID, &e.ActorUser, &e.ActorRole, &e.Action, &e.ObjectType, &e.ObjectID,
		&e.PurposeID, &e.ProcessingActivity, &e.Justification, &e.Origin, &e.Result, &e.Detail, &e.TraceID} {
		*p = cleanText(*p)
	}
	return e
}

// cleanText makes s valid UTF-8 without NUL bytes: PostgreSQL rejects both
// in text and jsonb, and SQLite would keep them, so cleaning keeps the two
// backends identical for hostile input.
func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// ListAudit returns matching entries by ascending seq. Since is inclusive,
// Until exclusive; Limit defaults to 100 and is capped at 1000.
func (s *sqlStore) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.ActorUser != "" {
		add("actor_user = ?", f.ActorUser)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if f.PurposeID != "" {
		add("purpose_id = ?", f.PurposeID)
	}
	if !f.Since.IsZero() {
		add("time >= ?", s.d.timeArg(f.Since))
	}
	if !f.Until.IsZero() {
		add("time < ?", s.d.timeArg(f.Until))
	}
	if f.AfterSeq > 0 {
		add("seq > ?", f.AfterSeq)
	}
	if len(f.Mentions) > 0 {
		var or []string
		for _, m := range f.Mentions {
			if m == "" {
				continue
			}
			or = append(or, "object_id = ?", `detail LIKE ? ESCAPE '\'`)
			args = append(args, m, "%"+escapeLike(m)+"%")
		}
		if len(or) == 0 {
			return []AuditEntry{}, nil
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	q := `SELECT ` + auditColumns + ` FROM audit_entries`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY seq LIMIT ?`
	args = append(args, limit)

	rows, err := s.r().query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing audit entries: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var t dbTime
		if err := rows.Scan(&e.Seq, &e.ID, &t, &e.ActorUser, &e.ActorRole, &e.Action, &e.ObjectType, &e.ObjectID,
			&e.PurposeID, &e.ProcessingActivity, &e.Justification, &e.Origin, &e.Result, &e.Detail, &e.TraceID,
			&e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("listing audit entries: %w", err)
		}
		e.Time = t.T
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing audit entries: %w", err)
	}
	return out, nil
}

// escapeLike escapes LIKE wildcards so that s matches only itself.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
