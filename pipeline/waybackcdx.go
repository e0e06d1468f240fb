package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// waybackCapture is one row of a CDX answer, checked field by field.
type waybackCapture struct {
	at       time.Time
	original string // "" when missing or unusable
	status   string // three digits, or ""
	digest   string
}

// waybackMaxURL keeps a capture entry (time, replay prefix and url) under
// the store's value cap, so a url is dropped rather than cut in half.
const waybackMaxURL = 900

// readWaybackCDX reads a CDX JSON answer: an array whose first row names
// the fields. Columns are found by name, so any fl order works; a row or
// field of the wrong type costs that row or field. It returns the usable
// captures and the number of rows the answer had. An empty body and "[]"
// are answers without captures.
func readWaybackCDX(body []byte) ([]waybackCapture, int, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, 0, nil
	}
	if trimmed[0] != '[' {
		return nil, 0, errors.New("answer is not a JSON array of rows")
	}
	var table [][]text
	err := json.Unmarshal(trimmed, &table)
	var te *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &te) {
		return nil, 0, err
	}
	if len(table) == 0 {
		return nil, 0, nil
	}
	cols := map[string]int{}
	for i, name := range table[0] {
		cols[name.String()] = i
	}
	if _, ok := cols["timestamp"]; !ok {
		return nil, 0, errors.New("first row is not a field header with timestamp")
	}
	rows := table[1:]
	var caps []waybackCapture
	for _, row := range capList(rows) {
		field := func(name string) string {
			i, ok := cols[name]
			if !ok || i >= len(row) {
				return ""
			}
			return row[i].String()
		}
		at, ok := waybackTime(field("timestamp"))
		if !ok {
			continue
		}
		caps = append(caps, waybackCapture{
			at:       at,
			original: waybackURL(field("original")),
			status:   waybackStatus(field("statuscode")),
			digest:   waybackDigest(field("digest")),
		})
	}
	return caps, len(rows), nil
}

// waybackTime reads a 14-digit capture timestamp (UTC).
func waybackTime(s string) (time.Time, bool) {
	if len(s) != 14 || !waybackDigits(s) {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102150405", s)
	return t, err == nil && t.Year() >= 1990
}

// waybackURL keeps an archived url only when it is an http(s) url without
// spaces or control characters, short enough to store whole.
func waybackURL(s string) string {
	if len(s) > waybackMaxURL || !utf8.ValidString(s) {
		return ""
	}
	lower := strings.ToLower(s)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return ""
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return ""
		}
	}
	return s
}

func waybackStatus(s string) string {
	if len(s) == 3 && waybackDigits(s) && s[0] >= '1' && s[0] <= '5' {
		return s
	}
	return ""
}

// waybackDigest accepts what digests look like (base32 SHA-1, sometimes
// prefixed "sha1:"), nothing longer.
func waybackDigest(s string) string {
	if len(s) == 0 || len(s) > 64 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ':' || c == '-' || c == '_' || c == '+' || c == '/' || c == '=') {
			return ""
		}
	}
	return s
}

func waybackDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// waybackClip collapses white space and cuts s at n bytes on a rune
// boundary; control characters make it "".
func waybackClip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return ""
		}
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
