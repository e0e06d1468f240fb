// Package indicators points an analyst at the known warning signs of
// undermining in what enrichment found: a company registered last month, a
// cash-intensive trade, many registrations at one address, a 13b closure.
// Each sign is a rule in a versioned YAML file (configs/indicators.yaml)
// that an admin can change without a new build; each hit records the rule
// version, the entity, the values that triggered it and where they came
// from.
//
// Indicators support a human assessment. They never close, escalate or
// decide anything (AVG art. 22), and rules may not read nationality,
// ethnicity, religion or any proxy for them: the validator refuses such
// rules (see forbidden.go).
package indicators

import (
	"time"

	"verrijk/retention"
)

// Notice is shown with every list of indicators, in the API and the UI.
const Notice = "Indicatoren ondersteunen een menselijke beoordeling. Ze stellen niets vast, " +
	"zijn geen bewijs en leiden nooit zelf tot een besluit, sluiting of opschaling (AVG art. 22). " +
	"Controleer steeds de onderliggende bronnen."

// Rules is a validated rules file.
type Rules struct {
	// Version names this edition of the rules; every hit records it, and
	// stored hits made with another version are recomputed.
	Version string
	// Lists are named value lists (e.g. SBI codes) rules refer to.
	Lists map[string][]string
	Rules []Rule
	// Source says where the rules were read from, for log lines; Digest is
	// the file's SHA-256, to tell an edit that kept the version.
	Source string
	Digest string
}

// Rule is one warning sign.
type Rule struct {
	ID          string
	Title       string // Dutch
	Explanation string // Dutch: what the sign means and what else can explain it
	Schema      string // the entity schema the rule applies to
	Weight      int    // 1..10; how much the sign weighs for the analyst
	// Reads lists every property the condition reads; the validator checks
	// it is exact, and refuses forbidden properties.
	Reads []string
	When  *Cond
}

// Cond is a condition on one entity: exactly one of All, Any, Not, Leaf or
// Related is set.
type Cond struct {
	All     []*Cond
	Any     []*Cond
	Not     *Cond
	Leaf    *Leaf
	Related *Related
}

// Operators of a leaf condition.
const (
	OpExists      = "exists"       // the properties have (true) or lack (false) a value
	OpEquals      = "equals"       // a value equals a term (case-insensitive)
	OpPrefix      = "prefix"       // a value starts with a term (SBI codes)
	OpContainsAny = "contains_any" // a value contains a term as whole words
	OpOnly        = "only"         // there are values, and every one equals a term
	OpAtLeast     = "at_least"     // a value is a number >= N
	OpAtMost      = "at_most"      // a value is a number <= N
	OpWithin      = "within"       // a value is a date less than the period ago
	OpOlderThan   = "older_than"   // a value is a date at least the period ago
)

// Leaf tests the values of one or more properties of the entity. It holds
// when at least MinCount values pass (except exists and only, which look
// at all values together).
type Leaf struct {
	Props    []string
	Op       string
	Exists   bool             // OpExists
	Terms    []string         // OpEquals, OpPrefix, OpContainsAny, OpOnly
	Number   float64          // OpAtLeast, OpAtMost
	Period   retention.Period // OpWithin, OpOlderThan
	MinCount int              // default 1
}

// Related looks at other entities of the same signal: those the entity
// names in property Via, those naming the entity in property BackVia, or
// (SameSignal) every entity of the signal. It holds when the number of
// those of Schema that pass Where (counted once per DistinctBy value, when
// set) is at least AtLeast and, when AtMost is set, at most AtMost.
type Related struct {
	Schema     string
	Via        string
	BackVia    string
	SameSignal bool
	DistinctBy string
	AtLeast    int
	AtMost     *int
	Where      *Cond
}

// cutoff is now minus p: the date within and older_than compare with.
func cutoff(p retention.Period, now time.Time) time.Time {
	neg := retention.Period{Years: -p.Years, Months: -p.Months, Days: -p.Days, Time: -p.Time}
	return neg.AddTo(now.UTC())
}
