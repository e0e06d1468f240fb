package kvk

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"verrijk/pipeline/subject"
)

// maxQueryText caps a name or street sent to Zoeken; longer is no name.
const maxQueryText = 200

// zoekenQuery maps a subject onto Zoeken's parameters. Inactive
// registrations are included on purpose: a dissolved company behind an
// address is exactly what an undermining analyst wants to see.
func zoekenQuery(subj subject.Subject) (url.Values, error) {
	q := url.Values{}
	switch subj.Type {
	case subject.KvK:
		q.Set("kvkNummer", subj.Value)
	case subject.Vestiging:
		q.Set("vestigingsnummer", subj.Value)
	case subject.RSIN:
		q.Set("rsin", subj.Value)
	case subject.Name:
		name := strings.Join(strings.Fields(subj.Value), " ")
		if name == "" || len(name) > maxQueryText {
			return nil, errors.New("name must be 1 to 200 characters")
		}
		q.Set("naam", name)
	case subject.Address:
		a, err := subject.ParseAddress(subj.Value)
		if err != nil {
			return nil, err
		}
		// Zoeken has no parameter for a huisnummertoevoeging: the search
		// is by postcode, number and letter, and the normaliser keeps
		// every vestiging at that number.
		q.Set("postcode", a.Postcode)
		q.Set("huisnummer", strconv.Itoa(a.HouseNumber))
		if a.Letter != "" {
			q.Set("huisletter", a.Letter)
		}
	case Street:
		street, _, place, err := splitStreet(subj.Value)
		if err != nil {
			return nil, err
		}
		// huisnummer is refused without postcode: the search is the whole
		// street, and the normaliser shows what is registered on it.
		q.Set("straatnaam", street)
		q.Set("plaats", place)
	default:
		return nil, fmt.Errorf("subject type %q is not supported", subj.Type)
	}
	q.Set("inclusiefInactieveRegistraties", "true")
	q.Set("resultatenPerPagina", strconv.Itoa(MaxResults))
	return q, nil
}

// splitStreet reads "Hoofdstraat 12A, Amsterdam" as street "Hoofdstraat",
// house "12A" and place "Amsterdam". The place follows the last comma; the
// house designation is the trailing run of short tokens that starts with a
// digit ("12", "12 A", "12-bis"), so "Laan 1940-1945 3" keeps its digits.
func splitStreet(value string) (street, house, place string, err error) {
	value = strings.Join(strings.Fields(value), " ")
	i := strings.LastIndexByte(value, ',')
	if i < 0 || len(value) > maxQueryText {
		return "", "", "", errors.New("street subject must be street and place, e.g. \"Hoofdstraat 12, Amsterdam\"")
	}
	place = strings.TrimSpace(value[i+1:])
	tokens := strings.Fields(strings.TrimRight(value[:i], ", "))
	cut := len(tokens)
	for j := len(tokens) - 1; j > 0; j-- {
		if len(tokens[j]) > 5 {
			break
		}
		if c := tokens[j][0]; c >= '0' && c <= '9' {
			cut = j
			break
		}
	}
	street = strings.Join(tokens[:cut], " ")
	house = strings.Join(tokens[cut:], " ")
	if !strings.ContainsFunc(street, unicode.IsLetter) || !strings.ContainsFunc(place, unicode.IsLetter) {
		return "", "", "", errors.New("street subject must name a street and a place, e.g. \"Hoofdstraat 12, Amsterdam\"")
	}
	return street, house, place, nil
}

// pathNumber escapes a number for a path; subjects are validated digits,
// the escape is for the day one is not.
func pathNumber(n string) string { return url.PathEscape(n) }
