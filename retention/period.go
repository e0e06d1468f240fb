// Package retention reads the retention period of a purpose, an ISO 8601
// duration such as P1Y, P6M, P30D or PT12H, and computes when data kept
// under that purpose expires.
package retention

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrInvalid is wrapped by every Parse error, so callers can answer 400.
var ErrInvalid = errors.New("invalid retention period")

// maxYears bounds a period: anything longer is a typo, and keeping data
// forever by accident is exactly what storage limitation forbids.
const maxYears = 100

// Period is a calendar period. Years, months and days are calendar units
// (a month is not 30 days); Time is exact elapsed time.
type Period struct {
	Years, Months, Days int
	Time                time.Duration
}

// Parse reads an ISO 8601 duration: P[nY][nM][nW][nD][T[nH][nM][nS]].
// Weeks count as 7 days. Only the last component of the time part may have
// a fraction (PT1.5H, PT0,5S); date parts must be whole. Designators may be
// lower case. Negative, zero and longer-than-100-years periods are refused.
func Parse(s string) (Period, error) {
	in := s
	bad := func(problem string) (Period, error) {
		return Period{}, fmt.Errorf("%w %q: %s; expected an ISO 8601 duration such as P1Y, P6M, P30D or PT12H",
			ErrInvalid, shorten(in), problem)
	}
	s = strings.ToUpper(strings.TrimSpace(s))
	switch {
	case s == "":
		return bad("it is empty")
	case len(s) > 64:
		return bad("it is too long")
	case s[0] == '-' || s[0] == '+':
		return bad("a retention period cannot have a sign")
	case s[0] != 'P':
		return bad("it must start with P")
	}
	date, clock, hasT := strings.Cut(s[1:], "T")
	if date == "" && !hasT {
		return bad("P must be followed by at least one component")
	}
	if hasT && clock == "" {
		return bad("T must be followed by hours, minutes or seconds")
	}
	var p Period
	if problem := p.parseDate(date); problem != "" {
		return bad(problem)
	}
	if problem := p.parseTime(clock); problem != "" {
		return bad(problem)
	}
	if p.IsZero() {
		return bad("it is zero, and a retention period must be longer than that")
	}
	if p.approxDays() > maxYears*daysPerYear {
		return bad(fmt.Sprintf("it is longer than %d years", maxYears))
	}
	return p, nil
}

// Average calendar lengths, only for the 100-year sanity bound.
const (
	daysPerYear  = 365.2425
	daysPerMonth = daysPerYear / 12
)

func (p Period) approxDays() float64 {
	return float64(p.Years)*daysPerYear + float64(p.Months)*daysPerMonth +
		float64(p.Days) + p.Time.Hours()/24
}

// Per-component caps; together with the final 100-year check they keep
// every sum far from integer overflow.
var dateCaps = map[byte]int{'Y': maxYears, 'M': 12 * maxYears, 'W': 53 * maxYears, 'D': 366 * maxYears}

func (p *Period) parseDate(s string) string {
	last := -1
	for s != "" {
		num, frac, unit, rest, problem := component(s)
		if problem != "" {
			return problem
		}
		pos := strings.IndexByte("YMWD", unit)
		if pos < 0 {
			return fmt.Sprintf("%c is not a date designator (Y, M, W, D; put hours, minutes and seconds after T)", unit)
		}
		if pos <= last {
			return fmt.Sprintf("%c is repeated or out of order (Y, M, W, D)", unit)
		}
		if frac != "" {
			return "fractions are allowed only in the time part, e.g. PT1.5H"
		}
		last, s = pos, rest
		n, err := strconv.Atoi(num)
		if err != nil || n > dateCaps[unit] {
			return fmt.Sprintf("%s%c is longer than %d years", num, unit, maxYears)
		}
		switch unit {
		case 'Y':
			p.Years = n
		case 'M':
			p.Months = n
		case 'W':
			p.Days += 7 * n
		case 'D':
			p.Days += n
		}
	}
	return ""
}

var timeUnits = map[byte]time.Duration{'H': time.Hour, 'M': time.Minute, 'S': time.Second}

const maxTime = maxYears * 366 * 24 * time.Hour

func (p *Period) parseTime(s string) string {
	last := -1
	for s != "" {
		num, frac, unit, rest, problem := component(s)
		if problem != "" {
			return problem
		}
		pos := strings.IndexByte("HMS", unit)
		if pos < 0 {
			return fmt.Sprintf("%c is not a time designator (H, M, S)", unit)
		}
		if pos <= last {
			return fmt.Sprintf("%c is repeated or out of order (H, M, S)", unit)
		}
		if frac != "" && rest != "" {
			return "only the last component may have a fraction"
		}
		last, s = pos, rest
		u := timeUnits[unit]
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n > int64(maxTime/u) {
			return fmt.Sprintf("%s%c is longer than %d years", num, unit, maxYears)
		}
		d := time.Duration(n) * u
		if frac != "" {
			f, _ := strconv.ParseInt(frac, 10, 64) // frac is 1–9 digits
			d += time.Duration(f) * (u / pow10(len(frac)))
		}
		// Each part is at most maxTime, so this sum cannot overflow.
		if p.Time += d; p.Time > maxTime {
			return fmt.Sprintf("it is longer than %d years", maxYears)
		}
	}
	return ""
}

// component splits "12Y…" into "12", "", 'Y', "…" and "1,5H" into "1",
// "5", 'H', "". Numbers have at most 12 digits and fractions at most 9.
func component(s string) (num, frac string, unit byte, rest, problem string) {
	i := digits(s)
	if i == 0 {
		return "", "", 0, "", fmt.Sprintf("expected a number at %q", shorten(s))
	}
	if i > 12 {
		return "", "", 0, "", "a number is too long"
	}
	num, s = s[:i], s[i:]
	if s != "" && (s[0] == '.' || s[0] == ',') {
		j := digits(s[1:])
		if j == 0 || j > 9 {
			return "", "", 0, "", "a fraction needs 1 to 9 digits after the decimal sign"
		}
		frac, s = s[1:1+j], s[1+j:]
	}
	if s == "" {
		return "", "", 0, "", fmt.Sprintf("%s has no designator (Y, M, W, D, H or S) after it", num)
	}
	return num, frac, s[0], s[1:], ""
}

func digits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

func pow10(n int) time.Duration {
	d := time.Duration(1)
	for range n {
		d *= 10
	}
	return d
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
