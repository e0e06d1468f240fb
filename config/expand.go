package config

import (
	"fmt"
	"regexp"
	"strings"
)

// refPattern is a ${NAME} reference. Only the braced form is expanded: a
// bare $ is common in passwords and must stay literal.
var refPattern = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expand replaces every ${NAME} in s by the variable's value. It reports
// whether anything was replaced. Errors name the variable, never a value.
func expand(s string, lookup func(string) (string, bool)) (string, bool, error) {
	if !strings.Contains(s, "${") {
		return s, false, nil
	}
	var b strings.Builder
	last := 0
	for _, m := range refPattern.FindAllStringSubmatchIndex(s, -1) {
		if err := checkLiteral(s[last:m[0]]); err != nil {
			return "", false, err
		}
		name := s[m[2]:m[3]]
		v, ok := lookup(name)
		if !ok {
			return "", false, fmt.Errorf("environment variable %s is not set", name)
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(v)
		last = m[1]
	}
	if err := checkLiteral(s[last:]); err != nil {
		return "", false, err
	}
	b.WriteString(s[last:])
	return b.String(), last > 0, nil
}

// checkLiteral rejects a "${" that is not a well-formed reference, such as
// ${KVK-KEY} or an unclosed ${KVK_KEY: kept literally it would be sent as a
// credential and fail far from its cause.
func checkLiteral(s string) error {
	if strings.Contains(s, "${") {
		return fmt.Errorf("malformed ${NAME} reference (names are letters, digits and _)")
	}
	return nil
}
