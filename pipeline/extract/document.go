package extract

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Caps on what the scan keeps of one page.
const (
	maxTextBytes   = 1 << 20 // visible text
	maxLinks       = 2000
	maxMetas       = 500
	maxScripts     = 32      // JSON-LD and JSON data blocks
	maxScriptBytes = 1 << 20 // one JSON-LD or JSON data block
)

// document is what the scan keeps of a page: its visible text, the link
// targets, meta tags and JSON blocks the extractors read.
type document struct {
	base    *url.URL
	title   string
	lang    string
	metas   []metaTag
	links   []link
	jsonLD  []string
	data    map[string]string // <script type="application/json" id=…> by id
	text    string
	emails  []string // from mailto: links and Cloudflare-protected addresses
	phones  []string // from tel: links
	rawBody []byte   // the capped input, for data that only lives in scripts
}

type metaTag struct {
	key     string // lower-case name, property or itemprop
	content string
}

// link is a link target, resolved against the page URL.
type link struct {
	href   string
	rel    string // lower-case rel (or itemprop) of a <link>; "" for <a> and <area>
	anchor bool   // an <a> or <area> a reader can follow, not a <link>
	chrome bool   // inside <header>, <nav> or <footer>
}

// meta returns the content of the first meta tag with that key.
func (d *document) meta(key string) string {
	for _, m := range d.metas {
		if m.key == key {
			if v := clean(m.content); v != "" {
				return v
			}
		}
	}
	return ""
}

// blockElements end a line in the visible text, as a browser would
// render them; other tags separate words.
var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Br: true,
	atom.Dd: true, atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true,
	atom.Figure: true, atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true, atom.Hr: true, atom.Li: true,
	atom.Main: true, atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true, atom.Section: true,
	atom.Table: true, atom.Tbody: true, atom.Td: true, atom.Th: true, atom.Tr: true, atom.Ul: true,
	atom.Option: true, atom.Body: true, atom.Caption: true, atom.Details: true, atom.Summary: true,
}

// hiddenElements hold no visible text: their content is skipped (scripts
// are read separately).
var hiddenElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Textarea: true, atom.Iframe: true, atom.Noembed: true, atom.Noframes: true,
	atom.Xmp: true, atom.Object: true,
}

// scan reads a page with the streaming tokenizer.
func scan(base *url.URL, body []byte) *document {
	if len(body) > MaxInputBytes {
		body = body[:MaxInputBytes]
	}
	d := &document{base: base, data: map[string]string{}, rawBody: body}
	s := scanner{d: d}
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			s.start(tok, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			s.end(tok)
		case html.TextToken:
			s.textToken(tok.Data)
		}
	}
	d.text = string(s.text)
	return d
}

// scanner is the state of one scan.
type scanner struct {
	d       *document
	text    []byte
	script  string // what the current <script> holds: "ld", "data:<id>" or "" (ignored)
	raw     atom.Atom
	chrome  int // open header, nav and footer elements
	foreign int // open svg and math elements
	inTitle bool
}

func (s *scanner) start(t html.Token, selfClosing bool) {
	switch t.DataAtom {
	case atom.Html:
		if s.d.lang == "" {
			s.d.lang = clean(attr(t, "lang"))
		}
	case atom.Base:
		if u, err := url.Parse(attr(t, "href")); err == nil && s.d.base != nil {
			if r := s.d.base.ResolveReference(u); r.Scheme == "http" || r.Scheme == "https" {
				s.d.base = r
			}
		}
	case atom.Title:
		s.inTitle = s.foreign == 0 && s.d.title == "" && !selfClosing
	case atom.Meta:
		s.metaTag(t)
	case atom.A, atom.Area, atom.Link:
		s.linkTag(t)
	case atom.Script:
		s.script = scriptKind(t)
	case atom.Header, atom.Nav, atom.Footer:
		if !selfClosing {
			s.chrome++
		}
	case atom.Svg, atom.Math:
		if !selfClosing {
			s.foreign++
		}
	}
	if cf := attr(t, "data-cfemail"); cf != "" {
		s.addEmail(decodeCFEmail(cf))
	}
	if hiddenElements[t.DataAtom] && !selfClosing && s.raw == 0 {
		s.raw = t.DataAtom
	}
	s.separate(t.DataAtom)
}

func (s *scanner) end(t html.Token) {
	switch t.DataAtom {
	case atom.Title:
		s.inTitle = false
	case atom.Script:
		s.script = ""
	case atom.Header, atom.Nav, atom.Footer:
		if s.chrome > 0 {
			s.chrome--
		}
	case atom.Svg, atom.Math:
		if s.foreign > 0 {
			s.foreign--
		}
	}
	if t.DataAtom == s.raw {
		s.raw = 0
	}
	s.separate(t.DataAtom)
}

