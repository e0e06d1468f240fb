package egress

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gocolly/colly/v2"
)

// gzipBomb is 64 MiB of zeros gzipped into about 64 KiB.
func gzipBomb(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for range 64 {
		zw.Write(zero)
	}
	zw.Close()
	return buf.Bytes()
}

// bombServer serves the same bomb three ways: as a gzip-encoded page (the
// transport inflates it), as a .xml.gz file and as application/gzip (colly
// would inflate those itself).
func bombServer(t *testing.T) (*httptest.Server, []byte) {
	bomb := gzipBomb(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/encoded", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	})
	mux.HandleFunc("/sitemap.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(bomb)
	})
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(bomb)
	})
	mux.HandleFunc("/brotli", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "br") // never asked for
		w.Write([]byte{0x1b, 0xff, 0xff})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, bomb
}

// The cap applies to the decoded body: a gzip bomb well under the cap on
// the wire is refused once inflating it passes the cap.
func TestGzipBombCappedAfterDecoding(t *testing.T) {
	srv, bomb := bombServer(t)
	const limit = 1 << 20
	if len(bomb) >= limit {
		t.Fatalf("bomb is %d bytes compressed; the test needs it under the cap", len(bomb))
	}
	c := labClient(t, Config{MaxResponseBytes: limit})
	_, err := c.Do(context.Background(), Request{Source: "t", URL: srv.URL + "/encoded"})
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Limit != limit {
		t.Fatalf("err = %v, want *TooLargeError{%d}", err, limit)
	}
	// A lower per-request cap holds the same way.
	_, err = c.Do(context.Background(), Request{Source: "t", URL: srv.URL + "/encoded", MaxBytes: 4096})
	if !errors.As(err, &tl) || tl.Limit != 4096 {
		t.Fatalf("MaxBytes 4096: err = %v, want *TooLargeError{4096}", err)
	}
	_, err = c.Do(context.Background(), Request{Source: "t", URL: srv.URL + "/brotli"})
	if err == nil || !strings.Contains(err.Error(), `content encoding "br" was not asked for`) {
		t.Fatalf("unasked brotli: err = %v", err)
	}
}

// colly inflates .xml.gz and gzip content types on its own, after our cap;
// through the bridge it must get the bytes as they came, never inflated.
func TestCollectorNeverInflatesPastTheCap(t *testing.T) {
	srv, bomb := bombServer(t)
	c := labClient(t, Config{MaxResponseBytes: 1 << 20})
	col := c.Collector("website")
	bodies := map[string]int{}
	col.OnResponse(func(r *colly.Response) { bodies[r.Request.URL.Path] = len(r.Body) })
	for _, p := range []string{"/sitemap.xml.gz", "/file"} {
		if err := col.Visit(srv.URL + p); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if bodies[p] != len(bomb) {
			t.Errorf("%s: colly saw %d bytes, want the %d bytes sent (not inflated)", p, bodies[p], len(bomb))
		}
	}
	err := col.Visit(srv.URL + "/encoded")
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Errorf("encoded bomb through colly: err = %v, want *TooLargeError", err)
	}
}
