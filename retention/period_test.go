package retention

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Amsterdam's clock changes, on any machine
)

func TestParse(t *testing.T) {
	good := []struct {
		in   string
		want Period
		str  string // canonical String()
	}{
		{"P1Y", Period{Years: 1}, "P1Y"},
		{"P6M", Period{Months: 6}, "P6M"},
		{"P30D", Period{Days: 30}, "P30D"},
		{"P2W", Period{Days: 14}, "P14D"},
		{"P1Y6M", Period{Years: 1, Months: 6}, "P1Y6M"},
		{"P1W3D", Period{Days: 10}, "P10D"},
		{"PT12H", Period{Time: 12 * time.Hour}, "PT12H"},
		{"PT90M", Period{Time: 90 * time.Minute}, "PT1H30M"},
		{"PT1.5H", Period{Time: 90 * time.Minute}, "PT1H30M"},
		{"PT0,5S", Period{Time: 500 * time.Millisecond}, "PT0.5S"},
		{"PT1M0.000000001S", Period{Time: time.Minute + 1}, "PT1M0.000000001S"},
		{"P1Y2M3DT4H5M6S", Period{1, 2, 3, 4*time.Hour + 5*time.Minute + 6*time.Second}, "P1Y2M3DT4H5M6S"},
		{" p1y ", Period{Years: 1}, "P1Y"},
		{"P0Y1D", Period{Days: 1}, "P1D"},
		{"P100Y", Period{Years: 100}, "P100Y"},
		{"P1200M", Period{Months: 1200}, "P1200M"},
		{"P007D", Period{Days: 7}, "P7D"},
	}
	for _, c := range good {
		got, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("Parse(%q) = %+v, want %+v", c.in, got, c.want)
		}
		if s := got.String(); s != c.str {
			t.Errorf("Parse(%q).String() = %q, want %q", c.in, s, c.str)
		}
		if again, err := Parse(got.String()); err != nil || again != got {
			t.Errorf("String() %q does not round-trip: %+v, %v", got.String(), again, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	bad := []struct{ in, problem string }{
		{"", "empty"},
		{"   ", "empty"},
		{"P", "at least one component"},
		{"PT", "T must be followed"},
		{"P1YT", "T must be followed"},
		{"1Y", "must start with P"},
		{"-P1Y", "sign"},
		{"+P1Y", "sign"},
		{"P-1Y", "expected a number"},
		{"P1.5Y", "fractions are allowed only in the time part"},
		{"P0,5M", "fractions are allowed only in the time part"},
		{"PT1.5H30M", "only the last component"},
		{"PT1.H", "1 to 9 digits"},
		{"PT1.1234567891S", "1 to 9 digits"},
		{"P0D", "zero"},
		{"PT0S", "zero"},
		{"P0Y0M0DT0H0M0.0S", "zero"},
		{"P101Y", "longer than 100 years"},
		{"P100Y1D", "longer than 100 years"},
		{"P1201M", "longer than 100 years"},
		{"P40000D", "longer than 100 years"},
		{"PT999999999H", "longer than 100 years"},
		{"PT876600H876600H", "repeated or out of order"},
		{"PT876000H52560000M", "longer than 100 years"},
		{"P99Y9999999999D", "longer than 100 years"},
		{"P1234567890123D", "too long"},
		{"P1M1Y", "out of order"},
		{"P1Y1Y", "repeated"},
		{"P1D1W", "out of order"},
		{"P1H", "not a date designator"},
		{"PT1D", "not a time designator"},
		{"PT1Y", "not a time designator"},
		{"P1", "no designator"},
		{"P1Y 2M", "expected a number"},
		{"P1Y\x00", "expected a number"},
		{"P１Y", "expected a number"}, // full-width digit
		{"P1YT1H1M1S1S", "repeated"},
		{strings.Repeat("P1Y", 100), "too long"},
		{"1 year", "must start with P"},
	}
	for _, c := range bad {
		p, err := Parse(c.in)
		if err == nil {
			t.Errorf("Parse(%q) = %+v, want error containing %q", c.in, p, c.problem)
			continue
		}
		msg := err.Error()
		if !errors.Is(err, ErrInvalid) || !strings.Contains(msg, c.problem) {
			t.Errorf("Parse(%q) error = %q, want ErrInvalid containing %q", c.in, msg, c.problem)
		}
		if !strings.Contains(msg, "expected an ISO 8601 duration") || strings.ContainsRune(msg, 0) {
			t.Errorf("Parse(%q) error = %q, want the expected form and no raw control characters", c.in, msg)
		}
	}
}

func TestAddTo(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal("no time zone data (time/tzdata is embedded for this test):", err)
	}
	utc := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	cases := []struct {
		period   string
		from, to time.Time
	}{
		{"P1Y", utc(2025, 3, 15, 10), utc(2026, 3, 15, 10)},
		{"P30D", utc(2025, 3, 15, 10), utc(2025, 4, 14, 10)},
		{"P2W", utc(2025, 12, 25, 0), utc(2026, 1, 8, 0)},
		{"P6M", utc(2025, 8, 31, 0), utc(2026, 2, 28, 0)},  // clamped, not 3 March
		{"P1M", utc(2024, 1, 31, 0), utc(2024, 2, 29, 0)},  // leap year
		{"P1Y", utc(2024, 2, 29, 0), utc(2025, 2, 28, 0)},  // no 29 Feb in 2025
		{"P4Y", utc(2024, 2, 29, 0), utc(2028, 2, 29, 0)},  //
		{"P1M1D", utc(2025, 1, 31, 0), utc(2025, 3, 1, 0)}, // months first, then days
		{"P1Y6M", utc(2025, 7, 1, 0), utc(2027, 1, 1, 0)},
		{"P13M", utc(2025, 12, 1, 0), utc(2027, 1, 1, 0)},
		{"PT12H", utc(2025, 3, 15, 20), utc(2025, 3, 16, 8)},
		{"P1DT1H", utc(2025, 3, 15, 23), utc(2025, 3, 17, 0)},
		// Across the switch to summer time: a day is a calendar day (23
		// hours here), PT24H is exactly 24 hours.
		{"P1D", time.Date(2025, 3, 29, 12, 0, 0, 0, ams), time.Date(2025, 3, 30, 12, 0, 0, 0, ams)},
		{"PT24H", time.Date(2025, 3, 29, 12, 0, 0, 0, ams), time.Date(2025, 3, 30, 13, 0, 0, 0, ams)},
	}
	for _, c := range cases {
		p, err := Parse(c.period)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.period, err)
		}
		if got := p.AddTo(c.from); !got.Equal(c.to) {
			t.Errorf("%s.AddTo(%v) = %v, want %v", c.period, c.from, got, c.to)
		}
	}
	// Hand-made negative periods go backwards, clamped the same way.
	back := Period{Months: -1}.AddTo(utc(2025, 3, 31, 0))
	if want := utc(2025, 2, 28, 0); !back.Equal(want) {
		t.Errorf("-1 month from 31 March = %v, want %v", back, want)
	}
	if back := (Period{Months: -13}).AddTo(utc(2025, 1, 15, 0)); !back.Equal(utc(2023, 12, 15, 0)) {
		t.Errorf("-13 months from 15 Jan 2025 = %v", back)
	}
}

func TestText(t *testing.T) {
	var v struct {
		Retention Period `json:"retention"`
	}
	if err := json.Unmarshal([]byte(`{"retention":"P1Y6M"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.Retention != (Period{Years: 1, Months: 6}) {
		t.Fatalf("unmarshalled %+v", v.Retention)
	}
	out, err := json.Marshal(v)
	if err != nil || string(out) != `{"retention":"P1Y6M"}` {
		t.Fatalf("marshalled %s, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"retention":"P0D"}`), &v); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unmarshal P0D: %v", err)
	}
	if s := (Period{}).String(); s != "PT0S" {
		t.Errorf("zero String() = %q", s)
	}
}
