package kvktest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
)

// basisprofiel answers /v1/basisprofielen/{n}[/sub]. The service's
// /eigenaar and /hoofdvestiging are the objects its Basisprofiel embeds,
// so they are served from the recorded profile's _embedded.
func basisprofiel(w http.ResponseWriter, q url.Values, n, sub string) {
	switch sub {
	case "":
		profile(w, q, "basisprofielen", n, kvkNumber, "IPD0004", "IPD0005", "KVK-nummer", ProfileParams)
	case "vestigingen":
		profile(w, q, "vestigingen", n, kvkNumber, "IPD0004", "IPD0005", "KVK-nummer", nil)
	case "eigenaar", "hoofdvestiging":
		if bad := unknownParams(q, ProfileParams); len(bad) > 0 {
			writeFout(w, http.StatusBadRequest, "IPD1999",
				fmt.Sprintf("De volgende opgegeven parameter(s) is(zijn) ongeldig: %v", bad))
			return
		}
		if !kvkNumber.MatchString(n) {
			writeFout(w, http.StatusBadRequest, "IPD0004", "Het opgegeven KVK-nummer is niet valide.")
			return
		}
		if part := embedded(n, sub); part != nil {
			w.Header().Set("Content-Type", "application/hal+json")
			_, _ = w.Write(part)
			return
		}
		writeFout(w, http.StatusNotFound, "IPD0005",
			fmt.Sprintf("Op basis van het KVK-nummer %s kan het product niet worden geleverd.", n))
	default:
		writeFout(w, http.StatusNotFound, "IPD0001", "Het gevraagde product bestaat niet.")
	}
}

// embedded returns the _embedded part of a recorded Basisprofiel, or nil.
func embedded(n, part string) []byte {
	data, err := fs.ReadFile(recorded, "testdata/basisprofielen/"+n+".json")
	if err != nil {
		return nil
	}
	var p struct {
		Embedded map[string]json.RawMessage `json:"_embedded"`
	}
	if json.Unmarshal(data, &p) != nil || len(p.Embedded[part]) == 0 || string(p.Embedded[part]) == "null" {
		return nil
	}
	return p.Embedded[part]
}
