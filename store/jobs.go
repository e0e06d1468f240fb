package store

import (
	"context"
	"fmt"
)

const taskColumns = `id, job_id, source, subject_type, subject_value, depth, status, attempts, error, created_at, updated_at, origin_entity_id`

// CreateJob stores the job and its first tasks; duplicate (source, subject)
// pairs among the tasks are stored once.
func (s *sqlStore) CreateJob(ctx context.Context, j Job, tasks []Task) (Job, error) {
	if j.ID == "" {
		j.ID = newID()
	}
	if j.Status == "" {
		j.Status = StatusQueued
	}
	j.CreatedAt = now()
	j.UpdatedAt = j.CreatedAt
	err := s.inTx(ctx, func(r runner) error {
		_, err := r.exec(ctx, `INSERT INTO jobs (id, signal_id, purpose_id, justification, requested_by, max_depth, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			j.ID, j.SignalID, j.PurposeID, j.Justification, j.RequestedBy, j.MaxDepth, j.Status,
			s.d.timeArg(j.CreatedAt), s.d.timeArg(j.UpdatedAt))
		switch {
		case isUnique(err):
			return fmt.Errorf("creating job %s: %w", j.ID, ErrConflict)
		case isForeignKey(err):
			return fmt.Errorf("creating job: signal %s or purpose %s: %w", j.SignalID, j.PurposeID, ErrNotFound)
		case err != nil:
			return fmt.Errorf("creating job: %w", err)
		}
		if j.Tasks, err = s.insertTasks(ctx, r, j.ID, tasks); err != nil {
			return err
		}
		return s.touchSignal(ctx, r, j.SignalID)
	})
	if err != nil {
		return Job{}, err
	}
	return j, nil
}

// insertTasks inserts the tasks the job does not have yet and returns them.
func (s *sqlStore) insertTasks(ctx context.Context, r runner, jobID string, tasks []Task) ([]Task, error) {
	added := []Task{}
	for _, t := range tasks {
		if t.ID == "" {
			t.ID = newID()
		}
		if t.Status == "" {
			t.Status = StatusQueued
		}
		t.JobID = jobID
		t.CreatedAt = now()
		t.UpdatedAt = t.CreatedAt
		res, err := r.exec(ctx, `INSERT INTO tasks (`+taskColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (job_id, source, subject_type, subject_value) DO NOTHING`,
			t.ID, t.JobID, t.Source, string(t.SubjectType), t.SubjectValue, t.Depth, t.Status, t.Attempts, t.Error,
			s.d.timeArg(t.CreatedAt), s.d.timeArg(t.UpdatedAt), t.OriginEntityID)
		if isUnique(err) {
			return nil, fmt.Errorf("adding task %s: %w", t.ID, ErrConflict)
		}
		if err != nil {
			return nil, fmt.Errorf("adding task: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, fmt.Errorf("adding task: %w", err)
		} else if n == 1 {
			added = append(added, t)
		}
	}
	return added, nil
}

func (s *sqlStore) GetJob(ctx context.Context, id string) (Job, error) {
	j, err := s.GetJobHeader(ctx, id)
	if err != nil {
		return Job{}, err
	}
	j.Tasks, err = s.listTasks(ctx, s.r(), `SELECT `+taskColumns+` FROM tasks WHERE job_id = ? ORDER BY created_at, id`, id)
	if err != nil {
		return Job{}, err
	}
	return j, nil
}

// GetJobHeader reads a job without its tasks: a worker handling one task
// of a large job needs the job's purpose and requester, not its other
// thousand tasks.
func (s *sqlStore) GetJobHeader(ctx context.Context, id string) (Job, error) {
	var j Job
	var created, updated dbTime
	err := s.r().row(ctx, `SELECT id, signal_id, purpose_id, justification, requested_by, max_depth, status, created_at, updated_at
		FROM jobs WHERE id = ?`, id).
		Scan(&j.ID, &j.SignalID, &j.PurposeID, &j.Justification, &j.RequestedBy, &j.MaxDepth, &j.Status, &created, &updated)
	if err != nil {
		return Job{}, notFound(err, "reading job")
	}
	j.CreatedAt, j.UpdatedAt = created.T, updated.T
	j.Tasks = []Task{}
	return j, nil
}

// TaskStatusCounts counts a job's tasks by status.
func (s *sqlStore) TaskStatusCounts(ctx context.Context, jobID string) (map[string]int, error) {
	rows, err := s.r().query(ctx, `SELECT status, COUNT(*) FROM tasks WHERE job_id = ? GROUP BY status`, jobID)
	if err != nil {
		return nil, fmt.Errorf("counting tasks of job %s: %w", jobID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("counting tasks of job %s: %w", jobID, err)
		}
		out[status] = n
	}
	return out, rows.Err()
}

func (s *sqlStore) AddTasks(ctx context.Context, jobID string, tasks []Task) ([]Task, error) {
	var added []Task
	err := s.inTx(ctx, func(r runner) error {
		var one int
		if err := r.row(ctx, `SELECT 1 FROM jobs WHERE id = ?`, jobID).Scan(&one); err != nil {
			return notFound(err, "adding tasks to job "+jobID)
		}
		var err error
		added, err = s.insertTasks(ctx, r, jobID, tasks)
		return err
	})
	return added, err
}

func (s *sqlStore) GetTask(ctx context.Context, id string) (Task, error) {
	t, err := scanTask(s.r().row(ctx, `SELECT `+taskColumns+` FROM tasks WHERE id = ?`, id))
	if err != nil {
		return Task{}, notFound(err, "reading task")
	}
	return t, nil
}

func (s *sqlStore) UpdateTask(ctx context.Context, id, status string, attempts int, errText string) error {
	res, err := s.r().exec(ctx, `UPDATE tasks SET status = ?, attempts = ?, error = ?, updated_at = ? WHERE id = ?`,
		status, attempts, errText, s.d.timeArg(now()), id)
	if err != nil {
		return fmt.Errorf("updating task: %w", err)
	}
	return affected(res, "updating task "+id)
}

func (s *sqlStore) SetJobStatus(ctx context.Context, id, status string) error {
	res, err := s.r().exec(ctx, `UPDATE jobs SET status = ?, updated_at = ? WHERE id = ?`,
		status, s.d.timeArg(now()), id)
	if err != nil {
		return fmt.Errorf("setting job status: %w", err)
	}
	return affected(res, "setting status of job "+id)
}

// UnfinishedTasks lists queued and running tasks, oldest first; limit <= 0
// means 1000.
func (s *sqlStore) UnfinishedTasks(ctx context.Context, limit int) ([]Task, error) {
	if limit <= 0 {
		limit = 1000
	}
	return s.listTasks(ctx, s.r(), `SELECT `+taskColumns+` FROM tasks WHERE status IN (?, ?)
		ORDER BY created_at, id LIMIT ?`, StatusQueued, StatusRunning, limit)
}

func (s *sqlStore) listTasks(ctx context.Context, r runner, query string, args ...any) ([]Task, error) {
	rows, err := r.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("listing tasks: %w", err)
	}
	defer rows.Close()
	out := []Task{}
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("listing tasks: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing tasks: %w", err)
	}
	return out, nil
}

func scanTask(row scanner) (Task, error) {
	var t Task
	var created, updated dbTime
	err := row.Scan(&t.ID, &t.JobID, &t.Source, &t.SubjectType, &t.SubjectValue, &t.Depth, &t.Status,
		&t.Attempts, &t.Error, &created, &updated, &t.OriginEntityID)
	t.CreatedAt, t.UpdatedAt = created.T, updated.T
	return t, err
}
