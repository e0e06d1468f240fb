package esfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"path"
	"strconv"
	"strings"
)

func (s *Server) template(w http.ResponseWriter, method, name string, body []byte) {
	switch method {
	case "GET":
		t, ok := s.templates[name]
		if !ok {
			writeError(w, 404, "resource_not_found_exception", "index template matching ["+name+"] not found", nil)
			return
		}
		writeJSON(w, 200, map[string]any{"index_templates": []any{map[string]any{"name": name, "index_template": templateAsStored(t)}}})
	case "PUT":
		var t map[string]any
		if err := json.Unmarshal(body, &t); err != nil {
			writeError(w, 400, "x_content_parse_exception", "[1:1] [index_template] failed to parse", nil)
			return
		}
		for k := range t {
			switch k {
			case "index_patterns", "template", "priority", "version", "_meta", "composed_of":
			default:
				writeError(w, 400, "x_content_parse_exception", fmt.Sprintf("[1:2] [index_template] unknown field [%s]", k), nil)
				return
			}
		}
		// Check now that an index made from it would be accepted, as
		// Elasticsearch validates a template's settings and mappings.
		tpl, _ := t["template"].(map[string]any)
		if _, err := buildIndex("validate", tpl, nil); err != nil {
			writeError(w, 400, "illegal_argument_exception", err.Error(), nil)
			return
		}
		if _, ok := t["composed_of"]; !ok {
			t["composed_of"] = []any{}
		}
		s.templates[name] = t
		writeJSON(w, 200, map[string]any{"acknowledged": true})
	default:
		writeError(w, 405, "illegal_argument_exception", "esfake does not implement "+method+" on index templates", nil)
	}
}

// templateAsStored renders a template as the get index template API
// does: settings under "index" (analysis included), scalar settings as
// strings.
func templateAsStored(t map[string]any) map[string]any {
	out := maps.Clone(t)
	tpl, _ := t["template"].(map[string]any)
	if tpl == nil {
		return out
	}
	tpl = maps.Clone(tpl)
	if set, ok := tpl["settings"].(map[string]any); ok {
		index := map[string]any{}
		for k, v := range set {
			if inner, ok := v.(map[string]any); ok && k == "index" {
				for ik, iv := range inner {
					index[ik] = stringify(iv)
				}
				continue
			}
			index[strings.TrimPrefix(k, "index.")] = stringify(v)
		}
		tpl["settings"] = map[string]any{"index": index}
	}
	out["template"] = tpl
	return out
}

// stringify turns the scalars of a settings tree into strings.
func stringify(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = stringify(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = stringify(x)
		}
		return out
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return v
}

// matchingTemplate is the highest-priority template whose patterns match
// name; composable templates do not merge.
func (s *Server) matchingTemplate(name string) map[string]any {
	var best map[string]any
	bestPriority := -1.0
	for _, tn := range sortedKeys(s.templates) {
		t := s.templates[tn]
		patterns, _ := t["index_patterns"].([]any)
		for _, p := range patterns {
			ps, _ := p.(string)
			if ok, _ := path.Match(ps, name); ok {
				pr, _ := t["priority"].(float64)
				if pr > bestPriority {
					best, bestPriority = t, pr
				}
			}
		}
	}
	if best == nil {
		return nil
	}
	tpl, _ := best["template"].(map[string]any)
	return tpl
}

// buildIndex makes an index from a template's part and the create body.
func buildIndex(name string, tpl, req map[string]any) (*esIndex, error) {
	settings := map[string]any{}
	var analysisSec map[string]any
	for _, src := range []map[string]any{tpl, req} {
		set, _ := src["settings"].(map[string]any)
		for k, v := range set {
			switch {
			case k == "index":
				inner, _ := v.(map[string]any)
				maps.Copy(settings, inner)
			case k == "analysis":
				analysisSec, _ = v.(map[string]any)
			case strings.HasPrefix(k, "index."):
				settings[strings.TrimPrefix(k, "index.")] = v
			default:
				settings[k] = v
			}
		}
		if inner, ok := settings["analysis"].(map[string]any); ok {
			analysisSec = inner
			delete(settings, "analysis")
		}
	}
	an, err := parseAnalysis(map[string]any{"analysis": analysisSec})
	if err != nil {
		return nil, err
	}
	var mappings map[string]any
	for _, src := range []map[string]any{tpl, req} {
		if m, ok := src["mappings"].(map[string]any); ok {
			mappings = m // the fake does not merge mappings; verrijk sends them in one place
		}
	}
	mp, err := parseMapping(mappings)
	if err != nil {
		return nil, err
	}
	for _, f := range mp.fields {
		if f.kind == "text" && f.analyzer != "" && f.analyzer != "standard" {
			if _, ok := an.analyzers[f.analyzer]; !ok {
				return nil, fmt.Errorf("analyzer [%s] has not been configured in mappings", f.analyzer)
			}
		}
		if f.kind == "keyword" && f.normalizer != "" {
			if _, ok := an.normalizers[f.normalizer]; !ok {
				return nil, fmt.Errorf("normalizer [%s] not found for field", f.normalizer)
			}
		}
	}
	return &esIndex{name: name, uuid: newUUID(), settings: settings, analysis: an, mapping: mp,
		aliases: map[string]aliasProps{}, docs: map[string]*doc{}, visible: map[string]*doc{}}, nil
}

