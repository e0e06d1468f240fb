package egress

import (
	"context"
	"sync"
	"time"
)

// BreakerSettings tune the circuit breaker every source has. After
// Failures consecutive transient failures (transport errors, timeouts,
// 5xx) within Window, the circuit opens: for CoolDown no request is sent
// and Do answers *HeldError ("circuit open"). Then exactly one probe is
// let through (half-open); its success closes the circuit, its failure
// opens it for another CoolDown. Answers below 500 count as success: a
// 404 means the source is up. The state is shared through Redis, so one
// worker's failures rest the source for all of them.
type BreakerSettings struct {
	Failures int           // default 5
	Window   time.Duration // default 1 minute
	CoolDown time.Duration // default 30 seconds
}

// Breaker defaults.
const (
	DefaultBreakerFailures = 5
	DefaultBreakerWindow   = time.Minute
	DefaultBreakerCoolDown = 30 * time.Second
)

// trippedTTL bounds how long a half-open circuit waits for its probe; a
// source nobody asks for a day starts again closed.
const trippedTTL = 24 * time.Hour

func (b BreakerSettings) withDefaults() BreakerSettings {
	if b.Failures <= 0 {
		b.Failures = DefaultBreakerFailures
	}
	if b.Window <= 0 {
		b.Window = DefaultBreakerWindow
	}
	if b.CoolDown < time.Millisecond {
		b.CoolDown = DefaultBreakerCoolDown
	}
	return b
}

// SetBreaker changes the breaker thresholds for all sources of this
// process; zero fields take the defaults.
func (l *RedisLimiter) SetBreaker(b BreakerSettings) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.breaker = b.withDefaults()
}

// Breaker returns the thresholds in force.
func (l *RedisLimiter) Breaker() BreakerSettings {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.breaker
}

// permit is what Acquire handed out: a slot (holder), maybe the half-open
// probe token, to be given back with the request's outcome.
type permit struct {
	l      *RedisLimiter
	source string
	keys   sourceKeys
	holder string // "" when the source is uncapped
	probe  string // "" unless this request is the probe
	once   sync.Once
}

func (p *permit) release(ctx context.Context, o Outcome) {
	p.once.Do(func() { p.done(ctx, o) })
}

func (p *permit) done(ctx context.Context, o Outcome) {
	kind := "none"
	switch o.Kind {
	case OutcomeSuccess:
		kind = "ok"
	case OutcomeFailure:
		kind = "fail"
	}
	throttle := o.Throttle.Milliseconds()
	if kind == "none" && p.holder == "" && p.probe == "" && throttle <= 0 {
		return // nothing to give back, nothing learnt
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opTimeout)
	defer cancel()
	b := p.l.Breaker()
	k := p.keys
	state, err := doneScript.Run(ctx, p.l.rdb,
		[]string{k.slots, k.fails, k.open, k.tripped, k.probe, k.pause},
		p.holder, kind, p.probe, b.Failures, b.Window.Milliseconds(), b.CoolDown.Milliseconds(),
		throttle, (b.CoolDown + trippedTTL).Milliseconds()).Text()
	if err != nil {
		// The lease frees the slot and the probe in time; the breaker
		// misses one outcome. Neither is worth failing a fetched answer.
		return
	}
	switch state {
	case "open":
		p.l.setCircuit(p.source, CircuitOpen)
	case "closed":
		p.l.setCircuit(p.source, CircuitClosed)
	}
}
