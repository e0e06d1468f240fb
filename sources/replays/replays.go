// Package replays lists the replay server of every source in one table:
// each serves that source's recorded answers at the real paths, so verrijk
// can be demonstrated offline (`verrijk replay`) and tested end to end.
package replays

import (
	"net/http"

	"verrijk/sources/bag/bagtest"
	"verrijk/sources/bekendmakingen/bekendmakingentest"
	"verrijk/sources/kvk/kvktest"
	"verrijk/sources/opensanctions/opensanctionstest"
	"verrijk/sources/rdap/rdaptest"
	"verrijk/sources/rdw/rdwtest"
	"verrijk/sources/wayback/waybacktest"
)

// Replay is one source's replay server.
type Replay struct {
	Source string
	// Port is where `verrijk replay` serves it; configs/offline-test.yaml
	// points the source there.
	Port int
	// Path is appended to the server's URL to make the source's base_url
	// (the SRU endpoint is the base itself, so it gets one of its own).
	Path string
	// New returns a fresh handler; it counts the requests it serves.
	New func() Handler
}

// Handler is a replay handler that counts what it was asked.
type Handler interface {
	http.Handler
	Requests() int
	RequestsTo(part string) int
}

// All is the table, in port order.
var All = []Replay{
	{"kvk", 18081, "", func() Handler { return kvktest.NewHandler() }},
	{"bag", 18082, "", func() Handler { return bagtest.NewHandler() }},
	{"rdw", 18083, "", func() Handler { return rdwtest.NewHandler() }},
	{"bekendmakingen", 18084, "/sru", func() Handler { return bekendmakingentest.NewHandler() }},
	{"rdap", 18085, "", func() Handler { return rdaptest.NewHandler() }},
	{"wayback", 18086, "", func() Handler { return waybacktest.NewHandler() }},
	{"opensanctions", 18087, "", func() Handler { return opensanctionstest.NewHandler() }},
}

// RDAPBootstrapPath is where the rdap replay serves its bootstrap file.
const RDAPBootstrapPath = rdaptest.BootstrapPath

// OpenSanctionsAPIKey is the key the opensanctions replay accepts.
const OpenSanctionsAPIKey = opensanctionstest.APIKey
