// Package rdap is the adapter for domain registration data over RDAP
// (RFC 7480–7484, 9082, 9083, 9224): who registered a domain when, through
// which registrar, with which nameservers and status.
//
// What the services do, as learned from their documentation and recorded
// answers (see testdata/README.md):
//   - A lookup is GET {base}/domain/{name} with Accept: application/rdap+json;
//     the name is the A-label (punycode) form. There are no query parameters
//     and no key; a browser User-Agent is fine.
//   - The answer is one RDAP domain object: objectClassName "domain",
//     ldhName, status (strings such as "active", "client transfer
//     prohibited"), events ({eventAction, eventDate}: "registration",
//     "expiration", "last changed", "last update of RDAP database"),
//     entities with roles (registrar, registrant, administrative, technical,
//     reseller, abuse nested in the registrar) carrying jCard vcardArrays,
//     nameservers ({ldhName}), secureDNS {delegationSigned, dsData},
//     links (rel "self") and notices.
//   - A name the registry does not hold is a 404, usually with an RFC 9083
//     error body {"errorCode":404,"title":…,"description":[…]}, sometimes
//     with an empty body: both mean "not registered", an empty answer.
//   - 429 carries Retry-After; 400 means a malformed name.
//   - .nl is served by SIDN at https://rdap.sidn.nl. SIDN withholds
//     registrant details: the registrant entity, when present, has a
//     redacted name. Other TLDs are found through IANA's bootstrap file
//     (RFC 9224, https://data.iana.org/rdap/dns.json), which maps TLDs to
//     base URLs ending in "/"; some ccTLDs have no RDAP service at all.
//     The file is fetched through egress like any answer, kept for
//     BootstrapTTL per process, and becomes evidence (kind rdap.bootstrap)
//     when it was read for a lookup or is the reason a lookup found no
//     service: then the result is Found false with only that evidence.
//
// Data minimisation: the adapter keeps the raw answer as evidence, as every
// adapter does, but the normaliser (pipeline/rdap.go) keeps only what the
// registry publishes about the registration itself, and of a registrant
// only a name that is not redacted — never a phone number, e-mail or street
// address.
package rdap

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

// Name is the source's name in config, queues and evidence.
const Name = "rdap"

// Evidence kinds this adapter produces.
const (
	KindDomain    = "rdap.domain"    // a registered domain's RDAP object
	KindEmpty     = "rdap.empty"     // 404: the registry does not hold the name
	KindBootstrap = "rdap.bootstrap" // IANA's DNS bootstrap file (routing only)
)

const (
	// DefaultBaseURL is SIDN's RDAP service, used for .nl.
	DefaultBaseURL = "https://rdap.sidn.nl"
	// DefaultBootstrapURL is IANA's RDAP bootstrap file for DNS.
	DefaultBootstrapURL = "https://data.iana.org/rdap/dns.json"
	// BootstrapTTL is how long a fetched bootstrap file is trusted. IANA
	// changes it a few times a month; a day old is fresh enough.
	BootstrapTTL = 24 * time.Hour
)

// Defaults is the configuration used when config leaves a field empty.
func Defaults() sources.Config {
	return sources.Config{BaseURL: DefaultBaseURL, BootstrapURL: DefaultBootstrapURL}
}

// Source looks domains up over RDAP.
type Source struct {
	client *egress.Client
	cfg    sources.Config
	boot   *bootstrap
}

var _ sources.Source = (*Source)(nil)

// New returns the adapter; empty fields of cfg take Defaults().
func New(c *egress.Client, cfg sources.Config) *Source {
	cfg = cfg.WithDefaults(Defaults())
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	// Keys as the bootstrap file has them: "nl", "co.uk", no dots around.
	servers := make(map[string]string, len(cfg.TLDServers))
	for tld, base := range cfg.TLDServers {
		servers[strings.ToLower(strings.Trim(strings.TrimSpace(tld), "."))] = base
	}
	cfg.TLDServers = servers
	return &Source{client: c, cfg: cfg, boot: sharedBootstrap(cfg.BootstrapURL)}
}