// separate ends the line at a block element and the word at any other.
func (s *scanner) separate(a atom.Atom) {
	if blockElements[a] {
		s.write("\n")
	} else {
		s.write(" ")
	}
}

func (s *scanner) textToken(data string) {
	switch {
	case s.raw == atom.Script:
		s.scriptText(data)
		return
	case s.raw != 0 || s.foreign > 0:
		return
	case s.inTitle:
		s.d.title = clean(data)
		return
	}
	s.write(collapseSpace(data))
}

// write appends to the visible text, keeping one separator between runs:
// a line break wins over a space.
func (s *scanner) write(v string) {
	if v == "" || len(s.text) >= maxTextBytes {
		return
	}
	if v == " " || v == "\n" {
		n := len(s.text)
		switch {
		case n == 0 || s.text[n-1] == '\n':
		case s.text[n-1] == ' ':
			if v == "\n" {
				s.text[n-1] = '\n'
			}
		default:
			s.text = append(s.text, v...)
		}
		return
	}
	if v[0] == ' ' && (len(s.text) == 0 || s.text[len(s.text)-1] == ' ' || s.text[len(s.text)-1] == '\n') {
		v = v[1:]
	}
	s.text = append(s.text, v...)
}

func (s *scanner) scriptText(data string) {
	if s.script == "" || len(data) > maxScriptBytes {
		return
	}
	switch {
	case s.script == "ld":
		if len(s.d.jsonLD) < maxScripts {
			s.d.jsonLD = append(s.d.jsonLD, data)
		}
	case strings.HasPrefix(s.script, "data:"):
		if len(s.d.data) < maxScripts {
			s.d.data[strings.TrimPrefix(s.script, "data:")] = data
		}
	}
}

// scriptKind says which scripts are read: JSON-LD blocks and JSON data
// blocks with an id (TikTok keeps its profile data in one).
func scriptKind(t html.Token) string {
	typ := strings.ToLower(strings.TrimSpace(attr(t, "type")))
	if i := strings.IndexByte(typ, ';'); i >= 0 {
		typ = strings.TrimSpace(typ[:i])
	}
	switch typ {
	case "application/ld+json":
		return "ld"
	case "application/json":
		if id := attr(t, "id"); id != "" {
			return "data:" + id
		}
	}
	return ""
}

func (s *scanner) metaTag(t html.Token) {
	content := attr(t, "content")
	if content == "" || len(s.d.metas) >= maxMetas {
		return
	}
	for _, k := range []string{"name", "property", "itemprop"} {
		if key := strings.ToLower(strings.TrimSpace(attr(t, k))); key != "" {
			s.d.metas = append(s.d.metas, metaTag{key: key, content: clip(content)})
		}
	}
}

func (s *scanner) linkTag(t html.Token) {
	href := strings.TrimSpace(attr(t, "href"))
	if href == "" {
		return
	}
	lower := strings.ToLower(href)
	switch {
	case strings.HasPrefix(lower, "mailto:"):
		for _, m := range mailtoAddresses(href) {
			s.addEmail(m)
		}
		return
	case strings.HasPrefix(lower, "tel:") || strings.HasPrefix(lower, "callto:"):
		if p, ok := Phone(unescapeURL(href[strings.IndexByte(href, ':')+1:])); ok && len(s.d.phones) < MaxValues {
			s.d.phones = append(s.d.phones, p)
		}
		return
	case strings.Contains(lower, "/cdn-cgi/l/email-protection#"):
		s.addEmail(decodeCFEmail(href[strings.LastIndexByte(href, '#')+1:]))
		return
	}
	if len(s.d.links) >= maxLinks || len(href) > maxValueBytes {
		return
	}
	u, err := url.Parse(href)
	if err != nil {
		return
	}
	abs := s.d.base.ResolveReference(u)
	if abs.Scheme != "http" && abs.Scheme != "https" {
		return
	}
	l := link{href: abs.String(), anchor: t.DataAtom != atom.Link, chrome: s.chrome > 0}
	if !l.anchor {
		l.rel = strings.ToLower(strings.TrimSpace(attr(t, "rel")))
		if l.rel == "" {
			l.rel = strings.ToLower(strings.TrimSpace(attr(t, "itemprop")))
		}
	}
	s.d.links = append(s.d.links, l)
}

func (s *scanner) addEmail(raw string) {
	if e, ok := Email(raw); ok && len(s.d.emails) < MaxValues {
		s.d.emails = append(s.d.emails, e)
	}
}

func attr(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// unescapeURL decodes %-escapes, keeping the input when they are broken.
func unescapeURL(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
