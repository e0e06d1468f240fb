-- +goose Up
-- Entity resolution (pipeline/resolve). entity_keys holds the lookup keys
-- an entity can be found by when a later arrival lacks its strong
-- identifier ("rsin:857587973", "name:test bv donald", "person:…"), and
-- "ref:<id>" keys naming the entities it points at, so the graph can walk a
-- relation backwards. Keys go with their entity (retention).
CREATE TABLE entity_keys (
    lookup_key TEXT NOT NULL,
    entity_id  TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    schema     TEXT NOT NULL,
    PRIMARY KEY (lookup_key, entity_id)
);
CREATE INDEX entity_keys_entity_idx ON entity_keys (entity_id);

-- Persons are never merged on a name: an analyst decides whether two Person
-- entities are one person. entity_a is the smaller id (byte order, kept by
-- the store). Deleting the row reverses the decision; the audit log keeps
-- its history.
CREATE TABLE person_match_decisions (
    entity_a   TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    entity_b   TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    decision   TEXT NOT NULL CHECK (decision IN ('same', 'different')),
    reason     TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    team       TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (entity_a, entity_b),
    CHECK (entity_a <> entity_b)
);
CREATE INDEX person_match_decisions_b_idx ON person_match_decisions (entity_b);

-- +goose Down
DROP TABLE person_match_decisions;
DROP TABLE entity_keys;
