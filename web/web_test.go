package web

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestIndexPageIsDutchAndLockedDown(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler(slog.Default()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 200 {
		t.Fatalf("GET / = %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{`lang="nl"`, "signalen van ondermijning", "doelbinding"} {
		if !strings.Contains(body, want) {
			t.Errorf("index page lacks %q", want)
		}
	}
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("CSP %q should forbid scripts", csp)
	}
}

func TestUnknownPageIs404(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler(slog.Default()).ServeHTTP(rec, httptest.NewRequest("GET", "/nope", nil))
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), "niet gevonden") {
		t.Errorf("GET /nope = %d %q", rec.Code, rec.Body.String())
	}
}
