package kvktest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"verrijk/sources/kvk"
	"verrijk/sources/kvk/kvktest"
)

func get(t *testing.T, url, key string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if key != "" {
		req.Header.Set("apikey", key)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Fout []struct{ Code string } `json:"fout"`
	}
	data, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(data, &body)
	code := ""
	if len(body.Fout) > 0 {
		code = body.Fout[0].Code
	}
	return resp.StatusCode, code
}

func TestBehavesLikeKvK(t *testing.T) {
	srv := kvktest.NewServer(t)
	cases := []struct {
		path, key string
		status    int
		code      string
	}{
		{"/v2/zoeken?kvkNummer=68750110", kvk.TestAPIKey, 200, ""},
		{"/test/api/v2/zoeken?kvkNummer=68750110", kvk.TestAPIKey, 200, ""}, // any prefix
		{"/v2/zoeken?kvkNummer=68750110", "", 401, "IPD0001"},
		{"/v2/zoeken?kvkNummer=68750110", "wrong", 401, "IPD0001"},
		{"/v2/zoeken?kvkNummer=68750110&straat=x", kvk.TestAPIKey, 400, "IPD1999"},
		{"/v2/zoeken?kvkNummer=123", kvk.TestAPIKey, 400, "IPD0004"},
		{"/v2/zoeken?postcode=8823SJ", kvk.TestAPIKey, 400, "IPD1998"},
		{"/v2/zoeken?kvkNummer=12345678", kvk.TestAPIKey, 404, "IPD5200"},
		{"/v2/zoeken?naam=Test%20BV%20Donald", kvk.TestAPIKey, 200, ""},
		{"/v1/basisprofielen/68750110?geoData=false", kvk.TestAPIKey, 200, ""},
		{"/v1/basisprofielen/68750110?geo=1", kvk.TestAPIKey, 400, "IPD1999"},
		{"/v1/basisprofielen/12345678", kvk.TestAPIKey, 404, "IPD0005"},
		{"/v1/basisprofielen/68750110/vestigingen", kvk.TestAPIKey, 200, ""},
		{"/v1/basisprofielen/68750110/vestigingen?geoData=false", kvk.TestAPIKey, 400, "IPD1999"},
		{"/v1/basisprofielen/68750110/eigenaar?geoData=false", kvk.TestAPIKey, 200, ""},
		{"/v1/basisprofielen/68750110/hoofdvestiging", kvk.TestAPIKey, 200, ""},
		{"/v1/basisprofielen/90000749/hoofdvestiging", kvk.TestAPIKey, 404, "IPD0005"},
		{"/v1/basisprofielen/68750110/functionarissen", kvk.TestAPIKey, 404, "IPD0001"},
		{"/v2/zoeken?kvkNummer=68750110&pagina=2", kvk.TestAPIKey, 404, "IPD5200"},
		{"/v2/zoeken?kvkNummer=68750110&pagina=0", kvk.TestAPIKey, 400, "IPD1999"},
		{"/v2/zoeken?kvkNummer=68750110&resultatenPerPagina=101", kvk.TestAPIKey, 400, "IPD1999"},
		{"/v2/zoeken?straatnaam=Hizzaarderlaan&plaats=Lollum", kvk.TestAPIKey, 200, ""},
		{"/v1/vestigingsprofielen/000037178598", kvk.TestAPIKey, 200, ""},
		{"/v1/vestigingsprofielen/000000000001", kvk.TestAPIKey, 404, "IPD0007"},
	}
	for _, c := range cases {
		status, code := get(t, srv.URL+c.path, c.key)
		if status != c.status || code != c.code {
			t.Errorf("%s (key %q): %d %s; want %d %s", c.path, c.key, status, code, c.status, c.code)
		}
	}
	if srv.Requests() != len(cases) || srv.RequestsTo("/v1/basisprofielen/") != 9 {
		t.Errorf("counted %d requests, %d basisprofielen", srv.Requests(), srv.RequestsTo("/v1/basisprofielen/"))
	}
}
