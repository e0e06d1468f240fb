package bekendmakingen

import "embed"

// Recorded holds the SRU answers the replay server serves (see
// testdata/README.md). They live beside the adapter so that
// bekendmakingentest can replay them from any binary, including the offline
// demo, which has no files on disk to read.
//
//go:embed testdata/sru testdata/diagnostics
var Recorded embed.FS
