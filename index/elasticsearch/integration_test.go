package esindex

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"verrijk/index"
	"verrijk/index/indextest"
)

// The integration tests run against a real cluster when
// VERRIJK_TEST_ES_URL names one, e.g.
//
//	docker run -d -p 9200:9200 -e discovery.type=single-node -e xpack.security.enabled=false \
//	  docker.elastic.co/elasticsearch/elasticsearch:8.15.3
//	VERRIJK_TEST_ES_URL=http://127.0.0.1:9200 go test ./index/elasticsearch -run Live
//
// With security on, set VERRIJK_TEST_ES_API_KEY (or VERRIJK_TEST_ES_USERNAME
// and VERRIJK_TEST_ES_PASSWORD) and VERRIJK_TEST_ES_CA_FILE. Every case
// works under its own index prefix and deletes its indices and template.

var liveCase atomic.Int64

func liveConfig(t *testing.T) Config {
	t.Helper()
	url := os.Getenv("VERRIJK_TEST_ES_URL")
	if url == "" {
		t.Skip("VERRIJK_TEST_ES_URL is not set: no Elasticsearch cluster to test against")
	}
	return Config{
		Addresses:   strings.Split(url, ","),
		APIKey:      os.Getenv("VERRIJK_TEST_ES_API_KEY"),
		Username:    os.Getenv("VERRIJK_TEST_ES_USERNAME"),
		Password:    os.Getenv("VERRIJK_TEST_ES_PASSWORD"),
		CAFile:      os.Getenv("VERRIJK_TEST_ES_CA_FILE"),
		IndexPrefix: fmt.Sprintf("verrijktest-%d-%d", time.Now().UnixNano()%1e9, liveCase.Add(1)),
		Log:         quiet,
	}
}

func openLive(t *testing.T, cfg Config) *Index {
	t.Helper()
	ix, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if names, err := ix.versionedIndices(ctx); err == nil {
			for _, n := range names {
				ix.do(ctx, "DELETE", "/"+n, nil, nil, false)
			}
		}
		ix.do(ctx, "DELETE", ix.templatePath(), nil, nil, false)
		ix.Close()
	})
	return ix
}

func TestConformanceLive(t *testing.T) {
	liveConfig(t) // skips without a cluster
	indextest.Run(t, func(t *testing.T) index.Index {
		// The suite closes what it is given; the cleanup, which deletes the
		// case's indices, still needs the client, and closes it after.
		return keepOpen{openLive(t, liveConfig(t))}
	})
}

// keepOpen leaves closing to openLive's cleanup.
type keepOpen struct{ *Index }

func (keepOpen) Close() error { return nil }

func TestRebuildLive(t *testing.T) {
	cfg := liveConfig(t)
	ix := openLive(t, cfg)
	testRebuild(t, ix, nil)
}
