package pipeline

import (
	"fmt"
	"strings"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Caps on what one RDAP answer may contribute; real answers stay far below.
const (
	rdapMaxStatus      = 32
	rdapMaxNameservers = 20
	rdapMaxEvents      = 64
	rdapMaxEntities    = 64
	rdapMaxName        = 200
	rdapMaxURL         = 512
)

// normalizeRDAPDomain makes one Domain entity of an RDAP domain object.
// Its id is derived from the domain name alone, so archive history
// (wayback) and registration data of the same domain merge.
//
// Data minimisation: of the contacts only the registrar's name and IANA id
// and a registrant name that the registry publishes unredacted are kept.
// Phone numbers, e-mail and street addresses are never read, whoever they
// belong to; administrative, technical and abuse contacts are skipped
// altogether. The registry's own notices and the RDAP database timestamp
// say nothing about the domain and are dropped too.
func normalizeRDAPDomain(ev sources.Evidence) ([]entity.Entity, error) {
	var d rdapDomain
	if err := decodeObject(ev.Body, &d); err != nil {
		return nil, fmt.Errorf("reading rdap domain: %w", err)
	}
	if cls := strings.ToLower(d.ObjectClassName.String()); cls != "" && cls != "domain" {
		return nil, nil // an error body or another object class: nothing about a domain
	}
	name := rdapDomainName(d.LDHName.String())
	if name == "" {
		name = rdapDomainName(d.UnicodeName.String())
	}
	if name == "" {
		return nil, nil
	}
	b := newBuilder(ev)
	e := b.get(entity.SchemaDomain, entity.MakeID(entity.SchemaDomain, "domain", name))
	e.Caption = name
	e.Add("name", name)
	for i, st := range d.Status {
		if i >= rdapMaxStatus {
			break
		}
		e.Add("status", rdapClip(strings.ToLower(st.String()), 64))
	}
	rdapEvents(e, d.Events)
	rdapNameservers(e, d.Nameservers)
	if v := d.SecureDNS.signed(); v != "" {
		e.Add("dnssec", v)
	}
	entities := d.Entities
	if len(entities) > rdapMaxEntities {
		entities = entities[:rdapMaxEntities]
	}
	if r := rdapFindRole(entities, "registrar", 2); r != nil {
		e.Add("registrar", r.displayName())
		e.Add("registrarIanaId", r.ianaID())
	}
	if r := rdapFindRole(entities, "registrant", 1); r != nil {
		e.Add("registrant", r.publicName(d.Redacted))
	}
	e.Add("rdapUrl", rdapSelfLink(d.Links))
	return b.entities(), nil
}

// rdapDomainName is the canonical lower-case A-label form of a name from
// the answer, or "" when it is not a valid domain name.
func rdapDomainName(v string) string {
	if v == "" || len(v) > 1024 {
		return ""
	}
	s, err := subject.Parse(subject.Domain, strings.TrimSuffix(v, "."))
	if err != nil {
		return ""
	}
	return s.Value
}

// rdapEvents keeps the dates of registration, last change and expiry. The
// "last update of RDAP database" event is the time of the query, not a
// fact about the domain.
func rdapEvents(e *entity.Entity, events []rdapEvent) {
	props := map[string]string{
		"registration": "registrationDate",
		"last changed": "lastChangeDate",
		"expiration":   "expiryDate",
	}
	for i, ev := range events {
		if i >= rdapMaxEvents {
			break
		}
		prop, ok := props[strings.ToLower(ev.Action.String())]
		if !ok {
			continue
		}
		e.Add(prop, rdapDate(ev.Date.String()))
	}
}

func rdapNameservers(e *entity.Entity, ns []rdapNameserver) {
	n := 0
	for i, s := range ns {
		if i >= rdapMaxEvents || n >= rdapMaxNameservers {
			break
		}
		name := rdapDomainName(s.LDHName.String())
		if name == "" {
			continue
		}
		e.Add("nameserver", name)
		n++
	}
}

// rdapSelfLink is the answer's own URL at the registry (rel "self"); on a
// replay server it still names the real registry, as the recording did.
func rdapSelfLink(ls []rdapLink) string {
	for _, l := range ls {
		href := l.Href.String()
		if strings.EqualFold(l.Rel.String(), "self") && len(href) <= rdapMaxURL &&
			(strings.HasPrefix(href, "https://") || strings.HasPrefix(href, "http://")) &&
			!strings.ContainsAny(href, " \t\r\n\"<>") {
			return href
		}
	}
	return ""
}

// rdapFindRole returns the first entity with role, searching nested
// entities up to depth levels (some registries nest the registrar).
func rdapFindRole(es []rdapEntity, role string, depth int) *rdapEntity {
	for i := range es {
		for _, r := range es[i].Roles {
			if strings.EqualFold(r.String(), role) {
				return &es[i]
			}
		}
	}
	if depth <= 1 {
		return nil
	}
	for i := range es {
		if found := rdapFindRole(es[i].Entities, role, depth-1); found != nil {
			return found
		}
	}
	return nil
}

// rdapClip collapses white space (and with it control characters such as
// newlines) and caps the length of a value taken from the answer.
func rdapClip(s string, n int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < ' ' || r == ' ' || r == 0x7f }), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
