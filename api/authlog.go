package api

import (
	"sync"
	"time"
)

// Token use and failed logins are logged (PRIVACY.md: login/token use),
// but not on every request: a busy analyst would fill the log with one
// line per click, and a client hammering with a bad token must not be able
// to flood it. Each (token, origin) use is logged once per tokenUseEvery,
// each failing origin once per failedAuthEvery, per process.
const (
	tokenUseEvery   = time.Hour
	failedAuthEvery = time.Minute
	maxThrottleKeys = 10000
)

// throttle remembers when a key was last logged.
type throttle struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// due reports whether key should be logged now, and if so marks it.
func (t *throttle) due(key string, every time.Duration, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		t.last = map[string]time.Time{}
	}
	if at, ok := t.last[key]; ok && now.Sub(at) < every {
		return false
	}
	if len(t.last) >= maxThrottleKeys {
		// Forget the stale ones; if all are fresh, start over (at worst a
		// few extra log lines, never a lost one).
		for k, at := range t.last {
			if now.Sub(at) >= every {
				delete(t.last, k)
			}
		}
		if len(t.last) >= maxThrottleKeys {
			t.last = map[string]time.Time{}
		}
	}
	t.last[key] = now
	return true
}
