package egress

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// maxRequestBody bounds what a library may send through the bridge; the
// crawlers that use it send GETs, so anything large is a mistake.
const maxRequestBody = 1 << 20

// RoundTripOption tunes the requests a RoundTripper makes.
type RoundTripOption func(*roundTripper)

// WithTimeout sets the timeout of each request (Request.Timeout).
func WithTimeout(d time.Duration) RoundTripOption {
	return func(rt *roundTripper) { rt.timeout = d }
}

// WithMaxBytes lowers the body cap of each request (Request.MaxBytes).
func WithMaxBytes(n int64) RoundTripOption {
	return func(rt *roundTripper) { rt.maxBytes = n }
}

// WithRedirectCheck vets every redirect target (Request.CheckRedirect).
func WithRedirectCheck(check func(next *url.URL) error) RoundTripOption {
	return func(rt *roundTripper) { rt.checkRedirect = check }
}

// WithResponses hands every answer to observe as Do returned it: the raw,
// capped body with its hash and final URL. A crawler keeps its evidence
// from here, since the library may re-encode the body it works on.
func WithResponses(observe func(*Response)) RoundTripOption {
	return func(rt *roundTripper) { rt.observe = observe }
}

// RoundTripper returns an http.RoundTripper that sends every request
// through c.Do on behalf of source, so a library that wants a transport
// (colly) gets the limiter, the SSRF guard, the size caps, the anonymity
// rules and the evidence hashing like every adapter. Prefer Collector for
// colly: it also takes away colly's own cookie jar and settings.
//
// Redirects are followed inside Do, under its checks; the answer handed
// back is the final one, with Request.URL set to the final URL so that
// relative links resolve against the page actually read. Set-Cookie is
// dropped, so even a cookie jar above this transport never learns one.
// The body is handed back as Do decoded it, marked Uncompressed with no
// Content-Encoding: a library must not inflate a body past the size cap
// (colly gunzips bodies of *.xml.gz URLs and gzip content types itself).
func (c *Client) RoundTripper(source string, opts ...RoundTripOption) http.RoundTripper {
	rt := &roundTripper{c: c, source: source}
	for _, o := range opts {
		o(rt)
	}
	return rt
}

type roundTripper struct {
	c             *Client
	source        string
	timeout       time.Duration
	maxBytes      int64
	checkRedirect func(*url.URL) error
	observe       func(*Response)
}

// RoundTrip implements http.RoundTripper. Errors are Do's, unchanged, so
// errors.As finds *BlockedError, *HeldError, *TooLargeError and the rest
// through the *url.Error the http.Client above wraps them in.
func (rt *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(io.LimitReader(req.Body, maxRequestBody+1))
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("reading request body: %w", err)
		}
		if len(body) > maxRequestBody {
			return nil, fmt.Errorf("request body exceeds %d bytes", maxRequestBody)
		}
	}
	resp, err := rt.c.Do(req.Context(), Request{
		Source: rt.source, Method: req.Method, URL: req.URL.String(), Header: req.Header, Body: body,
		Timeout: rt.timeout, MaxBytes: rt.maxBytes, CheckRedirect: rt.checkRedirect,
	})
	if err != nil {
		return nil, err
	}
	if rt.observe != nil {
		rt.observe(resp)
	}
	final := req
	if u, err := url.Parse(resp.URL); err == nil && u.String() != req.URL.String() {
		final = req.Clone(req.Context())
		final.URL, final.Host = u, u.Host
	}
	h := resp.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	for _, k := range []string{"Set-Cookie", "Set-Cookie2", "Content-Encoding", "Content-Length", "Transfer-Encoding"} {
		h.Del(k)
	}
	return &http.Response{
		Status: fmt.Sprintf("%d %s", resp.Status, http.StatusText(resp.Status)), StatusCode: resp.Status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(resp.Body)), ContentLength: int64(len(resp.Body)),
		Uncompressed: true, Request: final,
	}, nil
}
