package rdw

import "embed"

// Recorded holds RDW answers (see testdata/README.md) that rdwtest replays
// from any binary, including the offline demo, which has no files on disk.
//
//go:embed testdata/m9d7-ebf2 testdata/8ys7-d773 testdata/errors
var Recorded embed.FS
