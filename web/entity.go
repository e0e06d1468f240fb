package web

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"verrijk/pipeline/entity"
)

// maxRelatedSignals bounds how many of an entity's signals are read to
// find what relates to it (screening hits, publications, websites).
const maxRelatedSignals = 3

// propSource is one source of a property: when it last said so, and the
// stored answers that prove it.
type propSource struct {
	Source    string
	FetchedAt time.Time
	SHA256s   []string
}

type propValue struct {
	Text   string
	Link   string // an entity page, when the value is another entity's id
	Web    string // an http(s) URL, shown as an outside link
	Moment string // a capture time of website history
}

type propRow struct {
	Name    string
	Values  []propValue
	Sources []propSource
}

type entityData struct {
	Entity       entityJSON
	Rows         []propRow
	Screening    []entityJSON
	Publications []entityJSON
	Websites     []entityJSON
	Related      []entityJSON // other entities pointing here or pointed at
	History      []propValue  // website history of this entity (Domain)
	Purpose      string
	Indicators   indicatorList
	Candidates   *candidateList // persons only: namesakes to judge
}

// propOrder puts the identifying properties first.
var propOrder = []string{"name", "tradeName", "statutoryName", "kvkNumber", "rsin", "vestigingsnummer",
	"full", "street", "houseNumber", "postalCode", "city", "bagId", "make", "model", "title"}

func (u *ui) entityPage(w http.ResponseWriter, r *http.Request, sess *session) {
	if !u.needPurpose(w, r, sess) {
		return
	}
	var d entityData
	d.Purpose = sess.purposeID
	q := url.Values{"purpose_id": {sess.purposeID}}
	if err := u.get(r, sess, "/api/v1/entities/"+esc(r.PathValue("id")), q, &d.Entity); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	var err error
	if d.Indicators, err = u.indicators(r, sess, "/api/v1/entities/"+esc(d.Entity.ID)+"/indicators"); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	if d.Candidates, err = u.candidates(r, sess, d.Entity); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	related := u.relatedEntities(r, sess, d.Entity.Entity)
	d.fill(related)
	u.render(w, r, sess, http.StatusOK, "entity", page{Title: d.Entity.Caption, Section: "signalen", Data: d})
}

// relatedEntities reads the entities of the entity's signals (under the
// session's purpose), keyed by id.
func (u *ui) relatedEntities(r *http.Request, sess *session, e entity.Entity) map[string]entityJSON {
	out := map[string]entityJSON{}
	seen := map[string]bool{}
	for _, l := range e.Signals {
		if seen[l.SignalID] || len(seen) >= maxRelatedSignals {
			continue
		}
		seen[l.SignalID] = true
		var res struct {
			Entities []entityJSON `json:"entities"`
		}
		if err := u.get(r, sess, "/api/v1/signals/"+esc(l.SignalID)+"/entities",
			url.Values{"purpose_id": {sess.purposeID}}, &res); err != nil {
			continue // the page still shows the entity itself
		}
		for _, x := range res.Entities {
			out[x.ID] = x
		}
	}
	return out
}

func (d *entityData) fill(all map[string]entityJSON) {
	e := d.Entity
	names := make([]string, 0, len(e.Properties))
	for p := range e.Properties {
		names = append(names, p)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := rank(names[i]), rank(names[j])
		if a != b {
			return a < b
		}
		return propLabel(names[i]) < propLabel(names[j])
	})
	for _, p := range names {
		if e.Schema == "Domain" && p == "archiveCapture" {
			for _, v := range e.Properties[p] {
				d.History = append(d.History, captureValue(v))
			}
			continue
		}
		row := propRow{Name: p}
		for _, v := range e.Properties[p] {
			pv := propValue{Text: v, Web: webLink(v)}
			if x, ok := all[v]; ok && v != e.ID {
				pv.Link, pv.Text = "/entiteiten/"+url.PathEscape(v), x.Caption+" ("+schemaName(x.Schema)+")"
			}
			row.Values = append(row.Values, pv)
		}
		for _, pr := range e.Provenance {
			if !slices.Contains(pr.Properties, p) {
				continue
			}
			i := slices.IndexFunc(row.Sources, func(x propSource) bool { return x.Source == pr.Source })
			if i < 0 {
				row.Sources = append(row.Sources, propSource{Source: pr.Source})
				i = len(row.Sources) - 1
			}
			src := &row.Sources[i]
			if pr.FetchedAt.After(src.FetchedAt) {
				src.FetchedAt = pr.FetchedAt
			}
			if !slices.Contains(src.SHA256s, pr.SHA256) {
				src.SHA256s = append(src.SHA256s, pr.SHA256)
			}
		}
		d.Rows = append(d.Rows, row)
	}
	ids := make([]string, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		x := all[id]
		if id == e.ID {
			continue
		}
		points := refersTo(x.Entity, e.ID)
		switch {
		case points && x.Schema == "Sanction":
			d.Screening = append(d.Screening, x)
		case points && x.Schema == "Publication":
			d.Publications = append(d.Publications, x)
		case points && x.Schema == "Domain":
			d.Websites = append(d.Websites, x)
		case points || refersTo(e.Entity, id):
			d.Related = append(d.Related, x)
		}
	}
}

func rank(p string) int {
	for i, x := range propOrder {
		if x == p {
			return i
		}
	}
	return len(propOrder)
}

func refersTo(e entity.Entity, id string) bool {
	for _, vs := range e.Properties {
		for _, v := range vs {
			if v == id {
				return true
			}
		}
	}
	return false
}

// captureValue reads an archiveCapture value: "RFC3339-time URL".
func captureValue(v string) propValue {
	at, link, _ := strings.Cut(v, " ")
	pv := propValue{Text: link, Web: webLink(link), Moment: at}
	if t, err := time.Parse(time.RFC3339, at); err == nil {
		pv.Moment = when(t)
	}
	return pv
}

// moment renders an RFC 3339 time from a property as Dutch local time.
func moment(v string) string {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return when(t)
	}
	return v
}

// history returns the archive captures of a Domain entity.
func history(e entityJSON) []propValue {
	var out []propValue
	for _, v := range e.Properties["archiveCapture"] {
		out = append(out, captureValue(v))
	}
	return out
}