// newIndex creates and registers an index, as the create index API or an
// auto-create by a bulk write does.
func (s *Server) newIndex(name string, req map[string]any) (*esIndex, error) {
	ix, err := buildIndex(name, s.matchingTemplate(name), req)
	if err != nil {
		return nil, err
	}
	aliases, _ := req["aliases"].(map[string]any)
	for alias, v := range aliases {
		props, _ := v.(map[string]any)
		var ap aliasProps
		if b, ok := props["is_write_index"].(bool); ok {
			ap.writeIndex = &b
		}
		if ap.writeIndex != nil && *ap.writeIndex {
			if other := s.writeIndexOf(alias); other != "" {
				return nil, fmt.Errorf("alias [%s] has more than one write index [%s,%s]", alias, other, name)
			}
		}
		ix.aliases[alias] = ap
	}
	s.indices[name] = ix
	return ix, nil
}

func (s *Server) createIndex(w http.ResponseWriter, name string, body []byte) {
	if name != strings.ToLower(name) {
		writeError(w, 400, "invalid_index_name_exception", "Invalid index name ["+name+"], must be lowercase", map[string]any{"index_uuid": "_na_", "index": name})
		return
	}
	if ix, ok := s.indices[name]; ok {
		writeError(w, 400, "resource_already_exists_exception", fmt.Sprintf("index [%s/%s] already exists", name, ix.uuid),
			map[string]any{"index_uuid": ix.uuid, "index": name})
		return
	}
	if s.isAlias(name) {
		writeError(w, 400, "invalid_index_name_exception", "Invalid index name ["+name+"], already exists as alias", map[string]any{"index_uuid": "_na_", "index": name})
		return
	}
	var req map[string]any
	if len(body) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			writeError(w, 400, "x_content_parse_exception", "[1:1] failed to parse create index request", nil)
			return
		}
	}
	if _, err := s.newIndex(name, req); err != nil {
		status, typ := 400, "illegal_argument_exception"
		if strings.Contains(err.Error(), "more than one write index") {
			typ = "illegal_state_exception"
		}
		writeError(w, status, typ, err.Error(), nil)
		return
	}
	writeJSON(w, 200, map[string]any{"acknowledged": true, "shards_acknowledged": true, "index": name})
}

func (s *Server) deleteIndex(w http.ResponseWriter, name string) {
	if _, ok := s.indices[name]; !ok {
		indexNotFound(w, name)
		return
	}
	delete(s.indices, name)
	writeJSON(w, 200, map[string]any{"acknowledged": true})
}

func (s *Server) isAlias(name string) bool {
	for _, ix := range s.indices {
		if _, ok := ix.aliases[name]; ok {
			return true
		}
	}
	return false
}

// writeIndexOf is the alias's write index: the one marked so, or its only
// index.
func (s *Server) writeIndexOf(alias string) string {
	var all []string
	for _, n := range sortedKeys(s.indices) {
		ap, ok := s.indices[n].aliases[alias]
		if !ok {
			continue
		}
		if ap.writeIndex != nil && *ap.writeIndex {
			return n
		}
		all = append(all, n)
	}
	if len(all) == 1 && s.indices[all[0]].aliases[alias].writeIndex == nil {
		return all[0]
	}
	return ""
}

// resolve expands a target (index, alias, pattern with *, comma list) to
// concrete indices; missing names (not patterns) are an error.
func (s *Server) resolve(target string) ([]*esIndex, string) {
	var out []*esIndex
	seen := map[string]bool{}
	for _, part := range strings.Split(target, ",") {
		found := false
		for _, n := range sortedKeys(s.indices) {
			ix := s.indices[n]
			_, aliased := ix.aliases[part]
			ok := n == part || aliased
			if strings.Contains(part, "*") {
				ok, _ = path.Match(part, n)
			}
			if ok {
				found = true
				if !seen[n] {
					seen[n] = true
					out = append(out, ix)
				}
			}
		}
		if !found && !strings.Contains(part, "*") {
			return nil, part
		}
	}
	return out, ""
}

func aliasJSON(ap aliasProps) map[string]any {
	out := map[string]any{}
	if ap.writeIndex != nil {
		out["is_write_index"] = *ap.writeIndex
	}
	return out
}

