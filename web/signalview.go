package web

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// entitiesPerPage bounds one page of a signal's entities; the graph and
// the address list cover all of them (the graph up to maxGraphNodes).
const (
	entitiesPerPage = 100
	maxGraphNodes   = 400
)

// schemaOrder is the order of the entity groups on the signal page.
var schemaOrder = []string{"Company", "Person", "Address", "Vehicle", "Domain", "Website", "SocialProfile",
	"Publication", "Sanction"}

type subjectForm struct {
	Type, Value, Error string
}

type entityGroup struct {
	Schema   string
	Entities []entityJSON
}

type addressRow struct {
	ID, Caption, Postcode, City, Municipality, BagID, Object string
}

type crossNote struct {
	ID, Caption string
	Count       int
	Teams       []string
}

type signalViewData struct {
	Signal      signalJSON
	Subject     subjectForm
	SubjectKind []struct{ Value, Label string }
	HasPurpose  bool
	Total       int
	Groups      []entityGroup
	Pager       pager
	Addresses   []addressRow
	Cross       []crossNote
	Graph       graphJSON
	GraphCut    bool // more entities than the graph shows
	Counts      []schemaCount
	Indicators  indicatorList
}

type schemaCount struct {
	Schema string
	Count  int
}

func (u *ui) signalView(w http.ResponseWriter, r *http.Request, sess *session) {
	u.showSignal(w, r, sess, http.StatusOK, subjectForm{Type: "kvk"})
}

// showSignal renders the signal page: details, subjects (with the add form
// in state f), jobs, and under the session's purpose what was found.
func (u *ui) showSignal(w http.ResponseWriter, r *http.Request, sess *session, status int, f subjectForm) {
	id := r.PathValue("id")
	var d signalViewData
	if err := u.get(r, sess, "/api/v1/signals/"+esc(id), nil, &d.Signal); err != nil {
		u.apiFailed(w, r, sess, err)
		return
	}
	d.Subject, d.SubjectKind = f, subjectTypeNames
	if sess.purposeID != "" {
		d.HasPurpose = true
		var res struct {
			Entities []entityJSON `json:"entities"`
		}
		err := u.get(r, sess, "/api/v1/signals/"+esc(id)+"/entities", url.Values{"purpose_id": {sess.purposeID}}, &res)
		if err != nil {
			u.apiFailed(w, r, sess, err)
			return
		}
		d.fill(res.Entities, pageParam(r, "pagina"), *r.URL)
		if d.Indicators, err = u.indicators(r, sess, "/api/v1/signals/"+esc(id)+"/indicators"); err != nil {
			u.apiFailed(w, r, sess, err)
			return
		}
	}
	u.render(w, r, sess, status, "signal", page{Title: d.Signal.Title, Section: "signalen", Data: d})
}

// fill groups the entities by schema for one page, and builds the
// address list, the cross-signal notes and the graph over all of them.
func (d *signalViewData) fill(ents []entityJSON, pageNo int, base url.URL) {
	sort.SliceStable(ents, func(i, j int) bool {
		a, b := schemaRank(ents[i].Schema), schemaRank(ents[j].Schema)
		if a != b {
			return a < b
		}
		return strings.ToLower(ents[i].Caption) < strings.ToLower(ents[j].Caption)
	})
	d.Total = len(ents)
	counts := map[string]int{}
	for _, e := range ents {
		counts[e.Schema]++
		if e.Schema == "Address" {
			d.Addresses = append(d.Addresses, addressOf(e))
		}
		if e.OtherSignals.Count > 0 {
			d.Cross = append(d.Cross, crossNote{ID: e.ID, Caption: e.Caption, Count: e.OtherSignals.Count, Teams: e.OtherSignals.Teams})
		}
	}
	for _, e := range ents {
		if n, ok := counts[e.Schema]; ok {
			d.Counts = append(d.Counts, schemaCount{e.Schema, n})
			delete(counts, e.Schema)
		}
	}
	d.Pager = newPager(base, "pagina", pageNo, len(ents), entitiesPerPage)
	from := min((pageNo-1)*entitiesPerPage, len(ents))
	for _, e := range ents[from:min(from+entitiesPerPage, len(ents))] {
		if n := len(d.Groups); n == 0 || d.Groups[n-1].Schema != e.Schema {
			d.Groups = append(d.Groups, entityGroup{Schema: e.Schema})
		}
		g := &d.Groups[len(d.Groups)-1]
		g.Entities = append(g.Entities, e)
	}
	d.Graph, d.GraphCut = graphOf(ents)
}

func schemaRank(s string) int {
	if i := slices.Index(schemaOrder, s); i >= 0 {
		return i
	}
	return len(schemaOrder)
}

func first(e entityJSON, prop string) string {
	if v := e.Properties[prop]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func addressOf(e entityJSON) addressRow {
	return addressRow{ID: e.ID, Caption: e.Caption, Postcode: first(e, "postalCode"), City: first(e, "city"), Municipality: first(e, "municipality"),
		BagID: first(e, "bagId"), Object: first(e, "adresseerbaarObjectId")}
}

// graphOf relates entities through properties that hold another entity's
// id (a company's addressEntity, a publication that mentions it, a
// screening hit on it). Past maxGraphNodes the best-connected are kept.
func graphOf(ents []entityJSON) (graphJSON, bool) {
	byID := make(map[string]bool, len(ents))
	for _, e := range ents {
		byID[e.ID] = true
	}
	g := graphJSON{Nodes: []graphNode{}, Edges: []graphEdge{}}
	degree := map[string]int{}
	for _, e := range ents {
		props := make([]string, 0, len(e.Properties))
		for p := range e.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		for _, p := range props {
			for _, v := range e.Properties[p] {
				if v != e.ID && byID[v] {
					g.Edges = append(g.Edges, graphEdge{Source: e.ID, Target: v, Label: propLabel(p)})
					degree[e.ID]++
					degree[v]++
				}
			}
		}
	}
	keep := ents
	cut := len(ents) > maxGraphNodes
	if cut {
		keep = slices.Clone(ents)
		sort.SliceStable(keep, func(i, j int) bool { return degree[keep[i].ID] > degree[keep[j].ID] })
		keep = keep[:maxGraphNodes]
	}
	kept := make(map[string]bool, len(keep))
	for _, e := range keep {
		kept[e.ID] = true
		g.Nodes = append(g.Nodes, graphNode{ID: e.ID, Schema: e.Schema, Caption: clip(e.Caption, 60)})
	}
	if cut {
		edges := g.Edges[:0]
		for _, e := range g.Edges {
			if kept[e.Source] && kept[e.Target] {
				edges = append(edges, e)
			}
		}
		g.Edges = edges
	}
	return g, cut
}
