package pipeline

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"
)

// rdapDomain is an RFC 9083 domain object, as far as it is read.
type rdapDomain struct {
	ObjectClassName text             `json:"objectClassName"`
	LDHName         text             `json:"ldhName"`
	UnicodeName     text             `json:"unicodeName"`
	Status          []text           `json:"status"`
	Events          []rdapEvent      `json:"events"`
	Entities        []rdapEntity     `json:"entities"`
	Nameservers     []rdapNameserver `json:"nameservers"`
	SecureDNS       rdapSecureDNS    `json:"secureDNS"`
	Links           []rdapLink       `json:"links"`
	Redacted        []rdapRedaction  `json:"redacted"` // RFC 9537
}

type rdapEvent struct {
	Action text `json:"eventAction"`
	Date   text `json:"eventDate"`
}

type rdapNameserver struct {
	LDHName text `json:"ldhName"`
}

type rdapLink struct {
	Rel  text `json:"rel"`
	Href text `json:"href"`
}

type rdapSecureDNS struct {
	DelegationSigned text              `json:"delegationSigned"`
	DSData           []json.RawMessage `json:"dsData"`
	KeyData          []json.RawMessage `json:"keyData"`
}

// signed is "true" or "false" when the answer says; published DS or DNSKEY
// records also mean a signed delegation (DENIC sends only keyData).
func (s rdapSecureDNS) signed() string {
	switch strings.ToLower(s.DelegationSigned.String()) {
	case "true":
		return "true"
	case "false":
		return "false"
	}
	if len(s.DSData) > 0 || len(s.KeyData) > 0 {
		return "true"
	}
	return ""
}

// rdapRedaction is one entry of RFC 9537's "redacted" member.
type rdapRedaction struct {
	Name struct {
		Type        text `json:"type"`
		Description text `json:"description"`
	} `json:"name"`
}

type rdapEntity struct {
	Handle     text            `json:"handle"`
	Roles      []text          `json:"roles"`
	VCardArray json.RawMessage `json:"vcardArray"`
	PublicIDs  []struct {
		Type       text `json:"type"`
		Identifier text `json:"identifier"`
	} `json:"publicIds"`
	Entities []rdapEntity `json:"entities"`
}

// vcard reads the few jCard (RFC 7095) properties used here: fn, org and
// kind. Anything malformed reads as absent.
func (e *rdapEntity) vcard() map[string]string {
	out := map[string]string{}
	var top []json.RawMessage
	if json.Unmarshal(e.VCardArray, &top) != nil || len(top) != 2 {
		return out
	}
	var props [][]json.RawMessage
	if json.Unmarshal(top[1], &props) != nil {
		return out
	}
	for i, p := range props {
		if i >= 256 {
			break
		}
		if len(p) < 4 {
			continue
		}
		var name text
		if json.Unmarshal(p[0], &name) != nil {
			continue
		}
		key := strings.ToLower(name.String())
		if key != "fn" && key != "org" && key != "kind" {
			continue // tel, email, adr …: never read
		}
		var v text
		if json.Unmarshal(p[3], &v) != nil {
			// org may be structured: ["Org", "Unit"]; the first part names it.
			var parts []text
			if json.Unmarshal(p[3], &parts) != nil || len(parts) == 0 {
				continue
			}
			v = parts[0]
		}
		if _, seen := out[key]; !seen && v != "" {
			out[key] = v.String()
		}
	}
	return out
}

// displayName is the registrar's name, or its handle when the registry
// publishes no vCard (CZ.NIC: "REG-INTERNET-CZ").
func (e *rdapEntity) displayName() string {
	vc := e.vcard()
	for _, v := range []string{vc["fn"], vc["org"], e.Handle.String()} {
		if v = rdapClip(v, rdapMaxName); v != "" {
			return v
		}
	}
	return ""
}

var rdapIANAIDRE = regexp.MustCompile(`^[0-9]{1,10}$`)

func (e *rdapEntity) ianaID() string {
	for _, id := range e.PublicIDs {
		if strings.EqualFold(id.Type.String(), "IANA Registrar ID") && rdapIANAIDRE.MatchString(id.Identifier.String()) {
			return id.Identifier.String()
		}
	}
	return ""
}

// rdapRedactedWords mark a registrant name that stands in for the real one.
var rdapRedactedWords = []string{"redacted", "withheld", "privacy", "not disclosed", "non-public", "data protected", "hidden"}

// publicName is the registrant's organisation, else its full name, unless
// the registry redacted it: by saying so in the value, or by listing it in
// RFC 9537's redacted member. Handles are never used: SIDN's stand-in
// handle "REDACTED-SIDN" and contact handles identify no one publicly.
func (e *rdapEntity) publicName(redactions []rdapRedaction) string {
	vc := e.vcard()
	redacted := map[string]bool{}
	for _, r := range redactions {
		switch strings.ToLower(r.Name.Type.String()) {
		case "registrant name":
			redacted["fn"] = true
		case "registrant organization":
			redacted["org"] = true
		}
	}
	for _, key := range []string{"org", "fn"} {
		v := rdapClip(vc[key], rdapMaxName)
		if v == "" || redacted[key] || rdapLooksRedacted(v) {
			continue
		}
		return v
	}
	return ""
}

func rdapLooksRedacted(v string) bool {
	low := strings.ToLower(v)
	for _, w := range rdapRedactedWords {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// rdapDate turns an RFC 3339 event date into its UTC calendar date
// (YYYY-MM-DD); anything unparsable is "".
func rdapDate(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		if t.Year() < 1980 || t.Year() > 2200 {
			return ""
		}
		return t.UTC().Format(time.DateOnly)
	}
	if len(s) >= 10 {
		if t, err := time.Parse(time.DateOnly, s[:10]); err == nil && t.Year() >= 1980 && t.Year() <= 2200 {
			return s[:10]
		}
	}
	return ""
}
