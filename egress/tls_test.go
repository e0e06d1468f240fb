package egress

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExtraCAFiles(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("secure"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}

	// Without the extra CA the server's certificate is not trusted.
	plain := labClient(t, Config{})
	if _, err := plain.Do(context.Background(), Request{Source: "t", URL: srv.URL}); err == nil {
		t.Error("untrusted certificate accepted")
	}
	c := labClient(t, Config{ExtraCAFiles: []string{caFile}})
	resp, err := c.Do(context.Background(), Request{Source: "t", URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "secure" {
		t.Errorf("body = %q", resp.Body)
	}

	junk := filepath.Join(dir, "junk.pem")
	os.WriteFile(junk, []byte("not a certificate"), 0o600)
	missing := filepath.Join(dir, "missing.pem")
	for _, f := range []string{junk, missing} {
		_, err := New(Config{ExtraCAFiles: []string{caFile, f}})
		if err == nil || !strings.Contains(err.Error(), f) || !strings.Contains(err.Error(), "egress.extra_ca_files[1]") {
			t.Errorf("%s: err = %v, want one naming the file and key", f, err)
		}
	}
}

func TestRefusesOldTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	srv.StartTLS()
	defer srv.Close()
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)
	c := labClient(t, Config{ExtraCAFiles: []string{caFile}})
	if _, err := c.Do(context.Background(), Request{Source: "t", URL: srv.URL}); err == nil {
		t.Error("TLS 1.1 server accepted")
	}
}
