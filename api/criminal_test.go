package api_test

import (
	"net/http"
	"testing"
)

// A purpose may allow a source that yields criminal-offence data (AVG art.
// 10) only when it permits such data.
func TestCriminalOffenceSourcesNeedPermission(t *testing.T) {
	f := newFixture(t)
	p := map[string]any{"id": "strafrecht", "name": "Met strafrechtelijke gegevens", "legal_basis": "AVG art. 6(1)(e)",
		"retention": "P1Y", "allowed_sources": []string{"kvk", "rdw"}}
	wantError(t, f.do("admin", "POST", "/api/v1/purposes", p), http.StatusBadRequest, "invalid_purpose",
		"rdw yields criminal-offence data", "criminal_offence_data")
	p["criminal_offence_data"] = true
	p["legal_basis"] = "AVG art. 6(1)(e) and art. 10; UAVG art. 33"
	f.call("admin", "POST", "/api/v1/purposes", p, http.StatusCreated)
	// Taking the permission away while the source stays allowed is refused too.
	p["criminal_offence_data"] = false
	delete(p, "id")
	wantError(t, f.do("admin", "PUT", "/api/v1/purposes/strafrecht", p), http.StatusBadRequest, "invalid_purpose", "rdw")
}
