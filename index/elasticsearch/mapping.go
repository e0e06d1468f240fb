package esindex

// MappingVersion numbers the index template. Indices are named
// <prefix>-entities-v<MappingVersion>-<timestamp>; raising it (for any
// change to the template below) makes Open warn that the live index is
// older, and `verrijk reindex` builds one in the new shape.
const MappingVersion = 2

// Analysis names, shared by the template and the queries.
const (
	textAnalyzer       = "verrijk_text"
	identifierNorm     = "verrijk_identifier"
	identifierSepsChar = "verrijk_identifier_separators"
)

// Document field names.
const (
	fieldID          = "id"
	fieldEntity      = "entity"
	fieldCaption     = "caption"
	fieldNames       = "names"
	fieldAddresses   = "addresses"
	fieldText        = "text"
	fieldSchema      = "schema"
	fieldIdentifiers = "identifiers"
	fieldSources     = "sources"
	fieldMunicipal   = "municipality"
	fieldSBISection  = "sbi_section"
	fieldPurposes    = "purposes"
	fieldSignals     = "signals"
	fieldLinks       = "links"
	fieldTeams       = "teams" // index.TeamKey of every link (mapping version 2)
	fieldExpires     = "expires"
	fieldFirstSeen   = "first_seen"
	fieldLastSeen    = "last_seen"
	fieldLocation    = "location"
)

// identifierFields are keyword fields, one per kind of identifier, that
// hold the normalised values of these entity properties; "identifiers"
// holds all of them (and more) for the search box.
var identifierFields = []struct {
	field string
	props []string
}{
	{"kvk_number", []string{"kvkNumber"}},
	{"rsin", []string{"rsin"}},
	{"vestigingsnummer", []string{"vestigingsnummer"}},
	{"bag_id", []string{"bagId", "adresseerbaarObjectId", "nummeraanduidingId", "verblijfsobjectId", "pandId", "openbareRuimteId"}},
	{"plate", []string{"licensePlate"}}, // and registrationNumber of a Vehicle, see toDocument
	{"domain", []string{"domain"}},      // and name of a Domain
	{"postcode", []string{"postalCode", "postcode"}},
}

// nameProps and addressProps feed the names and addresses fields, which
// rank a match in a name or an address above one in other text.
var (
	nameProps    = []string{"name", "tradeName", "statutoryName", "previousName", "alias", "weakAlias", "firstName", "lastName", "middleName", "registrant"}
	addressProps = []string{"full", "address", "street", "city", "municipality", "region", "neighbourhood", "district", "country"}
)

type obj = map[string]any

// indexTemplate is the composable index template every versioned index
// gets its settings and mappings from.
//
// Text is analysed for Dutch names and addresses: the standard (Unicode)
// tokenizer, lower case, then ASCII folding, so Ünal = Unal = unal,
// Café = Cafe and the Dutch ĳ ligature = ij. No stemming: names and street
// names must not be cut down to stems. Identifiers are keywords through
// a normalizer that drops spaces, dots and dashes and upper-cases, the same
// as index.NormalizeIdentifier, so "6-TJR-64", "6 tjr 64" and "6TJR64" are
// one term even in a query that was not normalised by verrijk.
//
// dynamic: strict refuses a document with a field not listed here: the
// entity itself is kept whole in "entity", which is stored, not indexed,
// so a hostile property name never becomes a field.
func indexTemplate(pattern string) obj {
	return obj{
		"index_patterns": []string{pattern},
		"priority":       200,
		"version":        MappingVersion,
		"_meta":          obj{"managed_by": "verrijk", "mapping_version": MappingVersion},
		"template": obj{
			"settings": obj{
				"index": obj{
					// One shard: a municipality's entities fit many times
					// over, and facet counts and scores are then exact.
					"number_of_shards":     1,
					"auto_expand_replicas": "0-1",
					"max_result_window":    10000,
				},
				"analysis": obj{
					"analyzer": obj{
						textAnalyzer: obj{"type": "custom", "tokenizer": "standard", "filter": []string{"lowercase", "asciifolding"}},
					},
					"char_filter": obj{
						identifierSepsChar: obj{"type": "pattern_replace", "pattern": `[\s.\-\x{00A0}]`, "replacement": ""},
					},
					"normalizer": obj{
						identifierNorm: obj{"type": "custom", "char_filter": []string{identifierSepsChar}, "filter": []string{"uppercase"}},
					},
				},
			},
			"mappings": obj{
				"dynamic":    "strict",
				"properties": templateProperties(),
			},
		},
	}
}

// templateProperties maps every document field.
func templateProperties() obj {
	text := obj{"type": "text", "analyzer": textAnalyzer}
	keyword := obj{"type": "keyword"}
	identifier := obj{"type": "keyword", "normalizer": identifierNorm}
	props := obj{
		fieldID:          keyword,
		fieldEntity:      obj{"type": "object", "enabled": false},
		fieldCaption:     text,
		fieldNames:       text,
		fieldAddresses:   text,
		fieldText:        text,
		fieldSchema:      keyword,
		fieldIdentifiers: identifier,
		fieldSources:     keyword,
		fieldMunicipal:   keyword,
		fieldSBISection:  keyword,
		fieldPurposes:    keyword,
		fieldSignals:     keyword,
		fieldLinks:       keyword,
		fieldTeams:       keyword,
		fieldExpires:     obj{"type": "date"},
		// Nanosecond dates: a date range is exact to the nanosecond, as
		// the entity's times are (and as Bleve compares them).
		fieldFirstSeen: obj{"type": "date_nanos"},
		fieldLastSeen:  obj{"type": "date_nanos"},
		fieldLocation:  obj{"type": "geo_point"},
	}
	for _, f := range identifierFields {
		props[f.field] = identifier
	}
	return props
}
