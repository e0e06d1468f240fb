package subject

import (
	"strings"
	"testing"
)

func TestParseDomain(t *testing.T) {
	long := strings.Repeat("a", 63) + "."
	runParseCases(t, Domain, []parseCase{
		{in: "example.nl", want: "example.nl"},
		{in: " Example.NL ", want: "example.nl"},
		{in: "example.nl.", want: "example.nl"},
		{in: "www.example.co.uk", want: "www.example.co.uk"},
		{in: "foo.github.io", want: "foo.github.io"}, // private suffix
		{in: "bücher.nl", want: "xn--bcher-kva.nl"},
		{in: "xn--bcher-kva.nl", want: "xn--bcher-kva.nl"},
		{in: "ｅｘａｍｐｌｅ.nl", want: "example.nl"},        // full-width mapped as browsers do
		{in: "еxample.nl", want: "xn--xample-2of.nl"}, // Cyrillic е: visible as punycode
		{in: "straße.de", want: "xn--strae-oqa.de"},   // non-transitional

		{in: "https://example.nl", problem: "without http://"},
		{in: "example.nl/path", problem: "without path"},
		{in: "example.nl:443", problem: "without path, port"},
		{in: "user@example.nl", problem: "bare domain"},
		{in: "exa mple.nl", problem: "bare domain"},
		{in: "localhost", problem: "public suffix"},
		{in: "example.invalidtld", problem: "known public suffix"},
		{in: "co.uk", problem: "public suffix itself"},
		{in: "nl", problem: "public suffix"},
		{in: "-example.nl", problem: "not a valid domain"},
		{in: "exa_mple.nl", problem: "not a valid domain"},
		{in: "example..nl", problem: "label"},
		{in: ".example.nl", problem: "label"},
		{in: "exam\u200bple.nl", problem: "invisible"}, // zero-width space
		{in: "exam\u00adple.nl", problem: "invisible"}, // soft hyphen
		{in: "exam\u202eple.nl", problem: "invisible"}, // bidi override
		{in: "example.nl\x00", problem: "control"},
		{in: strings.Repeat("a", 64) + ".nl", problem: "label"},
		{in: "שלום.example.nl", want: "xn--9dbne9b.example.nl"},
		{in: "aשלום.nl", problem: "not a valid domain"}, // bidi rule
		{in: strings.Repeat(long, 4) + "nl", problem: "too long"},
		{in: strings.Repeat("a.", 600) + "nl", problem: "too long"},
	})
}

func TestRegistrableDomain(t *testing.T) {
	got, err := RegistrableDomain("www.example.co.uk")
	if err != nil || got != "example.co.uk" {
		t.Fatalf("RegistrableDomain = %q, %v", got, err)
	}
	if _, err := RegistrableDomain("co.uk"); err == nil {
		t.Fatal("RegistrableDomain(co.uk) succeeded")
	}
}

func TestParseURL(t *testing.T) {
	runParseCases(t, URL, []parseCase{
		{in: "https://example.nl", want: "https://example.nl/"},
		{in: "HTTPS://Example.NL/Pad?q=1", want: "https://example.nl/Pad?q=1"},
		{in: "http://example.nl:80/", want: "http://example.nl/"},
		{in: "https://example.nl:443/a", want: "https://example.nl/a"},
		{in: "https://example.nl:8443/a", want: "https://example.nl:8443/a"},
		{in: "https://example.nl/a#section", want: "https://example.nl/a"},
		{in: "https://bücher.nl/ü", want: "https://xn--bcher-kva.nl/%C3%BC"},
		{in: "https://8.8.8.8/", want: "https://8.8.8.8/"},
		{in: "https://[2001:4860:4860::8888]/", want: "https://[2001:4860:4860::8888]/"},
		{in: "https://[2001:4860:4860::8888]:8443/", want: "https://[2001:4860:4860::8888]:8443/"},

		{in: "ftp://example.nl/", problem: "http:// or https://"},
		{in: "javascript:alert(1)", problem: "http:// or https://"},
		{in: "example.nl", problem: "http:// or https://"},
		{in: "http:example.nl", problem: "host name"},
		{in: "https:///path", problem: "host name"},
		{in: "https://user:pw@example.nl/", problem: "user name or password"},
		{in: "https://example.nl\\@evil.nl/", problem: "backslash"},
		{in: "https://exa mple.nl/", problem: "spaces or control"},
		{in: "https://example.nl/\x00", problem: "spaces or control"},
		{in: "https://example.nl/a\nb", problem: "spaces or control"},
		{in: "https://localhost/", problem: `host "localhost" which must have a public suffix`},
		{in: "http://127.0.0.1/", problem: "private or local"},
		{in: "http://10.1.2.3/", problem: "private or local"},
		{in: "http://[::1]/", problem: "private or local"},
		{in: "http://[::ffff:127.0.0.1]/", problem: "private or local"},
		{in: "http://[fe80::1%25eth0]/", problem: "private or local"},
		{in: "http://169.254.169.254/latest", problem: "private or local"},
		{in: "http://2130706433/", problem: "public suffix"},
		{in: "http://0x7f.1/", problem: "public suffix"},
		{in: "https://example.nl:0/", problem: "invalid port"},
		{in: "https://example.nl:99999/", problem: "invalid port"},
		{in: "https://ex_ample.nl/", problem: "not a valid domain"},
		{in: "https://example.nl/" + strings.Repeat("a", 2100), problem: "too long"},
		{in: "https://example.nl/" + strings.Repeat("ü", 1000), problem: "too long once normalised"},
	})
}
