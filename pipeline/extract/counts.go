package extract

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// followerCount finds a follower count in a platform's text: "1,234
// followers", "1.234 volgers", "12.3K Followers", "1,2 mln. volgers",
// "307M Followers", "1.2K subscribers", "56 abonnees".
var followerCount = regexp.MustCompile(`(?i)(\d[\d.,\x{00a0}]*)\s?(k|m|b|mln\.?|mld\.?|mio\.?|miljoen|duizend)?\s+(?:followers|volgers|abonnees|subscribers)\b`)

// maxCount is far above any real follower count; larger is a misread.
const maxCount = 10_000_000_000

// followersIn returns the first follower count in s, or -1.
func followersIn(s string) int64 {
	for _, m := range followerCount.FindAllStringSubmatch(s, 4) {
		if c, ok := parseCount(m[1], m[2]); ok {
			return c
		}
	}
	return -1
}

// thousands is a number grouped in threes: "1,234", "1.234.567".
var thousands = regexp.MustCompile(`^\d{1,3}(?:[.,\x{00a0}]\d{3})+$`)

// parseCount reads a count with an optional multiplier. With a
// multiplier the separator is a decimal point ("1,2K", "12.3K"); without
// one it can only group thousands.
func parseCount(num, mult string) (int64, bool) {
	num = strings.TrimRight(strings.TrimSpace(num), ".,")
	if num == "" {
		return 0, false
	}
	factor := 1.0
	switch m := strings.ToLower(strings.TrimSuffix(mult, ".")); m {
	case "":
	case "k", "duizend":
		factor = 1e3
	case "m", "mln", "mio", "miljoen":
		factor = 1e6
	case "b", "mld":
		factor = 1e9
	}
	if factor == 1 {
		switch {
		case thousands.MatchString(num):
			num = digitsOnly(num)
		case digitsOnly(num) != num:
			return 0, false
		}
		n, err := strconv.ParseInt(num, 10, 64)
		return n, err == nil && n <= maxCount
	}
	f, err := strconv.ParseFloat(strings.Replace(num, ",", ".", 1), 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	n := int64(math.Round(f * factor))
	return n, n <= maxCount
}
