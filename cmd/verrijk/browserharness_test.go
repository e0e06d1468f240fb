package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"verrijk/web/oidctest"
)

// chromiumPath finds headless Chromium (Debian package chromium, which
// .ci/run installs). Without it the browser tests cannot run: in CI that
// is a failure, elsewhere a skip that says what to install.
func chromiumPath(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not found; .ci/run installs the Debian package chromium")
	}
	// Outside CI only (in CI the Fatal above fires): say what to install.
	t.Skipf("chromium not found and CI=%q: apt-get install chromium to run the browser tests", os.Getenv("CI"))
	return ""
}

// browserDeployment is newDeployment with what the browser tests add: an
// RDW stand-in that answers with hostile markup, and single sign-on
// against a local OpenID Connect provider.
func browserDeployment(t *testing.T, issuer *oidctest.Issuer, rdw string) *deployment {
	return startDeployment(t, deployOptions{
		maxDepth: 1,
		settings: map[string]string{"rdw": fmt.Sprintf("base_url: %q", rdw)},
		addressedYAML: func(base string) string {
			return fmt.Sprintf("auth:\n  oidc: {issuer: %q, client_id: %q, client_secret: %q, redirect_url: %q}\n",
				issuer.URL, issuer.ClientID, issuer.ClientSecret, base+"/oidc/callback")
		},
	})
}

// hostileMarkup is what the RDW stand-in puts in a vehicle's fields; none
// of it may ever run in a page.
var hostileMarkup = []string{
	`<script>window.__gehackt='script'</script>`,
	`<img src=x onerror="window.__gehackt='img'">`,
	`javascript:window.__gehackt='link'`,
	`"><svg onload="window.__gehackt='svg'">`,
	`</pre><iframe srcdoc="<script>parent.__gehackt='iframe'</script>"></iframe>`,
}

// hostileRDW answers every vehicle lookup with a row full of markup, in
// RDW's open data format; it is written by hand so the evidence keeps the
// markup as raw characters.
func hostileRDW(t *testing.T) *httptest.Server {
	q := func(s string) string {
		b, _ := json.Marshal(s)
		return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/m9d7-ebf2.json") {
			fmt.Fprintf(w, `[{"kenteken": %s, "merk": %s, "handelsbenaming": %s, "voertuigsoort": %s, "eerste_kleur": %s, "europese_voertuigcategorie": %s}]`,
				q(r.URL.Query().Get("kenteken")), q(hostileMarkup[0]), q(hostileMarkup[1]), q(hostileMarkup[3]),
				q(hostileMarkup[4]), q(hostileMarkup[2]))
			return
		}
		fmt.Fprint(w, "[]")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// tab is one Chromium tab that watches for anything a page should never
// do: run injected script, open a dialog, break the CSP, throw.
type tab struct {
	t      *testing.T
	ctx    context.Context
	base   string
	mu     sync.Mutex
	alarms []string
}

// watcher runs before any script of each page (DevTools scripts are not
// subject to the page's CSP) and records CSP violations.
const watcher = `window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});`

func newTab(t *testing.T, chromium, base string) *tab {
	ctx, cancel := chromedp.NewContext(context.Background(), chromedp.WithAllocatorOptions(
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "nl-NL")))
	t.Cleanup(cancel)
	// Generous: on a 2-core machine the fault tests run beside this one,
	// and a page that is merely slow must not fail the journey.
	ctx, timeout := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(timeout)
	tb := &tab{t: t, ctx: ctx, base: base}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	exceptions := chromedp.Events(ctx, cdpruntime.ExceptionThrown)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: watcher}); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			tb.alarm("a page opened a dialog: " + ev.Message)
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			tb.alarm("script error: " + ev.ExceptionDetails.Text + " " + fmt.Sprint(ev.ExceptionDetails.Exception))
		}
	}()
	return tb
}

func (tb *tab) alarm(s string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.alarms = append(tb.alarms, s)
}

// do runs steps and fails the test on an error.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		body, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		tb.t.Fatalf("%s: %v\npage %s:\n%s", what, err, tb.location(), clipText(body, 2000))
	}
}

func clipText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func (tb *tab) location() string {
	loc, _ := chromedp.Run(tb.ctx, chromedp.Location())
	return loc
}

func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do("opening "+path, chromedp.Navigate(tb.base+path), chromedp.WaitReady(chromedp.CSS("footer")))
	tb.safe()
}

func (tb *tab) text(css string) string {
	tb.t.Helper()
	return read(tb, "reading "+css, chromedp.Text(chromedp.CSS(css)))
}

// transientDOM are errors of a read that raced the browser replacing the
// document (after a redirect or a form submit): asking again answers.
var transientDOM = []string{"No node", "Cannot find context", "Execution context was destroyed", "Inspected target navigated"}

