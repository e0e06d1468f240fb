-- +goose Up
CREATE INDEX entities_updated_idx ON entities (updated_at, id);

-- +goose Down
DROP INDEX entities_updated_idx;
