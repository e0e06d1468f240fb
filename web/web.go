// Package web serves verrijk's browser pages. Everything is embedded in the
// binary and rendered with html/template, so every value is escaped; the
// Content-Security-Policy allows no inline script and no third-party origin.
package web

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"
)

//go:embed templates/*.html
var templates embed.FS

var pages = template.Must(template.ParseFS(templates, "templates/*.html"))

// csp forbids scripts, frames and every origin but our own.
const csp = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Handler serves the web UI.
func Handler(log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := pages.ExecuteTemplate(w, "index.html", nil); err != nil {
			log.Error("rendering index page", "err", err)
		}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		http.Error(w, "Pagina niet gevonden", http.StatusNotFound)
	})
	return mux
}
