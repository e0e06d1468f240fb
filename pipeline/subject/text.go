package subject

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	minName = 2
	maxName = 200
	// maxMarks caps combining marks on one character: real scripts need a
	// few, "zalgo" text stacks dozens to break layouts.
	maxMarks = 4
)

// parseName trims, NFC-normalises (so "é" typed two ways is one name) and
// collapses whitespace; tabs and newlines from pasted text count as spaces.
// It refuses control, format and private-use characters, which include the
// bidi overrides and zero-width characters used to disguise text.
// Case is kept: names are shown as typed.
func parseName(value string) (string, error) {
	fail := func(problem string) (string, error) {
		return "", errorf(Name, value, "%s", problem)
	}
	var b strings.Builder
	space, marks, alnum := false, 0, false
	for _, r := range norm.NFC.String(value) {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case r == utf8.RuneError:
			return fail("contains an invalid character")
		case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S):
			return fail("contains a control or invisible character")
		case unicode.Is(unicode.M, r):
			if marks++; marks > maxMarks {
				return fail("contains too many combining marks on one character")
			}
		default:
			marks = 0
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		alnum = alnum || unicode.In(r, unicode.L, unicode.N)
		b.WriteRune(r)
	}
	v := b.String()
	if n := utf8.RuneCountInString(v); n < minName || n > maxName {
		return fail("must be 2 to 200 characters long")
	}
	if !alnum {
		return fail("must contain a letter or digit")
	}
	return v, nil
}

// platforms lists the social networks a handle may belong to. Handles are
// case-insensitive on all of them except YouTube, whose channel IDs
// ("UCx…") are case-sensitive.
var platforms = map[string]struct{ caseSensitive bool }{
	"facebook":  {},
	"instagram": {},
	"linkedin":  {},
	"tiktok":    {},
	"x":         {},
	"youtube":   {caseSensitive: true},
}

// platformAliases maps old or alternative names to the canonical platform.
var platformAliases = map[string]string{"twitter": "x"}

func platformList() string {
	names := make([]string, 0, len(platforms))
	for p := range platforms {
		names = append(names, p)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// parseSocial accepts "platform/handle" or "platform/@handle". The handle
// pattern is deliberately narrow: adapters put it into a URL path, so it
// must not carry '/', '?', '%' or a bare "..".
func parseSocial(value string) (string, error) {
	s := strings.TrimSpace(value)
	name, handle, ok := strings.Cut(s, "/")
	if !ok {
		return "", errorf(Social, value, "must be platform/handle, e.g. instagram/handle (platforms: %s)", platformList())
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if alias, ok := platformAliases[name]; ok {
		name = alias
	}
	p, ok := platforms[name]
	if !ok {
		return "", errorf(Social, value, "has an unknown platform (platforms: %s)", platformList())
	}
	handle = strings.TrimPrefix(strings.TrimSpace(handle), "@")
	if !validHandle(handle) {
		return "", errorf(Social, value, "must have a handle of 1 to 100 letters, digits, '.', '_' or '-'")
	}
	if !p.caseSensitive {
		handle = strings.ToLower(handle)
	}
	return name + "/" + handle, nil
}

func validHandle(h string) bool {
	if len(h) < 1 || len(h) > 100 {
		return false
	}
	alnum := false
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case isAlnum(c):
			alnum = true
		case c == '.' || c == '_' || c == '-':
		default:
			return false
		}
	}
	return alnum // refuses ".", ".." and the like
}
