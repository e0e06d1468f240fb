package social

import "embed"

// Recorded holds the profile pages (see testdata/README.md) that
// socialtest serves from any binary, including the offline demo.
//
//go:embed testdata/facebook testdata/instagram testdata/linkedin testdata/tiktok testdata/x testdata/youtube
var Recorded embed.FS
