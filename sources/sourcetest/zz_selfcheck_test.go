package sourcetest

import (
	"context"
	"fmt"
	"testing"

	"verrijk/egress"
	"verrijk/pipeline/subject"
	"verrijk/sources"
)

type sloppy struct {
	c   *egress.Client
	url string
}

func (s sloppy) Name() string                { return "sloppy" }
func (s sloppy) Accepts(t subject.Type) bool { return true }
func (s sloppy) Fetch(ctx context.Context, _ subject.Subject) (*sources.Result, error) {
	resp, err := s.c.Do(context.Background(), egress.Request{Source: "sloppy", URL: s.url})
	if err != nil {
		return nil, err
	}
	if resp.Status != 200 {
		return nil, fmt.Errorf("status %d", resp.Status)
	}
	return &sources.Result{Found: true}, nil
}

func TestSelfCheck(t *testing.T) {
	Run(t, func(u string) sources.Source { return sloppy{Client(t), u} }, subject.Subject{Type: subject.KvK, Value: "1"})
}
