-- +goose Up
-- Indicator hits: a rule from configs/indicators.yaml that found a warning
-- sign on an entity of a signal, under the purpose of the entity's link.
-- A hit hangs on that link (deleting the link, e.g. by retention, deletes
-- the hit), and keeps its rules version, title, explanation, weight, the
-- values that triggered it (JSON object) and their provenance (JSON list).
-- indicator_runs records each signal's last evaluation: the rules version,
-- when its data was read and how many links it had then. A new rules
-- version, an entity of the signal changed since, or a link gone makes the
-- signal due for evaluation again, also when it has no hits.
CREATE TABLE indicator_hits (
    signal_id      TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    purpose_id     TEXT NOT NULL,
    rule_id        TEXT NOT NULL,
    rule_version   TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    explanation    TEXT NOT NULL DEFAULT '',
    weight         INTEGER NOT NULL,
    schema         TEXT NOT NULL DEFAULT '',
    caption        TEXT NOT NULL DEFAULT '',
    trigger_values TEXT NOT NULL DEFAULT '{}',
    evidence       TEXT NOT NULL DEFAULT '[]',
    computed_at    TEXT NOT NULL,
    PRIMARY KEY (signal_id, purpose_id, entity_id, rule_id),
    FOREIGN KEY (signal_id, entity_id, purpose_id)
        REFERENCES signal_entity_links (signal_id, entity_id, purpose_id) ON DELETE CASCADE
);
CREATE INDEX indicator_hits_entity_idx ON indicator_hits (entity_id);
CREATE INDEX indicator_hits_link_idx ON indicator_hits (signal_id, entity_id, purpose_id);

CREATE TABLE indicator_runs (
    signal_id     TEXT PRIMARY KEY REFERENCES signals (id) ON DELETE CASCADE,
    rules_version TEXT NOT NULL,
    data_as_of    TEXT NOT NULL,
    link_count    INTEGER NOT NULL,
    computed_at   TEXT NOT NULL
);

-- +goose Down
DROP TABLE indicator_runs;
DROP TABLE indicator_hits;
