package replay

import "testing"

func TestCounter(t *testing.T) {
	var c Counter
	c.Count("/v2/zoeken")
	c.Count("/v1/basisprofielen/68750110")
	c.Count("/v1/basisprofielen/69599084")
	if c.Requests() != 3 || c.RequestsTo("/basisprofielen/") != 2 || c.RequestsTo("/free") != 0 {
		t.Errorf("counts: total %d, profiles %d", c.Requests(), c.RequestsTo("/basisprofielen/"))
	}
}
