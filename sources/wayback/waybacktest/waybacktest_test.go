package waybacktest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"verrijk/sources/wayback/waybacktest"
)

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// table decodes a JSON answer; -1 rows means it was not one.
func table(body string) ([]string, [][]string) {
	var rows [][]string
	if json.Unmarshal([]byte(body), &rows) != nil {
		return nil, nil
	}
	if len(rows) == 0 {
		return nil, [][]string{}
	}
	return rows[0], rows[1:]
}

func TestBehavesLikeTheCDXServer(t *testing.T) {
	srv := waybacktest.NewServer(t)
	cdx := func(params ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(params); i += 2 {
			v.Add(params[i], params[i+1])
		}
		return srv.URL + "/cdx/search/cdx?" + v.Encode()
	}
	cases := []struct {
		name   string
		url    string
		status int
		rows   int // -1: not a JSON table
		first  string
	}{
		{"domain", cdx("url", "testbvdonald.nl", "matchType", "domain", "output", "json"), 200, 10, "20160312094512"},
		{"domain shorthand", cdx("url", "*.testbvdonald.nl", "output", "json"), 200, 10, "20160312094512"},
		{"exact ignores scheme and www", cdx("url", "https://www.testbvdonald.nl/", "output", "json"), 200, 6, "20160312094512"},
		{"exact page", cdx("url", "http://testbvdonald.nl/contact", "output", "json"), 200, 3, "20170605201140"},
		{"host", cdx("url", "webshop.testbvdonald.nl", "matchType", "host", "output", "json"), 200, 1, "20210817150301"},
		{"domain of a subdomain", cdx("url", "webshop.testbvdonald.nl", "matchType", "domain", "output", "json"), 200, 1, "20210817150301"},
		{"prefix", cdx("url", "testbvdonald.nl/contact", "matchType", "prefix", "output", "json"), 200, 3, "20170605201140"},
		{"prefix shorthand", cdx("url", "testbvdonald.nl/con*", "output", "json"), 200, 3, "20170605201140"},
		{"unknown matchType is exact", cdx("url", "testbvdonald.nl", "matchType", "everything", "output", "json"), 200, 6, "20160312094512"},
		{"first N", cdx("url", "zew.de", "output", "json", "limit", "500"), 200, 500, "19970427191925"},
		{"last N", cdx("url", "zew.de", "output", "json", "limit", "-1", "fastLatest", "true"), 200, 1, "20220908085926"},
		{"bad limit ignored", cdx("url", "testbvdonald.nl", "output", "json", "limit", "x"), 200, 6, "20160312094512"},
		{"unknown parameter ignored", cdx("url", "testbvdonald.nl", "output", "json", "foo", "bar"), 200, 6, "20160312094512"},
		{"unknown url", cdx("url", "onbekend.nl", "output", "json"), 200, 0, ""},
		{"url required", cdx("output", "json"), 400, -1, ""},
		{"blocked", cdx("url", "nationalpost.com", "matchType", "domain", "output", "json"), 403, -1, ""},
		{"other path", srv.URL + "/wayback/available?url=x", 404, -1, ""},
	}
	for _, c := range cases {
		status, body := get(t, c.url)
		header, rows := table(body)
		n := len(rows)
		if rows == nil {
			n = -1
		}
		if status != c.status || n != c.rows {
			t.Errorf("%s: %d with %d rows; want %d with %d\n%.200s", c.name, status, n, c.status, c.rows, body)
			continue
		}
		if n > 0 && (rows[0][0] != c.first || strings.Join(header, ",") != "timestamp,original,statuscode,digest") {
			t.Errorf("%s: header %v, first row %v; want first %s", c.name, header, rows[0], c.first)
		}
	}
	if got := srv.RequestsTo("/cdx/search/cdx"); got != len(cases)-1 {
		t.Errorf("counted %d CDX requests; want %d", got, len(cases)-1)
	}
}

func TestFieldsAndTextOutput(t *testing.T) {
	srv := waybacktest.NewServer(t)
	_, body := get(t, srv.URL+"/cdx/search/cdx?url=testbvdonald.nl/contact&fl=statuscode,timestamp&output=json")
	header, rows := table(body)
	if strings.Join(header, ",") != "statuscode,timestamp" || len(rows) != 3 || rows[2][0] != "404" {
		t.Errorf("fl projection gave %s", body)
	}
	_, body = get(t, srv.URL+"/cdx/search/cdx?url=testbvdonald.nl/contact&fl=timestamp,statuscode")
	if lines := strings.Split(strings.TrimSpace(body), "\n"); len(lines) != 3 || lines[0] != "20170605201140 200" {
		t.Errorf("text output %q", body)
	}
}

func TestSplitAndKey(t *testing.T) {
	cases := map[string]string{
		"testbvdonald.nl":                     "testbvdonald.nl",
		"HTTPS://WWW.TestBVDonald.nl:443/":    "testbvdonald.nl",
		"https://www.testbvdonald.nl/contact": "testbvdonald.nl_contact",
		"http://testbvdonald.nl/a/b?x=1":      "testbvdonald.nl_a_b_x_1",
		"testbvdonald.nl?x":                   "testbvdonald.nl__x",
	}
	for in, want := range cases {
		if got := waybacktest.Key(waybacktest.Split(in)); got != want {
			t.Errorf("Key(Split(%q)) = %q; want %q", in, got, want)
		}
	}
}