func (s *Server) getAlias(w http.ResponseWriter, alias string) {
	out := map[string]any{}
	for _, n := range sortedKeys(s.indices) {
		if ap, ok := s.indices[n].aliases[alias]; ok {
			out[n] = map[string]any{"aliases": map[string]any{alias: aliasJSON(ap)}}
		}
	}
	if len(out) == 0 {
		// The get alias API's own error shape: a string, not an object.
		writeJSON(w, 404, map[string]any{"error": "alias [" + alias + "] missing", "status": 404})
		return
	}
	writeJSON(w, 200, out)
}

func (s *Server) getIndexAliases(w http.ResponseWriter, target string) {
	ixs, missing := s.resolve(target)
	if missing != "" {
		indexNotFound(w, missing)
		return
	}
	out := map[string]any{}
	for _, ix := range ixs {
		aliases := map[string]any{}
		for a, ap := range ix.aliases {
			aliases[a] = aliasJSON(ap)
		}
		out[ix.name] = map[string]any{"aliases": aliases}
	}
	writeJSON(w, 200, out)
}

// updateAliases applies add and remove actions all or nothing.
func (s *Server) updateAliases(w http.ResponseWriter, body []byte) {
	var req struct {
		Actions []map[string]struct {
			Index        string `json:"index"`
			Alias        string `json:"alias"`
			IsWriteIndex *bool  `json:"is_write_index"`
		} `json:"actions"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Actions) == 0 {
		writeError(w, 400, "action_request_validation_exception", "Validation Failed: 1: no actions specified;", nil)
		return
	}
	// Work on copies, so a failing action leaves everything as it was.
	staged := map[string]map[string]aliasProps{}
	for n, ix := range s.indices {
		staged[n] = maps.Clone(ix.aliases)
	}
	for _, action := range req.Actions {
		for verb, a := range action {
			if _, ok := staged[a.Index]; !ok {
				indexNotFound(w, a.Index)
				return
			}
			switch verb {
			case "add":
				staged[a.Index][a.Alias] = aliasProps{writeIndex: a.IsWriteIndex}
			case "remove":
				if _, ok := staged[a.Index][a.Alias]; !ok {
					writeError(w, 404, "aliases_not_found_exception", "aliases ["+a.Alias+"] missing",
						map[string]any{"resource.type": "aliases", "resource.id": a.Alias})
					return
				}
				delete(staged[a.Index], a.Alias)
			default:
				writeError(w, 400, "illegal_argument_exception", "esfake does not implement alias action ["+verb+"]", nil)
				return
			}
		}
	}
	writers := map[string][]string{}
	for _, n := range sortedKeys(staged) {
		for a, ap := range staged[n] {
			if ap.writeIndex != nil && *ap.writeIndex {
				writers[a] = append(writers[a], n)
			}
		}
	}
	for a, ns := range writers {
		if len(ns) > 1 {
			writeError(w, 400, "illegal_state_exception", fmt.Sprintf("alias [%s] has more than one write index [%s]", a, strings.Join(ns, ",")), nil)
			return
		}
	}
	for n, aliases := range staged {
		s.indices[n].aliases = aliases
	}
	writeJSON(w, 200, map[string]any{"acknowledged": true, "errors": false})
}

func (s *Server) refreshAPI(w http.ResponseWriter, target string) {
	ixs, missing := s.resolve(target)
	if missing != "" {
		indexNotFound(w, missing)
		return
	}
	for _, ix := range ixs {
		ix.refresh()
	}
	writeJSON(w, 200, map[string]any{"_shards": shards(len(ixs))})
}

// indexUpdate reads a request that changes the target's indices: the
// indices and the JSON body, or false once it has answered with an error.
func (s *Server) indexUpdate(w http.ResponseWriter, target string, body []byte, what string) ([]*esIndex, map[string]any, bool) {
	ixs, missing := s.resolve(target)
	if missing != "" {
		indexNotFound(w, missing)
		return nil, nil, false
	}
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, 400, "x_content_parse_exception", "[1:1] failed to parse "+what, nil)
		return nil, nil, false
	}
	return ixs, req, true
}

func (s *Server) putSettings(w http.ResponseWriter, target string, body []byte) {
	ixs, req, ok := s.indexUpdate(w, target, body, "settings")
	if !ok {
		return
	}
	set := req
	if inner, ok := req["index"].(map[string]any); ok {
		set = inner
	}
	for k := range set {
		if k != "refresh_interval" {
			writeError(w, 400, "illegal_argument_exception", "esfake does not implement updating setting [index."+k+"]", nil)
			return
		}
	}
	for _, ix := range ixs {
		for k, v := range set {
			if v == nil {
				delete(ix.settings, k) // null resets to the default
			} else {
				ix.settings[k] = v
			}
		}
	}
	writeJSON(w, 200, map[string]any{"acknowledged": true})
}
