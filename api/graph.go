package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"verrijk/audit"
	"verrijk/graph"
	"verrijk/pipeline/entity"
	"verrijk/store"
)

// Graph routes: the network of a signal's entities, or of the entities
// around one entity up to depth relations away, as JSON for the web UI or,
// with ?format=gexf / ?format=ftm, as a file for Gephi or Aleph. They
// follow the rules of the entity routes: a purpose, the caller's team's
// signals only (an entity graph does not walk through entities the caller
// may not see), an audit entry before the answer.

type graphAnswer struct {
	graph.Graph
	// Truncated says the entity graph reached graph.MaxNodes.
	Truncated bool `json:"truncated"`
}

func (s *server) signalGraph(w http.ResponseWriter, r *http.Request) {
	purpose, ok := s.purposeFor(w, r, r.URL.Query().Get("purpose_id"))
	if !ok {
		return
	}
	format, ok := graphFormat(w, r)
	if !ok {
		return
	}
	sigID := r.PathValue("id")
	if !s.allowSignal(w, r, sigID, "signal", sigID) {
		return
	}
	ents, err := s.Store.SignalEntities(r.Context(), sigID, purpose.ID)
	if err != nil {
		s.writeStoreError(w, r, "entities", err)
		return
	}
	s.writeGraph(w, r, purpose, "signal", sigID, format, ents, false)
}

func (s *server) entityGraph(w http.ResponseWriter, r *http.Request) {
	purpose, ok := s.purposeFor(w, r, r.URL.Query().Get("purpose_id"))
	if !ok {
		return
	}
	format, ok := graphFormat(w, r)
	if !ok {
		return
	}
	depth := 1
	if d := r.URL.Query().Get("depth"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > graph.MaxDepth {
			writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("depth must be a whole number from 0 to %d", graph.MaxDepth))
			return
		}
		depth = n
	}
	id := r.PathValue("id")
	start, teams, ok := s.visibleEntity(w, r, purpose, id, "")
	if !ok {
		return
	}
	cache := newTeamCache(teams)
	var keepErr error
	keep := func(e entity.Entity) bool {
		ok, err := cache.visible(r, s.Store, e, purpose.ID)
		if err != nil && keepErr == nil {
			keepErr = err
		}
		return ok
	}
	ents, truncated, err := graph.Walk(r.Context(), s.Store, start, depth, graph.MaxNodes, keep)
	if err == nil {
		err = keepErr
	}
	if err != nil {
		s.writeStoreError(w, r, "graph", err)
		return
	}
	s.writeGraph(w, r, purpose, "entity", id, format, ents, truncated)
}

// graphFormat reads ?format: "" or json, gexf, ftm.
func graphFormat(w http.ResponseWriter, r *http.Request) (string, bool) {
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
		return "json", true
	case "gexf", "ftm":
		return f, true
	default:
		writeError(w, http.StatusBadRequest, "bad_request", "format must be json, gexf or ftm")
		return "", false
	}
}

// writeGraph records the read and answers the graph of ents in format.
func (s *server) writeGraph(w http.ResponseWriter, r *http.Request, purpose store.Purpose, objectType, objectID, format string,
	ents []entity.Entity, truncated bool) {
	g := graph.Build(ents)
	var body bytes.Buffer
	skipped := 0
	var err error
	switch format {
	case "gexf":
		err = graph.WriteGEXF(&body, g, fmt.Sprintf("verrijk %s %s, purpose %s", objectType, objectID, purpose.ID), time.Now())
	case "ftm":
		skipped, err = graph.WriteFtM(&body, ents)
	}
	if err != nil {
		s.writeStoreError(w, r, "graph export", err)
		return
	}
	if !s.record(w, r, audit.Entry{Action: audit.ActionEntityRead, ObjectType: objectType, ObjectID: objectID,
		PurposeID: purpose.ID, ProcessingActivity: purpose.ProcessingActivity,
		Detail: fmt.Sprintf("graph as %s: %d nodes, %d edges: %s", format, len(g.Nodes), len(g.Edges), entityIDs(ents))}) {
		return
	}
	if format == "json" {
		writeJSON(w, http.StatusOK, graphAnswer{Graph: g, Truncated: truncated})
		return
	}
	name := "verrijk-" + objectType + "-" + fileSafe(objectID)
	h := w.Header()
	if format == "gexf" {
		h.Set("Content-Type", "application/gexf+xml; charset=utf-8")
		name += ".gexf"
	} else {
		h.Set("Content-Type", "application/x-ndjson; charset=utf-8")
		h.Set("X-Verrijk-Skipped-Entities", strconv.Itoa(skipped))
		name += ".ftm.jsonl"
	}
	if truncated {
		h.Set("X-Verrijk-Truncated", "true")
	}
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body.Bytes())
}

// fileSafe keeps letters, digits, '-' and '_' of an id for a file name.
func fileSafe(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, id)
}
