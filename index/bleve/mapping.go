package bleveindex

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names of the analysis parts. They are persisted in the index metadata, so
// renaming one makes existing indexes unopenable: rebuild with `reindex`.
const (
	foldFilterName = "verrijk_fold"
	textAnalyzer   = "verrijk_text"
)

// Document field names. Keyword fields hold exact values; caption and text
// are analysed with textAnalyzer.
const (
	fieldEntity      = "entity"
	fieldCaption     = "caption"
	fieldText        = "text"
	fieldSchema      = "schema"
	fieldIdentifiers = "identifiers"
	fieldPurposes    = "purposes"
	fieldSignals     = "signals"
	fieldLinks       = "links"
	fieldExpires     = "expires"
	// Added in mapping version 2.
	fieldSources  = "sources"
	fieldLastSeen = "last_seen"
	// Added in mapping version 3 (which dropped version 2's municipality
	// and sbi_section fields: facets read them from fieldFacets).
	fieldTeams = "teams" // index.TeamKey of every link: need-to-know in one term
	// fieldFacets holds every facet value as facetTerm(key, value). One
	// field with doc values instead of one per facet, because reading
	// doc values is per field and per hit: a search with many hits reads
	// one field instead of four.
	fieldFacets = "facets"
	// Added in mapping version 4 (which dropped version 3's id field):
	// dateKey of the entity, the one doc value a date sort reads.
	fieldDateKey = "date_key"
)

// MappingVersion is stored in each index (internal key mappingVersionKey)
// when it is created. An index whose fields are older than the code's
// cannot filter, facet or sort on the newer ones, so Open refuses it and
// `verrijk reindex` rebuilds it. Version 1 indexes carry no key.
const MappingVersion = 4

var mappingVersionKey = []byte("verrijk.mapping_version")

func init() {
	if err := registry.RegisterTokenFilter(foldFilterName, newFoldFilter); err != nil {
		panic(err)
	}
}

// foldFilter folds each token to ASCII ("ünal" → "unal", "café" → "cafe").
// Bleve ships ASCII folding only as a char filter, which rewrites the text
// before tokenising and so shifts the byte offsets the highlighter uses to
// mark the original; folding per token keeps the offsets intact.
type foldFilter struct {
	fold *asciifolding.AsciiFoldingFilter
}

func newFoldFilter(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
	return foldFilter{fold: asciifolding.New()}, nil
}

func (f foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, tok := range in {
		if !isASCII(tok.Term) {
			tok.Term = f.fold.Filter(tok.Term)
		}
	}
	return in
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// newMapping describes the document built by toDocument. Nothing is mapped
// dynamically: an entity property never becomes a field of its own, so a
// hostile source cannot grow the mapping.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	err := im.AddCustomAnalyzer(textAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name, foldFilterName},
	})
	if err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = textAnalyzer
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false

	doc := mapping.NewDocumentStaticMapping()

	stored := mapping.NewTextFieldMapping()
	stored.Index = false
	stored.Store = true
	stored.IncludeInAll = false
	stored.DocValues = false
	doc.AddFieldMappingsAt(fieldEntity, stored)

	// Stored with term vectors so the highlighter can cut fragments.
	for _, name := range []string{fieldCaption, fieldText} {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = textAnalyzer
		f.Store = true
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		f.DocValues = false
		doc.AddFieldMappingsAt(name, f)
	}

	// Doc values serve the date sort and facets only.
	withDocValues := map[string]bool{fieldDateKey: true, fieldFacets: true}
	for _, name := range []string{fieldSchema, fieldIdentifiers, fieldPurposes, fieldSignals, fieldLinks,
		fieldTeams, fieldSources, fieldFacets, fieldDateKey} {
		f := mapping.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = withDocValues[name]
		doc.AddFieldMappingsAt(name, f)
	}

	for _, name := range []string{fieldExpires, fieldLastSeen} {
		f := mapping.NewDateTimeFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = false // filtered on; the date sort reads fieldDateKey
		doc.AddFieldMappingsAt(name, f)
	}

	im.DefaultMapping = doc
	return im, nil
}
