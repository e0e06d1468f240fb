package egress

import (
	"strings"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	good := []struct {
		in   string
		want Rate
		str  string
	}{
		{"10/s", Rate{10, time.Second}, "10/s"},
		{"5/m", Rate{5, time.Minute}, "5/m"},
		{"100/h", Rate{100, time.Hour}, "100/h"},
		{" 2 / s ", Rate{2, time.Second}, "2/s"},
	}
	for _, c := range good {
		got, err := ParseRate(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", c.in, got, err, c.want)
			continue
		}
		if got.String() != c.str {
			t.Errorf("String() = %q, want %q", got.String(), c.str)
		}
	}
	bad := []struct{ in, mentions string }{
		{"", "want N/s"},
		{"10", "want N/s"},
		{"ten/s", "not a whole number"},
		{"1.5/s", "not a whole number"},
		{"0/s", "between 1 and"},
		{"-1/s", "between 1 and"},
		{"1000001/s", "between 1 and"},
		{"10/d", `unit "d"`},
		{"10/", `unit ""`},
		{"10/sec", `unit "sec"`},
	}
	for _, c := range bad {
		_, err := ParseRate(c.in)
		if err == nil || !strings.Contains(err.Error(), c.mentions) {
			t.Errorf("ParseRate(%q) err = %v, want mention of %q", c.in, err, c.mentions)
		}
	}
}
