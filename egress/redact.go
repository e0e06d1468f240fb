package egress

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Redacted replaces secret values wherever a URL or header set might end up
// in a log, an error message or stored evidence.
const Redacted = "REDACTED"

// secretHeaders carry credentials; they are redacted in logs and dropped when
// a redirect leaves the host they were meant for.
var secretHeaders = []string{
	"Authorization", "Proxy-Authorization", "Apikey", "X-Api-Key", "X-App-Token", "Cookie",
}

// secretParams are query parameter names (lower case) that carry credentials.
var secretParams = map[string]bool{
	"key": true, "apikey": true, "api_key": true, "token": true, "access_token": true,
}

// RedactURL returns raw with credentials in its query and user info
// replaced. A string that does not parse is returned as a placeholder rather
// than as is, since it may still hold a secret.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable url>"
	}
	if u.User != nil {
		u.User = url.User(Redacted)
	}
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			if secretParams[strings.ToLower(k)] {
				q[k] = []string{Redacted}
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

// RedactHeader returns a copy of h that is safe to log.
func RedactHeader(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range secretHeaders {
		if _, ok := out[http.CanonicalHeaderKey(k)]; ok {
			out.Set(k, Redacted)
		}
	}
	return out
}

// redactErr rewrites the URL inside net/http's *url.Error, which otherwise
// prints the full request URL, api key included, into every error message.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = RedactURL(ue.URL)
	}
	return err
}
