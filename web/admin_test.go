package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"verrijk/pipeline/entity"
	"verrijk/store"
)

func TestAdminManagesSourcesPurposesAndTokens(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t)
	home := b.login("admin")
	mustContain(t, "admin landing", home.body, "Bronnen", "KvK Handelsregister", "het laatste etmaal niet gebruikt", "beheerder")
	if p := b.post("/beheer/bronnen/kvk", url.Values{"actie": {"pauzeren"}}); p.status != http.StatusSeeOther {
		t.Fatalf("pause = %d %s", p.status, p.body)
	}
	mustContain(t, "paused source", b.get("/beheer/bronnen").body, "gepauzeerd door een beheerder", "Hervatten")
	bad := b.post("/beheer/bronnen/kvk", url.Values{"actie": {"limieten"}, "rate": {"snel"}, "concurrency": {"4"}})
	mustContain(t, "bad rate", bad.body, "Schrijf de snelheid als aantal per seconde")

	b.get("/beheer/doelen/nieuw")
	invalid := b.post("/beheer/doelen", url.Values{"id": {"X"}, "retention": {"een jaar"}})
	mustContain(t, "invalid purpose", invalid.body, "Geef het doel een naam.", "Schrijf de bewaartermijn als ISO 8601-duur",
		"Kies minstens één bestaande bron.", `id="retention-fout"`)
	ok := b.post("/beheer/doelen", url.Values{"id": {"bibob-toets"}, "name": {"Bibob-toets"}, "legal_basis": {"Wet Bibob"},
		"retention": {"P6M"}, "allowed_sources": {"kvk"}})
	if ok.status != http.StatusSeeOther {
		t.Fatalf("create purpose = %d %s", ok.status, ok.body)
	}
	mustContain(t, "purpose list", b.get("/beheer/doelen").body, "Bibob-toets", "6 maanden", "actief")
	b.get("/beheer/doelen/bibob-toets")
	if p := b.post("/beheer/doelen/bibob-toets", url.Values{"name": {"Bibob-toets"}, "legal_basis": {"Wet Bibob"},
		"retention": {"P6M"}, "allowed_sources": {"kvk"}}); p.status != http.StatusSeeOther {
		t.Fatalf("retire purpose = %d %s", p.status, p.body)
	}
	if p, _ := f.store.GetPurpose(context.Background(), "bibob-toets"); p.Active || p.Version != 2 {
		t.Errorf("unchecked 'actief' should retire the purpose: %+v", p)
	}

	b.get("/beheer/gebruikers")
	created := b.post("/beheer/gebruikers", url.Values{"user": {"bert"}, "role": {"analyst"}, "team": {"team-zuid"}, "days": {"30"}})
	secret := regexp.MustCompile(`vrk_[A-Za-z0-9_-]+`).FindString(created.body)
	if created.status != http.StatusCreated || secret == "" {
		t.Fatalf("token create = %d", created.status)
	}
	if strings.Contains(b.get("/beheer/gebruikers").body, secret) {
		t.Error("the token secret shows again after its creation")
	}
	id := regexp.MustCompile(`/beheer/gebruikers/([0-9a-f]{12})/intrekken" class="inline"><input type="hidden" name="csrf" value="[^"]+">\s*<button type="submit" aria-label="Token [0-9a-f]{12} van bert`).FindStringSubmatch(b.get("/beheer/gebruikers").body)
	if id == nil {
		t.Fatal("no revoke button for bert's token")
	}
	if p := b.post("/beheer/gebruikers/"+id[1]+"/intrekken", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("revoke = %d", p.status)
	}
	mustContain(t, "users after revoke", b.get("/beheer/gebruikers").body, "ingetrokken")
	// Admins read no enriched data: the API refuses, the page says so.
	mustContain(t, "admin on signals", b.get("/signalen").body, "Je rol heeft geen toegang")
}

func TestAuditorSeesLogVerifiesChainInWords(t *testing.T) {
	f := newFixture(t)
	a := f.browser(t)
	a.login("analyst")
	a.post("/signalen", url.Values{"title": {"Voor het log"}})
	b := f.browser(t)
	log := b.login("auditor")
	mustContain(t, "audit log", log.body, "signal.created", "auth.login", "anna")
	filtered := b.get("/privacy/logboek?actie=signal.created")
	if strings.Contains(filtered.body, "<td>auth.login</td>") {
		t.Error("the action filter did not filter")
	}
	mustContain(t, "bad date", b.get("/privacy/logboek?van=gisteren").body, "jjjj-mm-dd")
	v := b.get("/privacy/controle?uitvoeren=1")
	mustContain(t, "verification", v.body, "De logketen is intact", `data-ok="true"`)
	if _, err := f.store.ListAudit(context.Background(), store.AuditFilter{Action: "audit.verified"}); err != nil {
		t.Fatal(err)
	}
	e := entity.Entity{ID: entity.MakeID("Company", "kvkNumber", "68750110"), Schema: "Company", Caption: "Test BV Donald",
		Properties: map[string][]string{"name": {"Test BV Donald"}, "kvkNumber": {"68750110"}}}
	f.seedSignal(t, "rapport", []entity.Entity{e})
	mustContain(t, "retention page", b.get("/privacy/bewaartermijnen").body, "Onderzoek ondermijning", "1 jaar",
		`data-testid="bewaartermijnen"`)
	mustContain(t, "bad subject", b.get("/privacy/betrokkene?soort=kvk&waarde=1234").body, "8 cijfers")
	rep := b.get("/privacy/betrokkene?soort=kvk&waarde=68750110")
	mustContain(t, "subject report", rep.body, "Test BV Donald", "Afdrukbare versie")
	printable := b.get("/privacy/betrokkene/afdruk?soort=kvk&waarde=68750110")
	if printable.status != http.StatusOK || !strings.HasPrefix(printable.header.Get("Content-Security-Policy"), "sandbox") ||
		!strings.Contains(printable.body, "Test BV Donald") {
		t.Errorf("printable report = %d, CSP %q", printable.status, printable.header.Get("Content-Security-Policy"))
	}
}

