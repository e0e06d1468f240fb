-- +goose Up
-- The audit chain's head, recorded now and then: a verifier that finds the
-- chain shorter than a recorded head, or a different hash at its sequence
-- number, knows entries were cut off or rewritten.
CREATE TABLE audit_heads (
    seq         BIGINT PRIMARY KEY,
    hash        TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE audit_heads;
