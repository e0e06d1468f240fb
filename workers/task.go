// Package workers runs enrichment on Asynq: one Asynq task per store task
// (one subject × one source), on a queue per source, so a slow or dead
// source never holds up the others. The store stays the truth about every
// task; Asynq only carries the work, and the reconciler puts back whatever
// Redis lost.
package workers

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hibiken/asynq"

	"verrijk/store"
)

// TypeEnrichPrefix starts every enrichment task type; the full type names
// the source, e.g. "enrich:kvk".
const TypeEnrichPrefix = "enrich:"

// TypeEnrich returns the task type for a source.
func TypeEnrich(source string) string { return TypeEnrichPrefix + source }

// QueueName returns the Asynq queue of a source.
func QueueName(source string) string { return "source:" + source }

type enrichPayload struct {
	TaskID string `json:"task_id"`
}

// NewEnrichTask wraps a store task for Asynq. Only the id travels: the
// handler reads everything else from the store, so a stale queue entry can
// never act on outdated data.
func NewEnrichTask(t store.Task) (*asynq.Task, error) {
	payload, err := json.Marshal(enrichPayload{TaskID: t.ID})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeEnrich(t.Source), payload), nil
}

func parseEnrichTask(t *asynq.Task) (taskID, source string, err error) {
	var p enrichPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.TaskID == "" {
		return "", "", fmt.Errorf("bad enrich payload %q: %w", t.Payload(), asynq.SkipRetry)
	}
	return p.TaskID, strings.TrimPrefix(t.Type(), TypeEnrichPrefix), nil
}
