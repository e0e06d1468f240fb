package esfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// bulk runs index, create and delete actions in order; each answers for
// itself, as in Elasticsearch, and the request as a whole succeeds.
func (s *Server) bulk(w http.ResponseWriter, r *http.Request, body []byte) {
	refresh := r.URL.Query().Get("refresh")
	if _, set := r.URL.Query()["refresh"]; set && refresh == "" {
		refresh = "true"
	}
	switch refresh {
	case "", "false", "true", "wait_for":
	default:
		writeError(w, 400, "illegal_argument_exception", "Unknown value for refresh: ["+refresh+"].", nil)
		return
	}
	lines := bytes.Split(body, []byte("\n"))
	if len(body) == 0 || body[len(body)-1] != '\n' {
		writeError(w, 400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]", nil)
		return
	}
	if refresh == "wait_for" {
		if name := s.unrefreshedTarget(lines); name != "" {
			// Elasticsearch would not answer until something refreshed the
			// index: a request that can hang. The fake refuses it instead.
			writeError(w, 400, "illegal_argument_exception", "esfake: refresh=wait_for on ["+name+
				"], whose refresh_interval is -1, would wait until something else refreshes it", nil)
			return
		}
	}
	var items []any
	touched := map[*esIndex]bool{}
	errs := false
	for i := 0; i < len(lines); i++ {
		if len(bytes.TrimSpace(lines[i])) == 0 {
			continue
		}
		var meta map[string]struct {
			Index string `json:"_index"`
			ID    string `json:"_id"`
		}
		if err := json.Unmarshal(lines[i], &meta); err != nil || len(meta) != 1 {
			writeError(w, 400, "illegal_argument_exception", "Malformed action/metadata line ["+strconv.Itoa(i+1)+"]", nil)
			return
		}
		for action, m := range meta {
			var source []byte
			if action == "index" || action == "create" {
				i++
				if i >= len(lines) || len(bytes.TrimSpace(lines[i])) == 0 {
					writeError(w, 400, "illegal_argument_exception", "esfake: action "+action+" without a source line", nil)
					return
				}
				source = lines[i]
			} else if action != "delete" {
				writeError(w, 400, "illegal_argument_exception", "esfake does not implement bulk action ["+action+"]", nil)
				return
			}
			item, ix := s.bulkItem(action, m.Index, m.ID, source)
			if ix != nil {
				touched[ix] = true
			}
			if _, failed := item["error"]; failed {
				errs = true
			}
			items = append(items, map[string]any{action: item})
		}
	}
	if refresh == "true" || refresh == "wait_for" {
		for ix := range touched {
			ix.refresh()
		}
	}
	writeJSON(w, 200, map[string]any{"took": 3, "errors": errs, "items": items})
}

// unrefreshedTarget names an existing index the bulk writes to whose
// refresh_interval is -1, or "".
func (s *Server) unrefreshedTarget(lines [][]byte) string {
	for _, line := range lines {
		var meta map[string]struct {
			Index string `json:"_index"`
		}
		if json.Unmarshal(line, &meta) != nil {
			continue
		}
		for action, m := range meta {
			if action != "index" && action != "create" && action != "delete" {
				continue
			}
			name := m.Index
			if s.indices[name] == nil {
				name = s.writeIndexOf(name)
			}
			if ix := s.indices[name]; ix != nil && ix.settings["refresh_interval"] == "-1" {
				return name
			}
		}
	}
	return ""
}

func (s *Server) bulkItem(action, target, id string, source []byte) (map[string]any, *esIndex) {
	fail := func(index string, status int, typ, reason string, extra map[string]any) map[string]any {
		e := map[string]any{"type": typ, "reason": reason}
		for k, v := range extra {
			e[k] = v
		}
		return map[string]any{"_index": index, "_id": id, "status": status, "error": e}
	}
	if id == "" {
		return fail(target, 400, "action_request_validation_exception", "Validation Failed: 1: an id is required;", nil), nil
	}
	ix := s.indices[target]
	if ix == nil {
		if w := s.writeIndexOf(target); w != "" {
			ix = s.indices[w]
		} else if s.isAlias(target) {
			return fail(target, 400, "illegal_argument_exception", "no write index is defined for alias ["+target+"]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index", nil), nil
		}
	}
	if ix == nil {
		if action == "delete" {
			return fail(target, 404, "index_not_found_exception", "no such index ["+target+"]",
				map[string]any{"resource.type": "index_expression", "resource.id": target, "index_uuid": "_na_", "index": target}), nil
		}
		// action.auto_create_index is on by default: templates apply.
		var err error
		if ix, err = s.newIndex(target, nil); err != nil {
			return fail(target, 400, "illegal_argument_exception", err.Error(), nil), nil
		}
	}
	if s.rejects > 0 {
		s.rejects--
		return fail(ix.name, 429, "es_rejected_execution_exception",
			"rejected execution of primary operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, primary_operation_bytes=512, max_coordinating_and_primary_bytes=0]", nil), ix
	}
	ok := func(result string, status, version int) map[string]any {
		ix.seqNo++
		return map[string]any{"_index": ix.name, "_id": id, "_version": version, "result": result,
			"_shards": map[string]any{"total": 1, "successful": 1, "failed": 0},
			"_seq_no": ix.seqNo - 1, "_primary_term": 1, "status": status}
	}
	old := ix.docs[id]
	switch action {
	case "delete":
		if old == nil {
			return ok("not_found", 404, 1), ix
		}
		delete(ix.docs, id)
		return ok("deleted", 200, old.version+1), ix
	case "create":
		if old != nil {
			return fail(ix.name, 409, "version_conflict_engine_exception",
				"["+id+"]: version conflict, document already exists (current version ["+strconv.Itoa(old.version)+"])",
				map[string]any{"index_uuid": ix.uuid, "shard": "0", "index": ix.name}), ix
		}
	}
	d, derr := ix.parseDoc(id, source)
	if derr != nil {
		var extra map[string]any
		if derr.causedBy != nil {
			extra = map[string]any{"caused_by": derr.causedBy}
		}
		return fail(ix.name, derr.status, derr.typ, derr.reason, extra), ix
	}
	if old == nil {
		d.version = 1
		ix.docs[id] = d
		return ok("created", 201, 1), ix
	}
	d.version = old.version + 1
	ix.docs[id] = d
	return ok("updated", 200, d.version), ix
}
