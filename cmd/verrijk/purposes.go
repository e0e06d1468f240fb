package main

import (
	"context"
	"errors"
	"fmt"

	"verrijk/api"
	"verrijk/audit"
	"verrijk/config"
	"verrijk/sources/registry"
	"verrijk/store"
)

// seedPurposes stores the bootstrap purposes that do not exist yet. An
// existing purpose is left as it is: after the first start, purposes are
// managed through the API, and a restart must not undo an admin's change.
func seedPurposes(ctx context.Context, st store.Store, purposes []config.Purpose, log *audit.Logger) error {
	for _, p := range purposes {
		sp := store.Purpose{ID: p.ID, Name: p.Name, LegalBasis: p.LegalBasis, ProcessingActivity: p.ProcessingActivity,
			Retention: p.Retention, AllowedSources: p.AllowedSources, Description: p.Description,
			CriminalOffenceData: p.CriminalOffenceData, Active: true}
		if msg := api.ValidatePurpose(sp, config.KnownSources(), registry.CriminalOffenceSources()); msg != "" {
			return fmt.Errorf("bootstrap_purposes %s: %s", p.ID, msg)
		}
		_, err := st.CreatePurpose(ctx, sp)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("seeding purpose %s: %w", p.ID, err)
		}
		if _, err := log.Record(ctx, audit.Actor{User: "system", Role: "system", Origin: "bootstrap"}, audit.Entry{
			Action: audit.ActionPurposeCreated, ObjectType: "purpose", ObjectID: p.ID, PurposeID: p.ID,
			ProcessingActivity: p.ProcessingActivity, Detail: "seeded from bootstrap_purposes"}); err != nil {
			return err
		}
	}
	return nil
}
