package api_test

import (
	"context"
	"net/http"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/resolve"
)

// signalAs creates a signal as the given token (its team owns it).
func (f *fixture) signalAs(token, title string) string {
	f.t.Helper()
	out := f.call(token, "POST", "/api/v1/signals", map[string]string{"title": title}, http.StatusCreated)
	return out["id"].(string)
}

// store saves an entity as the worker does (merged, with its lookup keys)
// and links it to the signals under the purpose.
func (f *fixture) storeEntity(e entity.Entity, purpose string, signals ...string) entity.Entity {
	f.t.Helper()
	ctx := context.Background()
	if len(e.Provenance) == 0 {
		e.Provenance = []entity.Provenance{{Source: "test", URL: "https://test.invalid/" + e.ID,
			FetchedAt: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), SHA256: "ab" + e.ID, Properties: e.PropertyNames()}}
	}
	stored, err := f.store.UpsertEntity(ctx, e)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := resolve.Remember(ctx, f.store, stored); err != nil {
		f.t.Fatal(err)
	}
	for _, sig := range signals {
		if err := f.store.Link(ctx, entity.Link{SignalID: sig, EntityID: e.ID, PurposeID: purpose, JobID: "job-" + sig,
			ExpiresAt: time.Now().AddDate(1, 0, 0)}); err != nil {
			f.t.Fatal(err)
		}
	}
	return stored
}

func fixtureEntity(schema, idValue, caption string, props map[string][]string) entity.Entity {
	e := entity.Entity{ID: entity.MakeID(schema, "test", idValue), Schema: schema, Caption: caption}
	for k, vs := range props {
		e.Add(k, vs...)
	}
	return e
}
