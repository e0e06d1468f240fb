package egress

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Rate is N requests per Per, e.g. {10, time.Second} for "10/s".
type Rate struct {
	N   int
	Per time.Duration
}

// maxRateN keeps a typo such as "1000000/s" from disabling politeness.
const maxRateN = 100000

var rateUnits = map[string]time.Duration{
	"s": time.Second, "m": time.Minute, "h": time.Hour,
}

// ParseRate reads "N/s", "N/m" or "N/h" (as in the sources.<name>.rate
// config key). Errors say what is wrong, for the config package to prefix
// with the key.
func ParseRate(s string) (Rate, error) {
	count, unit, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Rate{}, fmt.Errorf("rate %q: want N/s, N/m or N/h", s)
	}
	count, unit = strings.TrimSpace(count), strings.TrimSpace(unit)
	n, err := strconv.Atoi(count)
	if err != nil {
		return Rate{}, fmt.Errorf("rate %q: count %q is not a whole number", s, count)
	}
	if n <= 0 || n > maxRateN {
		return Rate{}, fmt.Errorf("rate %q: count must be between 1 and %d", s, maxRateN)
	}
	per, ok := rateUnits[unit]
	if !ok {
		return Rate{}, fmt.Errorf("rate %q: unit %q must be s, m or h", s, unit)
	}
	return Rate{N: n, Per: per}, nil
}

// String formats r the way ParseRate reads it.
func (r Rate) String() string {
	switch r.Per {
	case time.Second:
		return strconv.Itoa(r.N) + "/s"
	case time.Minute:
		return strconv.Itoa(r.N) + "/m"
	case time.Hour:
		return strconv.Itoa(r.N) + "/h"
	}
	return fmt.Sprintf("%d/%s", r.N, r.Per)
}

// IsZero reports an unset rate, which means unlimited.
func (r Rate) IsZero() bool { return r.N <= 0 || r.Per <= 0 }