// read runs a read-only action, asking again for a few seconds while the
// document is being replaced, and fails the test on any other error.
func read[T any](tb *tab, what string, a chromedp.Action[T]) T {
	tb.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		v, err := chromedp.Run(tb.ctx, a)
		if err == nil {
			return v
		}
		transient := slices.ContainsFunc(transientDOM, func(m string) bool { return strings.Contains(err.Error(), m) })
		if !transient || time.Now().After(deadline) {
			tb.t.Fatalf("%s: %v (page %s)", what, err, tb.location())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitText waits until the element's text contains want.
func (tb *tab) waitText(css, want string, within time.Duration) {
	tb.t.Helper()
	deadline := time.Now().Add(within)
	got := ""
	for time.Now().Before(deadline) {
		got, _ = chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS(css)))
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.t.Fatalf("%s says %q, want %q within %s (page %s)", css, got, want, within, tb.location())
}

// pageCheck reads what safe checks: the injected-script marker, CSP
// violations, form fields without a label (WCAG 2.1: 1.3.1, 3.3.2), the
// page language, and sideways scrolling (1.4.10 reflow).
const pageCheck = `JSON.stringify({
  gehackt: window.__gehackt === undefined ? "" : String(window.__gehackt),
  csp: window.__csp || [],
  unlabeled: Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"))
    .filter(function (el) { return !(el.labels && el.labels.length) && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"); })
    .map(function (el) { return el.name || el.id || el.tagName; }),
  lang: document.documentElement.lang || "",
  overflow: document.documentElement.scrollWidth > window.innerWidth + 1
})`

// safe asserts that nothing ran that should not have (no injected
// script, no CSP violation, no dialog, no script error) and that the page
// keeps the accessibility basics.
func (tb *tab) safe() {
	tb.t.Helper()
	state := read(tb, "reading page state", chromedp.Evaluate[string](pageCheck))
	var s struct {
		Gehackt   string
		CSP       []string
		Unlabeled []string
		Lang      string
		Overflow  bool
	}
	_ = json.Unmarshal([]byte(state), &s)
	if len(s.Unlabeled) > 0 {
		tb.t.Errorf("page %s has form fields without a label: %v", tb.location(), s.Unlabeled)
	}
	if s.Lang != "nl" && s.Lang != "" {
		tb.t.Errorf("page %s has lang %q, want nl", tb.location(), s.Lang)
	}
	if s.Overflow {
		tb.t.Errorf("page %s scrolls sideways at this window width", tb.location())
	}
	if s.Gehackt != "" {
		tb.t.Errorf("page %s ran injected script (%s)", tb.location(), s.Gehackt)
	}
	if len(s.CSP) > 0 {
		tb.t.Errorf("page %s broke the CSP: %v", tb.location(), s.CSP)
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.alarms) > 0 {
		tb.t.Errorf("page %s: %v", tb.location(), tb.alarms)
		tb.alarms = nil
	}
}

// docsShots are the screenshots the README shows.
var docsShots = map[string]bool{"ui-signal": true, "ui-progress": true, "ui-entity": true, "ui-search": true,
	"ui-enrich": true, "ui-audit-verify": true}

// shot saves a screenshot in the test's temporary folder; with
// VERRIJK_UPDATE_SCREENSHOTS set, the README's ones go to docs/ instead.
func (tb *tab) shot(name string) {
	tb.t.Helper()
	// A full-page capture (captureBeyondViewport) now and then never
	// returns in headless Chromium (seen on a loaded machine), so test runs
	// take the viewport, and only a docs refresh asks for the full page,
	// with the viewport as fallback.
	var png []byte
	var err error
	captures := []chromedp.Action[[]byte]{chromedp.CaptureScreenshot(), chromedp.CaptureScreenshot()}
	if os.Getenv("VERRIJK_UPDATE_SCREENSHOTS") != "" {
		captures = []chromedp.Action[[]byte]{chromedp.FullScreenshot(100), chromedp.CaptureScreenshot()}
	}
	for _, capture := range captures {
		ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
		png, err = chromedp.Run(ctx, capture)
		cancel()
		if err == nil {
			break
		}
	}
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := tb.t.TempDir()
	if os.Getenv("VERRIJK_UPDATE_SCREENSHOTS") != "" && docsShots[name] {
		dir = filepath.Join("..", "..", "docs")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			tb.t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// loginWithToken logs in through the token form.
func (tb *tab) loginWithToken(token string) {
	tb.t.Helper()
	tb.open("/inloggen")
	tb.do("logging in", chromedp.SendKeys(chromedp.ID("token"), token),
		chromedp.Click(chromedp.CSS("main form button.primary")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="gebruiker"]`)))
	tb.safe()
}

func (tb *tab) logout() {
	tb.t.Helper()
	tb.do("logging out", chromedp.Click(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.ID("token")))
}
