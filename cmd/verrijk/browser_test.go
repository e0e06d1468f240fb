package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"verrijk/web/oidctest"
)

// TestBrowserJourney drives the web UI in headless Chromium against a full
// deployment with local replay sources: log in, choose a purpose, create a
// signal, add subjects (one refused in Dutch), enrich, watch the progress
// reach done, open the signal, its graph and an entity, read evidence,
// search; as admin manage sources and tokens; as auditor verify the audit
// chain; and log in through OIDC. Every page is checked for injected
// script, CSP violations, dialogs and script errors: an RDW stand-in
// answers with hostile markup, and the signal title carries some too.
func TestBrowserJourney(t *testing.T) {
	chromium := chromiumPath(t)
	issuer := oidctest.New("verrijk-web", "test-geheim")
	t.Cleanup(issuer.Close)
	issuer.SetClaims(map[string]any{"sub": "u-olga", "preferred_username": "olga", "verrijk_role": "analyst"})
	d := browserDeployment(t, issuer, hostileRDW(t).URL)
	analyst, admin, auditor := d.token("anna", "analyst"), d.token("adam", "admin"), d.token("fg", "auditor")

	tb := newTab(t, chromium, d.base)
	tb.open("/inloggen")
	tb.shot("ui-login")
	tb.loginWithToken(analyst)
	if who := tb.text("header .who"); !strings.Contains(who, "anna") || !strings.Contains(who, "analist") {
		t.Errorf("header says %q, want the user and the role", who)
	}

	// The purpose, once per session, then shown on every page.
	tb.open("/doel")
	tb.do("choosing a purpose", chromedp.Click(chromedp.ID("doel-"+purposeID)),
		chromedp.Click(chromedp.CSS("main form button.primary")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if p := tb.text(`[data-testid="doel"]`); !strings.Contains(p, purposeID) {
		t.Errorf("header purpose %q", p)
	}

	// A signal whose title is hostile markup, typed by a user, shows it
	// as text on its page and in the list.
	tb.open("/signalen/nieuw")
	title := "Testsignaal " + hostileMarkup[0]
	tb.do("creating a hostile signal", chromedp.SendKeys(chromedp.ID("title"), title),
		chromedp.SendKeys(chromedp.ID("description"), hostileMarkup[1]+hostileMarkup[4]),
		chromedp.Click(chromedp.CSS("main form button.primary")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="signaal-titel"]`)))
	tb.safe()
	if got := tb.text(`[data-testid="signaal-titel"]`); got != title {
		t.Errorf("signal title shows %q, want the typed text %q as text", got, title)
	}
	tb.open("/signalen")

	tb.open("/signalen/nieuw")
	tb.do("creating a signal", chromedp.SendKeys(chromedp.ID("title"), "Nagelstudio Hoofdstraat, contant geopend"),
		chromedp.SendKeys(chromedp.ID("description"), "Geopend met contant geld; eigenaar onbekend. Melding wijkagent."),
		chromedp.SendKeys(chromedp.ID("external_ref"), "RIEC-2026-001"),
		chromedp.Click(chromedp.CSS("main form button.primary")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="signaal-titel"]`)))
	tb.safe()
	signalPath := strings.TrimPrefix(tb.location(), d.base)

	// A refused subject gets its reason in Dutch next to the field.
	tb.do("adding a bad subject", chromedp.SetValue(chromedp.ID("subject-type"), "kvk"),
		chromedp.SendKeys(chromedp.ID("subject-value"), "1234"),
		chromedp.Click(chromedp.CSS("#subjecten form button")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="subject-fout"]`)))
	if msg := tb.text(`[data-testid="subject-fout"]`); !strings.Contains(msg, "8 cijfers") {
		t.Errorf("refused KvK number says %q", msg)
	}
	tb.shot("ui-subject-error")
	for _, s := range []struct{ typ, value, shown string }{
		{"kvk", "68750110", "68750110"}, {"address", "8823 sj 3a", "8823SJ 3A"}, {"plate", "6-TJR-64", "TJR"},
	} {
		tb.do("adding subject "+s.value, chromedp.SetValue(chromedp.ID("subject-type"), s.typ),
			chromedp.SetValue(chromedp.ID("subject-value"), s.value), chromedp.Click(chromedp.CSS("#subjecten form button")))
		tb.waitText(`[data-testid="subjecten"]`, s.shown, 10*time.Second)
	}

	// Enrichment: the purpose's legal basis and retention show before the
	// confirmation; then the progress streams to done.
	tb.do("opening the enrichment form", chromedp.Click(chromedp.CSS(`[data-testid="verrijken"]`)),
		chromedp.WaitVisible(chromedp.ID("doel")), chromedp.SetValue(chromedp.ID("doel"), purposeID),
		chromedp.Click(chromedp.CSS("main form.row button")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="grondslag"]`)))
	if lb := tb.text(`[data-testid="grondslag"]`); !strings.Contains(lb, "Gemeentewet art. 172") {
		t.Errorf("legal basis shown: %q", lb)
	}
	if r := tb.text(`[data-testid="bewaartermijn"]`); !strings.Contains(r, "1 jaar") {
		t.Errorf("retention shown: %q", r)
	}
	tb.safe()
	tb.shot("ui-enrich")
	tb.do("confirming the enrichment",
		chromedp.SendKeys(chromedp.ID("justification"), "Signaal RIEC-2026-001: eigenaar, adres en voertuig van de nagelstudio vaststellen"),
		chromedp.Click(chromedp.CSS(`[data-testid="bevestigen"]`)), chromedp.WaitVisible(chromedp.ID("opdracht-status")))
	tb.waitText("#opdracht-status", "klaar", 60*time.Second)
	tb.waitText("#voortgang-melding", "afgerond", 5*time.Second)
	tb.safe()
	tb.shot("ui-progress")

	// The signal with what was found: grouped entities, graph, addresses.
	tb.do("opening the results", chromedp.Click(chromedp.CSS(`[data-testid="resultaten"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="aantal-entiteiten"]`)), chromedp.WaitVisible(chromedp.CSS("#graaf canvas")))
	tb.safe()
	if ind := tb.text(".indicators"); !strings.Contains(ind, "Indicatoren ondersteunen een menselijke beoordeling") {
		t.Errorf("indicators section lacks its notice: %q", ind)
	}
	if a := tb.text(`[data-testid="adressen"]`); !strings.Contains(a, "8823SJ") {
		t.Errorf("address list lacks the BAG address: %q", a)
	}
	tb.shot("ui-signal")

	// A click on the company's node opens its profile.
	// Scroll first and let the graph see the scroll: it caches where its
	// container is.
	tb.do("scrolling to the graph", chromedp.Evaluate[chromedp.Void](`document.getElementById("graaf").scrollIntoView({block: "center"})`))
	time.Sleep(300 * time.Millisecond)
	pos, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]float64](`(function () {
		var cy = window.verrijkGraph;
		var n = cy.nodes().filter(function (n) { return n.data("label").indexOf("Donald") >= 0; })[0];
		var p = n.renderedPosition(), r = document.getElementById("graaf").getBoundingClientRect();
		return [r.left + p.x, r.top + p.y];
	})()`))
	if err != nil || len(pos) != 2 {
		t.Fatalf("finding the company in the graph: %v %v", pos, err)
	}
	tb.do("clicking the company in the graph", chromedp.MouseClickXY(pos[0], pos[1]),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="entiteit-naam"]`)))
	if name := tb.text(`[data-testid="entiteit-naam"]`); !strings.Contains(name, "Test BV Donald") {
		t.Errorf("graph click opened %q", name)
	}
	tb.safe()
	tb.shot("ui-entity")

	// The hostile vehicle: its profile and its evidence show the markup as text.
	tb.open(signalPath)
	href, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('[data-testid="entiteit"]'))
		.filter(function (a) { return a.textContent.indexOf("__gehackt") >= 0; })[0].getAttribute("href")`))
	if err != nil {
		t.Fatalf("the hostile vehicle is not listed on the signal: %v", err)
	}
	tb.open(href)
	if name := tb.text(`[data-testid="entiteit-naam"]`); !strings.Contains(name, "<script>") {
		t.Errorf("hostile vehicle name shows as %q, want its markup as text", name)
	}
	tb.do("opening evidence", chromedp.Click(chromedp.CSS(`[data-testid="bewijs"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="bewijs-tekst"]`)))
	tb.safe()
	if ev := tb.text(`[data-testid="bewijs-tekst"]`); !strings.Contains(ev, "<script>window.__gehackt") {
		t.Errorf("evidence text %q lacks the raw markup shown as text", ev)
	}
	tb.shot("ui-evidence")
	tb.do("opening raw evidence", chromedp.Click(chromedp.CSS(`main p.hint a`)), chromedp.WaitReady(chromedp.CSS("pre")))
	tb.safe()

	// Search, with highlights and facets; hostile hits stay text.
	tb.open("/zoeken?q=Donald")
	if n := tb.text(`[data-testid="treffers"]`); strings.HasPrefix(n, "0 ") {
		t.Errorf("search for Donald: %q", n)
	}
	tb.shot("ui-search")
	// Everything the team's signals hold, newest first, by the link on
	// the empty search page.
	tb.open("/zoeken")
	tb.do("listing everything", chromedp.Click(chromedp.CSS(`[data-testid="alles-tonen"]`)),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="treffers"]`)))
	if n := tb.text(`[data-testid="treffers"]`); strings.HasPrefix(n, "0 ") {
		t.Errorf("listing everything: %q", n)
	}
	tb.safe()
	tb.open("/zoeken?q=gehackt")
	tb.open("/signalen")
	tb.shot("ui-signals")

	// A tablet in portrait: the same pages reflow without sideways
	// scrolling; and the form works from the keyboard alone.
	tb.do("tablet viewport", chromedp.EmulateViewport(768, 1024))
	for _, p := range []string{signalPath, "/signalen", "/zoeken?q=Donald", href, signalPath + "/verrijken?doel=" + purposeID} {
		tb.open(p)
	}
	tb.shot("ui-tablet-signal")
	tb.do("laptop viewport", chromedp.EmulateViewport(1280, 900))
	tb.open("/signalen/nieuw")
	tb.do("creating a signal by keyboard", chromedp.Focus(chromedp.ID("title")),
		chromedp.KeyEvent("Toetsenbordsignaal"), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="signaal-titel"]`)))
	if got := tb.text(`[data-testid="signaal-titel"]`); got != "Toetsenbordsignaal" {
		t.Errorf("keyboard-made signal is titled %q", got)
	}

	// Admin: sources and tokens.
	tb.logout()
	tb.loginWithToken(admin)
	tb.open("/beheer/bronnen")
	tb.do("pausing rdap", chromedp.Click(chromedp.CSS(`#bron-rdap form.inline button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	tb.waitText("#bron-rdap", "gepauzeerd", 5*time.Second)
	tb.do("testing kvk now", chromedp.Click(chromedp.CSS(`[data-testid="test-kvk"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="testuitslag-kvk"]`)))
	if r := tb.text(`[data-testid="testuitslag-kvk"]`); !strings.Contains(r, "Test geslaagd") {
		t.Errorf("test now of kvk says %q", r)
	}
	tb.shot("ui-admin-sources")
	tb.open("/beheer/gebruikers")
	tb.do("issuing a token", chromedp.SendKeys(chromedp.ID("user"), "bert"), chromedp.SendKeys(chromedp.ID("team"), "team-zuid"),
		chromedp.Click(chromedp.CSS("main form.row button.primary")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="nieuw-token"]`)))
	if tok := tb.text(`[data-testid="nieuw-token"]`); !strings.HasPrefix(tok, "vrk_") {
		t.Errorf("new token shown as %q", tok)
	}
	tb.open("/beheer/doelen")

	// Auditor: the log, and the chain verified in plain words.
	tb.logout()
	tb.loginWithToken(auditor)
	if log := tb.text(`[data-testid="logboek"]`); !strings.Contains(log, "enrichment.requested") || !strings.Contains(log, "auth.login") {
		t.Errorf("audit log page lacks the enrichment or the logins")
	}
	tb.shot("ui-audit-log")
	tb.open("/privacy/controle")
	tb.do("verifying the chain", chromedp.Click(chromedp.CSS(`[data-testid="controleren"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="controle-uitkomst"]`)))
	if v := tb.text(`[data-testid="controle-uitkomst"]`); !strings.Contains(v, "De logketen is intact") {
		t.Errorf("verification says %q", v)
	}
	tb.shot("ui-audit-verify")
	tb.open("/privacy/bewaartermijnen")
	tb.open("/privacy/betrokkene?soort=kvk&waarde=68750110")

	// Single sign-on: the provider's claims give the role.
	tb.logout()
	tb.do("logging in with OIDC", chromedp.Click(chromedp.CSS(`[data-testid="oidc-login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="gebruiker"]`)))
	tb.safe()
	if who := tb.text("header .who"); !strings.Contains(who, "olga") || !strings.Contains(who, "analist") {
		t.Errorf("after OIDC login the header says %q", who)
	}
	if !strings.HasSuffix(tb.location(), "/signalen") {
		t.Errorf("after OIDC login the browser is at %s", tb.location())
	}
}
