package opensanctions_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"verrijk/sources"
	"verrijk/sources/opensanctions"
	"verrijk/sources/opensanctions/opensanctionstest"
)

// sampleFile writes the embedded sample export to a temporary file.
func sampleFile(t *testing.T) string {
	data, err := fs.ReadFile(opensanctionstest.Files(), "entities.ftm.json")
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, filepath.Join(t.TempDir(), "entities.ftm.json"), string(data))
}

func writeFile(t *testing.T, path, data string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// offline builds an adapter on a data file whose API base URL is a
// replay server, so a test can prove no request was made.
func offline(t *testing.T, path string, minScore float64) (*opensanctions.Source, *opensanctionstest.Server) {
	srv := opensanctionstest.NewServer(t)
	return newSource(t, sources.Config{BaseURL: srv.URL, APIKey: opensanctionstest.APIKey, DataFile: path, MinScore: minScore}), srv
}

func TestOfflineScreening(t *testing.T) {
	src, srv := offline(t, sampleFile(t), 0)
	cases := []struct{ name, want string }{
		{"Fictief Logistiek", "verrijk-test-fictief-logistiek"}, // legal form dropped on one side
		{"fictief logistiek holding bv", "verrijk-test-fictief-logistiek"},
		{"Maria Muller Testpersoon", "verrijk-test-maria-muller"},  // accents folded
		{"Testpersoon, Maria Müller", "verrijk-test-maria-muller"}, // word order
		{"Jan Vorbeeld", "verrijk-test-jan-voorbeeld"},             // a typo
		{"VVH", "verrijk-test-voorbeeld-vastgoed"},                 // an alias
		{"Inter Tobacco LLC", "NK-2GdmHtZTeNXjNVrBGEXZNj"},         // genuine export line
		{"Iranian Revolutionary Guard Corps", "NK-2PacmNpiLUmoz4XD2mSt7A"},
		{"Jan", ""},                       // one word of two is not enough
		{"Majengo area Mombasa", ""},      // an Address is not matchable
		{"Fictitious test programme", ""}, // nor is a Sanction
		{"Bestaat Niet B.V.", ""},
	}
	for _, c := range cases {
		res, err := src.Fetch(context.Background(), name(c.name))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(res.Evidence) != 1 {
			t.Fatalf("%s: %d evidence", c.name, len(res.Evidence))
		}
		ev := res.Evidence[0]
		var ids []string
		for id, match := range results(t, ev.Body) {
			if !match {
				t.Errorf("%s: offline result %s not marked a match", c.name, id)
			}
			ids = append(ids, id)
		}
		if strings.Join(ids, " ") != c.want || res.Found != (c.want != "") {
			t.Errorf("%s: found %v %v; want %q", c.name, res.Found, ids, c.want)
		}
		sum := sha256.Sum256(ev.Body)
		if ev.Kind != opensanctions.KindMatch || ev.SHA256 != hex.EncodeToString(sum[:]) || ev.Status != 200 || ev.FetchedAt.IsZero() {
			t.Errorf("%s: bad evidence %+v", c.name, ev)
		}
		if !strings.HasPrefix(ev.URL, "file:///") || !strings.Contains(ev.URL, "entities.ftm.json?") || !strings.Contains(ev.URL, "threshold=0.7") {
			t.Errorf("%s: evidence URL %s", c.name, ev.URL)
		}
	}
	if srv.Requests() != 0 {
		t.Errorf("offline screening made %d HTTP requests", srv.Requests())
	}
}

// TestOfflineAnswerHasTheAPIShape decodes the offline body with the
// fields the API documents.
func TestOfflineAnswerHasTheAPIShape(t *testing.T) {
	src, _ := offline(t, sampleFile(t), 0.9)
	res, err := src.Fetch(context.Background(), name("Jan Voorbeeld"))
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Responses map[string]struct {
			Status  int
			Results []map[string]json.RawMessage
			Total   struct{ Value int }
			Query   struct {
				Schema     string
				Properties map[string][]string
			}
		}
		Matcher map[string]json.RawMessage
		Limit   int
	}
	if err := json.Unmarshal(res.Evidence[0].Body, &a); err != nil {
		t.Fatal(err)
	}
	r := a.Responses["q1"]
	if r.Status != 200 || r.Total.Value != 1 || len(r.Results) != 1 || r.Query.Schema != "LegalEntity" ||
		r.Query.Properties["name"][0] != "Jan Voorbeeld" || a.Limit != 10 || len(a.Matcher) == 0 {
		t.Fatalf("answer %s", res.Evidence[0].Body)
	}
	for _, f := range []string{"id", "caption", "schema", "properties", "datasets", "score", "features", "match", "target", "first_seen"} {
		if _, ok := r.Results[0][f]; !ok {
			t.Errorf("result lacks %q", f)
		}
	}
	if !strings.Contains(res.Evidence[0].URL, "threshold=0.9") {
		t.Errorf("URL %s does not carry the threshold", res.Evidence[0].URL)
	}
}

