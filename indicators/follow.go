package indicators

import (
	"context"
	"os"
	"time"
)

// Follow keeps the engine's rules in step with the file at path ("" for
// the built-in rules, which never change) and, with recompute, evaluates
// every signal not yet evaluated with the rules in use: at once, and then
// every interval, until ctx ends. The process that owns the API (serve)
// recomputes; workers only follow, so their post-job evaluations use the
// new rules too.
//
// A changed file is loaded only when it is valid and names a new version:
// an invalid file, or an edit that kept the version (its hits could not be
// told from the old ones), is logged and the previous rules stay in use.
func (e *Engine) Follow(ctx context.Context, path string, interval time.Duration, recompute bool) {
	if interval <= 0 {
		interval = time.Minute
	}
	stamp := statFile(path)
	pass := func() {
		if !recompute {
			return
		}
		n, err := e.RecomputeStale(ctx)
		if err != nil && ctx.Err() == nil {
			e.log().Warn("recomputing indicators", "err", err)
		}
		if n > 0 {
			e.log().Info("indicators recomputed", "signals", n, "rules_version", e.Rules().Version)
		}
	}
	pass()
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		if path != "" {
			if st := statFile(path); st != stamp {
				stamp = st
				e.Reload(path)
			}
		}
		pass()
	}
}

// Reload reads the rules at path and uses them if they are valid and name
// a new version; it reports whether the rules changed.
func (e *Engine) Reload(path string) bool {
	rs, err := LoadFile(path)
	cur := e.Rules()
	switch {
	case err != nil:
		e.log().Error("indicator rules not reloaded; the previous rules stay in use", "err", err)
		return false
	case rs.Digest == cur.Digest:
		return false
	case rs.Version == cur.Version:
		e.log().Error("indicator rules changed but kept version "+cur.Version+
			"; change version: to use them. The previous rules stay in use", "file", path)
		return false
	}
	e.SetRules(rs)
	e.log().Info("indicator rules reloaded", "file", path, "version", rs.Version, "rules", len(rs.Rules))
	return true
}

// fileStamp tells a changed file from an unchanged one cheaply.
type fileStamp struct {
	size int64
	mod  time.Time
}

func statFile(path string) fileStamp {
	if path == "" {
		return fileStamp{}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{size: fi.Size(), mod: fi.ModTime()}
}
