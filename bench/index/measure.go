package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"verrijk/index"
	bleveindex "verrijk/index/bleve"
	"verrijk/pipeline/entity"
)

// target is one of the two indexes under test.
type target interface {
	index(ctx context.Context, ents []entity.Entity) error
	search(ctx context.Context, q benchQuery) (int, error)
	Close() error
}

// verrijkTarget is verrijk's index as the worker and the API use it:
// Upsert, and Search with a purpose and the caller's team
// (unless purposeOnly, which measures what that team filter costs).
type verrijkTarget struct {
	x           *bleveindex.Index
	purposeOnly bool
	sort        string // index.Query.Sort: the date-sorted browse is measured on its own
}

func (t verrijkTarget) index(ctx context.Context, ents []entity.Entity) error {
	return t.x.Upsert(ctx, ents...)
}

func (t verrijkTarget) search(ctx context.Context, q benchQuery) (int, error) {
	iq := index.Query{Text: q.text, PurposeID: benchPurpose, Teams: []string{teamName(q.team)}, PageSize: 20, Sort: t.sort}
	if t.purposeOnly {
		iq.Teams = nil
	}
	res, err := t.x.Search(ctx, iq)
	return len(res.Hits), err
}

func (t verrijkTarget) Close() error { return t.x.Close() }

// bareTarget is Bleve as it comes: the default mapping (dynamic, the
// standard analyzer, every field stored and in the composite "_all"
// field), fed a flat document of what verrijk makes searchable (caption,
// schema, every property value, the signal ids), in batches of the size
// verrijk uses, and asked a plain match query on all fields. Building its
// document is timed, as verrijk's is (inside Upsert).
type bareTarget struct{ idx bleve.Index }

const bareBatch = 500

func (t bareTarget) index(_ context.Context, ents []entity.Entity) error {
	for start := 0; start < len(ents); start += bareBatch {
		b := t.idx.NewBatch()
		for _, e := range ents[start:min(start+bareBatch, len(ents))] {
			if err := b.Index(e.ID, bareDocument(e)); err != nil {
				return err
			}
		}
		if err := t.idx.Batch(b); err != nil {
			return err
		}
	}
	return nil
}

// bareDocument is the flat document bare Bleve indexes for e.
func bareDocument(e entity.Entity) map[string]any {
	var text, sigs []string
	for _, name := range e.PropertyNames() {
		text = append(text, e.Properties[name]...)
	}
	for _, l := range e.Signals {
		sigs = append(sigs, l.SignalID)
	}
	return map[string]any{"caption": e.Caption, "schema": e.Schema, "text": text, "signals": sigs}
}

func (t bareTarget) search(ctx context.Context, q benchQuery) (int, error) {
	var bq query.Query = bleve.NewMatchAllQuery()
	if q.text != "" {
		bq = bleve.NewMatchQuery(q.text)
	}
	res, err := t.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(bq, 20, 0, false))
	if err != nil {
		return 0, err
	}
	return len(res.Hits), nil
}

func (t bareTarget) Close() error { return t.idx.Close() }

// benchQuery is one search of the fixed mix.
type benchQuery struct {
	kind, text string
	team       int
}

// queryKinds are the kinds of search an analyst types, in mix order.
var queryKinds = []string{"name", "two words", "prefix", "person", "typo", "kvk", "postcode", "plate", "domain", "browse"}

// queryMix returns the fixed mix: per kind, variants drawn from entities
// spread over the whole index, each as a caller of another team.
func queryMix(n, variants int) []benchQuery {
	var out []benchQuery
	for v := range variants {
		// Entities of each kind near the v-th slice of the index.
		find := func(kind string) entity.Entity {
			for i := (n / variants) * v; ; i++ {
				if kindOf(i%n) == kind {
					return generate(i % n)
				}
			}
		}
		co, p, veh, dom, addr := find("company"), find(entity.SchemaPerson), find(entity.SchemaVehicle), find(entity.SchemaDomain),
			find(entity.SchemaAddress)
		nameWords := strings.Fields(co.Caption)
		last := strings.Fields(p.Caption)
		kvk := co.First("kvkNumber")
		pc := addr.First("postalCode")
		plate := veh.First("registrationNumber")
		// Each search is made by a team that may see the entity it is
		// typed after, as an analyst searches what their signals hold.
		for _, q := range []benchQuery{
			{"name", co.Caption, teamOf(co)},
			{"two words", nameWords[0] + " " + nameWords[len(nameWords)-1], teamOf(co)},
			{"prefix", strings.ToLower(nameWords[0][:min(4, len(nameWords[0]))]), teamOf(co)},
			{"person", p.Caption, teamOf(p)},
			{"typo", typo(last[len(last)-1]), teamOf(p)},
			{"kvk", kvk[:4] + " " + kvk[4:], teamOf(co)},
			{"postcode", pc[:4] + " " + strings.ToLower(pc[4:]), teamOf(addr)},
			{"plate", plate[:2] + "-" + plate[2:4] + "-" + plate[4:], teamOf(veh)},
			{"domain", dom.Caption, teamOf(dom)},
			{"browse", "", v % teams},
		} {
			out = append(out, q)
		}
	}
	return out
}

// teamOf is the team of the entity's first signal.
func teamOf(e entity.Entity) int {
	var n int
	fmt.Sscanf(e.Signals[0].SignalID, "signal-%d", &n)
	return n % teams
}

// typo swaps the second and third letters of a word of five or more
// ("Hendriks" → "Hnedriks"), which the fuzzy match should forgive.
func typo(w string) string {
	r := []rune(w)
	if len(r) >= 5 {
		r[1], r[2] = r[2], r[1]
	}
	return string(r)
}

// latencies runs the mix rounds times (after one unmeasured round) on
// every target, each query on all targets in turns (the order rotating),
// and returns per target every query's latency, in mix order per round,
// and how many queries found nothing.
func latencies(ctx context.Context, targets []target, mix []benchQuery, rounds int) ([][]time.Duration, []int, error) {
	lat := make([][]time.Duration, len(targets))
	empty := make([]int, len(targets))
	for i := range targets {
		lat[i] = make([]time.Duration, 0, rounds*len(mix))
	}
	turn := 0
	for round := -1; round < rounds; round++ {
		for _, q := range mix {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			turn++
			for k := range targets {
				i := (k + turn) % len(targets)
				began := time.Now()
				hits, err := targets[i].search(ctx, q)
				took := time.Since(began)
				if err != nil {
					return nil, nil, fmt.Errorf("%s query %q: %w", q.kind, q.text, err)
				}
				if round < 0 {
					continue // warming up
				}
				lat[i] = append(lat[i], took)
				if hits == 0 {
					empty[i]++
				}
			}
		}
	}
	return lat, empty, nil
}

// percentile returns the p-th percentile (0–100) of ds (nearest rank).
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(p/100*float64(len(s))+0.5) - 1
	return s[max(0, min(rank, len(s)-1))]
}
