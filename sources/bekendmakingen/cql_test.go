package bekendmakingen

import (
	"slices"
	"strings"
	"testing"

	"verrijk/pipeline/subject"
)

func TestQuery(t *testing.T) {
	cases := []struct {
		subj subject.Subject
		want string
	}{
		{subject.Subject{Type: subject.Name, Value: "Test BV Donald"}, `cql.textAndIndexes="Test BV Donald"`},
		{subject.Subject{Type: subject.KvK, Value: "68750110"}, `cql.textAndIndexes="68750110"`},
		{subject.Subject{Type: subject.Address, Value: "8823SJ 3A"},
			`(cql.textAndIndexes="8823SJ" OR cql.textAndIndexes="8823 SJ") AND cql.textAndIndexes="3A"`},
		{subject.Subject{Type: subject.Address, Value: "1034WL 17M-2"},
			`(cql.textAndIndexes="1034WL" OR cql.textAndIndexes="1034 WL") AND cql.textAndIndexes="17M"`},
		// Quotes, backslashes and CQL masking characters stay literal.
		{subject.Subject{Type: subject.Name, Value: `Café "De Gouden*Leeuw" \ Zn?^`},
			`cql.textAndIndexes="Café \"De Gouden\*Leeuw\" \\ Zn\?\^"`},
		{subject.Subject{Type: subject.Name, Value: "a\nb\x00\tc"}, `cql.textAndIndexes="a b c"`},
	}
	for _, c := range cases {
		got, err := Query(c.subj)
		if err != nil {
			t.Fatalf("%s: %v", c.subj, err)
		}
		want := c.want + " AND " + productAreas
		if got != want {
			t.Errorf("%s:\n got %s\nwant %s", c.subj, got, want)
		}
	}
}

func TestTermsRoundTrip(t *testing.T) {
	for _, v := range []string{`plain`, `with "quotes"`, `back\slash`, `star*?^`, `ünïcödé`} {
		q, err := Query(subject.Subject{Type: subject.Name, Value: v})
		if err != nil {
			t.Fatal(err)
		}
		if got := Terms(q); !slices.Equal(got, []string{v}) {
			t.Errorf("Terms(Query(%q)) = %q", v, got)
		}
	}
	if got := Terms(`cql.textAndIndexes="open`); got != nil {
		t.Errorf("unterminated term gave %q", got)
	}
}

func TestTermIsCapped(t *testing.T) {
	long := strings.Repeat("é", MaxTermLen+50)
	q, err := Query(subject.Subject{Type: subject.Name, Value: long})
	if err != nil {
		t.Fatal(err)
	}
	if got := []rune(Terms(q)[0]); len(got) != MaxTermLen {
		t.Errorf("term of %d runes; want %d", len(got), MaxTermLen)
	}
}
