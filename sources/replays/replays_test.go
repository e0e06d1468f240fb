package replays

import (
	"slices"
	"testing"

	"verrijk/sources/registry"
)

// Every source has a replay server, so every source can be tried offline.
func TestEverySourceHasAReplay(t *testing.T) {
	var names []string
	ports := map[int]bool{}
	for _, r := range All {
		names = append(names, r.Source)
		if ports[r.Port] {
			t.Errorf("port %d used twice", r.Port)
		}
		ports[r.Port] = true
		if r.New() == nil {
			t.Errorf("%s: no handler", r.Source)
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, registry.Names()) {
		t.Errorf("replays %v, sources %v", names, registry.Names())
	}
}
