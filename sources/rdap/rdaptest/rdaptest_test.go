package rdaptest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"verrijk/sources/rdap"
	"verrijk/sources/rdap/rdaptest"
)

func get(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultTransport.RoundTrip(mustReq(t, u))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func mustReq(t *testing.T, u string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestBehavesLikeARegistry(t *testing.T) {
	srv := rdaptest.NewServer(t)
	cases := []struct {
		path   string
		status int
		want   string
	}{
		{"/domain/voorbeeldbedrijf.nl", 200, `"ldhName": "voorbeeldbedrijf.nl"`},
		{"/rdap.verisign.com/com/v1/domain/EXAMPLE.COM", 200, `"handle": "2336799_DOMAIN_COM-VRSN"`},
		{"/domain/example.cz", 200, `"port43": "whois.nic.cz"`},
		{"/domain/bestaatniet.nl", 404, `"errorCode": 404`},
		{"/domain/not a domain", 400, `"errorCode": 400`},
		{"/nameserver/ns1.example.nl", 404, `"errorCode": 404`},
	}
	for _, c := range cases {
		status, body := get(t, srv.URL+c.path)
		if status != c.status || !strings.Contains(string(body), c.want) {
			t.Errorf("%s: %d %.80s; want %d with %s", c.path, status, body, c.status, c.want)
		}
	}
	if srv.RequestsTo("/domain/") != 5 {
		t.Errorf("counted %d domain requests", srv.RequestsTo("/domain/"))
	}
}

func TestBootstrapPointsAtTheServer(t *testing.T) {
	srv := rdaptest.NewServer(t)
	status, body := get(t, srv.BootstrapURL())
	if status != 200 {
		t.Fatalf("bootstrap: %d", status)
	}
	services, err := rdap.ParseBootstrap(body)
	if err != nil {
		t.Fatal(err)
	}
	if got := services["com"]; got != srv.URL+"/rdap.verisign.com/com/v1" {
		t.Errorf("com → %q", got)
	}
	var f struct{ Publication string }
	_ = json.Unmarshal(body, &f)
	if f.Publication != "2021-05-11T21:00:02Z" || len(services) < 5 {
		t.Errorf("rewritten file lost content: %q, %d services", f.Publication, len(services))
	}
	for tld, base := range services {
		if !strings.HasPrefix(base, srv.URL+"/") {
			t.Errorf("%s → %s leaves the replay server", tld, base)
		}
	}
}
