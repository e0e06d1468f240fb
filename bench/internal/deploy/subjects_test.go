package deploy

import (
	"testing"

	"verrijk/pipeline/subject"
)

func TestPlatesAreValidAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, i := range []int{0, 1, 99, 100, 255 * 100, MaxPlates / 2, MaxPlates - 1} {
		p := Plate(i)
		s, err := subject.Parse(subject.Plate, p)
		if err != nil {
			t.Fatalf("Plate(%d) = %q: %v", i, p, err)
		}
		if seen[s.Value] {
			t.Fatalf("Plate(%d) = %q repeats", i, p)
		}
		seen[s.Value] = true
	}
	if Plate(0) != "00-BB-00" || Plate(MaxPlates-1) != "99-ZZ-99" {
		t.Errorf("range %q … %q", Plate(0), Plate(MaxPlates-1))
	}
}

func TestKvKNumbersAreValid(t *testing.T) {
	for _, i := range []int{0, 999999} {
		if _, err := subject.Parse(subject.KvK, KvKNumber(i)); err != nil {
			t.Errorf("KvKNumber(%d): %v", i, err)
		}
	}
}
