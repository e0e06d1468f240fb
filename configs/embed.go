// Package configs holds verrijk's shipped configuration files. The
// indicator rules are also compiled into the binary, so that a verrijk
// started outside the repository (a container, a test) still has its
// default rules; an admin's copy on disk takes precedence (see package
// indicators).
package configs

import _ "embed"

// IndicatorRules is indicators.yaml as it was at build time.
//
//go:embed indicators.yaml
var IndicatorRules []byte
