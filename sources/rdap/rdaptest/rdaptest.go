// Package rdaptest replays recorded RDAP answers at the real path
// …/domain/{name} under any prefix, and IANA's bootstrap file at
// BootstrapPath with every service URL pointed back at the replay server
// (https://rdap.verisign.com/com/v1/ becomes {server}/rdap.verisign.com/com/v1/),
// so a lookup routed through the bootstrap never leaves the machine. Like a
// real registry it answers 404 with an RFC 9083 error body for a name it
// does not hold and 400 for a malformed one. End-to-end tests and the
// offline demo point sources.rdap.base_url and bootstrap_url at it.
package rdaptest

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"regexp"
	"strings"

	"verrijk/sources/rdap"
	"verrijk/sources/replay"
)

// BootstrapPath is where the handler serves the bootstrap file.
const BootstrapPath = "/bootstrap/dns.json"

// Files are the recorded answers, for tests that read them directly.
func Files() fs.FS { return replay.Recordings(rdap.Recorded) }

// Handler serves the recorded answers and counts the requests it got.
type Handler struct {
	replay.Counter
}

// NewHandler returns a Handler.
func NewHandler() *Handler { return &Handler{} }

// ldhName is a domain in A-label form, as RDAP servers accept it.
var ldhName = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$`)

// ServeHTTP routes on the path's tail, so the handler works under any prefix.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Count(r.URL.Path)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeFile(w, http.StatusMethodNotAllowed, "errors/400.json")
		return
	}
	p := r.URL.Path
	switch {
	case p == BootstrapPath:
		serveBootstrap(w, r)
	case strings.Contains(p, "/domain/"):
		name := strings.ToLower(p[strings.LastIndex(p, "/domain/")+len("/domain/"):])
		name = strings.TrimSuffix(name, ".")
		if !ldhName.MatchString(name) || len(name) > 253 {
			writeFile(w, http.StatusBadRequest, "errors/400.json")
			return
		}
		if _, err := fs.Stat(Files(), "domain/"+name+".json"); err != nil {
			writeFile(w, http.StatusNotFound, "errors/404.json")
			return
		}
		writeFile(w, http.StatusOK, "domain/"+name+".json")
	default:
		writeFile(w, http.StatusNotFound, "errors/404.json")
	}
}

// serveBootstrap rewrites the recorded file's service URLs onto this server.
func serveBootstrap(w http.ResponseWriter, r *http.Request) {
	data, err := fs.ReadFile(Files(), "bootstrap/dns.json")
	if err != nil {
		http.Error(w, "missing recording", http.StatusInternalServerError)
		return
	}
	var f map[string]json.RawMessage
	var services [][][]string
	if json.Unmarshal(data, &f) != nil || json.Unmarshal(f["services"], &services) != nil {
		http.Error(w, "broken recording", http.StatusInternalServerError)
		return
	}
	self := "http://" + r.Host + "/"
	for _, svc := range services {
		urls := svc[len(svc)-1]
		for i, u := range urls {
			u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
			urls[i] = self + u
		}
	}
	f["services"], _ = json.Marshal(services)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	_ = enc.Encode(f)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out.Bytes())
}

func writeFile(w http.ResponseWriter, status int, name string) {
	data, err := fs.ReadFile(Files(), name)
	if err != nil {
		http.Error(w, "missing recording "+name, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/rdap+json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
