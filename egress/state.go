package egress

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// CircuitState is the breaker's state for a source.
type CircuitState string

const (
	CircuitClosed   CircuitState = "closed"    // requests flow
	CircuitHalfOpen CircuitState = "half-open" // one probe may go (or is out)
	CircuitOpen     CircuitState = "open"      // resting the source
)

// gauge is the value of the circuit_state metric: 0 closed, 1 half-open,
// 2 open.
func (s CircuitState) gauge() float64 {
	switch s {
	case CircuitHalfOpen:
		return 1
	case CircuitOpen:
		return 2
	}
	return 0
}

// SourceState is how a source stands across all processes, for display
// (GET /sources). Rate and Concurrency are this process's settings.
type SourceState struct {
	Source      string
	Rate        Rate // zero: unlimited
	Concurrency int  // 0: uncapped
	InFlight    int  // requests holding a slot now, all processes (capped sources only)
	PausedUntil time.Time
	PauseReason string // HoldPaused or HoldThrottled; "" when not paused
	Circuit     CircuitState
	Failures    int       // consecutive transient failures counted
	OpenedAt    time.Time // when the circuit last opened; zero when closed
}

// State reads the shared state of source.
func (l *RedisLimiter) State(ctx context.Context, source string) (SourceState, error) {
	k := keysFor(source)
	res, err := stateScript.Run(ctx, l.rdb, []string{k.slots, k.pause, k.open, k.tripped, k.fails}).Slice()
	if err != nil {
		return SourceState{}, fmt.Errorf("reading state of %s: %w", source, err)
	}
	if len(res) != 7 {
		return SourceState{}, fmt.Errorf("reading state of %s: unexpected answer %v", source, res)
	}
	now := time.UnixMilli(atoi(res[0]))
	st := SourceState{Source: source, Concurrency: l.Concurrency(source), InFlight: int(atoi(res[1])),
		Failures: int(atoi(res[6])), Circuit: CircuitClosed}
	st.Rate, _ = l.Rate(source)
	if reason, _ := res[2].(string); reason != "" {
		st.PauseReason = reason
		if ttl := atoi(res[3]); ttl > 0 {
			st.PausedUntil = now.Add(time.Duration(ttl) * time.Millisecond)
		}
	}
	if opened := atoi(res[5]); opened > 0 {
		st.OpenedAt = time.UnixMilli(opened)
		st.Circuit = CircuitHalfOpen
		if atoi(res[4]) != -2 {
			st.Circuit = CircuitOpen
		}
	}
	l.setCircuit(source, st.Circuit)
	return st, nil
}

// atoi reads an integer or numeric string from a script's answer; 0 when
// it is neither.
func atoi(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

func (l *RedisLimiter) setCircuit(source string, s CircuitState) {
	l.m.circuit.WithLabelValues(source).Set(s.gauge())
}
