package main

import (
	"context"
	"fmt"
	"time"

	"verrijk/config"
	"verrijk/indicators"
)

// rulesCheckInterval is how often a process looks at the rules file for
// an edit, and serve for signals still to evaluate with the rules in use.
const rulesCheckInterval = time.Minute

// openIndicators loads and validates the indicator rules: a mistake stops
// start-up with a message naming the key, the rule and the field. The
// default file is relative to the working directory; when it is absent
// (verrijk started elsewhere) the rules built into the binary are used.
func (rt *runtime) openIndicators() error {
	path := rt.cfg.Indicators.RulesFile
	rules, follow, err := indicators.Open(path, path == config.Default().Indicators.RulesFile)
	if err != nil {
		return fmt.Errorf("indicators.rules_file: %w", err)
	}
	if follow == "" {
		rt.log.Warn("indicator rules file not found; using the rules built into the binary "+
			"(set indicators.rules_file to edit them)", "file", path, "version", rules.Version)
	} else {
		rt.log.Info("indicator rules loaded", "file", follow, "version", rules.Version, "rules", len(rules.Rules))
	}
	rt.indicators = indicators.NewEngine(rt.store, rt.audit, rules, rt.log)
	rt.rulesPath = follow
	return nil
}

// followIndicators keeps the rules in step with their file until ctx
// ends; with recompute (the serve process) it also evaluates, in the
// background, every signal not yet evaluated with the rules in use: at
// start-up after a rules change, and after each later change.
func (rt *runtime) followIndicators(ctx context.Context, recompute bool) {
	go rt.indicators.Follow(ctx, rt.rulesPath, rulesCheckInterval, recompute)
}
