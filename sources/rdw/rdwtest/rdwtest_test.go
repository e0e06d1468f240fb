package rdwtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"verrijk/sources/rdw/rdwtest"
)

type answer struct {
	status int
	rows   []map[string]string
	errMsg string
	raw    string
}

func get(t *testing.T, u, token string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("X-App-Token", token)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, raw: string(body)}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &a.rows); err != nil {
			t.Fatalf("%s: 200 with a body that is not an array of string-valued rows: %v", u, err)
		}
		return a
	}
	var e struct {
		Error   bool   `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil || !e.Error || e.Message == "" {
		t.Fatalf("%s: %d without Socrata's error body: %s", u, resp.StatusCode, body)
	}
	a.errMsg = e.Message
	return a
}

func TestBehavesLikeSocrata(t *testing.T) {
	srv := rdwtest.NewServer(t)
	veh := srv.URL + "/resource/m9d7-ebf2.json"
	fuel := srv.URL + "/api/prefix/resource/8ys7-d773.json"
	cases := []struct {
		url, token string
		status     int
		rows       int
		msg        string
	}{
		{veh + "?kenteken=6TJR64", "", 200, 1, ""},
		{veh + "?kenteken=6TJR64", rdwtest.TestAppToken, 200, 1, ""},
		{veh + "?kenteken=6TJR64&merk=NISSAN", "", 200, 1, ""},
		{veh + "?kenteken=6TJR64&merk=OPEL", "", 200, 0, ""},
		{veh + "?kenteken=1ABC23", "", 200, 0, ""},
		{veh + "?kenteken=6tjr64", "", 200, 0, ""}, // Socrata compares exactly
		{veh + "?kleur_onbekend=ROOD", "", 200, 0, ""},
		{veh, "", 200, 3, ""},
		{veh + "?$limit=2", "", 200, 2, ""},
		{veh + "?$limit=2&$offset=2", "", 200, 1, ""},
		{fuel + "?kenteken=XD494P", "", 200, 1, ""},
		{veh + "?kenteken=6TJR64&$foo=1", "", 400, 0, "Unrecognized arguments [$foo]"},
		{veh + "?$limit=x", "", 400, 0, "Invalid $limit value: x"},
		{veh + "?$where=merk='BMW'", "", 501, 0, "the replay does not evaluate $where"},
		{veh + "?kenteken=6TJR64", "wrong", 403, 0, "Invalid app_token specified"},
		{veh + "?kenteken=6TJR64&$$app_token=wrong", "", 403, 0, "Invalid app_token specified"},
		{veh + "?kenteken=6TJR64&$$app_token=" + rdwtest.TestAppToken, "", 200, 1, ""},
		{srv.URL + "/resource/abcd-1234.json", "", 404, 0, "Not found"},
		{srv.URL + "/m9d7-ebf2.json", "", 404, 0, "Not found"},
	}
	for _, c := range cases {
		a := get(t, c.url, c.token)
		if a.status != c.status || len(a.rows) != c.rows || a.errMsg != c.msg {
			t.Errorf("%s (token %q): %d, %d rows, %q; want %d, %d rows, %q",
				c.url, c.token, a.status, len(a.rows), a.errMsg, c.status, c.rows, c.msg)
		}
	}
	if srv.RequestsTo("/resource/m9d7-ebf2.json") != 16 {
		t.Errorf("counted %d vehicle requests", srv.RequestsTo("/resource/m9d7-ebf2.json"))
	}
}

func TestRowsComeInSocrataLayout(t *testing.T) {
	srv := rdwtest.NewServer(t)
	a := get(t, srv.URL+"/resource/m9d7-ebf2.json?$limit=2", "")
	if !strings.HasPrefix(a.raw, `[{"kenteken":"6TJR64","voertuigsoort":"Personenauto"`) || !strings.Contains(a.raw, "}\n,{") {
		t.Errorf("rows not laid out as Socrata does:\n%.300s", a.raw)
	}
	if a.rows[0]["datum_eerste_toelating_dt"] != "2014-03-06T00:00:00.000" {
		t.Errorf("recorded row changed: %v", a.rows[0])
	}
}

func TestThrottlesAnonymousCallers(t *testing.T) {
	srv := rdwtest.NewServer(t)
	srv.RequireToken = true
	u := srv.URL + "/resource/m9d7-ebf2.json?kenteken=6TJR64"
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("anonymous request gave %d (Retry-After %q); want 429 with Retry-After",
			resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if a := get(t, u, rdwtest.TestAppToken); a.status != http.StatusOK || len(a.rows) != 1 {
		t.Fatalf("with the token: %d, %d rows", a.status, len(a.rows))
	}
}
