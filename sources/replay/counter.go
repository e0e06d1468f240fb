// Package replay holds what the replay servers of every adapter (kvktest,
// bagtest, …) share: they serve recorded answers at the real paths and count
// what they were asked, so tests can prove follow-ups, retries and caching.
package replay

import (
	"io/fs"
	"strings"
	"sync"
)

// Counter counts requests by path. Embed it in a replay handler and call
// Count from ServeHTTP. The zero Counter is ready to use.
type Counter struct {
	mu    sync.Mutex
	total int
	paths map[string]int
}

// Count records one request to path.
func (c *Counter) Count(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total++
	if c.paths == nil {
		c.paths = map[string]int{}
	}
	c.paths[path]++
}

// Requests is the number of requests served so far.
func (c *Counter) Requests() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}

// RequestsTo counts the requests whose path contained part (e.g.
// "/v1/basisprofielen/" or "/free").
func (c *Counter) RequestsTo(part string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for p, k := range c.paths {
		if strings.Contains(p, part) {
			n += k
		}
	}
	return n
}

// Recordings returns the testdata folder of an adapter's embedded
// recordings, for replay handlers and tests that read them directly.
func Recordings(recorded fs.FS) fs.FS {
	sub, err := fs.Sub(recorded, "testdata")
	if err != nil {
		panic(err) // the adapter's embed directive guarantees the folder
	}
	return sub
}
