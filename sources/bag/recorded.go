package bag

import "embed"

// Recorded holds PDOK answers (see testdata/README.md) that bagtest
// replays from any binary, including the offline demo.
//
//go:embed testdata/free
var Recorded embed.FS
