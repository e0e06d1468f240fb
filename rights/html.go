package rights

import (
	"embed"
	"html/template"
	"io"
	"time"
	_ "time/tzdata" // the report shows Amsterdam time on any machine
)

//go:embed templates/report.html
var templates embed.FS

// amsterdam shows times as the people reading the report live them.
var amsterdam = loadZone("Europe/Amsterdam")

func loadZone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

var reportPage = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"fmtTime": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(amsterdam).Format("2-1-2006 15:04")
	},
}).ParseFS(templates, "templates/report.html"))

// WriteHTML renders the report as a self-contained, printable Dutch page;
// every value is escaped by html/template (scraped text is hostile).
func (r Report) WriteHTML(w io.Writer) error { return reportPage.Execute(w, r) }
