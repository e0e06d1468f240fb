package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

func TestSignalJourneyWithDutchValidation(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("analyst")
	b.get("/signalen/nieuw")
	bad := b.post("/signalen", url.Values{"title": {"  "}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty title = %d", bad.status)
	}
	mustContain(t, "empty-title form", bad.body, "Geef het signaal een titel.", `aria-invalid="true"`, `aria-describedby="title-fout"`)

	p := b.post("/signalen", url.Values{"title": {"Nagelstudio Hoofdstraat"}, "description": {"Contant geopend"},
		"external_ref": {"RIEC-2026-001"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("create = %d %s", p.status, p.body)
	}
	sigPath := p.header.Get("Location")
	view := b.get(sigPath)
	mustContain(t, "signal page", view.body, "Nagelstudio Hoofdstraat", "Signaal aangemaakt", "RIEC-2026-001", "Kies eerst een doel")

	for value, want := range map[string]string{"1234": "8 cijfers", "": "Vul een waarde in"} {
		r := b.post(sigPath+"/subjecten", url.Values{"type": {"kvk"}, "value": {value}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, want) || !strings.Contains(r.body, `id="subject-fout"`) {
			t.Errorf("kvk %q: %d, want a Dutch message with %q next to the field", value, r.status, want)
		}
	}
	r := b.post(sigPath+"/subjecten", url.Values{"type": {"address"}, "value": {"0123AB 1"}})
	mustContain(t, "bad address", r.body, "Een postcode begint nooit met 0")
	if r := b.post(sigPath+"/subjecten", url.Values{"type": {"kvk"}, "value": {"68750110"}}); r.status != http.StatusSeeOther {
		t.Fatalf("good subject = %d %s", r.status, r.body)
	}
	mustContain(t, "signal with subject", b.get(sigPath).body, "68750110", "KvK-nummer toegevoegd")

	list := b.get("/signalen")
	mustContain(t, "signal list", list.body, "Nagelstudio Hoofdstraat", "open", "anna", "team-noord")

	b.get(sigPath + "/bewerken")
	if e := b.post(sigPath+"/bewerken", url.Values{"title": {"Nagelstudio Hoofdstraat 12"}, "status": {"closed"}}); e.status != http.StatusSeeOther {
		t.Fatalf("edit = %d %s", e.status, e.body)
	}
	mustContain(t, "edited signal", b.get(sigPath).body, "Nagelstudio Hoofdstraat 12", "gesloten")
}

func TestEnrichmentShowsPurposeFirstAndNeedsJustification(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("analyst")
	p := b.post("/signalen", url.Values{"title": {"Kapsalon"}})
	sigPath := p.header.Get("Location")
	b.post(sigPath+"/subjecten", url.Values{"type": {"kvk"}, "value": {"68750110"}})

	step1 := b.get(sigPath + "/verrijken")
	if strings.Contains(step1.body, "Bevestigen en verrijken") {
		t.Error("the confirm button shows before a purpose is chosen")
	}
	step2 := b.get(sigPath + "/verrijken?doel=" + purposeOnderzoek)
	mustContain(t, "enrichment step 2", step2.body, "Gemeentewet art. 125", "1 jaar", "KvK Handelsregister", "BAG (Kadaster)",
		"Bevestigen en verrijken", `name="justification"`)

	short := b.post(sigPath+"/verrijken", url.Values{"purpose_id": {purposeOnderzoek}, "sources": {"kvk", "bag"}, "justification": {"kort"}})
	if short.status != http.StatusUnprocessableEntity || !strings.Contains(short.body, "minstens 10 tekens") ||
		!strings.Contains(short.body, `id="justification-fout"`) {
		t.Errorf("short justification = %d", short.status)
	}
	none := b.post(sigPath+"/verrijken", url.Values{"purpose_id": {purposeOnderzoek}, "justification": {"Eigenaar vaststellen voor RIEC"}})
	mustContain(t, "no sources", none.body, "Kies minstens één bron.")

	ok := b.post(sigPath+"/verrijken", url.Values{"purpose_id": {purposeOnderzoek}, "sources": {"kvk"},
		"justification": {"Eigenaar vaststellen voor RIEC-overleg"}})
	if ok.status != http.StatusSeeOther || !strings.HasPrefix(ok.header.Get("Location"), "/opdrachten/") {
		t.Fatalf("enrich = %d %s", ok.status, ok.body)
	}
	job := b.get(ok.header.Get("Location"))
	mustContain(t, "job page", job.body, "Voortgang verrijking", "KvK Handelsregister", "kvk:68750110", "in de wachtrij",
		"Eigenaar vaststellen voor RIEC-overleg", `data-stream="/opdrachten/`)
	// The purpose of the enrichment became the session's (there was none).
	mustContain(t, "header after enrichment", job.body, "Doel: "+purposeOnderzoek)
	entries, _ := f.store.ListAudit(context.Background(), store.AuditFilter{Action: "enrichment.requested"})
	if len(entries) != 1 || entries[0].Justification != "Eigenaar vaststellen voor RIEC-overleg" {
		t.Errorf("enrichment audit = %+v", entries)
	}
}

func TestProgressStreamSpeaksDutch(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	b.login("analyst")
	ctx := context.Background()
	sig, _ := f.store.CreateSignal(ctx, store.Signal{Title: "S", Team: teamNoord, CreatedBy: "anna"})
	job, err := f.store.CreateJob(ctx, store.Job{SignalID: sig.ID, PurposeID: purposeOnderzoek, Justification: "voor de test",
		RequestedBy: "anna"}, []store.Task{{Source: "kvk", SubjectType: "kvk", SubjectValue: "68750110"},
		{Source: "bag", SubjectType: "address", SubjectValue: "8823SJ 3A"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = f.store.UpdateTask(ctx, job.Tasks[0].ID, store.StatusDone, 2, "no match")
	_ = f.store.UpdateTask(ctx, job.Tasks[1].ID, store.StatusFailed, 5, "fetching: unexpected http status 503 Service Unavailable")
	p := b.get("/opdrachten/" + job.ID + "/voortgang")
	if ct := p.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	mustContain(t, "event stream", p.body, "event: taak", "Niets gevonden bij deze bron.", "Mislukt: de bron heeft een storing.",
		"event: opdracht", `"status_text":"deels gelukt"`, "event: klaar")
	if strings.Contains(p.body, "503") {
		t.Error("the stream shows a status code instead of words")
	}
	other := f.browser(t)
	other.login("admin")
	denied := other.get("/opdrachten/" + job.ID + "/voortgang")
	mustContain(t, "stream for a role without access", denied.body, "event: fout", "geen toegang")
}

// hostile is scraped text that would run if it were ever shown as markup.
var hostile = []string{
	`<script>window.__gehackt=1</script>`,
	`<img src=x onerror="window.__gehackt=2">`,
	`javascript:window.__gehackt=3`,
	`"><svg onload=window.__gehackt=4>`,
	`</textarea><iframe srcdoc="<script>parent.__gehackt=5</script>">`,
}

func hostileEntities() []entity.Entity {
	company := entity.Entity{ID: entity.MakeID("Company", "kvkNumber", "66666666"), Schema: "Company",
		Caption: hostile[0] + " BV", Properties: map[string][]string{"name": {hostile[0] + " BV"}, "kvkNumber": {"66666666"},
			"website": {hostile[2]}, "tradeName": hostile[1:]},
		Provenance: []entity.Provenance{{Source: "kvk", URL: "https://kvk.invalid/x?" + hostile[1], SHA256: strings.Repeat("ab", 32),
			Properties: []string{"name", "kvkNumber", "website", "tradeName"}}}}
	addr := entity.Entity{ID: entity.MakeID("Address", "bagId", "0001"), Schema: "Address", Caption: hostile[3],
		Properties: map[string][]string{"street": {hostile[3]}, "postalCode": {"8823SJ"}, "city": {hostile[4]}, "bagId": {"0001"}}}
	company.Properties["addressEntity"] = []string{addr.ID}
	return []entity.Entity{company, addr}
}

func TestScrapedMarkupIsAlwaysEscaped(t *testing.T) {
	f := newFixture(t)
	ents := hostileEntities()
	sigID := f.seedSignal(t, hostile[0], ents)
	body := []byte(`{"naam":"` + hostile[0] + `"}`)
	if err := f.store.SaveEvidence(context.Background(), store.Evidence{SHA256: "", Source: "kvk", Kind: "kvk.zoeken",
		URL: "https://kvk.invalid/" + hostile[1], Body: body}); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.login("analyst")
	b.choosePurpose(purposeOnderzoek)
	pages := map[string]string{
		"signal":  "/signalen/" + sigID,
		"list":    "/signalen",
		"entity":  "/entiteiten/" + ents[0].ID,
		"address": "/entiteiten/" + ents[1].ID,
		"search":  "/zoeken?q=66666666",
	}
	for name, path := range pages {
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Errorf("%s page %s = %d", name, path, p.status)
			continue
		}
		for _, h := range []string{"<script>window", "<img src=x", "<svg onload", "<iframe", `href="javascript:`} {
			if strings.Contains(p.body, h) {
				t.Errorf("%s page shows hostile markup %q unescaped", name, h)
			}
		}
	}
	mustContain(t, "entity page", b.get(pages["entity"]).body, "&lt;script&gt;window.__gehackt=1&lt;/script&gt; BV")
}
