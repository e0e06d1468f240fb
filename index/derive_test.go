package index

import (
	"errors"
	"slices"
	"testing"
	"time"

	"verrijk/pipeline/entity"
)

func TestSBISection(t *testing.T) {
	for code, want := range map[string]string{
		"0111": "A", "01.13": "A", "4711": "G", "47191": "G", "56101": "I", "5610": "I", "6420": "K",
		"68": "L", "8411": "O", "99": "U", " 4120 ": "F",
		"04": "", "7": "", "": "", "x711": "", "4x": "", "5": "",
	} {
		if got := SBISection(code); got != want {
			t.Errorf("SBISection(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestDerive(t *testing.T) {
	exp := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := entity.Entity{ID: "c1", Properties: map[string][]string{
		"kvkNumber":    {"6875 0110"},
		"postalCode":   {"8823 sj", "8823-SJ"},
		"municipality": {" Súdwest-Fryslân ", "Súdwest-Fryslân"},
		"sbiCode":      {"56101", "5610", "4711", "bogus"},
	}, Provenance: []entity.Provenance{{Source: "kvk"}, {Source: "bag"}, {Source: "kvk"}},
		Signals: []entity.Link{
			{SignalID: "s1", PurposeID: "p1", ExpiresAt: exp.AddDate(-1, 0, 0), Team: "t1"},
			{SignalID: "s1", PurposeID: "p1", ExpiresAt: exp, Team: "t1"},
			{SignalID: "s2", PurposeID: "p2", Team: "t1"},
			{SignalID: "s3", PurposeID: "p1"},
		}}
	d := Derive(e)
	for name, c := range map[string][2][]string{
		"identifiers":    {d.Identifiers, {"68750110", "8823SJ"}},
		"sources":        {d.Sources, {"kvk", "bag"}},
		"municipalities": {d.Municipalities, {"Súdwest-Fryslân"}},
		"sbi sections":   {d.SBISections, {"I", "G"}},
		"purposes":       {d.Purposes, {"p1", "p2"}},
		"links":          {d.Links, {LinkKey("p1", "s1"), LinkKey("p2", "s2"), LinkKey("p1", "s3")}},
		// The team key pairs each team with the purpose it links under;
		// a signal without a team gives the key of team "".
		"teams": {d.Teams, {TeamKey("p1", "t1"), TeamKey("p2", "t1"), TeamKey("p1", "")}},
	} {
		if !slices.Equal(c[0], c[1]) {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	if !d.Expires.Equal(exp) {
		t.Errorf("expires = %v, want the latest link's %v", d.Expires, exp)
	}
}

func TestWindow(t *testing.T) {
	for _, c := range []struct {
		page, size, from, n int
	}{
		{0, 0, 0, 20}, {1, 0, 0, 20}, {2, 0, 20, 20}, {1, 500, 0, 100}, {3, 50, 100, 50},
		{500, 20, 9980, 20}, {501, 20, 10000, 0}, {1 << 40, 100, 10000, 0},
	} {
		from, n := Query{Page: c.page, PageSize: c.size}.Window()
		if from != c.from || n != c.n {
			t.Errorf("page %d size %d: window %d+%d, want %d+%d", c.page, c.size, from, n, c.from, c.n)
		}
	}
}

func TestCheck(t *testing.T) {
	if err := (Query{}).Check(); !errors.Is(err, ErrNoPurpose) {
		t.Errorf("no purpose: %v", err)
	}
	if err := (Query{PurposeID: "p", Sort: "name"}).Check(); !errors.Is(err, ErrBadQuery) {
		t.Errorf("bad sort: %v", err)
	}
	for _, s := range []string{"", SortRelevance, SortDate} {
		if err := (Query{PurposeID: "p", Sort: s}).Check(); err != nil {
			t.Errorf("sort %q: %v", s, err)
		}
	}
}
