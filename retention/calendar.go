package retention

import (
	"strconv"
	"strings"
	"time"
)

// IsZero reports whether p is the zero period.
func (p Period) IsZero() bool { return p == Period{} }

// AddTo returns t plus p: first years and months, then days, both on the
// calendar in t's location, then the exact Time. When the target month is
// shorter, the day is clamped to its end, so 31 January plus P1M is 28 or 29
// February (as in java.time and most ISO 8601 libraries), not 2 or 3 March
// as time.AddDate would give: a retention period should never quietly keep
// data longer than it says.
func (p Period) AddTo(t time.Time) time.Time {
	y, m, d := t.Date()
	months := int(m) - 1 + p.Months + 12*p.Years
	y += months / 12
	months %= 12
	if months < 0 { // only for hand-made negative periods
		months += 12
		y--
	}
	month := time.Month(months + 1)
	if last := daysIn(y, month); d > last {
		d = last
	}
	hh, mm, ss := t.Clock()
	u := time.Date(y, month, d, hh, mm, ss, t.Nanosecond(), t.Location())
	return u.AddDate(0, 0, p.Days).Add(p.Time)
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// String returns the canonical ISO 8601 form: designators in order, zero
// components left out, weeks written as days (P2W is "P14D"), the time part
// as whole hours and minutes with seconds carrying any fraction. The zero
// period is "PT0S".
func (p Period) String() string {
	if p.IsZero() {
		return "PT0S"
	}
	var b strings.Builder
	b.WriteByte('P')
	part := func(n int64, unit byte) {
		if n != 0 {
			b.WriteString(strconv.FormatInt(n, 10))
			b.WriteByte(unit)
		}
	}
	part(int64(p.Years), 'Y')
	part(int64(p.Months), 'M')
	part(int64(p.Days), 'D')
	if p.Time != 0 {
		b.WriteByte('T')
		part(int64(p.Time/time.Hour), 'H')
		part(int64(p.Time%time.Hour/time.Minute), 'M')
		if rest := p.Time % time.Minute; rest != 0 {
			b.WriteString(strconv.FormatFloat(rest.Seconds(), 'f', -1, 64))
			b.WriteByte('S')
		}
	}
	return b.String()
}

// MarshalText writes the canonical form, so a Period can sit in JSON and
// YAML as "P1Y".
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses like Parse.
func (p *Period) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Negate returns -p, so that p.Negate().AddTo(now) is the moment from
// which p has passed by now (a cut-off for "older than p").
func (p Period) Negate() Period {
	return Period{Years: -p.Years, Months: -p.Months, Days: -p.Days, Time: -p.Time}
}
