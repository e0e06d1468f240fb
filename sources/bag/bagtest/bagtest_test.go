package bagtest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"verrijk/sources/bag/bagtest"
)

func numFound(t *testing.T, u string) (int, int) {
	t.Helper()
	resp, err := http.DefaultTransport.RoundTrip(mustReq(t, u))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Response struct{ NumFound int } `json:"response"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Response.NumFound
}

func mustReq(t *testing.T, u string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestBehavesLikePDOK(t *testing.T) {
	srv := bagtest.NewServer(t)
	free := func(q string, fq ...string) string {
		v := url.Values{"q": {q}, "fq": fq, "rows": {"10"}}
		return srv.URL + "/bzk/locatieserver/search/v3_1/free?" + v.Encode()
	}
	cases := []struct {
		url    string
		status int
		found  int
	}{
		{free("postcode:8823SJ and huisnummer:3", "type:adres", "huisletter:A"), 200, 1},
		{free("postcode:8823SJ and huisnummer:3", "type:adres", "huisletter:(A OR a)"), 200, 1},
		{free("postcode:8823SJ and huisnummer:3", "type:adres"), 200, 2},
		{free("postcode:1234AB and huisnummer:1", "type:adres"), 200, 0},
		{free("Hizzaarderlaan 3A Lollum", "type:adres"), 200, 2},
		{free("Kalverstraat 1 Amsterdam", "type:adres"), 200, 0},
		{srv.URL + "/free?q=x&foo=bar", 400, 0},
		{srv.URL + "/free?q=x&rows=1000", 400, 0},
		{srv.URL + "/lookup?id=adr-0a072b170a52946ef4f20cec3b2693e7", 200, 1},
		{srv.URL + "/lookup?id=adr-nope", 200, 0},
		{srv.URL + "/lookup?id=x&q=y", 400, 0},
	}
	for _, c := range cases {
		status, n := numFound(t, c.url)
		if status != c.status || n != c.found {
			t.Errorf("%s: %d numFound %d; want %d %d", c.url, status, n, c.status, c.found)
		}
	}
	if srv.RequestsTo("/lookup") != 3 {
		t.Errorf("counted %d lookups", srv.RequestsTo("/lookup"))
	}
}
