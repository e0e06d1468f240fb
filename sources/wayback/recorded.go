package wayback

import "embed"

// Recorded holds CDX answers (see testdata/README.md) that waybacktest
// replays from any binary, including the offline demo.
//
//go:embed testdata/cdx testdata/errors
var Recorded embed.FS
