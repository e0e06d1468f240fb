-- +goose Up
-- Settings an admin changed at run time (PUT /api/v1/sources/{name}); a
-- source without a row runs on its configuration.
CREATE TABLE source_overrides (
    name        TEXT PRIMARY KEY,
    enabled     INTEGER NOT NULL,
    rate        TEXT NOT NULL,
    concurrency INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE source_overrides;