// Name implements sources.Source.
func (s *Source) Name() string { return Name }

// Accepts implements sources.Source: domains, and URLs by their host's
// registrable domain.
func (s *Source) Accepts(t subject.Type) bool { return t == subject.Domain || t == subject.URL }

// Fetch looks up the registrable domain of the subject at the registry
// that serves its TLD.
func (s *Source) Fetch(ctx context.Context, subj subject.Subject) (*sources.Result, error) {
	domain, err := lookupName(subj)
	if err != nil {
		return nil, fmt.Errorf("rdap: %w: %w", err, asynq.SkipRetry)
	}
	res := &sources.Result{}
	base, err := s.serverFor(ctx, res, domain)
	if err != nil {
		return res, err
	}
	if base == "" {
		// Not an error: the registry simply offers no RDAP. The bootstrap
		// file that says so is the evidence.
		return res, nil
	}
	resp, err := s.client.Do(ctx, egress.Request{
		Source:  Name,
		URL:     base + "/domain/" + url.PathEscape(domain),
		Header:  http.Header{"Accept": {"application/rdap+json, application/json;q=0.9"}},
		Timeout: s.cfg.Timeout,
	})
	if err != nil {
		return res, fmt.Errorf("rdap: looking up %s: %w", domain, err)
	}
	if resp.Status == http.StatusNotFound && isRDAPNotFound(resp.Body) {
		res.Evidence = append(res.Evidence, sources.EvidenceOf(Name, KindEmpty, resp))
		return res, nil
	}
	if err := checkStatus(resp); err != nil {
		return res, fmt.Errorf("rdap: looking up %s: %w", domain, err)
	}
	if err := checkDomainObject(resp.Body); err != nil {
		return res, fmt.Errorf("rdap: looking up %s: %w: %w", domain, err, asynq.SkipRetry)
	}
	res.Evidence = append(res.Evidence, sources.EvidenceOf(Name, KindDomain, resp))
	res.Found = true
	return res, nil
}

// lookupName is the name RDAP is asked about: registries answer for the
// registrable domain, never for www.example.nl.
func lookupName(subj subject.Subject) (string, error) {
	var host string
	switch subj.Type {
	case subject.Domain:
		host = subj.Value
	case subject.URL:
		u, err := url.Parse(subj.Value)
		if err != nil || u.Hostname() == "" {
			return "", fmt.Errorf("url %q has no host", subj.Value)
		}
		host = u.Hostname()
	default:
		return "", fmt.Errorf("subject type %q is not supported", subj.Type)
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if _, err := netip.ParseAddr(host); err == nil {
		return "", fmt.Errorf("%s is an IP address, which has no domain registration", host)
	}
	d, err := subject.RegistrableDomain(host)
	if err != nil {
		return "", fmt.Errorf("%s has no registrable domain: %w", host, err)
	}
	return d, nil
}

// checkDomainObject refuses a 200 that is not an RDAP domain object: a
// proxy's error page or another object class would otherwise be stored as
// the registry's word.
func checkDomainObject(body []byte) error {
	var obj struct {
		ObjectClassName *string `json:"objectClassName"`
		LDHName         *string `json:"ldhName"`
	}
	if err := json.Unmarshal(body, &obj); err != nil {
		return fmt.Errorf("malformed answer: %w", err)
	}
	if obj.ObjectClassName != nil && *obj.ObjectClassName != "domain" {
		return fmt.Errorf("answer is an RDAP %q object, not a domain", sources.Clip(*obj.ObjectClassName, 40))
	}
	if obj.ObjectClassName == nil && obj.LDHName == nil {
		return fmt.Errorf("answer has neither objectClassName nor ldhName: not an RDAP domain object")
	}
	return nil
}
