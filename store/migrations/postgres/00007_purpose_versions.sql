-- +goose Up
-- A purpose says whether it permits criminal-offence data (AVG art. 10),
-- can be retired (active false: no new work under it) and counts its
-- versions; a link records the version it was made under, so an auditor
-- can tell which terms applied. Links made before this migration say 0.
ALTER TABLE purposes ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE purposes ADD COLUMN criminal_offence_data BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE purposes ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE purposes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE signal_entity_links ADD COLUMN purpose_version INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE signal_entity_links DROP COLUMN purpose_version;
ALTER TABLE purposes DROP COLUMN version;
ALTER TABLE purposes DROP COLUMN active;
ALTER TABLE purposes DROP COLUMN criminal_offence_data;
ALTER TABLE purposes DROP COLUMN description;