func TestOfflineReloadsAChangedFile(t *testing.T) {
	line := func(id, n string) string {
		return `{"id":"` + id + `","schema":"Company","caption":"` + n + `","properties":{"name":["` + n + `"]},"datasets":["t"]}` + "\n"
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "x.json"), line("a", "Alfa Testbedrijf"))
	src, _ := offline(t, path, 0)
	found := func(n string) bool {
		res, err := src.Fetch(context.Background(), name(n))
		if err != nil {
			t.Fatal(err)
		}
		return res.Found
	}
	if !found("Alfa Testbedrijf") || found("Bravo Testbedrijf") {
		t.Fatal("first load wrong")
	}
	writeFile(t, path, line("b", "Bravo Testbedrijf"))
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if found("Alfa Testbedrijf") || !found("Bravo Testbedrijf") {
		t.Error("the changed file was not reloaded")
	}
}

func TestOfflineSkipsBadLines(t *testing.T) {
	long := `{"id":"long","schema":"Company","properties":{"name":["Lange Regel"]},"x":"` + strings.Repeat("a", 2<<20) + `"}`
	data := strings.Join([]string{
		`{"id":"ok1","schema":"Company","properties":{"name":["Eerste Goede"]}}`,
		`{broken`,
		`[1,2,3]`,
		`{"schema":"Company","properties":{"name":["Zonder Id"]}}`,
		`{"id":"noname","schema":"Person","properties":{"name":[]}}`,
		`{"id":"wrongtype","schema":"Person","properties":{"name":"Geen Lijst"}}`,
		long,
		``,
		`{"id":"ok2","schema":"Person","properties":{"name":[{"nested":true},"Tweede Goede"]}}`,
	}, "\n") // no final newline
	src, _ := offline(t, writeFile(t, filepath.Join(t.TempDir(), "x.json"), data), 0)
	for n, want := range map[string]bool{"Eerste Goede": true, "Tweede Goede": true, "Lange Regel": false, "Zonder Id": false, "Geen Lijst": false} {
		res, err := src.Fetch(context.Background(), name(n))
		if err != nil {
			t.Fatal(err)
		}
		if res.Found != want {
			t.Errorf("%s: found %v; want %v", n, res.Found, want)
		}
	}
}

func TestOfflineCapsArePermanentErrors(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.json")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: the size is over the cap without writing 200 MB.
	if err := f.Truncate(opensanctions.MaxDataFileBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	many := writeFile(t, filepath.Join(dir, "many.json"), strings.Repeat("{}\n", 11))
	defer opensanctions.SetLineCap(10)()
	// Exactly at the cap is fine.
	ten := writeFile(t, filepath.Join(dir, "ten.json"), strings.Repeat("{}\n", 9)+`{"id":"a","schema":"Person","properties":{"name":["Jan Voorbeeld"]}}`+"\n")
	atCap, _ := offline(t, ten, 0)
	if res, err := atCap.Fetch(context.Background(), name("Jan Voorbeeld")); err != nil || !res.Found {
		t.Errorf("a file of exactly the line cap gave %v, %v", res, err)
	}
	for path, problem := range map[string]string{
		huge:                       "bytes, more than",
		many:                       "more than 10 lines",
		filepath.Join(dir, "none"): "data_file",
	} {
		src, _ := offline(t, path, 0)
		_, err := src.Fetch(context.Background(), name("Jan Voorbeeld"))
		if !errors.Is(err, asynq.SkipRetry) || !strings.Contains(err.Error(), problem) {
			t.Errorf("%s gave %v; want SkipRetry naming %q", filepath.Base(path), err, problem)
		}
	}
}

func TestOfflineConcurrentAndCancelled(t *testing.T) {
	src, _ := offline(t, sampleFile(t), 0)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := src.Fetch(context.Background(), name("Jan Voorbeeld"))
			if err == nil && !res.Found {
				err = errors.New("not found")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src2, _ := offline(t, sampleFile(t), 0)
	if _, err := src2.Fetch(ctx, name("Jan Voorbeeld")); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled first load gave %v", err)
	}
}
