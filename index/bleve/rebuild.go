package bleveindex

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/blevesearch/bleve/v2"

	"verrijk/index"
	"verrijk/pipeline/entity"
)

// ErrInUse is returned by Rebuild when another process (serve) holds the
// index: Bleve allows one process at a time.
var ErrInUse = errors.New("the index is in use by another process (stop `verrijk serve` first)")

// lockWait is how long Rebuild waits for the existing index's lock. Bleve
// waits without end for a lock another process holds.
var lockWait = 5 * time.Second

// Rebuild builds a fresh index from feed next to the one at path and then
// puts it in that one's place, so the index holds exactly what the store
// holds, in the current mapping. The old index stays untouched until the
// new one is complete: a failed rebuild leaves it as it was.
//
// Bleve is embedded: the process that runs Rebuild must be the only one
// using the index, so serve has to be stopped. Rebuild holds the old
// index's lock while it works; a serve started meanwhile waits for it and
// then opens the new index. It returns how many entities it indexed.
func Rebuild(ctx context.Context, path string, feed index.ChangeFeed) (int, error) {
	old, err := lockExisting(ctx, path)
	if err != nil {
		return 0, err
	}
	releaseOld := func() {
		if old != nil {
			old.Close()
			old = nil
		}
	}
	defer releaseOld()

	tmp := path + ".rebuild"
	if err := os.RemoveAll(tmp); err != nil { // left by a rebuild that crashed
		return 0, fmt.Errorf("clearing %s: %w", tmp, err)
	}
	fresh, err := create(tmp)
	if err != nil {
		return 0, err
	}
	n, err := index.ReadFeed(ctx, feed, time.Time{}, func(es []entity.Entity) error {
		return fresh.Upsert(ctx, es...)
	})
	if cerr := fresh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.RemoveAll(tmp)
		return n, fmt.Errorf("building the new index: %w", err)
	}

	if old == nil {
		if err := os.Rename(tmp, path); err != nil {
			os.RemoveAll(tmp)
			return n, fmt.Errorf("putting the new index in place: %w", err)
		}
		return n, nil
	}
	retired := fmt.Sprintf("%s.old-%d", path, time.Now().UnixNano())
	if err := os.Rename(path, retired); err != nil {
		os.RemoveAll(tmp)
		return n, fmt.Errorf("moving the old index aside: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		// Put the old one back rather than leave no index at all.
		if berr := os.Rename(retired, path); berr != nil {
			return n, fmt.Errorf("putting the new index in place: %w (and restoring the old one from %s: %v)", err, retired, berr)
		}
		return n, fmt.Errorf("putting the new index in place: %w", err)
	}
	releaseOld()
	if err := os.RemoveAll(retired); err != nil {
		return n, fmt.Errorf("the new index is in place, but removing the old one at %s: %w", retired, err)
	}
	return n, nil
}

// lockExisting opens the index at path, whatever its mapping version, to
// hold its lock; nil when there is none yet. A path that holds something
// other than an index is refused rather than replaced.
func lockExisting(ctx context.Context, path string) (bleve.Index, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if isEmptyDir(path) {
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("removing the empty directory %s: %w", path, err)
		}
		return nil, nil
	}
	type opened struct {
		idx bleve.Index
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		idx, err := bleve.Open(path)
		ch <- opened{idx, err}
	}()
	timer := time.NewTimer(lockWait)
	defer timer.Stop()
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, fmt.Errorf("opening the index at %s: %w", path, o.err)
		}
		return o.idx, nil
	case <-timer.C:
	case <-ctx.Done():
	}
	// Should the lock come free before this process exits, close what the
	// abandoned open returns rather than leave it open.
	go func() {
		// On error Bleve returns a nil *indexImpl inside a non-nil Index.
		if o := <-ch; o.err == nil {
			o.idx.Close()
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%s: %w", path, ErrInUse)
}
