package workers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/resolve"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// A website page that names the company but gives no KvK number.
const siteWithoutKvK = `<!doctype html><html lang="nl"><head><title>Fruitteelt</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Organization","name":"TEST B.V. DONALD"}</script>
</head><body><h1>Appels en peren</h1></body></html>`

// TestProcessResolvesBeforeSaving: what the worker stores is remembered
// under its lookup keys in the same write, and a later answer that names
// the company without its KvK number is resolved to it.
func TestProcessResolvesBeforeSaving(t *testing.T) {
	f := newFixture(t)
	p := f.processor()
	job := f.newJob(0, lookup{"kvk", donald})
	if err := f.process(p, job.Tasks[0]); err != nil {
		t.Fatal(err)
	}
	keys, err := f.store.EntitiesByKeys(f.ctx, "", []string{"name:test bv donald", resolve.RefKey(donaldAddress)}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys["name:test bv donald"], []string{donaldCompany}) || !slices.Contains(keys[resolve.RefKey(donaldAddress)], donaldCompany) {
		t.Fatalf("lookup keys after the KvK answer = %v", keys)
	}

	body := []byte(siteWithoutKvK)
	sum := sha256.Sum256(body)
	f.kvk.setFetch(func(context.Context, subject.Subject, int) (*sources.Result, error) {
		return &sources.Result{Found: true, Evidence: []sources.Evidence{{Source: "website", Kind: "website.page",
			URL: "https://www.testbvdonald.nl/", Status: 200, FetchedAt: fetchedAt, SHA256: hex.EncodeToString(sum[:]), Body: body}}}, nil
	})
	job = f.newJob(0, lookup{"kvk", nobody})
	if err := f.process(p, job.Tasks[0]); err != nil {
		t.Fatal(err)
	}
	site, err := f.store.GetEntity(f.ctx, entity.MakeID(entity.SchemaWebsite, "url", "testbvdonald.nl"))
	if err != nil {
		t.Fatalf("website entity: %v", err)
	}
	if !slices.Equal(site.Properties["company"], []string{donaldCompany}) {
		t.Errorf("website's company = %v, want %s (resolved by name)", site.Properties["company"], donaldCompany)
	}
	refs, _ := f.store.EntitiesByKeys(f.ctx, "", []string{resolve.RefKey(donaldCompany)}, 10)
	if !slices.Contains(refs[resolve.RefKey(donaldCompany)], site.ID) {
		t.Errorf("references to the company = %v, want the website among them", refs)
	}
}
