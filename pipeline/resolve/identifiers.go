package resolve

import (
	"net/url"
	"strings"

	"verrijk/pipeline/subject"
)

// Identifiers arrive in many notations: "6875 0110", "KvK-nummer:
// 68.75.01.10", "NL.IMBAG.NUMMERAANDUIDING.0363200000123456",
// "https://www.example.nl/contact". These functions give the one form the
// registers (and entity ids) use, or false when the value is not such an
// identifier at all; an invalid value is kept on the entity as it came but
// never used to merge.

// KvKNumber returns the 8-digit KvK number in s.
func KvKNumber(s string) (string, bool) {
	return parsed(subject.KvK, unlabel(s))
}

// Vestigingsnummer returns the 12-digit branch number in s.
func Vestigingsnummer(s string) (string, bool) {
	return parsed(subject.Vestiging, unlabel(s))
}

// RSIN returns the 9-digit RSIN in s; it must pass the eleven-test.
func RSIN(s string) (string, bool) {
	return parsed(subject.RSIN, unlabel(s))
}

// Plate returns the canonical Dutch licence plate in s ("6TJR64").
func Plate(s string) (string, bool) {
	return parsed(subject.Plate, s)
}

// BAGID returns the 16-digit BAG object id in s. The "NL.IMBAG.…" prefix
// of the linked-data form is dropped, and a leading zero lost to a number
// type (gemeentecode 0363) is put back.
func BAGID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '.'); i >= 0 && strings.HasPrefix(strings.ToUpper(s), "NL.IMBAG.") {
		s = s[i+1:]
	}
	if len(s) != 15 && len(s) != 16 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	if len(s) == 15 {
		s = "0" + s
	}
	return s, true
}

// Domain returns the registrable domain of a host name or URL:
// "https://www.Example.nl/contact" → "example.nl".
func Domain(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 2048 || strings.ContainsAny(s, " \t\r\n<>\"") {
		return "", false
	}
	host := s
	if strings.Contains(s, "/") || strings.Contains(s, ":") {
		raw := s
		if !strings.Contains(raw, "://") {
			raw = "https://" + raw
		}
		u, err := url.Parse(raw)
		if err != nil || u.Hostname() == "" {
			return "", false
		}
		host = u.Hostname()
	}
	canonical, ok := parsed(subject.Domain, host)
	if !ok {
		return "", false
	}
	d, err := subject.RegistrableDomain(canonical)
	return d, err == nil
}

func parsed(t subject.Type, s string) (string, bool) {
	sub, err := subject.Parse(t, s)
	if err != nil {
		return "", false
	}
	return sub.Value, true
}

// unlabel drops a label written before a number ("KvK-nummer: ",
// "RSIN ", "Vestigingsnr. ") and the dashes people group digits with, so
// only digits, spaces and dots are left for the subject parser, which
// then demands the exact number of digits.
func unlabel(s string) string {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return s
	}
	for _, r := range s[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune(" .:-#", r)) {
			return s // not a label: let the parser refuse it
		}
	}
	return strings.ReplaceAll(s[i:], "-", "")
}
