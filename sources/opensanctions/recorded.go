package opensanctions

import "embed"

// Recorded holds match answers in the API's shape and a sample
// FollowTheMoney export (see testdata/README.md). They live beside the
// adapter so that opensanctionstest can replay them from any binary, and
// the offline demo can write the sample export to a data file.
//
//go:embed testdata/match testdata/errors testdata/empty.json testdata/entities.ftm.json
var Recorded embed.FS
