package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"verrijk/config"
	bleveindex "verrijk/index/bleve"
	esindex "verrijk/index/elasticsearch"
	"verrijk/pipeline/resolve"
)

func newReindexCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild the search index from the store",
		Long: `Rebuilds the search index from the store, the system of record: every
entity with its signal links, in the current index mapping. Entities the
store no longer holds are gone from the index afterwards.

elasticsearch: a new versioned index is filled next to the live one and the
alias moves to it in one step, so searches keep working throughout; changes
that serve and the workers make meanwhile are written again after the move.
Run it while everything runs, and after an upgrade that changes the mapping.

bleve: the index is embedded in serve, so stop serve first. A new index is
built next to the old one (index.bleve.rebuild in data_dir) and then takes
its place; the old one stays untouched if the rebuild fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			return runReindex(cmd.Context(), cfg, g, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

// reindexResult is what `verrijk reindex` reports.
type reindexResult struct {
	Backend  string   `json:"backend"`
	Target   string   `json:"target"` // the new index, or the bleve directory
	Previous string   `json:"previous,omitempty"`
	Entities int      `json:"entities"`
	CaughtUp int      `json:"caught_up,omitempty"`
	Deleted  []string `json:"deleted,omitempty"`
	// Keyed is how many entities had their resolution lookup keys
	// (re)written: entities stored before resolution existed get them here.
	Keyed   int     `json:"keyed"`
	Seconds float64 `json:"seconds"`
}

func runReindex(ctx context.Context, cfg *config.Config, g *globals, asJSON bool) error {
	st, err := openMigratedStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	log := newLogger(cfg, g.stderr)
	started := time.Now()
	res := reindexResult{Backend: cfg.Index.Backend}
	// The store's lookup keys are a projection too: rebuilt first, so that
	// entities stored by an older verrijk resolve like new ones.
	if res.Keyed, err = resolve.Backfill(ctx, st); err != nil {
		return fmt.Errorf("reindex: writing lookup keys: %w", err)
	}
	switch cfg.Index.Backend {
	case "", "bleve":
		res.Backend = "bleve"
		res.Target = filepath.Join(cfg.DataDir, "index.bleve")
		res.Entities, err = bleveindex.Rebuild(ctx, res.Target, st)
		if errors.Is(err, bleveindex.ErrInUse) {
			return fmt.Errorf("reindex: %w", err)
		}
	case "elasticsearch":
		var ix *esindex.Index
		if ix, err = openESIndex(ctx, cfg, log); err != nil {
			return err
		}
		defer ix.Close()
		var r esindex.RebuildResult
		r, err = ix.Rebuild(ctx, st)
		res.Target, res.Previous, res.Entities, res.CaughtUp, res.Deleted = r.Index, r.Previous, r.Loaded, r.CaughtUp, r.Deleted
	default:
		return fmt.Errorf("index.backend %q is not available in this build", cfg.Index.Backend)
	}
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	res.Seconds = time.Since(started).Seconds()
	log.Info("index rebuilt from the store", "backend", res.Backend, "target", res.Target, "entities", res.Entities)
	if asJSON {
		return json.NewEncoder(g.stdout).Encode(res)
	}
	fmt.Fprintf(g.stdout, "reindexed %d entities into %s (%s) in %.1fs; lookup keys of %d entities written\n",
		res.Entities, res.Target, res.Backend, res.Seconds, res.Keyed)
	if res.Previous != "" {
		fmt.Fprintf(g.stdout, "alias moved from %s; %d entities changed meanwhile were written again\n", res.Previous, res.CaughtUp)
	}
	return nil
}

// esIndexConfig is the Elasticsearch backend's configuration.
func esIndexConfig(cfg *config.Config, log *slog.Logger) esindex.Config {
	es := cfg.Index.Elasticsearch
	return esindex.Config{
		Addresses:   es.Addresses,
		APIKey:      es.APIKey,
		Username:    es.Username,
		Password:    es.Password,
		CAFile:      es.CAFile,
		IndexPrefix: es.IndexPrefix,
		Log:         log,
	}
}

// openESIndex opens the Elasticsearch backend: template and alias in
// place. It gives up after a minute, so a cluster that does not answer
// stops start-up with an error instead of hanging it.
func openESIndex(ctx context.Context, cfg *config.Config, log *slog.Logger) (*esindex.Index, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	ix, err := esindex.Open(ctx, esIndexConfig(cfg, log))
	if err != nil {
		return nil, fmt.Errorf("index.elasticsearch: %w", err)
	}
	return ix, nil
}
