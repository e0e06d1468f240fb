package main

import (
	"context"
	"fmt"
	"sync"

	"verrijk/bench/internal/deploy"
)

// platesPerSignal keeps jobs the size an analyst's would be at most: every
// task reads its whole job, so one job of thousands of tasks would measure
// that instead of the source's limit.
const platesPerSignal = 50

// createWork records signals holding n plates in all, through the API as an
// analyst would, and then requests an enrichment of each (rdw only, no
// follow-ups). The subjects come first, so that once the first job is
// queued the rest follow within moments and the source never runs dry.
func createWork(ctx context.Context, api deploy.API, n int) (signals int, err error) {
	var ids []string
	for i := 0; i < n; i += platesPerSignal {
		var sig struct{ ID string }
		if err := api.Call(ctx, "POST", "/signals", map[string]string{
			"title": fmt.Sprintf("bronlimiet %d", len(ids)+1)}, &sig); err != nil {
			return 0, err
		}
		ids = append(ids, sig.ID)
	}
	// Subjects in parallel, one signal per goroutine at a time.
	const parallel = 4
	sem := make(chan struct{}, parallel)
	errs := make(chan error, len(ids))
	var wg sync.WaitGroup
	for s, id := range ids {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			for i := s * platesPerSignal; i < min(n, (s+1)*platesPerSignal); i++ {
				if err := api.Call(ctx, "POST", "/signals/"+id+"/subjects",
					map[string]string{"type": "plate", "value": deploy.Plate(i)}, nil); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, fmt.Errorf("adding subjects: %w", err)
	}
	for _, id := range ids {
		if err := api.Call(ctx, "POST", "/signals/"+id+"/enrichments", map[string]any{
			"purpose_id": purposeID, "justification": "meting: houdt verrijk zich aan de limiet van de bron",
			"sources": []string{"rdw"}, "max_depth": 0}, nil); err != nil {
			return 0, fmt.Errorf("requesting enrichment: %w", err)
		}
	}
	return len(ids), nil
}
