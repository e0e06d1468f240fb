package subject

import (
	"strings"
	"testing"
)

func TestParseAddress(t *testing.T) {
	runParseCases(t, Address, []parseCase{
		{in: "8823SJ 3A", want: "8823SJ 3A"},
		{in: "8823SJ 3", want: "8823SJ 3"},
		{in: "8823 sj, 3a", want: "8823SJ 3A"},
		{in: "  8823sj   3  a ", want: "8823SJ 3A"},
		{in: "8823SJ3A", want: "8823SJ 3A"},
		{in: "8823SJ 3 A", want: "8823SJ 3A"},
		{in: "8823SJ 3-bis", want: "8823SJ 3-BIS"},
		{in: "8823SJ 3 bis", want: "8823SJ 3-BIS"},
		{in: "8823SJ 3bis", want: "8823SJ 3-BIS"},
		{in: "8823SJ 3-A", want: "8823SJ 3-A"}, // '-' makes it a toevoeging
		{in: "8823SJ 3 - 2", want: "8823SJ 3-2"},
		{in: "8823SJ 12a-2", want: "8823SJ 12A-2"},
		{in: "8823SJ 12a 2", want: "8823SJ 12A-2"},
		{in: "8823SJ 12a2", want: "8823SJ 12A-2"},
		{in: "8823SJ 12 a - h", want: "8823SJ 12A-H"},
		{in: "8823SJ 12-III", want: "8823SJ 12-III"},
		{in: "1011AB 99999", want: "1011AB 99999"},
		{in: "1011AB 007", want: "1011AB 7"},

		{in: "0823SJ 3", problem: "starting with 0"},
		{in: "8823SA 3", problem: "SA"},
		{in: "8823sd 3", problem: "SD"},
		{in: "8823SS 3", problem: "SS"},
		{in: "8823S 3", problem: "e.g. 8823SJ 3A"},
		{in: "882SJ 3", problem: "e.g. 8823SJ 3A"},
		{in: "8823SJ", problem: "no house number"},
		{in: "8823SJ A", problem: "no house number"},
		{in: "8823SJ 0", problem: "1 to 99999"},
		{in: "8823SJ 100000", problem: "1 to 99999"},
		{in: "8823SJ 3-", problem: "toevoeging"},
		{in: "8823SJ 3-toolong", problem: "toevoeging"},
		{in: "8823SJ 3A-12345", problem: "toevoeging"},
		{in: "8823SJ 3-A-B", problem: "toevoeging"},
		{in: "8823SJ 3,A", problem: "toevoeging"},
		{in: "Dorpsstraat 3, 8823SJ", problem: "e.g. 8823SJ 3A"},
		{in: "8823SJ 3\x00", problem: "only letters, digits"},
		{in: "8823SJ 3\u200b", problem: "only letters, digits"},
		{in: "８８２３SJ 3", problem: "only letters, digits"},
		{in: "8823SJ 3" + strings.Repeat(" ", 100), problem: "too long"},
	})
}

func TestAddressParts(t *testing.T) {
	p, err := ParseAddress("8823 sj 12a-2")
	if err != nil {
		t.Fatal(err)
	}
	want := AddressParts{Postcode: "8823SJ", HouseNumber: 12, Letter: "A", Addition: "2"}
	if p != want {
		t.Fatalf("ParseAddress = %+v, want %+v", p, want)
	}
	if p.Key() != "8823SJ 12A-2" {
		t.Fatalf("Key() = %q", p.Key())
	}
	if k := (AddressParts{Postcode: "8823SJ", HouseNumber: 3, Addition: "BIS"}).Key(); k != "8823SJ 3-BIS" {
		t.Fatalf("Key() = %q", k)
	}
}
