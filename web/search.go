package web

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"verrijk/pipeline/entity"
)

// searchPageSize is the index's default page size, which the API uses.
const searchPageSize = 20

type searchHit struct {
	entity.Entity
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights"`
	SameAs     []string            `json:"same_as"`
}

type facetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

type searchResult struct {
	Total  int                     `json:"total"`
	Hits   []searchHit             `json:"hits"`
	Facets map[string][]facetCount `json:"facets"`
}

// fragment is one piece of a highlight: text, marked or not.
type fragment struct {
	Text   string
	Marked bool
}

type facetView struct {
	Key, Label string
	Values     []facetLink
}

type facetLink struct {
	Value, Label, Href string
	Count              int
	Active             bool
	Clickable          bool
}

type searchData struct {
	Query, Schema, Source, From, To, Sort string
	// All lists everything the team's signals hold under the purpose,
	// without search text ("Alles tonen").
	All      bool
	Searched bool
	Result   searchResult
	Snippets map[string][][]fragment
	Facets   []facetView
	Pager    pager
	Error    string
}

// facetLabels and which facets the API can filter on (the others are
// shown as counts).
var facetLabels = []struct {
	Key, Label, Param string
}{
	{"schema", "Soort", "soort"},
	{"source", "Bron", "bron"},
	{"municipality", "Gemeente", ""},
	{"sbi_section", "Branche (SBI-sectie)", ""},
}

func (u *ui) searchPage(w http.ResponseWriter, r *http.Request, sess *session) {
	if !u.needPurpose(w, r, sess) {
		return
	}
	in := r.URL.Query()
	d := searchData{Query: strings.TrimSpace(in.Get("q")), Schema: in.Get("soort"), Source: in.Get("bron"),
		From: in.Get("van"), To: in.Get("tot"), Sort: in.Get("sortering"), All: in.Get("alles") == "1"}
	n := pageParam(r, "pagina")
	if d.Query != "" || d.Schema != "" || d.Source != "" || d.All {
		d.Searched = true
		q := url.Values{"purpose_id": {sess.purposeID}, "q": {d.Query}, "page": {strconv.Itoa(n)}}
		for k, v := range map[string]string{"schema": d.Schema, "source": d.Source, "date_from": d.From,
			"date_to": d.To, "sort": d.Sort} {
			if v != "" {
				q.Set(k, v)
			}
		}
		if err := u.get(r, sess, "/api/v1/search", q, &d.Result); err != nil {
			if !isInputError(err) {
				u.apiFailed(w, r, sess, err)
				return
			}
			d.Error = errorText(err)
		}
		d.Snippets = map[string][][]fragment{}
		for _, h := range d.Result.Hits {
			for _, key := range []string{"caption", "text"} {
				for _, f := range h.Highlights[key] {
					d.Snippets[h.ID] = append(d.Snippets[h.ID], splitMarks(f))
				}
			}
		}
		d.Facets = facetViews(*r.URL, d.Result.Facets)
		d.Pager = newPager(*r.URL, "pagina", n, min(d.Result.Total, 1000*searchPageSize), searchPageSize)
	}
	u.render(w, r, sess, http.StatusOK, "search", page{Title: "Zoeken", Section: "zoeken", Data: d})
}

// splitMarks reads a highlight fragment, HTML in which only <mark> tags
// are markup, into plain pieces; the template escapes them again, so a
// fragment is never inserted as markup, whatever the index sent.
func splitMarks(f string) []fragment {
	var out []fragment
	for f != "" {
		open := strings.Index(f, "<mark>")
		if open < 0 {
			out = append(out, fragment{Text: html.UnescapeString(f)})
			break
		}
		if open > 0 {
			out = append(out, fragment{Text: html.UnescapeString(f[:open])})
		}
		f = f[open+len("<mark>"):]
		end := strings.Index(f, "</mark>")
		if end < 0 {
			end = len(f)
		}
		out = append(out, fragment{Text: html.UnescapeString(f[:end]), Marked: true})
		f = strings.TrimPrefix(f[end:], "</mark>")
	}
	return out
}

func facetViews(base url.URL, facets map[string][]facetCount) []facetView {
	var out []facetView
	for _, fl := range facetLabels {
		values := facets[fl.Key]
		if len(values) == 0 {
			continue
		}
		v := facetView{Key: fl.Key, Label: fl.Label}
		for _, fc := range values {
			link := facetLink{Value: fc.Value, Label: fc.Value, Count: fc.Count}
			switch fl.Key {
			case "schema":
				link.Label = schemaName(fc.Value)
			case "source":
				link.Label = sourceName(fc.Value)
			}
			if fl.Param != "" {
				q := base.Query()
				link.Active = q.Get(fl.Param) == fc.Value
				if link.Active {
					q.Del(fl.Param)
				} else {
					q.Set(fl.Param, fc.Value)
				}
				q.Del("pagina")
				b := base
				b.RawQuery = q.Encode()
				link.Href, link.Clickable = b.RequestURI(), true
			}
			v.Values = append(v.Values, link)
		}
		out = append(out, v)
	}
	return out
}
