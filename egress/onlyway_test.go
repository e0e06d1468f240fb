package egress

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// ownConnections lists the code outside egress that may open connections
// of its own, each with the reason it is not a lookup at a source. A path
// ending in "/" covers a directory tree. Anything else that builds a
// client, a transport or a dialer fails TestEgressIsTheOnlyWayOut: route it
// through egress.Client (Do, RoundTripper, Collector), or add it here with
// a reason a reviewer will accept.
var ownConnections = map[string]string{
	"cmd/verrijk/client.go": "the CLI's client commands talk to verrijk's own API (--server), not to a source",
	"bench/":                "benchmarks drive the local deployment under test",
	"web/oidc.go":           "login at the organisation's own OpenID Connect provider, not a source",
	"index/elasticsearch/":  "the search projection is verrijk's own infrastructure (index.elasticsearch), not a source",
	"cmd/verrijk/webui.go":  "hands web/oidc.go its client for the organisation's own OpenID Connect provider, not a source",
}

// forbidden names what code outside egress must not use: package path →
// identifiers. Functions and variables count wherever they appear, so
// `http.Get(u)` and passing `http.DefaultClient` along are caught; types
// (constructible) count where a value is built, `&http.Client{}` or
// `new(http.Transport)`, while a `*http.Client` parameter is harmless.
var forbidden = map[string][]string{
	"net/http":                    {"Client", "Transport", "DefaultClient", "DefaultTransport", "Get", "Post", "Head", "PostForm"},
	"net":                         {"Dial", "DialTimeout", "DialTCP", "DialUDP", "DialIP", "DialUnix", "Dialer"},
	"crypto/tls":                  {"Dial", "DialWithDialer", "Dialer"},
	"golang.org/x/net/proxy":      {"SOCKS5", "FromURL", "FromEnvironment", "Direct"},
	"github.com/gocolly/colly/v2": {"NewCollector", "Collector"},
}

// constructible are the forbidden names that are types: only building one
// is a way out.
var constructible = []string{"Client", "Transport", "Dialer", "Collector"}

// TestEgressIsTheOnlyWayOut scans every non-test Go file of the module
// outside egress for clients, transports, dialers and collectors of its
// own. Test files may build clients to call the servers they start.
func TestEgressIsTheOnlyWayOut(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	scanned := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			name := d.Name()
			if rel != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor" || name == "node_modules" || rel == "egress") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		if _, ok := allowedOwnConnections(rel); ok {
			return nil
		}
		scanned++
		for _, v := range ownWayOut(t, path) {
			t.Errorf("%s:%s: route it through egress.Client, or list the file in ownConnections with a reason", rel, v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 50 {
		t.Fatalf("scanned only %d files under %s; is the walk looking in the right place?", scanned, root)
	}
}

// allowedOwnConnections returns the reason a file may connect on its own;
// replay and test-helper packages (names ending in "test", such as
// sources/kvk/kvktest) only serve and check, so they are allowed as well.
func allowedOwnConnections(rel string) (string, bool) {
	for p, why := range ownConnections {
		if rel == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(rel, p)) {
			return why, true
		}
	}
	if dir := filepath.Base(filepath.Dir(rel)); strings.HasSuffix(dir, "test") {
		return "replay servers and test helpers serve requests, they do not look anything up", true
	}
	return "", false
}

// ownWayOut parses one file and lists each use of a forbidden identifier
// as "line: pkg.Name".
func ownWayOut(t *testing.T, path string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	return findOwnWayOut(fset, f)
}

func findOwnWayOut(fset *token.FileSet, f *ast.File) []string {
	// The local name of each watched import (honouring renames).
	names := map[string]string{}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if _, watched := forbidden[p]; !watched {
			continue
		}
		name := p[strings.LastIndex(p, "/")+1:]
		if p == "github.com/gocolly/colly/v2" {
			name = "colly"
		}
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = p
	}
	// watched reports whether e is pkg.Name for a forbidden name.
	watched := func(e ast.Expr) (string, bool) {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return "", false
		}
		x, ok := sel.X.(*ast.Ident)
		if !ok {
			return "", false
		}
		p, ok := names[x.Name]
		if !ok || !slices.Contains(forbidden[p], sel.Sel.Name) {
			return "", false
		}
		return x.Name + "." + sel.Sel.Name, true
	}
	isType := func(name string) bool {
		_, n, _ := strings.Cut(name, ".")
		return slices.Contains(constructible, n)
	}
	var found []string
	report := func(n ast.Node, name string) {
		found = append(found, fmt.Sprintf("%d: %s", fset.Position(n.Pos()).Line, name))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CompositeLit: // http.Client{…}
			if name, ok := watched(n.Type); ok && isType(name) {
				report(n, name)
			}
		case *ast.CallExpr: // new(http.Transport)
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "new" && len(n.Args) == 1 {
				if name, ok := watched(n.Args[0]); ok && isType(name) {
					report(n, name)
				}
			}
		case *ast.SelectorExpr: // http.Get, http.DefaultClient, net.Dial
			if name, ok := watched(n); ok && !isType(name) {
				report(n, name)
			}
		}
		return true
	})
	return found
}

// The scanner itself must catch what it is meant to catch.
func TestOwnWayOutScanner(t *testing.T) {
	src := `package x
import (
	"net/http"
	stdnet "net"
	"github.com/gocolly/colly/v2"
	"verrijk/egress"
)
var a = &http.Client{}
var b = new(http.Transport)
func f() { http.Get("https://example.nl"); stdnet.Dial("tcp", "x:1"); _ = colly.NewCollector() }
var c = http.DefaultClient
var ok = http.StatusOK
var alsoOK *egress.Client
type fine struct{ h http.Header; c *http.Client; col *colly.Collector }
var d = stdnet.Dialer{Timeout: 1}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	got := findOwnWayOut(fset, f)
	want := []string{"8: http.Client", "9: http.Transport", "10: http.Get", "10: stdnet.Dial", "10: colly.NewCollector", "11: http.DefaultClient", "15: stdnet.Dialer"}
	if !slices.Equal(got, want) {
		t.Errorf("found %q\nwant  %q", got, want)
	}
	for rel, allowed := range map[string]bool{
		"cmd/verrijk/client.go": true, "bench/pipeline/pipeline.go": true, "sources/kvk/kvktest/server.go": true,
		"cmd/verrijk/runtime.go": false, "sources/website/crawl.go": false, "benchmark/x.go": false,
	} {
		if _, ok := allowedOwnConnections(rel); ok != allowed {
			t.Errorf("allowedOwnConnections(%s) = %v, want %v", rel, ok, allowed)
		}
	}
}
