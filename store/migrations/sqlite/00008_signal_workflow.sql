-- +goose Up
-- A signal has a workflow state (open, closed), an assignee within its
-- team (set by a coordinator) and a time of last activity, from which its
-- own retention period runs (retention.signal_period).
ALTER TABLE signals ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
ALTER TABLE signals ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
ALTER TABLE signals ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE signals ADD COLUMN closed_at TEXT;
UPDATE signals SET updated_at = created_at;
CREATE INDEX signals_updated_idx ON signals (updated_at);

-- +goose Down
DROP INDEX signals_updated_idx;
ALTER TABLE signals DROP COLUMN closed_at;
ALTER TABLE signals DROP COLUMN updated_at;
ALTER TABLE signals DROP COLUMN assignee;
ALTER TABLE signals DROP COLUMN status;
