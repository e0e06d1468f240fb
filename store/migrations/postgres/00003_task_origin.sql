-- +goose Up
ALTER TABLE tasks ADD COLUMN origin_entity_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE tasks DROP COLUMN origin_entity_id;
