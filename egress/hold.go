package egress

import (
	"context"
	"fmt"
	"time"
)

// halfOpenRetry caps the RetryIn of requests held while the half-open
// probe is out: the probe usually answers long before its lease ends.
const halfOpenRetry = 5 * time.Second

// admit checks pause and circuit in one step. It returns the probe token
// when this request is the one let through a half-open circuit, a
// *HeldError when the source is held, or the Redis error.
func (l *RedisLimiter) admit(ctx context.Context, source string, k sourceKeys, lease time.Duration) (string, error) {
	token := newToken()
	res, err := admitScript.Run(ctx, l.rdb, []string{k.pause, k.open, k.tripped, k.probe}, token, lease.Milliseconds()).Slice()
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("checking whether %s is held: %w", source, err)
	}
	if len(res) != 3 {
		return "", fmt.Errorf("checking whether %s is held: unexpected answer %v", source, res)
	}
	verdict, _ := res[0].(string)
	reason, _ := res[1].(string)
	ms, _ := res[2].(int64)
	switch verdict {
	case "ok":
		l.setCircuit(source, CircuitClosed)
		return "", nil
	case "probe":
		l.setCircuit(source, CircuitHalfOpen)
		return token, nil
	}
	retry := time.Duration(max(ms, 0)) * time.Millisecond
	switch reason {
	case HoldCircuitOpen:
		l.setCircuit(source, CircuitOpen)
	case "half-open":
		l.setCircuit(source, CircuitHalfOpen)
		reason, retry = HoldCircuitOpen, min(retry, halfOpenRetry)
	}
	return "", &HeldError{Source: source, Reason: reason, RetryIn: retry}
}

// Pause holds source for d in every process: Do answers *HeldError
// ("paused") without sending until d has passed or Resume is called. A
// later Pause replaces the earlier one, also a shorter one.
func (l *RedisLimiter) Pause(ctx context.Context, source string, d time.Duration) error {
	if d < time.Millisecond {
		return fmt.Errorf("pausing %s: duration %s is too short", source, d)
	}
	if err := l.rdb.Set(ctx, keysFor(source).pause, HoldPaused, d).Err(); err != nil {
		return fmt.Errorf("pausing %s: %w", source, err)
	}
	return nil
}

// Resume lifts a pause of source in every process, whether an admin set it
// or the source's Retry-After did. An open circuit stays open.
func (l *RedisLimiter) Resume(ctx context.Context, source string) error {
	if err := l.rdb.Del(ctx, keysFor(source).pause).Err(); err != nil {
		return fmt.Errorf("resuming %s: %w", source, err)
	}
	return nil
}
