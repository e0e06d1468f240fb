package bekendmakingentest_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"verrijk/sources/bekendmakingen/bekendmakingentest"
)

type answer struct {
	NumberOfRecords string `xml:"numberOfRecords"`
	Diagnostic      string `xml:"diagnostics>diagnostic>uri"`
}

func get(t *testing.T, u string) (int, answer) {
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
	var a answer
	_ = xml.Unmarshal(body, &a)
	return resp.StatusCode, a
}

func TestBehavesLikeKOOP(t *testing.T) {
	srv := bekendmakingentest.NewServer(t)
	search := func(cql string, extra ...string) string {
		v := url.Values{"operation": {"searchRetrieve"}, "version": {"2.0"}, "query": {cql},
			"startRecord": {"1"}, "maximumRecords": {"50"}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return srv.URL + "/some/prefix/sru?" + v.Encode()
	}
	cases := []struct {
		url, records, diag string
		status             int
	}{
		{search(`cql.textAndIndexes="Test BV Donald"`), "2", "", 200},
		{search(`cql.textAndIndexes="test bv donald" AND c.product-area==officielepublicaties`), "2", "", 200},
		{search(`(cql.textAndIndexes="8823SJ" OR cql.textAndIndexes="8823 SJ") AND cql.textAndIndexes="3A"`), "3", "", 200},
		{search(`cql.textAndIndexes="68750110"`), "1", "", 200},
		{search(`cql.textAndIndexes="onbekend"`), "0", "", 200},
		{search(`cql.textAndIndexes="x"`, "x-connection", "oep", "httpAccept", "application/xml"), "0", "", 200},
		{search(`x`, "foo", "1"), "", "info:srw/diagnostic/1/8", 200},
		{search(`x`, "version", "3.0"), "", "info:srw/diagnostic/1/5", 200},
		{search(`x`, "maximumRecords", "5000"), "", "info:srw/diagnostic/1/6", 200},
		{search(`x`, "startRecord", "0"), "", "info:srw/diagnostic/1/6", 200},
		{search(``), "", "info:srw/diagnostic/1/7", 200},
		{search(`cql.textAndIndexes="open`), "", "info:srw/diagnostic/1/10", 200},
		{search(`(a AND b`), "", "info:srw/diagnostic/1/10", 200},
		{srv.URL + "/elders?query=x", "", "", 404},
	}
	for _, c := range cases {
		status, a := get(t, c.url)
		if status != c.status || strings.TrimSpace(a.NumberOfRecords) != c.records || a.Diagnostic != c.diag {
			t.Errorf("%s: %d %q %q; want %d %q %q", c.url, status, a.NumberOfRecords, a.Diagnostic, c.status, c.records, c.diag)
		}
	}
	if n := srv.RequestsTo("/sru"); n != len(cases)-1 {
		t.Errorf("counted %d requests to /sru", n)
	}
}

func TestKey(t *testing.T) {
	cases := map[string][]string{
		"test-bv-donald": {"Test BV Donald"},
		"8823sj_3a":      {"8823SJ", "8823 SJ", "3A"},
		"68750110":       {"68750110"},
		"":               {"", "  "},
		"café-de-leeuw":  {`Café "De Leeuw"`},
	}
	for want, terms := range cases {
		if got := bekendmakingentest.Key(terms); got != want {
			t.Errorf("Key(%q) = %q; want %q", terms, got, want)
		}
	}
}
