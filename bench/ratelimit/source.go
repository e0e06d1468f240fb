package main

import (
	"net/http"
	"sort"
	"sync"
	"time"
)

// limitedSource is a source that enforces its own limit, as RDW's portal
// (and any public API) does: it answers 429 with Retry-After to a request
// that would make more than limit requests arrive within one second, and
// hands the others to the replay. It records when every request arrived.
type limitedSource struct {
	next  http.Handler
	limit int // requests allowed in any 1-second window: rate + burst

	mu       sync.Mutex
	arrivals []time.Time // every request, in arrival order
	rejected []time.Time // those answered 429
}

func (s *limitedSource) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	// Taken under the lock, so arrivals stay sorted.
	now := time.Now()
	s.arrivals = append(s.arrivals, now)
	over := countSince(s.arrivals, now.Add(-time.Second)) > s.limit
	if over {
		s.rejected = append(s.rejected, now)
	}
	s.mu.Unlock()
	if over {
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"code":"too_many_requests","error":true,"message":"Too many requests"}`))
		return
	}
	s.next.ServeHTTP(w, r)
}

// countSince counts the sorted times after t.
func countSince(times []time.Time, t time.Time) int {
	return len(times) - sort.Search(len(times), func(i int) bool { return times[i].After(t) })
}

// first returns the first arrival, if any request came yet.
func (s *limitedSource) first() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.arrivals) == 0 {
		return time.Time{}, false
	}
	return s.arrivals[0], true
}

// snapshot copies what the source has seen so far.
func (s *limitedSource) snapshot() (arrivals, rejected []time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.arrivals...), append([]time.Time(nil), s.rejected...)
}

// result is what one run measured at the source.
type result struct {
	requests  int       // arrived within the measured period
	rejected  int       // of those, answered 429
	maxWindow int       // most arrivals in any 1-second window
	maxSteady int       // the same after the opening burst (steadyAfter)
	achieved  float64   // accepted requests per second over the steady part, as a fraction of the rate
	last      time.Time // the last arrival within the period
}

// steadyAfter is skipped at the start of the period when computing the
// achieved rate: the limiter lets a full burst through at once there.
const steadyAfter = time.Second

// measure evaluates the arrivals in [from, from+d).
func measure(arrivals, rejected []time.Time, from time.Time, d time.Duration, rate int) result {
	in := func(ts []time.Time, a, b time.Time) []time.Time {
		lo := sort.Search(len(ts), func(i int) bool { return !ts[i].Before(a) })
		hi := sort.Search(len(ts), func(i int) bool { return !ts[i].Before(b) })
		return ts[lo:hi]
	}
	to := from.Add(d)
	period := in(arrivals, from, to)
	r := result{requests: len(period), rejected: len(in(rejected, from, to)), maxWindow: maxInWindow(period, time.Second)}
	if len(period) > 0 {
		r.last = period[len(period)-1]
	}
	steadyFrom := from.Add(steadyAfter)
	r.maxSteady = maxInWindow(in(arrivals, steadyFrom, to), time.Second)
	accepted := len(in(arrivals, steadyFrom, to)) - len(in(rejected, steadyFrom, to))
	r.achieved = float64(accepted) / (d - steadyAfter).Seconds() / float64(rate)
	return r
}

// maxInWindow is the largest number of the sorted times that fall within
// any window of length w (a window [t, t+w) starting at some time t).
func maxInWindow(times []time.Time, w time.Duration) int {
	best, j := 0, 0
	for i := range times {
		for j < len(times) && times[j].Sub(times[i]) < w {
			j++
		}
		best = max(best, j-i)
	}
	return best
}
