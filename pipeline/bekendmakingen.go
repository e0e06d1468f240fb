package pipeline

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"verrijk/pipeline/entity"
	"verrijk/sources"
)

// Normaliser for the bekendmakingen source: one Publication per official
// publication in an SRU answer, keyed on its KOOP identifier
// ("gmb-2024-412907") so the same publication found by a name, an address
// and a KvK number is one entity. Its "query" property says what search
// found it, which is how an analyst sees why it is linked to the signal.

// PublicationID is the entity id of the publication with a KOOP identifier.
func PublicationID(identifier string) string {
	return entity.MakeID(entity.SchemaPublication, "identifier", identifier)
}

const (
	maxTitle   = 1000
	maxSummary = 2000
	maxURL     = 2048
	maxIdent   = 200
)

func normalizeBekendmakingenSRU(ev sources.Evidence) ([]entity.Entity, error) {
	a, err := parseSRU(ev.Body)
	if err != nil {
		return nil, fmt.Errorf("reading bekendmakingen sru: %w", err)
	}
	if len(a.diagnostics) > 0 {
		return nil, fmt.Errorf("reading bekendmakingen sru: the answer is a diagnostic: %s", sruClip(strings.Join(a.diagnostics, " "), 200))
	}
	query := searchedFor(ev.URL)
	b := newBuilder(ev)
	for _, r := range a.records {
		id := plainText(r.fields["identifier"], maxIdent)
		if id == "" || strings.ContainsAny(id, " /\\") {
			continue // nothing to key it on
		}
		e := b.get(entity.SchemaPublication, PublicationID(id))
		e.Add("identifier", id)
		title := plainText(r.fields["title"], maxTitle)
		e.Add("title", title)
		if e.Caption == "" {
			e.Caption = title
		}
		if e.Caption == "" {
			e.Caption = id
		}
		e.Add("publishedAt", firstDate(r.fields["available"], r.fields["date"], r.fields["issued"], r.fields["modified"]))
		e.Add("publisher", plainText(r.fields["creator"], 200))
		// publicatienaam is the gazette ("Gemeenteblad"); dcterms:type is the
		// kind of document in it ("omgevingsvergunning").
		docType := plainText(r.fields["type"], 200)
		pubType := plainText(r.fields["publicatienaam"], 200)
		if pubType == "" {
			pubType = docType
		}
		e.Add("publicationType", pubType)
		e.Add("documentType", docType)
		e.Add("sourceUrl", firstWebURL(r.fields["preferredUrl"], r.items["html"], r.fields["url"]))
		e.Add("productArea", plainText(r.fields["product-area"], 100))
		e.Add("summary", plainText(r.fields["abstract"], maxSummary))
		for _, l := range r.locations {
			e.Add("location", plainText(l, 300))
		}
		e.Add("query", query)
	}
	return b.entities(), nil
}

// searchedFor reads the terms of the cql.textAndIndexes clauses from the
// evidence URL's query, e.g. "8823SJ 3A" for an address search (the
// "8823 SJ" spelling adds nothing and is left out).
func searchedFor(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	var terms []string
	seen := map[string]bool{}
	for _, t := range cqlTerms(u.Query().Get("query")) {
		bare := strings.ToLower(strings.Join(strings.Fields(t), ""))
		if bare == "" || seen[bare] {
			continue
		}
		seen[bare] = true
		terms = append(terms, t)
	}
	return plainText(strings.Join(terms, " "), 300)
}

// cqlTerms returns the unescaped quoted terms of cql.textAndIndexes clauses.
func cqlTerms(cql string) []string {
	const index = `cql.textAndIndexes="`
	var out []string
	for len(out) < 10 {
		i := strings.Index(cql, index)
		if i < 0 {
			break
		}
		cql = cql[i+len(index):]
		var b strings.Builder
		end := -1
		for j := 0; j < len(cql); j++ {
			if cql[j] == '\\' && j+1 < len(cql) {
				j++
				b.WriteByte(cql[j])
				continue
			}
			if cql[j] == '"' {
				end = j
				break
			}
			b.WriteByte(cql[j])
		}
		if end < 0 {
			break
		}
		cql = cql[end+1:]
		out = append(out, b.String())
	}
	return out
}

// plainText collapses white space, drops control characters and caps s at
// n runes.
func plainText(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n])
	}
	return s
}

// firstDate returns the first value that starts with a YYYY-MM-DD date, as
// that date.
func firstDate(vs ...string) string {
	for _, v := range vs {
		v = strings.TrimSpace(v)
		if len(v) < 10 {
			continue
		}
		if _, err := time.Parse("2006-01-02", v[:10]); err == nil {
			return v[:10]
		}
	}
	return ""
}

// firstWebURL returns the first absolute http(s) URL among vs.
func firstWebURL(vs ...string) string {
	for _, v := range vs {
		v = strings.TrimSpace(v)
		if v == "" || len(v) > maxURL {
			continue
		}
		u, err := url.Parse(v)
		if err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			return u.String()
		}
	}
	return ""
}
