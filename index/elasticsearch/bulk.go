package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Bulk batches are cut at whichever limit comes first, so one request
// stays well below Elasticsearch's http.max_content_length (100 MB).
const (
	maxBulkOps   = 500
	maxBulkBytes = 8 << 20
)

// bulkOp is one action of a bulk request.
type bulkOp struct {
	action string // "index" or "delete" ("create" in tests)
	index  string
	id     string
	doc    []byte // the source of an index (or create) action
}

// ItemError is one document the cluster refused.
type ItemError struct {
	ID     string
	Action string
	Status int
	Type   string
	Reason string
}

// BulkError reports the documents of a bulk write that failed for good:
// refused outright (a 400 such as a document that does not fit the
// mapping), or still rejected (429, 5xx) after every retry.
type BulkError struct {
	Items []ItemError
	Of    int // documents written in all
}

func (e *BulkError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "elasticsearch: %d of %d documents failed:", len(e.Items), e.Of)
	for i, it := range e.Items {
		if i == 10 {
			fmt.Fprintf(&b, " and %d more", len(e.Items)-i)
			break
		}
		fmt.Fprintf(&b, " %s %s: %d %s", it.Action, it.ID, it.Status, it.Type)
		if it.Reason != "" {
			fmt.Fprintf(&b, " (%s)", it.Reason)
		}
		b.WriteString(";")
	}
	return strings.TrimSuffix(b.String(), ";")
}

// bulk writes ops in batches. refresh applies to the last batch only: a
// refresh makes everything indexed before it visible, so waiting once at
// the end gives read-your-writes for the whole call. "false" sends none.
func (x *Index) bulk(ctx context.Context, ops []bulkOp, refresh string) error {
	if len(ops) == 0 {
		return nil
	}
	var failed []ItemError
	for start := 0; start < len(ops); {
		end, size := start, 0
		for end < len(ops) && end-start < maxBulkOps && (end == start || size+len(ops[end].doc) <= maxBulkBytes) {
			size += len(ops[end].doc) + 128
			end++
		}
		r := "false"
		if end == len(ops) {
			r = refresh
		}
		items, err := x.bulkWithRetry(ctx, ops[start:end], r)
		if err != nil {
			return err
		}
		failed = append(failed, items...)
		start = end
	}
	if len(failed) > 0 {
		return &BulkError{Items: failed, Of: len(ops)}
	}
	return nil
}

// bulkWithRetry sends one batch, then again only its items the cluster
// rejected for now (429 too many requests, 5xx), after a backoff, up to
// MaxRetries times. Items refused for good are returned.
func (x *Index) bulkWithRetry(ctx context.Context, ops []bulkOp, refresh string) ([]ItemError, error) {
	var failed []ItemError
	for attempt := 0; ; attempt++ {
		retry, refused, err := x.bulkOnce(ctx, ops, refresh)
		if err != nil {
			return nil, err
		}
		failed = append(failed, refused...)
		if len(retry) == 0 {
			return failed, nil
		}
		if attempt == x.cfg.MaxRetries {
			return append(failed, retry...), nil
		}
		x.cfg.Log.Info("elasticsearch rejected bulk items for now; retrying", "items", len(retry), "attempt", attempt+1)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(x.cfg.Backoff(attempt + 1)):
		}
		// The retry carries the rejected items only, in their order.
		byID := make(map[string]bool, len(retry))
		for _, it := range retry {
			byID[it.Action+"\x00"+it.ID] = true
		}
		again := ops[:0:0]
		for _, op := range ops {
			if byID[op.action+"\x00"+op.id] {
				again = append(again, op)
			}
		}
		ops = again
	}
}

// bulkResponse is the answer of the bulk API; items come in request order.
type bulkResponse struct {
	Errors bool                        `json:"errors"`
	Items  []map[string]bulkItemResult `json:"items"`
}

type bulkItemResult struct {
	Index  string      `json:"_index"`
	ID     string      `json:"_id"`
	Status int         `json:"status"`
	Result string      `json:"result"`
	Error  *errorCause `json:"error"`
}

// bulkOnce sends one bulk request and sorts the failed items into those
// worth retrying and those refused for good.
func (x *Index) bulkOnce(ctx context.Context, ops []bulkOp, refresh string) (retry, refused []ItemError, err error) {
	var body bytes.Buffer
	for _, op := range ops {
		meta, _ := json.Marshal(obj{op.action: obj{"_index": op.index, "_id": op.id}})
		body.Write(meta)
		body.WriteByte('\n')
		if op.action != "delete" {
			body.Write(op.doc)
			body.WriteByte('\n')
		}
	}
	var q url.Values
	if refresh != "false" {
		q = url.Values{"refresh": {refresh}}
	}
	raw, err := x.do(ctx, "POST", "/_bulk", q, body.Bytes(), true)
	if err != nil {
		return nil, nil, err
	}
	var res bulkResponse
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, nil, fmt.Errorf("elasticsearch: reading the bulk answer: %w", err)
	}
	if len(res.Items) != len(ops) {
		return nil, nil, fmt.Errorf("elasticsearch: the bulk answer has %d items for %d actions", len(res.Items), len(ops))
	}
	if !res.Errors {
		return nil, nil, nil
	}
	for i, item := range res.Items {
		op := ops[i]
		r, ok := item[op.action]
		if !ok {
			return nil, nil, fmt.Errorf("elasticsearch: bulk item %d answers another action than %s", i, op.action)
		}
		if r.Error == nil {
			continue // deleting a document that is not there (404 not_found) is fine
		}
		if op.action == "delete" && r.Error.Type == "index_not_found_exception" {
			continue // a rebuild removed that index meanwhile: nothing left to delete
		}
		ie := ItemError{ID: op.id, Action: op.action, Status: r.Status, Type: r.Error.Type, Reason: cleanReason(r.Error.Reason)}
		if r.Status == 429 || r.Status >= 500 {
			retry = append(retry, ie)
		} else {
			refused = append(refused, ie)
		}
	}
	return retry, refused, nil
}
