package opensanctions

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/hibiken/asynq"
)

// Caps on the offline export. OpenSanctions' "default" collection is well
// over a gigabyte; the offline mode is for a filtered export (sanctions
// only, or a national subset) and for tests, not for the full data set,
// which belongs behind the API or a yente instance.
const (
	MaxDataFileBytes = 200 << 20
	MaxDataFileLines = 1_000_000
	maxLineBytes     = 1 << 20
	maxNames         = 50  // names + aliases read per entity
	maxValues        = 20  // values kept per property
	maxValueBytes    = 500 // bytes kept per value
)

// lineCap is MaxDataFileLines; tests lower it.
var lineCap = MaxDataFileLines

// matchable are the schemata a LegalEntity query matches; every other
// line (addresses, sanctions, relations) is skipped.
var matchable = map[string]bool{
	"LegalEntity": true, "Person": true, "Company": true, "Organization": true, "PublicBody": true,
}

// keptProperties are the properties the offline answer carries: what the
// normaliser reads and little more (data minimisation).
var keptProperties = []string{"name", "alias", "topics", "program", "country", "jurisdiction", "registrationNumber"}

// dataFile is a FollowTheMoney JSON-lines export, loaded on first use and
// again whenever its size or modification time changes.
type dataFile struct {
	path string
	lock chan struct{} // a mutex whose wait can select on ctx

	size    int64
	modTime time.Time
	ents    []entry
	index   map[string][]int32
	skipped int // lines that were not usable entities
}

// entry is one matchable entity and its comparable names.
type entry struct {
	res   matchResult // score, features and match filled per query
	names [][]string
}

func newDataFile(path string) *dataFile {
	return &dataFile{path: path, lock: make(chan struct{}, 1)}
}

// current returns the loaded entities, (re)loading when the file changed.
// Callers must not modify what they get.
func (d *dataFile) current(ctx context.Context) (*dataFile, error) {
	select {
	case d.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-d.lock }()
	fi, err := os.Stat(d.path)
	if err != nil {
		return nil, fmt.Errorf("reading sources.opensanctions.data_file: %w: %w", err, asynq.SkipRetry)
	}
	if d.ents != nil && fi.Size() == d.size && fi.ModTime().Equal(d.modTime) {
		return d.snapshot(), nil
	}
	if fi.Size() > MaxDataFileBytes {
		return nil, fmt.Errorf("sources.opensanctions.data_file is %d bytes, more than the %d allowed; use a filtered export or the API: %w",
			fi.Size(), MaxDataFileBytes, asynq.SkipRetry)
	}
	if err := d.load(ctx, fi); err != nil {
		return nil, err
	}
	return d.snapshot(), nil
}

// snapshot copies the header so a reload by another call does not change
// what this one is reading; the slices themselves are never modified.
func (d *dataFile) snapshot() *dataFile {
	return &dataFile{path: d.path, size: d.size, modTime: d.modTime, ents: d.ents, index: d.index, skipped: d.skipped}
}

func (d *dataFile) load(ctx context.Context, fi os.FileInfo) error {
	f, err := os.Open(d.path)
	if err != nil {
		return fmt.Errorf("reading sources.opensanctions.data_file: %w: %w", err, asynq.SkipRetry)
	}
	defer f.Close()
	r := bufio.NewReaderSize(io.LimitReader(f, MaxDataFileBytes+1), 64<<10)
	ents := []entry{}
	skipped := 0
	for n := 0; ; n++ {
		if n%10000 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, err := readLine(r)
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		if n >= lineCap {
			return fmt.Errorf("sources.opensanctions.data_file has more than %d lines; use a filtered export or the API: %w",
				lineCap, asynq.SkipRetry)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if e, ok := parseEntity(line); ok {
				ents = append(ents, e)
			} else {
				skipped++
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading sources.opensanctions.data_file: %w", err)
		}
	}
	d.size, d.modTime, d.ents, d.skipped = fi.Size(), fi.ModTime(), ents, skipped
	d.index = buildIndex(ents)
	return nil
}

// readLine returns the next line; a line longer than maxLineBytes is
// consumed and returned empty (skipped), not an error.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > maxLineBytes {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			return []byte{}, err
		}
		return line, err
	}
}

// parseEntity reads one export line; ok is false for anything that is not
// a matchable entity with an id and a name.
func parseEntity(line []byte) (entry, bool) {
	var raw struct {
		ID         string                     `json:"id"`
		Caption    string                     `json:"caption"`
		Schema     string                     `json:"schema"`
		Properties map[string]json.RawMessage `json:"properties"`
		Datasets   json.RawMessage            `json:"datasets"`
		Target     bool                       `json:"target"`
		FirstSeen  *string                    `json:"first_seen"`
		LastSeen   *string                    `json:"last_seen"`
		LastChange *string                    `json:"last_change"`
	}
	if json.Unmarshal(line, &raw) != nil || raw.ID == "" || !matchable[raw.Schema] {
		return entry{}, false
	}
	props := map[string][]string{}
	for _, p := range keptProperties {
		if vs := stringList(raw.Properties[p]); len(vs) > 0 {
			props[p] = vs
		}
	}
	var names [][]string
	for _, n := range append(append([]string{}, props["name"]...), props["alias"]...) {
		if t := tokens(n); len(t) > 0 && len(names) < maxNames {
			names = append(names, t)
		}
	}
	if len(names) == 0 {
		return entry{}, false
	}
	datasets := stringList(raw.Datasets)
	if datasets == nil {
		datasets = []string{}
	}
	caption := clipValue(raw.Caption)
	if caption == "" {
		caption = props["name"][0]
	}
	return entry{names: names, res: matchResult{
		ID: clipValue(raw.ID), Caption: caption, Schema: raw.Schema, Properties: props,
		Datasets: datasets, Referents: []string{}, Target: raw.Target,
		FirstSeen: raw.FirstSeen, LastSeen: raw.LastSeen, LastChange: raw.LastChange,
	}}, true
}

// stringList reads a JSON array of strings, capped; other values in it
// (nested entities, numbers) are skipped.
func stringList(raw json.RawMessage) []string {
	var vs []any
	if len(raw) == 0 || json.Unmarshal(raw, &vs) != nil {
		return nil
	}
	out := []string{}
	for _, v := range vs {
		if s, ok := v.(string); ok && s != "" && len(out) < maxValues {
			out = append(out, clipValue(s))
		}
	}
	return out
}

func clipValue(s string) string {
	if len(s) > maxValueBytes {
		return string(bytes.ToValidUTF8([]byte(s[:maxValueBytes]), nil))
	}
	return s
}