func TestVerifyWordsNameTheBreak(t *testing.T) {
	for problem, want := range map[string]string{
		"entry 7 its content no longer matches its hash (the entry was edited)":                      "achteraf gewijzigd",
		"entry 7 follows entry 5: entries 6 to 6 are missing":                                        "verwijderd",
		"the log ends at entry 9, but entry 12 was recorded as its head on x (entries were cut off)": "afgeknipt",
	} {
		got := verifyWords(verification{FirstBroken: 7, Problem: problem})
		if !strings.Contains(got, "verbroken bij regel 7") || !strings.Contains(got, want) {
			t.Errorf("verifyWords(%q) = %q", problem, got)
		}
	}
}

func TestTaskTextIsWordsNotCodes(t *testing.T) {
	for _, c := range []struct{ status, err, want string }{
		{"queued", "held: source kvk held (paused), retry in 10s", "gepauzeerd; nieuwe poging over 10 seconden"},
		{"queued", "held: source kvk held (throttled), retry in 2m0s", "snelheidslimiet van de bron; nieuwe poging over 2 minuten"},
		{"queued", "attempt 2 failed, will retry: rdw: looking up vehicle: rate limited by source, retry in 3s", "Poging 2 mislukt: de bron vroeg om minder verzoeken"},
		{"failed", "kvk: unexpected http status 401 Unauthorized", "weigert de toegang"},
		{"failed", "bag: context deadline exceeded", "niet op tijd"},
		{"failed", "the queue gave up on the task: boom", "opgegeven"},
		{"done", "no match", "Niets gevonden"},
		{"skipped", "source disabled or no longer allowed by the purpose", "Overgeslagen"},
		{"skipped", "not publicly available: login required", "Niet openbaar beschikbaar: het platform vraagt om in te loggen"},
		{"skipped", "not publicly available: robots.txt disallows crawling the site", "verbiedt automatisch bezoek"},
	} {
		got := taskText(c.status, c.err)
		if !strings.Contains(got, c.want) || regexp.MustCompile(`\b[45]\d\d\b`).MatchString(got) {
			t.Errorf("taskText(%s, %q) = %q, want words with %q", c.status, c.err, got, c.want)
		}
	}
}

func TestEvidencePageShowsAnswerAsText(t *testing.T) {
	f := newFixture(t)
	body := []byte(`<html><script>alert(1)</script><img src=x onerror=alert(2)></html>`)
	sum := sha256.Sum256(body)
	sha := hex.EncodeToString(sum[:])
	ctx := context.Background()
	if err := f.store.SaveEvidence(ctx, store.Evidence{SHA256: sha, Source: "kvk", Kind: "kvk.zoeken", URL: "https://kvk.invalid/z", Body: body}); err != nil {
		t.Fatal(err)
	}
	e := entity.Entity{ID: entity.MakeID("Company", "kvkNumber", "12345678"), Schema: "Company", Caption: "Bewijs BV",
		Properties: map[string][]string{"name": {"Bewijs BV"}},
		Provenance: []entity.Provenance{{Source: "kvk", SHA256: sha, Properties: []string{"name"}}}}
	f.seedSignal(t, "bewijs", []entity.Entity{e})
	b := f.browser(t)
	b.login("analyst")
	b.choosePurpose(purposeOnderzoek)
	ent := b.get("/entiteiten/" + e.ID)
	mustContain(t, "entity page", ent.body, "/bewijs/"+sha+"?entiteit="+e.ID, "KvK Handelsregister")
	p := b.get("/bewijs/" + sha + "?entiteit=" + e.ID)
	mustContain(t, "evidence page", p.body, "&lt;script&gt;alert(1)&lt;/script&gt;", sha)
	if strings.Contains(p.body, "<script>alert") || strings.Contains(p.body, "<img src=x") {
		t.Error("evidence shown as markup")
	}
	raw := b.get("/bewijs/" + sha + "?entiteit=" + e.ID + "&tekst=1")
	if raw.header.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.HasPrefix(raw.header.Get("Content-Security-Policy"), "sandbox") ||
		raw.body != string(body) {
		t.Errorf("raw evidence: %q %q", raw.header.Get("Content-Type"), raw.header.Get("Content-Security-Policy"))
	}
}
