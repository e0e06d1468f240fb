-- +goose Up
-- Evidence keeps the response headers that matter to read it later
-- (content type and language, dates, validators), as a JSON object.
ALTER TABLE evidence ADD COLUMN headers TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE evidence DROP COLUMN headers;
