// Package registry lists every source adapter in one table. It lives apart
// from package sources because the adapters import sources; the table
// imports the adapters. A test pins the list of names, so adding or
// removing a source is a deliberate change.
package registry

import (
	"sort"

	"verrijk/egress"
	"verrijk/sources"
	"verrijk/sources/bag"
	"verrijk/sources/bekendmakingen"
	"verrijk/sources/kvk"
	"verrijk/sources/opensanctions"
	"verrijk/sources/rdap"
	"verrijk/sources/rdw"
	"verrijk/sources/social"
	"verrijk/sources/wayback"
	"verrijk/sources/website"
)

// Factory builds an adapter around the shared egress client.
type Factory func(c *egress.Client, cfg sources.Config) sources.Source

type entry struct {
	factory  Factory
	defaults sources.Config
}

// adapters is the registry: one line per source.
var adapters = map[string]entry{
	bag.Name:            {func(c *egress.Client, cfg sources.Config) sources.Source { return bag.New(c, cfg) }, bag.Defaults()},
	bekendmakingen.Name: {func(c *egress.Client, cfg sources.Config) sources.Source { return bekendmakingen.New(c, cfg) }, bekendmakingen.Defaults()},
	kvk.Name:            {func(c *egress.Client, cfg sources.Config) sources.Source { return kvk.New(c, cfg) }, kvk.Defaults()},
	opensanctions.Name:  {func(c *egress.Client, cfg sources.Config) sources.Source { return opensanctions.New(c, cfg) }, opensanctions.Defaults()},
	rdap.Name:           {func(c *egress.Client, cfg sources.Config) sources.Source { return rdap.New(c, cfg) }, rdap.Defaults()},
	rdw.Name:            {func(c *egress.Client, cfg sources.Config) sources.Source { return rdw.New(c, cfg) }, rdw.Defaults()},
	wayback.Name:        {func(c *egress.Client, cfg sources.Config) sources.Source { return wayback.New(c, cfg) }, wayback.Defaults()},
	website.Name:        {func(c *egress.Client, cfg sources.Config) sources.Source { return website.New(c, cfg) }, website.Defaults()},
	social.Name:         {func(c *egress.Client, cfg sources.Config) sources.Source { return social.New(c, cfg) }, social.Defaults()},
}

// criminalOffenceSources yield data about criminal offences (AVG art. 10,
// UAVG art. 33): sanctions and PEP listings, and official publications such
// as closures under art. 13b Opiumwet and Bibob decisions. Only a purpose
// that permits criminal-offence data may allow them.
var criminalOffenceSources = map[string]bool{opensanctions.Name: true, bekendmakingen.Name: true}

// CriminalOffenceSources lists the sources that yield criminal-offence data.
func CriminalOffenceSources() []string {
	var out []string
	for _, n := range Names() {
		if criminalOffenceSources[n] {
			out = append(out, n)
		}
	}
	return out
}

// Names lists the registered sources, sorted.
func Names() []string {
	names := make([]string, 0, len(adapters))
	for n := range adapters {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the factory of a source.
func Lookup(name string) (Factory, bool) {
	e, ok := adapters[name]
	return e.factory, ok
}

// Defaults returns a source's default configuration (base_url and, for
// kvk, the published test key); the zero Config for an unknown name.
// website and social have no base_url: they read the subject's own site
// and the platforms' sites.
func Defaults(name string) sources.Config {
	return adapters[name].defaults
}

// New builds the named adapter with cfg, empty fields taken from Defaults.
func New(name string, c *egress.Client, cfg sources.Config) (sources.Source, bool) {
	e, ok := adapters[name]
	if !ok {
		return nil, false
	}
	return e.factory(c, cfg.WithDefaults(e.defaults)), true
}
