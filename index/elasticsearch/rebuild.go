package esindex

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// catchUpOverlap is how far before the start of a rebuild the catch-up
// pass reads the store's changes again: writers in other processes commit
// out of order and their clocks differ a little (as for the projector).
const catchUpOverlap = time.Minute

// RebuildResult says what a rebuild did.
type RebuildResult struct {
	Index    string // the new index, now behind the alias
	Previous string // the index the alias pointed at before; "" if none
	Loaded   int    // entities bulk-loaded from the store
	CaughtUp int    // entities written again for changes made during the load
	Deleted  []string
}

// Rebuild builds a new versioned index from the store and moves the alias
// to it, with no moment in which searches find nothing:
//
//  1. create <prefix>-entities-v<N>-<now> from the current template, with
//     refresh off (refresh_interval -1), as bulk loading wants;
//  2. bulk-load every entity of the change feed into it (refresh=false);
//  3. restore the refresh interval and refresh once;
//  4. move the alias from the old index to the new one in one atomic
//     _aliases request;
//  5. write again, through the alias, what changed in the store since the
//     load began (other processes kept writing to the old index), then
//     refresh;
//  6. delete the old index and any left by a rebuild that failed.
//
// Deletes during a rebuild reach the new index too (see Delete). The one
// window left is a page read from the store just before the sweep deletes
// one of its entities and written just after: the retention sweep deletes
// only entities that have had no link for an hour (removing a link counts
// as a change, which step 5 reads), so such an entity is indexed without
// links and no search, which always filters on a purpose's links, finds
// it; the next rebuild drops it. If the load fails the new index is
// deleted and the alias never moved. Run one rebuild at a time.
func (x *Index) Rebuild(ctx context.Context, feed index.ChangeFeed) (RebuildResult, error) {
	var res RebuildResult
	started := x.cfg.Now()
	old, err := x.aliasTarget(ctx)
	if err != nil {
		return res, err
	}
	res.Previous, res.Index = old, x.versionedName()
	if res.Index == old {
		return res, fmt.Errorf("the new index would be named %s, as the live one is; try again in a second", old)
	}
	if err := x.ensureTemplate(ctx); err != nil {
		return res, err
	}
	body, _ := json.Marshal(obj{"settings": obj{"index": obj{"refresh_interval": "-1"}}})
	if _, err := x.do(ctx, "PUT", "/"+url.PathEscape(res.Index), nil, body, false); err != nil {
		return res, fmt.Errorf("creating index %s: %w", res.Index, err)
	}

	res.Loaded, err = index.ReadFeed(ctx, feed, time.Time{}, func(es []entity.Entity) error {
		ops, err := indexOps(res.Index, es)
		if err != nil {
			return err
		}
		return x.bulk(ctx, ops, "false")
	})
	if err == nil {
		err = x.finishLoad(ctx, res.Index)
	}
	if err == nil {
		err = x.moveAlias(ctx, old, res.Index)
	}
	if err != nil {
		// Leave the live index as it was and drop the half-built one. The
		// context may be what failed; the clean-up gets its own.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, derr := x.do(cleanup, "DELETE", "/"+url.PathEscape(res.Index), nil, nil, false); derr != nil {
			return res, fmt.Errorf("%w (and deleting the unfinished index %s: %v)", err, res.Index, derr)
		}
		return res, fmt.Errorf("rebuilding into %s: %w", res.Index, err)
	}

	// From here on searches use the new index; the old one is only kept
	// until the catch-up is done.
	res.CaughtUp, err = index.ReadFeed(ctx, feed, started.Add(-catchUpOverlap), func(es []entity.Entity) error {
		ops, err := indexOps(x.alias, es)
		if err != nil {
			return err
		}
		return x.bulk(ctx, ops, "false")
	})
	if err != nil {
		return res, fmt.Errorf("the alias now points at %s, but writing the changes made during the load failed (run reindex again): %w", res.Index, err)
	}
	if _, err := x.do(ctx, "POST", "/"+x.alias+"/_refresh", nil, nil, false); err != nil {
		return res, fmt.Errorf("refreshing %s: %w", res.Index, err)
	}
	all, err := x.versionedIndices(ctx)
	if err != nil {
		return res, err
	}
	for _, name := range all {
		if name == res.Index {
			continue
		}
		if _, err := x.do(ctx, "DELETE", "/"+url.PathEscape(name), nil, nil, false); err != nil && !isStatus(err, 404) {
			return res, fmt.Errorf("the alias now points at %s, but deleting the old index %s failed: %w", res.Index, name, err)
		}
		res.Deleted = append(res.Deleted, name)
	}
	return res, nil
}

// finishLoad turns refreshing back on (to the cluster's default) and makes
// the loaded documents searchable.
func (x *Index) finishLoad(ctx context.Context, name string) error {
	body, _ := json.Marshal(obj{"index": obj{"refresh_interval": nil}})
	if _, err := x.do(ctx, "PUT", "/"+url.PathEscape(name)+"/_settings", nil, body, false); err != nil {
		return fmt.Errorf("restoring the refresh interval of %s: %w", name, err)
	}
	if _, err := x.do(ctx, "POST", "/"+url.PathEscape(name)+"/_refresh", nil, nil, false); err != nil {
		return fmt.Errorf("refreshing %s: %w", name, err)
	}
	return nil
}

// moveAlias points the alias at name instead of old, atomically.
func (x *Index) moveAlias(ctx context.Context, old, name string) error {
	actions := []any{}
	if old != "" {
		actions = append(actions, obj{"remove": obj{"index": old, "alias": x.alias}})
	}
	actions = append(actions, obj{"add": obj{"index": name, "alias": x.alias, "is_write_index": true}})
	body, _ := json.Marshal(obj{"actions": actions})
	if _, err := x.do(ctx, "POST", "/_aliases", nil, body, false); err != nil {
		return fmt.Errorf("moving alias %s to %s: %w", x.alias, name, err)
	}
	return nil
}
