package website

import "embed"

// Recorded holds the constructed company site (see testdata/README.md)
// that websitetest serves from any binary, including the offline demo.
//
//go:embed testdata/sites
var Recorded embed.FS
