package kvk

import "embed"

// Recorded holds answers recorded from the KvK test environment (see
// testdata/README.md). They live beside the adapter so that kvktest can
// replay them from any binary: the offline demo (`verrijk serve` with the
// replay config) has no files on disk to read.
//
//go:embed testdata/zoeken testdata/basisprofielen testdata/vestigingen testdata/vestigingsprofielen testdata/errors
var Recorded embed.FS
