package rdap

import "embed"

// Recorded holds RDAP answers and a bootstrap file (see testdata/README.md)
// that rdaptest replays from any binary, including the offline demo.
//
//go:embed testdata/domain testdata/errors testdata/bootstrap
var Recorded embed.FS
